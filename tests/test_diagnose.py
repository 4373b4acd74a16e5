"""helpers.diagnose says what a learner's backward pass did, and guesses no cause (C16)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import bugzoo
from helpers.diagnose import (
    diagnose_backward_function,
    diagnose_linear_backward,
    explain_difference,
    explain_error,
)
from helpers.linear import linear_backward

# Words that name a cause: a sentence may use one only when the numbers show that cause.
CAUSES = ("transpose", "factor", "sign", "averaged", "swapped", "cache", "elementwise")


def _problem(n=4, d_in=3, d_out=2, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((n, d_in)), rng.standard_normal((d_in, d_out)),
            rng.standard_normal((n, d_out)))


def _right(dL_dY, X, W):
    return dL_dY @ W.T, X.T @ dL_dY, dL_dY.sum(axis=0)


def _says(diagnosis, present, absent=()):
    text = diagnosis.message.lower()
    assert not diagnosis.ok
    for word in present:
        assert word.lower() in text, (word, diagnosis.message)
    for word in absent:
        assert word.lower() not in text, (word, diagnosis.message)
    assert "input operand" not in text, diagnosis.message


def _others(*allowed):
    return [c for c in CAUSES if c not in allowed]


# What each bug of the zoo is called with distinct, non-square shapes (n=4, d_in=3, d_out=2),
# the words its sentence must contain (shapes and fix) and the causes it must not name.
DISTINCT = {
    "missing_transpose": ("missing_transpose",
                          ["raised", "X (4, 3)", "W (3, 2)", "transpose", "dL_dY @ W.T"],
                          _others("transpose")),
    "transposed_weight_gradient": ("transposed_weight_gradient",
                                   ["expected shape (3, 2)", "got (2, 3)", "transpose",
                                    "X.T @ dL_dY"], _others("transpose")),
    "wrong_reduction_axis": ("wrong_reduction_axis",
                             ["expected shape (2,)", "got (4,)", "sum(axis=0)"], CAUSES),
    "elementwise_instead_of_matmul": ("elementwise_instead_of_matmul",
                                      ["raised", "elementwise", "X.T @ dL_dY", "(3, 2)"],
                                      _others("elementwise")),
    "discarded_input": ("discarded_input", ["cache", "Z.T @ dL_dY", "zeros"],
                        _others("cache")),
    "mean_sum_mismatch": ("mean_sum_mismatch", ["averaged", "factor of 1/4", "n = 4", "once"],
                          _others("factor", "averaged")),
    "swapped_gradients": ("swapped_gradients", ["swapped", "(3, 2)", "(4, 3)"],
                          _others("swapped")),
}


@pytest.mark.parametrize("name", sorted(DISTINCT))
def test_each_bug_is_named_with_distinct_shapes(name):
    X, W, G = _problem()
    diagnosis = diagnose_backward_function(bugzoo.BUGS[name], X, W, G)
    expected_bug, words, absent = DISTINCT[name]
    assert diagnosis.bug == expected_bug, diagnosis.message
    _says(diagnosis, words, absent)
    assert str(diagnosis) == diagnosis.message


def test_the_zoo_is_the_one_described():
    assert set(bugzoo.BUGS) == set(DISTINCT)


@pytest.mark.parametrize("name, expected_bug", [
    ("missing_transpose", "missing_transpose"),
    ("transposed_weight_gradient", "transposed_weight_gradient"),
    ("elementwise_instead_of_matmul", "elementwise_instead_of_matmul"),
    ("mean_sum_mismatch", "mean_sum_mismatch"),
    ("swapped_gradients", "swapped_gradients"),
])
def test_bugs_that_run_silently_with_square_shapes_are_still_named(name, expected_bug):
    X, W, G = _problem(3, 3, 3, seed=1)
    grads = bugzoo.BUGS[name](G, X, W)
    assert all(g.shape == r.shape for g, r in zip(grads, linear_backward(G, X, W)))
    diagnosis = diagnose_linear_backward(grads, X, W, G)
    assert diagnosis.bug == expected_bug, diagnosis.message


# --- One test per kind of sentence: the words it must hold, and the causes it must not name.

@pytest.mark.parametrize("which", [0, 1, 2])
def test_a_factor_of_2(which):
    def doubled(dL_dY, X, W):
        grads = list(_right(dL_dY, X, W))
        grads[which] = 2 * grads[which]
        return tuple(grads)

    X, W, G = _problem()
    diagnosis = diagnose_backward_function(doubled, X, W, G)
    assert diagnosis.bug == "constant_factor"
    _says(diagnosis, ["factor of 2", ("dL_dX", "dL_dW", "dL_db")[which]],
          _others("factor"))


@pytest.mark.parametrize("which", [0, 1, 2])
def test_a_factor_of_n_and_the_average(which):
    def scaled(scale):
        def backward(dL_dY, X, W):
            grads = list(_right(dL_dY, X, W))
            grads[which] = grads[which] * scale(X.shape[0])
            return tuple(grads)
        return backward

    X, W, G = _problem()
    times_n = diagnose_backward_function(scaled(lambda n: n), X, W, G)
    _says(times_n, ["factor of n = 4"], _others("factor"))
    divided = diagnose_backward_function(scaled(lambda n: 1 / n), X, W, G)
    _says(divided, ["factor of 1/4", "averaged", "n = 4"], _others("factor", "averaged"))
    assert times_n.bug == divided.bug == "mean_sum_mismatch"


def test_a_flipped_sign():
    def flipped(dL_dY, X, W):
        dL_dX, dL_dW, dL_db = _right(dL_dY, X, W)
        return dL_dX, -dL_dW, dL_db

    X, W, G = _problem()
    diagnosis = diagnose_backward_function(flipped, X, W, G)
    assert diagnosis.bug == "sign_flip"
    _says(diagnosis, ["sign", "dL_dW", "-1"], _others("sign"))
    everywhere = diagnose_backward_function(lambda g, X_, W_: _right(-g, X_, W_), X, W, G)
    _says(everywhere, ["sign", "all three"], _others("sign"))


def test_a_transposed_array():
    X, W, G = _problem(4, 3, 2)
    dX, dW, db = linear_backward(G, X, W)
    for grads, name, shapes in [((dX.T, dW, db), "dL_dX", ["(4, 3)", "(3, 4)"]),
                                ((dX, dW.T, db), "dL_dW", ["(3, 2)", "(2, 3)"])]:
        diagnosis = diagnose_linear_backward(grads, X, W, G)
        _says(diagnosis, ["transpose", name, *shapes], _others("transpose"))


def test_a_value_computed_from_a_different_x_is_a_stale_cache():
    X, W, G = _problem()
    X_old = np.random.default_rng(9).standard_normal(X.shape)

    def reads_a_global(dL_dY, X_batch, W_):  # uses the notebook's X_old, not its argument
        return dL_dY @ W_.T, X_old.T @ dL_dY, dL_dY.sum(axis=0)

    _says(diagnose_backward_function(reads_a_global, X, W, G), ["cache", "X_old"],
          _others("cache"))

    memory = {}

    def keeps_the_first_x(dL_dY, X_, W_):  # a cache filled once and never updated
        Z = memory.setdefault("X", X_)
        return dL_dY @ W_.T, Z.T @ dL_dY, dL_dY.sum(axis=0)

    _says(diagnose_backward_function(keeps_the_first_x, X, W, G), ["cache", "earlier call"],
          _others("cache"))
    dX, _, db = linear_backward(G, X, W)
    arrays = diagnose_linear_backward((dX, X_old.T @ G, db), X, W, G, other_inputs=[X_old])
    assert arrays.bug == "discarded_input"
    _says(arrays, ["cache"], _others("cache"))


@pytest.mark.parametrize("wrong_dW", [
    lambda X, G: np.ones((X.shape[1], G.shape[1])),   # all ones
    lambda X, G: (X ** 2).T @ G,                     # X squared
    lambda X, G: X.T @ G + 0.5,                      # an offset
])
def test_wrong_values_of_unknown_cause_are_stated_not_explained(wrong_dW):
    X, W, G = _problem()
    dX, dW, db = linear_backward(G, X, W)
    diagnosis = diagnose_linear_backward((dX, wrong_dW(X, G), db), X, W, G)
    assert diagnosis.bug == "wrong_values"
    _says(diagnosis, ["dL_dW", "expected", "(3, 2)", f"{dW.ravel()[0]:.4g}"], CAUSES)


def test_a_wrong_shape_of_unknown_cause_is_stated_not_explained():
    X, W, G = _problem()
    dX, dW, db = linear_backward(G, X, W)
    diagnosis = diagnose_linear_backward((dX, np.ones((3, 3)), db), X, W, G)
    assert diagnosis.bug == "wrong_shape"
    _says(diagnosis, ["dL_dW", "expected shape (3, 2)", "(3, 3)", "the shape of W"], CAUSES)


def test_a_constant_right_answer_proves_no_factor():
    # dL_dY all ones: every entry of dL_db is n, so np.ones(d_out) is "1/n of it" by chance.
    X, W, _ = _problem()
    ones = np.ones((4, 2))

    def bias_of_ones(dL_dY, X_, W_):
        return dL_dY @ W_.T, X_.T @ dL_dY, np.ones(W_.shape[1])

    diagnosis = diagnose_backward_function(bias_of_ones, X, W, ones)
    assert diagnosis.bug == "wrong_values"
    _says(diagnosis, ["dL_db", "expected", "[4, 4]", "[1, 1]"], CAUSES)


def test_a_numpy_error_is_explained_with_the_shapes():
    X, W, G = _problem()

    def wrong_upstream(dL_dY, X_, W_):  # an upstream gradient of X's shape, not Y's
        dL_dY = np.ones_like(X_)
        return dL_dY @ W_.T, X_.T @ dL_dY, dL_dY.sum(axis=0)

    diagnosis = diagnose_backward_function(wrong_upstream, X, W, G)
    assert diagnosis.bug == "shape_error"
    _says(diagnosis, ["raised", "dL_dY @ W_.T", "(4, 3)", "(2, 3)", "shape of Y, (4, 2)"],
          CAUSES)
    assert diagnosis.error.startswith("ValueError: ")
    assert diagnosis.error[len("ValueError: "):] not in diagnosis.message

    def product_order(dL_dY, X_, W_):
        dL_dW = dL_dY.T @ X_.T          # neither operand order nor one transpose gives W's shape
        return dL_dY @ W_.T, dL_dW, dL_dY.sum(axis=0)

    _says(diagnose_backward_function(product_order, X, W, G), ["raised", "(2, 4)", "(3, 4)"],
          CAUSES)
    missing = diagnose_backward_function(bugzoo.BUGS["missing_transpose"], X, W, G)
    _says(missing, ["raised", "missing transpose", "dL_dY @ W.T", "(4, 3)"], _others("transpose"))


def test_the_learners_own_assert_is_reported_as_theirs():
    def careful(dL_dY, X, W):
        assert X.shape[1] == 5, "X must have 5 columns"
        return _right(dL_dY, X, W)

    X, W, G = _problem()
    diagnosis = diagnose_backward_function(careful, X, W, G)
    assert diagnosis.bug == "raised"
    _says(diagnosis, ["your function raised AssertionError", "X must have 5 columns"], CAUSES)


def test_a_wrong_return_is_named():
    X, W, G = _problem()
    assert diagnose_backward_function(lambda *a: None, X, W, G).bug == "wrong_return"
    two = diagnose_backward_function(lambda *a: _right(*a)[:2], X, W, G)
    _says(two, ["2 items", "(dL_dX, dL_dW, dL_db)"], CAUSES)
    assert diagnose_backward_function(lambda *a: list(_right(*a)), X, W, G).ok


def test_missing_bias_reduction_and_total_sum_are_named():
    X, W, G = _problem()
    dX, dW, _ = linear_backward(G, X, W)
    assert diagnose_linear_backward((dX, dW, G), X, W, G).bug == "not_reduced"
    total = diagnose_linear_backward((dX, dW, G.sum()), X, W, G)
    assert total.bug == "wrong_reduction_axis" and "scalar" in total.message


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 6), d_in=st.integers(1, 6), d_out=st.integers(1, 6),
       seed=st.integers(0, 2**32 - 1))
def test_a_correct_backward_is_diagnosed_as_correct_for_any_shape(n, d_in, d_out, seed):
    X, W, G = _problem(n, d_in, d_out, seed)
    diagnosis = diagnose_backward_function(linear_backward, X, W, G)
    assert diagnosis.ok and diagnosis.bug == "correct"


def test_a_backward_not_written_yet_is_reported():
    def backward(dL_dY, X, W):
        raise NotImplementedError()

    X, W, G = _problem()
    assert diagnose_backward_function(backward, X, W, G).bug == "not_implemented"


def test_the_learners_arrays_are_not_mutated():
    X, W, G = _problem()
    saved = [a.copy() for a in (X, W, G)]

    def backward(dL_dY, X_, W_):
        dL_dY *= 2  # a careless in-place edit must not reach the caller's arrays
        return linear_backward(dL_dY, X_, W_)

    diagnose_backward_function(backward, X, W, G)
    for before, after in zip(saved, (X, W, G)):
        np.testing.assert_array_equal(before, after)


def test_bad_arguments_get_clear_errors():
    X, W, G = _problem()
    with pytest.raises(TypeError, match=r"grads must be the tuple \(dL_dX, dL_dW, dL_db\)"):
        diagnose_linear_backward(linear_backward(G, X, W)[:2], X, W, G)
    with pytest.raises(TypeError, match="backward must be callable"):
        diagnose_backward_function(None, X, W, G)
    with pytest.raises(ValueError, match=r"dL_dY has shape \(4, 3\)"):
        diagnose_linear_backward(linear_backward(G, X, W), X, W, np.ones((4, 3)))


@pytest.mark.parametrize("shape", [(4, 3, 1), (4, 1, 2), (1, 3, 1)])
def test_elementwise_bug_is_named_when_the_product_broadcasts(shape):
    X, W, G = _problem(*shape)
    diagnosis = diagnose_backward_function(bugzoo.BUGS["elementwise_instead_of_matmul"], X, W, G)
    assert diagnosis.bug == "elementwise_instead_of_matmul", diagnosis.message


def test_explain_difference_names_only_what_the_numbers_show():
    rng = np.random.default_rng(5)
    want = rng.standard_normal((3, 2))
    assert explain_difference("dL_dW", want.copy(), want) is None
    assert "factor of 2" in explain_difference("dL_dW", 2 * want, want)
    averaged = explain_difference("dL_dW", want / 5, want, n=5)
    assert "averaged" in averaged and "factor of 1/5" in averaged
    assert "factor of n = 5" in explain_difference("dL_dW", want * 5, want, n=5)
    assert "sign" in explain_difference("dL_dW", -want, want)
    assert "transpose" in explain_difference("dL_dW", want.T, want, like="W")
    unknown = explain_difference("dL_dW", want + 1, want)
    assert "expected" in unknown and not any(c in unknown for c in CAUSES)


def test_explain_error_keeps_numpy_out_and_names_the_shapes():
    X, W, _ = _problem()

    def learner(X_, W_):
        return X_ @ W_.T

    try:
        learner(X, W)
    except ValueError as exc:
        bug, sentence = explain_error(exc, {"X": X, "W": W}, {(4, 2): "Y"},
                                      function="`learner`")
    assert bug == "missing_transpose"
    assert "`learner` raised ValueError" in sentence and "X_ @ W_" in sentence
    assert "operand" not in sentence.lower()


def test_a_failed_product_is_read_from_the_bytecode_when_the_source_is_not_at_hand():
    # code run by exec() has no source lines to show; the failing product is still named
    namespace = {"np": np}
    exec(compile("def backward(dL_dY, X, W):\n"
                 "    return np.matmul(dL_dY, W), X.T @ dL_dY, dL_dY.sum(axis=0)\n",
                 "<no source>", "exec"), namespace)
    X, W, G = _problem()
    diagnosis = diagnose_backward_function(namespace["backward"], X, W, G)
    assert diagnosis.bug == "missing_transpose"
    _says(diagnosis, ["raised", "dL_dY @ W", "dL_dY @ W.T", "(4, 3)"], _others("transpose"))
