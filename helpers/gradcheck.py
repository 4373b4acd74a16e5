"""Checking gradients numerically: finite differences, relative error, adjoint test.

Calling convention for a loss ``f``: it is called as ``f(x)`` and must return a
scalar. While a check runs, ``x`` is perturbed *in place* and put back
exactly afterwards (even if ``f`` raises), so ``f`` may either use its
argument or read the same array from a closure, CS231n-style::

    numerical_gradient(lambda W_: loss(X, W_, b), W)   # uses its argument
    numerical_gradient(lambda _: loss(X, W, b), W)     # reads W from the closure

Scale (notebook 05, section 5): the step is relative to each entry's size,
``h_i = h * max(1, |x_i|)``, and :func:`check_gradient` and
:func:`check_directional` compare numbers only down to what a central
difference can resolve. Their error is

    |numeric - analytic| / max(|numeric| + |analytic|, resolution / tol)

where ``resolution = NOISE_FACTOR * eps * (|f| / h_i + S)`` is the round-off
of the central difference (``eps |f| / h``) plus that of the gradient itself
(``eps`` times its scale ``S``, the largest numerical entry). Entries well
above ``resolution / tol`` get the usual relative error; smaller ones are
measured in units of that resolution instead of against a fixed floor, so a
small entry is neither a false alarm nor exempt from the check.

Costs (C20): a full check makes two evaluations of ``f`` per entry of ``x``;
:func:`check_directional` makes two per random direction, whatever the size of
``x``; :func:`adjoint_test` makes one forward and one adjoint call per trial.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from helpers._checks import (
    as_real_array,
    as_scalar,
    positive_float,
    positive_int,
    require_same_shape,
    shape_str,
    warn_if_float32,
)

#: Denominator floor of :func:`rel_error`: below it, both numbers count as zero.
REL_ERROR_FLOOR = 1e-8

#: Safety factor on the round-off model ``eps * (|f| / h + S)`` of a central
#: difference. The gaps measured on correct gradients stay below about one model
#: unit (tests/test_gradcheck.py), so 8 leaves a margin of about eight, while a
#: 1e-4 relative error still shows in the tiny entry of the tests' regression
#: whose third feature is scaled by 1e-4 (an error below the resolution cannot).
NOISE_FACTOR = 8.0


def _perturbable(func: str, x) -> np.ndarray:
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{func}: x must be a numpy float array (it is perturbed in place and "
                        f"restored), got {type(x).__name__}; pass np.asarray(x, dtype=float)")
    x = as_real_array(func, "x", x, allow_int=False)
    if not x.flags.writeable:
        raise ValueError(f"{func}: x (shape {shape_str(x.shape)}) is read-only; it is perturbed "
                         f"in place and restored, so pass a writeable copy (x.copy())")
    warn_if_float32(func, "x", x)
    return x


def _callable(func: str, name: str, f) -> None:
    if not callable(f):
        raise TypeError(f"{func}: {name} must be callable, got {type(f).__name__}")


def _relative_step(h: float, value) -> float:
    """``h * max(1, |value|)``: the step for one entry, relative to its size."""
    return h * max(1.0, abs(float(value)))


def _central_difference(func: str, f, x: np.ndarray, idx: tuple, h: float):
    """Central difference in entry ``idx`` with the relative step ``h * max(1, |x[idx]|)``.

    Returns ``(slope, f_size, step)``: the difference quotient over the step really taken
    (``x[idx] + step`` is rounded to ``x``'s dtype), the larger ``|f|`` of the two
    evaluations, and that step. ``x[idx]`` is put back exactly, even if ``f`` raises.
    """
    old = x[idx].copy()
    step = _relative_step(h, old)
    try:
        x[idx] = old + step
        up = x[idx].copy()
        f_plus = as_scalar(func, "f", f(x))
        x[idx] = old - step
        down = x[idx].copy()
        f_minus = as_scalar(func, "f", f(x))
    finally:
        x[idx] = old
    taken = float(up) - float(down)  # 2 * step, up to the rounding of x +- step
    return (f_plus - f_minus) / taken, max(abs(f_plus), abs(f_minus)), taken / 2


def numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient of a scalar function ``f`` at ``x``.

    ``x``: float array of any shape (perturbed in place, restored exactly).
    Returns an array of ``x``'s shape whose entry ``i`` is
    ``(f(x + h_i e_i) - f(x - h_i e_i)) / (2 h_i)`` with the relative step
    ``h_i = h * max(1, |x_i|)`` (just ``h`` for entries of size up to 1).
    Costs ``2 * x.size`` calls of ``f``.
    """
    func = "numerical_gradient"
    _callable(func, "f", f)
    x = _perturbable(func, x)
    h = positive_float(func, "h", h)
    grad = np.zeros(x.shape, dtype=np.float64)
    for idx in np.ndindex(x.shape):
        grad[idx] = _central_difference(func, f, x, idx, h)[0]
    return grad


def rel_error(a, b, floor=REL_ERROR_FLOOR):
    """Largest elementwise relative error ``|a - b| / max(|a| + |b|, floor)``.

    ``a`` and ``b`` must have the same shape (scalars allowed). Returns a float.
    Rough scale in float64: below 1e-7 the two agree; near 1e-2 or above,
    one of them is wrong. The floor is absolute, so numbers far below 1 (say
    1e-10) are "too small to compare" with it: :func:`check_gradient` uses a
    floor set by the finite difference's resolution instead.
    """
    func = "rel_error"
    a = as_real_array(func, "a", a)
    b = as_real_array(func, "b", b)
    require_same_shape(func, "a", a, "b", b)
    floor = positive_float(func, "floor", floor)
    a = a.astype(np.float64, copy=False)
    b = b.astype(np.float64, copy=False)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), floor)))


def _scaled_errors(numeric, analytic, resolution, tol):
    """``|n - a| / max(|n| + |a|, resolution / tol)``, elementwise (see the module's text)."""
    numeric = np.asarray(numeric, dtype=np.float64)
    analytic = np.asarray(analytic, dtype=np.float64)
    floor = np.maximum(np.asarray(resolution, dtype=np.float64) / tol, np.finfo(np.float64).tiny)
    return np.abs(numeric - analytic) / np.maximum(np.abs(numeric) + np.abs(analytic), floor)


def _eps_of(x: np.ndarray) -> float:
    return float(np.finfo(x.dtype).eps)


def _fmt_tol(tol: float) -> str:
    return f"{tol:.0e}".replace("e-0", "e-")


@dataclass(frozen=True)
class CheckResult:
    """Outcome of a gradient or adjoint check.

    ``passed``: ``worst_rel_error < tol``. ``worst_index``: where the worst error
    is (an index of ``x`` for :func:`check_gradient`, the direction or trial
    number otherwise). ``n_evaluations``: calls of ``f`` (or of the maps) made.

    Its text is a verdict that prints the same on every machine; the exact
    error, which varies in its last digits, is in ``worst_rel_error``.
    """

    kind: str
    passed: bool
    worst_rel_error: float
    worst_index: object
    n_evaluations: int
    tol: float
    details: dict = field(default_factory=dict, repr=False, compare=False)

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        verdict = "passed" if self.passed else "FAILED"
        where = "" if self.passed else f", worst at {self.worst_index}"
        return (f"{self.kind} {verdict}: rel. error < {_fmt_tol(self.tol)}: {self.passed}"
                f"{where} ({self.n_evaluations} evaluations)")

    __repr__ = __str__


def check_gradient(f, x, analytic, h=1e-5, tol=1e-7, max_entries=None, seed=0):
    """Compare an analytic gradient with central differences, entry by entry, scale-aware.

    ``f``: scalar function of ``x`` (see the module's calling convention);
    ``x``: float array of any shape; ``analytic``: array of ``x``'s shape.
    ``max_entries``: check only this many entries, drawn at random with
    ``seed`` (for large ``x``); by default every entry is checked.

    Entry ``i`` uses the step ``h * max(1, |x_i|)``; its error is
    ``|n_i - a_i| / max(|n_i| + |a_i|, resolution_i / tol)`` with the
    round-off resolution of the module's text, and the check passes when the
    worst error is below ``tol``. A 1e-4 relative error in any entry that the
    differences can resolve fails. Returns a :class:`CheckResult`
    (``2 * entries`` evaluations); ``details`` holds the numerical entries,
    the errors and the resolutions.
    """
    func = "check_gradient"
    _callable(func, "f", f)
    x = _perturbable(func, x)
    analytic = as_real_array(func, "analytic", analytic)
    require_same_shape(func, "analytic", analytic, "x", x)
    h = positive_float(func, "h", h)
    tol = positive_float(func, "tol", tol)
    indices = list(np.ndindex(x.shape))
    if max_entries is not None:
        max_entries = positive_int(func, "max_entries", max_entries)
        if max_entries < len(indices):
            picks = np.random.default_rng(seed).choice(len(indices), max_entries, replace=False)
            indices = [indices[i] for i in sorted(picks)]
    slopes, f_over_h = np.zeros(len(indices)), np.zeros(len(indices))
    for k, idx in enumerate(indices):
        slope, f_size, step = _central_difference(func, f, x, idx, h)
        slopes[k], f_over_h[k] = slope, f_size / step
    claimed = np.array([float(analytic[idx]) for idx in indices])
    scale = float(np.max(np.abs(slopes)))
    resolution = NOISE_FACTOR * _eps_of(x) * (f_over_h + scale)
    errors = _scaled_errors(slopes, claimed, resolution, tol)
    k = int(np.argmax(errors))
    worst = float(errors[k])
    details = {"numeric": dict(zip(indices, slopes.tolist())),
               "errors": dict(zip(indices, errors.tolist())),
               "resolution": dict(zip(indices, resolution.tolist()))}
    return CheckResult("gradient check", worst < tol, worst, indices[k],
                       2 * len(indices), tol, details)


def check_directional(f, x, analytic, n_directions=3, h=1e-5, tol=1e-6, seed=0):
    """Check an analytic gradient along random directions (C20), scale-aware.

    For each direction, a unit vector ``v`` drawn with ``seed`` is scaled entry by
    entry like the steps of :func:`check_gradient`, ``u = v * max(1, |x|)``; the
    central difference ``(f(x + h u) - f(x - h u)) / (2 h)`` is compared with
    ``<analytic, u>`` (over the displacement really taken, after rounding), with
    the error of :func:`check_gradient`. A wrong gradient fails with
    probability 1, at two evaluations per direction whatever the size of ``x``.
    Shapes: ``analytic`` like ``x``. Returns a :class:`CheckResult`
    (``worst_index`` is a direction number).
    """
    func = "check_directional"
    _callable(func, "f", f)
    x = _perturbable(func, x)
    analytic = as_real_array(func, "analytic", analytic).astype(np.float64, copy=False)
    require_same_shape(func, "analytic", analytic, "x", x)
    n_directions = positive_int(func, "n_directions", n_directions)
    h = positive_float(func, "h", h)
    tol = positive_float(func, "tol", tol)
    rng = np.random.default_rng(seed)
    saved = x.copy()
    sizes = np.maximum(1.0, np.abs(saved.astype(np.float64)))
    worst, worst_k = -1.0, None
    for k in range(n_directions):
        v = rng.standard_normal(x.shape)
        u = h * sizes * (v / np.linalg.norm(v))
        try:
            x[...] = saved + u
            up = x.astype(np.float64)
            f_plus = as_scalar(func, "f", f(x))
            x[...] = saved - u
            down = x.astype(np.float64)
            f_minus = as_scalar(func, "f", f(x))
        finally:
            x[...] = saved
        moved = up - down  # 2 h u, up to the rounding of x +- h u
        numeric = (f_plus - f_minus) / (2 * h)
        claimed = float(np.vdot(analytic, moved)) / (2 * h)
        terms = float(np.vdot(np.abs(analytic), np.abs(moved))) / (2 * h)
        resolution = NOISE_FACTOR * _eps_of(x) * (max(abs(f_plus), abs(f_minus)) / h + terms)
        err = float(_scaled_errors(numeric, claimed, resolution, tol))
        if err > worst:
            worst, worst_k = err, k
    return CheckResult("directional check", worst < tol, worst, worst_k, 2 * n_directions, tol)


def _shape_arg(func: str, name: str, shape) -> tuple:
    try:
        shape = tuple(int(s) for s in (shape if np.iterable(shape) else (shape,)))
    except (TypeError, ValueError):
        raise TypeError(f"{func}: {name} must be a shape such as (4, 3), got {shape!r}") from None
    if not shape or any(s < 1 for s in shape):
        raise ValueError(f"{func}: {name} must be a non-empty shape of positive sizes, "
                         f"got {shape}")
    return shape


def adjoint_test(forward, adjoint, in_shape, out_shape, n_trials=3, tol=1e-10, seed=0):
    """The dot-product test ``<forward(u), v> == <u, adjoint(v)>`` (C07).

    ``forward`` maps arrays of ``in_shape`` to ``out_shape``; ``adjoint`` maps
    back. Both must be linear. Random ``u`` and ``v`` are drawn with ``seed``.
    Returns a :class:`CheckResult` with the worst relative gap over trials.
    """
    func = "adjoint_test"
    _callable(func, "forward", forward)
    _callable(func, "adjoint", adjoint)
    in_shape = _shape_arg(func, "in_shape", in_shape)
    out_shape = _shape_arg(func, "out_shape", out_shape)
    n_trials = positive_int(func, "n_trials", n_trials)
    tol = positive_float(func, "tol", tol)
    rng = np.random.default_rng(seed)
    worst, worst_k = -1.0, None
    for k in range(n_trials):
        u = rng.standard_normal(in_shape)
        v = rng.standard_normal(out_shape)
        Au = as_real_array(func, "forward(u)", forward(u.copy()))
        if Au.shape != out_shape:
            raise ValueError(f"{func}: forward returned shape {shape_str(Au.shape)} for an input "
                             f"of shape {shape_str(in_shape)}; out_shape says {out_shape}")
        ATv = as_real_array(func, "adjoint(v)", adjoint(v.copy()))
        if ATv.shape != in_shape:
            raise ValueError(f"{func}: adjoint returned shape {shape_str(ATv.shape)} for an input "
                             f"of shape {shape_str(out_shape)}; in_shape says {in_shape}")
        err = rel_error(np.vdot(Au, v), np.vdot(u, ATv))
        if err > worst:
            worst, worst_k = err, k
    return CheckResult("adjoint test", worst < tol, worst, worst_k, 2 * n_trials, tol)
