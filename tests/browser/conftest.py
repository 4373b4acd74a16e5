"""Real-browser tests: JupyterLab started once per session, driven in Chromium by Playwright.

The tests do what a learner does: open a notebook in JupyterLab, choose
"Restart Kernel and Run All Cells" in the Kernel menu, then move every slider with
the keyboard, change every dropdown and toggle every checkbox of the course's
explorers, and read what the page shows. They need Chromium (``apt-get install
chromium``); without it they are skipped, unless ``BROWSER_TESTS_REQUIRED=1`` makes
that a failure (CI sets it).

Artefacts (git-ignored): ``artifacts/screenshots/*.png`` and
``artifacts/widget_latency.json``, the time from a key press or a selection to the
explorer's display settling, summarised at the end of the test run.
"""

from __future__ import annotations

import datetime
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
LATENCY_FILE = ARTIFACTS / "widget_latency.json"

# Time limits, generous for a busy 2-core machine but bounded: a hang fails, never blocks.
SERVER_START_S = 120        # JupyterLab answering /api/status
PAGE_READY_S = 120          # the notebook open, its kernel idle, every cell drawn
RUN_ALL_S = 240             # Restart Kernel and Run All Cells, to the last cell
UPDATE_S = 30               # one widget update: input -> kernel idle -> display quiet
QUIET_MS = 250              # the display counts as settled after this long unchanged
STOP_S = 15                 # the server's turn to shut down before it is killed

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
    "--no-first-run", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--disable-extensions", "--disable-default-apps",
]

ENABLE_HINT = ("Chromium not found: install it (apt-get install chromium) to run the browser "
               "tests; BROWSER_TESTS_REQUIRED=1 turns this skip into a failure")


# ------------------------------------------------------------------ availability

def find_chromium() -> str | None:
    """Debian's Chromium: ``/usr/bin/chromium`` or ``chromium`` on PATH."""
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def _browser_problem() -> str | None:
    if find_chromium() is None:
        return ENABLE_HINT
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return ("the playwright package is missing: pip install -r requirements-test.txt "
                "to run the browser tests")
    return None


def pytest_runtest_setup(item):
    if item.get_closest_marker("browser") is None:
        return
    problem = _browser_problem()
    if problem is None:
        return
    if os.environ.get("BROWSER_TESTS_REQUIRED") == "1":
        pytest.fail(f"BROWSER_TESTS_REQUIRED=1 but {problem}", pytrace=False)
    pytest.skip(problem)


# ------------------------------------------------------------------ JupyterLab

class Lab:
    """A running JupyterLab: ``url(path)`` gives a page address with the token."""

    def __init__(self, base: str, token: str, log: Path):
        self.base, self.token, self.log = base, token, log

    def url(self, path: str) -> str:
        return f"{self.base}/{path}?token={self.token}"

    def api(self, path: str, method: str = "GET"):
        request = urllib.request.Request(f"{self.base}/api/{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _course_overrides() -> Path:
    """Write the course's JupyterLab settings into this environment's overrides file, as
    `make lab` and Binder's postBuild do (tools/lab.py): the tests then see what a
    learner sees, the news question switched off by the course and not by the tests."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("course_lab", ROOT / "tools" / "lab.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.write_overrides()


def _lab_settings(config_dir: Path) -> None:
    """Settings of the throw-away config dir: never save a notebook the tests ran (so the
    repository's notebooks stay as committed), and no update checks. The news setting
    comes from the course's overrides (:func:`_course_overrides`), as for a learner."""
    settings = config_dir / "lab" / "user-settings" / "@jupyterlab"
    for plugin, values in {
        "docmanager-extension/plugin": {"autosave": False},
        "apputils-extension/notification": {"checkForUpdates": False},
    }.items():
        path = settings / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


def _stop(process: subprocess.Popen) -> None:
    """Terminate the server (it shuts its kernels down), then kill its group if it lingers."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_S)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # its own group: the server and kernels
        except ProcessLookupError:
            pass
        process.wait(timeout=STOP_S)


@pytest.fixture(scope="session")
def lab(tmp_path_factory, request):
    """JupyterLab on 127.0.0.1, a free port and a random token, root dir = the repository."""
    return start_lab(tmp_path_factory.mktemp("jupyterlab"), ROOT, request)


def start_lab(home: Path, root: Path, request) -> Lab:
    """Start JupyterLab serving ``root``, its config and state in ``home``; stopped when
    ``request``'s scope ends."""
    config, data, runtime = home / "config", home / "data", home / "runtime"
    _lab_settings(config)
    _course_overrides()
    env = dict(os.environ)
    env.update(JUPYTER_CONFIG_DIR=str(config), JUPYTER_DATA_DIR=str(data),
               JUPYTER_RUNTIME_DIR=str(runtime), IPYTHONDIR=str(home / "ipython"))
    env.pop("JUPYTER_PATH", None)
    port, token = _free_port(), secrets.token_hex(24)
    log = home / "jupyterlab.log"
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={config / 'lab' / 'user-settings'}",
        f"--LabApp.workspaces_dir={home / 'workspaces'}",
        # Checkpoints go to the temporary dir, not into notebooks/.ipynb_checkpoints.
        f"--FileCheckpoints.checkpoint_dir={home / 'checkpoints'}",
        # The tests read kernel state from the page; the learner's view is unchanged.
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    with log.open("w") as sink:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=sink,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    request.addfinalizer(lambda: _stop(process))
    server = Lab(f"http://127.0.0.1:{port}", token, log)
    deadline = time.monotonic() + SERVER_START_S
    while True:
        if process.poll() is not None:
            pytest.fail(f"JupyterLab exited with {process.returncode}:\n{server.log_tail()}")
        try:
            server.api("status")
            break
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not answer within {SERVER_START_S} s:\n"
                            f"{server.log_tail()}")
            time.sleep(0.25)  # polling interval while the server starts
    return server


# ------------------------------------------------------------------ Chromium

@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=find_chromium(),
                                              args=CHROMIUM_ARGS, headless=True)
    except Exception:
        playwright.stop()
        raise
    yield chromium
    chromium.close()
    playwright.stop()


# ------------------------------------------------------------------ a notebook in the page

# JavaScript run in the page. ``window.jupyterapp`` is there because of
# --LabApp.expose_app_in_browser; everything a learner sees is read from the DOM.
_JS_PANEL = """
window.__coursePanel = (path) => {
  const app = window.jupyterapp;
  if (!app || !app.shell) return null;
  for (const widget of app.shell.widgets('main')) {
    if (widget.context && widget.context.path === path && widget.content
        && widget.content.model) return widget;
  }
  return null;
};
window.__courseCells = (panel) => {
  const cells = [];
  const list = panel.content.model.cells;
  for (let i = 0; i < list.length; i++) {
    const cell = list.get(i);
    const entry = {type: cell.type, empty: cell.sharedModel.getSource().trim() === '',
                   tags: (cell.getMetadata && cell.getMetadata('tags')) || []};
    if (cell.type === 'code') {
      entry.count = cell.executionCount;
      entry.outputs = cell.outputs.toJSON().map((o) => ({
        type: o.output_type, name: o.name || '', ename: o.ename || '',
        evalue: o.evalue || '', text: typeof o.text === 'string' ? o.text
          : Array.isArray(o.text) ? o.text.join('') : ''}));
    }
    cells.push(entry);
  }
  return cells;
};
"""

_JS_READY = """(path) => {
  const panel = window.__coursePanel && window.__coursePanel(path);
  if (!panel || !panel.context.isReady) return false;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  if (!kernel || kernel.status !== 'idle' || kernel.connectionStatus !== 'connected')
    return false;
  return panel.content.widgets.length === panel.content.model.cells.length;
}"""

_JS_WATCH_RUN = """(path) => {
  const panel = window.__coursePanel(path);
  if (window.__courseRun) window.__courseRun.dispose();
  const watch = {statuses: [], star: false};
  const onStatus = (_, status) => watch.statuses.push(status);
  panel.sessionContext.statusChanged.connect(onStatus);
  const look = () => {
    for (const prompt of panel.content.node.querySelectorAll('.jp-InputPrompt')) {
      if (prompt.textContent.includes('*')) { watch.star = true; return; }
    }
  };
  const observer = new MutationObserver(look);
  observer.observe(panel.content.node, {subtree: true, childList: true, characterData: true});
  watch.dispose = () => {
    observer.disconnect();
    panel.sessionContext.statusChanged.disconnect(onStatus);
  };
  window.__courseRun = watch;
}"""

_JS_RUN_DONE = """(path) => {
  const watch = window.__courseRun;
  const panel = window.__coursePanel(path);
  if (!watch.star || !watch.statuses.some((s) => s === 'restarting' || s === 'starting'))
    return false;
  const kernel = panel.sessionContext.session.kernel;
  if (!kernel || kernel.status !== 'idle') return false;
  for (const prompt of panel.content.node.querySelectorAll('.jp-InputPrompt')) {
    if (prompt.textContent.includes('*')) return false;
  }
  const cells = window.__courseCells(panel).filter((c) => c.type === 'code' && !c.empty);
  const errored = cells.some((c) => c.outputs.some((o) => o.type === 'error'));
  return errored || cells.every((c) => c.count !== null);
}"""

# A widget output is drawn once its view (or ipywidgets' error box) is in the page.
_JS_WIDGET_OUTPUTS = """
window.__courseWidgetOutputs = (panel) => {
  const found = [];
  panel.content.widgets.forEach((cell, index) => {
    if (cell.model.type !== 'code') return;
    const outputs = cell.model.outputs.toJSON();
    const children = Array.from(cell.outputArea.node.children)
      .filter((node) => node.classList.contains('jp-OutputArea-child'));
    outputs.forEach((output, k) => {
      const data = output.data || {};
      if (!data['application/vnd.jupyter.widget-view+json']) return;
      found.push({index, node: children[k] || null});
    });
  });
  return found;
};
"""

_JS_WIDGETS_DRAWN = """(path) => {
  const panel = window.__coursePanel(path);
  return window.__courseWidgetOutputs(panel).every(({node}) => node && (
    node.querySelector('.jupyter-widgets') || /Error displaying widget/.test(node.textContent)));
}"""

_JS_PROBLEMS = """(path) => {
  const panel = window.__coursePanel(path);
  const problems = [];
  const flagged = new Set();
  window.__courseCells(panel).forEach((cell, index) => {
    if (cell.type !== 'code') return;
    // A cell tagged raises-exception shows its error on purpose (nbval and JupyterLab
    // both honour the tag).
    if (cell.tags.includes('raises-exception')) { flagged.add(index); return; }
    for (const o of cell.outputs) {
      if (o.type === 'error') problems.push(`cell ${index}: ${o.ename}: ${o.evalue}`);
      if (o.type === 'stream' && o.name === 'stderr' && /Traceback/.test(o.text))
        problems.push(`cell ${index}: traceback on stderr: ${o.text.slice(-300)}`);
      if (o.type === 'error' || /Traceback/.test(o.text)) flagged.add(index);
    }
  });
  panel.content.widgets.forEach((cell, index) => {
    for (const node of cell.node.querySelectorAll('.jp-OutputArea-output')) {
      const mime = node.getAttribute('data-mime-type') || '';
      const text = node.textContent || '';
      if (!flagged.has(index) && mime === 'application/vnd.jupyter.stderr' &&
          /Traceback|Error/.test(text))
        problems.push(`cell ${index} shows an error: ${text.trim().slice(-300)}`);
    }
    if (/Error displaying widget/.test(cell.node.textContent))
      problems.push(`cell ${index}: Error displaying widget`);
    if (cell.node.querySelector('.jupyter-widgets-error-widget'))
      problems.push(`cell ${index}: a widget failed to draw (ipywidgets shows "Click to ` +
                    `show javascript error"; see the browser console below)`);
    for (const node of cell.node.querySelectorAll('.course-widget-error')) {
      if (node.textContent.trim())
        problems.push(`cell ${index}, explorer error: ${node.textContent.trim()}`);
    }
  });
  return problems;
}"""

_JS_COUNTS = """(path) => window.__courseCells(window.__coursePanel(path))
  .filter((c) => c.type === 'code' && !c.empty).map((c) => c.count)"""


class NotebookPage:
    """One notebook open in JupyterLab in its own browser page."""

    def __init__(self, page, lab: Lab, name: str, path: str | None = None):
        self.page, self.lab, self.name = page, lab, name
        # The path under the server's root; ``name`` also names the screenshots.
        self.path = path or f"notebooks/{name}"
        self.console_errors: list[str] = []

    def _console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(message.text[:500])

    # -- opening and running -------------------------------------------------

    def open(self) -> NotebookPage:
        self.page.add_init_script(_JS_PANEL + _JS_WIDGET_OUTPUTS)
        self.page.on("console", self._console)
        self.page.goto(self.lab.url(f"lab/tree/{self.path}"), timeout=PAGE_READY_S * 1000)
        # A notebook without kernel metadata first asks which kernel to use; a learner
        # would accept the proposed Python 3, and so does the test.
        ready_or_asked = f"(path) => ({_JS_READY})(path) || !!document.querySelector(" \
                         f"'.jp-Dialog select')"
        self.page.wait_for_function(ready_or_asked, arg=self.path,
                                    timeout=PAGE_READY_S * 1000, polling=200)
        if self.page.locator(".jp-Dialog select").count():
            self.page.locator(".jp-Dialog .jp-mod-accept").click()
        self.page.wait_for_function(_JS_READY, arg=self.path, timeout=PAGE_READY_S * 1000,
                                    polling=200)
        return self

    def restart_and_run_all(self) -> None:
        """Kernel menu -> "Restart Kernel and Run All Cells…" -> accept; wait for the last cell."""
        self.page.bring_to_front()
        for _ in range(5):  # a dialog left over from an earlier test
            if not self.page.locator(".jp-Dialog").count():
                break
            self.page.keyboard.press("Escape")
        self.page.evaluate(_JS_WATCH_RUN, self.path)
        self.page.locator(".lm-MenuBar-itemLabel", has_text="Kernel").click()
        item = self.page.locator(".lm-Menu-item",
                                 has_text="Restart Kernel and Run All Cells")
        item.click()
        self.page.locator(".jp-Dialog .jp-mod-accept").click()
        self.page.wait_for_function(_JS_RUN_DONE, arg=self.path, timeout=RUN_ALL_S * 1000,
                                    polling=200)
        self.page.wait_for_function(_JS_WIDGETS_DRAWN, arg=self.path,
                                    timeout=PAGE_READY_S * 1000, polling=200)

    def execution_counts(self) -> list:
        return self.page.evaluate(_JS_COUNTS, self.path)

    def problems(self) -> list[str]:
        """Every error a learner would see: tracebacks, failed widgets, explorer errors
        (with the browser console's errors when a widget failed to draw)."""
        problems = self.page.evaluate(_JS_PROBLEMS, self.path)
        if problems and self.console_errors:
            problems.append("browser console errors:\n  " + "\n  ".join(self.console_errors))
        return problems

    def screenshot(self, suffix: str = "", element=None) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{Path(self.name).stem}{suffix}.png"
        if element is not None:
            element.scroll_into_view_if_needed()
        self.page.screenshot(path=str(path))
        return path


class NotebookPages:
    """Notebooks open in JupyterLab, one browser page each, kept between tests.

    Loading JupyterLab takes many seconds, so a notebook's page is reused by every test
    that needs it; each test starts with Restart Kernel and Run All Cells, which gives
    it a fresh kernel and fresh widget views. A page is closed (and its kernel shut
    down) when a test on it fails, or when the caller no longer needs it.
    """

    def __init__(self, lab: Lab, browser):
        self.lab = lab
        # One browser context: pages share the login cookie and the HTTP cache.
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.pages: dict[str, NotebookPage] = {}

    def get(self, name: str, path: str | None = None) -> NotebookPage:
        """The page of notebook ``name`` (at ``path`` under the server's root, by default
        ``notebooks/<name>``), opened on first use."""
        if name not in self.pages:
            page = self.context.new_page()
            page.set_default_timeout(UPDATE_S * 1000)
            self.pages[name] = NotebookPage(page, self.lab, name, path).open()
        return self.pages[name]

    def release(self, name: str) -> None:
        notebook = self.pages.pop(name, None)
        if notebook is None:
            return
        notebook.page.close()
        for session in self.lab.api("sessions"):
            if session.get("path") == notebook.path:
                self.lab.api(f"sessions/{session['id']}", method="DELETE")

    def release_all(self) -> None:
        for name in list(self.pages):
            self.release(name)

    def close(self) -> None:
        self.release_all()
        self.context.close()


_PAGES: list[NotebookPages] = []


@pytest.fixture(scope="session")
def notebook_pages(lab, browser):
    pages = NotebookPages(lab, browser)
    _PAGES.append(pages)
    yield pages
    _PAGES.remove(pages)
    pages.close()


@pytest.fixture(scope="session")
def workspace(tmp_path_factory) -> Path:
    """A learner's course folder made as `make lab` makes it, in a temporary directory
    (never the repository's own work/): ``work/`` filled from the student edition by
    tools/lab.py's ``sync_workspace``, beside a link to the solved ``notebooks/`` (the
    worked-solution links of work/ point at ``../notebooks/``)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("course_lab", ROOT / "tools" / "lab.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    course = tmp_path_factory.mktemp("course")
    added = module.sync_workspace(ROOT / "student", course / "work")
    assert added, "sync_workspace copied no notebook from student/"
    (course / "notebooks").symlink_to(ROOT / "notebooks", target_is_directory=True)
    return course


@pytest.fixture(scope="session")
def workspace_lab(tmp_path_factory, workspace, request) -> Lab:
    """A second JupyterLab, serving :func:`workspace` as a learner's `make lab` serves
    the repository."""
    return start_lab(tmp_path_factory.mktemp("jupyterlab-work"), workspace, request)


@pytest.fixture(scope="session")
def workspace_pages(workspace_lab, browser):
    """Pages of :func:`workspace_lab`: ``workspace_pages.get(name, "work/<name>")``."""
    pages = NotebookPages(workspace_lab, browser)
    _PAGES.append(pages)
    yield pages
    _PAGES.remove(pages)
    pages.close()


def pytest_runtest_teardown(item, nextitem):
    # After the last browser test, close the pages (they poll the server) and their
    # kernels, so the rest of the suite runs on a quiet machine.
    if nextitem is None or nextitem.get_closest_marker("browser") is None:
        for pages in _PAGES:
            pages.release_all()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        item.course_failed = True


@pytest.fixture
def open_notebook(notebook_pages, request):
    """``open_notebook("04_....ipynb")`` -> a :class:`NotebookPage` (reused between tests;
    closed when the test fails, so that the next test starts from a fresh page)."""
    used = []

    def _open(name: str) -> NotebookPage:
        used.append(name)
        return notebook_pages.get(name)

    yield _open
    if getattr(request.node, "course_failed", False):
        for name in used:
            notebook_pages.release(name)


# ------------------------------------------------------------------ explorers in the page

# What a learner operates; everything else in an explorer is its display.
CONTROLS = (".widget-slider, .widget-dropdown, .widget-readout, .widget-select, "
            ".widget-toggle-buttons, .widget-radio, .widget-checkbox, .widget-text, "
            ".widget-button, .widget-inline-hbox.widget-play")

_JS_ARM = """(root, args) => {
  const [path, controls] = args;
  const panel = window.__coursePanel(path);
  const display = () => {
    const clone = root.cloneNode(true);
    clone.querySelectorAll(controls).forEach((node) => node.remove());
    return clone.textContent.replace(/\\s+/g, ' ').trim();
  };
  const m = {input: null, mutations: [], statuses: [], before: display(), display};
  const onInput = (event) => {
    if (m.input === null && root.contains(event.target)) m.input = performance.now();
  };
  for (const type of ['keydown', 'input', 'change', 'click'])
    document.addEventListener(type, onInput, true);
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      const node = record.target.nodeType === 1 ? record.target : record.target.parentElement;
      if (node && node.closest(controls)) continue;
      m.mutations.push(performance.now());
      return;
    }
  });
  observer.observe(root, {subtree: true, childList: true, characterData: true,
                          attributes: true});
  const onStatus = (_, status) => m.statuses.push([performance.now(), status]);
  panel.sessionContext.statusChanged.connect(onStatus);
  m.dispose = () => {
    observer.disconnect();
    for (const type of ['keydown', 'input', 'change', 'click'])
      document.removeEventListener(type, onInput, true);
    panel.sessionContext.statusChanged.disconnect(onStatus);
  };
  window.__courseMeasure = m;
}"""

# Settled: the kernel went busy after the input and is idle again (it has sent every
# update), and the display has not changed for QUIET_MS since.
_JS_SETTLED = """([path, quiet]) => {
  const m = window.__courseMeasure;
  if (m.input === null) return false;
  const panel = window.__coursePanel(path);
  const kernel = panel.sessionContext.session.kernel;
  const busy = m.statuses.find(([t, s]) => t >= m.input && s === 'busy');
  if (!busy || kernel.status !== 'idle') return false;
  const idle = m.statuses.filter(([t, s]) => t >= busy[0] && s === 'idle');
  if (!idle.length) return false;
  const last = Math.max(idle[idle.length - 1][0],
                        m.mutations.length ? m.mutations[m.mutations.length - 1] : 0);
  return performance.now() - last >= quiet;
}"""

_JS_RESULT = """() => {
  const m = window.__courseMeasure;
  m.dispose();
  const after = m.display();
  const changes = m.mutations.filter((t) => t >= m.input);
  return {before: m.before, after,
          latency_ms: changes.length ? changes[changes.length - 1] - m.input : null,
          first_ms: changes.length ? changes[0] - m.input : null,
          input_seen: m.input !== null, statuses: m.statuses.map(([, s]) => s)};
}"""


_JS_LINES = """(node) => {
  const clone = node.cloneNode(true);
  clone.querySelectorAll('br').forEach((br) => br.replaceWith('\\n'));
  clone.querySelectorAll('div, p, li, tr').forEach((block) => block.append('\\n'));
  return clone.textContent.split('\\n').map((line) => line.trim()).filter(Boolean);
}"""


class Update:
    """What one input did: the display text before and after, and how long it took."""

    def __init__(self, control: str, action: str, before: str, after: str,
                 latency_ms: float | None, first_ms: float | None):
        self.control, self.action = control, action
        self.before, self.after = before, after
        self.latency_ms, self.first_ms = latency_ms, first_ms

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def __repr__(self):
        return f"<{self.control} {self.action}: {self.latency_ms} ms>"


class Slider:
    """An ipywidgets slider, moved with the keyboard on its handle."""

    def __init__(self, explorer: ExplorerInPage, locator):
        self.explorer, self.locator = explorer, locator
        self.handle = locator.locator(".noUi-handle").first
        self.description = locator.locator(".widget-label").first.text_content().strip()

    def _number(self, attribute: str) -> float:
        return float(self.handle.get_attribute(attribute))

    @property
    def value(self) -> float:
        return self._number("aria-valuenow")

    @property
    def bounds(self) -> tuple[float, float]:
        return self._number("aria-valuemin"), self._number("aria-valuemax")

    @property
    def readout(self) -> str:
        return self.locator.locator(".widget-readout").first.text_content().strip()

    def press(self, key: str) -> Update | None:
        """Press ``key`` on the focused handle; None when the value cannot move that way."""
        low, high = self.bounds
        value = self.value
        if (key in ("End", "ArrowRight", "ArrowUp", "PageUp") and value >= high) or \
                (key in ("Home", "ArrowLeft", "ArrowDown", "PageDown") and value <= low):
            return None
        return self.explorer.measure(self.description, key,
                                     lambda: self.handle.press(key))

    def set_to(self, target: float) -> None:
        """Move to ``target`` with Home/End and arrow keys (the slider's step each)."""
        low, high = self.bounds
        start = "Home" if target - low <= high - target else "End"
        self.press(start)
        key = "ArrowRight" if start == "Home" else "ArrowLeft"
        for _ in range(10_000):
            if abs(self.value - target) < 1e-9:
                return
            before = self.value
            self.press(key)
            if self.value == before:
                break
        raise AssertionError(f"slider {self.description!r} cannot reach {target} "
                             f"(stopped at {self.value})")


class Dropdown:
    """An ipywidgets dropdown (a <select>), changed as a learner picks an option."""

    def __init__(self, explorer: ExplorerInPage, locator):
        self.explorer, self.locator = explorer, locator
        self.select = locator.locator("select").first
        self.description = locator.locator(".widget-label").first.text_content().strip()

    @staticmethod
    def _plain(text: str) -> str:
        # ipywidgets writes the spaces of option labels as no-break spaces.
        return text.replace("\xa0", " ").strip()

    @property
    def options(self) -> list[str]:
        return [self._plain(text) for text in self.select.locator("option").all_text_contents()]

    @property
    def value(self) -> str:
        return self._plain(self.select.evaluate("(s) => s.options[s.selectedIndex].text"))

    def choose(self, label: str) -> Update | None:
        """Pick the option shown as ``label``; None if it is already chosen."""
        if label == self.value:
            return None
        index = self.options.index(label)
        return self.explorer.measure(self.description, f"select {label}",
                                     lambda: self.select.select_option(index=index))


class Checkbox:
    """An ipywidgets checkbox, toggled with the space bar as a keyboard user would."""

    def __init__(self, explorer: ExplorerInPage, locator):
        self.explorer, self.locator = explorer, locator
        self.box = locator.locator("input[type=checkbox]").first
        # ipywidgets puts the description beside the box, and a zero-width space before it.
        self.description = locator.text_content().replace("\u200b", "").strip()

    @property
    def value(self) -> bool:
        return self.box.is_checked()

    def toggle(self) -> Update:
        return self.explorer.measure(self.description, "toggle",
                                     lambda: self.box.press("Space"))

    def set_to(self, checked: bool) -> Update | None:
        return self.toggle() if self.value != checked else None


class ExplorerInPage:
    """One explorer (a ``.course-explorer`` VBox) in a notebook open in JupyterLab."""

    def __init__(self, notebook: NotebookPage, locator, latency_log: LatencyLog):
        self.notebook, self.locator, self.latency_log = notebook, locator, latency_log
        classes = (locator.get_attribute("class") or "").split()
        specific = [c for c in classes if c.endswith("-explorer") and c != "course-explorer"]
        # An explorer named otherwise (backward-stepper, course-progress): its own class
        # comes after the shared one.
        after = classes[classes.index("course-explorer") + 1:] \
            if "course-explorer" in classes else []
        own = [c for c in after if c not in ("course-size-large",)]
        self.kind = specific[0] if specific else own[0] if own else "course-explorer"

    def sliders(self) -> list[Slider]:
        return [Slider(self, item) for item in self.locator.locator(".widget-slider").all()]

    def dropdowns(self) -> list[Dropdown]:
        return [Dropdown(self, item) for item in self.locator.locator(".widget-dropdown").all()]

    def checkboxes(self) -> list[Checkbox]:
        return [Checkbox(self, item) for item in self.locator.locator(".widget-checkbox").all()]

    def checkbox(self, css_class: str) -> Checkbox:
        return Checkbox(self, self.locator.locator(f".{css_class}").first)

    def slider(self, css_class: str) -> Slider:
        return Slider(self, self.locator.locator(f".{css_class}").first)

    def dropdown(self, css_class: str) -> Dropdown:
        return Dropdown(self, self.locator.locator(f".{css_class}").first)

    def text(self, selector: str = "") -> str:
        """The text shown by the part matching ``selector`` (the whole explorer if empty)."""
        target = self.locator.locator(selector).first if selector else self.locator
        return target.evaluate("(n) => n.textContent")

    def lines(self, selector: str) -> list[str]:
        """The non-empty lines of text shown by ``selector`` (split at <br> and blocks);
        read from the DOM, so it works while the explorer is scrolled out of view."""
        return self.locator.locator(selector).first.evaluate(_JS_LINES)

    def texts(self, selector: str) -> list[str]:
        return [t.strip() for t in self.locator.locator(selector).all_text_contents()]

    def errors(self) -> list[str]:
        """Errors the explorer shows (its error area, or a widget that failed to draw)."""
        shown = [t.strip() for t in
                 self.locator.locator(".course-widget-error").all_text_contents() if t.strip()]
        if "Error displaying widget" in self.text():
            shown.append("Error displaying widget")
        if self.locator.locator(".jupyter-widgets-error-widget").count():
            shown.append("a widget failed to draw (Click to show javascript error)")
        return shown

    def measure(self, control: str, action: str, act) -> Update:
        """Perform ``act`` (one input); wait for the display to settle; record the latency."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        page = self.notebook.page
        self.locator.evaluate(_JS_ARM, [self.notebook.path, CONTROLS])
        act()
        try:
            page.wait_for_function(_JS_SETTLED, arg=[self.notebook.path, QUIET_MS],
                                   timeout=UPDATE_S * 1000, polling=50)
            settled = True
        except PlaywrightTimeout:
            settled = False
        result = page.evaluate(_JS_RESULT)
        if not settled:
            raise AssertionError(
                f"{self.kind}: {control} {action}: no update from the kernel within "
                f"{UPDATE_S} s (input seen: {result['input_seen']}, kernel states since: "
                f"{result['statuses']}); errors shown: {self.errors()}")
        update = Update(control, action, **{key: result[key] for key in
                                            ("before", "after", "latency_ms", "first_ms")})
        if update.latency_ms is not None:
            self.latency_log.record(self.kind, update.latency_ms)
        return update


@pytest.fixture
def explorers_in(open_notebook, latency_log):
    """``explorers_in("04_....ipynb")``: open it, Restart and Run All, return its explorers."""

    def _explorers(name: str) -> tuple[NotebookPage, list[ExplorerInPage]]:
        notebook = open_notebook(name)
        notebook.restart_and_run_all()
        problems = notebook.problems()
        assert not problems, f"{name} in JupyterLab:\n" + "\n".join(problems)
        found = [ExplorerInPage(notebook, item, latency_log)
                 for item in notebook.page.locator(".course-explorer").all()]
        return notebook, found

    return _explorers


@pytest.fixture
def explorer_in_page(latency_log):
    """``explorer_in_page(notebook, locator, timed=True)``: an :class:`ExplorerInPage` for
    an explorer found some other way than :func:`explorers_in` (a notebook of another
    server). With ``timed=False`` its updates stay out of the latency summary (a view
    whose update runs notebooks, not an explorer's redraw)."""
    def _make(notebook, locator, timed: bool = True):
        return ExplorerInPage(notebook, locator, latency_log if timed else LatencyLog())

    return _make


# ------------------------------------------------------------------ widget latency

class LatencyLog:
    """Milliseconds from an input to the explorer's settled display, per explorer class."""

    def __init__(self):
        self.samples: dict[str, list[float]] = {}

    def record(self, widget: str, milliseconds: float) -> None:
        self.samples.setdefault(widget, []).append(float(milliseconds))

    def all(self) -> list[float]:
        return [value for values in self.samples.values() for value in values]

    def summary(self) -> dict:
        def stats(values):
            return {"median_ms": round(statistics.median(values), 1),
                    "worst_ms": round(max(values), 1), "n": len(values)}

        return {**stats(self.all()),
                "per_widget": {name: stats(values)
                               for name, values in sorted(self.samples.items())},
                "measured": f"key press or selection -> explorer display settled "
                            f"(kernel idle, no change for {QUIET_MS} ms; the quiet time is "
                            f"not counted)",
                "when": datetime.datetime.now(datetime.timezone.utc).isoformat(
                    timespec="seconds")}


LATENCIES = LatencyLog()


@pytest.fixture
def latency_log() -> LatencyLog:
    return LATENCIES


def pytest_sessionfinish(session, exitstatus):
    if LATENCIES.all():
        ARTIFACTS.mkdir(exist_ok=True)
        LATENCY_FILE.write_text(json.dumps(LATENCIES.summary(), indent=2) + "\n")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not LATENCIES.all():
        return
    summary = LATENCIES.summary()
    terminalreporter.section("widget update latency (Chromium, JupyterLab)")
    terminalreporter.write_line(
        f"input -> display settled: median {summary['median_ms']:.0f} ms, worst "
        f"{summary['worst_ms']:.0f} ms over {summary['n']} updates")
    for name, stats in summary["per_widget"].items():
        terminalreporter.write_line(
            f"  {name}: median {stats['median_ms']:.0f} ms, worst {stats['worst_ms']:.0f} ms "
            f"({stats['n']} updates)")
    terminalreporter.write_line(f"written to {LATENCY_FILE.relative_to(ROOT)}")
