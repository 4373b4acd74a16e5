"""helpers.diagnose names each bug of the zoo (C16) in one sentence with the shapes."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import bugzoo
from helpers.diagnose import diagnose_backward_function, diagnose_linear_backward
from helpers.linear import linear_backward


def _problem(n=4, d_in=3, d_out=2, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((n, d_in)), rng.standard_normal((d_in, d_out)),
            rng.standard_normal((n, d_out)))


# What each bug is called with distinct, non-square shapes (n=4, d_in=3, d_out=2), and words
# its sentence must contain: the shapes involved and the fix.
DISTINCT = {
    "missing_transpose": ("missing_transpose", ["X (4, 3)", "W (3, 2)", "transpose"]),
    "transposed_weight_gradient": ("transposed_weight_gradient",
                                   ["expected shape (3, 2)", "got (2, 3)", "X.T @ dL_dY"]),
    "wrong_reduction_axis": ("wrong_reduction_axis",
                             ["expected shape (2,)", "got (4,)", "sum(axis=0)"]),
    "elementwise_instead_of_matmul": ("elementwise_instead_of_matmul", ["*", "@"]),
    "discarded_input": ("discarded_input", ["right shape (3, 2)", "cache"]),
    "mean_sum_mismatch": ("mean_sum_mismatch", ["n = 4", "once"]),
    "swapped_gradients": ("swapped_gradients", ["swapped", "(3, 2)", "(4, 3)"]),
}


@pytest.mark.parametrize("name", sorted(DISTINCT))
def test_each_bug_is_named_with_distinct_shapes(name):
    X, W, G = _problem()
    diagnosis = diagnose_backward_function(bugzoo.BUGS[name], X, W, G)
    expected_bug, words = DISTINCT[name]
    assert not diagnosis.ok
    assert diagnosis.bug == expected_bug
    for word in words:
        assert word in diagnosis.message, diagnosis.message
    assert str(diagnosis) == diagnosis.message


def test_the_zoo_is_the_one_described():
    assert set(bugzoo.BUGS) == set(DISTINCT)


@pytest.mark.parametrize("name, expected_bug", [
    ("missing_transpose", "missing_transpose"),
    ("elementwise_instead_of_matmul", "elementwise_instead_of_matmul"),
    ("mean_sum_mismatch", "mean_sum_mismatch"),
    ("discarded_input", "discarded_input"),
])
def test_bugs_that_run_silently_with_square_shapes_are_still_named(name, expected_bug):
    X, W, G = _problem(3, 3, 3, seed=1)
    X_stale = np.random.default_rng(9).standard_normal(X.shape)
    fn = bugzoo.BUGS[name]
    grads = fn(G, X, W, X_stale) if name == "discarded_input" else fn(G, X, W)
    assert all(g.shape == r.shape for g, r in zip(grads, linear_backward(G, X, W))) \
        or name == "wrong_reduction_axis"
    diagnosis = diagnose_linear_backward(grads, X, W, G)
    assert diagnosis.bug == expected_bug, diagnosis.message


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


def test_a_wrong_value_of_unknown_cause_is_reported_with_its_name():
    X, W, G = _problem()
    dX, dW, db = linear_backward(G, X, W)
    diagnosis = diagnose_linear_backward((dX + 1.0, dW, db), X, W, G)
    assert diagnosis.bug == "wrong_values" and "dL_dX" in diagnosis.message


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


def test_numpys_error_text_is_kept_apart_from_the_sentence():
    X, W, G = _problem()
    diagnosis = diagnose_backward_function(bugzoo.BUGS["missing_transpose"], X, W, G)
    assert diagnosis.error.startswith("ValueError: ")
    assert diagnosis.error[len("ValueError: "):] not in diagnosis.message
