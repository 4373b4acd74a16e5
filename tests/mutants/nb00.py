"""Wrong answers (mutants) and other right answers for the exercises of notebook 00."""

MUTANTS = [
    # Exercise 00.1: layer_forward(X, W, b)
    dict(
        exercise="00.1",
        name="bias not added",
        source='''
def layer_forward(X, W, b):
    return X @ W
''',
        contains=["bias b was not added"],
        absent=["Input operand"],
    ),
    dict(
        exercise="00.1",
        name="bias subtracted",
        source='''
def layer_forward(X, W, b):
    return X @ W - b
''',
        contains=["sign", "subtracted"],
        absent=["not added"],
    ),
    dict(
        exercise="00.1",
        name="elementwise product instead of the matrix product",
        source='''
def layer_forward(X, W, b):
    return X * W + b
''',
        contains=["raised", "elementwise", "X (3, 2), W (2, 2)"],
        absent=["Input operand", "transpose"],
    ),
    dict(
        exercise="00.1",
        name="bias added as a column",
        source='''
def layer_forward(X, W, b):
    return X @ W + b[:, None]
''',
        contains=["raised", "shapes (3, 2) and (2, 1)", "do not broadcast"],
        absent=["Input operand"],
    ),
    dict(
        exercise="00.1",
        name="output transposed, column convention",
        source='''
def layer_forward(X, W, b):
    return W.T @ X.T + b[:, None]
''',
        contains=["transpose", "(d_out, n)"],
        absent=["Input operand"],
    ),
    dict(
        exercise="00.1",
        name="reshapes the caller's b in place",
        source='''
def layer_forward(X, W, b):
    b.shape = (1, -1)  # make b a row, so that it adds to every row
    return X @ W + b
''',
        contains=["changed its input b"],
    ),
    dict(
        exercise="00.1",
        name="hard-coded worked example",
        source='''
def layer_forward(X, W, b):
    return np.array([[2.5, -1.0], [-0.5, 1.0], [1.5, 2.0]])
''',
        contains=["shape (n, d_out) = (4, 2)", "got (3, 2)"],
    ),
    dict(
        exercise="00.1",
        name="calls the helper it rebuilds",
        source='''
from helpers.linear import linear_forward


def layer_forward(X, W, b):
    return linear_forward(X, W, b)
''',
        contains=["linear_forward", "00.1"],
    ),
    dict(
        exercise="00.1",
        name="not written",
        source='''
def layer_forward(X, W, b):
    raise NotImplementedError()
''',
        contains=["not written yet"],
    ),
    # Exercise 00.2: sum_loss_gradients(X, W, b)
    dict(
        exercise="00.2",
        name="dL_db = np.ones(d_out)",
        source='''
def sum_loss_gradients(X, W, b):
    dL_dY = np.ones((X.shape[0], W.shape[1]))
    return dL_dY @ W.T, X.T @ dL_dY, np.ones(W.shape[1])
''',
        contains=["dL_db", "should be n = 4", "sum"],
        absent=["averaged", "Input operand"],
    ),
    dict(
        exercise="00.2",
        name="dL_dY = np.ones_like(X)",
        source='''
def sum_loss_gradients(X, W, b):
    dL_dY = np.ones_like(X)
    dL_dW = X.T @ dL_dY
    dL_dX = dL_dY @ W.T
    return dL_dX, dL_dW, dL_dY.sum(axis=0)
''',
        contains=["raised", "left factor has 3 columns", "X (4, 3)"],
        absent=["transpose", "Input operand"],
    ),
    dict(
        exercise="00.2",
        name="dL_dX without the transpose of W",
        source='''
def sum_loss_gradients(X, W, b):
    dL_dY = np.ones((X.shape[0], W.shape[1]))
    return dL_dY @ W, X.T @ dL_dY, dL_dY.sum(axis=0)
''',
        contains=["raised", "left factor has 2 columns but whose right factor has 3 rows"],
        absent=["Input operand"],
    ),
    dict(
        exercise="00.2",
        name="dL_dW transposed (dL_dY.T @ X)",
        source='''
def sum_loss_gradients(X, W, b):
    dL_dY = np.ones((X.shape[0], W.shape[1]))
    return dL_dY @ W.T, dL_dY.T @ X, dL_dY.sum(axis=0)
''',
        contains=["dL_dW is transposed", "(3, 2)"],
        absent=["cache", "averaged"],
    ),
    dict(
        exercise="00.2",
        name="dL_dX and dL_dW swapped",
        source='''
def sum_loss_gradients(X, W, b):
    dL_dY = np.ones((X.shape[0], W.shape[1]))
    return X.T @ dL_dY, dL_dY @ W.T, dL_dY.sum(axis=0)
''',
        contains=["swapped"],
        absent=["transpose", "cache"],
    ),
    dict(
        exercise="00.2",
        name="dL_db summed over axis 1",
        source='''
def sum_loss_gradients(X, W, b):
    dL_dY = np.ones((X.shape[0], W.shape[1]))
    return dL_dY @ W.T, X.T @ dL_dY, dL_dY.sum(axis=1)
''',
        contains=["dL_db", "axis 1", "axis 0"],
        absent=["averaged"],
    ),
    dict(
        exercise="00.2",
        name="dL_db as a batch mean",
        source='''
def sum_loss_gradients(X, W, b):
    dL_dY = np.ones((X.shape[0], W.shape[1]))
    return dL_dY @ W.T, X.T @ dL_dY, dL_dY.mean(axis=0)
''',
        contains=["dL_db", "n = 4", "dL_dY.sum(axis=0)"],
    ),
    dict(
        exercise="00.2",
        name="flipped sign of dL_dX",
        source='''
def sum_loss_gradients(X, W, b):
    dL_dY = np.ones((X.shape[0], W.shape[1]))
    return -(dL_dY @ W.T), X.T @ dL_dY, dL_dY.sum(axis=0)
''',
        contains=["dL_dX", "sign"],
        absent=["cache", "transpose", "averaged"],
    ),
    dict(
        exercise="00.2",
        name="dL_dW doubled",
        source='''
def sum_loss_gradients(X, W, b):
    dL_dY = np.ones((X.shape[0], W.shape[1]))
    return dL_dY @ W.T, 2 * X.T @ dL_dY, dL_dY.sum(axis=0)
''',
        contains=["dL_dW", "factor 2"],
        absent=["cache", "transpose", "averaged"],
    ),
    dict(
        exercise="00.2",
        name="dL_dW from X squared",
        source='''
def sum_loss_gradients(X, W, b):
    dL_dY = np.ones((X.shape[0], W.shape[1]))
    return dL_dY @ W.T, (X**2).T @ dL_dY, dL_dY.sum(axis=0)
''',
        contains=["dL_dW", "expected", "got"],
        absent=["cache", "transpose", "averaged"],
    ),
    dict(
        exercise="00.2",
        name="calls linear_backward",
        source='''
from helpers.linear import linear_backward


def sum_loss_gradients(X, W, b):
    return linear_backward(np.ones((X.shape[0], W.shape[1])), X, W)
''',
        contains=["linear_backward", "00.2"],
    ),
    dict(
        exercise="00.2",
        name="not written",
        source='''
def sum_loss_gradients(X, W, b):
    raise NotImplementedError()
''',
        contains=["not written yet"],
    ),
]

ALTERNATIVES = [
    dict(exercise="00.1", name="einsum", source='''
def layer_forward(X, W, b):
    return np.einsum("ik,kj->ij", X, W) + b
'''),
    dict(exercise="00.1", name="loops over examples and outputs", source='''
def layer_forward(X, W, b):
    n, d_out = X.shape[0], W.shape[1]
    Y = np.empty((n, d_out))
    for i in range(n):
        for j in range(d_out):
            Y[i, j] = np.dot(X[i], W[:, j]) + b[j]
    return Y
'''),
    dict(exercise="00.1", name="np.dot and an in-place add on the new array", source='''
def layer_forward(X, W, b):
    Y = np.dot(X, W)
    Y += b[np.newaxis, :]
    return Y
'''),
    dict(exercise="00.1", name="bias through the ones column", source='''
def layer_forward(X, W, b):
    return np.hstack([X, np.ones((X.shape[0], 1))]) @ np.vstack([W, b])
'''),
    dict(exercise="00.2", name="sums instead of products", source='''
def sum_loss_gradients(X, W, b):
    n, d_out = X.shape[0], W.shape[1]
    dL_dX = np.tile(W.sum(axis=1), (n, 1))
    dL_dW = np.repeat(X.sum(axis=0)[:, None], d_out, axis=1)
    dL_db = np.full(d_out, float(n))
    return dL_dX, dL_dW, dL_db
'''),
    dict(exercise="00.2", name="einsum and a list", source='''
def sum_loss_gradients(X, W, b):
    G = np.ones((len(X), len(b)))
    return [np.einsum("ij,kj->ik", G, W), np.einsum("ik,ij->kj", X, G), G.sum(0)]
'''),
    dict(exercise="00.2", name="loop over examples", source='''
def sum_loss_gradients(X, W, b):
    dL_dW = np.zeros_like(W)
    dL_db = np.zeros_like(b)
    rows = []
    for x in X:
        g = np.ones(W.shape[1])
        dL_dW += np.outer(x, g)
        dL_db += g
        rows.append(W @ g)
    return np.array(rows), dL_dW, dL_db
'''),
]
