"""Benchmark 1: one whole turn through the services and the database (no Discord).

Per run, on a fresh copy of the size's ``ready`` campaign: every piece's order written
(``synthetic.submit_orders``), the GM's advance (conflict detection, rolls), one
``TurnService.rule`` per conflict (what the GM's ruling commands call), the GM's continue
(resolution, monitoring, reports, deliveries queued in the outbox). The clock stops when
the continue returns, i.e. when every delivery of the turn is in the outbox.

A run still ruling after ``--turn-budget`` seconds is cut short: its time is then a lower
bound (it already exceeds every target) and the size is not repeated.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from bench.campaigns import GM, Campaign
from bench.context import Context
from bench.measure import Figure, Target
from bot.rules.model import Outcome, Phase
from bot.rules.rulings import Ruling
from bot.services import synthetic
from bot.services.turn import TurnService
from db import records as dbr
from db.database import Database

TARGETS_S = {"M": 1.0, "L": 5.0}


@dataclass
class TurnRun:
    orders: float = 0.0
    advance: float = 0.0
    rulings: float = 0.0
    resume: float = 0.0
    ruling_times: list[float] = field(default_factory=list)
    conflicts: int = 0
    deliveries: int = 0
    cut_short: bool = False

    @property
    def total(self) -> float:
        return self.orders + self.advance + self.rulings + self.resume


def ruling_for(conflict: dbr.Conflict) -> Ruling:
    """Rotate first-principal win / draw / last-principal win by conflict id (deterministic)."""
    principals = sorted(f.faction_id for f in conflict.factions if f.role != "ally")
    choice = sum(map(ord, conflict.id)) % 3
    if choice == 1 or len(principals) < 2:
        return Ruling(dict.fromkeys(principals, Outcome.DRAW), notes="bench")
    winner = principals[0] if choice == 0 else principals[-1]
    return Ruling(
        {f: Outcome.WIN if f == winner else Outcome.LOSS for f in principals}, notes="bench"
    )


async def run_turn(campaign: Campaign, db: Database, budget_s: float) -> TurnRun:
    run = TurnRun()
    service = TurnService(db, backups_dir=None)
    start = time.perf_counter()
    await synthetic.submit_orders(db, list(campaign.orders))
    run.orders = time.perf_counter() - start

    mark = time.perf_counter()
    result = await service.advance(GM)
    run.advance = time.perf_counter() - mark
    turn = result.turn

    mark = time.perf_counter()
    if result.phase is Phase.CONFLICT_RESOLUTION:
        async with db.read() as uow:
            conflicts = await uow.conflicts.list_for_turn(turn)
        run.conflicts = len(conflicts)
        for conflict in conflicts:
            before = time.perf_counter()
            await service.rule(conflict.id, ruling_for(conflict), GM)
            run.ruling_times.append(time.perf_counter() - before)
            if budget_s and time.perf_counter() - start > budget_s:
                run.cut_short = True
                break
    run.rulings = time.perf_counter() - mark
    if run.cut_short:
        return run

    mark = time.perf_counter()
    result = await service.advance(GM)
    run.resume = time.perf_counter() - mark
    if result.phase is not Phase.ASSIGNMENT or result.turn != turn + 1:
        raise RuntimeError(f"turn {turn} ended at turn {result.turn}, phase {result.phase}")
    async with db.read() as uow:
        deliveries = await uow.outbox.for_turn(turn)
    run.deliveries = sum(1 for d in deliveries if d.kind == "faction_report")
    if run.deliveries != campaign.shape.factions:
        raise RuntimeError(f"{run.deliveries} faction reports queued, expected one per faction")
    return run


async def measure_size(ctx: Context, size: str) -> list[TurnRun]:
    campaign = await ctx.campaigns.ready(size)
    runs: list[TurnRun] = []
    for _ in range(ctx.scale.turn_repeats[size]):
        path = ctx.campaigns.copy(campaign.ready, f"turn-{size}")
        try:
            async with Database(path) as db:
                runs.append(await run_turn(campaign, db, ctx.turn_budget_s))
        finally:
            ctx.campaigns.discard(path)
        if runs[-1].cut_short:
            break
    return runs


def size_figures(size: str, shape: synthetic.CampaignSize, runs: list[TurnRun]) -> list[Figure]:
    cut = any(r.cut_short for r in runs)
    label = f"{shape.factions}f/{shape.districts}d/{shape.pieces}p"
    note = f"{label}, {runs[0].conflicts} conflicts; parts: orders, advance, rulings, resume"
    if cut:
        r = runs[-1]
        per = sum(r.ruling_times) / len(r.ruling_times)
        projected = r.orders + r.advance + per * r.conflicts + r.advance
        note += (
            f"; cut short after {len(r.ruling_times)}/{r.conflicts} rulings "
            f"(~{projected:.0f} s projected for the whole turn)"
        )
    target = TARGETS_S.get(size)
    figures = [
        Figure(
            f"turn.{size}",
            "s",
            [r.total for r in runs],
            target=Target(target) if target else None,
            note=note,
            lower_bound=cut,
            extra={"conflicts": runs[0].conflicts, "faction_reports_queued": runs[0].deliveries},
        )
    ]
    for part in ("orders", "advance", "rulings", "resume"):
        samples = [getattr(r, part) for r in runs if not (part == "resume" and r.cut_short)]
        if samples:
            figures.append(
                Figure(
                    f"turn.{size}.{part}",
                    "s",
                    samples,
                    lower_bound=cut and part == "rulings",
                )
            )
    ruling_ms = [t * 1000 for r in runs for t in r.ruling_times]
    if ruling_ms:
        figures.append(
            Figure(f"turn.{size}.per_ruling", "ms", ruling_ms, note="one TurnService.rule call")
        )
    return figures


def growth(
    small: tuple[int, Figure], large: tuple[int, Figure], name: str, note: str
) -> Figure | None:
    """Exponent k of t ~ pieces^k between two sizes; a lower bound if the large run was cut."""
    (p_small, f_small), (p_large, f_large) = small, large
    if not f_small.median or not f_large.median:
        return None
    exponent = math.log(f_large.median / f_small.median) / math.log(p_large / p_small)
    return Figure(name, "", [exponent], note=note, lower_bound=f_large.lower_bound)


async def run(ctx: Context) -> list[Figure]:
    figures: list[Figure] = []
    totals: dict[str, Figure] = {}
    no_rulings: dict[str, Figure] = {}
    for size in ctx.scale.turn_sizes:
        shape = synthetic.SIZES[size]
        runs = await measure_size(ctx, size)
        size_figs = size_figures(size, shape, runs)
        figures += size_figs
        totals[size] = size_figs[0]
        complete = [r for r in runs if not r.cut_short]
        if complete:
            no_rulings[size] = Figure("", "s", [r.orders + r.advance + r.resume for r in complete])
    if "M" in totals and "L" in totals:
        pieces_m, pieces_l = synthetic.SIZES["M"].pieces, synthetic.SIZES["L"].pieces
        candidates = [
            growth(
                (pieces_m, totals["M"]),
                (pieces_l, totals["L"]),
                "turn.growth_M_to_L",
                "k in t ~ pieces^k, log(tL/tM)/log(pL/pM); 1 = linear",
            )
        ]
        if "M" in no_rulings and "L" in no_rulings:
            candidates.append(
                growth(
                    (pieces_m, no_rulings["M"]),
                    (pieces_l, no_rulings["L"]),
                    "turn.growth_M_to_L.no_rulings",
                    "the same for orders + advance + continue",
                )
            )
        figures += [f for f in candidates if f is not None]
    return figures
