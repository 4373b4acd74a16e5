"""Training dynamics (notebook 08): initialisation, gradient flow, clipping, momentum, accumulation.

A *deep stack* is ``depth`` layers of the same width, each an affine map
followed by an activation::

    Z_l = H_{l-1} @ W_l + b_l        A_l = act(Z_l)
    H_l = A_l                        (plain)
    H_l = H_{l-1} + s * A_l          (residual, branch scale s)

with ``H_0 = X`` of shape (n, width) and every ``W_l`` of shape
(width, width) (a plain stack may also change width from layer to layer).
The backward pass is the linear layer's backward (:mod:`helpers.linear`)
repeated, with the activation's derivative in between and, for a residual
block, the identity's contribution added::

    dL_dZ_l = (s *) dL_dH_l * act'(Z_l)
    dL_dH_{l-1} = dL_dZ_l @ W_l.T    (+ dL_dH_l when residual)

Initialisation schemes (``W`` of shape (d_in, d_out), entries normal with
mean 0 and standard deviation):

- ``"too_small"``: 0.01 (:data:`TOO_SMALL_STD`);
- ``"too_large"``: 1.0 (:data:`TOO_LARGE_STD`);
- ``"xavier"`` (Glorot): ``sqrt(2 / (d_in + d_out))``;
- ``"he"`` (Kaiming): ``sqrt(2 / d_in)``.

Optimiser pieces take and return *new* arrays; nothing mutates its arguments.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from helpers._checks import as_real_array, positive_float, positive_int, shape_str
from helpers.linear import linear_backward, linear_forward

#: Standard deviation of the "too small" initialisation.
TOO_SMALL_STD = 0.01
#: Standard deviation of the "too large" initialisation.
TOO_LARGE_STD = 1.0

#: Initialisation scheme -> label used in text and widgets.
INIT_LABELS = {"too_small": "too small", "too_large": "too large", "xavier": "Xavier", "he": "He"}
#: Activation name -> label used in text and widgets.
ACTIVATION_LABELS = {"linear": "linear", "tanh": "tanh", "relu": "ReLU"}

INIT_SCHEMES = tuple(INIT_LABELS)
ACTIVATIONS = tuple(ACTIVATION_LABELS)


def _choice(func: str, name: str, value, options) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{func}: {name} must be a string, one of {', '.join(options)}; "
                        f"got {type(value).__name__}")
    if value not in options:
        raise ValueError(f"{func}: unknown {name} {value!r}; choose one of {', '.join(options)}")
    return value


# ---------------------------------------------------------------- initialisation

def init_std(scheme, d_in, d_out):
    """Standard deviation of the entries of a ``(d_in, d_out)`` weight under ``scheme``.

    ``scheme`` is one of :data:`INIT_SCHEMES`. Returns a float.
    """
    func = "init_std"
    scheme = _choice(func, "scheme", scheme, INIT_SCHEMES)
    d_in = positive_int(func, "d_in", d_in)
    d_out = positive_int(func, "d_out", d_out)
    if scheme == "too_small":
        return TOO_SMALL_STD
    if scheme == "too_large":
        return TOO_LARGE_STD
    if scheme == "xavier":
        return float(np.sqrt(2.0 / (d_in + d_out)))
    return float(np.sqrt(2.0 / d_in))


def init_weights(scheme, d_in, d_out, rng):
    """A weight of shape ``(d_in, d_out)`` with normal entries of :func:`init_std`'s size.

    ``rng`` is a ``np.random.Generator``; it draws ``rng.standard_normal((d_in, d_out))``
    once, which is then scaled. Returns a new float64 array.
    """
    std = init_std(scheme, d_in, d_out)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"init_weights: rng must be a np.random.Generator "
                        f"(np.random.default_rng(seed)), got {type(rng).__name__}")
    return rng.standard_normal((d_in, d_out)) * std


# ---------------------------------------------------------------- activations

def activation_forward(name, Z):
    """Elementwise activation: ``"linear"`` (identity), ``"tanh"`` or ``"relu"``.

    ``Z`` any shape -> array of the same shape (new).
    """
    name = _choice("activation_forward", "name", name, ACTIVATIONS)
    Z = as_real_array("activation_forward", "Z", Z)
    if name == "tanh":
        return np.tanh(Z)
    if name == "relu":
        return np.maximum(Z, 0.0)
    return np.array(Z, dtype=np.float64)


def activation_derivative(name, Z):
    """Elementwise derivative ``act'(Z)``: 1, ``1 - tanh(Z)**2`` or ``(Z > 0)``.

    ``Z`` any shape -> float array of the same shape. ReLU's derivative at 0 is taken as 0.
    """
    name = _choice("activation_derivative", "name", name, ACTIVATIONS)
    Z = as_real_array("activation_derivative", "Z", Z)
    if name == "tanh":
        return 1.0 - np.tanh(Z) ** 2
    if name == "relu":
        return (Z > 0).astype(np.float64)
    return np.ones(Z.shape, dtype=np.float64)


# ---------------------------------------------------------------- deep stack

@dataclass(frozen=True)
class StackCache:
    """What :func:`stack_backward` needs from the forward pass.

    ``H``: the layer inputs ``H_0 = X, ..., H_{L-1}``; ``Z``: the pre-activations
    ``Z_1, ..., Z_L``; plus the weights and the stack's settings.
    """

    H: tuple
    Z: tuple
    weights: tuple
    activation: str
    residual: bool
    branch_scale: float


@dataclass(frozen=True)
class StackGradients:
    """Gradients of a scalar loss through a deep stack.

    ``dL_dX`` (n, d_0); ``dL_dH[l - 1]`` is the gradient with respect to layer
    ``l``'s output ``H_l`` (so ``dL_dH[-1]`` is ``dL_dY``); ``dL_dW[l - 1]`` and
    ``dL_db[l - 1]`` have the shapes of ``W_l`` and ``b_l``.
    """

    dL_dX: np.ndarray
    dL_dH: tuple
    dL_dW: tuple
    dL_db: tuple


def _weight_list(func: str, weights) -> list:
    if isinstance(weights, np.ndarray) or not isinstance(weights, (list, tuple)):
        raise TypeError(f"{func}: weights must be a list of 2-D arrays (one per layer), "
                        f"got {type(weights).__name__}")
    if not weights:
        raise ValueError(f"{func}: weights is empty; a stack needs at least one layer")
    return [as_real_array(func, f"weights[{i}]", W, ndim=2) for i, W in enumerate(weights)]


def stack_forward(X, weights, biases=None, activation="tanh", residual=False, branch_scale=1.0):
    """Forward pass of a deep stack (see the module docstring for the formulas).

    ``X`` (n, d_0); ``weights[l-1]`` (d_{l-1}, d_l); ``biases[l-1]`` (d_l,) or
    ``None`` for zero biases. With ``residual=True`` every ``W_l`` must be
    square of size d_0 (the skip connection adds ``H_{l-1}`` to the branch).
    Returns ``(Y, cache)`` with ``Y = H_L`` of shape (n, d_L).
    """
    func = "stack_forward"
    X = as_real_array(func, "X", X, ndim=2)
    Ws = _weight_list(func, weights)
    activation = _choice(func, "activation", activation, ACTIVATIONS)
    if not isinstance(residual, (bool, np.bool_)):
        raise TypeError(f"{func}: residual must be True or False, got {type(residual).__name__}")
    branch_scale = positive_float(func, "branch_scale", branch_scale)
    if biases is None:
        bs = [np.zeros(W.shape[1]) for W in Ws]
    else:
        if isinstance(biases, np.ndarray) or not isinstance(biases, (list, tuple)):
            raise TypeError(f"{func}: biases must be a list of 1-D arrays or None, "
                            f"got {type(biases).__name__}")
        if len(biases) != len(Ws):
            raise ValueError(f"{func}: {len(Ws)} weights but {len(biases)} biases; "
                             f"every layer needs one of each")
        bs = [as_real_array(func, f"biases[{i}]", b, ndim=1) for i, b in enumerate(biases)]
    width = X.shape[1]
    for i, W in enumerate(Ws):
        if W.shape[0] != width:
            raise ValueError(f"{func}: weights[{i}] has shape {shape_str(W.shape)} but its "
                             f"input has {width} columns; layer {i + 1} needs W of shape "
                             f"({width}, d_out)")
        if residual and W.shape[1] != width:
            raise ValueError(f"{func}: weights[{i}] has shape {shape_str(W.shape)}; a residual "
                             f"block Y = X + f(X) keeps the width, so W must be ({width}, {width})")
        width = W.shape[1]
    H, Z = [X], []
    for W, b in zip(Ws, bs):
        z = linear_forward(H[-1], W, b)
        a = activation_forward(activation, z)
        Z.append(z)
        H.append(H[-1] + branch_scale * a if residual else a)
    cache = StackCache(tuple(H[:-1]), tuple(Z), tuple(Ws), activation, bool(residual),
                       branch_scale)
    return H[-1], cache


def stack_backward(dL_dY, cache):
    """Backward pass of a deep stack: every gradient, layer by layer.

    ``dL_dY`` (n, d_L), ``cache`` from :func:`stack_forward`. Returns a
    :class:`StackGradients`.
    """
    func = "stack_backward"
    if not isinstance(cache, StackCache):
        raise TypeError(f"{func}: cache must be the StackCache that stack_forward returned, "
                        f"got {type(cache).__name__}")
    dL_dY = as_real_array(func, "dL_dY", dL_dY, ndim=2)
    expected = (cache.H[0].shape[0], cache.Z[-1].shape[1])
    if dL_dY.shape != expected:
        raise ValueError(f"{func}: dL_dY has shape {shape_str(dL_dY.shape)} but the stack's "
                         f"output has shape {shape_str(expected)}; an upstream gradient has "
                         f"the shape of Y")
    s = cache.branch_scale if cache.residual else 1.0
    g = np.array(dL_dY, dtype=np.float64)
    dL_dH, dL_dW, dL_db = [g], [], []
    for H_prev, Z, W in zip(reversed(cache.H), reversed(cache.Z), reversed(cache.weights)):
        dL_dZ = (s * g) * activation_derivative(cache.activation, Z)
        g_prev, gW, gb = linear_backward(dL_dZ, H_prev, W)
        if cache.residual:
            g_prev = g_prev + g  # the identity path hands the gradient back unchanged
        dL_dW.append(gW)
        dL_db.append(gb)
        dL_dH.append(g_prev)
        g = g_prev
    dL_dX = dL_dH.pop()
    return StackGradients(dL_dX, tuple(reversed(dL_dH)), tuple(reversed(dL_dW)),
                          tuple(reversed(dL_db)))


def gradient_flow(depth, scheme, activation, residual=False, width=64, n=32, seed=0):
    """Norm of the gradient with respect to every layer's output in a seeded deep stack.

    Builds, with ``rng = np.random.default_rng(seed)`` and in this order:
    ``X = rng.standard_normal((n, width))``, then for each layer
    ``W_l = init_weights(scheme, width, width, rng)`` (biases zero), then the
    upstream gradient ``dL_dY = rng.standard_normal((n, width))`` (the loss is
    ``L = sum(dL_dY * Y)``). A residual stack scales its branches by
    ``1 / sqrt(depth)``. Returns an array of shape (depth,) whose entry
    ``l - 1`` is the Frobenius norm of ``dL/dH_l`` (the last entry is the norm
    of ``dL_dY``).
    """
    func = "gradient_flow"
    depth = positive_int(func, "depth", depth)
    scheme = _choice(func, "scheme", scheme, INIT_SCHEMES)
    activation = _choice(func, "activation", activation, ACTIVATIONS)
    width = positive_int(func, "width", width)
    n = positive_int(func, "n", n)
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise TypeError(f"{func}: seed must be a whole number, got {type(seed).__name__}")
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, width))
    weights = [init_weights(scheme, width, width, rng) for _ in range(depth)]
    dL_dY = rng.standard_normal((n, width))
    scale = 1.0 / np.sqrt(depth) if residual else 1.0
    _, cache = stack_forward(X, weights, activation=activation, residual=bool(residual),
                             branch_scale=scale)
    grads = stack_backward(dL_dY, cache)
    return np.array([np.linalg.norm(g) for g in grads.dL_dH])


# ---------------------------------------------------------------- clipping and momentum

def _grad_list(func: str, grads) -> list:
    if isinstance(grads, np.ndarray) or not isinstance(grads, (list, tuple)):
        raise TypeError(f"{func}: grads must be a list of arrays (one per parameter), "
                        f"got {type(grads).__name__}")
    if not grads:
        raise ValueError(f"{func}: grads is empty; pass at least one gradient array")
    return [as_real_array(func, f"grads[{i}]", g) for i, g in enumerate(grads)]


def global_norm(grads):
    """``sqrt(sum_p ||g_p||^2)`` over a list of gradient arrays of any shapes. Returns a float."""
    gs = _grad_list("global_norm", grads)
    return float(np.sqrt(sum(float(np.sum(np.square(g, dtype=np.float64))) for g in gs)))


def clip_by_global_norm(grads, max_norm):
    """Scale every gradient by ``max_norm / global_norm`` when the global norm exceeds ``max_norm``.

    ``grads``: list of arrays of any shapes; ``max_norm`` > 0. Returns
    ``(clipped, norm)``: a list of new arrays with the same shapes (all scaled by
    one common factor, so the direction is unchanged) and the global norm
    *before* clipping.
    """
    func = "clip_by_global_norm"
    gs = _grad_list(func, grads)
    max_norm = positive_float(func, "max_norm", max_norm)
    norm = global_norm(gs)
    factor = max_norm / norm if norm > max_norm else 1.0
    return [np.asarray(g, dtype=np.float64) * factor for g in gs], norm


def momentum_step(param, grad, velocity, lr, beta=0.9):
    """One step of gradient descent with (heavy-ball) momentum::

        velocity_new = beta * velocity + grad
        param_new    = param - lr * velocity_new

    ``param``, ``grad`` and ``velocity`` share one shape (start with zeros);
    ``lr`` > 0, ``0 <= beta < 1``. Returns ``(param_new, velocity_new)``, new arrays.
    """
    func = "momentum_step"
    param = as_real_array(func, "param", param)
    grad = as_real_array(func, "grad", grad)
    velocity = as_real_array(func, "velocity", velocity)
    for name, arr in (("grad", grad), ("velocity", velocity)):
        if arr.shape != param.shape:
            raise ValueError(f"{func}: {name} has shape {shape_str(arr.shape)} but param has "
                             f"shape {shape_str(param.shape)}; they must have the same shape")
    lr = positive_float(func, "lr", lr)
    try:
        beta = float(beta)
    except (TypeError, ValueError):
        raise TypeError(f"{func}: beta must be a number, got {type(beta).__name__}") from None
    if not 0.0 <= beta < 1.0:
        raise ValueError(f"{func}: beta must satisfy 0 <= beta < 1, got {beta}")
    velocity_new = beta * velocity + grad
    return param - lr * velocity_new, velocity_new


# ---------------------------------------------------------------- micro-batches

def micro_batches(n, micro_batch_size):
    """Consecutive slices covering ``range(n)``, each of ``micro_batch_size`` rows
    except possibly the last, which is smaller. Returns a list of ``slice`` objects."""
    n = positive_int("micro_batches", "n", n)
    m = positive_int("micro_batches", "micro_batch_size", micro_batch_size)
    return [slice(start, min(start + m, n)) for start in range(0, n, m)]


def accumulate_gradients(grad_fn, X, T, micro_batch_size, reduction="mean"):
    """The whole batch's gradients, computed one micro-batch at a time.

    ``X`` (n, ...) and ``T`` (n, ...) share their first axis. ``grad_fn(X_mb, T_mb)``
    returns a tuple of gradient arrays of the micro-batch's loss, which uses the
    same ``reduction`` over its rows as the whole batch's loss:

    - ``"sum"``: micro-batch gradients add up to the whole batch's gradient;
    - ``"mean"``: micro-batch ``j`` of ``m_j`` rows is weighted by ``m_j / n``
      (a plain average of the micro-batch means is wrong when the sizes differ).

    Returns a tuple of arrays with the shapes ``grad_fn`` returns.
    """
    func = "accumulate_gradients"
    if not callable(grad_fn):
        raise TypeError(f"{func}: grad_fn must be callable, got {type(grad_fn).__name__}")
    X = as_real_array(func, "X", X)
    T = as_real_array(func, "T", T)
    if X.ndim == 0 or T.ndim == 0 or X.shape[0] != T.shape[0]:
        raise ValueError(f"{func}: X has shape {shape_str(X.shape)} and T has shape "
                         f"{shape_str(T.shape)}; they need the same number of rows (examples)")
    reduction = _choice(func, "reduction", reduction, ("mean", "sum"))
    n = X.shape[0]
    total = None
    for sl in micro_batches(n, micro_batch_size):
        grads = grad_fn(X[sl], T[sl])
        if isinstance(grads, np.ndarray) or not isinstance(grads, (tuple, list)):
            raise TypeError(f"{func}: grad_fn must return a tuple of gradient arrays, "
                            f"got {type(grads).__name__}")
        grads = [as_real_array(func, f"grad_fn(...)[{i}]", g) for i, g in enumerate(grads)]
        weight = (sl.stop - sl.start) / n if reduction == "mean" else 1.0
        if total is None:
            total = [weight * g for g in grads]
            continue
        if [g.shape for g in grads] != [t.shape for t in total]:
            raise ValueError(f"{func}: grad_fn returned shapes "
                             f"{[shape_str(g.shape) for g in grads]} for rows {sl.start}.."
                             f"{sl.stop - 1} but {[shape_str(t.shape) for t in total]} before; "
                             f"every micro-batch must give gradients of the same shapes")
        total = [t + weight * g for t, g in zip(total, grads)]
    return tuple(total)
