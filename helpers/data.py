"""Small seeded data sets for training demos.

:func:`make_spiral` builds the classic interleaved-spirals classification
problem (as in Stanford's CS231n notes): ``n_classes`` arms winding around
the origin, which no straight line can separate but a small MLP can.
"""

from __future__ import annotations

import numpy as np

from helpers._checks import positive_int


def make_spiral(n_per_class, n_classes=3, noise=0.2, seed=0):
    """Points on ``n_classes`` noisy spiral arms in the plane.

    Arm ``c`` has ``n_per_class`` points at radius ``r`` evenly spaced in
    [0, 1] and angle ``t = 4 c + 4 r + noise * N(0, 1)`` (radians), placed at
    ``r * (sin t, cos t)``. The same arguments always give the same arrays.

    Returns ``(X, y)``: ``X`` float64 (N, 2) and ``y`` int64 (N,) with
    ``N = n_per_class * n_classes``; the points of class ``c`` are rows
    ``c * n_per_class`` to ``(c + 1) * n_per_class - 1``.
    """
    func = "make_spiral"
    n_per_class = positive_int(func, "n_per_class", n_per_class)
    n_classes = positive_int(func, "n_classes", n_classes)
    if isinstance(noise, bool) or not isinstance(noise, (int, float, np.integer, np.floating)):
        raise TypeError(f"{func}: noise must be a number (the angle noise in radians), "
                        f"got {type(noise).__name__}")
    noise = float(noise)
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"{func}: noise must be a finite number >= 0, got {noise!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"{func}: seed must be a whole number (the data set is always "
                        f"seeded), got {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"{func}: seed must be >= 0, got {seed}")
    rng = np.random.default_rng(int(seed))
    N = n_per_class * n_classes
    X = np.empty((N, 2), dtype=np.float64)
    y = np.empty(N, dtype=np.int64)
    r = np.linspace(0.0, 1.0, n_per_class)
    for c in range(n_classes):
        rows = slice(c * n_per_class, (c + 1) * n_per_class)
        t = np.linspace(4.0 * c, 4.0 * (c + 1), n_per_class)
        t += noise * rng.standard_normal(n_per_class)
        X[rows, 0] = r * np.sin(t)
        X[rows, 1] = r * np.cos(t)
        y[rows] = c
    return X, y
