"""The bug zoo (C16): wrong backward passes of ``Y = X @ W + b`` that learners write.

Each entry has the signature of :func:`helpers.linear.linear_backward`,
``(dL_dY, X, W) -> (dL_dX, dL_dW, dL_db)``, and the bug in one line. With
non-square, pairwise distinct shapes most of them either raise a shape error
or return a gradient of the wrong shape; with square shapes several run and
return wrong numbers silently, which is why the course avoids square examples.

``X_stale`` stands for the bug of not keeping the forward pass's input: the
backward uses whatever array is in hand instead (the input of another forward
call, passed as ``X_stale``; without it, zeros, as from a cache that was never
filled). :mod:`helpers.diagnose` names it from ``dL_dW == X_stale.T @ dL_dY``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def missing_transpose(dL_dY, X, W):
    """``dL_dX = dL_dY @ W`` (W used where ``W.T`` belongs)."""
    return dL_dY @ W, X.T @ dL_dY, dL_dY.sum(axis=0)


def transposed_weight_gradient(dL_dY, X, W):
    """``dL_dW = dL_dY.T @ X``: the column-convention formula in the row convention."""
    return dL_dY @ W.T, dL_dY.T @ X, dL_dY.sum(axis=0)


def wrong_reduction_axis(dL_dY, X, W):
    """``dL_db = dL_dY.sum(axis=1)``: summed over outputs instead of over the batch."""
    return dL_dY @ W.T, X.T @ dL_dY, dL_dY.sum(axis=1)


def elementwise_instead_of_matmul(dL_dY, X, W):
    """``dL_dW = X * dL_dY``: ``*`` (elementwise) where ``@`` (matrix product) belongs."""
    return dL_dY @ W.T, X * dL_dY, dL_dY.sum(axis=0)


def discarded_input(dL_dY, X, W, X_stale=None):
    """``dL_dW = X_stale.T @ dL_dY``: the forward pass's X was not kept (cached)."""
    if X_stale is None:
        X_stale = np.zeros_like(X)
    return dL_dY @ W.T, X_stale.T @ dL_dY, dL_dY.sum(axis=0)


def mean_sum_mismatch(dL_dY, X, W):
    """Divides by the batch size although ``dL_dY`` already belongs to a summed loss."""
    n = X.shape[0]
    return dL_dY @ W.T / n, X.T @ dL_dY / n, dL_dY.sum(axis=0) / n


def swapped_gradients(dL_dY, X, W):
    """Returns ``(dL_dW, dL_dX, dL_db)``: the first two in each other's place."""
    return X.T @ dL_dY, dL_dY @ W.T, dL_dY.sum(axis=0)


#: Bug name -> buggy backward, in the order notebook 04 meets them.
BUGS: dict[str, Callable] = {
    "missing_transpose": missing_transpose,
    "transposed_weight_gradient": transposed_weight_gradient,
    "wrong_reduction_axis": wrong_reduction_axis,
    "elementwise_instead_of_matmul": elementwise_instead_of_matmul,
    "discarded_input": discarded_input,
    "mean_sum_mismatch": mean_sum_mismatch,
    "swapped_gradients": swapped_gradients,
}
