"""Finite differences, relative error, gradient checks and the adjoint test."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course import central_difference
from helpers.gradcheck import (
    adjoint_test,
    check_directional,
    check_gradient,
    numerical_gradient,
    rel_error,
)
from helpers.linear import linear_backward, linear_forward


def test_numerical_gradient_of_a_known_function():
    x = np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -0.25]])
    # f = sum(x**3 + sin x), so df/dx = 3 x**2 + cos x, worked out by hand.
    grad = numerical_gradient(lambda v: float(np.sum(v**3 + np.sin(v))), x)
    np.testing.assert_allclose(grad, 3 * x**2 + np.cos(x), rtol=1e-8, atol=1e-9)


def test_numerical_gradient_restores_x_bit_for_bit_and_supports_closures():
    x = np.array([0.1, -0.5, 12.345])
    saved = x.copy()
    grad = numerical_gradient(lambda _: float(np.sum(x**2)), x)  # reads x from the closure
    np.testing.assert_allclose(grad, 2 * saved, rtol=1e-6, atol=1e-7)
    assert np.array_equal(x, saved)


def test_numerical_gradient_restores_x_when_f_raises():
    x = np.array([1.0, 2.0, 3.0])
    calls = []

    def f(v):
        calls.append(v.copy())
        if len(calls) == 4:
            raise RuntimeError("loss blew up")
        return float(v.sum())

    with pytest.raises(RuntimeError, match="loss blew up"):
        numerical_gradient(f, x)
    np.testing.assert_array_equal(x, [1.0, 2.0, 3.0])
    assert not np.array_equal(calls[-1], x)  # it really was perturbed when f raised


@pytest.mark.parametrize("bad_x, exc, words", [
    (np.array([1, 2, 3]), TypeError, ["integer dtype int64", "shape (3,)", "float array"]),
    ([1.0, 2.0], TypeError, ["numpy float array", "list"]),
    (np.array([1.0, np.nan]), ValueError, ["x (shape (2,))", "NaN or Inf"]),
    (np.array([np.inf]), ValueError, ["NaN or Inf"]),
    (np.zeros((0, 3)), ValueError, ["x is empty", "(0, 3)"]),
])
def test_numerical_gradient_rejects_bad_x(bad_x, exc, words):
    with pytest.raises(exc) as info:
        numerical_gradient(lambda v: float(np.sum(v)), bad_x)
    for word in words:
        assert word in str(info.value)


def test_numerical_gradient_rejects_a_function_that_does_not_return_a_scalar():
    with pytest.raises(ValueError, match=r"f must return a scalar.*shape \(2,\)"):
        numerical_gradient(lambda v: v * 2, np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="f returned nan"):
        numerical_gradient(lambda v: float("nan"), np.array([1.0]))
    with pytest.raises(TypeError, match="f must be callable"):
        numerical_gradient("loss", np.array([1.0]))


def test_numerical_gradient_rejects_bad_step_and_read_only_x():
    with pytest.raises(ValueError, match="h must be a finite number > 0"):
        numerical_gradient(lambda v: float(v.sum()), np.array([1.0]), h=0)
    x = np.array([1.0, 2.0])
    x.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        numerical_gradient(lambda v: float(v.sum()), x)


def test_float32_gives_a_warning_recommending_float64():
    with pytest.warns(UserWarning, match="Use float64"):
        numerical_gradient(lambda v: float(v.sum()), np.ones(3, dtype=np.float32))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        numerical_gradient(lambda v: float(v.sum()), np.ones(3))  # float64: no warning


def test_rel_error_values_and_floor():
    assert rel_error(np.array([1.0]), np.array([1.0])) == 0.0
    assert rel_error(np.array([1.0, 3.0]), np.array([1.0, 1.0])) == pytest.approx(0.5)
    # Two zeros: the floor keeps the ratio at 0 instead of 0/0.
    assert rel_error(np.zeros(2), np.zeros(2)) == 0.0
    assert rel_error(1e-12, 0.0) == pytest.approx(1e-4)  # 1e-12 / 1e-8
    with pytest.raises(ValueError, match=r"a has shape \(2,\) but b has shape \(3,\)"):
        rel_error(np.ones(2), np.ones(3))


def _layer_problem(seed=0, shape=(4, 3, 2)):
    n, d_in, d_out = shape
    rng = np.random.default_rng(seed)
    X, W, b = rng.standard_normal((n, d_in)), rng.standard_normal((d_in, d_out)), \
        rng.standard_normal(d_out)
    G = rng.standard_normal((n, d_out))
    return X, W, b, G, (lambda W_: float(np.sum(G * linear_forward(X, W_, b))))


def test_check_gradient_passes_a_right_gradient_and_fails_a_wrong_one():
    X, W, b, G, f = _layer_problem()
    right = X.T @ G
    result = check_gradient(f, W, right)
    assert result.passed and result.n_evaluations == 2 * W.size
    assert result.worst_rel_error < 1e-7
    wrong = right.copy()
    wrong[2, 1] += 0.1
    bad = check_gradient(f, W, wrong)
    assert not bad.passed and bad.worst_index == (2, 1)
    assert "FAILED" in str(bad) and "(2, 1)" in str(bad)


def test_check_gradient_on_a_sample_of_entries_costs_two_evaluations_each():
    X, W, b, G, f = _layer_problem(shape=(5, 6, 7))
    result = check_gradient(f, W, X.T @ G, max_entries=5)
    assert result.passed and result.n_evaluations == 10


def test_check_result_prints_a_verdict_without_machine_dependent_digits():
    X, W, b, G, f = _layer_problem()
    text = str(check_gradient(f, W, X.T @ G))
    assert text == "gradient check passed: rel. error < 1e-7: True (12 evaluations)"


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 5), d_in=st.integers(1, 5), d_out=st.integers(1, 5),
       seed=st.integers(0, 2**32 - 1),
       bug=st.sampled_from(["scale", "transpose_entries", "drop_entry", "sign"]))
def test_check_directional_catches_a_deliberately_wrong_gradient(n, d_in, d_out, seed, bug):
    X, W, b, G, f = _layer_problem(seed, (n, d_in, d_out))
    right = linear_backward(G, X, W)[1]
    assert check_directional(f, W, right, seed=seed).passed
    wrong = {
        "scale": 1.05 * right,
        "transpose_entries": right.T.reshape(right.shape) + (right.size == 1) * 0.1,
        "drop_entry": right - np.eye(*right.shape)[: right.shape[0], : right.shape[1]]
        * (np.abs(right).max() + 1.0),
        "sign": -right,
    }[bug]
    if np.allclose(wrong, right):  # a transposed square-symmetric or zero case: not a bug
        return
    assert not check_directional(f, W, wrong, seed=seed).passed


def test_check_directional_costs_two_evaluations_per_direction_and_restores_x():
    X, W, b, G, f = _layer_problem()
    saved = W.copy()
    result = check_directional(f, W, X.T @ G, n_directions=4)
    assert result.n_evaluations == 8
    assert np.array_equal(W, saved)


@pytest.mark.parametrize("kwargs, exc, words", [
    ({"analytic": np.ones((2, 3))}, ValueError, ["analytic has shape (2, 3)", "(3, 2)"]),
    ({"analytic": np.full((3, 2), np.nan)}, ValueError, ["analytic", "NaN or Inf"]),
    ({"n_directions": 0}, ValueError, ["n_directions must be at least 1"]),
    ({"n_directions": 1.5}, TypeError, ["n_directions must be a whole number"]),
])
def test_check_directional_rejects_bad_arguments(kwargs, exc, words):
    X, W, b, G, f = _layer_problem()
    args = {"analytic": X.T @ G, **kwargs}
    with pytest.raises(exc) as info:
        check_directional(f, W, **args)
    for word in words:
        assert word in str(info.value)


def test_adjoint_test_accepts_a_true_adjoint_and_rejects_a_wrong_one():
    rng = np.random.default_rng(5)
    A = rng.standard_normal((4, 3))
    assert adjoint_test(lambda u: A @ u, lambda v: A.T @ v, (3,), (4,)).passed
    B = rng.standard_normal((3, 3))
    assert not adjoint_test(lambda u: B @ u, lambda v: B @ v, (3,), (3,)).passed


def test_adjoint_test_reports_maps_with_the_wrong_output_shape():
    with pytest.raises(ValueError, match=r"forward returned shape \(3,\).*out_shape says \(4,\)"):
        adjoint_test(lambda u: u, lambda v: v, (3,), (4,))
    with pytest.raises(ValueError, match="in_shape must be a non-empty shape"):
        adjoint_test(lambda u: u, lambda v: v, (0,), (4,))


# --------------------------------------------------------------------------- scale (issue 11, §1.2)

def _scaled_feature_regression(seed=192):
    """A 2000 x 3 least-squares problem whose third feature is 1e-4 times the others.

    Products and numpy sums only (no BLAS), so its round-off, which these tests are
    about, is the same on every machine; notebook 05 uses the same problem."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((2000, 3))
    X[:, 2] *= 1e-4
    w_true = rng.standard_normal(3)
    y = (X * w_true).sum(axis=1) + 0.1 * rng.standard_normal(2000)
    w = w_true + 0.3 * rng.standard_normal(3)

    def loss(w_):
        r = (X * w_).sum(axis=1) - y
        return 0.5 * float(np.sum(r * r))

    return loss, w, (X * ((X * w).sum(axis=1) - y)[:, None]).sum(axis=0)


def _large_inputs(seed=0):
    """A layer whose inputs and targets are about 1e5: L = 0.5 |X W - T|^2."""
    rng = np.random.default_rng(seed)
    X = 1e5 * rng.standard_normal((20, 3))
    W = rng.standard_normal((3, 2))
    T = 1e5 * rng.standard_normal((20, 2))
    R = X @ W - T
    return X, W, T, R @ W.T, X.T @ R


def test_numerical_gradient_steps_relative_to_each_entry():
    x = np.array([0.5, -3.0, 2e4])
    points = []
    numerical_gradient(lambda v: points.append(v.copy()) or float(np.sum(v)), x, h=1e-5)
    steps = [abs(points[2 * i][i] - x[i]) for i in range(3)]
    np.testing.assert_allclose(steps, [1e-5, 3e-5, 0.2], rtol=1e-6)


def test_a_correct_gradient_with_a_feature_scaled_by_1e_4_passes():
    f, w, grad = _scaled_feature_regression()
    assert abs(grad[2]) < 1e-4 * np.abs(grad).max()  # the small entry
    absolute_step = central_difference(f, w, h=1e-5)  # the old check's step, h = 1e-5
    # Entry by entry, with the fixed floor, the small entry looks wrong: its round-off
    # (eps |L| / h) is far above 1e-7 of its size. That was the false alarm.
    assert rel_error(absolute_step[2], grad[2]) > 1e-7
    result = check_gradient(f, w, grad)
    assert result.passed, result.worst_rel_error
    assert result.worst_rel_error < 1e-7 / 4
    assert check_directional(f, w, grad).passed


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_correct_gradient_with_inputs_near_1e5_passes(seed):
    X, W, T, dL_dX, dL_dW = _large_inputs(seed)
    f_X = lambda X_: 0.5 * float(np.sum((X_ @ W - T) ** 2))  # noqa: E731
    f_W = lambda W_: 0.5 * float(np.sum((X @ W_ - T) ** 2))  # noqa: E731
    for f, x, grad in [(f_X, X, dL_dX), (f_W, W, dL_dW)]:
        result = check_gradient(f, x, grad)
        assert result.passed and result.worst_rel_error < 1e-7 / 4, result.worst_rel_error
        assert check_directional(f, x, grad).passed


def _perturbed(grad, idx, rel=1e-4):
    wrong = grad.copy()
    wrong[idx] *= 1 + rel
    return wrong


@pytest.mark.parametrize("which", ["largest", "smallest", "first", "last"])
def test_a_relative_error_of_1e_4_in_one_entry_of_a_unit_scale_gradient_fails(which):
    X, W, b, G, f = _layer_problem(shape=(6, 4, 3))
    grad = X.T @ G
    idx = {"largest": np.unravel_index(np.argmax(np.abs(grad)), grad.shape),
           "smallest": np.unravel_index(np.argmin(np.abs(grad)), grad.shape),
           "first": (0, 0), "last": (3, 2)}[which]
    assert check_gradient(f, W, grad).passed
    bad = check_gradient(f, W, _perturbed(grad, idx))
    assert not bad.passed and bad.worst_index == tuple(int(i) for i in idx)


def test_the_smallest_entry_checked_is_far_below_the_largest():
    X, W, b, G, f = _layer_problem(shape=(6, 4, 3))
    grad = np.abs(X.T @ G)
    assert grad.min() < 0.1 * grad.max()  # so "smallest" above really is a small entry


@pytest.mark.parametrize("idx", [0, 1, 2])
def test_a_relative_error_of_1e_4_in_any_entry_of_the_scaled_regression_fails(idx):
    f, w, grad = _scaled_feature_regression()
    bad = check_gradient(f, w, _perturbed(grad, idx))
    assert not bad.passed and bad.worst_index == (idx,)


@pytest.mark.parametrize("idx", [(0, 0), (7, 2), (19, 1)])
def test_a_relative_error_of_1e_4_in_one_entry_fails_at_scale_1e5(idx):
    X, W, T, dL_dX, _ = _large_inputs()
    bad = check_gradient(lambda X_: 0.5 * float(np.sum((X_ @ W - T) ** 2)), X,
                         _perturbed(dL_dX, idx))
    assert not bad.passed and bad.worst_index == idx


@pytest.mark.parametrize("scale", [1e-12, 1.0, 1e12])
def test_the_verdict_does_not_depend_on_the_units_of_the_loss(scale):
    # A fixed floor of 1e-8 would pass anything at scale 1e-12: numbers too small to compare.
    X, W, b, G, f = _layer_problem(shape=(5, 3, 4))
    grad = X.T @ G
    scaled = lambda W_: scale * f(W_)  # noqa: E731
    assert check_gradient(scaled, W, scale * grad).passed
    assert not check_gradient(scaled, W, scale * _perturbed(grad, (1, 2))).passed
    assert check_directional(scaled, W, scale * grad).passed
    assert not check_directional(scaled, W, scale * 1.001 * grad).passed


def test_correct_unit_scale_gradients_pass_with_a_comfortable_margin():
    worst = {"quadratic": 0.0, "tanh": 0.0}
    for seed in range(20):
        X, W, b, G, f = _layer_problem(seed, (7, 5, 4))
        rng = np.random.default_rng(seed + 100)
        T = rng.standard_normal((7, 4))
        V = rng.standard_normal((4, 3))

        def mlp(W_, X=X, b=b, T=T, V=V):  # smooth, not quadratic: truncation error is not 0
            return 0.5 * float(np.sum((np.tanh(X @ W_ + b) @ V - T @ V) ** 2))

        A = np.tanh(X @ W + b)
        grad_mlp = X.T @ ((((A @ V - T @ V) @ V.T)) * (1 - A**2))
        for kind, loss, grad in [("quadratic", f, X.T @ G), ("tanh", mlp, grad_mlp)]:
            worst[kind] = max(worst[kind], check_gradient(loss, W, grad).worst_rel_error)
    # Over these 40 checks the worst errors measured are about 1/15 (linear probe) and 1/9
    # (smooth non-linear loss, whose small entries are limited by round-off) of the
    # tolerance 1e-7; the old fixed floor of 1e-8 left a factor of 2. Require at least 4.
    assert worst["quadratic"] < 1e-7 / 4, worst
    assert worst["tanh"] < 1e-7 / 4, worst


def test_check_gradient_reports_the_resolution_it_compared_against():
    X, W, b, G, f = _layer_problem()
    result = check_gradient(f, W, X.T @ G)
    assert set(result.details) >= {"numeric", "errors", "resolution"}
    assert all(r > 0 for r in result.details["resolution"].values())
    assert max(result.details["errors"].values()) == result.worst_rel_error
