"""Wrong answers (mutants) and other right answers for the exercises of notebook 09."""

MUTANTS = [
    # ---------------------------------------------------------------- 09.1 convolution
    dict(
        exercise="09.1",
        name="kernel not flipped in dL_dX",
        source='''
def conv1d_backward(dL_dZ, X, w):
    k = len(w)
    dL_dX = np.array([np.correlate(np.pad(g, k - 1), w, mode="valid") for g in dL_dZ])
    dL_dw = sum(np.correlate(x, g, mode="valid") for x, g in zip(X, dL_dZ))
    return dL_dX, dL_dw
''',
        contains=["without flipping", "np.convolve"],
        absent=["Input operand", "budget"],
    ),
    dict(
        exercise="09.1",
        name="dL_dw not summed over the batch",
        source='''
def conv1d_backward(dL_dZ, X, w):
    dL_dX = np.array([np.convolve(g, w, mode="full") for g in dL_dZ])
    dL_dw = np.array([np.correlate(x, g, mode="valid") for x, g in zip(X, dL_dZ)])
    return dL_dX, dL_dw
''',
        contains=["one row per example", "sum over the batch"],
        absent=["flip"],
    ),
    dict(
        exercise="09.1",
        name="dL_dw from the first row only",
        source='''
def conv1d_backward(dL_dZ, X, w):
    dL_dX = np.array([np.convolve(g, w, mode="full") for g in dL_dZ])
    dL_dw = np.correlate(X[0], dL_dZ[0], mode="valid")
    return dL_dX, dL_dw
''',
        contains=["only the first row", "add up all rows"],
        absent=["flip", "reversed"],
    ),
    dict(
        exercise="09.1",
        name="np.correlate arguments swapped for dL_dw",
        source='''
def conv1d_backward(dL_dZ, X, w):
    dL_dX = np.array([np.convolve(g, w, mode="full") for g in dL_dZ])
    dL_dw = sum(np.correlate(g, x, mode="valid") for x, g in zip(X, dL_dZ))
    return dL_dX, dL_dw
''',
        contains=["reversed", "x first"],
        absent=["first row", "1/n"],
    ),
    dict(
        exercise="09.1",
        name="dL_dw averaged over the batch",
        source='''
def conv1d_backward(dL_dZ, X, w):
    dL_dX = np.array([np.convolve(g, w, mode="full") for g in dL_dZ])
    dL_dw = sum(np.correlate(x, g, mode="valid") for x, g in zip(X, dL_dZ)) / len(X)
    return dL_dX, dL_dw
''',
        contains=["1/n", "do not average"],
        absent=["first row", "reversed"],
    ),
    dict(
        exercise="09.1",
        name="mode 'same' instead of 'full'",
        source='''
def conv1d_backward(dL_dZ, X, w):
    dL_dX = np.array([np.convolve(g, w, mode="same") for g in dL_dZ])
    dL_dw = sum(np.correlate(x, g, mode="valid") for x, g in zip(X, dL_dZ))
    return dL_dX, dL_dw
''',
        contains=["dL_dZ's shape", "'full'"],
        absent=["missing transpose", "Input operand"],
    ),
    dict(
        exercise="09.1",
        name="calls helpers.structured.conv1d_matrix",
        source='''
from helpers.structured import conv1d_matrix


def conv1d_backward(dL_dZ, X, w):
    C = conv1d_matrix(w, X.shape[1])
    dL_dw = sum(np.correlate(x, g, mode="valid") for x, g in zip(X, dL_dZ))
    return dL_dZ @ C, dL_dw
''',
        contains=["conv1d_matrix", "helper this exercise rebuilds"],
        absent=["flip"],
    ),
    dict(
        exercise="09.1",
        name="builds the convolution matrix by hand",
        source='''
def conv1d_backward(dL_dZ, X, w):
    n, s = X.shape
    k = len(w)
    C = np.zeros((s - k + 1, s))
    for i in range(s - k + 1):
        C[i, i:i + k] = w
    dL_dw = sum(np.correlate(x, g, mode="valid") for x, g in zip(X, dL_dZ))
    return dL_dZ @ C, dL_dw
''',
        contains=["budget", "convolution matrix", "8 MB"],
        absent=["flip", "Input operand"],
    ),
    dict(
        exercise="09.1",
        name="not started: raise NotImplementedError()",
        source='''
def conv1d_backward(dL_dZ, X, w):
    raise NotImplementedError()
''',
        contains=["NotImplementedError", "replace that line"],
        absent=["flip"],
    ),
    # ---------------------------------------------------------------- 09.2 low rank
    dict(
        exercise="09.2",
        name="forms U @ F.T explicitly (right values)",
        source='''
def low_rank_backward(dL_dY, X, U, F):
    W = U @ F.T
    dL_dW = X.T @ dL_dY
    return dL_dY @ W.T, dL_dW @ F, dL_dW.T @ U, dL_dY.sum(axis=0)
''',
        contains=["budget", "U @ F.T", "8 MB", "thin matrices"],
        absent=["Input operand", "disagrees"],
    ),
    dict(
        exercise="09.2",
        name="forms X.T @ dL_dY by left-to-right evaluation",
        source='''
def low_rank_backward(dL_dY, X, U, F):
    dL_dX = dL_dY @ F @ U.T
    dL_dU = X.T @ dL_dY @ F
    dL_dF = dL_dY.T @ X @ U
    return dL_dX, dL_dU, dL_dF, dL_dY.sum(axis=0)
''',
        contains=["budget", "X.T @ dL_dY"],
        absent=["Input operand", "disagrees"],
    ),
    dict(
        exercise="09.2",
        name="wrong product order in dL_dU",
        source='''
def low_rank_backward(dL_dY, X, U, F):
    dL_dYF = dL_dY @ F
    dL_dU = dL_dYF @ X.T
    return dL_dYF @ U.T, dL_dU, dL_dY.T @ (X @ U), dL_dY.sum(axis=0)
''',
        contains=["order of the factors", "dL_dY (4, 5)", "F (5, 2)"],
        absent=["Input operand", "mismatch", "matmul"],
    ),
    dict(
        exercise="09.2",
        name="dL_dF transposed",
        source='''
def low_rank_backward(dL_dY, X, U, F):
    dL_dYF = dL_dY @ F
    return dL_dYF @ U.T, X.T @ dL_dYF, (X @ U).T @ dL_dY, dL_dY.sum(axis=0)
''',
        contains=["dL_dF", "transpose of the right one"],
        absent=["budget", "Input operand"],
    ),
    dict(
        exercise="09.2",
        name="dL_db as the mean over the batch",
        source='''
def low_rank_backward(dL_dY, X, U, F):
    dL_dYF = dL_dY @ F
    return dL_dYF @ U.T, X.T @ dL_dYF, dL_dY.T @ (X @ U), dL_dY.mean(axis=0)
''',
        contains=["dL_db", "1/n", "averaged"],
        absent=["budget", "sign"],
    ),
    dict(
        exercise="09.2",
        name="dL_db summed over the wrong axis",
        source='''
def low_rank_backward(dL_dY, X, U, F):
    dL_dYF = dL_dY @ F
    return dL_dYF @ U.T, X.T @ dL_dYF, dL_dY.T @ (X @ U), dL_dY.sum(axis=1)
''',
        contains=["dL_db", "one entry per example", "axis 0"],
        absent=["transpose", "budget"],
    ),
    dict(
        exercise="09.2",
        name="calls helpers.linear.linear_backward",
        source='''
from helpers.linear import linear_backward


def low_rank_backward(dL_dY, X, U, F):
    dL_dX, dL_dW, dL_db = linear_backward(dL_dY, X, U @ F.T)
    return dL_dX, dL_dW @ F, dL_dW.T @ U, dL_db
''',
        contains=["linear_backward", "helper this exercise rebuilds"],
        absent=["budget"],
    ),
    dict(
        exercise="09.2",
        name="not started: raise NotImplementedError()",
        source='''
def low_rank_backward(dL_dY, X, U, F):
    raise NotImplementedError()
''',
        contains=["NotImplementedError", "replace that line"],
        absent=["budget"],
    ),
    # ---------------------------------------------------------------- 09.3 layer norm
    dict(
        exercise="09.3",
        name="elementwise guess for dL_dX",
        source='''
def layer_norm_backward(dL_dY, X, gamma, eps=1e-5):
    sigma = np.sqrt(X.var(axis=1, keepdims=True) + eps)
    X_hat = (X - X.mean(axis=1, keepdims=True)) / sigma
    return dL_dY * gamma / sigma, (dL_dY * X_hat).sum(axis=0), dL_dY.sum(axis=0)
''',
        contains=["elementwise guess", "two mean terms"],
        absent=["without eps", "gamma first"],
    ),
    dict(
        exercise="09.3",
        name="missing the mean(g_hat) term",
        source='''
def layer_norm_backward(dL_dY, X, gamma, eps=1e-5):
    sigma = np.sqrt(X.var(axis=1, keepdims=True) + eps)
    X_hat = (X - X.mean(axis=1, keepdims=True)) / sigma
    g_hat = dL_dY * gamma
    dL_dX = (g_hat - X_hat * (X_hat * g_hat).mean(axis=1, keepdims=True)) / sigma
    return dL_dX, (dL_dY * X_hat).sum(axis=0), dL_dY.sum(axis=0)
''',
        contains=["lacks the term - mean(g_hat)"],
        absent=["elementwise", "sigma's path"],
    ),
    dict(
        exercise="09.3",
        name="missing the X_hat term",
        source='''
def layer_norm_backward(dL_dY, X, gamma, eps=1e-5):
    sigma = np.sqrt(X.var(axis=1, keepdims=True) + eps)
    X_hat = (X - X.mean(axis=1, keepdims=True)) / sigma
    g_hat = dL_dY * gamma
    dL_dX = (g_hat - g_hat.mean(axis=1, keepdims=True)) / sigma
    return dL_dX, (dL_dY * X_hat).sum(axis=0), dL_dY.sum(axis=0)
''',
        contains=["sigma's path", "X_hat * mean(X_hat * g_hat)"],
        absent=["elementwise", "mean's path"],
    ),
    dict(
        exercise="09.3",
        name="gamma not multiplied in",
        source='''
def layer_norm_backward(dL_dY, X, gamma, eps=1e-5):
    sigma = np.sqrt(X.var(axis=1, keepdims=True) + eps)
    X_hat = (X - X.mean(axis=1, keepdims=True)) / sigma
    dL_dX = (dL_dY - dL_dY.mean(axis=1, keepdims=True)
             - X_hat * (X_hat * dL_dY).mean(axis=1, keepdims=True)) / sigma
    return dL_dX, (dL_dY * X_hat).sum(axis=0), dL_dY.sum(axis=0)
''',
        contains=["multiply by gamma"],
        absent=["elementwise", "without eps"],
    ),
    dict(
        exercise="09.3",
        name="sigma without eps",
        source='''
def layer_norm_backward(dL_dY, X, gamma, eps=1e-5):
    sigma = X.std(axis=1, keepdims=True)
    X_hat = (X - X.mean(axis=1, keepdims=True)) / sigma
    g_hat = dL_dY * gamma
    dL_dX = (g_hat - g_hat.mean(axis=1, keepdims=True)
             - X_hat * (X_hat * g_hat).mean(axis=1, keepdims=True)) / sigma
    return dL_dX, (dL_dY * X_hat).sum(axis=0), dL_dY.sum(axis=0)
''',
        contains=["without eps", "sqrt(var + eps)"],
        absent=["elementwise", "ddof"],
    ),
    dict(
        exercise="09.3",
        name="dL_dgamma without X_hat",
        source='''
def layer_norm_backward(dL_dY, X, gamma, eps=1e-5):
    sigma = np.sqrt(X.var(axis=1, keepdims=True) + eps)
    X_hat = (X - X.mean(axis=1, keepdims=True)) / sigma
    g_hat = dL_dY * gamma
    dL_dX = (g_hat - g_hat.mean(axis=1, keepdims=True)
             - X_hat * (X_hat * g_hat).mean(axis=1, keepdims=True)) / sigma
    return dL_dX, dL_dY.sum(axis=0), dL_dY.sum(axis=0)
''',
        contains=["dL_dgamma", "dL_dY * X_hat"],
        absent=["dL_dX", "1/n"],
    ),
    dict(
        exercise="09.3",
        name="dL_dbeta as the mean over the batch",
        source='''
def layer_norm_backward(dL_dY, X, gamma, eps=1e-5):
    sigma = np.sqrt(X.var(axis=1, keepdims=True) + eps)
    X_hat = (X - X.mean(axis=1, keepdims=True)) / sigma
    g_hat = dL_dY * gamma
    dL_dX = (g_hat - g_hat.mean(axis=1, keepdims=True)
             - X_hat * (X_hat * g_hat).mean(axis=1, keepdims=True)) / sigma
    return dL_dX, (dL_dY * X_hat).sum(axis=0), dL_dY.mean(axis=0)
''',
        contains=["dL_dbeta", "1/n", "do not average"],
        absent=["dL_dX", "sign"],
    ),
    dict(
        exercise="09.3",
        name="dL_dgamma summed over the features",
        source='''
def layer_norm_backward(dL_dY, X, gamma, eps=1e-5):
    sigma = np.sqrt(X.var(axis=1, keepdims=True) + eps)
    X_hat = (X - X.mean(axis=1, keepdims=True)) / sigma
    g_hat = dL_dY * gamma
    dL_dX = (g_hat - g_hat.mean(axis=1, keepdims=True)
             - X_hat * (X_hat * g_hat).mean(axis=1, keepdims=True)) / sigma
    return dL_dX, (dL_dY * X_hat).sum(axis=1), dL_dY.sum(axis=0)
''',
        contains=["dL_dgamma", "one entry per example", "axis 0"],
        absent=["dL_dX", "transpose"],
    ),
    dict(
        exercise="09.3",
        name="not started: raise NotImplementedError()",
        source='''
def layer_norm_backward(dL_dY, X, gamma, eps=1e-5):
    raise NotImplementedError()
''',
        contains=["NotImplementedError", "replace that line"],
        absent=["finite differences"],
    ),
]

ALTERNATIVES = [
    dict(exercise="09.1", name="shifted slices, no convolve", source='''
def conv1d_backward(dL_dZ, X, w):
    k = w.shape[0]
    out = dL_dZ.shape[1]
    dL_dX = np.zeros(X.shape)
    dL_dw = np.zeros(k)
    for j in range(k):  # w[j] multiplies X[:, j:j + out]
        dL_dX[:, j:j + out] += w[j] * dL_dZ
        dL_dw[j] = np.sum(dL_dZ * X[:, j:j + out])
    return dL_dX, dL_dw
'''),
    dict(exercise="09.1", name="sliding windows and einsum, returned as a list", source='''
from numpy.lib.stride_tricks import sliding_window_view


def conv1d_backward(dL_dZ, X, w):
    k = len(w)
    windows = sliding_window_view(X, k, axis=1)  # (n, s - k + 1, k), a view
    dL_dw = np.einsum("ni,nij->j", dL_dZ, windows)
    padded = np.pad(dL_dZ, ((0, 0), (k - 1, k - 1)))
    dL_dX = np.einsum("nsj,j->ns", sliding_window_view(padded, k, axis=1), w[::-1])
    return [dL_dX, dL_dw]
'''),
    dict(exercise="09.2", name="einsum with explicit thin intermediates", source='''
def low_rank_backward(dL_dY, X, U, F):
    GF = np.einsum("nj,jr->nr", dL_dY, F)
    XU = np.einsum("ni,ir->nr", X, U)
    dL_dX = np.einsum("nr,ir->ni", GF, U)
    dL_dU = np.einsum("ni,nr->ir", X, GF)
    dL_dF = np.einsum("nj,nr->jr", dL_dY, XU)
    return dL_dX, dL_dU, dL_dF, np.einsum("nj->j", dL_dY)
'''),
    dict(exercise="09.2", name="transposed formulas, returned as a list", source='''
def low_rank_backward(dL_dY, X, U, F):
    dL_dX = (U @ (F.T @ dL_dY.T)).T
    dL_dU = ((F.T @ dL_dY.T) @ X).T
    dL_dF = (((X @ U).T) @ dL_dY).T
    dL_db = np.ones(dL_dY.shape[0]) @ dL_dY
    return [dL_dX, dL_dU, dL_dF, dL_db]
'''),
    dict(exercise="09.3", name="explicit Jacobian per row", source='''
def layer_norm_backward(dL_dY, X, gamma, eps=1e-5):
    n, m = X.shape
    dL_dX = np.zeros((n, m))
    X_hat = np.zeros((n, m))
    for i in range(n):
        c = X[i] - X[i].mean()
        sigma = np.sqrt(c @ c / m + eps)
        X_hat[i] = c / sigma
        J = (np.eye(m) - np.ones((m, m)) / m - np.outer(X_hat[i], X_hat[i]) / m) / sigma
        dL_dX[i] = J.T @ (dL_dY[i] * gamma)
    return dL_dX, np.sum(dL_dY * X_hat, axis=0), np.sum(dL_dY, axis=0)
'''),
    dict(exercise="09.3", name="centred form with sigma cubed", source='''
def layer_norm_backward(dL_dY, X, gamma, eps=1e-5):
    m = X.shape[1]
    c = X - X.mean(axis=1, keepdims=True)
    var = (c * c).sum(axis=1, keepdims=True) / m
    sigma = np.sqrt(var + eps)
    g_hat = dL_dY * gamma
    dL_dX = (g_hat - g_hat.sum(axis=1, keepdims=True) / m) / sigma \\
        - c * (c * g_hat).sum(axis=1, keepdims=True) / (m * sigma ** 3)
    return (dL_dX, np.einsum("nm,nm->m", dL_dY, c / sigma), dL_dY.sum(axis=0))
'''),
]
