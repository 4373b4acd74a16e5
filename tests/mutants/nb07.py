"""Wrong answers (mutants) and other right answers for the exercises of notebook 07."""

MUTANTS = [
    # Exercise 07.1: tempered_cross_entropy(logits, y, tau)
    dict(
        exercise="07.1",
        name="gradient without the chain rule's 1/tau",
        source='''
def tempered_cross_entropy(logits, y, tau):
    loss, dL_dscaled = softmax_cross_entropy(logits / tau, y)
    return loss, dL_dscaled
''',
        contains=["tau = 2.5 times the right one", "factor 1/tau"],
        absent=["1/n", "sign"],
    ),
    dict(
        exercise="07.1",
        name="gradient without the mean's 1/n (written by hand)",
        source='''
def tempered_cross_entropy(logits, y, tau):
    S = logits / tau
    S = S - S.max(axis=1, keepdims=True)
    log_sum = np.log(np.exp(S).sum(axis=1))
    rows = np.arange(len(y))
    loss = np.mean(log_sum - S[rows, y])
    P = np.exp(S - log_sum[:, None])
    P[rows, y] -= 1
    return loss, P / tau
''',
        contains=["n = 5 times the right one", "factor 1/n"],
        absent=["1/tau", "sign"],
    ),
    dict(
        exercise="07.1",
        name="gradient with the opposite sign",
        source='''
def tempered_cross_entropy(logits, y, tau):
    loss, dL_dscaled = softmax_cross_entropy(logits / tau, y)
    return loss, -dL_dscaled / tau
''',
        contains=["opposite sign"],
        absent=["1/tau", "1/n"],
    ),
    dict(
        exercise="07.1",
        name="gradient multiplied by tau instead of divided",
        source='''
def tempered_cross_entropy(logits, y, tau):
    loss, dL_dscaled = softmax_cross_entropy(logits / tau, y)
    return loss, dL_dscaled * tau
''',
        contains=["tau**2", "multiplied by tau"],
        absent=["1/n", "sign"],
    ),
    dict(
        exercise="07.1",
        name="ignores tau (plain cross-entropy)",
        source='''
def tempered_cross_entropy(logits, y, tau):
    return softmax_cross_entropy(logits, y)
''',
        contains=["ignores tau", "divide the logits by tau"],
        absent=["1/n", "sign"],
    ),
    dict(
        exercise="07.1",
        name="multiplies the logits by tau",
        source='''
def tempered_cross_entropy(logits, y, tau):
    loss, dL_dscaled = softmax_cross_entropy(logits * tau, y)
    return loss, dL_dscaled * tau
''',
        contains=["multiplied by tau", "divide them by tau"],
        absent=["ignores", "1/n"],
    ),
    dict(
        exercise="07.1",
        name="divides the loss by tau instead of the logits",
        source='''
def tempered_cross_entropy(logits, y, tau):
    loss, dL_dlogits = softmax_cross_entropy(logits, y)
    return loss / tau, dL_dlogits / tau
''',
        contains=["divided the loss by tau"],
        absent=["ignores", "1/n"],
    ),
    dict(
        exercise="07.1",
        name="naive softmax without subtracting the maximum",
        source='''
def tempered_cross_entropy(logits, y, tau):
    E = np.exp(logits / tau)
    P = E / E.sum(axis=1, keepdims=True)
    rows = np.arange(len(y))
    loss = -np.mean(np.log(P[rows, y]))
    P[rows, y] -= 1
    return loss, P / (len(y) * tau)
''',
        contains=["thousands", "inf or NaN", "maximum"],
        absent=["1/tau", "1/n"],
    ),
    dict(
        exercise="07.1",
        name="divides the caller's logits in place",
        source='''
def tempered_cross_entropy(logits, y, tau):
    logits /= tau
    loss, dL_dscaled = softmax_cross_entropy(logits, y)
    return loss, dL_dscaled / tau
''',
        contains=["modified its input logits"],
        absent=["1/tau =", "ignores"],
    ),
    dict(
        exercise="07.1",
        name="per-example losses instead of their mean",
        source='''
def tempered_cross_entropy(logits, y, tau):
    S = logits / tau
    per_example = np.logaddexp.reduce(S, axis=1) - S[np.arange(len(y)), y]
    return per_example, softmax_cross_entropy(S, y)[1] / tau
''',
        contains=["one number", "mean over the n = 2 examples", "shape (2,)"],
        absent=["1/tau", "sign"],
    ),
    dict(
        exercise="07.1",
        name="not started (raise NotImplementedError())",
        source='''
def tempered_cross_entropy(logits, y, tau):
    # YOUR CODE HERE
    raise NotImplementedError()
''',
        contains=["NotImplementedError", "replace"],
        absent=["your function tempered_cross_entropy raised"],
    ),
    # Exercise 07.2: sgd_step_weight_decay(params, grads, lr, weight_decay)
    dict(
        exercise="07.2",
        name="decays the biases too",
        source='''
def sgd_step_weight_decay(params, grads, lr, weight_decay):
    return {name: p - lr * (grads[name] + weight_decay * p) for name, p in params.items()}
''',
        contains=["b1 was decayed", "biases are not"],
        absent=["not decayed", "in place"],
    ),
    dict(
        exercise="07.2",
        name="no decay at all",
        source='''
def sgd_step_weight_decay(params, grads, lr, weight_decay):
    return {name: p - lr * grads[name] for name, p in params.items()}
''',
        contains=["W1 was not decayed", "add weight_decay * W1"],
        absent=["in place", "b1 was decayed"],
    ),
    dict(
        exercise="07.2",
        name="decay term with the wrong sign",
        source='''
def sgd_step_weight_decay(params, grads, lr, weight_decay):
    new = {}
    for name, p in params.items():
        step = grads[name] - weight_decay * p if name.startswith("W") else grads[name]
        new[name] = p - lr * step
    return new
''',
        contains=["wrong sign", "towards zero"],
        absent=["not decayed", "in place"],
    ),
    dict(
        exercise="07.2",
        name="decay not multiplied by the learning rate",
        source='''
def sgd_step_weight_decay(params, grads, lr, weight_decay):
    new = {}
    for name, p in params.items():
        new[name] = p - lr * grads[name]
        if name.startswith("W"):
            new[name] = new[name] - weight_decay * p
    return new
''',
        contains=["not multiplied by lr"],
        absent=["not decayed", "in place"],
    ),
    dict(
        exercise="07.2",
        name="half the decay (the gradient of lambda/2 ||W||^2 taken as lambda/2 W)",
        source='''
def sgd_step_weight_decay(params, grads, lr, weight_decay):
    new = {}
    for name, p in params.items():
        step = grads[name] + 0.5 * weight_decay * p if name.startswith("W") else grads[name]
        new[name] = p - lr * step
    return new
''',
        contains=["half the decay"],
        absent=["not decayed", "in place"],
    ),
    dict(
        exercise="07.2",
        name="updates the arrays in place and returns params",
        source='''
def sgd_step_weight_decay(params, grads, lr, weight_decay):
    for name, p in params.items():
        if name.startswith("W"):
            p -= lr * (grads[name] + weight_decay * p)
        else:
            p -= lr * grads[name]
    return params
''',
        contains=["params['W1'] was modified in place", "new arrays"],
        absent=["not decayed", "wrong sign"],
    ),
    dict(
        exercise="07.2",
        name="copies the dictionary but updates its arrays in place",
        source='''
def sgd_step_weight_decay(params, grads, lr, weight_decay):
    new = dict(params)
    for name in new:
        new[name] -= lr * grads[name]
        if name.startswith("W"):
            new[name] -= lr * weight_decay * params[name]
    return new
''',
        contains=["modified in place", "a copy of the dictionary still holds the same arrays"],
        absent=["not decayed", "wrong sign"],
    ),
    dict(
        exercise="07.2",
        name="puts the new arrays into params and returns it",
        source='''
def sgd_step_weight_decay(params, grads, lr, weight_decay):
    for name, p in list(params.items()):
        step = grads[name] + weight_decay * p if name.startswith("W") else grads[name]
        params[name] = p - lr * step
    return params
''',
        contains=["changed the dictionary params", "return a new dictionary"],
        absent=["modified in place", "not decayed"],
    ),
    dict(
        exercise="07.2",
        name="steps uphill (adds the gradient)",
        source='''
def sgd_step_weight_decay(params, grads, lr, weight_decay):
    new = {}
    for name, p in params.items():
        step = grads[name] + weight_decay * p if name.startswith("W") else grads[name]
        new[name] = p + lr * step
    return new
''',
        contains=["uphill", "subtracts"],
        absent=["not decayed", "in place"],
    ),
    dict(
        exercise="07.2",
        name="returns a list of arrays, not a dict",
        source='''
def sgd_step_weight_decay(params, grads, lr, weight_decay):
    return [p - lr * (grads[k] + (weight_decay * p if k.startswith("W") else 0))
            for k, p in params.items()]
''',
        contains=["return a dict", "got list"],
        absent=["in place", "decayed"],
    ),
    dict(
        exercise="07.2",
        name="not started (raise NotImplementedError())",
        source='''
def sgd_step_weight_decay(params, grads, lr, weight_decay):
    # YOUR CODE HERE
    raise NotImplementedError()
''',
        contains=["NotImplementedError", "replace"],
        absent=["your function sgd_step_weight_decay raised"],
    ),
]

ALTERNATIVES = [
    dict(exercise="07.1", name="log-sum-exp by hand, no helper", source='''
def tempered_cross_entropy(logits, y, tau):
    S = logits / tau
    S = S - S.max(axis=1, keepdims=True)
    log_sum = np.log(np.exp(S).sum(axis=1))
    n = len(y)
    rows = np.arange(n)
    loss = float(np.mean(log_sum - S[rows, y]))
    grad = np.exp(S - log_sum[:, None])
    grad[rows, y] -= 1.0
    return loss, grad / (n * tau)
'''),
    dict(exercise="07.1", name="helpers.losses.softmax, np.eye one-hot, a list", source='''
from helpers.losses import softmax

def tempered_cross_entropy(logits, y, tau):
    S = np.divide(logits, tau)
    one_hot = np.eye(S.shape[1])[y]
    loss = np.mean(np.logaddexp.reduce(S, axis=1) - np.sum(one_hot * S, axis=1))
    return [loss, (softmax(S) - one_hot) / (len(y) * tau)]
'''),
    dict(exercise="07.1", name="chain rule through the helper, multiply by 1/tau", source='''
def tempered_cross_entropy(logits, y, tau):
    inv = 1.0 / tau
    loss, g = softmax_cross_entropy(inv * logits, y)
    return np.float64(loss), inv * g
'''),
    dict(exercise="07.2", name="dict comprehension, (1 - lr wd) W", source='''
def sgd_step_weight_decay(params, grads, lr, weight_decay):
    return {k: ((1 - lr * weight_decay) * p - lr * grads[k]) if k[:1] == "W"
            else p - lr * grads[k] for k, p in params.items()}
'''),
    dict(exercise="07.2", name="copy each array, then update the copy in place", source='''
def sgd_step_weight_decay(params, grads, lr, weight_decay):
    new = {}
    for name in params:
        p = params[name].copy()
        decay = weight_decay if name.startswith("W") else 0.0
        p -= lr * (grads[name] + decay * params[name])
        new[name] = p
    return new
'''),
]
