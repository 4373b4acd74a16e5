"""Wrong answers (mutants) and other right answers for the exercises of notebook 12."""

MUTANTS = [
    # ---------------------------------------------------------------- 12.1 batch norm
    dict(
        exercise="12.1",
        name="layer norm's axis",
        source='''
def batch_norm_backward(dL_dY, X, gamma, eps=1e-5):
    mu = X.mean(axis=1, keepdims=True)
    sigma = np.sqrt(X.var(axis=1, keepdims=True) + eps)
    X_hat = (X - mu) / sigma
    g_hat = dL_dY * gamma
    dL_dX = (g_hat - g_hat.mean(axis=1, keepdims=True)
             - X_hat * (X_hat * g_hat).mean(axis=1, keepdims=True)) / sigma
    return dL_dX, (dL_dY * X_hat).sum(axis=0), dL_dY.sum(axis=0)
''',
        contains=["layer normalisation", "axis 0"],
        absent=["Input operand", "sign"],
    ),
    dict(
        exercise="12.1",
        name="means of the correction terms over the features",
        source='''
def batch_norm_backward(dL_dY, X, gamma, eps=1e-5):
    sigma = np.sqrt(X.var(axis=0, keepdims=True) + eps)
    X_hat = (X - X.mean(axis=0, keepdims=True)) / sigma
    g_hat = dL_dY * gamma
    dL_dX = (g_hat - g_hat.mean(axis=1, keepdims=True)
             - X_hat * (X_hat * g_hat).mean(axis=1, keepdims=True)) / sigma
    return dL_dX, (dL_dY * X_hat).sum(axis=0), dL_dY.sum(axis=0)
''',
        contains=["axis 1", "over the batch, axis 0"],
        absent=["layer normalisation's backward"],
    ),
    dict(
        exercise="12.1",
        name="elementwise guess",
        source='''
def batch_norm_backward(dL_dY, X, gamma, eps=1e-5):
    sigma = np.sqrt(X.var(axis=0) + eps)
    X_hat = (X - X.mean(axis=0)) / sigma
    return dL_dY * gamma / sigma, (dL_dY * X_hat).sum(axis=0), dL_dY.sum(axis=0)
''',
        contains=["elementwise", "mean terms are missing"],
        absent=["sign", "ddof"],
    ),
    dict(
        exercise="12.1",
        name="sigma's path missing",
        source='''
def batch_norm_backward(dL_dY, X, gamma, eps=1e-5):
    sigma = np.sqrt(X.var(axis=0) + eps)
    X_hat = (X - X.mean(axis=0)) / sigma
    g_hat = dL_dY * gamma
    dL_dX = (g_hat - g_hat.mean(axis=0)) / sigma
    return dL_dX, (dL_dY * X_hat).sum(axis=0), dL_dY.sum(axis=0)
''',
        contains=["lacks the term", "path through sigma"],
        absent=["path through mu"],
    ),
    dict(
        exercise="12.1",
        name="gamma left out of dL_dX",
        source='''
def batch_norm_backward(dL_dY, X, gamma, eps=1e-5):
    sigma = np.sqrt(X.var(axis=0) + eps)
    X_hat = (X - X.mean(axis=0)) / sigma
    dL_dX = (dL_dY - dL_dY.mean(axis=0) - X_hat * (X_hat * dL_dY).mean(axis=0)) / sigma
    return dL_dX, (dL_dY * X_hat).sum(axis=0), dL_dY.sum(axis=0)
''',
        contains=["multiply by gamma"],
        absent=["sign"],
    ),
    dict(
        exercise="12.1",
        name="unbiased variance",
        source='''
def batch_norm_backward(dL_dY, X, gamma, eps=1e-5):
    sigma = np.sqrt(X.var(axis=0, ddof=1) + eps)
    X_hat = (X - X.mean(axis=0)) / sigma
    g_hat = dL_dY * gamma
    dL_dX = (g_hat - g_hat.mean(axis=0) - X_hat * (X_hat * g_hat).mean(axis=0)) / sigma
    return dL_dX, (dL_dY * X_hat).sum(axis=0), dL_dY.sum(axis=0)
''',
        contains=["ddof=1", "divides by n"],
        absent=["eps argument"],
    ),
    dict(
        exercise="12.1",
        name="eps argument ignored (section 1's function)",
        source='''
def batch_norm_backward(dL_dY, X, gamma, eps=1e-5):
    X_hat, _ = batch_standardise(X)
    dL_dX = batch_standardise_backward(dL_dY * gamma, X)
    return dL_dX, (dL_dY * X_hat).sum(axis=0), dL_dY.sum(axis=0)
''',
        contains=["ignores the eps argument", "0.5"],
        absent=["ddof"],
    ),
    dict(
        exercise="12.1",
        name="dL_dgamma without X_hat",
        source='''
def batch_norm_backward(dL_dY, X, gamma, eps=1e-5):
    sigma = np.sqrt(X.var(axis=0) + eps)
    X_hat = (X - X.mean(axis=0)) / sigma
    g_hat = dL_dY * gamma
    dL_dX = (g_hat - g_hat.mean(axis=0) - X_hat * (X_hat * g_hat).mean(axis=0)) / sigma
    return dL_dX, dL_dY.sum(axis=0), dL_dY.sum(axis=0)
''',
        contains=["dL_dgamma", "dL_dY * X_hat"],
        absent=["dL_dX is"],
    ),
    dict(
        exercise="12.1",
        name="mean instead of sum for gamma and beta",
        source='''
def batch_norm_backward(dL_dY, X, gamma, eps=1e-5):
    sigma = np.sqrt(X.var(axis=0) + eps)
    X_hat = (X - X.mean(axis=0)) / sigma
    g_hat = dL_dY * gamma
    dL_dX = (g_hat - g_hat.mean(axis=0) - X_hat * (X_hat * g_hat).mean(axis=0)) / sigma
    return dL_dX, (dL_dY * X_hat).mean(axis=0), dL_dY.mean(axis=0)
''',
        contains=["1/n", "do not average"],
        absent=["sign"],
    ),
    dict(
        exercise="12.1",
        name="calls the helper",
        source='''
def batch_norm_backward(dL_dY, X, gamma, eps=1e-5):
    _, cache = normalization.batch_norm_forward(X, gamma, np.zeros_like(gamma), eps)
    return normalization.batch_norm_backward(dL_dY, cache)
''',
        contains=["Exercise 12.1", "batch_norm_backward", "numpy"],
        absent=["wrong sign"],
    ),
    dict(
        exercise="12.1",
        name="centres X in place",
        source='''
def batch_norm_backward(dL_dY, X, gamma, eps=1e-5):
    X -= X.mean(axis=0)
    sigma = np.sqrt((X ** 2).mean(axis=0) + eps)
    X_hat = X / sigma
    g_hat = dL_dY * gamma
    dL_dX = (g_hat - g_hat.mean(axis=0) - X_hat * (X_hat * g_hat).mean(axis=0)) / sigma
    return dL_dX, (dL_dY * X_hat).sum(axis=0), dL_dY.sum(axis=0)
''',
        contains=["changed its input X"],
        absent=["dL_dX is"],
    ),
    dict(
        exercise="12.1",
        name="not implemented",
        source='''
def batch_norm_backward(dL_dY, X, gamma, eps=1e-5):
    raise NotImplementedError()
''',
        contains=["NotImplementedError", "replace"],
        absent=["shapes"],
    ),
    # ---------------------------------------------------------------- 12.2 embedding
    dict(
        exercise="12.2",
        name="buffered += loses repeated ids",
        source='''
def embedding_backward(dL_dY, idx, num_embeddings):
    dL_dE = np.zeros((num_embeddings, dL_dY.shape[-1]))
    dL_dE[idx] += dL_dY
    return dL_dE
''',
        contains=["one gradient per repeated id", "np.add.at"],
        absent=["averages", "dtype"],
    ),
    dict(
        exercise="12.2",
        name="plain assignment",
        source='''
def embedding_backward(dL_dY, idx, num_embeddings):
    dL_dE = np.zeros((num_embeddings, dL_dY.shape[-1]))
    dL_dE[idx] = dL_dY
    return dL_dE
''',
        contains=["last write wins", "np.add.at"],
        absent=["averages"],
    ),
    dict(
        exercise="12.2",
        name="table size from the ids",
        source='''
def embedding_backward(dL_dY, idx, num_embeddings):
    dL_dE = np.zeros((idx.max() + 1, dL_dY.shape[-1]))
    np.add.at(dL_dE, idx, dL_dY)
    return dL_dE
''',
        contains=["idx.max() + 1", "num_embeddings"],
        absent=["repeated"],
    ),
    dict(
        exercise="12.2",
        name="returns the upstream gradient",
        source='''
def embedding_backward(dL_dY, idx, num_embeddings):
    return dL_dY.copy()
''',
        contains=["one row per lookup", "one row per table entry"],
        absent=["repeated"],
    ),
    dict(
        exercise="12.2",
        name="averages repeated ids",
        source='''
def embedding_backward(dL_dY, idx, num_embeddings):
    dL_dE = np.zeros((num_embeddings, dL_dY.shape[-1]))
    np.add.at(dL_dE, idx, dL_dY)
    counts = np.bincount(idx.ravel(), minlength=num_embeddings)
    return dL_dE / np.maximum(counts, 1)[:, None]
''',
        contains=["averages", "sum"],
        absent=["last write"],
    ),
    dict(
        exercise="12.2",
        name="integer table",
        source='''
def embedding_backward(dL_dY, idx, num_embeddings):
    dL_dE = np.zeros((num_embeddings, dL_dY.shape[-1]), dtype=idx.dtype)
    np.add.at(dL_dE, idx, dL_dY)
    return dL_dE
''',
        contains=["integer dtype", "float zeros"],
        absent=["repeated"],
    ),
    dict(
        exercise="12.2",
        name="loop over the first axis only",
        source='''
def embedding_backward(dL_dY, idx, num_embeddings):
    dL_dE = np.zeros((num_embeddings, dL_dY.shape[-1]))
    for t, k in enumerate(idx):
        dL_dE[k] += dL_dY[t]
    return dL_dE
''',
        contains=["are wrong", "repeats included"],
        absent=["averages", "integer"],
    ),
    dict(
        exercise="12.2",
        name="one-hot product for 1-D ids only",
        source='''
def embedding_backward(dL_dY, idx, num_embeddings):
    return np.eye(num_embeddings)[idx].T @ dL_dY
''',
        contains=["ValueError", "idx of any shape"],
        absent=["Input operand", "matmul:"],
    ),
    dict(
        exercise="12.2",
        name="calls the helper",
        source='''
def embedding_backward(dL_dY, idx, num_embeddings):
    import helpers.embedding as emb
    return emb.embedding_backward(dL_dY, idx, num_embeddings)
''',
        contains=["Exercise 12.2", "embedding_backward", "numpy"],
        absent=["repeated"],
    ),
    dict(
        exercise="12.2",
        name="not implemented",
        source='''
def embedding_backward(dL_dY, idx, num_embeddings):
    raise NotImplementedError()
''',
        contains=["NotImplementedError"],
        absent=["repeated"],
    ),
    # ---------------------------------------------------------------- 12.3 conv2d
    dict(
        exercise="12.3",
        name="dL_dK reshaped without the transpose",
        source='''
def conv2d_backward(dL_dY, X, K, stride, padding):
    C_out, _, kh, kw = K.shape
    cols = im2col_by_hand(X, kh, kw, stride, padding)
    G_rows = dL_dY.transpose(0, 2, 3, 1).reshape(-1, C_out)
    W = K.reshape(C_out, -1).T
    dL_dK = (cols.T @ G_rows).reshape(K.shape)
    dL_dX = col2im_by_hand(G_rows @ W.T, X.shape, kh, kw, stride, padding)
    return dL_dX, dL_dK, G_rows.sum(axis=0)
''',
        contains=["wrong order", "transpose it"],
        absent=["channel axis", "sign"],
    ),
    dict(
        exercise="12.3",
        name="upstream gradient reshaped without moving channels last",
        source='''
def conv2d_backward(dL_dY, X, K, stride, padding):
    C_out, _, kh, kw = K.shape
    cols = im2col_by_hand(X, kh, kw, stride, padding)
    G_rows = dL_dY.reshape(-1, C_out)
    W = K.reshape(C_out, -1).T
    dL_dK = (cols.T @ G_rows).T.reshape(K.shape)
    dL_dX = col2im_by_hand(G_rows @ W.T, X.shape, kh, kw, stride, padding)
    return dL_dX, dL_dK, G_rows.sum(axis=0)
''',
        contains=["channel axis last", "transpose(0, 2, 3, 1)"],
        absent=["sign"],
    ),
    dict(
        exercise="12.3",
        name="bias gradient summed over the images only",
        source='''
def conv2d_backward(dL_dY, X, K, stride, padding):
    C_out, _, kh, kw = K.shape
    cols = im2col_by_hand(X, kh, kw, stride, padding)
    G_rows = dL_dY.transpose(0, 2, 3, 1).reshape(-1, C_out)
    W = K.reshape(C_out, -1).T
    dL_dK = (cols.T @ G_rows).T.reshape(K.shape)
    dL_dX = col2im_by_hand(G_rows @ W.T, X.shape, kh, kw, stride, padding)
    return dL_dX, dL_dK, dL_dY.sum(axis=0)
''',
        contains=["dL_db", "axes (0, 2, 3)"],
        absent=["wrong order"],
    ),
    dict(
        exercise="12.3",
        name="bias gradient averaged over the output pixels",
        source='''
def conv2d_backward(dL_dY, X, K, stride, padding):
    C_out, _, kh, kw = K.shape
    cols = im2col_by_hand(X, kh, kw, stride, padding)
    G_rows = dL_dY.transpose(0, 2, 3, 1).reshape(-1, C_out)
    W = K.reshape(C_out, -1).T
    dL_dK = (cols.T @ G_rows).T.reshape(K.shape)
    dL_dX = col2im_by_hand(G_rows @ W.T, X.shape, kh, kw, stride, padding)
    return dL_dX, dL_dK, G_rows.mean(axis=0)
''',
        contains=["dL_db", "mean over the", "sum instead"],
        absent=["sign", "1/n"],
    ),
    dict(
        exercise="12.3",
        name="dL_dK left in the weight matrix's shape",
        source='''
def conv2d_backward(dL_dY, X, K, stride, padding):
    C_out, _, kh, kw = K.shape
    cols = im2col_by_hand(X, kh, kw, stride, padding)
    G_rows = dL_dY.transpose(0, 2, 3, 1).reshape(-1, C_out)
    W = K.reshape(C_out, -1).T
    dL_dX = col2im_by_hand(G_rows @ W.T, X.shape, kh, kw, stride, padding)
    return dL_dX, cols.T @ G_rows, G_rows.sum(axis=0)
''',
        contains=["shape of the weight matrix", "reshape"],
        absent=["sign"],
    ),
    dict(
        exercise="12.3",
        name="dL_dcols without the transpose of W",
        source='''
def conv2d_backward(dL_dY, X, K, stride, padding):
    C_out, _, kh, kw = K.shape
    cols = im2col_by_hand(X, kh, kw, stride, padding)
    G_rows = dL_dY.transpose(0, 2, 3, 1).reshape(-1, C_out)
    W = K.reshape(C_out, -1).T
    dL_dK = (cols.T @ G_rows).T.reshape(K.shape)
    dL_dX = col2im_by_hand(G_rows @ W, X.shape, kh, kw, stride, padding)
    return dL_dX, dL_dK, G_rows.sum(axis=0)
''',
        contains=["shapes do not fit", "G_rows @ W.T"],
        absent=["Input operand", "matmul:"],
    ),
    dict(
        exercise="12.3",
        name="kernel gradient averaged over the images",
        source='''
def conv2d_backward(dL_dY, X, K, stride, padding):
    C_out, _, kh, kw = K.shape
    cols = im2col_by_hand(X, kh, kw, stride, padding)
    G_rows = dL_dY.transpose(0, 2, 3, 1).reshape(-1, C_out)
    W = K.reshape(C_out, -1).T
    dL_dK = (cols.T @ G_rows).T.reshape(K.shape) / X.shape[0]
    dL_dX = col2im_by_hand(G_rows @ W.T, X.shape, kh, kw, stride, padding)
    return dL_dX, dL_dK, G_rows.sum(axis=0)
''',
        contains=["dL_dK is 1/n", "do not average"],
        absent=["sign"],
    ),
    dict(
        exercise="12.3",
        name="sign flip in dL_dX",
        source='''
def conv2d_backward(dL_dY, X, K, stride, padding):
    C_out, _, kh, kw = K.shape
    cols = im2col_by_hand(X, kh, kw, stride, padding)
    G_rows = dL_dY.transpose(0, 2, 3, 1).reshape(-1, C_out)
    W = K.reshape(C_out, -1).T
    dL_dK = (cols.T @ G_rows).T.reshape(K.shape)
    dL_dX = -col2im_by_hand(G_rows @ W.T, X.shape, kh, kw, stride, padding)
    return dL_dX, dL_dK, G_rows.sum(axis=0)
''',
        contains=["dL_dX has the wrong sign"],
        absent=["1/n"],
    ),
    dict(
        exercise="12.3",
        name="calls section 3.2's loop",
        source='''
def conv2d_backward(dL_dY, X, K, stride, padding):
    return conv2d_backward_loop(dL_dY, X, K, stride, padding)
''',
        contains=["Exercise 12.3", "conv2d_backward_loop", "numpy"],
        absent=["sign"],
    ),
    dict(
        exercise="12.3",
        name="not implemented",
        source='''
def conv2d_backward(dL_dY, X, K, stride, padding):
    raise NotImplementedError()
''',
        contains=["NotImplementedError"],
        absent=["shapes"],
    ),
]

ALTERNATIVES = [
    # ---------------------------------------------------------------- 12.1
    dict(exercise="12.1", name="one Jacobian matrix per column", source='''
def batch_norm_backward(dL_dY, X, gamma, eps=1e-5):
    n, d = X.shape
    dL_dX = np.empty((n, d))
    dL_dgamma = np.empty(d)
    for j in range(d):
        x = X[:, j]
        sigma = np.sqrt(np.mean((x - x.mean()) ** 2) + eps)
        x_hat = (x - x.mean()) / sigma
        J = (np.eye(n) - np.ones((n, n)) / n - np.outer(x_hat, x_hat) / n) / sigma
        dL_dX[:, j] = J.T @ (dL_dY[:, j] * gamma[j])
        dL_dgamma[j] = dL_dY[:, j] @ x_hat
    return [dL_dX, dL_dgamma, np.ones(n) @ dL_dY]
'''),
    dict(exercise="12.1", name="compact form with sums", source='''
def batch_norm_backward(dL_dY, X, gamma, eps=1e-5):
    n = X.shape[0]
    inv_std = 1.0 / np.sqrt(X.var(axis=0) + eps)
    X_hat = (X - X.mean(axis=0)) * inv_std
    g = gamma * dL_dY
    dL_dX = inv_std / n * (n * g - g.sum(axis=0) - X_hat * np.einsum("ij,ij->j", g, X_hat))
    return dL_dX, np.einsum("ij,ij->j", dL_dY, X_hat), np.einsum("ij->j", dL_dY)
'''),
    dict(exercise="12.1", name="layer norm's formula on the transpose", source='''
def batch_norm_backward(dL_dY, X, gamma, eps=1e-5):
    Xt, Gt = X.T, (dL_dY * gamma).T
    sigma = np.sqrt(Xt.var(axis=1, keepdims=True) + eps)
    Xt_hat = (Xt - Xt.mean(axis=1, keepdims=True)) / sigma
    dXt = (Gt - Gt.mean(axis=1, keepdims=True)
           - Xt_hat * (Xt_hat * Gt).mean(axis=1, keepdims=True)) / sigma
    return dXt.T, (dL_dY.T * Xt_hat).sum(axis=1), dL_dY.T.sum(axis=1)
'''),
    # ---------------------------------------------------------------- 12.2
    dict(exercise="12.2", name="one-hot product on flattened ids", source='''
def embedding_backward(dL_dY, idx, num_embeddings):
    d = dL_dY.shape[-1]
    onehot = np.eye(num_embeddings)[np.ravel(idx)]
    return onehot.T @ dL_dY.reshape(-1, d)
'''),
    dict(exercise="12.2", name="loop over every position", source='''
def embedding_backward(dL_dY, idx, num_embeddings):
    flat_ids = idx.reshape(-1)
    flat_G = dL_dY.reshape(len(flat_ids), -1)
    dL_dE = np.zeros((num_embeddings, flat_G.shape[1]))
    for k, g in zip(flat_ids, flat_G):
        dL_dE[k] = dL_dE[k] + g
    return dL_dE
'''),
    dict(exercise="12.2", name="bincount per column", source='''
def embedding_backward(dL_dY, idx, num_embeddings):
    ids = idx.ravel()
    G = dL_dY.reshape(ids.size, -1)
    columns = [np.bincount(ids, weights=G[:, j], minlength=num_embeddings)
               for j in range(G.shape[1])]
    return np.stack(columns, axis=1).astype(float)
'''),
    # ---------------------------------------------------------------- 12.3
    dict(exercise="12.3", name="einsum for the two products", source='''
def conv2d_backward(dL_dY, X, K, stride, padding):
    C_out, C, kh, kw = K.shape
    cols = im2col_by_hand(X, kh, kw, stride, padding)
    G_rows = np.moveaxis(dL_dY, 1, -1).reshape(-1, C_out)
    dL_dK = np.einsum("ro,rk->ok", G_rows, cols).reshape(K.shape)
    dL_dcols = np.einsum("ro,ok->rk", G_rows, K.reshape(C_out, -1))
    dL_dX = col2im_by_hand(dL_dcols, X.shape, kh, kw, stride, padding)
    return (dL_dX, dL_dK, np.einsum("aoij->o", dL_dY))
'''),
    dict(exercise="12.3", name="scatter by kernel offsets, no patch matrix", source='''
def conv2d_backward(dL_dY, X, K, stride, padding):
    C_out, C, kh, kw = K.shape
    n, _, h, w = X.shape
    h_out, w_out = dL_dY.shape[2:]
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    dXp = np.zeros_like(Xp)
    dK = np.zeros(K.shape)
    for u in range(kh):
        for v in range(kw):
            rows = slice(u, u + stride * (h_out - 1) + 1, stride)
            cols_ = slice(v, v + stride * (w_out - 1) + 1, stride)
            dXp[:, :, rows, cols_] += np.einsum("aoij,oc->acij", dL_dY, K[:, :, u, v])
            dK[:, :, u, v] = np.einsum("aoij,acij->oc", dL_dY, Xp[:, :, rows, cols_])
    return dXp[:, :, padding:padding + h, padding:padding + w], dK, dL_dY.sum(axis=(0, 2, 3))
'''),
]
