"""Batch normalisation and layer normalisation: forward, and backward from a cache (C45, C34).

Both standardise ``X`` of shape ``(n, d)``, then scale and shift each feature:
``Y = gamma * X_hat + beta`` with ``gamma`` and ``beta`` of shape ``(d,)``. They differ
only in the axis the mean and variance are taken over:

- batch norm: over the batch, ``axis=0`` (each feature across the n examples), with the
  biased variance (divide by n), as frameworks use in training. Every example's output
  then depends on every other example of the batch, and so does its gradient.
- layer norm: over the features, ``axis=1`` (each example on its own).

The backward pass of either, with ``G = dL_dY * gamma`` and means over that same axis::

    dL_dX = inv_std * (G - mean(G) - X_hat * mean(G * X_hat))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from helpers._checks import as_real_array, positive_float, shape_str

__all__ = ["NormCache", "batch_norm_forward", "batch_norm_backward", "layer_norm_forward",
           "layer_norm_backward"]


@dataclass(frozen=True)
class NormCache:
    """What the backward pass needs: ``X_hat`` (n, d), ``gamma`` (d,), ``inv_std`` (the
    reciprocal standard deviation, (1, d) for batch norm, (n, 1) for layer norm) and the
    axis the statistics were taken over."""

    X_hat: np.ndarray
    gamma: np.ndarray
    inv_std: np.ndarray
    axis: int


def _forward(func: str, X, gamma, beta, eps, axis: int):
    X = as_real_array(func, "X", X, ndim=2).astype(np.float64, copy=False)
    d = X.shape[1]
    gamma = as_real_array(func, "gamma", gamma, ndim=1)
    beta = as_real_array(func, "beta", beta, ndim=1)
    for name, value in (("gamma", gamma), ("beta", beta)):
        if value.shape != (d,):
            raise ValueError(f"{func}: {name} has shape {shape_str(value.shape)} but X has "
                             f"shape {shape_str(X.shape)}; {name} needs one entry per feature, "
                             f"shape ({d},)")
    eps = positive_float(func, "eps", eps)
    mu = X.mean(axis=axis, keepdims=True)
    var = X.var(axis=axis, keepdims=True)  # biased: divides by the count, as in training
    inv_std = 1.0 / np.sqrt(var + eps)
    X_hat = (X - mu) * inv_std
    Y = gamma * X_hat + beta
    return Y, NormCache(X_hat, gamma.astype(np.float64).copy(), inv_std, axis)


def _backward(func: str, dL_dY, cache: NormCache):
    if not isinstance(cache, NormCache):
        raise TypeError(f"{func}: cache must be the NormCache its forward pass returned, got "
                        f"{type(cache).__name__}")
    dL_dY = as_real_array(func, "dL_dY", dL_dY, ndim=2)
    if dL_dY.shape != cache.X_hat.shape:
        raise ValueError(f"{func}: dL_dY has shape {shape_str(dL_dY.shape)} but the forward "
                         f"output had shape {shape_str(cache.X_hat.shape)}; a gradient has "
                         f"the shape of what it differentiates")
    axis = cache.axis
    dL_dgamma = np.sum(dL_dY * cache.X_hat, axis=0)
    dL_dbeta = np.sum(dL_dY, axis=0)
    G = dL_dY * cache.gamma
    dL_dX = cache.inv_std * (G - G.mean(axis=axis, keepdims=True)
                             - cache.X_hat * (G * cache.X_hat).mean(axis=axis, keepdims=True))
    return dL_dX, dL_dgamma, dL_dbeta


def batch_norm_forward(X, gamma, beta, eps=1e-5):
    """Batch normalisation in training mode (statistics of this batch).

    ``X`` (n, d), ``gamma`` and ``beta`` (d,). Returns ``(Y, cache)`` with ``Y`` (n, d):
    each column of X standardised over the batch (biased variance), then
    ``gamma * X_hat + beta``."""
    return _forward("batch_norm_forward", X, gamma, beta, eps, axis=0)


def batch_norm_backward(dL_dY, cache):
    """``(dL_dX (n, d), dL_dgamma (d,), dL_dbeta (d,))`` from ``dL_dY`` (n, d) and the
    cache of :func:`batch_norm_forward`."""
    return _backward("batch_norm_backward", dL_dY, cache)


def layer_norm_forward(X, gamma, beta, eps=1e-5):
    """Layer normalisation: each row of ``X`` (n, d) standardised over its own d features.

    ``gamma`` and ``beta`` (d,). Returns ``(Y, cache)`` with ``Y`` (n, d)."""
    return _forward("layer_norm_forward", X, gamma, beta, eps, axis=1)


def layer_norm_backward(dL_dY, cache):
    """``(dL_dX (n, d), dL_dgamma (d,), dL_dbeta (d,))`` from ``dL_dY`` (n, d) and the
    cache of :func:`layer_norm_forward`."""
    return _backward("layer_norm_backward", dL_dY, cache)
