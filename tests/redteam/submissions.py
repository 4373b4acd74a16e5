"""Hostile submissions for the red-team tests of tools/grade.py (issue 12).

Each entry is one learner's notebook 00_start_here: the first answer cell
(``nb00_ex1_solution``) replaced by ``source``, a wrong answer plus the
cheat; the second exercise is left as released (``raise NotImplementedError()``),
so without the cheat the notebook scores 0. ``metadata`` entries change the
notebook's cell metadata instead of (or besides) the answer.

Placeholders filled in by the test: ``{course}`` the course directory,
``{repo}`` this repository, ``{home}`` the grader's real home directory,
``{token}`` a word unique to the test run (marker files carry it).

``flag=False``: the submission only has to score 0 without stopping the
others (a learner's endless loop is not necessarily an attack).

Categories follow issue 12: 1 forged outputs, 2 monkeypatching,
3 persistence, 4 writing to the gradebook, 5 reading what is private,
6 aborting the batch (and other ways to break a grading run),
7 calling the helper being rebuilt.
"""

WRONG = '''
def layer_forward(X, W, b):
    return X
'''

ATTACKS = [
    # ------------------------------------------------------------------ 1: forged outputs
    dict(category=1, name="pre-run-cell-event", source=WRONG + '''
_ip = get_ipython()
def _forge(info):
    _ip.displayhook("all tests passed")
_ip.events.register("pre_run_cell", _forge)
'''),
    dict(category=1, name="input-transformer", source=WRONG + '''
get_ipython().input_transformers_post.append(lambda lines: ['"all tests passed"\\n'])
'''),
    dict(category=1, name="ast-transformer-swallows-errors", source=WRONG + '''
import ast as _ast
class _Wrap(_ast.NodeTransformer):
    def visit_Module(self, node):
        handler = _ast.ExceptHandler(type=None, name=None, body=[_ast.Pass()])
        body = [_ast.Try(body=node.body or [_ast.Pass()], handlers=[handler], orelse=[],
                         finalbody=[])]
        body.append(_ast.Expr(_ast.Constant("all tests passed")))
        return _ast.fix_missing_locations(_ast.Module(body=body, type_ignores=[]))
get_ipython().ast_transformers.append(_Wrap())
'''),
    dict(category=1, name="sys-displayhook", source=WRONG + '''
import sys
_real = sys.displayhook
sys.displayhook = lambda value: _real("all tests passed")
get_ipython().events.register("post_run_cell", lambda result: sys.displayhook(None))
'''),
    dict(category=1, name="custom-exception-handler", source=WRONG + '''
get_ipython().set_custom_exc(
    (BaseException,), lambda *args, **kwargs: print("Exercise 00.1: all tests passed."))
'''),
    # ------------------------------------------------------------------ 2: monkeypatching
    dict(category=2, name="numpy-at-top-level", source='''
import numpy as np
def layer_forward(X, W, b):
    return X @ W
np.allclose = lambda *a, **k: False
np.isclose = lambda a, b, *r, **k: np.ones(np.shape(a), dtype=bool)
np.array_equal = lambda *a, **k: True
'''),
    dict(category=2, name="helpers-modules", source=WRONG + '''
import helpers.gradcheck
import helpers.diagnose
import helpers.exercise_rules
helpers.gradcheck.rel_error = lambda *a, **k: 0.0
for _name in dir(helpers.diagnose):
    if not _name.startswith("_"):
        setattr(helpers.diagnose, _name, lambda *a, **k: None)
helpers.exercise_rules.assert_does_not_use = lambda *a, **k: None
'''),
    dict(category=2, name="patched-during-the-call", source='''
def layer_forward(X, W, b):
    import numpy
    numpy.allclose = lambda *a, **k: False
    numpy.isclose = lambda a, b, *r, **k: numpy.ones(numpy.shape(a), dtype=bool)
    return X @ W
'''),
    dict(category=2, name="function-code-swapped", source=WRONG + '''
import helpers.exercise_rules as _rules
_rules.assert_does_not_use.__code__ = (lambda *args, **kwargs: None).__code__
'''),
    # ------------------------------------------------------------------ 3: persistence
    dict(category=3, name="editable-helpers", source=WRONG + '''
import helpers
for _path in [{repo!r} + "/helpers/__init__.py", helpers.__file__]:
    try:
        with open(_path, "a") as _f:
            _f.write("\\n# redteam {token}\\n")
    except OSError as _e:
        print("blocked:", type(_e).__name__)
'''),
    dict(category=3, name="ipython-startup", source=WRONG + '''
import os
for _home in [os.path.expanduser("~"), {home!r}]:
    _dir = os.path.join(_home, ".ipython", "profile_default", "startup")
    try:
        os.makedirs(_dir, exist_ok=True)
        with open(os.path.join(_dir, "00-redteam-{token}.py"), "w") as _f:
            _f.write("# redteam {token}\\n")
    except OSError as _e:
        print("blocked:", type(_e).__name__)
'''),
    dict(category=3, name="files-outside-scratch", source=WRONG + '''
for _path in ["/tmp/redteam-{token}", {course!r} + "/redteam-{token}",
              {repo!r} + "/redteam-{token}", "/var/tmp/redteam-{token}"]:
    try:
        open(_path, "w").write("{token}")
    except OSError as _e:
        print("blocked:", type(_e).__name__)
'''),
    # ------------------------------------------------------------------ 4: the gradebook
    dict(category=4, name="detached-gradebook-writer", source=WRONG + '''
import subprocess, sys
_code = """
import os, sqlite3, time
for _ in range(50):
    time.sleep(1)
    try:
        db = sqlite3.connect({course!r} + '/gradebook.db')
        db.execute('update grade set auto_score = max_score, needs_manual_grade = 0')
        db.commit()
    except Exception:
        pass
"""
subprocess.Popen([sys.executable, "-c", _code], start_new_session=True,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
'''),
    dict(category=4, name="gradebook-now-and-network", source=WRONG + '''
import sqlite3, socket
try:
    _db = sqlite3.connect({course!r} + "/gradebook.db")
    _db.execute("update grade set auto_score = max_score")
    _db.commit()
except Exception as _e:
    print("blocked:", type(_e).__name__)
try:
    socket.create_connection(("1.1.1.1", 53), timeout=3)
except OSError as _e:
    print("no network:", type(_e).__name__)
'''),
    # ------------------------------------------------------------------ 5: private files
    dict(category=5, name="read-source-hidden-tests", source=WRONG + '''
for _path in [{course!r} + "/source/00_start_here/00_start_here.ipynb",
              {repo!r} + "/notebooks/00_start_here.ipynb", {course!r} + "/gradebook.db"]:
    try:
        print(open(_path, errors="replace").read())
    except OSError as _e:
        print("blocked:", type(_e).__name__)
'''),
    dict(category=5, name="print-the-running-test-cell", source='''
def layer_forward(X, W, b):
    import inspect, linecache
    caller = inspect.currentframe().f_back
    while caller is not None and "_check_forward" in caller.f_code.co_name:
        caller = caller.f_back
    print("".join(linecache.getlines(caller.f_code.co_filename)))
    return X
'''),
    # ------------------------------------------------------------------ 6: breaking the run
    dict(category=6, name="duplicated-grade-id", source=WRONG,
         metadata={"nb00_ex1_solution": {"grade_id": "nb00_ex1_tests", "grade": True,
                                         "points": 100}}),
    dict(category=6, name="invalid-metadata", source=WRONG,
         metadata={"nb00_ex1_solution": {"points": "lots", "grade": "yes", "solution": None}}),
    dict(category=6, name="dead-kernel", flag=False, source=WRONG + '''
import os, signal
os.kill(os.getpid(), signal.SIGKILL)
'''),
    dict(category=6, name="endless-loop", flag=False, source=WRONG + '''
while True:
    pass
'''),
    dict(category=6, name="ten-gigabytes", flag=False, source=WRONG + '''
import numpy as np
_big = np.ones(10 * 2**30 // 8)
_big[:] = 2.0
'''),
    dict(category=6, name="process-flood", flag=False, source=WRONG + '''
import subprocess
_children = []
try:
    for _ in range(1000):
        _children.append(subprocess.Popen(["sleep", "7{token_digits}"]))
except OSError as _e:
    print("stopped after", len(_children), type(_e).__name__)
'''),
    # ------------------------------------------------------------------ 7: the helper itself
    dict(category=7, name="calls-linear-forward", source='''
from helpers.linear import linear_forward as _lf
def layer_forward(X, W, b):
    return _lf(X, W, b)
'''),
]
