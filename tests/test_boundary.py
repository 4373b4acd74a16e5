"""helpers.boundary: what is drawn, and bad input."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from helpers.boundary import (  # noqa: E402
    CLASS_COLORS,
    CLASS_MARKERS,
    plot_classes,
    plot_decision_boundary,
)
from helpers.plots import OKABE_ITO  # noqa: E402

X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
y = np.array([0, 1, 2, 1])


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def test_each_class_has_its_own_colour_and_marker(ax):
    assert len(set(CLASS_COLORS)) == len(CLASS_COLORS) == len(set(CLASS_MARKERS))
    plot_classes(ax, X, y)
    labels = [c.get_label() for c in ax.collections]
    assert labels == ["class 0", "class 1", "class 2"]
    for c, coll in enumerate(ax.collections):
        assert to_hex(coll.get_facecolor()[0]) == OKABE_ITO[CLASS_COLORS[c]].lower()
        assert len(coll.get_offsets()) == int(np.sum(y == c))


def test_decision_boundary_asks_predict_about_a_grid(ax):
    calls = []

    def predict(points):
        calls.append(points.shape)
        return (points[:, 0] > 0.5).astype(int)  # left: class 0, right: class 1

    plot_decision_boundary(ax, predict, X, y, resolution=30, margin=0.1)
    assert calls == [(900, 2)]
    assert ax.get_xlim() == pytest.approx((-0.1, 1.1))
    assert ax.get_ylim() == pytest.approx((-0.1, 1.1))


def test_single_region_draws_without_warnings(ax, recwarn):
    plot_decision_boundary(ax, lambda P: np.zeros(len(P), dtype=int), X, y, resolution=10)
    assert not [w for w in recwarn if issubclass(w.category, UserWarning)]


@pytest.mark.parametrize("X_bad, y_bad, error, pattern", [
    (np.ones((4, 3)), y, ValueError, r"X has shape \(4, 3\); it must be \(n, 2\)"),
    (X, y.astype(float), TypeError, r"y must hold integer class labels"),
    (X, y[:3], ValueError, r"y has shape \(3,\) but X has 4 rows"),
    (X, np.array([0, 1, 2, 9]), ValueError, r"labels must be in 0\.\.6"),
])
def test_bad_points(ax, X_bad, y_bad, error, pattern):
    with pytest.raises(error, match=r"plot_classes: " + pattern):
        plot_classes(ax, X_bad, y_bad)


def test_bad_predict(ax):
    with pytest.raises(TypeError, match=r"plot_decision_boundary: predict must be callable"):
        plot_decision_boundary(ax, "not a function", X, y)
    with pytest.raises(ValueError, match=r"predict must return integer labels of shape"):
        plot_decision_boundary(ax, lambda P: P[:, 0], X, y, resolution=5)
    with pytest.raises(ValueError, match=r"resolution must be at least 1"):
        plot_decision_boundary(ax, lambda P: np.zeros(len(P), dtype=int), X, y, resolution=0)


def _borders(ax):
    from matplotlib.collections import LineCollection
    found = [c for c in ax.collections if isinstance(c, LineCollection)]
    return [np.asarray(seg) for coll in found for seg in coll.get_segments()]


def test_border_between_classes_0_and_2_is_drawn_once(ax):
    # Class 0 on the left, class 2 on the right: one straight border, no class 1 between.
    def predict(points):
        return np.where(points[:, 0] < 0.5, 0, 2)

    plot_decision_boundary(ax, predict, X, y, resolution=20, margin=0.0)
    segments = _borders(ax)
    assert len(segments) == 20  # one edge per grid row, no second copy
    xs = {round(float(seg[0, 0]), 12) for seg in segments}
    assert len(xs) == 1  # all on one vertical line
    keys = {tuple(np.round(seg.ravel(), 12)) for seg in segments}
    assert len(keys) == len(segments)  # no segment twice
    mesh = [c for c in ax.collections if c.get_array() is not None and c.get_array().ndim]
    assert set(np.unique(mesh[0].get_array())) == {0, 2}  # no sliver of class 1


def test_borders_of_three_regions_each_once(ax):
    def predict(points):
        return np.where(points[:, 0] < 0.5, 0, np.where(points[:, 1] < 0.5, 1, 2))

    plot_decision_boundary(ax, predict, X, y, resolution=10, margin=0.0)
    segments = _borders(ax)
    keys = {tuple(np.round(seg.ravel(), 12)) for seg in segments}
    assert len(keys) == len(segments) == 10 + 5  # 10 rows along x = 0.5, 5 columns along y


def test_single_region_has_no_border(ax):
    plot_decision_boundary(ax, lambda P: np.ones(len(P), dtype=int), X, y, resolution=8)
    assert _borders(ax) == []
