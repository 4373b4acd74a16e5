"""Wrong answers (mutants) and other right answers for the exercises of notebook 02."""

MUTANTS = [
    # Exercise 02.1: weight_vjp(X, dL_dY)
    dict(
        exercise="02.1",
        name="column layout dL_dY.T @ X",
        source='''
def weight_vjp(X, dL_dY):
    return dL_dY.T @ X
''',
        contains=["transpose", "(d_in, d_out) = (3, 2)"],
        absent=["Input operand"],
    ),
    dict(
        exercise="02.1",
        name="elementwise product",
        source='''
def weight_vjp(X, dL_dY):
    return X * dL_dY
''',
        contains=["raised", "elementwise", "(4, 3) and (4, 2)"],
        absent=["Input operand", "transpose"],
    ),
    dict(
        exercise="02.1",
        name="transpose on the wrong factor",
        source='''
def weight_vjp(X, dL_dY):
    return X @ dL_dY.T
''',
        contains=["raised", "left factor has 3 columns", "X (4, 3), dL_dY (4, 2)"],
        absent=["Input operand"],
    ),
    dict(
        exercise="02.1",
        name="mean over the batch",
        source='''
def weight_vjp(X, dL_dY):
    return X.T @ dL_dY / X.shape[0]
''',
        contains=["factor 1/n = 1/4"],
        absent=["cache"],
    ),
    dict(
        exercise="02.1",
        name="loop keeps only the last example",
        source='''
def weight_vjp(X, dL_dY):
    for i in range(X.shape[0]):
        dL_dW = np.outer(X[i], dL_dY[i])
    return dL_dW
''',
        contains=["only the last example"],
    ),
    dict(
        exercise="02.1",
        name="product of the column sums",
        source='''
def weight_vjp(X, dL_dY):
    return np.outer(X.sum(axis=0), dL_dY.sum(axis=0))
''',
        contains=["wrong values", "expected entry"],
        absent=["cache", "transpose"],
    ),
    dict(
        exercise="02.1",
        name="builds the Jacobian",
        source='''
def weight_vjp(X, dL_dY):
    n, d_in = X.shape
    d_out = dL_dY.shape[1]
    jac = np.zeros((n, d_out, d_in, d_out))
    for j in range(d_out):
        jac[:, j, :, j] = X
    return np.einsum("ij,ijkl->kl", dL_dY, jac)
''',
        contains=["memory", "Jacobian", "budget of 4 MB"],
    ),
    dict(
        exercise="02.1",
        name="builds the Kronecker matrix",
        source='''
def weight_vjp(X, dL_dY):
    d_in, d_out = X.shape[1], dL_dY.shape[1]
    J = np.kron(np.eye(d_out), X)
    return (J.T @ dL_dY.reshape(-1, order="F")).reshape(d_in, d_out, order="F")
''',
        contains=["memory", "Kronecker"],
    ),
    dict(
        exercise="02.1",
        name="calls linear_backward with a dummy W",
        source='''
from helpers.linear import linear_backward


def weight_vjp(X, dL_dY):
    return linear_backward(dL_dY, X, np.zeros((X.shape[1], dL_dY.shape[1])))[1]
''',
        contains=["linear_backward", "02.1"],
    ),
    dict(
        exercise="02.1",
        name="not written",
        source='''
def weight_vjp(X, dL_dY):
    raise NotImplementedError()
''',
        contains=["not written yet"],
    ),
    # Exercise 02.2: adjoint_two_layers(G, X, W2)
    dict(
        exercise="02.2",
        name="W2 without its transpose",
        source='''
def adjoint_two_layers(G, X, W2):
    return X.T @ G @ W2
''',
        contains=["raised", "left factor has 2 columns", "G (5, 2), X (5, 4), W2 (3, 2)"],
        absent=["Input operand"],
    ),
    dict(
        exercise="02.2",
        name="order not reversed, result transposed",
        source='''
def adjoint_two_layers(G, X, W2):
    return W2 @ G.T @ X
''',
        contains=["transpose", "(h, d_in)"],
    ),
    dict(
        exercise="02.2",
        name="first layer only",
        source='''
def adjoint_two_layers(G, X, W2):
    return X.T @ G
''',
        contains=["X.T @ G", "first factor only", "W2"],
    ),
    dict(
        exercise="02.2",
        name="flipped sign",
        source='''
def adjoint_two_layers(G, X, W2):
    return -(X.T @ G @ W2.T)
''',
        contains=["flipped sign"],
    ),
    dict(
        exercise="02.2",
        name="mean over the batch",
        source='''
def adjoint_two_layers(G, X, W2):
    return X.T @ G @ W2.T / len(X)
''',
        contains=["factor 1/n = 1/5"],
    ),
    dict(
        exercise="02.2",
        name="inverses instead of transposes",
        source='''
def adjoint_two_layers(G, X, W2):
    return np.linalg.pinv(X) @ G @ np.linalg.pinv(W2)
''',
        contains=["dot-product test", "not an inverse"],
    ),
    dict(
        exercise="02.2",
        name="ignores G",
        source='''
def adjoint_two_layers(G, X, W2):
    return X.T @ np.ones_like(G) @ W2.T
''',
        contains=["dot-product test"],
    ),
    dict(
        exercise="02.2",
        name="scales the caller's G in place",
        source='''
def adjoint_two_layers(G, X, W2):
    G *= 1.0 / np.abs(G).max()  # normalise first
    return X.T @ G @ W2.T
''',
        contains=["changed its input G"],
    ),
    dict(
        exercise="02.2",
        name="not written",
        source='''
def adjoint_two_layers(G, X, W2):
    raise NotImplementedError()
''',
        contains=["not written yet"],
    ),
]

ALTERNATIVES = [
    dict(exercise="02.1", name="einsum", source='''
def weight_vjp(X, dL_dY):
    return np.einsum("ik,il->kl", X, dL_dY)
'''),
    dict(exercise="02.1", name="sum of outer products", source='''
def weight_vjp(X, dL_dY):
    dL_dW = np.zeros((X.shape[1], dL_dY.shape[1]))
    for x_i, g_i in zip(X, dL_dY):
        dL_dW += np.outer(x_i, g_i)
    return dL_dW
'''),
    dict(exercise="02.1", name="transpose of the column layout", source='''
def weight_vjp(X, dL_dY):
    return (dL_dY.T @ X).T.copy()
'''),
    dict(exercise="02.1", name="tensordot", source='''
def weight_vjp(X, dL_dY):
    return np.tensordot(X, dL_dY, axes=([0], [0]))
'''),
    dict(exercise="02.2", name="grouped the other way", source='''
def adjoint_two_layers(G, X, W2):
    return X.T @ (G @ W2.T)
'''),
    dict(exercise="02.2", name="einsum", source='''
def adjoint_two_layers(G, X, W2):
    return np.einsum("ni,no,ho->ih", X, G, W2)
'''),
    dict(exercise="02.2", name="one example at a time", source='''
def adjoint_two_layers(G, X, W2):
    out = np.zeros((X.shape[1], W2.shape[0]))
    for x_i, g_i in zip(X, G):
        out += np.outer(x_i, W2 @ g_i)
    return out
'''),
    dict(exercise="02.2", name="Kronecker form", source='''
def adjoint_two_layers(G, X, W2):
    flat = np.kron(W2.T, X).T @ G.reshape(-1, order="F")
    return flat.reshape(X.shape[1], W2.shape[0], order="F")
'''),
]
