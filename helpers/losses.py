"""Softmax cross-entropy, computed stably with log-sum-exp (C25).

For logits ``Z`` (n, k) and integer labels ``y`` (n,) the loss is the mean
over the batch of ``-log softmax(Z_i)[y_i]``, and its gradient is::

    dL_dZ = (softmax(Z) - one_hot(y)) / n

Subtracting each row's maximum before ``exp`` changes nothing mathematically
(softmax is unchanged by adding a constant to a row) but keeps every
exponent <= 0, so nothing overflows even for logits in the thousands.
"""

from __future__ import annotations

import numpy as np

from helpers._checks import as_real_array, shape_str


def _labels(func: str, y, n: int, k: int) -> np.ndarray:
    if isinstance(y, np.ndarray):
        labels = y
    else:
        try:
            labels = np.asarray(y)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{func}: y must be an array of integer class labels, "
                            f"got {type(y).__name__} ({exc})") from None
    if labels.dtype.kind not in "iu":
        raise TypeError(f"{func}: y must hold integer class labels 0..k-1, got dtype "
                        f"{labels.dtype} with shape {shape_str(labels.shape)}; "
                        f"use y.astype(int) if they are whole numbers")
    if labels.shape != (n,):
        raise ValueError(f"{func}: y has shape {shape_str(labels.shape)} but logits has "
                         f"{n} rows; y must have shape ({n},), one label per example")
    if labels.min() < 0 or labels.max() >= k:
        raise ValueError(f"{func}: y holds labels from {labels.min()} to {labels.max()} but "
                         f"logits has k = {k} columns; every label must be in 0..{k - 1}")
    return labels


def softmax(logits):
    """Row-wise softmax of ``logits`` (n, k) -> probabilities (n, k), rows summing to 1.

    Stable for any finite logits (each row's maximum is subtracted first).
    Float dtypes are kept; integer logits give float64.
    """
    Z = as_real_array("softmax", "logits", logits, ndim=2)
    if Z.dtype.kind != "f":
        Z = Z.astype(np.float64)
    P = Z - Z.max(axis=1, keepdims=True)
    np.exp(P, out=P)
    P /= P.sum(axis=1, keepdims=True)
    return P


def softmax_cross_entropy(logits, y):
    """Mean softmax cross-entropy and its gradient.

    Shapes: ``logits`` (n, k) real, ``y`` (n,) integers in 0..k-1 ->
    ``(loss, dL_dlogits)`` with ``loss`` a Python float and ``dL_dlogits``
    (n, k) equal to ``(softmax(logits) - one_hot(y)) / n``. Float dtypes are
    kept (float32 in, float32 gradient out); the inputs are not modified.
    """
    func = "softmax_cross_entropy"
    Z = as_real_array(func, "logits", logits, ndim=2)
    n, k = Z.shape
    labels = _labels(func, y, n, k)
    if Z.dtype.kind != "f":
        Z = Z.astype(np.float64)
    rows = np.arange(n)
    shifted = Z - Z.max(axis=1, keepdims=True)         # every entry <= 0
    correct = shifted[rows, labels]                     # (n,), read before exp overwrites
    P = np.exp(shifted, out=shifted)
    row_sums = P.sum(axis=1, keepdims=True)             # each in [1, k]: log is safe
    loss = float(np.mean(np.log(row_sums[:, 0]) - correct))
    P /= row_sums
    P[rows, labels] -= 1
    P /= n
    return loss, P
