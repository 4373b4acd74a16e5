"""Layers as small objects: ``forward`` keeps what ``backward`` needs (C23).

Row convention, as everywhere in the course: a batch ``X`` is ``(n, d_in)``
with one example per row.

- :class:`Linear` computes ``Y = X @ W + b``. Its forward pass caches ``X``;
  its backward pass returns ``dL_dX = dL_dY @ W.T`` and adds
  ``X.T @ dL_dY`` to ``dL_dW`` and ``dL_dY.sum(axis=0)`` to ``dL_db`` (the
  formulas of :func:`helpers.linear.linear_backward`).
- :class:`ReLU` computes ``max(Z, 0)`` entry by entry. Its forward pass caches
  the mask ``Z > 0``; its backward pass returns ``dL_dA * mask``.
- :class:`Sequential` chains layers: forward in order, backward in reverse.

Parameter gradients **accumulate**, as in PyTorch and micrograd: ``backward``
*adds* ``X.T @ dL_dY`` to ``dL_dW`` (and the column sums to ``dL_db``) instead
of overwriting them, and ``zero_grad()`` resets them to zero. A parameter used
in several places (a layer applied twice, or one batch split into micro-batches)
thus receives the sum of the gradients of every use, which is what the chain
rule asks for. The price: call ``zero_grad()`` before the backward pass of each
new step, or the gradients of earlier steps are added in. Before the first
``backward`` (and without ``zero_grad``) the gradients are ``None``. Each
``backward`` stores new arrays: an array read from ``grads`` earlier is never
changed afterwards.

What is cached is the input of the *most recent* forward call. Calling
``forward`` on another batch before ``backward`` replaces it; calling
``backward`` before any ``forward`` raises a ``RuntimeError``. The cache holds
a reference to ``X`` (no copy): do not modify ``X`` in place between the two
calls. The same layer object may appear more than once in one
:class:`Sequential`: the container then keeps one cache per position, so each
use's backward pass sees its own input, and the gradients of the uses add up.

A layer owns its parameters: ``Linear(W, b)`` copies ``W`` and ``b``, so
training the layer never changes the caller's arrays. Float dtypes are kept
(float32 in, float32 out); integer weights become float64.
"""

from __future__ import annotations

import numpy as np

from helpers._checks import as_real_array, shape_str


def _owned_float_copy(func: str, name: str, value, ndim: int) -> np.ndarray:
    arr = as_real_array(func, name, value, ndim=ndim)
    dtype = arr.dtype if arr.dtype.kind == "f" else np.float64
    return np.array(arr, dtype=dtype, copy=True)


def _upstream(func: str, name: str, dL_dY, expected: tuple, what) -> np.ndarray:
    """Check an upstream gradient; ``what()`` says where ``expected`` came from."""
    dL_dY = as_real_array(func, name, dL_dY, ndim=2)
    if dL_dY.shape != expected:
        hint = ""
        if dL_dY.shape[0] != expected[0]:
            hint = (f" The batch sizes differ ({dL_dY.shape[0]} vs {expected[0]}): was forward "
                    f"called on another batch after the one this gradient belongs to?")
        raise ValueError(
            f"{func}: {name} has shape {shape_str(dL_dY.shape)} but the output of the last "
            f"forward pass had shape {shape_str(expected)} ({what()}); an upstream gradient "
            f"has the shape of the output.{hint}"
        )
    return dL_dY


def _add_into(fresh: np.ndarray, stored: np.ndarray) -> np.ndarray:
    """``fresh + stored``, in place in ``fresh`` (a new array) when the dtypes agree."""
    if fresh.dtype == stored.dtype:
        fresh += stored
        return fresh
    return fresh + stored


def _not_cached(func: str, what: str) -> RuntimeError:
    return RuntimeError(
        f"{func}: nothing is cached; call forward before backward. The backward pass needs "
        f"{what} from the forward pass of the same batch."
    )


class Linear:
    """Affine layer ``Y = X @ W + b`` that caches its input.

    Parameters: ``W`` (d_in, d_out) and ``b`` (d_out,), copied on construction
    (the layer owns them). ``dL_dW`` (d_in, d_out) and ``dL_db`` (d_out,) hold
    the sum of the gradients of every :meth:`backward` since the last
    :meth:`zero_grad` (``None`` before the first of either).
    """

    def __init__(self, W, b):
        func = "Linear"
        self.W = _owned_float_copy(func, "W", W, ndim=2)
        b = as_real_array(func, "b", b)
        if b.shape != (self.W.shape[1],):
            raise ValueError(f"{func}: b has shape {shape_str(b.shape)} but W has shape "
                             f"{shape_str(self.W.shape)}; b must have shape (d_out,) = "
                             f"({self.W.shape[1]},)")
        self.b = np.array(b, dtype=self.W.dtype, copy=True)
        self.X = None
        self.dL_dW = None
        self.dL_db = None

    def __repr__(self) -> str:
        d_in, d_out = self.W.shape
        return f"Linear(d_in={d_in}, d_out={d_out})"

    @property
    def params(self) -> dict:
        """``{"W": W, "b": b}``: the layer's own arrays (updating them in place trains it)."""
        return {"W": self.W, "b": self.b}

    @property
    def grads(self) -> dict:
        """``{"W": dL_dW, "b": dL_db}``, summed since :meth:`zero_grad` (``None`` before any)."""
        return {"W": self.dL_dW, "b": self.dL_db}

    @property
    def cache(self):
        """What :meth:`backward` needs from the last :meth:`forward`: its input ``X`` (n, d_in)."""
        return self.X

    @cache.setter
    def cache(self, X):
        self.X = X

    def zero_grad(self):
        """Set ``dL_dW`` and ``dL_db`` to new zero arrays; returns the layer.

        Call it before the backward pass of each training step: :meth:`backward`
        adds to what is stored.
        """
        self.dL_dW = np.zeros_like(self.W)
        self.dL_db = np.zeros_like(self.b)
        return self

    def forward(self, X):
        """``X`` (n, d_in) -> ``Y = X @ W + b`` (n, d_out); caches ``X``."""
        X = as_real_array("Linear.forward", "X", X, ndim=2)
        if X.shape[1] != self.W.shape[0]:
            raise ValueError(
                f"Linear.forward: X has shape {shape_str(X.shape)} and W has shape "
                f"{shape_str(self.W.shape)}; X @ W needs X.shape[1] == W.shape[0] (d_in)")
        Y = X @ self.W
        Y += self.b  # in place on the fresh product: no second (n, d_out) array
        self.X = X
        return Y

    def backward(self, dL_dY, input_grad=True):
        """``dL_dY`` (n, d_out) -> ``dL_dX`` (n, d_in); adds to ``dL_dW`` and ``dL_db``.

        ``dL_dW += X.T @ dL_dY`` and ``dL_db += dL_dY.sum(axis=0)``, each into a
        new array (``=`` when nothing is stored yet). ``input_grad=False`` skips
        ``dL_dX`` (returns ``None``): the first layer of a network has nobody to
        pass it to.
        """
        func = "Linear.backward"
        if self.X is None:
            raise _not_cached(func, "the input X (for dL_dW = X.T @ dL_dY)")
        X = self.X
        dL_dY = _upstream(func, "dL_dY", dL_dY, (X.shape[0], self.W.shape[1]),
                          lambda: f"cached X {shape_str(X.shape)} @ W {shape_str(self.W.shape)}")
        dL_dW = X.T @ dL_dY          # a fresh array: adding into it changes nobody's array
        dL_db = dL_dY.sum(axis=0)
        if self.dL_dW is not None:   # accumulate: a second use of W adds its share
            dL_dW = _add_into(dL_dW, self.dL_dW)
            dL_db = _add_into(dL_db, self.dL_db)
        self.dL_dW, self.dL_db = dL_dW, dL_db
        return dL_dY @ self.W.T if input_grad else None


class ReLU:
    """``A = max(Z, 0)`` entry by entry; caches the mask ``Z > 0``.

    No parameters. Shapes: any 2-D ``Z`` (n, d) -> ``A`` (n, d). The derivative
    at exactly 0 is taken as 0.
    """

    def __init__(self):
        self.mask = None

    def __repr__(self) -> str:
        return "ReLU()"

    @property
    def params(self) -> dict:
        """``{}``: a ReLU has nothing to train."""
        return {}

    @property
    def grads(self) -> dict:
        """``{}``: a ReLU has nothing to train."""
        return {}

    @property
    def cache(self):
        """What :meth:`backward` needs from the last :meth:`forward`: the mask ``Z > 0``."""
        return self.mask

    @cache.setter
    def cache(self, mask):
        self.mask = mask

    def zero_grad(self):
        """Nothing to reset (no parameters); returns the layer."""
        return self

    def forward(self, Z):
        """``Z`` (n, d) -> ``A = max(Z, 0)`` (n, d); caches ``Z > 0``."""
        Z = as_real_array("ReLU.forward", "Z", Z, ndim=2)
        self.mask = Z > 0
        return np.maximum(Z, 0)

    def backward(self, dL_dA, input_grad=True):
        """``dL_dA`` (n, d) -> ``dL_dZ = dL_dA * (Z > 0)`` (n, d).

        ``input_grad`` is accepted for symmetry with :meth:`Linear.backward`.
        """
        func = "ReLU.backward"
        if self.mask is None:
            raise _not_cached(func, "the mask Z > 0")
        dL_dA = _upstream(func, "dL_dA", dL_dA, self.mask.shape,
                          lambda: "the shape of the cached mask")
        return dL_dA * self.mask if input_grad else None


class Sequential:
    """Layers applied one after the other; backward runs them in reverse.

    ``layers``: a list of objects with ``forward``, ``backward``, ``params`` and
    ``grads`` (e.g. ``[Linear(W1, b1), ReLU(), Linear(W2, b2)]``). Shapes: ``X``
    (n, d_in) of the first layer -> ``Y`` (n, d_out) of the last.

    ``params`` and ``grads`` name the parameters of the k-th layer that has any
    by appending k: ``{"W1": ..., "b1": ..., "W2": ..., "b2": ...}``. A layer
    object that appears more than once (shared weights, e.g.
    ``[lin, ReLU(), lin]``) is listed once, at its first position; the
    container keeps its cache for each position, so its gradients are the sum
    over its uses. Such a layer needs a ``cache`` attribute (``Linear`` and
    ``ReLU`` have one).
    """

    def __init__(self, layers):
        layers = list(layers)
        if not layers:
            raise ValueError("Sequential: layers is empty; give at least one layer")
        for i, layer in enumerate(layers):
            missing = [m for m in ("forward", "backward", "params", "grads")
                       if not hasattr(layer, m)]
            if missing:
                raise TypeError(f"Sequential: layers[{i}] ({type(layer).__name__}) has no "
                                f"{', '.join(missing)}; every layer needs forward, backward, "
                                f"params and grads")
        first_position = {}
        self._shared = set()  # positions of layer objects used more than once
        for i, layer in enumerate(layers):
            if id(layer) in first_position:
                self._shared.update({first_position[id(layer)], i})
            else:
                first_position[id(layer)] = i
        for i in sorted(self._shared):
            if not hasattr(layers[i], "cache"):
                raise TypeError(
                    f"Sequential: layers[{i}] ({type(layers[i]).__name__}) appears more than "
                    f"once but has no cache attribute; a layer used twice needs one cache per "
                    f"use, which Sequential can keep only through layer.cache")
        self.layers = layers
        self._caches = {}

    def __repr__(self) -> str:
        return f"Sequential({self.layers!r})"

    def _unique_layers(self):
        seen = set()
        for layer in self.layers:
            if id(layer) not in seen:
                seen.add(id(layer))
                yield layer

    def _named(self, attribute: str) -> dict:
        out, k = {}, 0
        for layer in self._unique_layers():
            items = getattr(layer, attribute)
            if items:
                k += 1
                out.update({f"{name}{k}": value for name, value in items.items()})
        return out

    @property
    def params(self) -> dict:
        """Every layer's parameters, named ``W1, b1, W2, b2, ...`` (the layers' own arrays)."""
        return self._named("params")

    @property
    def grads(self) -> dict:
        """The matching gradients ``W1, b1, ...``, summed since :meth:`zero_grad`."""
        return self._named("grads")

    def zero_grad(self):
        """Reset every layer's gradients to zero; returns the container.

        Call it before the backward pass of each training step.
        """
        for layer in self._unique_layers():
            if hasattr(layer, "zero_grad"):
                layer.zero_grad()
            elif layer.params:
                raise TypeError(f"Sequential.zero_grad: {type(layer).__name__} has parameters "
                                f"but no zero_grad method, so its gradients cannot be reset")
        return self

    def forward(self, X):
        """``X`` (n, d_in) -> output of the last layer (n, d_out)."""
        for i, layer in enumerate(self.layers):
            X = layer.forward(X)
            if i in self._shared:  # the next use will overwrite the layer's own cache
                self._caches[i] = layer.cache
        return X

    def backward(self, dL_dY, input_grad=True):
        """``dL_dY`` (n, d_out) -> ``dL_dX`` (n, d_in); each layer adds to its gradients.

        ``input_grad=False`` skips the first layer's ``dL_dX`` (returns ``None``).
        """
        for i in range(len(self.layers) - 1, -1, -1):
            layer = self.layers[i]
            if i in self._caches:  # a shared layer: restore this position's cache
                layer.cache = self._caches[i]
            dL_dY = layer.backward(dL_dY, input_grad=input_grad or i > 0)
        return dL_dY
