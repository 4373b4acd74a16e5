"""Rules an exercise states and its tests enforce: "write it yourself, numpy only".

Several exercises rebuild a function that :mod:`helpers` already has (the linear
layer's backward pass, the numerical gradient, clipping by global norm). A learner
who calls the helper instead has not done the exercise, and the exercise's
statement says so. :func:`assert_does_not_use` lets a test cell check it.

It reads the learner's function the way Python resolves its names: every name and
attribute its code (and the code of any function or lambda nested in it) refers
to, looked up in the function's globals and closure. A forbidden helper is found
whether it is called directly, through an alias (``lb = linear_backward``), as a
module attribute (``helpers.linear.linear_backward``) or through a module alias
(``import helpers.linear as hl``).
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterable

__all__ = ["names_used", "forbidden_uses", "assert_does_not_use"]


def _code_objects(code: types.CodeType) -> Iterable[types.CodeType]:
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _code_objects(const)


def names_used(fn: Callable) -> set[str]:
    """Every global, attribute and free-variable name the code of ``fn`` mentions,
    nested functions and lambdas included."""
    code = getattr(fn, "__code__", None)
    if code is None:
        raise TypeError(f"expected a Python function, got {type(fn).__name__}")
    names: set[str] = set()
    for c in _code_objects(code):
        names.update(c.co_names)
        names.update(c.co_freevars)
    return names


def _resolve(fn: Callable, name: str):
    """What ``name`` refers to for ``fn``: a closure cell, a global, or a builtin."""
    code = fn.__code__
    if fn.__closure__ and name in code.co_freevars:
        try:
            return fn.__closure__[code.co_freevars.index(name)].cell_contents
        except ValueError:  # an empty cell: the variable was never assigned
            return None
    return fn.__globals__.get(name)


def forbidden_uses(fn: Callable, *forbidden: Callable) -> list[str]:
    """The names in ``fn`` through which it can reach one of ``forbidden``.

    A name counts when it resolves (globals or closure) to a forbidden function or
    to a module that holds one, or when it is an attribute whose name is a
    forbidden function's ``__name__`` (``hl.linear_backward``)."""
    targets = {id(f) for f in forbidden}
    target_names = {f.__name__ for f in forbidden}
    hits = []
    for name in sorted(names_used(fn)):
        value = _resolve(fn, name)
        if value is not None and id(value) in targets:
            hits.append(name)
        elif isinstance(value, types.ModuleType) and any(
                id(getattr(value, t, None)) in targets for t in target_names):
            hits.append(name)
        elif name in target_names:
            hits.append(name)
    return hits


def assert_does_not_use(fn: Callable, *forbidden: Callable, exercise: str) -> None:
    """Fail with a sentence for the learner if ``fn`` reaches one of ``forbidden``.

    ``exercise`` is the exercise's number, such as ``"03.1"``."""
    hits = forbidden_uses(fn, *forbidden)
    if hits:
        wanted = ", ".join(f"`{f.__module__}.{f.__name__}`" for f in forbidden)
        raise AssertionError(
            f"Exercise {exercise} asks you to write this yourself with numpy, but "
            f"`{fn.__name__}` uses {', '.join(repr(h) for h in hits)}, which reaches "
            f"{wanted}: the helper this exercise rebuilds. Replace that call with your "
            f"own numpy code.")
