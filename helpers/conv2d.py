"""2-D convolution through im2col: one GEMM forward, two GEMMs and a col2im backward (C47).

Conventions (the same as every framework's ``conv2d``):

- Layout NCHW: ``X`` is ``(N, C, H, W)`` (batch, channels, height, width); the kernels
  ``K`` are ``(C_out, C, kh, kw)``; the bias ``b`` is ``(C_out,)``; the output ``Y`` is
  ``(N, C_out, H_out, W_out)``.
- It is a cross-correlation: the kernel is not flipped,
  ``Y[n, o, i, j] = b[o] + sum_{c, p, q} K[o, c, p, q] * Xp[n, c, i*s + p, j*s + q]``.
- ``padding`` adds that many zeros on every side of H and W (``Xp`` is the padded X);
  ``stride`` s moves the window s pixels at a time. ``H_out = (H + 2*padding - kh) //
  stride + 1``, and likewise W_out; rows or columns the last window cannot reach are
  left out, as frameworks do.

``im2col`` turns every window into one row of the patch matrix, shape
``(N*H_out*W_out, C*kh*kw)``. The convolution is then the course's linear layer applied
to those rows, with weight ``W = K.reshape(C_out, -1).T`` of shape ``(C*kh*kw, C_out)``:
``Y_rows = cols @ W + b``. Its backward pass is the same three formulas,
``dL_dW = cols.T @ G`` and ``dL_dcols = G @ W.T``, and ``col2im`` adds every row of
``dL_dcols`` back onto the pixels its window covered (overlapping windows add up).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from helpers._checks import as_real_array, positive_int, shape_str

__all__ = ["output_size", "im2col", "col2im", "Conv2dCache", "conv2d_forward",
           "conv2d_backward"]


def _non_negative_int(func: str, name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"{func}: {name} must be a whole number >= 0, got {value!r}")
    return int(value)


def output_size(size: int, k: int, stride: int = 1, padding: int = 0) -> int:
    """How many positions a window of size ``k`` takes along an axis of ``size`` pixels."""
    func = "output_size"
    size, k = positive_int(func, "size", size), positive_int(func, "k", k)
    stride = positive_int(func, "stride", stride)
    padding = _non_negative_int(func, "padding", padding)
    if k > size + 2 * padding:
        raise ValueError(f"{func}: a kernel of size {k} does not fit an axis of {size} pixels "
                         f"with padding {padding} ({size + 2 * padding} in all)")
    return (size + 2 * padding - k) // stride + 1


def _image(func: str, X) -> np.ndarray:
    X = as_real_array(func, "X", X)
    if X.ndim != 4:
        raise ValueError(f"{func}: X has shape {shape_str(X.shape)}; it must be 4-D, "
                         f"(N, C, H, W)")
    return X


def im2col(X, kh, kw, stride=1, padding=0):
    """The patch matrix of ``X`` (N, C, H, W): one row per window position, shape
    ``(N*H_out*W_out, C*kh*kw)``, rows ordered by (n, i, j), columns by (c, p, q)."""
    X = _image("im2col", X)
    N, C, H, W = X.shape
    Ho, Wo = output_size(H, kh, stride, padding), output_size(W, kw, stride, padding)
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    patches = np.empty((N, C, kh, kw, Ho, Wo), dtype=Xp.dtype)
    for p in range(kh):  # kh*kw strided slices, each a whole (N, C, Ho, Wo) block
        for q in range(kw):
            patches[:, :, p, q] = Xp[:, :, p:p + stride * Ho:stride, q:q + stride * Wo:stride]
    return patches.transpose(0, 4, 5, 1, 2, 3).reshape(N * Ho * Wo, C * kh * kw)


def col2im(cols, X_shape, kh, kw, stride=1, padding=0):
    """The adjoint of :func:`im2col`: add every row of ``cols`` (N*H_out*W_out, C*kh*kw)
    back onto the pixels of its window. Returns an array of shape ``X_shape``."""
    func = "col2im"
    N, C, H, W = (positive_int(func, "X_shape", s) for s in X_shape)
    Ho, Wo = output_size(H, kh, stride, padding), output_size(W, kw, stride, padding)
    cols = as_real_array(func, "cols", cols, ndim=2)
    if cols.shape != (N * Ho * Wo, C * kh * kw):
        raise ValueError(f"{func}: cols has shape {shape_str(cols.shape)} but X_shape "
                         f"{tuple(X_shape)} with a {kh}x{kw} kernel, stride {stride} and padding "
                         f"{padding} makes patch matrices of shape {(N * Ho * Wo, C * kh * kw)}")
    patches = cols.reshape(N, Ho, Wo, C, kh, kw).transpose(0, 3, 4, 5, 1, 2)
    Xp = np.zeros((N, C, H + 2 * padding, W + 2 * padding), dtype=np.result_type(cols, float))
    for p in range(kh):  # windows overlap: add, never assign
        for q in range(kw):
            Xp[:, :, p:p + stride * Ho:stride, q:q + stride * Wo:stride] += patches[:, :, p, q]
    return Xp[:, :, padding:padding + H, padding:padding + W].copy()


@dataclass(frozen=True)
class Conv2dCache:
    """What the backward pass needs: the patch matrix, the kernels and the geometry."""

    cols: np.ndarray
    K: np.ndarray
    X_shape: tuple
    stride: int
    padding: int


def conv2d_forward(X, K, b, stride=1, padding=0):
    """Cross-correlate ``X`` (N, C, H, W) with ``K`` (C_out, C, kh, kw), add ``b`` (C_out,).

    Returns ``(Y, cache)`` with ``Y`` of shape (N, C_out, H_out, W_out)."""
    func = "conv2d_forward"
    X = _image(func, X)
    K = as_real_array(func, "K", K)
    b = as_real_array(func, "b", b, ndim=1)
    if K.ndim != 4 or K.shape[1] != X.shape[1]:
        raise ValueError(f"{func}: K has shape {shape_str(K.shape)} and X {shape_str(X.shape)}; "
                         f"K must be (C_out, C, kh, kw) with C = {X.shape[1]}, X's channels")
    if b.shape != (K.shape[0],):
        raise ValueError(f"{func}: b has shape {shape_str(b.shape)}; it needs one entry per "
                         f"output channel, ({K.shape[0]},)")
    C_out, _, kh, kw = K.shape
    N, _, H, W = X.shape
    Ho, Wo = output_size(H, kh, stride, padding), output_size(W, kw, stride, padding)
    cols = im2col(X, kh, kw, stride, padding)
    Y_rows = cols @ K.reshape(C_out, -1).T + b  # the linear layer on patch rows
    Y = Y_rows.reshape(N, Ho, Wo, C_out).transpose(0, 3, 1, 2).copy()
    return Y, Conv2dCache(cols, K.copy(), X.shape, stride, padding)


def conv2d_backward(dL_dY, cache):
    """``(dL_dX, dL_dK, dL_db)`` of shapes X's, K's and (C_out,), from ``dL_dY``
    (N, C_out, H_out, W_out) and the cache of :func:`conv2d_forward`."""
    func = "conv2d_backward"
    if not isinstance(cache, Conv2dCache):
        raise TypeError(f"{func}: cache must be the Conv2dCache conv2d_forward returned, got "
                        f"{type(cache).__name__}")
    K = cache.K
    C_out, C, kh, kw = K.shape
    N = cache.X_shape[0]
    rows = cache.cols.shape[0]
    dL_dY = as_real_array(func, "dL_dY", dL_dY)
    if dL_dY.ndim != 4 or dL_dY.shape[:2] != (N, C_out) or \
            dL_dY.shape[2] * dL_dY.shape[3] * N != rows:
        raise ValueError(f"{func}: dL_dY has shape {shape_str(dL_dY.shape)}; it must have the "
                         f"shape of the forward output, (N, C_out, H_out, W_out) with N = {N} "
                         f"and C_out = {C_out}")
    G = dL_dY.transpose(0, 2, 3, 1).reshape(rows, C_out)  # one row per output pixel
    W = K.reshape(C_out, -1).T
    dL_dK = (cache.cols.T @ G).T.reshape(K.shape)
    dL_db = G.sum(axis=0)
    dL_dX = col2im(G @ W.T, cache.X_shape, kh, kw, cache.stride, cache.padding)
    return dL_dX, dL_dK, dL_db
