"""Bad input is rejected with a message that names what was expected."""
import re

import numpy as np
import pytest

import rnnlab as rl

T, B, D, H, O = 4, 3, 2, 5, 3


@pytest.fixture(params=["rnn", "lstm", "gru"])
def model(request):
    return {"rnn": rl.RNN, "lstm": rl.LSTM, "gru": rl.GRU}[request.param](D, H, O, rng=0)


def X_ok():
    return np.random.default_rng(0).standard_normal((T, B, D))


def target_ok():
    return np.zeros((T, B, O))


def state0_ok(m, B=B):
    return tuple(np.zeros((B, H)) for _ in m.state_names)


# -- inputs X ------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(T, D), (D,), (T, B, D, 1), ()])
def test_X_with_wrong_number_of_axes(model, shape):
    with pytest.raises(ValueError, match=r"X must have shape \(T, B, D\)"):
        model.forward(np.zeros(shape))


def test_X_with_wrong_input_size(model):
    with pytest.raises(ValueError, match=r"D = 2 \(the model's input size\)"):
        model.forward(np.zeros((T, B, D + 1)))


@pytest.mark.parametrize("shape", [(0, B, D), (T, 0, D)])
def test_X_with_no_steps_or_no_sequences(model, shape):
    with pytest.raises(ValueError, match="at least one step and one sequence"):
        model.forward(np.zeros(shape))


@pytest.mark.parametrize("bad, word", [(np.nan, "NaN"), (np.inf, "inf"), (-np.inf, "inf")])
def test_X_not_finite(model, bad, word):
    X = X_ok()
    X[1, 2, 0] = bad
    with pytest.raises(ValueError, match=f"X must be finite, but it contains {word}"):
        model.forward(X)
    with pytest.raises(ValueError, match="finite"):
        rl.bptt(model, X, target_ok())


@pytest.mark.parametrize("X", ["abc", {"x": 1}, None, b"\x00"])
def test_X_of_the_wrong_type(model, X):
    with pytest.raises(TypeError, match=r"X must be an array of shape \(T, B, D\)"):
        model.forward(X)


def test_X_of_objects_or_complex(model):
    with pytest.raises(TypeError, match="real numbers"):
        model.forward(np.full((T, B, D), 1 + 2j))
    with pytest.raises(TypeError, match="real numbers"):
        model.forward(np.full((T, B, D), "a"))


@pytest.mark.parametrize("dtype", [np.int64, np.int8, np.uint8, np.bool_, np.float16])
def test_X_of_other_real_dtypes_is_converted(model, dtype):
    X = (X_ok() > 0).astype(dtype)
    Y = model(X)
    assert Y.dtype == np.float64
    np.testing.assert_array_equal(Y, model(X.astype(np.float64)))


def test_nested_lists_are_accepted(model):
    np.testing.assert_array_equal(model(X_ok().tolist()), model(X_ok()))


# -- initial states ------------------------------------------------------------------------

def test_state0_batch_mismatch(model):
    with pytest.raises(ValueError, match=r"B = 3 \(the batch size of X\)"):
        model.forward(X_ok(), state0_ok(model, B=B + 1))


def test_state0_wrong_hidden_size(model):
    s0 = tuple(np.zeros((B, H + 1)) for _ in model.state_names)
    with pytest.raises(ValueError, match=r"H = 5 \(the model's hidden size\)"):
        model.forward(X_ok(), s0)


def test_state0_wrong_axes(model):
    s0 = tuple(np.zeros((1, B, H)) for _ in model.state_names)
    with pytest.raises(ValueError, match=r"h_\{-1\} must have shape \(B, H\)"):
        model.forward(X_ok(), s0)


def test_state0_not_finite(model):
    s0 = [np.zeros((B, H)) for _ in model.state_names]
    s0[-1][0, 0] = np.nan
    with pytest.raises(ValueError, match=r"_\{-1\} must be finite"):
        model.forward(X_ok(), tuple(s0))


@pytest.mark.parametrize("batch", [B, 2])  # at B = 2 the rows of h0 could pass for (h, c)
@pytest.mark.parametrize("as_list", [False, True])
def test_lstm_needs_both_states(batch, as_list):
    m, h0 = rl.LSTM(D, H), np.zeros((batch, H))
    with pytest.raises(ValueError, match=r"the LSTM needs both states: "
                                         r"state0=\(h_\{-1\}, c_\{-1\}\).*"
                                         rf"one array of shape \({batch}, {H}\)"):
        m.forward(X_ok()[:, :batch], h0.tolist() if as_list else h0)
    with pytest.raises(ValueError, match=r"state0 must be \(h_\{-1\}, c_\{-1\}\): 2 array"):
        m.forward(X_ok(), (h0, h0, h0))
    with pytest.raises(ValueError, match=r"state0 must be \(h_\{-1\}\): 1 array"):
        rl.RNN(D, H).forward(X_ok(), (np.zeros((B, H)), np.zeros((B, H))))


def test_lstm_state_as_a_list_of_two_arrays_is_accepted():
    m, h0, c0 = rl.LSTM(D, H, rng=0), np.full((2, H), 0.5), np.full((2, H), -0.5)
    np.testing.assert_array_equal(m(X_ok()[:, :2], [h0, c0]), m(X_ok()[:, :2], (h0, c0)))


# -- batch-major (B, T, D) data: the course is time-major ----------------------------------

TIME_MAJOR = r"the course is time-major: \(T, B, D\)"


def test_batch_major_X_against_a_time_major_target(model):
    with pytest.raises(ValueError, match=r"X has shape \(3, 4, 2\) but target has shape "
                                         r"\(4, 3, 3\): their first two axes are swapped.*"
                                         + TIME_MAJOR):
        rl.bptt(model, X_ok().transpose(1, 0, 2), target_ok())


def test_batch_major_target_or_labels(model):
    with pytest.raises(ValueError, match="swapped.*" + TIME_MAJOR):
        rl.bptt(model, X_ok(), target_ok().transpose(1, 0, 2))
    with pytest.raises(ValueError, match="swapped.*" + TIME_MAJOR):
        rl.bptt(model, X_ok(), np.zeros((B, T), dtype=int), loss="cross_entropy")
    with pytest.raises(ValueError, match=r"target must have the shape of Y.*" + TIME_MAJOR):
        rl.mse(np.zeros((T, B, O)), np.zeros((B, T, O)))
    with pytest.raises(ValueError, match=r"labels must be integer.*" + TIME_MAJOR):
        rl.cross_entropy(np.zeros((T, B, O)), np.zeros((B, T), dtype=int))


def test_batch_major_mask(model):
    with pytest.raises(ValueError, match=r"mask must have shape \(T, B\).*" + TIME_MAJOR):
        rl.bptt(model, X_ok(), target_ok(), mask=np.ones((B, T)))


def test_batch_major_X_against_the_initial_state(model):
    # X (B, T, D) read as (T, B, D) has "batch size" T; h_{-1} (B, H) has B rows
    Xb = X_ok().transpose(1, 0, 2)
    with pytest.raises(ValueError, match=r"h_\{-1\} must have shape \(B, H\) with B = 4 .*"
                                         r"batch-major.*" + TIME_MAJOR):
        model.forward(Xb, state0_ok(model))


def test_no_time_major_hint_when_T_equals_B(model):
    # with T = B nothing can tell the axes apart: the plain shape error, no guess
    X = np.zeros((B, B, D))
    with pytest.raises(ValueError, match="target must have the shape of Y") as err:
        rl.bptt(model, X, np.zeros((B, B, O + 1)))
    assert "time-major" not in str(err.value)


# -- targets, labels and masks -------------------------------------------------------------

@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_target_not_finite(model, bad):
    target = target_ok()
    target[0, 0, 0] = bad
    with pytest.raises(ValueError, match="target must be finite"):
        rl.bptt(model, X_ok(), target)


def test_target_wrong_shape(model):
    with pytest.raises(ValueError, match=r"target must have the shape of Y \(T, B, O\)"):
        rl.bptt(model, X_ok(), np.zeros((T, B, O + 1)))
    with pytest.raises(ValueError, match=r"target must have shape \(T, B, O\)"):
        rl.bptt(model, X_ok(), np.zeros((T, B)))


def test_labels_out_of_range(model):
    labels = np.zeros((T, B), dtype=int)
    labels[1, 1] = O
    with pytest.raises(ValueError, match=r"labels must lie in \[0, O\) = \[0, 3\)"):
        rl.bptt(model, X_ok(), labels, loss="cross_entropy")
    labels[1, 1] = -1
    with pytest.raises(ValueError, match=r"\[0, O\)"):
        rl.bptt(model, X_ok(), labels, loss="cross_entropy")


@pytest.mark.parametrize("labels", [np.zeros((T, B)), np.zeros((T, B), dtype=bool),
                                    np.zeros((T, B, 1), dtype=int), np.zeros(T, dtype=int)])
def test_labels_wrong_dtype_or_shape(model, labels):
    with pytest.raises(ValueError, match=r"labels must be integer class indices of shape \(T, B\)"):
        rl.bptt(model, X_ok(), labels, loss="cross_entropy")


@pytest.mark.parametrize("mask", [np.ones(T + 1), np.ones((T, B + 1)), np.ones((B, T)),
                                  np.ones((T, B, 1))])
def test_mask_wrong_shape(model, mask):
    with pytest.raises(ValueError, match=r"mask must have shape \(T, B\)"):
        rl.bptt(model, X_ok(), target_ok(), mask=mask)


def test_mask_not_finite(model):
    mask = np.ones((T, B))
    mask[0, 0] = np.nan
    with pytest.raises(ValueError, match="mask must be finite"):
        rl.bptt(model, X_ok(), target_ok(), mask=mask)


# -- option names --------------------------------------------------------------------------

def test_unknown_activation():
    expected = r"activation must be one of \['relu', 'sigmoid', 'tanh'\]"
    with pytest.raises(ValueError, match=expected):
        rl.RNN(D, H, activation="softplus")


def test_unknown_convention():
    with pytest.raises(ValueError, match=r"convention must be one of \('pytorch', 'chung'\)"):
        rl.GRU(D, H, convention="cho")


@pytest.mark.parametrize("cls", [rl.RNN, rl.LSTM, rl.GRU])
def test_unknown_init(cls):
    with pytest.raises(ValueError, match=r"init must be one of \('pytorch', 'normal'"):
        cls(D, H, init="xavier")


def test_unknown_loss(model):
    with pytest.raises(ValueError, match=r"loss must be one of \['cross_entropy', 'mse'\]"):
        rl.bptt(model, X_ok(), target_ok(), loss="l1")


def test_unknown_truncation(model):
    with pytest.raises(ValueError, match="truncation must be 'chunk' or 'window'"):
        rl.bptt(model, X_ok(), target_ok(), k=2, truncation="sliding")


@pytest.mark.parametrize("k", [0, -1, 1.5, True, "2"])
def test_bad_truncation_length(model, k):
    with pytest.raises(ValueError, match=r"k \(truncation length\) must be a positive integer"):
        rl.bptt(model, X_ok(), target_ok(), k=k)


def test_numpy_integer_k_is_accepted(model):
    a = rl.bptt(model, X_ok(), target_ok(), k=np.int64(2))
    b = rl.bptt(model, X_ok(), target_ok(), k=2)
    np.testing.assert_array_equal(a.dX, b.dX)


# -- constructor arguments -----------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float16, np.int32, np.complex128])
def test_model_dtype_must_be_float32_or_float64(dtype):
    with pytest.raises(TypeError, match="dtype must be float32 or float64"):
        rl.LSTM(D, H, dtype=dtype)


@pytest.mark.parametrize("kw, what", [
    (dict(D=0, H=H), r"D \(input size\)"), (dict(D=D, H=-1), r"H \(hidden size\)"),
    (dict(D=D, H=2.0), r"H \(hidden size\)"), (dict(D=D, H=H, O=0), r"O \(output size\)"),
])
def test_sizes_must_be_positive_integers(kw, what):
    with pytest.raises(ValueError, match=what + " must be a positive integer"):
        rl.RNN(**kw)


@pytest.mark.parametrize("rng", ["seed", 1.5, True])
def test_rng_must_be_a_generator_or_int(rng):
    with pytest.raises(TypeError, match="rng must be a numpy Generator, an int seed or None"):
        rl.GRU(D, H, rng=rng)


def test_gradcheck_needs_float64():
    m = rl.RNN(D, H, dtype=np.float32)
    with pytest.raises(ValueError, match="float64"):
        rl.gradcheck(m, X_ok(), np.zeros((T, B, H)))


# -- parameters by name --------------------------------------------------------------------

def test_unknown_parameter_name_on_get(model):
    with pytest.raises(KeyError, match="unknown parameter 'W_zz'; expected one of") as err:
        model["W_zz"]
    for name in model.params.names():
        assert repr(name) in str(err.value)


def test_unknown_parameter_name_on_set(model):
    with pytest.raises(KeyError, match="unknown parameter 'W_zz'; expected one of") as err:
        model["W_zz"] = 0.0
    assert "'W_hy'" in str(err.value)
    with pytest.raises(KeyError, match="expected one of"):
        model["xW_hy"] = 0.0  # one stray leading letter is not a gradient's "d" prefix


def test_unknown_gate_name():
    with pytest.raises(KeyError, match="'W_hf'"):
        rl.GRU(D, H)["W_hf"]  # GRUs have no forget gate: the message lists r, z, n
    with pytest.raises(KeyError, match="'W_hz'"):
        rl.LSTM(D, H)["W_hz"]


def test_set_parameter_wrong_shape(model):
    W = "W_hh" if isinstance(model, rl.RNN) else "W_h"
    before = model[W].copy()
    with pytest.raises(ValueError, match=re.escape(f"{W} must have shape {model[W].shape}")):
        model[W] = np.zeros((H + 1, H))
    np.testing.assert_array_equal(model[W], before)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_set_parameter_not_finite(model, bad):
    before = model["W_hy"].copy()
    value = before.copy()
    value[0, 0] = bad
    with pytest.raises(ValueError, match="W_hy must be finite"):
        model["W_hy"] = value
    np.testing.assert_array_equal(model["W_hy"], before)  # nothing was written


def test_set_gate_view_wrong_shape():
    m = rl.LSTM(D, H)
    with pytest.raises(ValueError, match=rf"W_hf must have shape \({H}, {H}\)"):
        m["W_hf"] = np.zeros((H, 4 * H))


def test_parameters_cannot_be_deleted(model):
    with pytest.raises(TypeError, match="cannot be deleted"):
        del model.params["W_hy"]


# -- the backward pass given dL/dY ---------------------------------------------------------



@pytest.mark.parametrize("shape", [(T, B, 1), (T, 1, O), (T - 1, B, O), (B, O)])
def test_backward_checks_the_shape_of_dY(model, shape):
    trace = model.forward(X_ok())
    with pytest.raises(ValueError, match=r"dY.*\(T, B, O\)"):
        rl.backward(model, trace, np.ones(shape))


def test_backward_checks_that_dY_is_finite(model):
    dY = np.ones((T, B, O))
    dY[0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="dY must be finite"):
        rl.backward(model, model.forward(X_ok()), dY)


def test_callable_loss_returning_a_wrong_dY():
    m = rl.RNN(D, H, rng=0)  # no output layer: Y is (T, B, H)

    def bad_loss(Y, target, mask):
        return 0.0, np.ones((T, B, 1))  # broadcasts against (B, H) if nobody checks

    with pytest.raises(ValueError, match=r"dY.*\(T, B, "):
        rl.bptt(m, X_ok(), None, loss=bad_loss)


def test_backward_accepts_a_correct_dY(model):
    trace = model.forward(X_ok())
    grads, dX, dstate0, dh, dc = rl.backward(model, trace, np.ones((T, B, O)))
    assert dX.shape == (T, B, D) and dh.shape == (T, B, H)


@pytest.mark.parametrize("forget_bias", [np.nan, np.inf])
def test_forget_bias_must_be_finite(forget_bias):
    with pytest.raises(ValueError, match="finite"):
        rl.LSTM(D, H, forget_bias=forget_bias)


@pytest.mark.parametrize("input_bias", [np.nan, -np.inf, True, "-3", None])
def test_input_bias_must_be_a_finite_number(input_bias):
    with pytest.raises(ValueError, match="input_bias must be a finite number"):
        rl.LSTM(D, H, input_bias=input_bias)


def test_in_place_update_to_nan_is_rejected():
    m = rl.RNN(D, H, rng=0)
    with pytest.raises(ValueError, match="W_hh must be finite"):
        m["W_hh"] += np.nan
