"""helpers.mlp: TwoLayerMLP and train."""

import numpy as np
import pytest

from helpers.data import make_spiral
from helpers.mlp import TwoLayerMLP, train


def reference_loss(params, X, y):
    """Forward pass and mean cross-entropy written out independently of helpers."""
    A1 = np.maximum(X @ params["W1"] + params["b1"], 0)
    Z = A1 @ params["W2"] + params["b2"]
    Z = Z - Z.max(axis=1, keepdims=True)
    log_p = Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))
    return -np.mean(log_p[np.arange(len(y)), y])


def central_difference(f, x, h=1e-6):
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        up = f()
        x[idx] = old - h
        down = f()
        x[idx] = old
        grad[idx] = (up - down) / (2 * h)
    return grad


def small_problem():
    rng = np.random.default_rng(4)
    X = rng.standard_normal((6, 3))
    y = np.array([0, 1, 1, 0, 1, 0])
    return X, y


def test_initialisation_is_seeded_and_he_scaled():
    model = TwoLayerMLP(2, 100, 3, seed=42)
    rng = np.random.default_rng(42)
    W1 = rng.standard_normal((2, 100)) * np.sqrt(2 / 2)
    W2 = rng.standard_normal((100, 3)) * np.sqrt(2 / 100)
    assert np.array_equal(model.params["W1"], W1)
    assert np.array_equal(model.params["W2"], W2)
    assert not model.params["b1"].any() and not model.params["b2"].any()
    other = TwoLayerMLP(2, 100, 3, seed=43)
    assert not np.allclose(other.params["W1"], W1)


def test_init_by_number_sets_the_standard_deviation():
    model = TwoLayerMLP(300, 400, 10, seed=0, init=0.01)
    assert model.params["W1"].std() == pytest.approx(0.01, rel=0.02)
    assert model.params["W2"].std() == pytest.approx(0.01, rel=0.05)


def test_shapes_and_names():
    model = TwoLayerMLP(3, 5, 2, seed=0)
    shapes = {name: p.shape for name, p in model.params.items()}
    assert shapes == {"W1": (3, 5), "b1": (5,), "W2": (5, 2), "b2": (2,)}
    assert model.forward(np.ones((4, 3))).shape == (4, 2)
    assert "d_in=3, d_hidden=5, d_out=2" in repr(model)


def test_gradients_match_finite_differences():
    X, y = small_problem()
    model = TwoLayerMLP(3, 5, 2, seed=1)
    model.params["b1"][:] = [0.3, -0.2, 0.25, -0.3, 0.2]  # keep hidden units off the kinks
    assert np.abs(X @ model.params["W1"] + model.params["b1"]).min() > 1e-3
    loss = model.loss_and_grads(X, y)
    assert loss == pytest.approx(reference_loss(model.params, X, y), rel=1e-12)
    for name, p in model.params.items():
        numeric = central_difference(lambda: reference_loss(model.params, X, y), p)
        assert np.allclose(model.grads[name], numeric, atol=1e-8), name


def test_step_is_gradient_descent_in_place():
    X, y = small_problem()
    model = TwoLayerMLP(3, 5, 2, seed=2)
    model.loss_and_grads(X, y)
    before = {name: p.copy() for name, p in model.params.items()}
    arrays = {name: p for name, p in model.params.items()}
    grads = {name: g.copy() for name, g in model.grads.items()}
    model.step(0.5)
    for name, p in model.params.items():
        assert p is arrays[name]  # updated in place, no new arrays
        assert np.allclose(p, before[name] - 0.5 * grads[name])


def test_train_step_returns_loss_before_the_update_and_lowers_it():
    X, y = small_problem()
    model = TwoLayerMLP(3, 5, 2, seed=3)
    start = reference_loss(model.params, X, y)
    assert model.train_step(X, y, 0.1) == pytest.approx(start)
    assert reference_loss(model.params, X, y) < start


def test_float32_is_kept_through_a_training_step():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((256, 784)).astype(np.float32)
    y = rng.integers(0, 10, size=256)
    model = TwoLayerMLP(784, 256, 10, seed=0, dtype=np.float32)
    assert model.forward(X).dtype == np.float32
    loss = model.train_step(X, y, 0.1)
    assert isinstance(loss, float) and np.isfinite(loss)
    for name in model.params:
        assert model.params[name].dtype == np.float32, name
        assert model.grads[name].dtype == np.float32, name


def test_train_reaches_95_percent_on_the_spiral():
    X, y = make_spiral(100, n_classes=3, noise=0.2, seed=0)
    model = TwoLayerMLP(2, 100, 3, seed=42)
    losses = train(model, X, y, lr=1.0, steps=300)
    assert losses.shape == (300,) and losses.dtype == np.float64
    assert losses[-1] < 0.5 * losses[0]
    predictions = np.argmax(model.forward(X), axis=1)
    assert np.mean(predictions == y) >= 0.95
    assert model.accuracy(X, y) == pytest.approx(np.mean(predictions == y))


def test_predict_and_accuracy():
    model = TwoLayerMLP(2, 4, 3, seed=0)
    X = np.array([[0.5, -1.0], [2.0, 1.0], [-1.0, 0.3]])
    params = model.params
    logits = np.maximum(X @ params["W1"] + params["b1"], 0) @ params["W2"] + params["b2"]
    pred = model.predict(X)
    assert pred.dtype == np.int64 and np.array_equal(pred, np.argmax(logits, axis=1))
    assert model.accuracy(X, pred) == 1.0
    assert model.accuracy(X, (pred + 1) % 3) == 0.0
    assert model.accuracy(X, np.where(np.arange(3) == 0, (pred + 1) % 3, pred)) == 2 / 3


def test_does_not_mutate_data():
    X, y = small_problem()
    X0, y0 = X.copy(), y.copy()
    model = TwoLayerMLP(3, 5, 2, seed=0)
    train(model, X, y, lr=0.1, steps=3)
    model.accuracy(X, y)
    assert np.array_equal(X, X0) and np.array_equal(y, y0)


def test_loss_and_grads_accumulates_and_train_step_zeroes_first():
    X, y = small_problem()
    model = TwoLayerMLP(3, 5, 2, seed=6)
    model.loss_and_grads(X, y)
    once = {name: g.copy() for name, g in model.grads.items()}
    model.loss_and_grads(X, y)                       # no zero_grad: gradients add up
    for name, g in model.grads.items():
        assert np.allclose(g, 2 * once[name]), name
    # Two half-batches accumulate to the full batch's gradient times 2 (each half is a mean).
    model.zero_grad()
    model.loss_and_grads(X[:3], y[:3])
    model.loss_and_grads(X[3:], y[3:])
    for name, g in model.grads.items():
        assert np.allclose(g / 2, once[name]), name
    assert model.zero_grad() is model
    assert all(not g.any() for g in model.grads.values())
    # train_step zeroes before its backward pass: its step uses this batch's gradient only.
    before = {name: p.copy() for name, p in model.params.items()}
    model.loss_and_grads(X, y)                       # stale gradients that must not leak in
    model.train_step(X, y, 0.5)
    for name, p in model.params.items():
        assert np.array_equal(p, before[name] - 0.5 * once[name]), name


def test_training_losses_equal_a_loop_that_overwrites_gradients():
    # The accumulate-then-zero convention changes no digit of training.
    X, y = make_spiral(20, n_classes=3, noise=0.2, seed=2)
    model = TwoLayerMLP(2, 16, 3, seed=9)
    W1, W2 = model.params["W1"].copy(), model.params["W2"].copy()
    b1, b2 = np.zeros(16), np.zeros(3)
    losses = train(model, X, y, lr=0.5, steps=15)
    for t in range(15):
        Z1 = X @ W1 + b1
        A1 = np.maximum(Z1, 0)
        Z = A1 @ W2 + b2
        S = Z - Z.max(axis=1, keepdims=True)
        P = np.exp(S)
        sums = P.sum(axis=1, keepdims=True)
        assert losses[t] == float(np.mean(np.log(sums[:, 0]) - S[np.arange(len(y)), y]))
        P /= sums
        P[np.arange(len(y)), y] -= 1
        P /= len(y)
        dZ1 = (P @ W2.T) * (Z1 > 0)
        W2 -= 0.5 * (A1.T @ P)
        b2 -= 0.5 * P.sum(axis=0)
        W1 -= 0.5 * (X.T @ dZ1)
        b1 -= 0.5 * dZ1.sum(axis=0)


def test_step_before_gradients_raises():
    with pytest.raises(RuntimeError, match=r"TwoLayerMLP\.step: no gradients yet"):
        TwoLayerMLP(2, 3, 2).step(0.1)


@pytest.mark.parametrize("args, kwargs, error, pattern", [
    ((0, 3, 2), {}, ValueError, r"d_in must be at least 1"),
    ((2, 3.0, 2), {}, TypeError, r"d_hidden must be a whole number"),
    ((2, 3, 2), {"dtype": np.int32}, TypeError, r"dtype must be float64 or float32"),
    ((2, 3, 2), {"init": "xavier"}, ValueError, r"init must be 'he' or a standard deviation"),
    ((2, 3, 2), {"init": -0.1}, ValueError, r"init must be a finite number > 0"),
])
def test_constructor_bad_input(args, kwargs, error, pattern):
    with pytest.raises(error, match=r"TwoLayerMLP: " + pattern):
        TwoLayerMLP(*args, **kwargs)


def test_train_and_step_bad_input():
    X, y = small_problem()
    model = TwoLayerMLP(3, 5, 2)
    with pytest.raises(ValueError, match=r"train: lr must be a finite number > 0"):
        train(model, X, y, lr=0.0, steps=3)
    with pytest.raises(ValueError, match=r"train: steps must be at least 1"):
        train(model, X, y, lr=0.1, steps=0)
    with pytest.raises(ValueError, match=r"Linear\.forward: X has shape \(6, 2\)"):
        train(model, X[:, :2], y, lr=0.1, steps=1)
    with pytest.raises(ValueError, match=r"softmax_cross_entropy: y holds labels from 0 to 5"):
        model.train_step(X, np.arange(6), 0.1)
    with pytest.raises(ValueError, match=r"TwoLayerMLP\.accuracy: y has shape \(2,\)"):
        model.accuracy(X, y[:2])
