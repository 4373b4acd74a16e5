"""Structured linear maps (notebook 09): the 1-D convolution and its Toeplitz matrix.

The "convolution" of deep learning slides a kernel ``w`` of length ``k`` along
a signal ``x`` of length ``s`` and keeps the ``s - k + 1`` positions where it
fits (no padding, stride 1)::

    z[i] = sum_j w[j] * x[i + j]          i = 0 .. s - k

Strictly this is a cross-correlation, ``np.correlate(x, w, "valid")``. It is
linear in ``x``: ``z = C @ x`` with the Toeplitz convolution matrix ``C`` of
:func:`conv1d_matrix`, whose row ``i`` holds the kernel starting at column ``i``.
In the row convention a batch ``X`` of ``n`` signals, shape (n, s), maps to
``X @ C.T``: a linear layer whose weight ``C.T`` has shared, structured entries.
The letters are those of notebook 09.
"""

from __future__ import annotations

import numpy as np

from helpers._checks import as_real_array, positive_int, shape_str


def _kernel(func: str, w, s: int) -> np.ndarray:
    w = as_real_array(func, "w", w, ndim=1)
    if w.shape[0] > s:
        raise ValueError(f"{func}: the kernel w has shape {shape_str(w.shape)} but the signal "
                         f"has only {s} entries; a valid convolution needs len(w) <= s")
    return w


def conv1d_matrix(w, s):
    """The ``(s - k + 1, s)`` Toeplitz convolution matrix ``C`` with ``C[i, i + j] = w[j]``.

    ``w``: kernel of shape (k,), ``s``: signal length (``k <= s``). Then
    ``C @ x == np.correlate(x, w, "valid")`` for ``x`` of shape (s,).
    Returns a new float64 array.
    """
    func = "conv1d_matrix"
    s = positive_int(func, "s", s)
    w = _kernel(func, w, s)
    k = w.shape[0]
    C = np.zeros((s - k + 1, s))
    for i in range(s - k + 1):
        C[i, i:i + k] = w
    return C


def conv1d(X, w):
    """Valid 1-D convolution (cross-correlation) of every row of ``X`` with ``w``.

    Shapes: ``X`` (n, s), ``w`` (k,) with ``k <= s`` -> ``Z`` (n, s - k + 1),
    ``Z[r, i] = sum_j w[j] * X[r, i + j]``. Returns a new array.
    """
    func = "conv1d"
    X = as_real_array(func, "X", X, ndim=2)
    w = _kernel(func, w, X.shape[1])
    k, s_out = w.shape[0], X.shape[1] - w.shape[0] + 1
    Z = np.zeros((X.shape[0], s_out), dtype=np.result_type(X, w, np.float64))
    for j in range(k):  # k shifted copies of X, weighted: no (s_out, s) matrix needed
        Z += w[j] * X[:, j:j + s_out]
    return Z
