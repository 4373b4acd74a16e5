"""Repeated timings with a median, a spread, and ratios taken within one run."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass


@dataclass
class Timing:
    """Seconds per call: median over repeats, and the spread (min to max)."""

    median: float
    low: float
    high: float
    repeats: int

    def ms(self) -> str:
        return f"{self.median * 1e3:9.2f} ms [{self.low * 1e3:.2f}-{self.high * 1e3:.2f}]"


def interleaved(funcs: dict, repeats: int = 15, warmup: int = 2) -> dict[str, Timing]:
    """Time several callables in turn, round after round.

    Interleaving makes a ratio between them fair: a slow spell of the machine
    (another process, a frequency change) hits every callable alike.
    """
    samples = {name: [] for name in funcs}
    for _ in range(warmup):
        for f in funcs.values():
            f()
    for _ in range(repeats):
        for name, f in funcs.items():
            start = time.perf_counter()
            f()
            samples[name].append(time.perf_counter() - start)
    return {name: Timing(statistics.median(s), min(s), max(s), len(s))
            for name, s in samples.items()}


def once(f) -> float:
    start = time.perf_counter()
    f()
    return time.perf_counter() - start


def paired_ratio(numerator, denominator, rounds: int = 15, warmup: int = 2) -> tuple[float, list]:
    """Median over rounds of time(numerator) / time(denominator), timed back to back.

    Each round times both callables once, in an order that alternates from round to
    round, and keeps their ratio. A burst of load then spoils a round or two, not the
    median, and neither callable always runs first (warm caches, frequency steps).
    Returns the median and the per-round ratios.
    """
    for _ in range(warmup):
        numerator()
        denominator()
    ratios = []
    for r in range(rounds):
        pair = [numerator, denominator] if r % 2 == 0 else [denominator, numerator]
        seconds = {}
        for f in pair:
            start = time.perf_counter()
            f()
            seconds[f] = time.perf_counter() - start
        ratios.append(seconds[numerator] / seconds[denominator])
    return statistics.median(ratios), ratios
