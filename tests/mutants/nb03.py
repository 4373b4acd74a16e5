"""Wrong answers (mutants) and other right answers for the exercises of notebook 03."""

_ANY_CAUSE = ["cache", "averaged", "transpose", "factor", "sign", "Input operand"]

MUTANTS = [
    # Exercise 03.1: batched_backward(dL_dY, X, W) -> (dL_dX, dL_dW, dL_db)
    dict(
        exercise="03.1",
        name="dL_dW without the transpose of X",
        source='''
def batched_backward(dL_dY, X, W):
    return dL_dY @ W.T, X @ dL_dY, dL_dY.sum(axis=0)
''',
        contains=["raised", "missing transpose", "X.T @ dL_dY", "(3, 2)"],
        absent=["cache", "averaged", "Input operand"],
    ),
    dict(
        exercise="03.1",
        name="dL_dX without the transpose of W",
        source='''
def batched_backward(dL_dY, X, W):
    dL_dX = dL_dY @ W
    dL_dW = X.T @ dL_dY
    dL_db = dL_dY.sum(axis=0)
    return dL_dX, dL_dW, dL_db
''',
        contains=["raised", "missing transpose", "dL_dY @ W.T", "(4, 3)"],
        absent=["cache", "averaged", "Input operand"],
    ),
    dict(
        exercise="03.1",
        name="dL_dW transposed (dL_dY.T @ X)",
        source='''
def batched_backward(dL_dY, X, W):
    return dL_dY @ W.T, dL_dY.T @ X, dL_dY.sum(axis=0)
''',
        contains=["dL_dW", "transpose", "expected shape (3, 2)", "got (2, 3)"],
        absent=["cache", "averaged", "Input operand"],
    ),
    dict(
        exercise="03.1",
        name="dL_db summed over axis 1",
        source='''
def batched_backward(dL_dY, X, W):
    return dL_dY @ W.T, X.T @ dL_dY, dL_dY.sum(axis=1)
''',
        contains=["dL_db", "wrong axis", "sum(axis=0)", "(4,)"],
        absent=["cache", "averaged", "transpose"],
    ),
    dict(
        exercise="03.1",
        name="dL_db keeps the batch axis (keepdims)",
        source='''
def batched_backward(dL_dY, X, W):
    return dL_dY @ W.T, X.T @ dL_dY, dL_dY.sum(axis=0, keepdims=True)
''',
        contains=["dL_db", "expected shape (2,)", "(1, 2)"],
        absent=_ANY_CAUSE,
    ),
    dict(
        exercise="03.1",
        name="every gradient divided by the batch size",
        source='''
def batched_backward(dL_dY, X, W):
    n = X.shape[0]
    return dL_dY @ W.T / n, X.T @ dL_dY / n, dL_dY.sum(axis=0) / n
''',
        contains=["averaged", "factor of 1/4", "n = 4"],
        absent=["cache", "transpose", "sign"],
    ),
    dict(
        exercise="03.1",
        name="dL_db as a batch mean",
        source='''
def batched_backward(dL_dY, X, W):
    return dL_dY @ W.T, X.T @ dL_dY, dL_dY.mean(axis=0)
''',
        contains=["dL_db", "averaged", "n = 4"],
        absent=["cache", "transpose", "sign"],
    ),
    dict(
        exercise="03.1",
        name="dL_dW doubled",
        source='''
def batched_backward(dL_dY, X, W):
    return dL_dY @ W.T, 2 * X.T @ dL_dY, dL_dY.sum(axis=0)
''',
        contains=["dL_dW", "factor of 2"],
        absent=["cache", "averaged", "transpose", "sign"],
    ),
    dict(
        exercise="03.1",
        name="dL_dW all ones",
        source='''
import numpy as np


def batched_backward(dL_dY, X, W):
    return dL_dY @ W.T, np.ones_like(W), dL_dY.sum(axis=0)
''',
        contains=["dL_dW", "expected", "(3, 2)", "got [1, 1, 1, 1"],
        absent=_ANY_CAUSE,
    ),
    dict(
        exercise="03.1",
        name="dL_dW from X squared",
        source='''
def batched_backward(dL_dY, X, W):
    return dL_dY @ W.T, (X ** 2).T @ dL_dY, dL_dY.sum(axis=0)
''',
        contains=["dL_dW", "expected", "got"],
        absent=_ANY_CAUSE,
    ),
    dict(
        exercise="03.1",
        name="dL_dW factors in the wrong order, both transposed",
        source='''
def batched_backward(dL_dY, X, W):
    return dL_dY @ W.T, dL_dY.T @ X.T, dL_dY.sum(axis=0)
''',
        contains=["raised", "dL_dY.T @ X.T", "(2, 4)", "(3, 4)"],
        absent=["transpose", "cache", "averaged", "Input operand"],
    ),
    dict(
        exercise="03.1",
        name="elementwise product for dL_dW",
        source='''
def batched_backward(dL_dY, X, W):
    return dL_dY @ W.T, X * dL_dY, dL_dY.sum(axis=0)
''',
        contains=["raised", "elementwise", "X.T @ dL_dY"],
        absent=["cache", "averaged", "Input operand"],
    ),
    dict(
        exercise="03.1",
        name="flipped sign of dL_dX",
        source='''
def batched_backward(dL_dY, X, W):
    return -(dL_dY @ W.T), X.T @ dL_dY, dL_dY.sum(axis=0)
''',
        contains=["dL_dX", "sign"],
        absent=["cache", "averaged", "transpose"],
    ),
    dict(
        exercise="03.1",
        name="dL_dX and dL_dW swapped",
        source='''
def batched_backward(dL_dY, X, W):
    return X.T @ dL_dY, dL_dY @ W.T, dL_dY.sum(axis=0)
''',
        contains=["swapped"],
        absent=["cache", "averaged", "transpose"],
    ),
    dict(
        exercise="03.1",
        name="the notebook's X instead of the argument (a stale input)",
        source='''
def batched_backward(dL_dY, X_batch, W):
    # X here is the notebook's X from section 1, not this call's input
    return dL_dY @ W.T, X.T @ dL_dY, dL_dY.sum(axis=0)
''',
        contains=["dL_dW", "cache", "the global `X`"],
        absent=["averaged", "transpose", "Input operand"],
    ),
    dict(
        exercise="03.1",
        name="calls linear_backward",
        source='''
from helpers.linear import linear_backward


def batched_backward(dL_dY, X, W):
    return linear_backward(dL_dY, X, W)
''',
        contains=["03.1", "helpers.linear.linear_backward"],
        absent=["Input operand"],
    ),
    dict(
        exercise="03.1",
        name="calls linear_backward through a module alias",
        source='''
import helpers.linear as hl


def batched_backward(dL_dY, X, W):
    return hl.linear_backward(dL_dY, X, W)
''',
        contains=["03.1", "helpers.linear.linear_backward"],
        absent=["Input operand"],
    ),
    dict(
        exercise="03.1",
        name="dL_db forgotten (two arrays returned)",
        source='''
def batched_backward(dL_dY, X, W):
    return dL_dY @ W.T, X.T @ dL_dY
''',
        contains=["2 items", "(dL_dX, dL_dW, dL_db)"],
        absent=_ANY_CAUSE,
    ),
    dict(
        exercise="03.1",
        name="not written",
        source='''
def batched_backward(dL_dY, X, W):
    raise NotImplementedError()
''',
        contains=["not written yet"],
        absent=["Input operand"],
    ),
    # Exercise 03.2: squared_error_gradients(X, W, b, T) -> (L, dL_dW, dL_db)
    dict(
        exercise="03.2",
        name="the MSE of section 5 (divided by n * d_out)",
        source='''
import numpy as np


def squared_error_gradients(X, W, b, T):
    R = X @ W + b - T
    dL_dY = 2 * R / R.size
    return np.mean(R ** 2), X.T @ dL_dY, dL_dY.sum(axis=0)
''',
        contains=["L =", "factor of 1/d_out = 1/3", "averaged over the outputs"],
        absent=["sign", "transpose", "Input operand"],
    ),
    dict(
        exercise="03.2",
        name="the factor 2 of the square missing",
        source='''
import numpy as np


def squared_error_gradients(X, W, b, T):
    n = X.shape[0]
    R = X @ W + b - T
    dL_dY = R / n
    return np.sum(R ** 2) / n, X.T @ dL_dY, dL_dY.sum(axis=0)
''',
        contains=["dL_dW", "factor of 1/2"],
        absent=["sign", "transpose", "averaged", "Input operand"],
    ),
    dict(
        exercise="03.2",
        name="summed over the examples instead of averaged",
        source='''
import numpy as np


def squared_error_gradients(X, W, b, T):
    R = X @ W + b - T
    dL_dY = 2 * R
    return np.sum(R ** 2), X.T @ dL_dY, dL_dY.sum(axis=0)
''',
        contains=["L =", "factor of n = 5", "summed over the examples"],
        absent=["sign", "transpose", "Input operand"],
    ),
    dict(
        exercise="03.2",
        name="the gradient not divided by n",
        source='''
import numpy as np


def squared_error_gradients(X, W, b, T):
    R = X @ W + b - T
    dL_dY = 2 * R
    return np.sum(R ** 2) / X.shape[0], X.T @ dL_dY, dL_dY.sum(axis=0)
''',
        contains=["dL_dW", "factor of n = 5"],
        absent=["sign", "transpose", "averaged", "Input operand"],
    ),
    dict(
        exercise="03.2",
        name="divided by n twice in dL_dW",
        source='''
import numpy as np


def squared_error_gradients(X, W, b, T):
    n = X.shape[0]
    R = X @ W + b - T
    dL_dY = 2 * R / n
    return np.sum(R ** 2) / n, X.T @ dL_dY / n, dL_dY.sum(axis=0)
''',
        contains=["dL_dW", "averaged", "factor of 1/5"],
        absent=["sign", "transpose", "Input operand"],
    ),
    dict(
        exercise="03.2",
        name="flipped sign (T - Y)",
        source='''
import numpy as np


def squared_error_gradients(X, W, b, T):
    n = X.shape[0]
    R = X @ W + b - T
    dL_dY = 2 * (T - (X @ W + b)) / n
    return np.sum(R ** 2) / n, X.T @ dL_dY, dL_dY.sum(axis=0)
''',
        contains=["dL_dW", "sign"],
        absent=["transpose", "averaged", "Input operand"],
    ),
    dict(
        exercise="03.2",
        name="dL_dW transposed",
        source='''
import numpy as np


def squared_error_gradients(X, W, b, T):
    n = X.shape[0]
    R = X @ W + b - T
    dL_dY = 2 * R / n
    return np.sum(R ** 2) / n, dL_dY.T @ X, dL_dY.sum(axis=0)
''',
        contains=["dL_dW", "transpose", "(2, 3)", "(3, 2)"],
        absent=["sign", "averaged", "Input operand"],
    ),
    dict(
        exercise="03.2",
        name="dL_dW without the transpose of X",
        source='''
import numpy as np


def squared_error_gradients(X, W, b, T):
    n = X.shape[0]
    R = X @ W + b - T
    dL_dY = 2 * R / n
    return np.sum(R ** 2) / n, X @ dL_dY, dL_dY.sum(axis=0)
''',
        contains=["squared_error_gradients raised ValueError", "missing transpose",
                  "X.T @ dL_dY"],
        absent=["averaged", "Input operand"],
    ),
    dict(
        exercise="03.2",
        name="dL_db summed over axis 1",
        source='''
import numpy as np


def squared_error_gradients(X, W, b, T):
    n = X.shape[0]
    R = X @ W + b - T
    dL_dY = 2 * R / n
    return np.sum(R ** 2) / n, X.T @ dL_dY, dL_dY.sum(axis=1)
''',
        contains=["dL_db", "expected shape (3,)", "(5,)"],
        absent=["sign", "averaged", "Input operand"],
    ),
    dict(
        exercise="03.2",
        name="L per output, not one number",
        source='''
import numpy as np


def squared_error_gradients(X, W, b, T):
    n = X.shape[0]
    R = X @ W + b - T
    dL_dY = 2 * R / n
    return np.sum(R ** 2, axis=0) / n, X.T @ dL_dY, dL_dY.sum(axis=0)
''',
        contains=["L must be one number", "(3,)"],
        absent=["Input operand"],
    ),
    dict(
        exercise="03.2",
        name="takes a gradient step on the caller's W",
        source='''
import numpy as np


def squared_error_gradients(X, W, b, T):
    n = X.shape[0]
    R = X @ W + b - T
    L = np.sum(R ** 2) / n
    dL_dY = 2 * R / n
    dL_dW, dL_db = X.T @ dL_dY, dL_dY.sum(axis=0)
    W -= 0.1 * dL_dW  # one training step
    return L, dL_dW, dL_db
''',
        contains=["changed its input W"],
        absent=["Input operand"],
    ),
    dict(
        exercise="03.2",
        name="not written",
        source='''
def squared_error_gradients(X, W, b, T):
    raise NotImplementedError()
''',
        contains=["raised NotImplementedError"],
        absent=["Input operand"],
    ),
]

ALTERNATIVES = [
    dict(exercise="03.1", name="einsum", source='''
import numpy as np


def batched_backward(dL_dY, X, W):
    return (np.einsum("nj,kj->nk", dL_dY, W), np.einsum("nk,nj->kj", X, dL_dY),
            np.einsum("nj->j", dL_dY))
'''),
    dict(exercise="03.1", name="loops over the examples, returned as a list", source='''
import numpy as np


def batched_backward(dL_dY, X, W):
    dL_dX = np.zeros(X.shape)
    dL_dW = np.zeros(W.shape)
    dL_db = np.zeros(W.shape[1])
    for i in range(X.shape[0]):
        dL_dX[i] = W @ dL_dY[i]
        dL_dW += np.outer(X[i], dL_dY[i])
        dL_db += dL_dY[i]
    return [dL_dX, dL_dW, dL_db]
'''),
    dict(exercise="03.1", name="transposes of transposed products, ones-vector bias", source='''
import numpy as np


def batched_backward(dL_dY, X, W):
    ones = np.ones(X.shape[0])
    return (W @ dL_dY.T).T, (dL_dY.T @ X).T, np.dot(ones, dL_dY)
'''),
    dict(exercise="03.2", name="loops and outer products", source='''
import numpy as np


def squared_error_gradients(X, W, b, T):
    n = X.shape[0]
    L = 0.0
    dL_dW = np.zeros(W.shape)
    dL_db = np.zeros(b.shape)
    for x_i, t_i in zip(X, T):
        r_i = x_i @ W + b - t_i
        L += float(r_i @ r_i) / n
        dL_dW += np.outer(x_i, 2 * r_i / n)
        dL_db += 2 * r_i / n
    return L, dL_dW, dL_db
'''),
    dict(exercise="03.2", name="einsum and a per-example mean, as a list", source='''
import numpy as np


def squared_error_gradients(X, W, b, T):
    R = np.einsum("nk,kj->nj", X, W) + b - T
    L = np.mean(np.sum(R * R, axis=1))
    dL_dY = 2 * R / len(X)
    return [L, np.einsum("nk,nj->kj", X, dL_dY), np.einsum("nj->j", dL_dY)]
'''),
]
