"""Wrong answers (mutants) and other right answers for the exercises of notebook 06."""

MUTANTS = [
    # Exercise 06.1: leaky_relu_backward(dL_dA, Z, slope)
    dict(
        exercise="06.1",
        name="Z >= 0: slope 1 at exactly 0",
        source='''
def leaky_relu_backward(dL_dA, Z, slope=0.1):
    return np.where(Z >= 0, dL_dA, slope * dL_dA)
''',
        contains=["Z == 0", "slope 1", "Z >= 0"],
        absent=["does not depend", "plain ReLU", "swapped"],
    ),
    dict(
        exercise="06.1",
        name="hard-coded slope 0.1 that ignores the argument",
        source='''
def leaky_relu_backward(dL_dA, Z, slope=0.1):
    return np.where(Z > 0, dL_dA, 0.1 * dL_dA)
''',
        contains=["does not depend on `slope`", "not a fixed number"],
        absent=["Z == 0", "plain ReLU"],
    ),
    dict(
        exercise="06.1",
        name="hard-coded slope 0.01 that ignores the argument",
        source='''
def leaky_relu_backward(dL_dA, Z, slope=0.1):
    return np.where(Z > 0, dL_dA, 0.01 * dL_dA)
''',
        contains=["does not depend on `slope`"],
        absent=["Z == 0", "plain ReLU"],
    ),
    dict(
        exercise="06.1",
        name="the plain ReLU's backward (0 where Z <= 0)",
        source='''
def leaky_relu_backward(dL_dA, Z, slope=0.1):
    return dL_dA * (Z > 0)
''',
        contains=["plain ReLU", "slope * dL_dA"],
        absent=["does not depend", "Z >= 0"],
    ),
    dict(
        exercise="06.1",
        name="the slopes alone, not multiplied by dL_dA",
        source='''
def leaky_relu_backward(dL_dA, Z, slope=0.1):
    return np.where(Z > 0, 1.0, slope)
''',
        contains=["without multiplying", "dL_dA"],
        absent=["forward", "plain ReLU"],
    ),
    dict(
        exercise="06.1",
        name="the forward pass instead of the backward pass",
        source='''
def leaky_relu_backward(dL_dA, Z, slope=0.1):
    return np.where(Z > 0, Z, slope * Z)
''',
        contains=["forward pass", "leaky ReLU of Z"],
        absent=["Z >= 0", "swapped"],
    ),
    dict(
        exercise="06.1",
        name="the two slopes swapped",
        source='''
def leaky_relu_backward(dL_dA, Z, slope=0.1):
    return np.where(Z > 0, slope * dL_dA, dL_dA)
''',
        contains=["swapped"],
        absent=["Z >= 0", "forward"],
    ),
    dict(
        exercise="06.1",
        name="the mask taken from the sign of dL_dA",
        source='''
def leaky_relu_backward(dL_dA, Z, slope=0.1):
    return np.where(dL_dA > 0, dL_dA, slope * dL_dA)
''',
        contains=["sign of dL_dA", "sign of Z"],
        absent=["Z >= 0", "swapped"],
    ),
    dict(
        exercise="06.1",
        name="scales dL_dA in place",
        source='''
def leaky_relu_backward(dL_dA, Z, slope=0.1):
    dL_dA[Z <= 0] *= slope
    return dL_dA
''',
        contains=["modified its input dL_dA"],
        absent=["Z >= 0", "slope 1"],
    ),
    dict(
        exercise="06.1",
        name="a matrix product where the product is entrywise",
        source='''
def leaky_relu_backward(dL_dA, Z, slope=0.1):
    return dL_dA @ np.where(Z > 0, 1.0, slope)
''',
        contains=["matrix product", "inner sizes 3 and 2", "entrywise"],
        absent=["Input operand", "transpose"],
    ),
    dict(
        exercise="06.1",
        name="the learner's own assert fails inside the function",
        source='''
def leaky_relu_backward(dL_dA, Z, slope=0.1):
    assert Z.shape[0] == Z.shape[1], "Z must be square"
    return np.where(Z > 0, dL_dA, slope * dL_dA)
''',
        contains=["your function leaky_relu_backward raised AssertionError: Z must be square"],
        absent=["dL_dZ must have the shape"],
    ),
    dict(
        exercise="06.1",
        name="not started (raise NotImplementedError())",
        source='''
def leaky_relu_backward(dL_dA, Z, slope=0.1):
    # YOUR CODE HERE
    raise NotImplementedError()
''',
        contains=["NotImplementedError", "replace"],
        absent=["your function leaky_relu_backward raised"],
    ),
    # Exercise 06.2: three_layer_backward(dL_dY, X, W1, b1, W2, b2, W3)
    dict(
        exercise="06.2",
        name="no ReLU mask between layers 3 and 2",
        source='''
def three_layer_backward(dL_dY, X, W1, b1, W2, b2, W3):
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0)
    A2 = np.maximum(A1 @ W2 + b2, 0)
    dL_dZ2 = dL_dY @ W3.T
    dL_dZ1 = (dL_dZ2 @ W2.T) * (Z1 > 0)
    return (X.T @ dL_dZ1, dL_dZ1.sum(axis=0), A1.T @ dL_dZ2, dL_dZ2.sum(axis=0),
            A2.T @ dL_dY, dL_dY.sum(axis=0))
''',
        contains=["without the ReLU mask between layers 3 and 2", "Z2 > 0"],
        absent=["Z1 > 0) is missing", "transpose"],
    ),
    dict(
        exercise="06.2",
        name="no ReLU mask between layers 2 and 1",
        source='''
def three_layer_backward(dL_dY, X, W1, b1, W2, b2, W3):
    A1 = np.maximum(X @ W1 + b1, 0)
    Z2 = A1 @ W2 + b2
    A2 = np.maximum(Z2, 0)
    dL_dZ2 = (dL_dY @ W3.T) * (Z2 > 0)
    dL_dZ1 = dL_dZ2 @ W2.T
    return (X.T @ dL_dZ1, dL_dZ1.sum(axis=0), A1.T @ dL_dZ2, dL_dZ2.sum(axis=0),
            A2.T @ dL_dY, dL_dY.sum(axis=0))
''',
        contains=["without the ReLU mask between layers 2 and 1", "Z1 > 0"],
        absent=["Z2 > 0) is missing", "transpose"],
    ),
    dict(
        exercise="06.2",
        name="Z1 (before the ReLU) as the input of layer 2",
        source='''
def three_layer_backward(dL_dY, X, W1, b1, W2, b2, W3):
    Z1 = X @ W1 + b1
    Z2 = np.maximum(Z1, 0) @ W2 + b2
    A2 = np.maximum(Z2, 0)
    dL_dZ2 = (dL_dY @ W3.T) * (Z2 > 0)
    dL_dZ1 = (dL_dZ2 @ W2.T) * (Z1 > 0)
    return (X.T @ dL_dZ1, dL_dZ1.sum(axis=0), Z1.T @ dL_dZ2, dL_dZ2.sum(axis=0),
            A2.T @ dL_dY, dL_dY.sum(axis=0))
''',
        contains=["dL_dW2 was computed from Z1", "A1 = relu(Z1)"],
        absent=["mask", "transpose"],
    ),
    dict(
        exercise="06.2",
        name="bias gradients as means over the batch",
        source='''
def three_layer_backward(dL_dY, X, W1, b1, W2, b2, W3):
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0)
    Z2 = A1 @ W2 + b2
    A2 = np.maximum(Z2, 0)
    dL_dZ2 = (dL_dY @ W3.T) * (Z2 > 0)
    dL_dZ1 = (dL_dZ2 @ W2.T) * (Z1 > 0)
    return (X.T @ dL_dZ1, dL_dZ1.mean(axis=0), A1.T @ dL_dZ2, dL_dZ2.mean(axis=0),
            A2.T @ dL_dY, dL_dY.mean(axis=0))
''',
        contains=["means over the batch", "1/n", "sum over the batch"],
        absent=["mask", "transpose"],
    ),
    dict(
        exercise="06.2",
        name="Z >= 0: the ReLU's slope 1 at exactly 0",
        source='''
def three_layer_backward(dL_dY, X, W1, b1, W2, b2, W3):
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0)
    Z2 = A1 @ W2 + b2
    A2 = np.maximum(Z2, 0)
    dL_dZ2 = (dL_dY @ W3.T) * (Z2 >= 0)
    dL_dZ1 = (dL_dZ2 @ W2.T) * (Z1 >= 0)
    return (X.T @ dL_dZ1, dL_dZ1.sum(axis=0), A1.T @ dL_dZ2, dL_dZ2.sum(axis=0),
            A2.T @ dL_dY, dL_dY.sum(axis=0))
''',
        contains=["Z == 0 exactly", "slope 1", "use Z > 0"],
        absent=["without the ReLU mask", "transpose"],
    ),
    dict(
        exercise="06.2",
        name="missing transpose of W3 (a matrix product that does not fit)",
        source='''
def three_layer_backward(dL_dY, X, W1, b1, W2, b2, W3):
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0)
    Z2 = A1 @ W2 + b2
    A2 = np.maximum(Z2, 0)
    dL_dZ2 = (dL_dY @ W3) * (Z2 > 0)
    dL_dZ1 = (dL_dZ2 @ W2.T) * (Z1 > 0)
    return (X.T @ dL_dZ1, dL_dZ1.sum(axis=0), A1.T @ dL_dZ2, dL_dZ2.sum(axis=0),
            A2.T @ dL_dY, dL_dY.sum(axis=0))
''',
        contains=["matrix product", "inner sizes 2 and 6", "dL_dY (4, 2)", "W3 (6, 2)"],
        absent=["Input operand", "gufunc"],
    ),
    dict(
        exercise="06.2",
        name="every gradient with the opposite sign",
        source='''
def three_layer_backward(dL_dY, X, W1, b1, W2, b2, W3):
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0)
    Z2 = A1 @ W2 + b2
    A2 = np.maximum(Z2, 0)
    dL_dZ2 = (dL_dY @ W3.T) * (Z2 > 0)
    dL_dZ1 = (dL_dZ2 @ W2.T) * (Z1 > 0)
    grads = (X.T @ dL_dZ1, dL_dZ1.sum(axis=0), A1.T @ dL_dZ2, dL_dZ2.sum(axis=0),
             A2.T @ dL_dY, dL_dY.sum(axis=0))
    return tuple(-g for g in grads)
''',
        contains=["opposite sign"],
        absent=["mask", "order"],
    ),
    dict(
        exercise="06.2",
        name="the six gradients in another order",
        source='''
def three_layer_backward(dL_dY, X, W1, b1, W2, b2, W3):
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0)
    Z2 = A1 @ W2 + b2
    A2 = np.maximum(Z2, 0)
    dL_dZ2 = (dL_dY @ W3.T) * (Z2 > 0)
    dL_dZ1 = (dL_dZ2 @ W2.T) * (Z1 > 0)
    return (X.T @ dL_dZ1, A1.T @ dL_dZ2, A2.T @ dL_dY,
            dL_dZ1.sum(axis=0), dL_dZ2.sum(axis=0), dL_dY.sum(axis=0))
''',
        contains=["another order", "position 2 holds dL_dW2"],
        absent=["mask", "sign"],
    ),
    dict(
        exercise="06.2",
        name="forgets dL_db3 (five gradients)",
        source='''
def three_layer_backward(dL_dY, X, W1, b1, W2, b2, W3):
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0)
    Z2 = A1 @ W2 + b2
    A2 = np.maximum(Z2, 0)
    dL_dZ2 = (dL_dY @ W3.T) * (Z2 > 0)
    dL_dZ1 = (dL_dZ2 @ W2.T) * (Z1 > 0)
    return (X.T @ dL_dZ1, dL_dZ1.sum(axis=0), A1.T @ dL_dZ2, dL_dZ2.sum(axis=0),
            A2.T @ dL_dY)
''',
        contains=["six gradients", "of length 5"],
        absent=["mask", "order"],
    ),
    dict(
        exercise="06.2",
        name="not started (raise NotImplementedError())",
        source='''
def three_layer_backward(dL_dY, X, W1, b1, W2, b2, W3):
    # YOUR CODE HERE
    raise NotImplementedError()
''',
        contains=["NotImplementedError", "replace"],
        absent=["your function three_layer_backward raised"],
    ),
]

ALTERNATIVES = [
    dict(exercise="06.1", name="multiply by an array of slopes", source='''
def leaky_relu_backward(dL_dA, Z, slope=0.1):
    return dL_dA * np.where(Z > 0, 1.0, slope)
'''),
    dict(exercise="06.1", name="copy, then scale the entries where Z <= 0", source='''
def leaky_relu_backward(dL_dA, Z, slope=0.1):
    dL_dZ = np.array(dL_dA, dtype=float, copy=True)
    dL_dZ[Z <= 0] *= slope
    return dL_dZ
'''),
    dict(exercise="06.1", name="a loop over every entry", source='''
def leaky_relu_backward(dL_dA, Z, slope=0.1):
    out = np.empty_like(dL_dA, dtype=float)
    for i in range(Z.shape[0]):
        for j in range(Z.shape[1]):
            out[i, j] = dL_dA[i, j] if Z[i, j] > 0 else slope * dL_dA[i, j]
    return out
'''),
    dict(exercise="06.2", name="the layers of helpers.layers", source='''
from helpers.layers import Linear, ReLU, Sequential

def three_layer_backward(dL_dY, X, W1, b1, W2, b2, W3):
    layers = [Linear(W1, b1), ReLU(), Linear(W2, b2), ReLU(),
              Linear(W3, np.zeros(W3.shape[1]))]
    net = Sequential(layers)
    net.forward(X)
    net.backward(dL_dY)
    g = net.grads
    return [g["W1"], g["b1"], g["W2"], g["b2"], g["W3"], g["b3"]]
'''),
    dict(exercise="06.2", name="linear_backward in a loop, einsum masks", source='''
from helpers.linear import linear_backward

def three_layer_backward(dL_dY, X, W1, b1, W2, b2, W3):
    inputs, pre = [X], []
    for W, b in [(W1, b1), (W2, b2)]:
        pre.append(inputs[-1] @ W + b)
        inputs.append(np.maximum(pre[-1], 0))
    out = []
    upstream = dL_dY
    for k, W in [(2, W3), (1, W2), (0, W1)]:
        dX, dW, db = linear_backward(upstream, inputs[k], W)
        out = [dW, db] + out
        if k > 0:
            upstream = np.einsum("ij,ij->ij", dX, (pre[k - 1] > 0).astype(float))
    return tuple(out)
'''),
    dict(exercise="06.2", name="einsum throughout, bias gradients by ones @", source='''
def three_layer_backward(dL_dY, X, W1, b1, W2, b2, W3):
    Z1 = np.einsum("nk,kh->nh", X, W1) + b1
    A1 = np.where(Z1 > 0, Z1, 0.0)
    Z2 = np.einsum("nk,kh->nh", A1, W2) + b2
    A2 = np.where(Z2 > 0, Z2, 0.0)
    ones = np.ones(X.shape[0])
    dZ2 = np.einsum("nd,hd->nh", dL_dY, W3) * (Z2 > 0)
    dZ1 = np.einsum("nd,hd->nh", dZ2, W2) * (Z1 > 0)
    return (np.einsum("nk,nh->kh", X, dZ1), ones @ dZ1, np.einsum("nk,nh->kh", A1, dZ2),
            ones @ dZ2, np.einsum("nk,nh->kh", A2, dL_dY), ones @ dL_dY)
'''),
]
