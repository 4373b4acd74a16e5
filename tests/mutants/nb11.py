"""Wrong answers (mutants) and other right answers for the exercises of notebook 11."""

MUTANTS = [
    # ------------------------------------------------------------------ 11.1 mul_backward
    dict(
        exercise="11.1",
        name="no sum over the broadcast axes",
        source='''
def mul_backward(g, A, B):
    return g * B, g * A
''',
        contains=["dL_dB", "shape (4, 3)", "shape (3,)", "broadcast"],
        absent=["operand", "keepdims"],
    ),
    dict(
        exercise="11.1",
        name="factors swapped",
        source='''
def mul_backward(g, A, B):
    return unbroadcast(g * A, A.shape), unbroadcast(g * B, B.shape)
''',
        contains=["dL_dA", "g * A", "other factor"],
        absent=["shape (", "sign"],
    ),
    dict(
        exercise="11.1",
        name="forgot the other factor",
        source='''
def mul_backward(g, A, B):
    return unbroadcast(g, A.shape), unbroadcast(g, B.shape)
''',
        contains=["dL_dA", "without the factor B"],
        absent=["sign", "shape ("],
    ),
    dict(
        exercise="11.1",
        name="mean over the broadcast axis instead of the sum",
        source='''
def mul_backward(g, A, B):
    dL_dA = g * B
    dL_dB = (g * A).mean(axis=0)
    return dL_dA, dL_dB
''',
        contains=["dL_dB", "0.25 times", "mean", "sum them"],
        absent=["sign", "shape ("],
    ),
    dict(
        exercise="11.1",
        name="always sums over axis 0",
        source='''
def mul_backward(g, A, B):
    dL_dA = g * B
    dL_dB = g * A
    if dL_dA.shape != A.shape:
        dL_dA = dL_dA.sum(axis=0)
    if dL_dB.shape != B.shape:
        dL_dB = dL_dB.sum(axis=0)
    return dL_dA, dL_dB
''',
        contains=["dL_dA", "shape (3,)", "A has shape (4, 1)"],
        absent=["operand"],
    ),
    dict(
        exercise="11.1",
        name="drops the size-1 axis (no keepdims)",
        source='''
def mul_backward(g, A, B):
    import numpy as np
    dL_dA, dL_dB = g * B, g * A
    if dL_dA.shape != A.shape:
        dL_dA = np.squeeze(unbroadcast(dL_dA, A.shape))
    if dL_dB.shape != B.shape:
        dL_dB = np.squeeze(unbroadcast(dL_dB, B.shape))
    return dL_dA, dL_dB
''',
        contains=["dL_dA", "shape (4,)", "keepdims"],
        absent=["operand"],
    ),
    dict(
        exercise="11.1",
        name="sign flipped",
        source='''
def mul_backward(g, A, B):
    return -unbroadcast(g * B, A.shape), -unbroadcast(g * A, B.shape)
''',
        contains=["dL_dA", "wrong sign"],
        absent=["shape ("],
    ),
    dict(
        exercise="11.1",
        name="writes into g",
        source='''
def mul_backward(g, A, B):
    dL_dB = unbroadcast(g * A, B.shape)
    g *= B
    return unbroadcast(g, A.shape), dL_dB
''',
        contains=["modified", "input g"],
        absent=["sign", "shape ("],
    ),
    dict(
        exercise="11.1",
        name="matrix products instead of the elementwise one",
        source='''
def mul_backward(g, A, B):
    return g @ B.T, A.T @ g
''',
        contains=["dL_dA", "shape (4,)", "A has shape (4, 3)"],
        absent=["matmul:", "Input operand"],
    ),
    dict(
        exercise="11.1",
        name="transposed operand that does not broadcast",
        source='''
def mul_backward(g, A, B):
    return unbroadcast(g * B, A.shape), unbroadcast(g * A.T, B.shape)
''',
        contains=["raised ValueError", "g (4, 3)", "A (4, 3)", "B (3,)", "summed"],
        absent=["operands could not be broadcast", "Input operand"],
    ),
    dict(
        exercise="11.1",
        name="returns a dict",
        source='''
def mul_backward(g, A, B):
    return {"A": unbroadcast(g * B, A.shape), "B": unbroadcast(g * A, B.shape)}
''',
        contains=["pair", "dict"],
        absent=["shape ("],
    ),
    dict(
        exercise="11.1",
        name="not written yet",
        source='''
def mul_backward(g, A, B):
    raise NotImplementedError()
''',
        contains=["NotImplementedError", "replace it"],
    ),
    dict(
        exercise="11.1",
        name="an assert of the learner's own fails",
        source='''
def mul_backward(g, A, B):
    assert A.shape == B.shape, "A and B must have the same shape"
    return g * B, g * A
''',
        contains=["your function raised AssertionError", "same shape"],
        absent=["Exercise 11.1: dL"],
    ),
    # ------------------------------------------------------------------ 11.2 tanh_node
    dict(
        exercise="11.2",
        name="derivative from the input, 1 - x**2",
        source='''
def tanh_node(x):
    def rule(g):
        return (g * (1 - x.value**2),)
    return Node(np.tanh(x.value), (x,), rule, "tanh")
''',
        contains=["1 - x**2", "1 - tanh(x)**2"],
        absent=["sign", "ignores"],
    ),
    dict(
        exercise="11.2",
        name="ignores the upstream gradient",
        source='''
def tanh_node(x):
    t = np.tanh(x.value)
    def rule(g):
        return (1 - t**2,)
    return Node(t, (x,), rule, "tanh")
''',
        contains=["ignores the upstream gradient g", "chain rule"],
    ),
    dict(
        exercise="11.2",
        name="rule returns a bare array, not a tuple",
        source='''
def tanh_node(x):
    t = np.tanh(x.value)
    def rule(g):
        return g * (1 - t**2)
    return Node(t, (x,), rule, "tanh")
''',
        contains=["returned an array", "tuple", "one gradient per parent"],
    ),
    dict(
        exercise="11.2",
        name="no parents recorded",
        source='''
def tanh_node(x):
    t = np.tanh(x.value)
    def rule(g):
        return (g * (1 - t**2),)
    return Node(t, (), rule, "tanh")
''',
        contains=["parents must be (x,)"],
    ),
    dict(
        exercise="11.2",
        name="tanh computed in place in x.value",
        source='''
def tanh_node(x):
    t = np.tanh(x.value, out=x.value)
    def rule(g):
        return (g * (1 - t**2),)
    return Node(t, (x,), rule, "tanh")
''',
        contains=["changed x.value", "new array"],
    ),
    dict(
        exercise="11.2",
        name="forgot the square",
        source='''
def tanh_node(x):
    t = np.tanh(x.value)
    def rule(g):
        return (g * (1 - t),)
    return Node(t, (x,), rule, "tanh")
''',
        contains=["1 - tanh(x)", "squared"],
        absent=["ignores", "sign"],
    ),
    dict(
        exercise="11.2",
        name="sign flipped",
        source='''
def tanh_node(x):
    t = np.tanh(x.value)
    def rule(g):
        return (g * (t**2 - 1),)
    return Node(t, (x,), rule, "tanh")
''',
        contains=["wrong sign"],
    ),
    dict(
        exercise="11.2",
        name="value is x itself",
        source='''
def tanh_node(x):
    t = np.tanh(x.value)
    def rule(g):
        return (g * (1 - t**2),)
    return Node(x.value, (x,), rule, "tanh")
''',
        contains=["value is wrong", "apply np.tanh"],
    ),
    dict(
        exercise="11.2",
        name="returns the array, not a Node",
        source='''
def tanh_node(x):
    return np.tanh(x.value)
''',
        contains=["must return a Node", "ndarray"],
    ),
    dict(
        exercise="11.2",
        name="not written yet",
        source='''
def tanh_node(x):
    raise NotImplementedError()
''',
        contains=["NotImplementedError", "replace it"],
    ),
    # ------------------------------------------------------------------ 11.3 run_backward
    dict(
        exercise="11.3",
        name="overwrites instead of accumulating",
        source='''
def run_backward(loss):
    loss.grad = np.ones_like(loss.value)
    for node in reversed(topological_order(loss)):
        if node.rule is None:
            continue
        for parent, g in zip(node.parents, node.rule(node.grad)):
            parent.grad = g
''',
        contains=["used twice", "arrived last", "+="],
        absent=["times the right"],
    ),
    dict(
        exercise="11.3",
        name="forward topological order",
        source='''
def run_backward(loss):
    loss.grad = np.ones_like(loss.value)
    for node in topological_order(loss):
        if node.rule is None:
            continue
        for parent, g in zip(node.parents, node.rule(node.grad)):
            parent.grad += g
''',
        contains=["reverse topological order", "still zero"],
    ),
    dict(
        exercise="11.3",
        name="no seed dL/dL = 1",
        source='''
def run_backward(loss):
    for node in reversed(topological_order(loss)):
        if node.rule is None:
            continue
        for parent, g in zip(node.parents, node.rule(node.grad)):
            parent.grad += g
''',
        contains=["loss.grad is 0", "dL/dL = 1"],
    ),
    dict(
        exercise="11.3",
        name="seed added on every node",
        source='''
def run_backward(loss):
    for node in reversed(topological_order(loss)):
        loss.grad = loss.grad + 1
        if node.rule is None:
            continue
        for parent, g in zip(node.parents, node.rule(node.grad)):
            parent.grad += g
''',
        contains=["loss.grad is", "not 1", "set once"],
    ),
    dict(
        exercise="11.3",
        name="calls the rule of a leaf",
        source='''
def run_backward(loss):
    loss.grad = np.ones_like(loss.value)
    for node in reversed(topological_order(loss)):
        for parent, g in zip(node.parents, node.rule(node.grad)):
            parent.grad += g
''',
        contains=["rule of a leaf", "rule None", "skip"],
    ),
    dict(
        exercise="11.3",
        name="delegates to section 2's backward",
        source='''
def run_backward(loss):
    backward(loss)
''',
        contains=["Exercise 11.3", "'backward'", "yourself"],
    ),
    dict(
        exercise="11.3",
        name="each node's rule run twice",
        source='''
def run_backward(loss):
    loss.grad = np.ones_like(loss.value)
    for node in reversed(topological_order(loss)):
        if node.rule is None:
            continue
        for _ in range(2):
            for parent, g in zip(node.parents, node.rule(node.grad)):
                parent.grad += g
''',
        contains=["rule of the", "ran 2 times", "once"],
        absent=["arrived last"],
    ),
    dict(
        exercise="11.3",
        name="parents paired in reverse order",
        source='''
def run_backward(loss):
    loss.grad = np.ones_like(loss.value)
    for node in reversed(topological_order(loss)):
        if node.rule is None:
            continue
        for parent, g in zip(reversed(node.parents), node.rule(node.grad)):
            parent.grad += g
''',
        contains=["raised ValueError", "one gradient per parent", "order of node.parents"],
        absent=["non-broadcastable", "operand"],
    ),
    dict(
        exercise="11.3",
        name="not written yet",
        source='''
def run_backward(loss):
    raise NotImplementedError()
''',
        contains=["NotImplementedError", "replace it"],
    ),
]

ALTERNATIVES = [
    # ------------------------------------------------------------------ 11.1
    dict(exercise="11.1", name="explicit axes with np.sum and reshape", source='''
def mul_backward(g, A, B):
    import numpy as np

    def down(G, shape):
        lead = G.ndim - len(shape)
        axes = list(range(lead)) + [lead + i for i, s in enumerate(shape)
                                    if s == 1 and G.shape[lead + i] != 1]
        return np.sum(G, axis=tuple(axes)).reshape(shape)

    return down(np.multiply(g, B), np.shape(A)), down(np.multiply(g, A), np.shape(B))
'''),
    dict(exercise="11.1", name="einsum-free loop over axes, list result", source='''
def mul_backward(g, A, B):
    import numpy as np
    out = []
    for own, other in [(np.asarray(A), np.asarray(B)), (np.asarray(B), np.asarray(A))]:
        G = g * other
        while G.ndim > own.ndim:
            G = G.sum(axis=0)
        for axis in range(own.ndim):
            if own.shape[axis] == 1:
                G = G.sum(axis=axis, keepdims=True)
        out.append(G)
    return out
'''),
    dict(exercise="11.1", name="broadcast_to the full shape first", source='''
def mul_backward(g, A, B):
    import numpy as np
    full_A = np.broadcast_to(A, g.shape)
    full_B = np.broadcast_to(B, g.shape)
    return unbroadcast(g * full_B, A.shape), unbroadcast(g * full_A, B.shape)
'''),
    # ------------------------------------------------------------------ 11.2
    dict(exercise="11.2", name="sech squared, list result, tanh recomputed in the rule", source='''
def tanh_node(x):
    def rule(g):
        return [g / np.cosh(x.value) ** 2]
    return Node(np.tanh(x.value), [x], rule, op="tanh")
'''),
    dict(exercise="11.2", name="exponentials by hand", source='''
def tanh_node(x):
    e2 = np.exp(-2.0 * np.abs(x.value))
    t = np.sign(x.value) * (1 - e2) / (1 + e2)

    def rule(g):
        return (g - g * t * t,)

    node = Node(t, parents=(x,), rule=rule, op="tanh")
    return node
'''),
    # ------------------------------------------------------------------ 11.3
    dict(exercise="11.3", name="own order by repeated relaxation, in-place +=", source='''
def run_backward(loss):
    import numpy as np
    # depth from the loss: a node comes after every node that uses it
    depth = {id(loss): 0}
    nodes = {id(loss): loss}
    changed = True
    while changed:
        changed = False
        for node in list(nodes.values()):
            for parent in node.parents:
                if depth.get(id(parent), -1) < depth[id(node)] + 1:
                    depth[id(parent)] = depth[id(node)] + 1
                    nodes[id(parent)] = parent
                    changed = True
    loss.grad = np.ones(np.shape(loss.value))
    for node in sorted(nodes.values(), key=lambda n: depth[id(n)]):
        if node.rule is not None:
            grads = node.rule(node.grad)
            for k in range(len(node.parents)):
                node.parents[k].grad += grads[k]
'''),
    dict(exercise="11.3", name="Kahn's algorithm counting the children", source='''
def run_backward(loss):
    import numpy as np
    order = topological_order(loss)
    children = {id(n): 0 for n in order}
    for n in order:
        for p in n.parents:
            children[id(p)] += 1
    ready = [loss]
    loss.grad = loss.grad + 1.0
    while ready:
        node = ready.pop()
        if node.rule is None:
            continue
        for parent, g in zip(node.parents, node.rule(node.grad)):
            parent.grad = parent.grad + g
            children[id(parent)] -= 1
            if children[id(parent)] == 0:
                ready.append(parent)
'''),
]
