"""Say what a learner's linear-layer gradients got wrong (C16).

:func:`diagnose_linear_backward` takes the three arrays a learner's backward
pass returned; :func:`diagnose_backward_function` takes the function itself,
runs it and also explains an error raised inside it. Both compare with the
right answer and return a :class:`Diagnosis` whose text is one plain sentence.

A cause is named only when the numbers show it:

- a transposed result, or a product that needs a transpose (``"transpose"``);
- a constant factor, with its value (``"a factor of 2"``, ``"a factor of n = 4"``);
- a flipped sign (``"sign"``); the right answer divided by n (``"averaged"``);
- dL_dX and dL_dW in each other's place (``"swapped"``);
- dL_dW equal to ``Z.T @ dL_dY`` for an array ``Z`` of X's shape that the
  function could have seen instead of this call's X: the X of an earlier call,
  an array it reads from its globals or closure, or zeros (a cache never filled)
  (``"cache"``);
- an elementwise product where a matrix product belongs (``"elementwise"``).

Otherwise the sentence says which array is wrong, its expected and actual shape
and a few values, and guesses nothing. An error raised inside the learner's
function is explained in course terms, with the shapes of the product that failed
(numpy's own wording stays in ``Diagnosis.error``).

Two building blocks serve exercises whose function is not a layer's backward pass:
:func:`explain_difference` (one array against the right one) and
:func:`explain_error` (an exception raised inside a learner's function).

A factor is named only when the right answer has at least two different entries:
against a constant right answer (``dL_dY`` all ones, say) any constant array is a
"multiple", which proves nothing.

Bug names (``Diagnosis.bug``) are those of :mod:`helpers.bugzoo`, plus
``"correct"``, ``"transposed_result"``, ``"constant_factor"``, ``"sign_flip"``,
``"not_reduced"``, ``"wrong_values"``, ``"wrong_shape"``, ``"wrong_return"``,
``"shape_error"``, ``"raised"`` and ``"not_implemented"``.
"""

from __future__ import annotations

import ast
import dis
import io
import linecache
import os
import tokenize
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from helpers._checks import as_real_array, shape_str
from helpers.linear import linear_backward

_NAMES = ("dL_dX", "dL_dW", "dL_db")
_NUMPY_DIR = os.path.dirname(np.__file__)
_OF = {"dL_dX": "X", "dL_dW": "W", "dL_db": "b"}


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


def _values(a, count: int = 4) -> str:
    """The first few entries of ``a``, rounded, for a sentence."""
    flat = np.asarray(a, dtype=np.float64).ravel()
    shown = ", ".join(f"{v:.4g}" for v in flat[:count])
    return f"[{shown}{', ...' if flat.size > count else ''}]"


def _informative(want) -> bool:
    """A relation such as "twice the right answer" can only be read off an answer
    with at least two different entries."""
    want = np.asarray(want, dtype=np.float64)
    if want.size < 2:
        return False
    scale = float(np.max(np.abs(want)))
    return scale > 0 and float(np.ptp(want)) > 1e-9 * scale


def _factor_text(c: float, n: int) -> str | None:
    """``"2"``, ``"1/4"``, ``"n = 4"``, ``"1/n = 1/4"`` or a decimal, for |c| != 1."""
    a = abs(c)
    if n > 1 and np.isclose(a, n, rtol=1e-6):
        return f"n = {n}"
    if n > 1 and np.isclose(a, 1 / n, rtol=1e-6):
        return f"1/n = 1/{n}"
    frac = Fraction(a).limit_denominator(16)
    if frac.numerator <= 64 and np.isclose(a, float(frac), rtol=1e-6):
        return str(frac)
    return f"{a:.4g}"


def _constant_factor(got, want):
    """``c`` with ``got == c * want`` (c != 1), or None."""
    if got.shape != want.shape or not _informative(want):
        return None
    if not np.all(np.isfinite(got)):
        return None
    c = float(np.vdot(want, got) / np.vdot(want, want))
    if c == 0 or np.isclose(c, 1.0, rtol=1e-9) or not _close(got, c * want):
        return None
    return c


def _factor_finding(name: str, c: float, n: int, shape: str,
                    layer: bool = True) -> tuple[str, str]:
    """(bug, sentence) for a gradient equal to c times the right one."""
    size = _factor_text(c, n)
    if np.isclose(c, -1.0, rtol=1e-6):
        return ("sign_flip",
                f"{name} has the opposite sign of the right answer (it is -1 times it; its "
                f"shape {shape} is right): a flipped sign.")
    sign = " and a flipped sign" if c < 0 else ""
    if n > 1 and np.isclose(abs(c), 1 / n, rtol=1e-6):
        why = ("the layer's formulas never divide by n; any 1/n belongs to the loss, and "
               "dL_dY already carries it" if layer else
               "divide by n once, as the loss does")
        return ("mean_sum_mismatch",
                f"{name} is the right answer divided by n = {n} (a factor of 1/{n}{sign}; its "
                f"shape {shape} is right): it was averaged over the batch once too often; "
                f"{why}.")
    if n > 1 and np.isclose(abs(c), n, rtol=1e-6):
        why = ("multiply by dL_dY as it is; a 1/n belongs to the loss, once" if layer else
               "the division by n is missing")
        return ("mean_sum_mismatch",
                f"{name} is n = {n} times the right answer (a factor of n = {n}{sign}; its "
                f"shape {shape} is right): {why}.")
    return ("constant_factor",
            f"{name} is {c:.4g} times the right answer (a factor of {size}{sign}; its shape "
            f"{shape} is right).")


def _explain(name: str, got, X, W, dL_dY, want, stale=()) -> tuple[str, str]:
    """One finding for one wrong gradient: (bug, sentence)."""
    n = X.shape[0]
    seen, exp = _shape_of(got), shape_str(want.shape)
    got = np.asarray(got, dtype=np.float64)
    of = _OF[name]
    # 1. An elementwise product where the matrix product belongs.
    if name == "dL_dW" and _broadcastable(X.shape, dL_dY.shape) and _close(got, X * dL_dY):
        return ("elementwise_instead_of_matmul",
                f"dL_dW equals X * dL_dY, an elementwise product: it needs the matrix product "
                f"X.T @ dL_dY, which sums over the batch (expected shape {exp}, got {seen}).")
    # 2. A transposed result, or one made with a missing transpose.
    if got.ndim == 2 and got.shape == want.T.shape and _close(got, want.T):
        if name == "dL_dW":
            return ("transposed_weight_gradient",
                    f"dL_dW is transposed, the transpose of the right answer: expected shape "
                    f"{exp} like W, "
                    f"got {seen}; in the row convention the weight gradient is X.T @ dL_dY, "
                    f"and dL_dY.T @ X is its transpose.")
        return ("transposed_result",
                f"{name} is the transpose of the right answer: expected shape {exp} like "
                f"{of}, got {seen}; one row per example, dL_dY @ W.T.")
    if name == "dL_dX" and W.shape[0] == W.shape[1] and _close(got, dL_dY @ W):
        return ("missing_transpose",
                f"dL_dX equals dL_dY @ W, a missing transpose: use dL_dY @ W.T (shape {seen} "
                f"came out right only because W is square, {shape_str(W.shape)}).")
    # 3. The bias gradient reduced over the wrong axis, or not at all.
    if name == "dL_db":
        if _close(got, dL_dY.sum(axis=1)):
            return ("wrong_reduction_axis",
                    f"dL_db was summed over the wrong axis: expected shape {exp} (one entry per "
                    f"output), got {seen}; the bias is shared by the examples, so use "
                    f"dL_dY.sum(axis=0).")
        if got.shape == dL_dY.shape and _close(got, dL_dY):
            return ("not_reduced",
                    f"dL_db is dL_dY itself, not summed over the batch: expected shape {exp}, "
                    f"got {seen}; b was broadcast over the rows in the forward pass, so the "
                    f"backward pass sums dL_dY over axis 0.")
        if got.ndim == 0 and _close(got, dL_dY.sum()):
            return ("wrong_reduction_axis",
                    f"dL_db was summed over every axis: expected shape {exp}, got a scalar; "
                    f"sum over the batch only, dL_dY.sum(axis=0).")
    # 4. A constant factor or a flipped sign.
    c = _constant_factor(got, want)
    if c is not None:
        return _factor_finding(name, c, n, seen)
    # 5. dL_dW from a different X: a stale cache.
    if name == "dL_dW" and got.shape == want.shape:
        for label, Z in stale:
            if Z.shape == X.shape and not _close(Z, X) and _close(got, Z.T @ dL_dY):
                return ("discarded_input",
                        f"dL_dW equals Z.T @ dL_dY for a different X: Z is {label}, not the X "
                        f"of this call. Keep (cache) the X of this forward pass and use "
                        f"X.T @ dL_dY.")
    # 6. Unknown cause: say exactly what is wrong.
    if got.shape != want.shape:
        if got.size == want.size and _close(got.ravel(), want.ravel()):
            return ("wrong_shape",
                    f"{name} has shape {seen} but expected shape {exp}, the shape of {of}: "
                    f"the right values, with an axis too many or too few.")
        return ("wrong_shape",
                f"{name} has shape {seen} but expected shape {exp}, the shape of {of}; "
                f"expected values {_values(want)}, got {_values(got)}.")
    return ("wrong_values",
            f"{name} has the expected shape {exp} but wrong values: expected "
            f"{_values(want)}, got {_values(got)}.")


def _diagnose(arrays, X, W, dL_dY, stale=()) -> Diagnosis:
    want = linear_backward(dL_dY, X, W)
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
    findings = tuple(_explain(name, g, X, W, dL_dY, w, stale)
                     for name, g, w in zip(_NAMES, arrays, want) if not _close(g, w))
    bug, msg = findings[0]
    factors = [_constant_factor(np.asarray(g, dtype=np.float64), w)
               for g, w in zip(arrays, want)]
    if len(findings) == 3 and all(c is not None for c in factors) and all(
            np.isclose(c, factors[0], rtol=1e-6) for c in factors):
        c, n = factors[0], X.shape[0]
        if np.isclose(c, -1.0, rtol=1e-6):
            bug, msg = "sign_flip", (
                "All three gradients have the opposite sign of the right ones (each is -1 "
                "times it): a flipped sign, the same in all three, as from a dL_dY of the "
                "wrong sign.")
        elif n > 1 and np.isclose(c, 1 / n, rtol=1e-6):
            bug, msg = "mean_sum_mismatch", (
                f"All three gradients are the right ones divided by n = {n} (a factor of "
                f"1/{n}): they were averaged over the batch, but dL_dY already belongs to the "
                f"loss; divide by n exactly once, where the loss is defined.")
        elif n > 1 and np.isclose(c, n, rtol=1e-6):
            bug, msg = "mean_sum_mismatch", (
                f"All three gradients are n = {n} times the right ones (a factor of n = {n}): "
                f"divide by n exactly once, where the loss is defined.")
        else:
            bug, msg = "constant_factor", (
                f"All three gradients are {c:.4g} times the right ones (a factor of "
                f"{_factor_text(c, n)}{' and a flipped sign' if c < 0 else ''}), the same "
                f"constant in each.")
        findings = ((bug, msg),) + findings
    return Diagnosis(False, bug, msg, findings)


def diagnose_linear_backward(grads, X, W, dL_dY, *, other_inputs=()):
    """Diagnose a learner's ``(dL_dX, dL_dW, dL_db)`` for ``Y = X @ W + b``.

    Shapes: ``X`` (n, d_in), ``W`` (d_in, d_out), ``dL_dY`` (n, d_out); ``grads``
    a tuple of three arrays of any shape (wrong shapes are what is diagnosed).
    ``other_inputs``: arrays the backward pass could have used instead of ``X``
    (the X of an earlier call, say); a dL_dW built from one of them is reported
    as a stale cache. Returns a :class:`Diagnosis`.
    """
    func = "diagnose_linear_backward"
    if not isinstance(grads, (tuple, list)) or len(grads) != 3:
        got = f"{type(grads).__name__} of length {len(grads)}" if isinstance(
            grads, (tuple, list)) else type(grads).__name__
        raise TypeError(f"{func}: grads must be the tuple (dL_dX, dL_dW, dL_db) that a "
                        f"backward pass returns, got {got}")
    arrays = [as_real_array(func, f"grads[{i}] ({name})", g, finite=False)
              for i, (name, g) in enumerate(zip(_NAMES, grads))]
    linear_backward(dL_dY, X, W)  # checks the shapes of X, W and dL_dY
    X = np.asarray(X, dtype=np.float64)
    W = np.asarray(W, dtype=np.float64)
    dL_dY = np.asarray(dL_dY, dtype=np.float64)
    stale = [("an X of an earlier call", np.asarray(Z, dtype=np.float64))
             for Z in other_inputs]
    stale.append(("all zeros, as from a cache that was never filled", np.zeros_like(X)))
    return _diagnose(arrays, X, W, dL_dY, stale)


# --- Errors raised inside the learner's function ------------------------------------------


def _learner_frame(exc: BaseException):
    """The innermost traceback entry outside numpy and this module, or None."""
    found = None
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if not filename.startswith(_NUMPY_DIR) and filename != __file__:
            found = tb
        tb = tb.tb_next
    return found


def _without_comment(line: str) -> str:
    """``line`` without a trailing ``# comment`` (a learner's words are not the diagnosis)."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(line).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return line.strip()
    for tok in tokens:
        if tok.type == tokenize.COMMENT:
            return line[:tok.start[1]].strip()
    return line.strip()


def _failing_source(tb) -> tuple[str, str]:
    """(the line that failed, the exact expression that failed or "")."""
    code = tb.tb_frame.f_code
    line = _without_comment(linecache.getline(code.co_filename, tb.tb_lineno))
    try:
        positions = list(code.co_positions())[tb.tb_lasti // 2]
    except (AttributeError, IndexError):
        return line, ""
    start, end, col, end_col = positions
    if None in positions:
        return line, ""
    lines = [linecache.getline(code.co_filename, k) for k in range(start, end + 1)]
    if not all(lines):
        return line, ""
    if start == end:
        expr = lines[0][col:end_col]
    else:
        expr = lines[0][col:] + "".join(lines[1:-1]) + lines[-1][:end_col]
    return line, " ".join(expr.split())


_LOADS = ("LOAD_FAST", "LOAD_GLOBAL", "LOAD_NAME", "LOAD_DEREF", "LOAD_CLASSDEREF")


def _failing_product(tb) -> str:
    """``"A @ B.T"`` for the product that failed, read from the bytecode: the source is not
    always at hand (code run by ``exec``), the instructions are. ``np.matmul(A, B)``,
    ``np.dot(A, B)`` and ``A.dot(B)`` are read as ``A @ B``. "" when the operands are not
    plain names, possibly transposed."""
    code = tb.tb_frame.f_code
    instructions = list(dis.get_instructions(code))
    at = next((i for i, ins in enumerate(instructions) if ins.offset == tb.tb_lasti), None)
    if at is None:
        return ""

    def operand(j):
        transposes = 0
        while j >= 0 and instructions[j].opname == "LOAD_ATTR" and instructions[j].argval == "T":
            transposes += 1
            j -= 1
        if j >= 0 and instructions[j].opname in _LOADS:
            return str(instructions[j].argval) + ".T" * transposes, j - 1
        return None, j

    failing = instructions[at]
    if failing.opname == "BINARY_OP":
        op = failing.argrepr.rstrip("=")
        if op not in ("@", "*"):
            return ""
        right, j = operand(at - 1)
        left, _ = operand(j) if right else (None, j)
        return f"{left} {op} {right}" if left and right else ""
    if failing.opname == "CALL" and at > 0 and instructions[at - 1].opname == "PRECALL":
        right, j = operand(at - 2)
        if right is None or j < 0:
            return ""
        if failing.argval == 1 and instructions[j].opname in ("LOAD_METHOD", "LOAD_ATTR") \
                and instructions[j].argval == "dot":
            left, _ = operand(j - 1)
            return f"{left} @ {right}" if left else ""
        left, k = operand(j)
        if failing.argval == 2 and left and k >= 0 and \
                instructions[k].opname in ("LOAD_METHOD", "LOAD_ATTR") and \
                instructions[k].argval in ("matmul", "dot"):
            return f"{left} @ {right}"
    return ""


def _expr_shape(node, namespace):
    """Shape of a simple expression (names, ``.T``, numbers, ``+ - * /`` and ``@`` of
    them) in ``namespace``; None for anything else. Nothing is evaluated."""
    if isinstance(node, ast.Name):
        value = namespace.get(node.id)
        if isinstance(value, np.ndarray):
            return tuple(value.shape)
        return () if isinstance(value, (int, float, np.number)) else None
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return ()
    if isinstance(node, ast.Attribute) and node.attr == "T":
        inner = _expr_shape(node.value, namespace)
        return None if inner is None else inner[::-1]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return _expr_shape(node.operand, namespace)
    if isinstance(node, ast.BinOp):
        a, b = _expr_shape(node.left, namespace), _expr_shape(node.right, namespace)
        if a is None or b is None:
            return None
        if isinstance(node.op, ast.MatMult):
            ok = len(a) == 2 and len(b) == 2 and a[1] == b[0]
            return (a[0], b[1]) if ok else None
        if isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)) and _broadcastable(a, b):
            return tuple(np.broadcast_shapes(a, b))
    return None


def _toggle_t(text: str) -> str:
    """``A`` -> ``A.T``, ``A.T`` -> ``A``, ``A * 2`` -> ``(A * 2).T``."""
    if text.endswith(".T"):
        return text[:-2]
    return f"{text}.T" if text.replace(".", "_").isidentifier() else f"({text}).T"


def explain_error(exc: BaseException, called: dict | None = None, targets: dict | None = None,
                  *, function: str = "Your function") -> tuple[str, str]:
    """(bug, sentence) for an exception raised inside a learner's function.

    ``called``: name -> array the function was called with (their shapes are named);
    ``targets``: shape -> what an array of that shape would be (``{(3, 2): "dL_dW (the
    shape of W)"}``), so that a failed matrix product is called a missing transpose
    only when transposing one factor gives exactly such a shape. numpy's own text
    never appears: its wording is for numpy's developers, not for the course.
    """
    kind = type(exc).__name__
    called = called or {}
    targets = targets or {}
    with_ = ", ".join(f"{k} {shape_str(np.shape(v))}" for k, v in called.items())
    with_ = f" (called with {with_})" if with_ else ""
    tb = _learner_frame(exc)
    line, expr = _failing_source(tb) if tb is not None else ("", "")
    product = _failing_product(tb) if tb is not None else ""
    expr = expr or product
    where = f" in the line `{line}`" if line else ""
    text = str(exc)
    innermost = exc.__traceback__
    while innermost is not None and innermost.tb_next is not None:
        innermost = innermost.tb_next
    in_numpy = innermost is not None and (
        innermost is tb or innermost.tb_frame.f_code.co_filename.startswith(_NUMPY_DIR))
    from_numpy = isinstance(exc, ValueError) and in_numpy and any(
        word in text for word in ("operand", "broadcast", "shapes", "aligned", "mismatch"))
    if not from_numpy:
        if isinstance(exc, NotImplementedError) and not text:
            text = "it is not written yet"
        return ("raised", f"{function} raised {kind}{where}{with_}: {text}")
    namespace = {**tb.tb_frame.f_globals, **tb.tb_frame.f_locals} if tb is not None else {}
    try:
        node = ast.parse(expr, mode="eval").body if expr else None
    except SyntaxError:
        node = None
    if not isinstance(node, ast.BinOp) and product:  # np.matmul(A, B), A.dot(B): read as A @ B
        node = ast.parse(product, mode="eval").body
    note = ""
    upstream, given = namespace.get("dL_dY"), called.get("dL_dY")
    if isinstance(upstream, np.ndarray) and given is not None and \
            upstream.shape != np.shape(given):
        note = (f" Note that dL_dY in your function has shape {shape_str(upstream.shape)}, but "
                f"an upstream gradient has the shape of Y, {shape_str(np.shape(given))}.")
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.MatMult, ast.Mult)):
        left, right = node.left, node.right
        ls, rs = _expr_shape(left, namespace), _expr_shape(right, namespace)
        lt, rt = ast.unparse(left), ast.unparse(right)
        if ls is not None and rs is not None and len(ls) == 2 and len(rs) == 2:
            if isinstance(node.op, ast.Mult):
                fix = ""
                if ls[0] == rs[0] and (ls[1], rs[1]) in targets:
                    fix = (f" The matrix product {_toggle_t(lt)} @ {rt} sums over the batch and "
                           f"has shape {shape_str((ls[1], rs[1]))}, that of "
                           f"{targets[(ls[1], rs[1])]}.")
                return ("elementwise_instead_of_matmul",
                        f"{function} raised ValueError{where}{with_}: `{expr}` is an "
                        f"elementwise product, which needs shapes that broadcast, but {lt} is "
                        f"{shape_str(ls)} and {rt} is {shape_str(rs)}.{fix}{note}")
            head = (f"{function} raised ValueError{where}{with_}: the matrix product "
                    f"`{expr}` needs the inner sizes to agree, but {lt} is {shape_str(ls)} and "
                    f"{rt} is {shape_str(rs)} ({ls[1]} != {rs[0]}).")
            fixes = []
            if ls[0] == rs[0] and (ls[1], rs[1]) in targets:
                fixes.append((f"{_toggle_t(lt)} @ {rt}", (ls[1], rs[1])))
            if ls[1] == rs[1] and (ls[0], rs[0]) in targets:
                fixes.append((f"{lt} @ {_toggle_t(rt)}", (ls[0], rs[0])))
            if len(fixes) == 1:
                fix, shape = fixes[0]
                extra = "an extra" if fix.count(".T") < expr.count(".T") else "a missing"
                return ("missing_transpose",
                        f"{head} This is {extra} transpose: {fix} has shape "
                        f"{shape_str(shape)}, that of {targets[shape]}.{note}")
            return ("shape_error", head + note)
    locals_ = {k: v for k, v in (tb.tb_frame.f_locals.items() if tb is not None else ())
               if isinstance(v, np.ndarray)}
    arrays = ", ".join(f"{k} {shape_str(v.shape)}" for k, v in locals_.items())
    return ("shape_error",
            f"{function} raised ValueError{where}{with_}: numpy could not combine "
            f"arrays of these shapes{f' (its arrays: {arrays})' if arrays else ''}.{note}")


def _explain_error(exc, X, W, dL_dY) -> tuple[str, str]:
    return explain_error(exc, {"dL_dY": dL_dY, "X": X, "W": W},
                         {X.shape: "dL_dX (the shape of X)", W.shape: "dL_dW (the shape of W)"})


def explain_difference(name: str, got, want, *, n: int | None = None,
                       like: str | None = None) -> str | None:
    """None if ``got`` matches ``want``; otherwise one sentence that says how it differs.

    Named only when the numbers show it: a transposed array, a constant factor (with
    its value; with ``n`` given, "a factor of n = 4", and "averaged" for 1/n), a flipped
    sign. Otherwise the expected and actual shapes and a few values. ``like``: what
    ``want`` has the shape of ("W"), for the sentence.
    """
    want = np.asarray(want, dtype=np.float64)
    try:
        got = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return f"{name} must be an array of numbers, got {type(got).__name__}."
    if _close(got, want):
        return None
    exp, seen = shape_str(want.shape), shape_str(got.shape)
    like = f" like {like}" if like else ""
    if got.ndim == 2 and got.shape == want.T.shape and _close(got, want.T):
        return (f"{name} is transposed, the transpose of the right answer: expected shape "
                f"{exp}{like}, got {seen}.")
    c = _constant_factor(got, want)
    if c is not None:
        return _factor_finding(name, c, n or 0, seen, layer=False)[1]
    if got.shape != want.shape:
        if got.size == want.size and _close(got.ravel(), want.ravel()):
            return (f"{name} has shape {seen} but expected shape {exp}{like}: the right "
                    f"values, with an axis too many or too few.")
        return (f"{name} has shape {seen} but expected shape {exp}{like}; expected values "
                f"{_values(want)}, got {_values(got)}.")
    return (f"{name} has the expected shape {exp} but wrong values: expected "
            f"{_values(want)}, got {_values(got)}.")


def _seen_arrays(backward, shape, X_now) -> list:
    """(label, array) for every array of X's shape that ``backward`` can reach:
    its globals, closure and default arguments (one level deep)."""
    found = []
    code = getattr(backward, "__code__", None)
    if code is None:
        return found
    names = set(code.co_names)
    candidates = [(f"the global `{k}`", backward.__globals__.get(k)) for k in sorted(names)]
    for var, cell in zip(code.co_freevars, backward.__closure__ or ()):
        try:
            candidates.append((f"`{var}` from the enclosing scope", cell.cell_contents))
        except ValueError:
            continue
    for k, v in enumerate(backward.__defaults__ or ()):
        candidates.append((f"default argument {k + 1}", v))
    for label, value in candidates:
        if isinstance(value, np.ndarray) and value.shape == shape and value.dtype.kind == "f":
            if not _close(value, X_now):
                found.append((label, np.asarray(value, dtype=np.float64)))
    return found


def diagnose_backward_function(backward, X, W, dL_dY):
    """Run ``backward(dL_dY, X, W)`` and diagnose what it returns (or raises).

    ``backward`` has the signature of :func:`helpers.linear.linear_backward`.
    It is called twice, on copies: first with another X of the same shape (an
    earlier batch), then with ``X``, so that a backward pass that keeps the X of
    an earlier call is recognised. An error raised inside it is explained with
    the shapes involved. Returns a :class:`Diagnosis`.
    """
    if not callable(backward):
        raise TypeError(f"diagnose_backward_function: backward must be callable, "
                        f"got {type(backward).__name__}")
    X_in, W_in, g_in = (np.array(a, dtype=np.float64) for a in (X, W, dL_dY))
    linear_backward(g_in, X_in, W_in)  # checks the shapes of X, W and dL_dY
    X_earlier = np.random.default_rng(20250).standard_normal(X_in.shape)
    try:  # an earlier batch: its result is not judged, only remembered
        backward(g_in.copy(), X_earlier.copy(), W_in.copy())
    except Exception:  # noqa: BLE001 - the call below reports the error
        pass
    try:
        grads = backward(g_in.copy(), X_in.copy(), W_in.copy())
    except NotImplementedError:
        msg = "Your backward pass is not written yet (it raises NotImplementedError)."
        return Diagnosis(False, "not_implemented", msg, (("not_implemented", msg),))
    except Exception as exc:  # noqa: BLE001 - every error is explained, not just numpy's
        bug, msg = _explain_error(exc, X_in, W_in, g_in)
        return Diagnosis(False, bug, msg, ((bug, msg),), error=f"{type(exc).__name__}: {exc}")
    if isinstance(grads, (tuple, list)) and len(grads) == 3:
        try:
            arrays = [np.asarray(g, dtype=np.float64) for g in grads]
        except (TypeError, ValueError):
            arrays = None
    else:
        arrays = None
    if arrays is None:
        if isinstance(grads, (tuple, list)) and len(grads) == 3:
            what = "three items that are not all arrays of numbers"
        elif isinstance(grads, (tuple, list)):
            what = f"a {type(grads).__name__} of {len(grads)} items"
        else:
            what = repr(grads) if grads is None else f"one {type(grads).__name__}"
        msg = (f"Your backward pass returned {what}; it must return the three arrays "
               f"(dL_dX, dL_dW, dL_db), in that order.")
        return Diagnosis(False, "wrong_return", msg, (("wrong_return", msg),))
    stale = [("the X of an earlier call", X_earlier),
             *_seen_arrays(backward, X_in.shape, X_in),
             ("all zeros, as from a cache that was never filled", np.zeros_like(X_in))]
    return _diagnose(arrays, X_in, W_in, g_in, stale)
