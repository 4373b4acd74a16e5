"""Wrong answers (mutants) and other right answers for the exercises of notebook 08."""

MUTANTS = [
    # Exercise 08.1: clip_gradients(grads, max_norm)
    dict(
        exercise="08.1",
        name="scales the caller's arrays in place and returns them",
        source='''
def clip_gradients(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g**2) for g in grads))
    if norm > max_norm:
        for g in grads:
            g *= max_norm / norm
    return grads
''',
        contains=["in place", "grads[0, 1]"],
        absent=["copies", "upside down"],
    ),
    dict(
        exercise="08.1",
        name="returns the same arrays, not copies, when nothing is clipped",
        source='''
def clip_gradients(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g**2) for g in grads))
    if norm <= max_norm:
        return list(grads)
    return [g * (max_norm / norm) for g in grads]
''',
        contains=["arrays of grads themselves", "not copies"],
        absent=["in place"],
    ),
    dict(
        exercise="08.1",
        name="calls helpers.dynamics.clip_by_global_norm",
        source='''
from helpers.dynamics import clip_by_global_norm

def clip_gradients(grads, max_norm):
    return clip_by_global_norm(grads, max_norm)[0]
''',
        contains=["08.1", "clip_by_global_norm", "write this yourself"],
    ),
    dict(
        exercise="08.1",
        name="calls the helper through its module",
        source='''
import helpers.dynamics as hd

def clip_gradients(grads, max_norm):
    factor = min(1.0, max_norm / hd.global_norm(grads))
    return [g * factor for g in grads]
''',
        contains=["08.1", "global_norm", "write this yourself"],
    ),
    dict(
        exercise="08.1",
        name="clips each array on its own",
        source='''
def clip_gradients(grads, max_norm):
    out = []
    for g in grads:
        norm = np.linalg.norm(g)
        out.append(g * (max_norm / norm) if norm > max_norm else g.copy())
    return out
''',
        contains=["each array was clipped on its own", "one common factor"],
        absent=["upside down", "in place"],
    ),
    dict(
        exercise="08.1",
        name="factor upside down",
        source='''
def clip_gradients(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g**2) for g in grads))
    factor = norm / max_norm if norm > max_norm else 1.0
    return [g * factor for g in grads]
''',
        contains=["upside down", "2 instead of", "0.5"],
        absent=["on its own"],
    ),
    dict(
        exercise="08.1",
        name="squared norm, no square root",
        source='''
def clip_gradients(grads, max_norm):
    norm = sum(np.sum(g**2) for g in grads)
    factor = max_norm / norm if norm > max_norm else 1.0
    return [g * factor for g in grads]
''',
        contains=["squared global norm", "square root"],
        absent=["upside down", "on its own"],
    ),
    dict(
        exercise="08.1",
        name="always rescales to max_norm, also below the threshold",
        source='''
def clip_gradients(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g**2) for g in grads))
    return [g * (max_norm / norm) for g in grads]
''',
        contains=["not above max_norm", "unchanged"],
        absent=["in place", "copies"],
    ),
    dict(
        exercise="08.1",
        name="stacks arrays of different shapes into one",
        source='''
def clip_gradients(grads, max_norm):
    norm = np.linalg.norm(np.array(grads))
    factor = max_norm / norm if norm > max_norm else 1.0
    return [g * factor for g in grads]
''',
        contains=["different shapes", "(3,), (1, 2)", "sum of squares"],
        absent=["inhomogeneous", "sequence"],
    ),
    dict(
        exercise="08.1",
        name="returns a tuple",
        source='''
def clip_gradients(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g**2) for g in grads))
    factor = max_norm / norm if norm > max_norm else 1.0
    return tuple(g * factor for g in grads)
''',
        contains=["return a list", "tuple"],
    ),
    dict(
        exercise="08.1",
        name="not started (the student edition's stub)",
        source='''
def clip_gradients(grads, max_norm):
    raise NotImplementedError()
''',
        contains=["not written yet"],
        absent=["shapes"],
    ),
    # Exercise 08.2: accumulate_mean_gradients(grad_fn, X, T, micro_batch_size)
    dict(
        exercise="08.2",
        name="not started (the student edition's stub)",
        source='''
def accumulate_mean_gradients(grad_fn, X, T, micro_batch_size):
    raise NotImplementedError()
''',
        contains=["not written yet"],
        absent=["shapes"],
    ),
    dict(
        exercise="08.2",
        name="adds a gradient to its running total of another shape",
        source='''
def accumulate_mean_gradients(grad_fn, X, T, micro_batch_size):
    n = X.shape[0]
    total = np.zeros(X.shape[1])
    for s in range(0, n, micro_batch_size):
        X_mb = X[s:s + micro_batch_size]
        dW, db = grad_fn(X_mb, T[s:s + micro_batch_size])
        total = total + len(X_mb) / n * dW
    return total, db
''',
        contains=["incompatible shapes", "[(3, 2), (2,)]"],
        absent=["operands could not be broadcast"],
    ),
    dict(
        exercise="08.2",
        name="full-batch gradient at once, no micro-batches",
        source='''
def accumulate_mean_gradients(grad_fn, X, T, micro_batch_size):
    return tuple(grad_fn(X, T))
''',
        contains=["computed at once", "n = 8 rows", "micro_batch_size = 4"],
        absent=["m_j / n"],
    ),
    dict(
        exercise="08.2",
        name="full-batch gradient by its own formula, grad_fn never called",
        source='''
def accumulate_mean_gradients(grad_fn, X, T, micro_batch_size):
    W = np.zeros((X.shape[1], T.shape[1]))
    R = (X @ W - T) / X.shape[0]
    return X.T @ R, R.sum(axis=0)
''',
        contains=["never called grad_fn"],
    ),
    dict(
        exercise="08.2",
        name="plain average of the micro-batch means",
        source='''
def accumulate_mean_gradients(grad_fn, X, T, micro_batch_size):
    parts = [grad_fn(X[s:s + micro_batch_size], T[s:s + micro_batch_size])
             for s in range(0, X.shape[0], micro_batch_size)]
    return tuple(sum(p[i] for p in parts) / len(parts) for i in range(len(parts[0])))
''',
        contains=["plain average", "[3, 3, 2] rows", "m_j / n"],
        absent=["times the gradient"],
    ),
    dict(
        exercise="08.2",
        name="micro-batch means added without weights",
        source='''
def accumulate_mean_gradients(grad_fn, X, T, micro_batch_size):
    totals = None
    for s in range(0, X.shape[0], micro_batch_size):
        grads = grad_fn(X[s:s + micro_batch_size], T[s:s + micro_batch_size])
        totals = list(grads) if totals is None else [t + g for t, g in zip(totals, grads)]
    return tuple(totals)
''',
        contains=["added without weights", "m_j / n"],
        absent=["plain average"],
    ),
    dict(
        exercise="08.2",
        name="weighted by m_j instead of m_j / n",
        source='''
def accumulate_mean_gradients(grad_fn, X, T, micro_batch_size):
    totals = None
    for s in range(0, X.shape[0], micro_batch_size):
        X_mb = X[s:s + micro_batch_size]
        grads = [X_mb.shape[0] * g for g in grad_fn(X_mb, T[s:s + micro_batch_size])]
        totals = grads if totals is None else [t + g for t, g in zip(totals, grads)]
    return tuple(totals)
''',
        contains=["m_j instead of m_j / n", "n = 8 times"],
    ),
    dict(
        exercise="08.2",
        name="overwrites the total instead of adding",
        source='''
def accumulate_mean_gradients(grad_fn, X, T, micro_batch_size):
    n = X.shape[0]
    for s in range(0, n, micro_batch_size):
        X_mb = X[s:s + micro_batch_size]
        totals = [X_mb.shape[0] / n * g for g in grad_fn(X_mb, T[s:s + micro_batch_size])]
    return tuple(totals)
''',
        contains=["only the last micro-batch", "running total"],
    ),
    dict(
        exercise="08.2",
        name="drops the last, smaller micro-batch",
        source='''
def accumulate_mean_gradients(grad_fn, X, T, micro_batch_size):
    n, m = X.shape[0], micro_batch_size
    totals = None
    for s in range(0, n - m + 1, m):
        grads = [m / n * g for g in grad_fn(X[s:s + m], T[s:s + m])]
        totals = grads if totals is None else [t + g for t, g in zip(totals, grads)]
    return tuple(totals)
''',
        contains=["rows [6, 7]", "never reached grad_fn", "last micro-batch may be smaller"],
    ),
    dict(
        exercise="08.2",
        name="ignores micro_batch_size (hard-coded 2 rows)",
        source='''
def accumulate_mean_gradients(grad_fn, X, T, micro_batch_size):
    n = X.shape[0]
    totals = None
    for s in range(0, n, 2):
        X_mb = X[s:s + 2]
        grads = [X_mb.shape[0] / n * g for g in grad_fn(X_mb, T[s:s + 2])]
        totals = grads if totals is None else [t + g for t, g in zip(totals, grads)]
    return tuple(totals)
''',
        contains=["called 4 times", "[2, 2, 2, 2]", "micro_batch_size = 4"],
    ),
    dict(
        exercise="08.2",
        name="T sliced one row off",
        source='''
def accumulate_mean_gradients(grad_fn, X, T, micro_batch_size):
    n, m = X.shape[0], micro_batch_size
    totals = None
    for s in range(0, n, m):
        X_mb, T_mb = X[s:s + m], T[s + 1:s + m + 1]
        grads = [len(X_mb) / n * g for g in grad_fn(X_mb, T_mb)]
        totals = grads if totals is None else [t + g for t, g in zip(totals, grads)]
    return tuple(totals)
''',
        contains=["same rows of T"],
    ),
    dict(
        exercise="08.2",
        name="calls helpers.dynamics.accumulate_gradients",
        source='''
from helpers import dynamics

def accumulate_mean_gradients(grad_fn, X, T, micro_batch_size):
    return dynamics.accumulate_gradients(grad_fn, X, T, micro_batch_size, reduction="mean")
''',
        contains=["08.2", "accumulate_gradients", "write this yourself"],
    ),
    dict(
        exercise="08.2",
        name="returns a list",
        source='''
def accumulate_mean_gradients(grad_fn, X, T, micro_batch_size):
    n = X.shape[0]
    totals = None
    for s in range(0, n, micro_batch_size):
        X_mb = X[s:s + micro_batch_size]
        grads = [len(X_mb) / n * g for g in grad_fn(X_mb, T[s:s + micro_batch_size])]
        totals = grads if totals is None else [t + g for t, g in zip(totals, grads)]
    return totals
''',
        contains=["return a tuple", "list"],
    ),
    dict(
        exercise="08.2",
        name="unpacks exactly two gradients",
        source='''
def accumulate_mean_gradients(grad_fn, X, T, micro_batch_size):
    n = X.shape[0]
    dW, db = 0.0, 0.0
    for s in range(0, n, micro_batch_size):
        X_mb = X[s:s + micro_batch_size]
        gW, gb = grad_fn(X_mb, T[s:s + micro_batch_size])
        dW, db = dW + len(X_mb) / n * gW, db + len(X_mb) / n * gb
    return dW, db
''',
        contains=["any number of arrays", "returns 3 arrays"],
        absent=["Input operand"],
        hidden_only="the visible tests' grad_fn returns two arrays, as the linear layer's "
                    "does; only the hidden grad_fn that returns three can tell",
    ),
]

ALTERNATIVES = [
    dict(exercise="08.1", name="one flat vector, np.linalg.norm, min()", source='''
def clip_gradients(grads, max_norm):
    flat = np.concatenate([np.ravel(g) for g in grads])
    scale = min(1.0, max_norm / np.linalg.norm(flat))
    return [np.multiply(g, scale) for g in grads]
'''),
    dict(exercise="08.1", name="loop, math.sqrt, explicit copies", source='''
import math

def clip_gradients(grads, max_norm):
    total = 0.0
    for g in grads:
        total += float((g * g).sum())
    norm = math.sqrt(total)
    if norm > max_norm:
        return [g * (max_norm / norm) for g in grads]
    return [g.copy() for g in grads]
'''),
    dict(exercise="08.1", name="norm of the per-array norms, np.copy then scale", source='''
def clip_gradients(grads, max_norm):
    norm = np.linalg.norm([np.linalg.norm(g) for g in grads])
    out = [np.copy(g) for g in grads]
    if norm > max_norm:
        for o in out:
            o *= max_norm / norm
    return out
'''),
    dict(exercise="08.2", name="np.array_split into ceil(n/m) parts, weighted sum", source='''
def accumulate_mean_gradients(grad_fn, X, T, micro_batch_size):
    n = len(X)
    k = -(-n // micro_batch_size)
    pieces = zip(np.array_split(X, k), np.array_split(T, k))
    results = [(len(X_mb) / n, grad_fn(X_mb, T_mb)) for X_mb, T_mb in pieces]
    return tuple(sum(w * grads[i] for w, grads in results) for i in range(len(results[0][1])))
'''),
    dict(exercise="08.2", name="sum convention first, divide by n at the end", source='''
def accumulate_mean_gradients(grad_fn, X, T, micro_batch_size):
    n, start, sums = X.shape[0], 0, None
    while start < n:
        stop = min(start + micro_batch_size, n)
        grads = grad_fn(X[start:stop], T[start:stop])
        part = [(stop - start) * np.asarray(g) for g in grads]  # back to sums over rows
        sums = part if sums is None else [s + p for s, p in zip(sums, part)]
        start = stop
    return tuple(s / n for s in sums)
'''),
    dict(exercise="08.2", name="zeros first, in-place +=, index slices", source='''
def accumulate_mean_gradients(grad_fn, X, T, micro_batch_size):
    n = X.shape[0]
    slices = [slice(s, min(s + micro_batch_size, n)) for s in range(0, n, micro_batch_size)]
    totals = None
    for sl in slices:
        grads = grad_fn(X[sl], T[sl])
        if totals is None:
            totals = [np.zeros(np.shape(g)) for g in grads]
        for total, g in zip(totals, grads):
            total += (sl.stop - sl.start) / n * g
    return tuple(totals)
'''),
]
