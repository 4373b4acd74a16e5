"""Drawing 2-D classification data and a classifier's decision regions.

Each class has an Okabe-Ito colour *and* its own marker, so the figure reads
the same with any form of colour vision and in greyscale. Needs matplotlib;
call :func:`helpers.plots.use_course_style` first, as for every figure.
"""

from __future__ import annotations

import numpy as np

from helpers._checks import as_real_array, positive_int, shape_str
from helpers.plots import OKABE_ITO

#: Colour name (see :data:`helpers.plots.OKABE_ITO`) and marker of class 0, 1, 2, ...
CLASS_COLORS = ("blue", "orange", "bluish_green", "vermillion", "reddish_purple",
                "sky_blue", "black")
CLASS_MARKERS = ("o", "s", "^", "D", "v", "P", "X")


def _points(func: str, X, y):
    X = as_real_array(func, "X", X, ndim=2)
    if X.shape[1] != 2:
        raise ValueError(f"{func}: X has shape {shape_str(X.shape)}; it must be (n, 2), "
                         f"one point of the plane per row")
    y = np.asarray(y)
    if y.dtype.kind not in "iu":
        raise TypeError(f"{func}: y must hold integer class labels, got dtype {y.dtype}")
    if y.shape != (X.shape[0],):
        raise ValueError(f"{func}: y has shape {shape_str(y.shape)} but X has {X.shape[0]} "
                         f"rows; y must have shape ({X.shape[0]},)")
    if y.min() < 0 or y.max() >= len(CLASS_COLORS):
        raise ValueError(f"{func}: labels must be in 0..{len(CLASS_COLORS) - 1}, got "
                         f"{y.min()}..{y.max()}")
    return X, y


def plot_classes(ax, X, y):
    """Scatter the points ``X`` (n, 2) on ``ax``, one colour and marker per label ``y`` (n,).

    Adds a legend entry ``"class c"`` per class present.
    """
    X, y = _points("plot_classes", X, y)
    for c in np.unique(y):
        rows = y == c
        ax.scatter(X[rows, 0], X[rows, 1], s=22, marker=CLASS_MARKERS[c],
                   color=OKABE_ITO[CLASS_COLORS[c]], edgecolors="black", linewidths=0.4,
                   label=f"class {c}", zorder=3)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_aspect("equal")


def _border_segments(g0, g1, regions) -> list:
    """Segments between neighbouring grid cells of different labels, each border once.

    Cell ``(i, j)`` is centred at ``(g0[i, j], g1[i, j])``; a border runs along the
    edge two cells share, so a border between any two classes is one line, whatever
    the classes' numbers (a contour of the labels would draw a 0|2 border twice,
    once at level 0.5 and once at 1.5, with a sliver of class 1 between).
    """
    xs, ys = g0[0], g1[:, 0]
    dx = (xs[1] - xs[0]) / 2 if xs.size > 1 else 0.5
    dy = (ys[1] - ys[0]) / 2 if ys.size > 1 else 0.5
    segments = []
    for i, j in np.argwhere(regions[:, 1:] != regions[:, :-1]):   # left | right
        x = (xs[j] + xs[j + 1]) / 2
        segments.append([(x, ys[i] - dy), (x, ys[i] + dy)])
    for i, j in np.argwhere(regions[1:, :] != regions[:-1, :]):   # below / above
        y = (ys[i] + ys[i + 1]) / 2
        segments.append([(xs[j] - dx, y), (xs[j] + dx, y)])
    return segments


def plot_decision_boundary(ax, predict, X, y, *, resolution=200, margin=0.25):
    """Shade the plane by ``predict``'s class and draw the data on top.

    ``predict`` maps points (m, 2) to integer labels (m,); it is called once
    on a ``resolution`` x ``resolution`` grid covering ``X`` (n, 2) plus
    ``margin``. Each grid point colours the small cell around it in its class's
    colour, pale; the borders between cells of different classes are drawn as
    thin black lines, each border once (so they step at the grid's
    resolution); ``y`` (n,) labels the points.
    """
    func = "plot_decision_boundary"
    if not callable(predict):
        raise TypeError(f"{func}: predict must be callable (points (m, 2) -> labels (m,)), "
                        f"got {type(predict).__name__}")
    X, y = _points(func, X, y)
    resolution = positive_int(func, "resolution", resolution)
    lo = X.min(axis=0) - margin
    hi = X.max(axis=0) + margin
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], resolution),
                         np.linspace(lo[1], hi[1], resolution))
    grid = np.column_stack([g0.ravel(), g1.ravel()])
    labels = np.asarray(predict(grid))
    if labels.shape != (grid.shape[0],) or labels.dtype.kind not in "iu":
        raise ValueError(f"{func}: predict must return integer labels of shape "
                         f"({grid.shape[0]},) for points of shape {shape_str(grid.shape)}, "
                         f"got dtype {labels.dtype} and shape {shape_str(labels.shape)}")
    k = max(int(labels.max()), int(y.max())) + 1
    if labels.min() < 0 or k > len(CLASS_COLORS):
        raise ValueError(f"{func}: predict returned labels {labels.min()}..{labels.max()}; "
                         f"they must be in 0..{len(CLASS_COLORS) - 1}")
    from matplotlib.collections import LineCollection
    from matplotlib.colors import ListedColormap

    regions = labels.reshape(g0.shape)
    colours = ListedColormap([OKABE_ITO[CLASS_COLORS[c]] for c in range(k)])
    ax.pcolormesh(g0, g1, regions, shading="nearest", cmap=colours, vmin=-0.5,
                  vmax=k - 0.5, alpha=0.25, zorder=1)
    segments = _border_segments(g0, g1, regions)
    if segments:  # a single region has no border to draw
        ax.add_collection(LineCollection(segments, colors="black", linewidths=0.8, zorder=2,
                                         label="_borders"))
    plot_classes(ax, X, y)
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
