"""Structured linear maps (notebook 09): the 1-D convolution and its Toeplitz matrix.

The "convolution" of deep learning slides a kernel ``w`` of length ``k`` along
a signal ``x`` of length ``n`` and keeps the ``n - k + 1`` positions where it
fits (no padding, stride 1)::

    y[i] = sum_j w[j] * x[i + j]          i = 0 .. n - k

Strictly this is a cross-correlation, ``np.correlate(x, w, "valid")``. It is
linear in ``x``: ``y = T @ x`` with the Toeplitz matrix ``T`` of
:func:`conv1d_matrix`, whose row ``i`` holds the kernel starting at column ``i``.
In the row convention a batch ``X`` of shape (m, n) maps to ``X @ T.T``: a
linear layer whose weight ``T.T`` has shared, structured entries.
"""

from __future__ import annotations

import numpy as np

from helpers._checks import as_real_array, positive_int, shape_str


def _kernel(func: str, w, n: int) -> np.ndarray:
    w = as_real_array(func, "w", w, ndim=1)
    if w.shape[0] > n:
        raise ValueError(f"{func}: the kernel w has shape {shape_str(w.shape)} but the signal "
                         f"has only {n} entries; a valid convolution needs len(w) <= n")
    return w


def conv1d_matrix(w, n):
    """The ``(n - k + 1, n)`` Toeplitz matrix ``T`` with ``T[i, i + j] = w[j]``.

    ``w``: kernel of shape (k,), ``n``: signal length (``k <= n``). Then
    ``T @ x == np.correlate(x, w, "valid")`` for ``x`` of shape (n,).
    Returns a new float64 array.
    """
    func = "conv1d_matrix"
    n = positive_int(func, "n", n)
    w = _kernel(func, w, n)
    k = w.shape[0]
    T = np.zeros((n - k + 1, n))
    for i in range(n - k + 1):
        T[i, i:i + k] = w
    return T


def conv1d(X, w):
    """Valid 1-D convolution (cross-correlation) of every row of ``X`` with ``w``.

    Shapes: ``X`` (m, n), ``w`` (k,) with ``k <= n`` -> ``Y`` (m, n - k + 1),
    ``Y[r, i] = sum_j w[j] * X[r, i + j]``.
    """
    func = "conv1d"
    X = as_real_array(func, "X", X, ndim=2)
    w = _kernel(func, w, X.shape[1])
    k, n_out = w.shape[0], X.shape[1] - w.shape[0] + 1
    Y = np.zeros((X.shape[0], n_out), dtype=np.result_type(X, w, np.float64))
    for j in range(k):  # k shifted copies of X, weighted: no (n_out, n) matrix needed
        Y += w[j] * X[:, j:j + n_out]
    return Y
