"""Tests for rnnlab.pretrained (the shipped networks), rnnlab.sample and rnnlab.ngram."""
import numpy as np
import pytest

import rnnlab as rl
from rnnlab import ngram, pretrained
from rnnlab.sample import sample_text
from rnnlab.tasks import TEXT, CharVocab, char_batches
from rnnlab.train import History


def test_shipped_files_load_with_the_right_shapes():
    timer_rnn, char_rnn = pretrained.timer_rnn(), pretrained.char_rnn()
    assert isinstance(timer_rnn, rl.RNN) and (timer_rnn.D, timer_rnn.H, timer_rnn.O) == (2, 16, 1)
    V = CharVocab(TEXT).size
    assert isinstance(char_rnn, rl.RNN) and (char_rnn.D, char_rnn.H, char_rnn.O) == (V, 64, V)
    for name in pretrained.FILES.values():
        path = pretrained.DATA / name
        assert path.stat().st_size < 200_000, f"{name} should stay small"
        with np.load(path, allow_pickle=False) as f:
            assert "rnnlab.pretrained.train_" in str(f["recipe"])


def test_shipped_timer_network_meets_the_criterion_on_fresh_data():
    model = pretrained.timer_rnn()
    for seed in (pretrained.TIMER_TEST_SEED, 77):
        scores = pretrained.timer_scores(model, rng=seed)
        assert scores["within_one"] >= 0.99 and scores["exact"] >= 0.95, scores


def test_the_timer_recipe_reproduces_a_network_that_meets_it():
    model, history = pretrained.train_timer()
    assert len(history) == 2000 and not history.diverged
    scores = pretrained.timer_scores(model)
    assert scores["within_one"] >= 0.99 and scores["exact"] >= 0.95, scores


def test_shipped_char_network_predicts_its_text():
    model = pretrained.char_rnn()
    b = char_batches(32, 64, rng=5)
    loss = rl.cross_entropy(model(b.X), b.target)[0] / 32
    assert loss < 0.5   # nats per character; guessing uniformly costs ln 40 = 3.7


def test_the_char_recipe_starts_learning():
    _, history = pretrained.train_char(steps=12)
    loss = history.loss / 32
    assert loss[0] > 3.5 and loss[-3:].mean() < loss[0] - 0.3


def test_save_and_load_round_trip(tmp_path):
    model = rl.RNN(D=3, H=4, O=2, rng=1)
    pretrained.save(model, tmp_path / "m.npz", "a recipe")
    back = pretrained.load(tmp_path / "m.npz")
    X = np.random.default_rng(0).standard_normal((5, 2, 3))
    np.testing.assert_array_equal(back(X), model(X))


def test_command_writes_only_the_named_network(tmp_path, capsys, monkeypatch):
    untrained = (rl.RNN(D=2, H=16, O=1, rng=0), History())   # the command, not the recipe
    monkeypatch.setattr(pretrained, "train_timer", lambda: untrained)
    monkeypatch.setattr(pretrained, "timer_scores", lambda m: {"within_one": 0.0, "exact": 0.0})
    assert pretrained.main(["timer", "--out", str(tmp_path)]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["timer_rnn.npz"]
    assert "wrote" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        pretrained.main(["nonsense", "--out", str(tmp_path)])


# ---------------------------------------------------------------- sampling

def test_sampling_is_seeded_and_uses_the_vocabulary():
    model, vocab = pretrained.char_rnn(), CharVocab(TEXT)
    a = sample_text(model, vocab, "The ", 80, rng=3)
    assert a == sample_text(model, vocab, "The ", 80, rng=3) and len(a) == 80
    assert set(a) <= set(vocab.chars)
    assert a != sample_text(model, vocab, "The ", 80, rng=4)


def test_sampling_follows_a_confident_model():
    vocab = CharVocab("ab")
    model = rl.RNN(D=2, H=2, O=2, rng=0)
    model["W_xh"], model["W_hh"], model["b_h"] = 5 * np.eye(2), np.zeros((2, 2)), np.zeros(2)
    model["W_hy"], model["b_y"] = 50 * np.array([[-1.0, 1.0], [1.0, -1.0]]), np.zeros(2)
    assert sample_text(model, vocab, "a", 6, rng=0) == "bababa"   # a -> b -> a ...


@pytest.mark.parametrize("kwargs, match", [({"prompt": ""}, "prompt"),
                                           ({"temperature": 0}, "temperature"),
                                           ({"n": 0}, "n")])
def test_sampling_rejects_bad_arguments(kwargs, match):
    args = {"model": pretrained.char_rnn(), "vocab": CharVocab(TEXT), "prompt": "A",
            "n": 5, "rng": 0, **kwargs}
    with pytest.raises((ValueError, TypeError), match=match):
        sample_text(**args)
    with pytest.raises(ValueError, match="D = O"):
        sample_text(rl.RNN(D=3, H=2, O=3), CharVocab(TEXT), "A", 5, rng=0)


# ---------------------------------------------------------------- order-k tables

def test_table_size_counts_contexts_times_free_probabilities():
    assert ngram.table_size(27, 0) == 26
    assert ngram.table_size(27, 2) == 27 ** 2 * 26
    assert ngram.table_size(2, 10) == 1024


def test_contexts_and_unseen_share_by_hand():
    train, test = np.array([0, 1, 0, 1, 2]), np.array([0, 1, 2, 2])
    assert ngram.contexts(train, 1) == {(0,), (1,)}
    assert ngram.contexts(train, 2) == {(0, 1), (1, 0)}
    assert ngram.unseen_share(train, test, 1) == pytest.approx(1 / 3)   # context (2,) unseen
    assert ngram.unseen_share(train, test, 2) == pytest.approx(1 / 2)   # (0,1) seen, (1,2) not
    assert ngram.unseen_share(train, test, 0) == 0.0


def test_unseen_share_grows_with_the_order_on_real_text():
    ids = CharVocab(TEXT).encode(TEXT)
    cut = int(0.8 * len(ids))
    shares = [ngram.unseen_share(ids[:cut], ids[cut:], k) for k in range(1, 7)]
    assert shares == sorted(shares) and shares[0] < 0.05 and shares[-1] > 0.5


@pytest.mark.parametrize("bad", [np.array([0.5, 1.0]), np.zeros((2, 2), dtype=int)])
def test_ngram_rejects_what_is_not_a_1d_id_array(bad):
    with pytest.raises(TypeError, match="1-D array of integer"):
        ngram.contexts(bad, 1)
