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


def _reached(fn: Callable, name: str, forbidden: tuple) -> list[Callable]:
    """The forbidden helpers that ``name``, as ``fn`` sees it, leads to."""
    value = _resolve(fn, name)
    found = [f for f in forbidden if value is f or f.__name__ == name]
    if isinstance(value, types.ModuleType):
        held = [f for f in forbidden if getattr(value, f.__name__, None) is f]
        # `gc.check_directional` reaches the attribute it names, when the code names one
        named = [f for f in held if f.__name__ in names_used(fn)]
        found += named or held
    return list(dict.fromkeys(found))


def forbidden_uses(fn: Callable, *forbidden: Callable) -> list[str]:
    """The names in ``fn`` through which it can reach one of ``forbidden``.

    A name counts when it resolves (globals or closure) to a forbidden function or
    to a module that holds one, or when it is an attribute whose name is a
    forbidden function's ``__name__`` (``hl.linear_backward``)."""
    return [name for name in sorted(names_used(fn)) if _reached(fn, name, forbidden)]


def assert_does_not_use(fn: Callable, *forbidden: Callable, exercise: str) -> None:
    """Fail with a sentence for the learner if ``fn`` reaches one of ``forbidden``.

    ``exercise`` is the exercise's number, such as ``"03.1"``."""
    hits = forbidden_uses(fn, *forbidden)
    if hits:
        reached = list(dict.fromkeys(f for h in hits for f in _reached(fn, h, forbidden)))
        names = ", ".join(f"`{f.__module__}.{f.__name__}`" for f in reached)
        which = "the helper" if len(reached) == 1 else "helpers"
        raise AssertionError(
            f"Exercise {exercise} asks you to write this yourself with numpy, but "
            f"`{fn.__name__}` uses {', '.join(repr(h) for h in hits)}, which reaches "
            f"{names}: {which} this exercise rebuilds. Replace that call with your own "
            f"numpy code.")
