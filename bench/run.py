"""`make bench`: measure what the course claims about cost, on this machine.

Prints one plain-text table (easy to paste into an issue) and exits non-zero
if a target is missed. Timing lives here, never in a timed test.

    python bench/run.py            # everything (under 3 minutes on 2 cores)
    python bench/run.py --quick    # fewer repeats, no notebook runs
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/ is a folder of scripts

from autodiff_step import engine_vs_mlp  # noqa: E402
from grading_time import grading_vs_nbgrader  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402
from timing import interleaved, once, paired_ratio  # noqa: E402

from helpers.gradcheck import check_directional, check_gradient  # noqa: E402
from helpers.linear import linear_backward, linear_forward  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"


class Report:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.missed: list[str] = []

    def section(self, title: str) -> None:
        self.lines.append("")
        self.lines.append(title)
        self.lines.append("-" * len(title))
        print("\n".join(self.lines[-3:]), flush=True)

    def row(self, text: str) -> None:
        self.lines.append(text)
        print(text, flush=True)

    def target(self, ok: bool, text: str) -> None:
        self.row(f"  target {text}: {'met' if ok else 'MISSED'}")
        if not ok:
            self.missed.append(text)


def machine(report: Report) -> None:
    from threadpoolctl import threadpool_info

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    blas = [f"{i.get('internal_api')} {i.get('version')} ({i.get('architecture', '?')}, "
            f"{i.get('num_threads')} threads)" for i in threadpool_info()
            if i.get("user_api") == "blas"]
    report.section("Machine")
    report.row(f"date        {time.strftime('%Y-%m-%d')}")
    report.row(f"cpu         {cpu}, {os.cpu_count()} cores")
    report.row(f"python      {platform.python_version()}, numpy {np.__version__}")
    report.row(f"blas        {'; '.join(blas) or 'unknown'}")


def forward_backward_vs_gemm(report: Report, repeats: int) -> None:
    report.section("1. linear_forward + linear_backward against one forward GEMM (ideal 3x)")
    report.row("  gated: 1 BLAS thread, median of paired rounds in alternating order;")
    report.row("  the times and the all-threads ratio beside it are information only")
    report.row(f"{'(n, d_in, d_out)':>20} {'dtype':>8} {'one GEMM X@W':>30} "
               f"{'forward+backward':>30} {'all thr.':>8} {'1 thread':>8}")
    for shape in [(256, 784, 256), (1024, 1024, 1024)]:
        for dtype in (np.float32, np.float64):
            n, d_in, d_out = shape
            rng = np.random.default_rng(0)
            X = rng.standard_normal((n, d_in)).astype(dtype)
            W = rng.standard_normal((d_in, d_out)).astype(dtype)
            b = rng.standard_normal(d_out).astype(dtype)
            G = rng.standard_normal((n, d_out)).astype(dtype)

            def gemm(X=X, W=W):
                return X @ W

            def step(X=X, W=W, b=b, G=G):
                linear_forward(X, W, b)
                return linear_backward(G, X, W)

            t = interleaved({"gemm": gemm, "step": step}, repeats=repeats)
            threaded = t["step"].median / t["gemm"].median
            with threadpool_limits(limits=1, user_api="blas"):
                ratio, _ = paired_ratio(step, gemm, rounds=repeats)
            report.row(f"{str(shape):>20} {np.dtype(dtype).name:>8} {t['gemm'].ms():>30} "
                       f"{t['step'].ms():>30} {threaded:8.2f} {ratio:8.2f}")
            if shape == (1024, 1024, 1024):
                report.target(ratio <= 3.5, f"ratio <= 3.5 at {shape} {np.dtype(dtype).name}")


def batched_vs_loop(report: Report, repeats: int) -> None:
    report.section("2. dL/dW = X.T @ dL_dY against summing per-example outer products")
    d_in, d_out = 256, 128
    report.row(f"{'n':>6} {'matmul':>30} {'loop of outer products':>30} {'speedup':>8}")
    for n in (256, 1024):
        rng = np.random.default_rng(1)
        X = rng.standard_normal((n, d_in))
        G = rng.standard_normal((n, d_out))

        def loop(X=X, G=G):
            acc = np.zeros((d_in, d_out))
            for x_i, g_i in zip(X, G):
                acc += np.outer(x_i, g_i)
            return acc

        def matmul(X=X, G=G):
            return X.T @ G

        t = interleaved({"matmul": matmul, "loop": loop},
                        repeats=max(3, repeats // 3), warmup=1)
        report.row(f"{n:>6} {t['matmul'].ms():>30} {t['loop'].ms():>30} "
                   f"{t['loop'].median / t['matmul'].median:7.0f}x")
    report.row(f"  (d_in, d_out) = ({d_in}, {d_out}), float64")


def full_vs_directional_check(report: Report, sample: int) -> None:
    report.section("3. Full gradient check against a random-direction check, W 256x256")
    n, d = 64, 256
    rng = np.random.default_rng(2)
    X, W, b = rng.standard_normal((n, d)), rng.standard_normal((d, d)), rng.standard_normal(d)
    G = rng.standard_normal((n, d))

    def loss(W_):
        return float(np.sum(G * linear_forward(X, W_, b)))

    dW = linear_backward(G, X, W)[1]
    # |L| is about 1e3 here, so central differences carry round-off near eps * |L| / h,
    # about 3e-8, against entries as small as 0.05: 1e-5 is the honest tolerance.
    sampled = {}
    t_sample = once(lambda: sampled.setdefault("r", check_gradient(loss, W, dW, tol=1e-5,
                                                                  max_entries=sample)))
    directional = {}
    t_dir = once(lambda: directional.setdefault("r", check_directional(loss, W, dW)))
    per_entry = t_sample / sample
    full_evals = 2 * W.size
    report.row(f"{'check':>34} {'evaluations':>12} {'time':>12}")
    report.row(f"{'full, on ' + str(sample) + ' sampled entries':>34} "
               f"{sampled['r'].n_evaluations:>12} {t_sample:>10.2f} s")
    report.row(f"{'full, all entries (EXTRAPOLATED)':>34} {full_evals:>12} "
               f"{per_entry * W.size:>10.1f} s")
    report.row(f"{'random-direction (3 directions)':>34} {directional['r'].n_evaluations:>12} "
               f"{t_dir:>10.4f} s")
    report.row(f"  both passed: {sampled['r'].passed and directional['r'].passed}; "
               f"extrapolated full check / directional check = "
               f"{per_entry * W.size / t_dir:,.0f}x")


def training_step(report: Report, repeats: int) -> None:
    from helpers.mlp import TwoLayerMLP  # the series' MLP (notebook 07)

    report.section("4. One training step of the two-layer MLP, batch 256, 784->256->10, float32")
    rng = np.random.default_rng(3)
    n, d_in, d_hidden, d_out = 256, 784, 256, 10
    X = rng.standard_normal((n, d_in)).astype(np.float32)
    y = rng.integers(0, d_out, n)
    model = TwoLayerMLP(d_in, d_hidden, d_out, seed=0, dtype=np.float32)
    W1 = rng.standard_normal((d_in, d_hidden)).astype(np.float32)
    W2 = rng.standard_normal((d_hidden, d_out)).astype(np.float32)
    H = rng.standard_normal((n, d_hidden)).astype(np.float32)
    G1 = rng.standard_normal((n, d_hidden)).astype(np.float32)
    G2 = rng.standard_normal((n, d_out)).astype(np.float32)

    def gemms():  # the step's own GEMMs: layer 1 needs no dL/dX, so 5, not 6
        X @ W1           # forward, layer 1
        H @ W2           # forward, layer 2
        H.T @ G2         # dL/dW2
        G2 @ W2.T        # dL/dH
        X.T @ G1         # dL/dW1

    def step():
        return model.train_step(X, y, lr=0.01)

    t = interleaved({"bound": gemms, "step": step}, repeats=repeats)
    threaded = t["step"].median / t["bound"].median
    with threadpool_limits(limits=1, user_api="blas"):
        ratio, _ = paired_ratio(step, gemms, rounds=repeats)
    report.row(f"  the step's 5 GEMMs (forward 2, backward 3) {t['bound'].ms()}")
    report.row(f"  one training step                         {t['step'].ms()}")
    report.row(f"  ratio: {ratio:.2f} with 1 BLAS thread (gated), {threaded:.2f} with all "
               f"threads (information)")
    report.target(ratio <= 1.5, "training step <= 1.5x its 5 GEMMs (1 thread)")


def notebook_times(report: Report) -> None:
    import nbformat
    from nbclient import NotebookClient

    report.section("5. Notebook run times (Restart & Run All, fresh kernel) and the nbval suite")
    worst = 0.0
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=300, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}})
        seconds = once(client.execute)
        worst = max(worst, seconds)
        report.row(f"  {path.name:<36} {seconds:6.1f} s")
    report.target(worst < 10, "every notebook under 10 s")
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             "notebooks"], cwd=ROOT, capture_output=True, text=True)
    suite = time.perf_counter() - start
    last = (result.stdout.strip().splitlines() or ["?"])[-1]
    report.row(f"  nbval over every notebook: {suite:.1f} s ({last})")
    report.target(suite < 120 and result.returncode == 0, "nbval suite passes in under 2 minutes")


def widget_latency(report: Report) -> None:
    report.section("6. Widget update latency in a real browser (from the browser tests)")
    path = ARTIFACTS / "widget_latency.json"
    if not path.exists():
        report.row("  not measured: run `make test` with Chromium installed first")
        return
    data = json.loads(path.read_text())
    measured = time.strftime("%Y-%m-%d %H:%M", time.localtime(path.stat().st_mtime))
    report.row(f"  median {data['median_ms']:.0f} ms, worst {data['worst_ms']:.0f} ms over "
               f"{data['n']} updates (measured {measured})")
    for name, stats in sorted(data.get("per_widget", {}).items()):
        report.row(f"    {name:<28} median {stats['median_ms']:.0f} ms, "
                   f"worst {stats['worst_ms']:.0f} ms")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, no notebooks")
    args = parser.parse_args(argv)
    repeats = 5 if args.quick else 15
    report = Report()
    started = time.perf_counter()
    machine(report)
    forward_backward_vs_gemm(report, repeats)
    batched_vs_loop(report, repeats)
    full_vs_directional_check(report, sample=64 if args.quick else 256)
    training_step(report, repeats)
    if not args.quick:
        notebook_times(report)
    widget_latency(report)
    engine_vs_mlp(report, 9 if args.quick else 21)
    if not args.quick:
        grading_vs_nbgrader(report)
    report.row("")
    report.row(f"medians of repeated runs [min-max]; ratios within one run; "
               f"bench took {time.perf_counter() - started:.0f} s")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "bench.txt").write_text("\n".join(report.lines) + "\n")
    if report.missed:
        print(f"\nTargets missed: {'; '.join(report.missed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
