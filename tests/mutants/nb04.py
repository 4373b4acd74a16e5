"""Wrong answers (mutants) and other right answers for the exercises of notebook 04."""

MUTANTS = [
    # Exercise 04.1: gradient_shapes(n, d_in, d_out) -> dict of shapes
    dict(
        exercise="04.1",
        name="dL_dW in the column layout (d_out, d_in)",
        source='''
def gradient_shapes(n, d_in, d_out):
    return {"Y": (n, d_out), "dL_dY": (n, d_out), "dL_dX": (n, d_in),
            "dL_dW": (d_out, d_in), "dL_db": (d_out,)}
''',
        contains=["dL_dW is transposed", "expected (3, 2)", "the shape of W"],
        absent=["memory", "tuple"],
    ),
    dict(
        exercise="04.1",
        name="dL_db as an int, without the comma",
        source='''
def gradient_shapes(n, d_in, d_out):
    return {"Y": (n, d_out), "dL_dY": (n, d_out), "dL_dX": (n, d_in),
            "dL_dW": (d_in, d_out), "dL_db": (d_out)}
''',
        contains=["dL_db", "tuple", "comma"],
        absent=["transposed", "memory"],
    ),
    dict(
        exercise="04.1",
        name="lists instead of tuples",
        source='''
def gradient_shapes(n, d_in, d_out):
    return {"Y": [n, d_out], "dL_dY": [n, d_out], "dL_dX": [n, d_in],
            "dL_dW": [d_in, d_out], "dL_db": [d_out]}
''',
        contains=["list", "tuple"],
        absent=["transposed", "memory"],
    ),
    dict(
        exercise="04.1",
        name="dL_dY with the shape of X",
        source='''
def gradient_shapes(n, d_in, d_out):
    return {"Y": (n, d_out), "dL_dY": (n, d_in), "dL_dX": (n, d_in),
            "dL_dW": (d_in, d_out), "dL_db": (d_out,)}
''',
        contains=["dL_dY", "expected (4, 2)", "the shape of Y", "got (4, 3)"],
        absent=["transposed", "memory"],
    ),
    dict(
        exercise="04.1",
        name="hard-coded for n=4, d_in=3, d_out=2",
        source='''
def gradient_shapes(n, d_in, d_out):
    return {"Y": (4, 2), "dL_dY": (4, 2), "dL_dX": (4, 3), "dL_dW": (3, 2), "dL_db": (2,)}
''',
        contains=["n=10000000", "expected (10000000, 30000000)"],
        absent=["memory", "tuple"],
    ),
    dict(
        exercise="04.1",
        name="builds the arrays and reads their shapes",
        source='''
import numpy as np


def gradient_shapes(n, d_in, d_out):
    X, W, b = np.ones((n, d_in)), np.ones((d_in, d_out)), np.ones(d_out)
    Y = X @ W + b
    return {"Y": Y.shape, "dL_dY": Y.shape, "dL_dX": X.shape, "dL_dW": W.shape,
            "dL_db": b.shape}
''',
        contains=["ran out of memory", "without building arrays"],
        absent=["transposed", "MemoryError: Unable"],
    ),
    dict(
        exercise="04.1",
        name="a key misspelled",
        source='''
def gradient_shapes(n, d_in, d_out):
    return {"Y": (n, d_out), "dL_dY": (n, d_out), "dL_dX": (n, d_in),
            "dL_dW": (d_in, d_out), "dL_dB": (d_out,)}
''',
        contains=["keys", "missing ['dL_db']", "extra ['dL_dB']"],
        absent=["transposed"],
    ),
    dict(
        exercise="04.1",
        name="a tuple of shapes instead of a dict",
        source='''
def gradient_shapes(n, d_in, d_out):
    return (n, d_out), (n, d_out), (n, d_in), (d_in, d_out), (d_out,)
''',
        contains=["return a dict", "tuple"],
        absent=["transposed"],
    ),
    # Exercise 04.2: fixed_backward(dL_dY, X, W)
    dict(
        exercise="04.2",
        name="first bug left: dL_dY @ W",
        source='''
def fixed_backward(dL_dY, X, W):
    dL_dX = dL_dY @ W
    dL_dW = X.T @ dL_dY
    dL_db = dL_dY.sum(axis=0)
    return dL_dX, dL_dW, dL_db
''',
        contains=["raised", "missing transpose", "dL_dY @ W.T"],
        absent=["cache", "averaged", "Input operand"],
    ),
    dict(
        exercise="04.2",
        name="second bug left: dL_dY.T @ X",
        source='''
def fixed_backward(dL_dY, X, W):
    dL_dX = dL_dY @ W.T
    dL_dW = dL_dY.T @ X
    dL_db = dL_dY.sum(axis=0)
    return dL_dX, dL_dW, dL_db
''',
        contains=["dL_dW", "transpose", "expected shape (3, 2)", "got (2, 3)"],
        absent=["cache", "averaged", "Input operand"],
    ),
    dict(
        exercise="04.2",
        name="third bug left: sum over axis 1",
        source='''
def fixed_backward(dL_dY, X, W):
    dL_dX = dL_dY @ W.T
    dL_dW = X.T @ dL_dY
    dL_db = dL_dY.sum(axis=1)
    return dL_dX, dL_dW, dL_db
''',
        contains=["dL_db", "wrong axis", "(4,)", "(2,)"],
        absent=["cache", "averaged", "transpose"],
    ),
    dict(
        exercise="04.2",
        name="dL_db as a mean over axis 0",
        source='''
def fixed_backward(dL_dY, X, W):
    return dL_dY @ W.T, X.T @ dL_dY, dL_dY.mean(axis=0)
''',
        contains=["dL_db", "averaged", "factor of 1/4"],
        absent=["cache", "transpose"],
    ),
    dict(
        exercise="04.2",
        name="dL_dX transposed (W @ dL_dY.T)",
        source='''
def fixed_backward(dL_dY, X, W):
    return W @ dL_dY.T, X.T @ dL_dY, dL_dY.sum(axis=0)
''',
        contains=["dL_dX", "transpose", "(4, 3)", "(3, 4)"],
        absent=["cache", "averaged"],
    ),
    dict(
        exercise="04.2",
        name="elementwise product for dL_dW",
        source='''
def fixed_backward(dL_dY, X, W):
    return dL_dY @ W.T, X * dL_dY, dL_dY.sum(axis=0)
''',
        contains=["raised", "elementwise", "X.T @ dL_dY"],
        absent=["cache", "averaged", "Input operand"],
    ),
    dict(
        exercise="04.2",
        name="dL_dX and dL_dW returned swapped",
        source='''
def fixed_backward(dL_dY, X, W):
    dL_dX = dL_dY @ W.T
    dL_dW = X.T @ dL_dY
    return dL_dW, dL_dX, dL_dY.sum(axis=0)
''',
        contains=["swapped"],
        absent=["cache", "averaged", "transpose"],
    ),
    dict(
        exercise="04.2",
        name="dL_dW doubled",
        source='''
def fixed_backward(dL_dY, X, W):
    return dL_dY @ W.T, 2 * (X.T @ dL_dY), dL_dY.sum(axis=0)
''',
        contains=["dL_dW", "factor of 2"],
        absent=["cache", "averaged", "transpose", "sign"],
    ),
    dict(
        exercise="04.2",
        name="dL_dW from X squared",
        source='''
def fixed_backward(dL_dY, X, W):
    return dL_dY @ W.T, (X * X).T @ dL_dY, dL_dY.sum(axis=0)
''',
        contains=["dL_dW", "expected", "got"],
        absent=["cache", "averaged", "transpose", "factor", "sign", "Input operand"],
    ),
    dict(
        exercise="04.2",
        name="calls linear_backward",
        source='''
from helpers.linear import linear_backward


def fixed_backward(dL_dY, X, W):
    return linear_backward(dL_dY, X, W)
''',
        contains=["04.2", "helpers.linear.linear_backward"],
        absent=["Input operand"],
    ),
    dict(
        exercise="04.2",
        name="not written",
        source='''
def fixed_backward(dL_dY, X, W):
    raise NotImplementedError()
''',
        contains=["not written yet"],
        absent=["Input operand"],
    ),
    # Exercise 04.3: checked_backward(backward, dL_dY, X, W)
    dict(
        exercise="04.3",
        name="checks only dL_dW's shape, no length check",
        source='''
def checked_backward(backward, dL_dY, X, W):
    dL_dX, dL_dW, dL_db = backward(dL_dY, X, W)
    if dL_dW.shape != W.shape:
        raise ValueError(f"dL_dW has shape {dL_dW.shape} but W has shape {W.shape}")
    return dL_dX, dL_dW, dL_db
''',
        contains=["dL_db has shape (4,) but b has shape (2,)", "returned normally"],
        absent=["your function raised"],
    ),
    dict(
        exercise="04.3",
        name="every shape checked but no length check",
        source='''
def checked_backward(backward, dL_dY, X, W):
    dL_dX, dL_dW, dL_db = backward(dL_dY, X, W)
    for name, grad, shape in [("dL_dX", dL_dX, X.shape), ("dL_dW", dL_dW, W.shape),
                              ("dL_db", dL_db, (W.shape[1],))]:
        if grad.shape != shape:
            raise ValueError(f"{name} has shape {grad.shape} but should have shape {shape}")
    return dL_dX, dL_dW, dL_db
''',
        contains=["returned 4 items", "should contain ['4']", "too many values"],
        absent=["your function raised"],
    ),
    dict(
        exercise="04.3",
        name="assert instead of raise ValueError",
        source='''
def checked_backward(backward, dL_dY, X, W):
    grads = backward(dL_dY, X, W)
    assert len(grads) == 3, f"backward returned {len(grads)} items, expected 3"
    for name, grad, shape in zip(["dL_dX", "dL_dW", "dL_db"], grads,
                                 [X.shape, W.shape, (W.shape[1],)]):
        assert grad.shape == shape, f"{name} has shape {grad.shape} but should be {shape}"
    return grads
''',
        contains=["your function raised AssertionError", "dL_dW has shape (2, 3)",
                  "raise ValueError(...), not assert"],
        absent=["returned normally"],
    ),
    dict(
        exercise="04.3",
        name="TypeError instead of ValueError",
        source='''
def checked_backward(backward, dL_dY, X, W):
    grads = backward(dL_dY, X, W)
    if len(grads) != 3:
        raise TypeError(f"backward returned {len(grads)} items, expected 3")
    for name, grad, shape in zip(["dL_dX", "dL_dW", "dL_db"], grads,
                                 [X.shape, W.shape, (W.shape[1],)]):
        if grad.shape != shape:
            raise TypeError(f"{name} has shape {grad.shape} but should be {shape}")
    return grads
''',
        contains=["your function raised TypeError", "asks for a ValueError"],
        absent=["returned normally"],
    ),
    dict(
        exercise="04.3",
        name="a message without the shapes",
        source='''
def checked_backward(backward, dL_dY, X, W):
    grads = backward(dL_dY, X, W)
    if len(grads) != 3:
        raise ValueError(f"backward returned {len(grads)} items, expected 3")
    for grad, shape in zip(grads, [X.shape, W.shape, (W.shape[1],)]):
        if grad.shape != shape:
            raise ValueError("a gradient has the wrong shape")
    return grads
''',
        contains=["should contain", "dL_dW", "(2, 3)"],
        absent=["your function raised"],
    ),
    dict(
        exercise="04.3",
        name="compares sizes instead of shapes",
        source='''
import numpy as np


def checked_backward(backward, dL_dY, X, W):
    grads = backward(dL_dY, X, W)
    if len(grads) != 3:
        raise ValueError(f"backward returned {len(grads)} items, expected 3")
    for name, grad, like in zip(["dL_dX", "dL_dW", "dL_db"], grads, [X, W, W[0]]):
        if np.size(grad) != np.size(like):
            raise ValueError(f"{name} has shape {np.shape(grad)} but should have "
                             f"shape {np.shape(like)}")
    return grads
''',
        contains=["dL_dW has shape (2, 3) but W has shape (3, 2)", "returned normally"],
        absent=["your function raised"],
    ),
    dict(
        exercise="04.3",
        name="also checks the values (too strict)",
        source='''
import numpy as np


def checked_backward(backward, dL_dY, X, W):
    grads = backward(dL_dY, X, W)
    if len(grads) != 3:
        raise ValueError(f"backward returned {len(grads)} items, expected 3")
    right = (dL_dY @ W.T, X.T @ dL_dY, dL_dY.sum(axis=0))
    for name, grad, want in zip(["dL_dX", "dL_dW", "dL_db"], grads, right):
        if np.shape(grad) != want.shape:
            raise ValueError(f"{name} has shape {np.shape(grad)} but should have "
                             f"shape {want.shape}")
        if not np.allclose(grad, want):
            raise ValueError(f"{name} has wrong values")
    return grads
''',
        contains=["only its values are wrong", "must let it through"],
        absent=["your function raised"],
    ),
    dict(
        exercise="04.3",
        name="dL_db compared with (d_in,)",
        source='''
def checked_backward(backward, dL_dY, X, W):
    grads = backward(dL_dY, X, W)
    if len(grads) != 3:
        raise ValueError(f"backward returned {len(grads)} items, expected 3")
    for name, grad, shape in zip(["dL_dX", "dL_dW", "dL_db"], grads,
                                 [X.shape, W.shape, (W.shape[0],)]):
        if grad.shape != shape:
            raise ValueError(f"{name} has shape {grad.shape} but should have shape {shape}")
    return grads
''',
        contains=["for a correct backward pass", "ValueError", "dL_db"],
        absent=["returned normally"],
    ),
    dict(
        exercise="04.3",
        name="the arrays not returned",
        source='''
def checked_backward(backward, dL_dY, X, W):
    grads = backward(dL_dY, X, W)
    if len(grads) != 3:
        raise ValueError(f"backward returned {len(grads)} items, expected 3")
    for name, grad, shape in zip(["dL_dX", "dL_dW", "dL_db"], grads,
                                 [X.shape, W.shape, (W.shape[1],)]):
        if grad.shape != shape:
            raise ValueError(f"{name} has shape {grad.shape} but should have shape {shape}")
''',
        contains=["return its three arrays unchanged", "got NoneType"],
        absent=["your function raised"],
    ),
    dict(
        exercise="04.3",
        name="reports the last wrong gradient, not the first",
        source='''
def checked_backward(backward, dL_dY, X, W):
    grads = backward(dL_dY, X, W)
    if len(grads) != 3:
        raise ValueError(f"backward returned {len(grads)} items, expected 3")
    for name, grad, shape in reversed(list(zip(["dL_dX", "dL_dW", "dL_db"], grads,
                                               [X.shape, W.shape, (W.shape[1],)]))):
        if grad.shape != shape:
            raise ValueError(f"{name} has shape {grad.shape} but should have shape {shape}")
    return grads
''',
        contains=["dL_dX (the first to check)", "should contain ['dL_dX'"],
        absent=["your function raised"],
    ),
]

ALTERNATIVES = [
    dict(exercise="04.1", name="a table of axis names, as a comprehension", source='''
def gradient_shapes(n, d_in, d_out):
    size = {"n": n, "d_in": d_in, "d_out": d_out}
    axes = {"Y": ("n", "d_out"), "dL_dY": ("n", "d_out"), "dL_dX": ("n", "d_in"),
            "dL_dW": ("d_in", "d_out"), "dL_db": ("d_out",)}
    return {key: tuple(size[a] for a in names) for key, names in axes.items()}
'''),
    dict(exercise="04.1", name="dict() with keyword arguments and shared tuples", source='''
def gradient_shapes(n, d_in, d_out):
    y_shape = (n,) + (d_out,)
    return dict(Y=y_shape, dL_dY=y_shape, dL_dX=(n, d_in), dL_dW=(d_in, d_out),
                dL_db=tuple([d_out]))
'''),
    dict(exercise="04.2", name="transposes of transposed products", source='''
def fixed_backward(dL_dY, X, W):
    dL_dX = (W @ dL_dY.T).T
    dL_dW = (dL_dY.T @ X).T
    dL_db = dL_dY.T.sum(axis=1)
    return dL_dX, dL_dW, dL_db
'''),
    dict(exercise="04.2", name="einsum and np.dot, as a list", source='''
import numpy as np


def fixed_backward(dL_dY, X, W):
    return [np.einsum("nj,kj->nk", dL_dY, W), np.dot(X.T, dL_dY),
            np.ones(len(dL_dY)) @ dL_dY]
'''),
    dict(exercise="04.3", name="explicit checks, one per gradient", source='''
import numpy as np


def checked_backward(backward, dL_dY, X, W):
    grads = list(backward(dL_dY, X, W))
    if len(grads) != 3:
        raise ValueError(f"expected 3 gradients, backward returned {len(grads)}")
    dL_dX, dL_dW, dL_db = grads
    if np.shape(dL_dX) != X.shape:
        raise ValueError(f"dL_dX: got {np.shape(dL_dX)}, expected {X.shape} (X)")
    if np.shape(dL_dW) != W.shape:
        raise ValueError(f"dL_dW: got {np.shape(dL_dW)}, expected {W.shape} (W)")
    if np.shape(dL_db) != (W.shape[1],):
        raise ValueError(f"dL_db: got {np.shape(dL_db)}, expected {(W.shape[1],)} (b)")
    return dL_dX, dL_dW, dL_db
'''),
    dict(exercise="04.3", name="a loop over names and expected shapes, returned as a list",
         source='''
def checked_backward(backward, dL_dY, X, W):
    grads = backward(dL_dY, X, W)
    count = len(grads)
    if count != 3:
        raise ValueError(f"backward returned {count} items, expected 3")
    wanted = {"dL_dX": X.shape, "dL_dW": W.shape, "dL_db": (W.shape[1],)}
    for grad, (name, shape) in zip(grads, wanted.items()):
        if tuple(grad.shape) != shape:
            raise ValueError(f"{name} has shape {tuple(grad.shape)} but must have {shape}")
    return list(grads)
'''),
]
