"""A two-layer MLP classifier trained by full-batch gradient descent (C26).

Built only from :mod:`helpers.layers` and :mod:`helpers.losses`::

    X (n, d_in) -> Linear -> Z1 (n, d_hidden) -> ReLU -> A1 -> Linear -> logits (n, d_out)
    loss = softmax cross-entropy of the logits, averaged over the batch

One training step is ``zero_grad``, ``forward``, ``softmax_cross_entropy``,
``backward`` and ``W <- W - lr * dL_dW`` for each of ``W1, b1, W2, b2``. As in
:mod:`helpers.layers` (and in frameworks), ``loss_and_grads`` *adds* to the
stored gradients, so several calls accumulate (micro-batches); ``train_step``
zeroes them first, so each step uses the gradient of its own batch. The parameter
dtype (float64 or float32) is kept throughout: float32 inputs and weights give
float32 activations and gradients, and the update happens in place.
"""

from __future__ import annotations

import numpy as np

from helpers._checks import as_real_array, positive_float, positive_int, shape_str
from helpers.layers import Linear, ReLU, Sequential
from helpers.losses import softmax_cross_entropy


def _init_scale(func: str, init, fan_in: int) -> float:
    if isinstance(init, str):
        if init != "he":
            raise ValueError(f"{func}: init must be 'he' or a standard deviation > 0, "
                             f"got {init!r}")
        return float(np.sqrt(2.0 / fan_in))
    return positive_float(func, "init", init)


class TwoLayerMLP:
    """``Linear(d_in, d_hidden) -> ReLU -> Linear(d_hidden, d_out)`` with softmax cross-entropy.

    Weights are drawn from ``np.random.default_rng(seed)``: first ``W1`` (d_in,
    d_hidden), then ``W2`` (d_hidden, d_out), standard normal times the scale
    given by ``init`` (``"he"``: ``sqrt(2 / fan_in)``; a number: that standard
    deviation, e.g. 0.01). Biases start at zero. ``dtype``: float64 or float32.

    ``params`` / ``grads``: dicts ``W1, b1, W2, b2`` (the layers' own arrays;
    the gradients are summed since the last :meth:`zero_grad`).
    """

    def __init__(self, d_in, d_hidden, d_out, *, seed=0, init="he", dtype=np.float64):
        func = "TwoLayerMLP"
        d_in = positive_int(func, "d_in", d_in)
        d_hidden = positive_int(func, "d_hidden", d_hidden)
        d_out = positive_int(func, "d_out", d_out)
        dtype = np.dtype(dtype)
        if dtype not in (np.float64, np.float32):
            raise TypeError(f"{func}: dtype must be float64 or float32, got {dtype}")
        rng = np.random.default_rng(seed)
        W1 = rng.standard_normal((d_in, d_hidden)) * _init_scale(func, init, d_in)
        W2 = rng.standard_normal((d_hidden, d_out)) * _init_scale(func, init, d_hidden)
        self.net = Sequential([
            Linear(W1.astype(dtype), np.zeros(d_hidden, dtype=dtype)),
            ReLU(),
            Linear(W2.astype(dtype), np.zeros(d_out, dtype=dtype)),
        ])

    def __repr__(self) -> str:
        d_in, d_hidden = self.net.layers[0].W.shape
        d_out = self.net.layers[2].W.shape[1]
        return (f"TwoLayerMLP(d_in={d_in}, d_hidden={d_hidden}, d_out={d_out}, "
                f"dtype={self.net.layers[0].W.dtype})")

    @property
    def params(self) -> dict:
        """``{"W1", "b1", "W2", "b2"}`` -> the model's own arrays."""
        return self.net.params

    @property
    def grads(self) -> dict:
        """The gradients summed over :meth:`loss_and_grads` calls since :meth:`zero_grad`.

        Same names and shapes as :attr:`params`; ``None`` before the first call.
        """
        return self.net.grads

    def zero_grad(self):
        """Reset every gradient to zero; returns the model."""
        self.net.zero_grad()
        return self

    def forward(self, X):
        """``X`` (n, d_in) -> logits (n, d_out); caches what backward needs."""
        return self.net.forward(X)

    def loss(self, X, y):
        """Mean softmax cross-entropy on ``X`` (n, d_in), ``y`` (n,), as a float. No gradients."""
        loss, _ = softmax_cross_entropy(self.net.forward(X), y)
        return loss

    def loss_and_grads(self, X, y):
        """Forward and backward pass; returns the loss and adds its gradients to :attr:`grads`.

        ``X`` (n, d_in), ``y`` (n,) integer labels in 0..d_out-1. The gradients
        are added to what is stored: call :meth:`zero_grad` first unless you mean
        to accumulate over several batches. The input gradient ``dL_dX`` is not
        computed (nothing would use it).
        """
        loss, dL_dlogits = softmax_cross_entropy(self.net.forward(X), y)
        self.net.backward(dL_dlogits, input_grad=False)
        return loss

    def step(self, lr):
        """Gradient descent in place: ``p -= lr * dL_dp`` for every parameter."""
        lr = positive_float("TwoLayerMLP.step", "lr", lr)
        grads = self.grads
        for name, p in self.params.items():
            g = grads[name]
            if g is None:
                raise RuntimeError("TwoLayerMLP.step: no gradients yet; call loss_and_grads "
                                   "(forward and backward) before step")
            p -= lr * g
        return self

    def train_step(self, X, y, lr):
        """One step (zero_grad, forward, loss, backward, update); returns the loss before it."""
        self.zero_grad()
        loss = self.loss_and_grads(X, y)
        self.step(lr)
        return loss

    def predict(self, X):
        """``X`` (n, d_in) -> predicted class labels (n,), int64 (largest logit wins)."""
        return np.argmax(self.net.forward(X), axis=1).astype(np.int64)

    def accuracy(self, X, y):
        """Fraction of the rows of ``X`` (n, d_in) whose prediction equals ``y`` (n,)."""
        y = as_real_array("TwoLayerMLP.accuracy", "y", y, ndim=1)
        pred = self.predict(X)
        if y.shape != pred.shape:
            raise ValueError(f"TwoLayerMLP.accuracy: y has shape {shape_str(y.shape)} but X "
                             f"has {pred.shape[0]} rows; one label per example")
        return float(np.mean(pred == y))


def train(model, X, y, *, lr=1.0, steps=1000):
    """Full-batch gradient descent: ``steps`` calls of ``model.train_step(X, y, lr)``.

    ``X`` (n, d_in), ``y`` (n,). Returns the loss before each step, a float64
    array of shape (steps,).
    """
    steps = positive_int("train", "steps", steps)
    lr = positive_float("train", "lr", lr)
    X = as_real_array("train", "X", X, ndim=2)
    losses = np.empty(steps, dtype=np.float64)
    for t in range(steps):
        losses[t] = model.train_step(X, y, lr)
    return losses
