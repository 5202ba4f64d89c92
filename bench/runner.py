"""``python -m bench``: run every benchmark, print one table, write one JSON file.

Each benchmark is an async ``run(ctx) -> list[Figure]``; they run in the order of
``BENCHMARKS`` and share the campaign databases built for the run.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import logging
import os
import pstats
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import interaction, maps, memory, monitoring, persistence, rules, turn
from bench.context import SCALES, Context
from bench.measure import Figure, machine_info, now_iso

DEFAULT_JSON = Path(__file__).resolve().parent / "results" / "latest.json"


@dataclass(frozen=True)
class Benchmark:
    name: str
    summary: str
    run: Callable[[Context], Awaitable[list[Figure]]]


BENCHMARKS: tuple[Benchmark, ...] = (
    Benchmark("rules", "pure rules engine, phases 4-8 (20 factions, 200 districts, 2,000 pieces)", rules.run),
    Benchmark("monitoring", "every monitoring report of a turn (20 factions x 200 districts)", monitoring.run),
    Benchmark("turn", "a whole turn through services + database, sizes S, M, L", turn.run),
    Benchmark("persistence", "our repositories vs raw aiosqlite vs SQLAlchemy ORM", persistence.run),
    Benchmark("interaction", "interaction latency through the local Discord emulator", interaction.run),
    Benchmark("maps", "GM map and every faction map, 50-district maps", maps.run),
    Benchmark("memory", "resident memory with many campaigns open", memory.run),
)  # fmt: skip
NAMES = tuple(b.name for b in BENCHMARKS)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    parser.add_argument(
        "--scale", choices=sorted(SCALES), help="full (default), quick, or tiny (test suite)"
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help=f"run only these (repeatable or comma-separated): {', '.join(NAMES)}",
    )
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="results file")
    parser.add_argument(
        "--turn-budget",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="cut a turn run short after this long (0: never); default 30",
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile each benchmark, print the top calls"
    )
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)
    if args.quick and args.scale not in (None, "quick"):
        parser.error("--quick and --scale disagree")
    args.scale = args.scale or ("quick" if args.quick else "full")
    selected = [n.strip() for item in args.only or [] for n in item.split(",") if n.strip()]
    unknown = sorted(set(selected) - set(NAMES))
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(NAMES)}")
    args.selected = [n for n in NAMES if n in selected] if selected else list(NAMES)
    return args


async def run_all(
    names: Sequence[str], ctx: Context, *, profile: bool = False, log=print
) -> list[Figure]:
    figures: list[Figure] = []
    for bench in BENCHMARKS:
        if bench.name not in names:
            continue
        log(f"-- {bench.name}: {bench.summary}", file=sys.stderr, flush=True)
        started = time.perf_counter()
        profiler = cProfile.Profile() if profile else None
        if profiler is not None:
            profiler.enable()
        try:
            figures += await bench.run(ctx)
        finally:
            if profiler is not None:
                profiler.disable()
                _print_profile(profiler)
        log(f"   {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    return figures


def _print_profile(profiler: cProfile.Profile) -> None:
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
    print(out.getvalue(), file=sys.stderr)


# -- output ----------------------------------------------------------------------------------

COLUMNS = ("figure", "median", "min", "max", "target", "result", "ratio")


def table(figures: Sequence[Figure]) -> str:
    rows = [COLUMNS] + [_row(f) for f in figures]
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    lines = []
    for index, row in enumerate(rows):
        cells = [
            cell.ljust(w) if i in (0, 4, 5, 6) else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    notes = [f"  {f.name}: {f.note}" for f in figures if f.note]
    return "\n".join(lines + (["", "notes:", *notes] if notes else []))


def _row(f: Figure) -> tuple[str, ...]:
    if f.skipped is not None:
        return (f.name, "", "", "", f.target_text(), f.result, "")
    bound = ">=" if f.lower_bound else ""
    ratio = ""
    if f.ratio is not None:
        r = f.ratio
        ratio = f"{r.median:.2f}x {r.against} ({min(r.samples):.2f}-{max(r.samples):.2f})"
    return (
        f.name,
        bound + _fmt(f.median, f.unit),
        _fmt(f.minimum, f.unit),
        _fmt(f.maximum, f.unit),
        f.target_text(),
        f.result,
        ratio,
    )


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit == "":
        return f"{value:.2f}"
    digits = 3 if unit == "s" and value < 10 else 1
    return f"{value:.{digits}f} {unit}"


def results_json(
    figures: Sequence[Figure], args: argparse.Namespace, seconds: float, machine: dict[str, Any]
) -> dict[str, Any]:
    return {
        "date": now_iso(),
        "command": "python -m bench " + " ".join(args.argv),
        "scale": args.scale,
        "benchmarks": args.selected,
        "duration_s": round(seconds, 1),
        "machine": machine,
        "figures": [f.to_json() for f in figures],
        "ratios": {
            f.name: {"against": f.ratio.against, "median": f.ratio.median}
            for f in figures
            if f.ratio is not None
        },
        "summary": {
            result: sum(1 for f in figures if f.result.split(":")[0] == result)
            for result in ("pass", "fail", "unknown", "info", "not run")
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    args.argv = argv
    if args.list:
        for bench in BENCHMARKS:
            print(f"{bench.name:<12} {bench.summary}")
        return 0
    # Benchmark-sized bulk statements cross the 100 ms slow-statement threshold by design.
    logging.getLogger("db.slow").setLevel(logging.ERROR)
    ctx = Context(SCALES[args.scale], turn_budget_s=args.turn_budget)
    machine = machine_info()  # load average at the start: other work on the machine
    started = time.perf_counter()
    try:
        figures = asyncio.run(run_all(args.selected, ctx, profile=args.profile))
    finally:
        ctx.campaigns.cleanup()
    seconds = time.perf_counter() - started
    print(table(figures))
    machine["load_average_end"] = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    data = results_json(figures, args, seconds, machine)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(f"\n{args.scale} run, {seconds:.0f} s; results in {args.json}")
    return 0
