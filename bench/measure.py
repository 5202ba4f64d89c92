"""Figures, targets, timing helpers and machine facts shared by every benchmark.

A figure is a list of samples (one per repeat) summarised by median, min and max, so one
slow run on a noisy machine moves nothing. A comparison is a ratio of two ways timed in the
same process, interleaved (A B A B ...), and summarised pairwise: drift in machine speed
hits both sides of each pair alike.
"""

from __future__ import annotations

import gc
import os
import platform
import sqlite3
import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

NOT_RUN = "not run"


@dataclass(frozen=True)
class Target:
    """An upper bound (``<``/``<=``) or a lower bound (``>``) on a median or a ratio."""

    limit: float
    op: str = "<"

    def met(self, value: float) -> bool:
        if self.op == "<":
            return value < self.limit
        if self.op == "<=":
            return value <= self.limit
        if self.op == ">":
            return value > self.limit
        raise ValueError(f"unknown target operator {self.op!r}")

    def text(self, unit: str) -> str:
        return f"{self.op} {_number(self.limit)} {unit}".strip()


@dataclass
class Ratio:
    """``samples`` are per-pair ratios this/against from interleaved runs."""

    against: str
    samples: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


@dataclass
class Figure:
    """One row of the table. ``lower_bound``: the run was cut short, the true value is higher."""

    name: str
    unit: str
    samples: list[float] = field(default_factory=list)
    target: Target | None = None
    target_on_ratio: bool = False
    ratio: Ratio | None = None
    note: str = ""
    skipped: str | None = None  # why the figure was not measured
    lower_bound: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None

    @property
    def minimum(self) -> float | None:
        return min(self.samples) if self.samples else None

    @property
    def maximum(self) -> float | None:
        return max(self.samples) if self.samples else None

    @property
    def result(self) -> str:
        if self.skipped is not None:
            return f"{NOT_RUN}: {self.skipped}"
        if self.target is None:
            return "info"
        value = self.ratio.median if self.target_on_ratio and self.ratio else self.median
        if value is None:
            return "fail"
        met = self.target.met(value)
        if self.lower_bound:
            # The true value is at least ``value``: that decides only one way round.
            if self.target.op == ">":
                return "pass" if met else "unknown"
            return "unknown" if met else "fail"
        return "pass" if met else "fail"

    def target_text(self) -> str:
        if self.target is None:
            return ""
        if self.target_on_ratio and self.ratio is not None:
            return f"{self.target.op} {_number(self.target.limit)}x {self.ratio.against}"
        return self.target.text(self.unit)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "unit": self.unit,
            "median": self.median,
            "min": self.minimum,
            "max": self.maximum,
            "runs": len(self.samples),
            "samples": self.samples,
            "target": None
            if self.target is None
            else {
                "op": self.target.op,
                "limit": self.target.limit,
                "on": "ratio" if self.target_on_ratio else "median",
            },
            "result": self.result,
            "lower_bound": self.lower_bound,
            "note": self.note,
        }
        if self.ratio is not None:
            data["ratio"] = {
                "against": self.ratio.against,
                "median": self.ratio.median,
                "min": min(self.ratio.samples),
                "max": max(self.ratio.samples),
                "samples": self.ratio.samples,
            }
        if self.extra:
            data["extra"] = self.extra
        return data


def skipped(name: str, reason: str, *, note: str = "") -> Figure:
    return Figure(name, "", skipped=reason, note=note)


class Stopwatch:
    """``with Stopwatch() as sw: ...`` then ``sw.seconds``; ``sw.ms`` for milliseconds."""

    def __enter__(self) -> Stopwatch:
        self.seconds = 0.0
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._start

    @property
    def ms(self) -> float:
        return self.seconds * 1000


def repeat(action: Callable[[], object], runs: int) -> list[float]:
    """Seconds per call of a synchronous action, ``runs`` times."""
    samples = []
    for _ in range(runs):
        with Stopwatch() as sw:
            action()
        samples.append(sw.seconds)
    return samples


async def interleaved(
    ways: dict[str, Callable[[], Awaitable[float]]], runs: int, *, warmup: int = 1
) -> dict[str, list[float]]:
    """Run every way once per round, rounds repeated: A B C C B A A B C ...

    Each way does its own untimed setup and returns the seconds of its timed part.
    Warm-up rounds (imports, statement caches, first connections) are discarded.
    """
    samples: dict[str, list[float]] = {name: [] for name in ways}
    for round_index in range(warmup + runs):
        order = list(ways.items())
        if round_index % 2:
            order.reverse()  # A B C, C B A, ...: no way is always first after the setup
        for name, way in order:
            gc.collect()  # one way's garbage must not be collected on another's clock
            seconds = await way()
            if round_index >= warmup:
                samples[name].append(seconds)
    return samples


def percentile(samples: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (p99 of 200 samples is the 198th smallest)."""
    ordered = sorted(samples)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def pairwise(numerator: Sequence[float], denominator: Sequence[float]) -> list[float]:
    return [a / b for a, b in zip(numerator, denominator, strict=True)]


def scaled(samples: Sequence[float], factor: float) -> list[float]:
    return [s * factor for s in samples]


# -- machine facts ---------------------------------------------------------------------------


def machine_info() -> dict[str, Any]:
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_total_mb": _meminfo_mb("MemTotal"),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "sqlite": sqlite3.sqlite_version,
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "packages": {
            name: _version(name) for name in ("aiosqlite", "pillow", "discord.py", "sqlalchemy")
        },
    }


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _meminfo_mb(key: str) -> float | None:
    try:
        with open("/proc/meminfo", encoding="utf-8") as meminfo:
            for line in meminfo:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def _number(value: float) -> str:
    return f"{value:g}"
