"""The linear (affine) layer ``Y = X @ W + b``: forward, backward and Jacobians.

Row convention (the course's default): ``X`` is ``(n, d_in)`` with one example
per row, ``W`` is ``(d_in, d_out)``, ``b`` is ``(d_out,)`` and ``Y`` is
``(n, d_out)``. The column convention of one example, ``y = W_col @ x + b``
with ``W_col`` of shape ``(d_out, d_in)`` (PyTorch's ``nn.Linear.weight``
layout), is used by :func:`linear_jacobians`; the two layouts are transposes
of each other (:func:`row_weight_from_column`, :func:`column_weight_from_row`).

Integer and float32 inputs are accepted here (the matrix products are exact
in any dtype numpy supports); only the gradient checks insist on float64.
"""

from __future__ import annotations

import numpy as np

from helpers._checks import as_real_array, shape_str


def _layer_inputs(func: str, X, W):
    X = as_real_array(func, "X", X, ndim=2)
    W = as_real_array(func, "W", W, ndim=2)
    if X.shape[1] != W.shape[0]:
        raise ValueError(
            f"{func}: X has shape {shape_str(X.shape)} and W has shape {shape_str(W.shape)}; "
            f"X @ W needs X.shape[1] == W.shape[0] (d_in). In the row convention W is "
            f"(d_in, d_out); a (d_out, d_in) weight (PyTorch layout) must be transposed first."
        )
    return X, W


def linear_forward(X, W, b):
    """Affine map of a batch: ``Y = X @ W + b``.

    Shapes: ``X`` (n, d_in), ``W`` (d_in, d_out), ``b`` (d_out,) -> ``Y`` (n, d_out).
    ``b`` is broadcast over the n rows.
    """
    X, W = _layer_inputs("linear_forward", X, W)
    b = as_real_array("linear_forward", "b", b)
    if b.shape != (W.shape[1],):
        raise ValueError(
            f"linear_forward: b has shape {shape_str(b.shape)} but W has shape "
            f"{shape_str(W.shape)}; b must have shape (d_out,) = ({W.shape[1]},)"
        )
    Y = X @ W
    Y += b  # in place on the fresh product: saves a temporary the size of Y
    return Y


def linear_backward(dL_dY, X, W):
    """Gradients of a scalar loss through ``Y = X @ W + b``.

    Shapes: ``dL_dY`` (n, d_out), ``X`` (n, d_in), ``W`` (d_in, d_out) ->
    ``(dL_dX, dL_dW, dL_db)`` of shapes (n, d_in), (d_in, d_out), (d_out,)::

        dL_dX = dL_dY @ W.T      dL_dW = X.T @ dL_dY      dL_db = dL_dY.sum(axis=0)

    ``X`` must be the input of the same forward pass: the weight gradient
    cannot be formed without it.
    """
    X, W = _layer_inputs("linear_backward", X, W)
    dL_dY = as_real_array("linear_backward", "dL_dY", dL_dY, ndim=2)
    expected = (X.shape[0], W.shape[1])
    if dL_dY.shape != expected:
        raise ValueError(
            f"linear_backward: dL_dY has shape {shape_str(dL_dY.shape)} but Y = X @ W + b has "
            f"shape {shape_str(expected)} (X {shape_str(X.shape)}, W {shape_str(W.shape)}); "
            f"an upstream gradient has the shape of Y"
        )
    dL_dX = dL_dY @ W.T
    dL_dW = X.T @ dL_dY
    dL_db = dL_dY.sum(axis=0)
    return dL_dX, dL_dW, dL_db


def linear_jacobians(x, W):
    """Full Jacobians of ``y = W @ x + b`` for one example, column convention.

    Shapes: ``x`` (d_in,), ``W`` (d_out, d_in) -> ``(dy_dx, dy_dW, dy_db)`` with

    - ``dy_dx`` (d_out, d_in): equal to ``W``;
    - ``dy_dW`` (d_out, d_out, d_in): ``dy_dW[i, k, l] = dy_i / dW_kl``, which is
      ``x[l]`` when ``k == i`` and 0 otherwise (one non-zero row per slice);
    - ``dy_db`` (d_out, d_out): the identity.

    These are built explicitly for teaching; a backward pass never needs them.
    """
    x = as_real_array("linear_jacobians", "x", x, ndim=1)
    W = as_real_array("linear_jacobians", "W", W, ndim=2)
    if W.shape[1] != x.shape[0]:
        raise ValueError(
            f"linear_jacobians: x has shape {shape_str(x.shape)} and W has shape "
            f"{shape_str(W.shape)}; W @ x needs W.shape[1] == x.shape[0]. Here W is in the "
            f"column convention, (d_out, d_in); a row-convention W must be transposed first."
        )
    d_out = W.shape[0]
    dtype = np.result_type(x, W, np.float64)
    dy_dW = np.zeros((d_out, d_out, x.shape[0]), dtype=dtype)
    dy_dW[np.arange(d_out), np.arange(d_out), :] = x
    return W.astype(dtype, copy=True), dy_dW, np.eye(d_out, dtype=dtype)


def row_weight_from_column(W_col):
    """Row-convention weight ``(d_in, d_out)`` from a column-convention one ``(d_out, d_in)``.

    ``X @ row_weight_from_column(W_col)`` equals ``(W_col @ X.T).T``; this is how a
    PyTorch ``nn.Linear.weight`` maps onto the course's ``W``. Returns a new array.
    """
    W_col = as_real_array("row_weight_from_column", "W_col", W_col, ndim=2)
    return W_col.T.copy()


def column_weight_from_row(W):
    """Column-convention weight ``(d_out, d_in)`` from a row-convention one ``(d_in, d_out)``.

    The inverse of :func:`row_weight_from_column`. Returns a new array.
    """
    W = as_real_array("column_weight_from_row", "W", W, ndim=2)
    return W.T.copy()
