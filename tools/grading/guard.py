"""The grader's guard, loaded inside the kernel that runs a submission.

tools/grade.py copies this file into the read-only site directory of the
sandbox as ``course_grading_guard`` and starts every kernel with
``install()`` as its first line, before any learner code runs. ``install()``
captures the grader's own references: every function, class and method of
numpy, the course's helpers, the standard modules the tests use and the
kernel's own machinery (IPython, ipykernel, jupyter_client), plus the shell's
display hooks, event callbacks and input transformers.

Around every test cell the grader runs two more requests of its own:

- ``enter(token)`` puts back every captured reference (and removes learner
  event callbacks, input and AST transformers), so the test cell starts with
  the grader's objects whatever the answer cells replaced; it prints what it
  had to put back.
- ``check(token)`` compares again after the test cell: anything the learner's
  code replaced while the test ran is reported.

Each prints one line ``COURSE-GUARD <token> ok`` or
``COURSE-GUARD <token> tampered: <what>``; grade.py reads it outside the
kernel and gives the test cell no points unless both lines say ok.

This runs in the same process as the learner's code, so a learner who
targets this module itself can defeat it; the static scan of answer cells
flags the tools needed for that (see the README's grading section).
"""

from __future__ import annotations

import builtins
import importlib
import pkgutil
import sys
import types

#: Modules whose functions and classes the tests rely on (prefix match on the dotted name).
PROTECTED = (
    "numpy", "helpers", "builtins", "math", "operator", "functools", "itertools",
    "inspect", "traceback", "linecache", "re", "warnings", "types", "copy", "json",
    "contextlib", "collections", "textwrap", "IPython", "ipykernel", "jupyter_client",
    "comm", "zmq", "traitlets", "course_grading_guard",
)
#: The shell's lists of hooks that rewrite or watch a cell.
SHELL_LISTS = ("input_transformers_cleanup", "input_transformers_post", "ast_transformers")
SHELL_ATTRS = ("displayhook", "display_pub", "display_trap", "builtin_trap", "compile",
               "InteractiveTB", "SyntaxTB", "CustomTB", "custom_exceptions", "events",
               "input_transformer_manager", "display_formatter", "user_ns", "user_global_ns",
               "history_manager", "payload_manager", "kernel")
SYS_ATTRS = ("displayhook", "excepthook", "stdout", "stderr", "stdin", "__stdout__",
             "__stderr__", "modules", "meta_path", "path_hooks", "audit")
#: Entries the kernel itself swaps at every execution (ipykernel forwards input() to the client).
KERNEL_MANAGED = {("builtins", "input"), ("getpass", "getpass")}
_MISSING = object()
_HEAPTYPE = 1 << 9

_state: dict = {}


def _same(a, b) -> bool:
    """Identity, except that two bound methods of one function on one object are the same."""
    return a is b or (isinstance(a, types.MethodType) and isinstance(b, types.MethodType)
                      and a.__func__ is b.__func__ and a.__self__ is b.__self__)


def _protected(name: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in PROTECTED)


def _is_code(value) -> bool:
    """Whether replacing ``value`` changes behaviour (functions, classes, modules, methods)."""
    return callable(value) or isinstance(value, (types.ModuleType, staticmethod,
                                                 classmethod, property))


def _trusted_function(func) -> bool:
    """A hook is trusted if its code lives in an installed file, not in a cell."""
    func = getattr(func, "__func__", func)
    code = getattr(func, "__code__", None)
    if code is None:  # a builtin, a bound C method or an object with __call__
        target = vars(type(func)).get("__call__")
        code = getattr(target, "__code__", None)
        if code is None:
            return type(func).__module__ != "__main__" and _protected(type(func).__module__)
    name = code.co_filename
    return any(name.startswith(root) for root in _state["roots"])


def _import_all() -> None:
    import numpy  # noqa: F401
    import numpy.linalg  # noqa: F401
    import numpy.random  # noqa: F401
    import numpy.testing  # noqa: F401
    try:
        import helpers
    except ImportError:
        return
    for info in pkgutil.walk_packages(helpers.__path__, "helpers."):
        if ".widgets" in info.name or ".plots" in info.name:  # matplotlib; no test uses them
            continue
        try:
            importlib.import_module(info.name)
        except Exception:  # noqa: BLE001 -- a helper that cannot load is the tests' business
            pass


def _functions_of(mapping) -> list:
    found = []
    for value in list(mapping.values()):
        func = value.__func__ if isinstance(value, (staticmethod, classmethod)) else value
        if isinstance(func, types.FunctionType):
            found.append(func)
    return found


def install() -> None:
    """Capture the grader's references; the kernel runs this before any learner code."""
    if _state:
        return
    _import_all()
    shell = _shell()
    modules, classes, functions = {}, {}, {}
    for name, module in list(sys.modules.items()):
        if not isinstance(module, types.ModuleType) or not _protected(name):
            continue
        saved = {k: v for k, v in vars(module).items() if _is_code(v)}
        modules[name] = (module, saved)
        for value in saved.values():
            if (isinstance(value, type) and value.__flags__ & _HEAPTYPE
                    and value.__module__ == name and value not in classes):
                classes[value] = {k: v for k, v in vars(value).items() if _is_code(v)}
    for mapping in [s for _, s in modules.values()] + list(classes.values()):
        for func in _functions_of(mapping):
            functions[func] = (func.__code__, func.__defaults__, func.__kwdefaults__)
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix}
    roots.update(p for p in sys.path if p and not p.startswith(("/tmp", ".")))
    _state.update(
        roots=tuple(r.rstrip("/") + "/" for r in roots if r),
        modules=modules, classes=classes, functions=functions,
        sys={k: getattr(sys, k, _MISSING) for k in SYS_ATTRS},
        trace=(sys.gettrace(), sys.getprofile()),
        shell=shell,
        shell_attrs={k: getattr(shell, k, _MISSING) for k in SHELL_ATTRS} if shell else {},
        shell_dict=set(vars(shell)) if shell else set(),
        objects=_instances(shell),
    )


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def _instances(shell) -> dict:
    """Instance dictionaries of the objects that carry a cell's outputs to the grader."""
    objects = [sys.stdout, sys.stderr]
    if shell is not None:
        objects += [shell, shell.displayhook, shell.display_pub, shell.events]
        kernel = getattr(shell, "kernel", None)
        if kernel is not None:
            objects += [kernel, getattr(kernel, "session", None),
                        getattr(kernel, "iopub_socket", None),
                        getattr(kernel, "iopub_thread", None)]
    return {id(o): (o, {k: v for k, v in vars(o).items() if _is_code(v)})
            for o in objects if o is not None and hasattr(o, "__dict__")}


# --------------------------------------------------------------------------- compare / restore

def _compare(restore: bool) -> list[str]:
    """What differs from the captured references; with ``restore``, put it back."""
    changed: list[str] = []

    def note(what: str) -> None:
        if len(changed) < 20:
            changed.append(what)
        elif len(changed) == 20:
            changed.append("...")

    for name, (module, saved) in _state["modules"].items():
        if not _same(sys.modules.get(name, module), module):
            note(f"sys.modules[{name!r}] replaced")
            if restore:
                sys.modules[name] = module
        current = vars(module)
        for key, value in saved.items():
            if not _same(current.get(key, _MISSING), value) and (name, key) not in KERNEL_MANAGED:
                note(f"{name}.{key} replaced")
                if restore:
                    current[key] = value
    for cls, saved in _state["classes"].items():
        current = vars(cls)
        for key, value in saved.items():
            if not _same(current.get(key, _MISSING), value):
                note(f"{cls.__module__}.{cls.__qualname__}.{key} replaced")
                if restore:
                    setattr(cls, key, value)
    for func, (code, defaults, kwdefaults) in _state["functions"].items():
        if (func.__code__ is not code or func.__defaults__ is not defaults
                or func.__kwdefaults__ is not kwdefaults):
            note(f"the code of {func.__module__}.{func.__qualname__} replaced")
            if restore:
                func.__code__, func.__defaults__, func.__kwdefaults__ = code, defaults, kwdefaults
    for key, value in _state["sys"].items():
        if not _same(getattr(sys, key, _MISSING), value):
            note(f"sys.{key} replaced")
            if restore and value is not _MISSING:
                setattr(sys, key, value)
    if (sys.gettrace(), sys.getprofile()) != _state["trace"]:
        note("a trace or profile function installed")
        if restore:
            sys.settrace(_state["trace"][0])
            sys.setprofile(_state["trace"][1])
    for obj, saved in _state["objects"].values():
        # The kernel keeps some callables of its own on these objects; a learner's
        # function (or lambda) put there is what changes what the grader receives.
        current = vars(obj)
        for key, value in list(current.items()):
            if (_is_code(value) and not _same(saved.get(key, _MISSING), value)
                    and not _trusted_function(value)):
                note(f"{type(obj).__name__}.{key} replaced on the object")
                if restore:
                    if key in saved:
                        current[key] = saved[key]
                    else:
                        del current[key]
    shell = _state["shell"]
    if shell is not None:
        _compare_shell(shell, note, restore)
    return changed


def _compare_shell(shell, note, restore: bool) -> None:
    for key, value in _state["shell_attrs"].items():
        if not _same(getattr(shell, key, _MISSING), value):
            note(f"the shell's {key} replaced")
            if restore and value is not _MISSING:
                setattr(shell, key, value)
    for key, callbacks in shell.events.callbacks.items():
        for func in list(callbacks):
            if not _trusted_function(func):
                note(f"a {key} event callback registered")
                if restore:
                    callbacks.remove(func)
    manager = shell.input_transformer_manager
    lists = [(shell, name) for name in SHELL_LISTS]
    lists += [(manager, name) for name in ("cleanup_transforms", "line_transforms",
                                           "token_transformers")]
    for owner, name in lists:
        hooks = getattr(owner, name, None)
        if not isinstance(hooks, list):
            continue
        for hook in list(hooks):
            if not _trusted_function(hook):
                note(f"an entry in the shell's {name}")
                if restore:
                    hooks.remove(hook)
    if shell.custom_exceptions:
        note("set_custom_exc used")
        if restore:
            shell.set_custom_exc((), None)


def _say(token: str, changed: list[str]) -> None:
    out = sys.stdout  # put back by _compare before this runs
    verdict = "ok" if not changed else "tampered: " + "; ".join(changed)
    out.write(f"COURSE-GUARD {token} {verdict}\n")
    out.flush()


def enter(token: str) -> None:
    """Before a test cell: put back every captured reference; say what had changed."""
    if not _state:
        _say(token, ["the guard was never installed"])
        return
    _say(token, _compare(restore=True))


def check(token: str) -> None:
    """After a test cell: say what the learner's code replaced while the test ran."""
    if not _state:
        _say(token, ["the guard was never installed"])
        return
    changed = _compare(restore=True)
    _say(token, changed)


# Keep a reference to the builtins module so that a replaced ``builtins`` entry in
# sys.modules does not stop the guard from restoring the real one.
_BUILTINS = builtins
