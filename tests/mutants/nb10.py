"""Wrong answers (mutants) and other right answers for the exercises of notebook 10."""

MUTANTS = [
    # ---------------------------------------------------------------- 10.1 FLOPs
    dict(
        exercise="10.1",
        name="input gradient of the first layer counted too",
        source='''
def mlp_flops(n, widths):
    forward = sum(2 * n * a * c for a, c in zip(widths[:-1], widths[1:]))
    return forward, 2 * forward
''',
        contains=["first layer's input gradient", "nothing needs dL/dX"],
        absent=["factor 2", "last layer"],
    ),
    dict(
        exercise="10.1",
        name="factor 2 missing",
        source='''
def mlp_flops(n, widths):
    products = [n * a * c for a, c in zip(widths[:-1], widths[1:])]
    return sum(products), sum(products) + sum(products[1:])
''',
        contains=["2 a k c", "you counted 24"],
        absent=["batch size", "first layer"],
    ),
    dict(
        exercise="10.1",
        name="batch size ignored",
        source='''
def mlp_flops(n, widths):
    products = [2 * a * c for a, c in zip(widths[:-1], widths[1:])]
    return sum(products), sum(products) + sum(products[1:])
''',
        contains=["batch size n = 4 is missing"],
        absent=["factor 2"],
    ),
    dict(
        exercise="10.1",
        name="only the weight gradients in backward",
        source='''
def mlp_flops(n, widths):
    forward = sum(2 * n * a * c for a, c in zip(widths[:-1], widths[1:]))
    return forward, forward
''',
        contains=["only the weight gradients", "input gradient of every layer after the first"],
        absent=["factor 2", "also counted"],
    ),
    dict(
        exercise="10.1",
        name="input gradient skipped for the last layer instead of the first",
        source='''
def mlp_flops(n, widths):
    products = [2 * n * a * c for a, c in zip(widths[:-1], widths[1:])]
    return sum(products), sum(products) + sum(products[:-1])
''',
        contains=["last layer instead of the first"],
        absent=["factor 2", "only the weight"],
    ),
    dict(
        exercise="10.1",
        name="widths consumed with pop",
        source='''
def mlp_flops(n, widths):
    forward = backward = 0
    first = True
    d_in = widths.pop(0)
    while widths:
        d_out = widths.pop(0)
        product = 2 * n * d_in * d_out
        forward += product
        backward += product if first else 2 * product
        first, d_in = False, d_out
    return forward, backward
''',
        contains=["changed its widths argument"],
        absent=["factor 2"],
    ),
    dict(
        exercise="10.1",
        name="float counts from true division",
        source='''
def mlp_flops(n, widths):
    products = [4 * n * a * c / 2 for a, c in zip(widths[:-1], widths[1:])]
    return sum(products), sum(products) + sum(products[1:])
''',
        contains=["must be a Python int", "float", "not /"],
        absent=["numpy"],
    ),
    dict(
        exercise="10.1",
        name="numpy integers from np.prod",
        source='''
def mlp_flops(n, widths):
    products = [2 * np.prod([n, a, c]) for a, c in zip(widths[:-1], widths[1:])]
    return sum(products), sum(products) + sum(products[1:])
''',
        contains=["must be a Python int", "int(...)"],
        absent=["not /"],
    ),
    dict(
        exercise="10.1",
        name="a list instead of a tuple",
        source='''
def mlp_flops(n, widths):
    products = [2 * n * a * c for a, c in zip(widths[:-1], widths[1:])]
    return [sum(products), sum(products) + sum(products[1:])]
''',
        contains=["return a tuple", "list"],
        absent=["int"],
    ),
    dict(
        exercise="10.1",
        name="not started: raise NotImplementedError()",
        source='''
def mlp_flops(n, widths):
    raise NotImplementedError()
''',
        contains=["NotImplementedError", "replace that line"],
        absent=["tuple"],
    ),
    # ---------------------------------------------------------------- 10.2 pairwise sum
    dict(
        exercise="10.2",
        name="odd value carried at the front",
        source='''
def pairwise_sum_float16(x):
    values = np.array(x, dtype=np.float16)
    while values.size > 1:
        odd = values.size % 2
        rest = values[odd:]
        values = np.concatenate([values[:odd], rest[0::2] + rest[1::2]])
    return values[0]
''',
        contains=["carrying it at the front", "at the end"],
        absent=["np.sum", "running"],
    ),
    dict(
        exercise="10.2",
        name="np.sum",
        source='''
def pairwise_sum_float16(x):
    return np.sum(x)
''',
        contains=["np.sum", "its own order", "float32"],
        absent=["front", "running"],
    ),
    dict(
        exercise="10.2",
        name="pairs added in float32",
        source='''
def pairwise_sum_float16(x):
    values = np.asarray(x, dtype=np.float32)
    while values.size > 1:
        half = values.size // 2
        values = np.concatenate([values[0:2 * half:2] + values[1:2 * half:2], values[2 * half:]])
    return np.float16(values[0])
''',
        contains=["float32", "every addition in float16"],
        absent=["front", "running"],
    ),
    dict(
        exercise="10.2",
        name="running sum, one value at a time",
        source='''
def pairwise_sum_float16(x):
    total = np.float16(0)
    for value in x:
        total = total + value
    return total
''',
        contains=["running", "in pairs"],
        absent=["np.sum", "front"],
    ),
    dict(
        exercise="10.2",
        name="recursive halves instead of rounds",
        source='''
def pairwise_sum_float16(x):
    if len(x) == 1:
        return x[0]
    mid = len(x) // 2
    return pairwise_sum_float16(x[:mid]) + pairwise_sum_float16(x[mid:])
''',
        contains=["two halves", "round by round"],
        absent=["np.sum", "front"],
    ),
    dict(
        exercise="10.2",
        name="pairs written into the input",
        source='''
def pairwise_sum_float16(x):
    size = x.size
    while size > 1:
        half = size // 2
        pairs = x[0:2 * half:2] + x[1:2 * half:2]
        carried = x[2 * half:size].copy()
        x[:half] = pairs
        x[half:half + carried.size] = carried
        size = half + carried.size
    return x[0]
''',
        contains=["changed its input"],
        absent=["np.sum", "front"],
    ),
    dict(
        exercise="10.2",
        name="returns a Python float",
        source='''
def pairwise_sum_float16(x):
    values = np.array(x, dtype=np.float16)
    while values.size > 1:
        half = values.size // 2
        values = np.concatenate([values[0:2 * half:2] + values[1:2 * half:2], values[2 * half:]])
    return float(values[0])
''',
        contains=["must be float16", "float64"],
        absent=["np.sum"],
    ),
    dict(
        exercise="10.2",
        name="not started: raise NotImplementedError()",
        source='''
def pairwise_sum_float16(x):
    raise NotImplementedError()
''',
        contains=["NotImplementedError", "replace that line"],
        absent=["np.sum"],
    ),
]

ALTERNATIVES = [
    dict(exercise="10.1", name="sum over layers with the first layer subtracted", source='''
def mlp_flops(n, widths):
    layers = list(zip(widths[:-1], widths[1:]))
    forward = sum(2 * n * d_in * d_out for d_in, d_out in layers)
    first = 2 * n * layers[0][0] * layers[0][1]
    return (forward, 2 * forward - first)
'''),
    dict(exercise="10.1", name="numpy arrays, converted with int", source='''
def mlp_flops(n, widths):
    w = np.array(widths, dtype=np.int64)
    per_layer = 2 * n * w[:-1] * w[1:]
    forward = int(per_layer.sum())
    backward = int(per_layer.sum() + per_layer[1:].sum())
    return forward, backward
'''),
    dict(exercise="10.1", name="index loop", source='''
def mlp_flops(n, widths):
    forward = 0
    backward = 0
    for l in range(1, len(widths)):
        cost = 2 * n * widths[l - 1] * widths[l]
        forward += cost
        backward += cost if l == 1 else 2 * cost
    return forward, backward
'''),
    dict(exercise="10.2", name="Python list of float16 scalars", source='''
def pairwise_sum_float16(x):
    values = [np.float16(v) for v in x]
    while len(values) > 1:
        nxt = [values[i] + values[i + 1] for i in range(0, len(values) - 1, 2)]
        if len(values) % 2 == 1:
            nxt.append(values[-1])
        values = nxt
    return values[0]
'''),
    dict(exercise="10.2", name="recursion on rounds with np.add and reshape", source='''
def pairwise_sum_float16(x):
    values = np.asarray(x, dtype=np.float16)
    if values.size == 1:
        return values.copy()
    even = values[: values.size - values.size % 2].reshape(-1, 2)
    pairs = np.add(even[:, 0], even[:, 1])
    return pairwise_sum_float16(np.concatenate([pairs, values[even.size:]]))
'''),
]
