"""Wrong answers (mutants) and other right answers for the exercises of notebook 01."""

MUTANTS = [
    # Exercise 01.1: weight_jacobian(x, W_col)
    dict(
        exercise="01.1",
        name="W_col[k, l] instead of x[l]",
        source='''
def weight_jacobian(x, W_col):
    d_out, d_in = W_col.shape
    J = np.zeros((d_out, d_out, d_in))
    for i in range(d_out):
        for k in range(d_out):
            for l in range(d_in):
                if k == i:
                    J[i, k, l] = W_col[k, l]
    return J
''',
        contains=["holds W_col[i, l]", "must hold x[l]"],
        absent=["non-zero entries"],
    ),
    dict(
        exercise="01.1",
        name="no k == i condition",
        source='''
def weight_jacobian(x, W_col):
    d_out, d_in = W_col.shape
    J = np.zeros((d_out, d_out, d_in))
    for i in range(d_out):
        for k in range(d_out):
            for l in range(d_in):
                J[i, k, l] = x[l]
    return J
''',
        contains=["must be 0 when k != i"],
    ),
    dict(
        exercise="01.1",
        name="ones (the bias Jacobian) instead of x[l]",
        source='''
def weight_jacobian(x, W_col):
    d_out, d_in = W_col.shape
    J = np.zeros((d_out, d_out, d_in))
    for i in range(d_out):
        for l in range(d_in):
            J[i, i, l] = 1.0
    return J
''',
        contains=["holds 1", "x[l]"],
    ),
    dict(
        exercise="01.1",
        name="integer array",
        source='''
def weight_jacobian(x, W_col):
    d_out, d_in = W_col.shape
    J = np.zeros((d_out, d_out, d_in), dtype=int)
    for i in range(d_out):
        for l in range(d_in):
            J[i, i, l] = x[l]
    return J
''',
        contains=["integer", "float"],
    ),
    dict(
        exercise="01.1",
        name="axes in the wrong order (d_out, d_in, d_out)",
        source='''
def weight_jacobian(x, W_col):
    d_out, d_in = W_col.shape
    J = np.zeros((d_out, d_in, d_out))
    for i in range(d_out):
        for l in range(d_in):
            J[i, l, i] = x[l]
    return J
''',
        contains=["(d_out, d_out, d_in) = (3, 3, 4)", "got (3, 4, 3)"],
    ),
    dict(
        exercise="01.1",
        name="x[i] instead of x[l]",
        source='''
def weight_jacobian(x, W_col):
    d_out, d_in = W_col.shape
    J = np.zeros((d_out, d_out, d_in))
    for i in range(d_out):
        for l in range(d_in):
            J[i, i, l] = x[i]
    return J
''',
        contains=["wrong entry", "expected"],
    ),
    dict(
        exercise="01.1",
        name="finite differences through jacobian_by_columns",
        source='''
def weight_jacobian(x, W_col):
    return jacobian_by_columns(lambda V: V @ x, W_col)
''',
        contains=["jacobian_by_columns", "01.1"],
    ),
    dict(
        exercise="01.1",
        name="calls linear_jacobians",
        source='''
import helpers.linear as hl


def weight_jacobian(x, W_col):
    return hl.linear_jacobians(x, W_col)[1]
''',
        contains=["linear_jacobians"],
    ),
    dict(
        exercise="01.1",
        name="not written",
        source='''
def weight_jacobian(x, W_col):
    raise NotImplementedError()
''',
        contains=["not written yet"],
    ),
    # Exercise 01.2: contract_upstream(g, T)
    dict(
        exercise="01.2",
        name="g @ T sums over the second index",
        source='''
def contract_upstream(g, T):
    return g @ T
''',
        contains=["SECOND index", "first index"],
    ),
    dict(
        exercise="01.2",
        name="loop overwrites instead of accumulating",
        source='''
def contract_upstream(g, T):
    out = np.zeros(T.shape[1:])
    for i in range(len(g)):
        out = g[i] * T[i]
    return out
''',
        contains=["only the last term", "+="],
    ),
    dict(
        exercise="01.2",
        name="slices not weighted by g",
        source='''
def contract_upstream(g, T):
    return T.sum(axis=0)
''',
        contains=["without the weights g[i]"],
    ),
    dict(
        exercise="01.2",
        name="mean over i instead of the sum",
        source='''
def contract_upstream(g, T):
    return np.einsum("i,ikl->kl", g, T) / len(g)
''',
        contains=["factor", "mean"],
    ),
    dict(
        exercise="01.2",
        name="weights but no sum",
        source='''
def contract_upstream(g, T):
    return g[:, None, None] * T
''',
        contains=["the sum over i is missing"],
    ),
    dict(
        exercise="01.2",
        name="result transposed",
        source='''
def contract_upstream(g, T):
    return np.einsum("i,ikl->lk", g, T)
''',
        contains=["transpose"],
    ),
    dict(
        exercise="01.2",
        name="scales the caller's T in place",
        source='''
def contract_upstream(g, T):
    T *= g[:, None, None]
    return T.sum(axis=0)
''',
        contains=["changed its input T"],
    ),
    dict(
        exercise="01.2",
        name="tensordot over the wrong axes",
        source='''
def contract_upstream(g, T):
    return np.tensordot(g, T, axes=([0], [2]))
''',
        contains=["raised", "do not fit", "g (2,) and T (2, 2, 3)"],
        absent=["Input operand"],
    ),
    dict(
        exercise="01.2",
        name="not written",
        source='''
def contract_upstream(g, T):
    raise NotImplementedError()
''',
        contains=["not written yet"],
    ),
    # Exercise 01.3: row_convention_gradients(x, W_col, g)
    dict(
        exercise="01.3",
        name="dL_dW in the column layout g x^T",
        source='''
def row_convention_gradients(x, W_col, g):
    return (W_col.T @ g)[None, :], np.outer(g, x), g.copy()
''',
        contains=["transpose", "dL_dW"],
        absent=["cache", "Input operand"],
    ),
    dict(
        exercise="01.3",
        name="dL_dX left flat",
        source='''
def row_convention_gradients(x, W_col, g):
    return W_col.T @ g, np.outer(x, g), g.copy()
''',
        contains=["dL_dX", "(1, 3)", "[None, :]"],
    ),
    dict(
        exercise="01.3",
        name="W_col without its transpose in dL_dX",
        source='''
def row_convention_gradients(x, W_col, g):
    dL_dX = (W_col @ g)[None, :]
    return dL_dX, np.outer(x, g), g.copy()
''',
        contains=["raised", "left factor has 3 columns", "x (3,), W_col (2, 3), g (2,)"],
        absent=["Input operand"],
    ),
    dict(
        exercise="01.3",
        name="elementwise product for the weight gradient",
        source='''
def row_convention_gradients(x, W_col, g):
    dL_dW = x * g
    return (W_col.T @ g)[None, :], dL_dW, g.copy()
''',
        contains=["raised", "elementwise", "(3,) and (2,)"],
        absent=["Input operand"],
    ),
    dict(
        exercise="01.3",
        name="dL_dX and dL_dW swapped",
        source='''
def row_convention_gradients(x, W_col, g):
    return np.outer(x, g), (W_col.T @ g)[None, :], g.copy()
''',
        contains=["swapped"],
    ),
    dict(
        exercise="01.3",
        name="dL_db is g itself",
        source='''
def row_convention_gradients(x, W_col, g):
    return (W_col.T @ g)[None, :], np.outer(x, g), g
''',
        contains=["dL_db", "shares memory", "copy"],
    ),
    dict(
        exercise="01.3",
        name="flipped sign of dL_dW",
        source='''
def row_convention_gradients(x, W_col, g):
    return (W_col.T @ g)[None, :], -np.outer(x, g), g.copy()
''',
        contains=["sign", "dL_dW"],
        absent=["cache", "averaged", "transpose"],
    ),
    dict(
        exercise="01.3",
        name="calls linear_backward",
        source='''
from helpers.linear import linear_backward as lb


def row_convention_gradients(x, W_col, g):
    return lb(g[None, :], x[None, :], W_col.T)
''',
        contains=["linear_backward", "01.3"],
    ),
    dict(
        exercise="01.3",
        name="not written",
        source='''
def row_convention_gradients(x, W_col, g):
    raise NotImplementedError()
''',
        contains=["not written yet"],
    ),
]

ALTERNATIVES = [
    dict(exercise="01.1", name="vectorised with an identity", source='''
def weight_jacobian(x, W_col):
    d_out = W_col.shape[0]
    return np.eye(d_out)[:, :, None] * x[None, None, :]
'''),
    dict(exercise="01.1", name="einsum of the identity and x", source='''
def weight_jacobian(x, W_col):
    return np.einsum("ik,l->ikl", np.eye(len(W_col)), x)
'''),
    dict(exercise="01.1", name="fancy indexing", source='''
def weight_jacobian(x, W_col):
    d_out, d_in = W_col.shape
    J = np.zeros((d_out, d_out, d_in))
    J[np.arange(d_out), np.arange(d_out)] = x
    return J
'''),
    dict(exercise="01.2", name="loops over every index", source='''
def contract_upstream(g, T):
    d_out, _, d_in = T.shape
    out = np.zeros((d_out, d_in))
    for i in range(d_out):
        for k in range(d_out):
            for l in range(d_in):
                out[k, l] += g[i] * T[i, k, l]
    return out
'''),
    dict(exercise="01.2", name="tensordot", source='''
def contract_upstream(g, T):
    return np.tensordot(g, T, axes=1)
'''),
    dict(exercise="01.2", name="broadcast and sum", source='''
def contract_upstream(g, T):
    return (g[:, None, None] * T).sum(axis=0)
'''),
    dict(exercise="01.2", name="reshape to a matrix product", source='''
def contract_upstream(g, T):
    return (g @ T.reshape(T.shape[0], -1)).reshape(T.shape[1:])
'''),
    dict(exercise="01.3", name="row products and a list", source='''
def row_convention_gradients(x, W_col, g):
    X = x.reshape(1, -1)
    dL_dY = g.reshape(1, -1)
    W = W_col.T
    return [dL_dY @ W.T, X.T @ dL_dY, dL_dY.sum(axis=0)]
'''),
    dict(exercise="01.3", name="einsum and broadcasting", source='''
def row_convention_gradients(x, W_col, g):
    dL_dX = np.einsum("k,kl->l", g, W_col)[np.newaxis]
    dL_dW = x[:, None] * g[None, :]
    return dL_dX, dL_dW, np.array(g)
'''),
    dict(exercise="01.3", name="loops", source='''
def row_convention_gradients(x, W_col, g):
    d_out, d_in = W_col.shape
    dL_dX = np.zeros((1, d_in))
    dL_dW = np.zeros((d_in, d_out))
    for l in range(d_in):
        for k in range(d_out):
            dL_dX[0, l] += g[k] * W_col[k, l]
            dL_dW[l, k] = x[l] * g[k]
    return dL_dX, dL_dW, g + 0.0
'''),
]
