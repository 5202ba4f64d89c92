"""Monitoring benchmark: every report of one turn, 20 factions x 200 districts (issue 5).

Reproducible synthetic board (fixed seed): each district gets 2-6 holders, some
strongholds, a weekly modifier, adjacency on a ring-with-chords graph and three rumors;
every faction has at least one source in every district (piece monitoring, squadron
secondary monitoring and passive monitoring mixed). Target: ``build_reports`` < 0.5 s.
"""

from __future__ import annotations

import random

from bench.context import Context
from bench.measure import Figure, Target, repeat
from bot.rules.model import Board, District, Faction
from bot.rules.monitoring import (
    MonitoringSource,
    Rumor,
    SourceKind,
    build_reports,
    passive_sources,
)

SEED = 20240611
TURN = 5
TARGET_S = 0.5


def synthetic_campaign(
    factions: int = 20, districts: int = 200
) -> tuple[Board, list[MonitoringSource], dict, list[Rumor], dict]:
    gen = random.Random(1234)  # synthetic data only, not a game draw
    faction_ids = [f"f{i:02d}" for i in range(factions)]
    district_ids = [f"d{i:03d}" for i in range(districts)]
    faction_map = {f: Faction(f, monitoring_bonus=gen.randint(-2, 3)) for f in faction_ids}
    district_map = {}
    for i, d in enumerate(district_ids):
        adjacent = {
            district_ids[(i - 1) % districts],
            district_ids[(i + 1) % districts],
            district_ids[(i * 7) % districts],
        } - {d}
        district_map[d] = District(
            d, weekly_modifier=gen.randint(-2, 2), adjacent=frozenset(adjacent)
        )
    influence: dict[tuple[str, str], int] = {}
    strongholds = set()
    for d in district_ids:
        holders = gen.sample(faction_ids, min(len(faction_ids), gen.randint(2, 6)))
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
    board = Board(faction_map, district_map, influence, frozenset(strongholds), {}, relationships)
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


async def run(ctx: Context) -> list[Figure]:
    factions, districts = ctx.scale.monitoring_shape
    board, sources, history, rumors, known = synthetic_campaign(factions, districts)
    count = 0

    def reports() -> None:
        nonlocal count
        count = len(build_reports(SEED, TURN, sources, board, history, known, rumors))

    samples = repeat(reports, ctx.scale.repeats)
    return [
        Figure(
            "monitoring.all_reports",
            "s",
            samples,
            target=Target(TARGET_S),
            note=f"{count} reports ({factions} factions x {districts} districts) "
            f"from {len(sources)} sources",
        )
    ]
