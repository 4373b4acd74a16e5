"""The tamper scan: what in a learner's code cell could change how a notebook is graded.

An answer to an exercise of this course is plain numpy. Code that reaches
into the kernel (``get_ipython``, display hooks, events, input
transformers), into the module system (``sys.modules``, ``builtins``,
``importlib``), into other modules' attributes (``np.allclose = ...``),
into frames and code objects, or out of the process (``subprocess``,
``os.system``, files, sockets, ``sqlite3``), or that runs text as code
(``exec``, ``eval``, ``compile``) is flagged with the line and the reason.
IPython syntax (``!cmd``, ``%magic``) is turned into Python first, so it is
flagged as what it runs.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

#: Names whose mere use is flagged (calls or references).
NAMES = {
    "get_ipython": "reaches into the kernel (get_ipython)",
    "exec": "runs text as code (exec)",
    "eval": "runs text as code (eval)",
    "compile": "compiles text as code (compile)",
    "__import__": "imports by name (__import__)",
    "globals": "reaches into a namespace (globals)",
    "locals": "reaches into a namespace (locals)",
    "vars": "reaches into a namespace (vars)",
    "setattr": "sets an attribute by name (setattr)",
    "delattr": "deletes an attribute by name (delattr)",
    "getattr": "looks an attribute up by name (getattr)",
    "open": "opens a file (open)",
    "breakpoint": "starts a debugger (breakpoint)",
    "input": "waits for keyboard input (input)",
    "display": "displays an object (display)",
    "__builtins__": "reaches into the builtins (__builtins__)",
    "memoryview": "reads raw memory (memoryview)",
}
#: Modules that an answer never needs; importing one is flagged.
MODULES = {
    "os", "subprocess", "sys", "builtins", "ctypes", "gc", "inspect", "importlib", "sqlite3",
    "socket", "shutil", "pathlib", "io", "multiprocessing", "threading", "signal", "atexit",
    "pty", "IPython", "ipykernel", "linecache", "code", "codeop", "marshal", "pickle",
    "runpy", "tempfile", "fcntl", "mmap", "resource", "asyncio", "concurrent", "urllib",
    "http", "requests", "nbformat", "nbgrader", "zmq", "jupyter_client", "dis", "tokenize",
    "ast", "types", "weakref", "traceback", "warnings", "faulthandler", "sysconfig",
    "site", "posix", "_thread", "select", "selectors", "glob", "fileinput", "shelve", "dbm",
    "webbrowser", "smtplib", "ftplib", "telnetlib", "xmlrpc", "unittest", "pdb", "bdb",
    "trace", "tracemalloc", "cProfile", "profile", "platform", "getpass", "pwd", "grp",
    "copyreg", "operator", "functools", "course_grading_guard", "grading",
}
#: Modules that are fine to import but whose attributes must not be assigned.
PROTECTED_MODULES = {"numpy", "helpers", "math", "builtins", "scipy", "random"}
#: Attribute names that only tampering code uses.
ATTRIBUTES = {
    "displayhook", "excepthook", "events", "input_transformers_cleanup",
    "input_transformers_post", "input_transformer_manager", "ast_transformers",
    "set_custom_exc", "run_cell", "run_cell_async", "user_ns", "user_global_ns",
    "__dict__", "__globals__", "__code__", "__closure__", "__builtins__", "__subclasses__",
    "__bases__", "__mro__", "__class__", "__defaults__", "__kwdefaults__", "__import__",
    "__loader__", "__spec__", "__getattribute__", "__setattr__", "__delattr__", "__reduce__",
    "__reduce_ex__", "__init_subclass__", "__set_name__", "__del__", "f_back", "f_globals",
    "f_locals", "f_builtins", "f_code", "tb_frame", "gi_frame", "cr_frame", "ag_frame",
    "co_code", "modules", "meta_path", "path_hooks", "system", "popen", "fork", "kill",
    "_getframe", "settrace", "setprofile", "stdout", "stderr", "__stdout__", "__stderr__",
    "register", "unregister", "kernel", "session", "iopub_socket", "shell", "display_pub",
    "payload_manager", "_repr_html_", "_repr_latex_", "_repr_pretty_", "_ipython_display_",
    "tofile", "savetxt", "save", "savez", "savez_compressed", "memmap", "ctypeslib",
    "load", "loadtxt", "fromfile", "genfromtxt",
}
#: Dunder methods whose definition in a learner's class changes what a comparison sees.
DUNDERS_IN_CLASSES = {"__eq__", "__ne__", "__bool__", "__array__", "__array_ufunc__",
                      "__array_function__", "__float__", "__len__", "__getattr__",
                      "__getattribute__", "__instancecheck__", "__subclasscheck__",
                      "__repr__", "__str__", "__format__", "__del__", "__lt__", "__le__",
                      "__gt__", "__ge__", "__abs__", "__sub__", "__rsub__", "__index__",
                      "__int__", "__iter__", "__getitem__", "__hash__", "__class_getitem__"}


@dataclass(frozen=True)
class Flag:
    line: int  # 1-based, in the cell
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


def to_python(source: str) -> str:
    """The cell as IPython would run it (``!ls`` and ``%time`` become Python calls)."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:  # without IPython, the source is scanned as it is
        return source
    try:
        return TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001 -- untransformable input is scanned as it is
        return source


def _root_name(node) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


class _Scanner(ast.NodeVisitor):
    def __init__(self):
        self.flags: list[Flag] = []
        self.module_names = {"np", "numpy", "helpers", "math"}

    def flag(self, node, reason: str) -> None:
        self.flags.append(Flag(getattr(node, "lineno", 0), reason))

    def _imported(self, node, module: str) -> None:
        top = module.split(".")[0]
        if top in MODULES:
            self.flag(node, f"imports {module}")

    def visit_Import(self, node):
        for alias in node.names:
            self._imported(node, alias.name)
            if alias.name.split(".")[0] in PROTECTED_MODULES:
                self.module_names.add((alias.asname or alias.name).split(".")[0])
        self.generic_visit(node)

    def visit_ImportFrom(self, node):
        module = node.module or ""
        if node.level:
            self.flag(node, "relative import")
        self._imported(node, module)
        if module.split(".")[0] in PROTECTED_MODULES:
            for alias in node.names:
                if alias.name == "*":
                    continue
                # from helpers import gradcheck / from numpy import linalg: modules too
                self.module_names.add(alias.asname or alias.name)
        self.generic_visit(node)

    def visit_Name(self, node):
        if node.id in NAMES:
            self.flag(node, NAMES[node.id])
        self.generic_visit(node)

    def visit_Attribute(self, node):
        if node.attr in ATTRIBUTES:
            self.flag(node, f"uses the attribute .{node.attr}")
        elif node.attr in NAMES and node.attr.startswith("__"):
            self.flag(node, NAMES[node.attr])
        self.generic_visit(node)

    def _targets(self, node, targets) -> None:
        for target in targets:
            if isinstance(target, (ast.Tuple, ast.List)):
                self._targets(node, target.elts)
            elif isinstance(target, ast.Starred):
                self._targets(node, [target.value])
            elif isinstance(target, (ast.Attribute, ast.Subscript)):
                root = _root_name(target)
                if root in self.module_names:
                    self.flag(node, f"assigns into the module {root} ({ast.unparse(target)})")

    def visit_Assign(self, node):
        self._targets(node, node.targets)
        # m = np: an alias of a module counts as the module
        if isinstance(node.value, ast.Name) and node.value.id in self.module_names:
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self.module_names.add(target.id)
        self.generic_visit(node)

    def visit_AugAssign(self, node):
        self._targets(node, [node.target])
        self.generic_visit(node)

    def visit_AnnAssign(self, node):
        self._targets(node, [node.target])
        self.generic_visit(node)

    def visit_Delete(self, node):
        self._targets(node, node.targets)
        self.generic_visit(node)

    def visit_Global(self, node):
        self.flag(node, "declares a global")
        self.generic_visit(node)

    def visit_Nonlocal(self, node):
        self.generic_visit(node)

    def visit_ClassDef(self, node):
        for item in node.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                    and item.name in DUNDERS_IN_CLASSES:
                self.flag(item, f"a class that defines {item.name} (can lie to a comparison)")
        for base in node.bases:
            if not isinstance(base, ast.Name) or base.id not in {"object", "Exception",
                                                                 "ValueError", "TypeError"}:
                self.flag(node, f"a class derived from {ast.unparse(base)}")
        if node.decorator_list or node.keywords:
            self.flag(node, "a class with decorators or a metaclass")
        self.generic_visit(node)

    def visit_AsyncFunctionDef(self, node):
        self.flag(node, "an async function")
        self.generic_visit(node)

    def visit_Await(self, node):
        self.flag(node, "await at the top level")
        self.generic_visit(node)


def scan(source: str) -> list[Flag]:
    """What in this code cell could tamper with grading (empty when nothing does)."""
    code = to_python(source)
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []  # it cannot run, so it cannot tamper; the test cell fails on its own
    scanner = _Scanner()
    scanner.visit(tree)
    seen, flags = set(), []
    for f in sorted(scanner.flags, key=lambda f: f.line):
        if (f.line, f.reason) not in seen:
            seen.add((f.line, f.reason))
            flags.append(f)
    return flags
