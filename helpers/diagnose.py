"""Name the likely mistake in a learner's linear-layer gradients (C16).

:func:`diagnose_linear_backward` takes the three arrays a learner's backward
pass returned; :func:`diagnose_backward_function` takes the function itself,
runs it and also explains a shape error raised inside it. Both compare with
the right answer and return a :class:`Diagnosis` whose text is one plain
sentence with the expected and actual shapes.

Bug names (``Diagnosis.bug``) are those of :mod:`helpers.bugzoo`, plus
``"correct"``, ``"not_reduced"``, ``"wrong_values"``, ``"wrong_shape"`` and
``"not_implemented"``. A shape error raised inside a learner's function is
named by its likely cause (``"missing_transpose"`` for a matrix product,
``"elementwise_instead_of_matmul"`` for broadcasting).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from helpers._checks import as_real_array, shape_str
from helpers.linear import linear_backward

_NAMES = ("dL_dX", "dL_dW", "dL_db")


@dataclass(frozen=True)
class Diagnosis:
    """``ok``: all three gradients are right. ``bug``: a short name of the first
    problem found. ``message``: one sentence for a learner. ``findings``: every
    problem found, one ``(bug, message)`` pair per gradient that is wrong.
    ``error``: the text of an exception the learner's function raised, if any."""

    ok: bool
    bug: str
    message: str
    findings: tuple = ()
    error: str = ""

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        return self.message

    __repr__ = __str__


def _close(a, b) -> bool:
    a = np.asarray(a)
    b = np.asarray(b)
    if a.shape != b.shape:
        return False
    scale = max(float(np.max(np.abs(b), initial=0.0)), 1e-300)
    return bool(np.allclose(a, b, rtol=1e-6, atol=1e-9 * scale))


def _broadcastable(a: tuple, b: tuple) -> bool:
    try:
        np.broadcast_shapes(a, b)
    except ValueError:
        return False
    return True


def _shape_of(a) -> str:
    return shape_str(np.shape(a))


def _explain(name: str, got, X, W, dL_dY, want) -> tuple[str, str]:
    """One finding for one wrong gradient: (bug, sentence)."""
    n = X.shape[0]
    seen, exp = _shape_of(got), shape_str(want.shape)
    got = np.asarray(got, dtype=np.float64)
    if name == "dL_dX":
        if W.shape[0] == W.shape[1] and _close(got, dL_dY @ W):
            return ("missing_transpose",
                    f"dL_dX is dL_dY @ W, a missing transpose: use dL_dY @ W.T "
                    f"(expected shape {exp}, got {seen}; the square W hid the error).")
        if _close(got, want.T):
            return ("missing_transpose",
                    f"dL_dX is the transpose of the right answer: expected shape {exp}, got "
                    f"{seen}; compute dL_dY @ W.T so that each row belongs to one example.")
    if name == "dL_dW":
        if _broadcastable(X.shape, dL_dY.shape) and _close(got, X * dL_dY):
            return ("elementwise_instead_of_matmul",
                    f"dL_dW is X * dL_dY, an elementwise product: it needs the matrix product "
                    f"X.T @ dL_dY, which sums over the batch (expected shape {exp}, got {seen}).")
        if _close(got, want.T):
            return ("transposed_weight_gradient",
                    f"dL_dW is transposed: expected shape {exp} like W, got {seen}; in the row "
                    f"convention the weight gradient is X.T @ dL_dY, not dL_dY.T @ X.")
    if name == "dL_db":
        if _close(got, dL_dY.sum(axis=1)):
            return ("wrong_reduction_axis",
                    f"dL_db was summed over the wrong axis: expected shape {exp} (one entry per "
                    f"output), got {seen}; the bias is shared by the examples, so use "
                    f"dL_dY.sum(axis=0).")
        if got.shape == dL_dY.shape:
            return ("not_reduced",
                    f"dL_db was not summed over the batch: expected shape {exp}, got {seen}; "
                    f"b was broadcast over the rows in the forward pass, so the backward pass "
                    f"sums dL_dY over axis 0.")
        if got.ndim == 0 and _close(got, dL_dY.sum()):
            return ("wrong_reduction_axis",
                    f"dL_db was summed over every axis: expected shape {exp}, got a scalar; "
                    f"sum over the batch only, dL_dY.sum(axis=0).")
    if n > 1 and _close(got, want / n):
        return ("mean_sum_mismatch",
                f"{name} is exactly 1/n = 1/{n} of the right answer (shape {seen} is right): "
                f"you averaged over the batch although the loss, and so dL_dY, already did "
                f"(or sums); divide once, where the loss is defined.")
    if n > 1 and _close(got, want * n):
        return ("mean_sum_mismatch",
                f"{name} is exactly n = {n} times the right answer (shape {seen} is right): the "
                f"loss averages over the batch but its dL_dY was built for a sum; divide dL_dY "
                f"by n once.")
    if got.shape != want.shape:
        return ("wrong_shape",
                f"{name} has shape {seen} but must have shape {exp}, the shape of what it "
                f"differentiates; match the shapes of the product to find the missing "
                f"transpose or reduction.")
    return ("wrong_values",
            f"{name} has the right shape {exp} but wrong values; check the formula against a "
            f"numerical gradient.")


def diagnose_linear_backward(grads, X, W, dL_dY):
    """Diagnose a learner's ``(dL_dX, dL_dW, dL_db)`` for ``Y = X @ W + b``.

    Shapes: ``X`` (n, d_in), ``W`` (d_in, d_out), ``dL_dY`` (n, d_out); ``grads``
    a tuple of three arrays of any shape (wrong shapes are what is diagnosed).
    Returns a :class:`Diagnosis`.
    """
    func = "diagnose_linear_backward"
    if not isinstance(grads, (tuple, list)) or len(grads) != 3:
        got = f"{type(grads).__name__} of length {len(grads)}" if isinstance(
            grads, (tuple, list)) else type(grads).__name__
        raise TypeError(f"{func}: grads must be the tuple (dL_dX, dL_dW, dL_db) that a "
                        f"backward pass returns, got {got}")
    arrays = []
    for name, g in zip(_NAMES, grads):
        arrays.append(as_real_array(func, f"grads[{_NAMES.index(name)}] ({name})", g,
                                    finite=False))
    want = linear_backward(dL_dY, X, W)
    X = np.asarray(X, dtype=np.float64)
    W = np.asarray(W, dtype=np.float64)
    dL_dY = np.asarray(dL_dY, dtype=np.float64)
    if all(_close(g, w) for g, w in zip(arrays, want)):
        return Diagnosis(True, "correct",
                         f"All three gradients are right: dL_dX {shape_str(want[0].shape)}, "
                         f"dL_dW {shape_str(want[1].shape)}, dL_db {shape_str(want[2].shape)}.")
    gx, gw = arrays[0], arrays[1]
    if _close(gx, want[1]) and _close(gw, want[0]):
        msg = (f"dL_dX and dL_dW are swapped: the first returned array has shape "
               f"{_shape_of(gx)} (the shape of W) and the second {_shape_of(gw)} (the shape of "
               f"X); return (dL_dX, dL_dW, dL_db) in that order.")
        return Diagnosis(False, "swapped_gradients", msg, (("swapped_gradients", msg),))
    findings = tuple(_explain(name, g, X, W, dL_dY, w)
                     for name, g, w in zip(_NAMES, arrays, want) if not _close(g, w))
    only_dW = len(findings) == 1 and findings[0][1].startswith("dL_dW has the right shape")
    if only_dW:
        msg = (f"dL_dW has the right shape {shape_str(want[1].shape)} but wrong values while "
               f"dL_dX and dL_db are right: the backward pass did not use the X of this "
               f"forward pass; keep (cache) X in the forward pass and use X.T @ dL_dY.")
        findings = (("discarded_input", msg),)
    bug, msg = findings[0]
    if len(findings) == 3 and all(b == "mean_sum_mismatch" for b, _ in findings):
        msg = (f"All three gradients have the right shapes but are off by the same factor "
               f"n = {X.shape[0]}: the batch mean was applied twice or not at all; divide by n "
               f"exactly once, where the loss is defined.")
    return Diagnosis(False, bug, msg, findings)


def diagnose_backward_function(backward, X, W, dL_dY):
    """Run ``backward(dL_dY, X, W)`` and diagnose what it returns (or raises).

    ``backward`` has the signature of :func:`helpers.linear.linear_backward`.
    A ``ValueError`` from a matrix product inside it is reported as a shape
    error with the shapes involved. Returns a :class:`Diagnosis`.
    """
    if not callable(backward):
        raise TypeError(f"diagnose_backward_function: backward must be callable, "
                        f"got {type(backward).__name__}")
    X_in, W_in, g_in = (np.array(a, dtype=np.float64) for a in (X, W, dL_dY))
    try:
        grads = backward(g_in.copy(), X_in.copy(), W_in.copy())
    except ValueError as exc:
        # numpy's own wording differs between versions: keep it out of the sentence.
        shapes = (f"X {shape_str(X_in.shape)}, W {shape_str(W_in.shape)} and dL_dY "
                  f"{shape_str(g_in.shape)}")
        if "broadcast" in str(exc):
            bug = "elementwise_instead_of_matmul"
            msg = (f"Your backward pass raised a broadcasting error with {shapes}: an "
                   f"elementwise product * was used where a matrix product @ belongs.")
        else:
            bug = "missing_transpose"
            msg = (f"Your backward pass raised a shape error in a matrix product with {shapes}: "
                   f"the inner sizes must match, and a missing transpose is the usual cause.")
        return Diagnosis(False, bug, msg, ((bug, msg),), error=f"ValueError: {exc}")
    except NotImplementedError:
        msg = "Your backward pass is not written yet (it raises NotImplementedError)."
        return Diagnosis(False, "not_implemented", msg, (("not_implemented", msg),))
    return diagnose_linear_backward(grads, X_in, W_in, g_in)
