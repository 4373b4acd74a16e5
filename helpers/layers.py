"""Layers as small objects: ``forward`` keeps what ``backward`` needs (C23).

Row convention, as everywhere in the course: a batch ``X`` is ``(n, d_in)``
with one example per row.

- :class:`Linear` computes ``Y = X @ W + b``. Its forward pass caches ``X``;
  its backward pass returns ``dL_dX = dL_dY @ W.T`` and stores
  ``dL_dW = X.T @ dL_dY`` and ``dL_db = dL_dY.sum(axis=0)`` (the formulas of
  :func:`helpers.linear.linear_backward`).
- :class:`ReLU` computes ``max(Z, 0)`` entry by entry. Its forward pass caches
  the mask ``Z > 0``; its backward pass returns ``dL_dA * mask``.
- :class:`Sequential` chains layers: forward in order, backward in reverse.

What is cached is the input of the *most recent* forward call. Calling
``forward`` on another batch before ``backward`` replaces it; calling
``backward`` before any ``forward`` raises a ``RuntimeError``. The cache holds
a reference to ``X`` (no copy): do not modify ``X`` in place between the two
calls.

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


def _not_cached(func: str, what: str) -> RuntimeError:
    return RuntimeError(
        f"{func}: nothing is cached; call forward before backward. The backward pass needs "
        f"{what} from the forward pass of the same batch."
    )


class Linear:
    """Affine layer ``Y = X @ W + b`` that caches its input.

    Parameters: ``W`` (d_in, d_out) and ``b`` (d_out,), copied on construction
    (the layer owns them). After :meth:`backward`, ``dL_dW`` (d_in, d_out) and
    ``dL_db`` (d_out,) hold the gradients of the last backward pass.
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
        """``{"W": dL_dW, "b": dL_db}`` from the last backward pass (``None`` before it)."""
        return {"W": self.dL_dW, "b": self.dL_db}

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
        """``dL_dY`` (n, d_out) -> ``dL_dX`` (n, d_in); stores ``dL_dW`` and ``dL_db``.

        ``input_grad=False`` skips ``dL_dX`` (returns ``None``): the first layer
        of a network has nobody to pass it to.
        """
        func = "Linear.backward"
        if self.X is None:
            raise _not_cached(func, "the input X (for dL_dW = X.T @ dL_dY)")
        X = self.X
        dL_dY = _upstream(func, "dL_dY", dL_dY, (X.shape[0], self.W.shape[1]),
                          lambda: f"cached X {shape_str(X.shape)} @ W {shape_str(self.W.shape)}")
        self.dL_dW = X.T @ dL_dY
        self.dL_db = dL_dY.sum(axis=0)
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
    by appending k: ``{"W1": ..., "b1": ..., "W2": ..., "b2": ...}``.
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
        self.layers = layers

    def __repr__(self) -> str:
        return f"Sequential({self.layers!r})"

    def _named(self, attribute: str) -> dict:
        out, k = {}, 0
        for layer in self.layers:
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
        """The matching gradients ``W1, b1, ...`` from the last backward pass."""
        return self._named("grads")

    def forward(self, X):
        """``X`` (n, d_in) -> output of the last layer (n, d_out)."""
        for layer in self.layers:
            X = layer.forward(X)
        return X

    def backward(self, dL_dY, input_grad=True):
        """``dL_dY`` (n, d_out) -> ``dL_dX`` (n, d_in); each layer stores its gradients.

        ``input_grad=False`` skips the first layer's ``dL_dX`` (returns ``None``).
        """
        for i in range(len(self.layers) - 1, -1, -1):
            dL_dY = self.layers[i].backward(dL_dY, input_grad=input_grad or i > 0)
        return dL_dY
