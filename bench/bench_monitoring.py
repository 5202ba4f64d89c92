"""Benchmark: every monitoring report of one turn for 20 factions x 200 districts.

Reproducible synthetic board (fixed seed): each district gets 2-6 holders, some
strongholds, a weekly modifier, adjacency on a ring-with-chords graph and three
rumors; every faction has at least one source in every district (piece monitoring,
squadron secondary monitoring and passive monitoring mixed). Prints median/min/max
of several runs of ``build_reports`` (target < 0.5 s).

Run: .venv/bin/python bench/bench_monitoring.py [runs]
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.rules.model import Board, District, Faction  # noqa: E402
from bot.rules.monitoring import (  # noqa: E402
    MonitoringSource,
    Rumor,
    SourceKind,
    build_reports,
    passive_sources,
)

FACTIONS = 20
DISTRICTS = 200
SEED = 20240611
TURN = 5


def synthetic_campaign() -> tuple[Board, list[MonitoringSource], dict, list[Rumor], dict]:
    gen = random.Random(1234)  # synthetic data only, not a game draw
    faction_ids = [f"f{i:02d}" for i in range(FACTIONS)]
    district_ids = [f"d{i:03d}" for i in range(DISTRICTS)]
    factions = {f: Faction(f, monitoring_bonus=gen.randint(-2, 3)) for f in faction_ids}
    districts = {}
    for i, d in enumerate(district_ids):
        adjacent = {
            district_ids[(i - 1) % DISTRICTS],
            district_ids[(i + 1) % DISTRICTS],
            district_ids[(i * 7) % DISTRICTS],
        } - {d}
        districts[d] = District(d, weekly_modifier=gen.randint(-2, 2), adjacent=frozenset(adjacent))
    influence: dict[tuple[str, str], int] = {}
    strongholds = set()
    for d in district_ids:
        holders = gen.sample(faction_ids, gen.randint(2, 6))
        left = 10
        for f in holders:
            value = gen.randint(1, max(1, min(left, 5)))
            if left - value < 0:
                break
            influence[(d, f)] = value
            left -= value
            if gen.random() < 0.2:
                strongholds.add((d, f))
    relationships = {(a, b): gen.randint(-2, 2) for a in faction_ids for b in faction_ids if a != b}
    board = Board(factions, districts, influence, frozenset(strongholds), {}, relationships)
    history = {
        t: {k: max(0, v + gen.randint(-2, 2)) for k, v in influence.items()} for t in range(TURN)
    }
    sources = passive_sources(SEED, TURN, board)
    for f in faction_ids:
        for i, d in enumerate(district_ids):
            piece = f"{f}-{d}"
            roll = gen.randint(1, 20) + gen.randint(-2, 8)
            if i % 3 == 0:
                sources.append(MonitoringSource(f"agent:{piece}", f, d, SourceKind.AGENT, roll))
            elif i % 3 == 1:
                kind = SourceKind.SQUADRON_PRIMARY
                sources.append(MonitoringSource(f"squadron:{piece}", f, d, kind, roll))
            else:
                kind = SourceKind.SQUADRON_SECONDARY
                sources.append(MonitoringSource(f"squadron:{piece}", f, d, kind, min(roll, 12)))
    rumors = [
        Rumor(f"r-{d}-{k}", d, gen.randint(5, 25), f"Rumor {k}", "text")
        for d in district_ids
        for k in range(3)
    ]
    known = {f: {r.id for r in rumors if gen.random() < 0.1} for f in faction_ids}
    return board, sources, history, rumors, known


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    board, sources, history, rumors, known = synthetic_campaign()
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        reports = build_reports(SEED, TURN, sources, board, history, known, rumors)
        timings.append(time.perf_counter() - start)
    print(
        f"{len(reports)} reports from {len(sources)} sources: "
        f"median {statistics.median(timings):.3f}s, min {min(timings):.3f}s, "
        f"max {max(timings):.3f}s over {runs} runs (target < 0.5 s)"
    )


if __name__ == "__main__":
    main()
