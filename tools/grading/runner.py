"""Run ``nbgrader`` once per submission, each in a process of its own, without paying its import.

Importing nbgrader takes seconds, about as long as grading a notebook. A
small server process imports it once; for every submission it forks a child
that runs ``nbgrader ARGS`` with that submission's environment and log file.
The server is single-threaded, so forking it is safe (forking the caller,
say a test runner with threads of its own, would not be). A child's crash,
kernel or time limit concerns no other submission.

    python -m grading.runner        # the server: one JSON request per line on stdin
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path


def _child(args: list[str], env: dict, cwd: str, log_path: str) -> None:
    """In the forked child: run nbgrader, exit with its status. Never returns."""
    code = 1
    try:
        os.setsid()
        fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        sys.stdout = sys.__stdout__ = os.fdopen(1, "w", buffering=1, closefd=False)
        sys.stderr = sys.__stderr__ = os.fdopen(2, "w", buffering=1, closefd=False)
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        sys.argv = ["nbgrader", *args]
        from nbgrader.apps.nbgraderapp import NbGraderApp

        NbGraderApp.launch_instance(argv=args)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001 -- reported in the log, never raised here
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _fork_and_wait(request: dict) -> int | None:
    pid = os.fork()
    if pid == 0:
        _child(request["args"], request["env"], request["cwd"], request["log"])
    deadline = time.monotonic() + request["timeout"]
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            try:
                os.killpg(pid, 9)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)
            return None
        time.sleep(0.05)


def serve() -> None:
    """Answer ``{"args", "env", "cwd", "log", "timeout"}`` lines with ``{"code"}`` lines."""
    import nbgrader.apps.nbgraderapp  # noqa: F401 -- imported once, inherited by every fork

    out = sys.stdout
    sys.stdout = sys.stderr  # nothing but answers on the pipe
    out.write(json.dumps({"ready": True}) + "\n")
    out.flush()
    for line in sys.stdin:
        out.write(json.dumps({"code": _fork_and_wait(json.loads(line))}) + "\n")
        out.flush()


class Runner:
    """The caller's side: ``run(args, env, cwd, timeout, log_path)`` -> exit code or None."""

    def __init__(self, tools: Path):
        self.proc = None
        if hasattr(os, "fork"):
            env = dict(os.environ, PYTHONPATH=str(tools))
            self.proc = subprocess.Popen([sys.executable, "-m", "grading.runner"], env=env,
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         text=True, start_new_session=True)
            if json.loads(self.proc.stdout.readline() or "{}").get("ready") is not True:
                self.close()

    def run(self, args: list[str], env: dict, cwd: Path, timeout: float,
            log_path: Path) -> int | None:
        if self.proc is None:
            with open(log_path, "w", encoding="utf-8") as log:
                try:
                    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd,
                                          env=env, stdout=log, stderr=subprocess.STDOUT,
                                          timeout=timeout, start_new_session=True).returncode
                except subprocess.TimeoutExpired:
                    return None
        request = {"args": args, "env": env, "cwd": str(cwd), "log": str(log_path),
                   "timeout": timeout}
        try:
            self.proc.stdin.write(json.dumps(request) + "\n")
            self.proc.stdin.flush()
            return json.loads(self.proc.stdout.readline())["code"]
        except (OSError, ValueError, KeyError):  # the server is gone: go on without it
            self.proc.kill()
            self.proc = None
            return self.run(args, env, cwd, timeout, log_path)

    def close(self) -> None:
        if self.proc is not None:
            self.proc.stdin.close()
            self.proc.wait(timeout=60)
            self.proc = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


if __name__ == "__main__":
    serve()
