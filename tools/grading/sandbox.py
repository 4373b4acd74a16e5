"""The sandbox one submission's kernel runs in: a bubblewrap command line.

What the kernel sees (``bwrap`` mounts, from the outside in):

- the machine's files read-only, with this repository, the course
  directory, ``/root``, ``/home``, ``/run`` and ``/tmp`` hidden (empty);
- this Python environment read-only, and a read-only site directory holding
  an installed (not editable) copy of ``helpers`` and the guard;
- writable: a fresh HOME (with IPYTHONDIR inside it), a working directory
  at the path of the submission's autograded folder holding only its data
  files (never a notebook), a small ``/tmp``, and the kernel's sockets;
- no network, its own process, IPC and host-name namespaces, no
  capabilities; as root, it runs as an unprivileged user id of its own.

Limits (``setrlimit`` before the kernel starts): address space, CPU
seconds, processes, file size, no core files. ``--die-with-parent`` and the
PID namespace kill everything the submission started when its kernel ends.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

INSTALL_HINT = (
    "bubblewrap (bwrap) is needed to grade in a sandbox and was not found.\n"
    "Install it from your distribution's packages:\n"
    "  Debian/Ubuntu:  sudo apt-get install bubblewrap\n"
    "  Fedora/RHEL:    sudo dnf install bubblewrap\n"
    "  Arch:           sudo pacman -S bubblewrap\n"
    "or grade without a sandbox (NOT safe against hostile submissions): add --no-sandbox."
)

#: Runs first in the sandbox: set the limits, drop to the sandbox's user, start the kernel.
LAUNCH = (
    "import os, resource, sys\n"
    "for item in sys.argv[1].split(','):\n"
    "    name, value = item.split('=')\n"
    "    resource.setrlimit(getattr(resource, name), (int(value), int(value)))\n"
    "uid = int(sys.argv[2])\n"
    "if uid >= 0:\n"
    "    os.setgroups([]); os.setgid(uid); os.setuid(uid)\n"
    "os.execv(sys.argv[3], sys.argv[3:])\n"
)


@dataclass(frozen=True)
class Limits:
    memory_bytes: int = 4 * 2**30
    cpu_seconds: int = 900
    processes: int = 128
    file_bytes: int = 256 * 2**20
    tmp_bytes: int = 256 * 2**20


def bwrap_problem() -> str | None:
    """Why bubblewrap cannot be used here (None when it works)."""
    if shutil.which("bwrap") is None:
        return INSTALL_HINT
    probe = subprocess.run(["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
                            "--unshare-all", "--die-with-parent", "true"],
                           capture_output=True, text=True, timeout=60)
    if probe.returncode != 0:
        return ("bubblewrap (bwrap) is installed but cannot create a sandbox here:\n"
                f"  {probe.stderr.strip()}\n"
                "It needs user namespaces (or root). Fix that, or grade with --no-sandbox "
                "(NOT safe against hostile submissions).")
    return None


def _own_tasks() -> int:
    """Threads of this user on the machine (RLIMIT_NPROC counts them all)."""
    uid, count = os.getuid(), 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if int(fields.get("Uid", "-1").split()[0]) == uid:
            count += int(fields.get("Threads", "1").strip())
    return count


def sandbox_uid() -> int | None:
    """As root, the sandbox runs as a user id of its own (so the process limit holds)."""
    if os.getuid() != 0:
        return None
    return 2_000_000 + os.getpid() % 1_000_000


def rlimits(limits: Limits, uid: int | None) -> str:
    processes = limits.processes + (os.cpu_count() or 1)
    if uid is None:  # the limit counts every process of this user, not only the sandbox's
        processes += _own_tasks()
    values = {"RLIMIT_AS": limits.memory_bytes, "RLIMIT_CPU": limits.cpu_seconds,
              "RLIMIT_NPROC": processes, "RLIMIT_FSIZE": limits.file_bytes, "RLIMIT_CORE": 0}
    return ",".join(f"{k}={v}" for k, v in values.items())


def _under(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _dirs_between(root: Path, dest: Path) -> list[str]:
    """``--dir`` arguments (mode 0755) for the folders from ``root`` down to ``dest``'s parent."""
    args = []
    for parent in reversed(dest.parents):
        if _under(parent, root) and parent != root:
            args += ["--perms", "0755", "--dir", str(parent)]
    return args


def kernel_env(home: Path, site: Path, runtime: Path) -> dict[str, str]:
    threads = str(min(os.cpu_count() or 1, 4))
    return {
        "HOME": str(home), "IPYTHONDIR": str(home / ".ipython"), "USER": "learner",
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/bin", "/bin"]),
        "PYTHONPATH": str(site), "PYTHONDONTWRITEBYTECODE": "1", "PYTHONNOUSERSITE": "1",
        "JUPYTER_RUNTIME_DIR": str(runtime), "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
        "JUPYTER_DATA_DIR": str(home / ".local/share/jupyter"), "MPLCONFIGDIR": str(home / ".mpl"),
        "LANG": "C.UTF-8", "OPENBLAS_NUM_THREADS": threads, "OMP_NUM_THREADS": threads,
        "MKL_NUM_THREADS": threads,
    }


def command_prefix(*, hide: list[Path], site: Path, home: Path, work: Path, work_at: Path,
                   runtime: Path, limits: Limits, uid: int | None, sandbox: bool) -> list[str]:
    """The words before ``python -m ipykernel_launcher ...`` for one submission's kernel."""
    env = kernel_env(home, site, runtime)
    launch = [sys.executable, "-I", "-c", LAUNCH, rlimits(limits, uid),
              str(uid if uid is not None else -1)]
    if not sandbox:
        return ["env", "-i", *(f"{k}={v}" for k, v in env.items()), *launch]
    args = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
            "--size", str(limits.tmp_bytes), "--perms", "1777", "--tmpfs", "/tmp"]
    roots = [Path("/tmp")]
    for hidden in [Path("/root"), Path("/home"), Path("/run"), *hide]:
        hidden = hidden.resolve() if hidden.exists() else hidden
        if not hidden.is_dir() or any(_under(hidden, r) for r in roots):
            continue
        roots = [r for r in roots if not _under(r, hidden)] + [hidden]
        args += ["--perms", "0755", "--tmpfs", str(hidden)]
    binds = [("--ro-bind", Path(p).resolve(), Path(p).resolve())
             for p in {sys.prefix, sys.base_prefix, sys.exec_prefix}]
    binds += [("--ro-bind", site, site), ("--bind", home, home), ("--bind", runtime, runtime),
              ("--bind", work, work_at)]
    for kind, src, dest in binds:
        root = next((r for r in roots if _under(dest, r)), None)
        if root is not None:
            args += _dirs_between(root, dest)
        args += [kind, str(src), str(dest)]
    for root in roots:
        if root != Path("/tmp"):
            args += ["--remount-ro", str(root)]
    args += ["--chdir", str(work_at), "--clearenv"]
    for key, value in env.items():
        args += ["--setenv", key, value]
    args += ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
             "--unshare-cgroup-try", "--die-with-parent", "--new-session"]
    if uid is not None:
        args += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        args += ["--unshare-user"]
    return [*args, "--", *launch]
