"""Wrong answers (mutants) and other right answers for the exercises of notebook 05."""

MUTANTS = [
    # Exercise 05.1: central_gradient(f, x, h=1e-5)
    dict(
        exercise="05.1",
        name="restores x by +h, -2h, +h (rounding changes x)",
        source='''
def central_gradient(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        x[idx] += h
        f_plus = f(x)
        x[idx] -= 2 * h
        f_minus = f(x)
        x[idx] += h
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad
''',
        contains=["changed x by rounding", "did undo each step", "save the old value"],
        absent=["restore every entry", "put every entry"],
    ),
    dict(
        exercise="05.1",
        name="never puts the perturbed entry back",
        source='''
def central_gradient(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        f_plus = f(x)
        x[idx] = old - h
        f_minus = f(x)
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad
''',
        contains=["changed x", "put every entry you perturb back"],
        absent=["rounding"],
    ),
    dict(
        exercise="05.1",
        name="forward difference",
        source='''
def central_gradient(f, x, h=1e-5):
    x_work = x.copy()
    grad = np.zeros_like(x_work)
    f0 = f(x_work)
    for idx in np.ndindex(x.shape):
        old = x_work[idx]
        x_work[idx] = old + h
        grad[idx] = (f(x_work) - f0) / h
        x_work[idx] = old
    return grad
''',
        contains=["forward difference", "2 h"],
        absent=["changed x"],
    ),
    dict(
        exercise="05.1",
        name="divides by h instead of 2h",
        source='''
def central_gradient(f, x, h=1e-5):
    x_work = x.copy()
    grad = np.zeros_like(x_work)
    for idx in np.ndindex(x.shape):
        old = x_work[idx]
        x_work[idx] = old + h
        f_plus = f(x_work)
        x_work[idx] = old - h
        f_minus = f(x_work)
        x_work[idx] = old
        grad[idx] = (f_plus - f_minus) / h
    return grad
''',
        contains=["twice the central difference", "by 2 h"],
        absent=["forward"],
    ),
    dict(
        exercise="05.1",
        name="sign flipped, f(x - h) - f(x + h)",
        source='''
def central_gradient(f, x, h=1e-5):
    x_work = x.copy()
    grad = np.zeros_like(x_work)
    for idx in np.ndindex(x.shape):
        old = x_work[idx]
        x_work[idx] = old - h
        f_minus = f(x_work)
        x_work[idx] = old + h
        f_plus = f(x_work)
        x_work[idx] = old
        grad[idx] = (f_minus - f_plus) / (2 * h)
    return grad
''',
        contains=["sign flipped"],
        absent=["forward", "changed x"],
    ),
    dict(
        exercise="05.1",
        name="moves the whole x instead of one entry",
        source='''
def central_gradient(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        grad[idx] = (f(x + h) - f(x - h)) / (2 * h)
    return grad
''',
        contains=["whole x", "only the one entry"],
        absent=["changed x"],
    ),
    dict(
        exercise="05.1",
        name="ignores the argument h",
        source='''
def central_gradient(f, x, h=1e-5):
    step = 1e-5
    x_work = x.copy()
    grad = np.zeros_like(x_work)
    for idx in np.ndindex(x.shape):
        old = x_work[idx]
        x_work[idx] = old + step
        f_plus = f(x_work)
        x_work[idx] = old - step
        f_minus = f(x_work)
        x_work[idx] = old
        grad[idx] = (f_plus - f_minus) / (2 * step)
    return grad
''',
        contains=["h = 1e-5", "use the argument h"],
        absent=["forward", "changed x"],
    ),
    dict(
        exercise="05.1",
        name="calls helpers.gradcheck.numerical_gradient",
        source='''
from helpers.gradcheck import numerical_gradient


def central_gradient(f, x, h=1e-5):
    return numerical_gradient(f, x.copy(), h=h)
''',
        contains=["05.1", "numerical_gradient", "the helper this exercise rebuilds"],
        absent=["changed x"],
    ),
    dict(
        exercise="05.1",
        name="calls f with flattened arrays",
        source='''
def central_gradient(f, x, h=1e-5):
    flat = x.ravel().copy()
    grad = np.zeros_like(flat)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        f_plus = f(flat)
        flat[i] = old - h
        f_minus = f(flat)
        flat[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad.reshape(x.shape)
''',
        contains=["f was called with arrays of shapes", "(6,)", "x's shape"],
        absent=["changed x"],
    ),
    dict(
        exercise="05.1",
        name="not written yet",
        source='''
def central_gradient(f, x, h=1e-5):
    raise NotImplementedError()
''',
        contains=["not written yet", "NotImplementedError"],
        absent=["changed x"],
    ),
    # Exercise 05.2: directional_check(f, x, grad, n_directions=3, h=1e-5, seed=0)
    dict(
        exercise="05.2",
        name="mean of the errors instead of the worst",
        source='''
def directional_check(f, x, grad, n_directions=3, h=1e-5, seed=0):
    rng = np.random.default_rng(seed)
    errors = []
    for _ in range(n_directions):
        v = rng.standard_normal(x.shape)
        v = v / np.linalg.norm(v)
        a = (f(x + h * v) - f(x - h * v)) / (2 * h)
        b = np.sum(grad * v)
        errors.append(abs(a - b) / max(abs(a) + abs(b), 1e-8))
    return float(np.mean(errors))
''',
        contains=["the mean of the errors", "return the largest"],
        absent=["signed", "first direction"],
    ),
    dict(
        exercise="05.2",
        name="re-seeds the generator inside the loop",
        source='''
def directional_check(f, x, grad, n_directions=3, h=1e-5, seed=0):
    worst = 0.0
    for _ in range(n_directions):
        rng = np.random.default_rng(seed)
        v = rng.standard_normal(x.shape)
        v = v / np.linalg.norm(v)
        a = (f(x + h * v) - f(x - h * v)) / (2 * h)
        b = np.sum(grad * v)
        worst = max(worst, float(abs(a - b) / max(abs(a) + abs(b), 1e-8)))
    return worst
''',
        contains=["is the same", "re-seeded", "once, before the loop"],
        absent=["unseeded", "mean"],
    ),
    dict(
        exercise="05.2",
        name="the unseeded global generator",
        source='''
def directional_check(f, x, grad, n_directions=3, h=1e-5, seed=0):
    worst = 0.0
    for _ in range(n_directions):
        v = np.random.standard_normal(x.shape)
        v = v / np.linalg.norm(v)
        a = (f(x + h * v) - f(x - h * v)) / (2 * h)
        b = np.sum(grad * v)
        worst = max(worst, float(abs(a - b) / max(abs(a) + abs(b), 1e-8)))
    return worst
''',
        contains=["not the first draw", "seed argument", "unseeded"],
        absent=["re-seeded", "mean"],
    ),
    dict(
        exercise="05.2",
        name="an unseeded default_rng()",
        source='''
def directional_check(f, x, grad, n_directions=3, h=1e-5, seed=0):
    rng = np.random.default_rng()
    worst = 0.0
    for _ in range(n_directions):
        v = rng.standard_normal(x.shape)
        v = v / np.linalg.norm(v)
        a = (f(x + h * v) - f(x - h * v)) / (2 * h)
        b = np.sum(grad * v)
        worst = max(worst, float(abs(a - b) / max(abs(a) + abs(b), 1e-8)))
    return worst
''',
        contains=["not the first draw", "seed argument"],
        absent=["re-seeded", "mean"],
    ),
    dict(
        exercise="05.2",
        name="only the first direction (return inside the loop)",
        source='''
def directional_check(f, x, grad, n_directions=3, h=1e-5, seed=0):
    rng = np.random.default_rng(seed)
    for _ in range(n_directions):
        v = rng.standard_normal(x.shape)
        v = v / np.linalg.norm(v)
        a = (f(x + h * v) - f(x - h * v)) / (2 * h)
        b = np.sum(grad * v)
        return float(abs(a - b) / max(abs(a) + abs(b), 1e-8))
''',
        contains=["only the first direction"],
        absent=["mean", "re-seeded"],
    ),
    dict(
        exercise="05.2",
        name="only the first direction's error returned",
        source='''
def directional_check(f, x, grad, n_directions=3, h=1e-5, seed=0):
    rng = np.random.default_rng(seed)
    errors = []
    for _ in range(n_directions):
        v = rng.standard_normal(x.shape)
        v = v / np.linalg.norm(v)
        a = (f(x + h * v) - f(x - h * v)) / (2 * h)
        b = np.sum(grad * v)
        errors.append(float(abs(a - b) / max(abs(a) + abs(b), 1e-8)))
    return errors[0]
''',
        contains=["the first direction only", "largest over all"],
        absent=["mean", "re-seeded"],
    ),
    dict(
        exercise="05.2",
        name="signed error, no abs",
        source='''
def directional_check(f, x, grad, n_directions=3, h=1e-5, seed=0):
    rng = np.random.default_rng(seed)
    worst = -np.inf
    for _ in range(n_directions):
        v = rng.standard_normal(x.shape)
        v = v / np.linalg.norm(v)
        a = (f(x + h * v) - f(x - h * v)) / (2 * h)
        b = np.sum(grad * v)
        worst = max(worst, float((a - b) / max(abs(a) + abs(b), 1e-8)))
    return worst
''',
        contains=["signed error", "without abs", "absolute value"],
        absent=["mean", "first direction"],
    ),
    dict(
        exercise="05.2",
        name="directions not scaled to unit length",
        source='''
def directional_check(f, x, grad, n_directions=3, h=1e-5, seed=0):
    rng = np.random.default_rng(seed)
    worst = 0.0
    for _ in range(n_directions):
        v = rng.standard_normal(x.shape)
        a = (f(x + h * v) - f(x - h * v)) / (2 * h)
        b = np.sum(grad * v)
        worst = max(worst, float(abs(a - b) / max(abs(a) + abs(b), 1e-8)))
    return worst
''',
        contains=["unit length", "distances"],
        absent=["re-seeded", "unseeded"],
    ),
    dict(
        exercise="05.2",
        name="calls helpers.gradcheck.check_directional",
        source='''
import helpers.gradcheck as gc


def directional_check(f, x, grad, n_directions=3, h=1e-5, seed=0):
    return gc.check_directional(f, x.copy(), grad, n_directions, h, seed=seed).worst_rel_error
''',
        contains=["05.2", "check_directional", "the helper this exercise rebuilds"],
        absent=["seed argument"],
    ),
    dict(
        exercise="05.2",
        name="returns a numpy array, not a float",
        source='''
def directional_check(f, x, grad, n_directions=3, h=1e-5, seed=0):
    rng = np.random.default_rng(seed)
    errors = np.zeros(n_directions)
    for k in range(n_directions):
        v = rng.standard_normal(x.shape)
        v = v / np.linalg.norm(v)
        a = (f(x + h * v) - f(x - h * v)) / (2 * h)
        b = np.sum(grad * v)
        errors[k] = abs(a - b) / max(abs(a) + abs(b), 1e-8)
    return errors.max(keepdims=True)
''',
        contains=["Python float", "ndarray"],
        absent=["mean"],
    ),
    dict(
        exercise="05.2",
        name="no floor in the denominator",
        source='''
def directional_check(f, x, grad, n_directions=3, h=1e-5, seed=0):
    rng = np.random.default_rng(seed)
    worst = 0.0
    for _ in range(n_directions):
        v = rng.standard_normal(x.shape)
        v = v / np.linalg.norm(v)
        a = (f(x + h * v) - f(x - h * v)) / (2 * h)
        b = np.sum(grad * v)
        with np.errstate(invalid="ignore"):
            err = abs(a - b) / (abs(a) + abs(b))
        worst = max(worst, float(err))
    return worst
''',
        contains=["floor", "max(|a| + |b|, 1e-8)", "smaller than 1e-8"],
        absent=["mean", "seed argument"],
    ),
]

ALTERNATIVES = [
    dict(exercise="05.1", name="new arrays for every evaluation, x never touched", source='''
def central_gradient(f, x, h=1e-5):
    grad = np.empty(x.shape)
    for idx in np.ndindex(*x.shape):
        e = np.zeros_like(x)
        e[idx] = 1.0
        grad[idx] = (f(x + h * e) - f(x - h * e)) / (2 * h)
    return grad
'''),
    dict(exercise="05.1", name="in place on x, restored by assignment in finally", source='''
def central_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape, dtype=float)
    flat_view = x.reshape(-1)  # a view: writing it writes x
    out = grad.reshape(-1)
    for i in range(flat_view.size):
        saved = flat_view[i].copy()
        try:
            flat_view[i] = saved + h
            up = f(x)
            flat_view[i] = saved - h
            down = f(x)
        finally:
            flat_view[i] = saved
        out[i] = (up - down) / (2 * h)
    return grad
'''),
    dict(exercise="05.1", name="two copies per entry", source='''
def central_gradient(f, x, h=1e-5):
    values = []
    for idx in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[idx] += h
        minus[idx] -= h
        values.append((f(plus) - f(minus)) / (2.0 * h))
    return np.array(values, dtype=np.float64).reshape(x.shape)
'''),
    dict(exercise="05.2", name="all directions drawn at once", source='''
def directional_check(f, x, grad, n_directions=3, h=1e-5, seed=0):
    directions = np.random.default_rng(seed).standard_normal((n_directions, *x.shape))
    errors = []
    for v in directions:
        v = v / np.sqrt(np.sum(v * v))
        numeric = (f(x + h * v) - f(x - h * v)) / (2 * h)
        claimed = np.vdot(grad, v)
        scale = np.maximum(np.abs(numeric) + np.abs(claimed), 1e-8)
        errors.append(np.abs(numeric - claimed) / scale)
    return float(max(errors))
'''),
    dict(exercise="05.2", name="in place on a saved x, minus side first", source='''
def directional_check(f, x, grad, n_directions=3, h=1e-5, seed=0):
    gen = np.random.default_rng(seed=seed)
    saved = x.copy()
    worst = 0.0
    for _ in range(n_directions):
        v = gen.normal(size=x.shape)
        v /= np.linalg.norm(v)
        x[...] = saved - h * v
        f_minus = f(x)
        x[...] = saved + h * v
        f_plus = f(x)
        x[...] = saved
        a = (f_plus - f_minus) / (2 * h)
        b = float((grad * v).sum())
        worst = max(worst, abs(a - b) / max(abs(a) + abs(b), 1e-8))
    return float(worst)
'''),
]
