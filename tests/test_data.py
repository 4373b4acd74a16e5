"""helpers.data.make_spiral: shapes, determinism, geometry, bad input."""

import numpy as np
import pytest

from helpers.data import make_spiral


def test_shapes_dtypes_and_class_blocks():
    X, y = make_spiral(7, n_classes=4, noise=0.1, seed=3)
    assert X.shape == (28, 2) and X.dtype == np.float64
    assert y.shape == (28,) and y.dtype == np.int64
    assert np.array_equal(y, np.repeat(np.arange(4), 7))


def test_same_seed_same_data_other_seed_other_data():
    X1, y1 = make_spiral(50, seed=5)
    X2, y2 = make_spiral(50, seed=5)
    X3, _ = make_spiral(50, seed=6)
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    assert not np.allclose(X1, X3)


def test_does_not_touch_global_random_state():
    np.random.seed(0)
    before = np.random.get_state()[1].copy()
    make_spiral(10, seed=1)
    assert np.array_equal(np.random.get_state()[1], before)


def test_noise_free_points_lie_on_the_formula():
    # Arm c: radius r in [0, 1], angle 4c + 4r, point r * (sin t, cos t).
    n = 9
    X, y = make_spiral(n, n_classes=3, noise=0.0, seed=0)
    r = np.arange(n) / (n - 1)
    for c in range(3):
        t = 4.0 * c + 4.0 * r
        assert np.allclose(X[y == c], np.column_stack([r * np.sin(t), r * np.cos(t)]))


def test_radius_is_independent_of_noise():
    X, _ = make_spiral(11, n_classes=2, noise=0.5, seed=2)
    radius = np.hypot(X[:, 0], X[:, 1])
    assert np.allclose(radius, np.tile(np.linspace(0, 1, 11), 2))


def test_single_point_per_class():
    X, y = make_spiral(1, n_classes=3, seed=0)
    assert X.shape == (3, 2) and np.array_equal(y, [0, 1, 2])
    assert np.allclose(X, 0.0)  # the only radius is 0


@pytest.mark.parametrize("kwargs, error, pattern", [
    ({"n_per_class": 0}, ValueError, r"n_per_class must be at least 1"),
    ({"n_per_class": 2.5}, TypeError, r"n_per_class must be a whole number"),
    ({"n_per_class": 5, "n_classes": 0}, ValueError, r"n_classes must be at least 1"),
    ({"n_per_class": 5, "noise": -0.1}, ValueError, r"noise must be a finite number >= 0"),
    ({"n_per_class": 5, "noise": float("nan")}, ValueError, r"noise must be a finite number"),
    ({"n_per_class": 5, "noise": "0.2"}, TypeError, r"noise must be a number"),
    ({"n_per_class": 5, "seed": 1.5}, TypeError, r"seed must be a whole number"),
    ({"n_per_class": 5, "seed": None}, TypeError, r"seed must be a whole number"),
    ({"n_per_class": 5, "seed": -1}, ValueError, r"seed must be >= 0"),
])
def test_bad_input(kwargs, error, pattern):
    with pytest.raises(error, match=r"make_spiral: " + pattern):
        make_spiral(**kwargs)
