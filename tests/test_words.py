"""The qualitative words' thresholds and the control-precision formatter."""
import pytest

from rnnlab import words


@pytest.mark.parametrize("value, step, text", [
    (3.99999, 0.25, "4.00"), (4.0, 0.5, "4.0"), (-1e-9, 0.5, "0.0"), (-0.04, 0.1, "0.0"),
    (-0.06, 0.1, "-0.1"), (12.0, 1, "12"), (0.123456, 0.01, "0.12"), (2.5, 0.05, "2.50"),
    (7.0, 2, "7"),
])
def test_at_step(value, step, text):
    assert words.at_step(value, step) == text


@pytest.mark.parametrize("step", [0, -0.1, float("nan"), "0.1"])
def test_at_step_rejects_bad_steps(step):
    with pytest.raises(ValueError, match="positive finite"):
        words.at_step(1.0, step)


def test_thresholds_are_ordered_and_used_by_the_tests():
    assert words.SHUT < words.OPEN and words.LITTLE < words.MOST
    assert words.is_open(0.9) and not words.is_open(0.88)          # 0.88 is not "open"...
    assert not words.is_shut(0.88) and words.is_shut(0.1)          # ...and not "shut"
    assert words.keeps_most(0.98) and not words.keeps_little(0.5)
    assert words.vanished(1e-3) and not words.vanished(2e-3)
    assert words.exploded(1e3) and not words.exploded(999.0)


@pytest.mark.parametrize("g, word", [(0.0, "shut"), (0.1, "shut"), (0.5, "partly open"),
                                     (0.88, "partly open"), (0.9, "open"), (1.0, "open")])
def test_gate_state_uses_the_two_thresholds(g, word):
    assert words.gate_state(g) == word


@pytest.mark.parametrize("r, text", [(0.978, "97.8%"), (0.0012, "0.1%"), (2e-39, "2e-39"),
                                     (0.0, "zero"), (0.99998, "99.998%"), (1.0, "100.0%")])
def test_fraction_text_never_rounds_to_0_or_100_percent(r, text):
    assert words.fraction_text(r) == text
