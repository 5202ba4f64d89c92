"""Benchmark 2: what our persistence layer costs, against the floor and against an ORM.

The same three workloads run three ways, interleaved (ours raw orm ours raw orm ...):

- ``insert``: N order upserts in one transaction (N = 10,000 at full scale);
- ``read``: N reads of one order by id, in one read transaction;
- ``turn_writes``: the result writes of one turn of the L campaign, in one transaction:
  every order's results (``actions`` update), the influence changes, the monitoring
  reports and the outbox deliveries, captured from a really played L turn.

The ways (ours = db/, raw = the same SQL on bare aiosqlite, orm = SQLAlchemy 2 async ORM)
are in bench/persistence_ways.py. Target: ours / raw <= 1.5 and ours faster than the ORM.

Every way starts from the same records (db.records dataclasses) and ends with committed
rows; setup (copying the database, opening connections) is not timed.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from pathlib import Path

from bench.campaigns import CampaignCache, orders_for_turns
from bench.context import Context
from bench.measure import Figure, Ratio, Target, interleaved, pairwise, skipped
from bench.persistence_ways import RESULT_FIELDS, Orm, Ours, Raw, TurnWrites, orm_available
from bot.services import synthetic
from db import records as dbr
from db.database import Database
from db.repositories.reports import report_id

OURS_OVER_RAW_MAX = 1.5

# -- inputs -----------------------------------------------------------------------------------


async def capture_turn_writes(cache: CampaignCache, size: str) -> tuple[Path, TurnWrites]:
    """The base to write onto (turn-1 orders submitted) and the played turn's writes."""
    campaign = await cache.ready(size)
    played = await cache.played(size)
    async with Database(campaign.ready) as db, db.read() as uow:
        before = {
            (i.district_id, i.faction_id): i.value for i in await uow.districts.list_influence()
        }
    async with Database(played) as db, db.read() as uow:
        orders = await uow.orders.list_for_turn(1)
        after = await uow.districts.list_influence()
        reports = await uow.reports.for_turn(1)
        deliveries = await uow.outbox.for_turn(1)
    results = tuple(
        dbr.OrderResult(order_id=o.id, **{f: getattr(o, f) for f in RESULT_FIELDS}) for o in orders
    )
    changes = [
        dbr.InfluenceChange(i.district_id, i.faction_id, i.value)
        for i in after
        if before.get((i.district_id, i.faction_id), 0) != i.value
    ]
    increases = frozenset(
        (c.district_id, c.faction_id)
        for c in changes
        if c.value > before.get((c.district_id, c.faction_id), 0)
    )
    changes.sort(key=lambda c: (c.district_id, c.faction_id) in increases)
    writes = TurnWrites(
        results=results,
        influence=tuple(changes),
        increases=increases,
        reports=tuple(
            dbr.MonitoringReport(
                r.faction_id,
                r.district_id,
                r.turn_number,
                r.report,
                r.confidence_rating,
                report_id(r.turn_number, r.faction_id, r.district_id),
            )
            for r in reports
        ),  # fmt: skip
        deliveries=tuple(
            dbr.NewDelivery(
                d.turn_number,
                d.kind,
                d.recipient_type,
                d.dedupe_key,
                d.payload,
                d.recipient_id,
                d.faction_id,
            )
            for d in deliveries
        ),  # fmt: skip
    )
    base = cache.copy(campaign.ready, f"submitted-{size}")
    async with Database(base) as db:
        await synthetic.submit_orders(db, list(campaign.orders))
    return base, writes


# -- the benchmark ----------------------------------------------------------------------------


def _on_copy(cache: CampaignCache, base: Path, work: Callable[[Path], Awaitable[float]]):
    async def way() -> float:
        path = cache.copy(base, "persist")
        try:
            return await work(path)
        finally:
            cache.discard(path)

    return way


def _on_file(path: Path, work: Callable[[Path], Awaitable[float]]):
    async def way() -> float:
        return await work(path)

    return way


def comparison(workload: str, samples: dict[str, list[float]], note: str) -> list[Figure]:
    raw, ours = samples["raw"], samples["ours"]
    figures = [
        Figure(f"persist.{workload}.raw", "ms", [s * 1000 for s in raw], note=note),
        Figure(
            f"persist.{workload}.ours",
            "ms",
            [s * 1000 for s in ours],
            target=Target(OURS_OVER_RAW_MAX, "<="),
            target_on_ratio=True,
            ratio=Ratio("raw", pairwise(ours, raw)),
        ),
    ]
    if "orm" in samples:
        orm = samples["orm"]
        figures.append(
            Figure(
                f"persist.{workload}.orm",
                "ms",
                [s * 1000 for s in orm],
                target=Target(1.0, ">"),
                target_on_ratio=True,
                ratio=Ratio("ours", pairwise(orm, ours)),
            )
        )
    else:
        figures.append(
            skipped(f"persist.{workload}.orm", 'SQLAlchemy missing: pip install -e ".[bench]"')
        )
    return figures


async def run(ctx: Context) -> list[Figure]:
    cache, scale = ctx.campaigns, ctx.scale
    campaign = await cache.ready(scale.persist_size)
    orders = orders_for_turns(campaign.orders, scale.persist_rows)
    ways = {"ours": Ours, "raw": Raw}
    if orm_available():
        ways["orm"] = Orm  # type: ignore[assignment]
    runs = scale.persist_repeats
    figures: list[Figure] = []

    samples = await interleaved(
        {n: _on_copy(cache, campaign.ready, lambda p, w=w: w.insert(p, orders)) for n, w in ways.items()},
        runs,
    )  # fmt: skip
    figures += comparison("insert", samples, f"{len(orders)} order upserts, one transaction")

    read_base = cache.copy(campaign.ready, "read-base")
    async with Database(read_base) as db, db.transaction() as uow:
        await uow.orders.upsert_many(orders)
    ids = [o.id for o in orders]
    random.Random(11).shuffle(ids)
    samples = await interleaved(
        {n: _on_file(read_base, lambda p, w=w: w.read(p, ids)) for n, w in ways.items()}, runs
    )
    figures += comparison("read", samples, f"{len(ids)} reads by id, one read transaction")

    base, writes = await capture_turn_writes(cache, scale.persist_size)
    samples = await interleaved(
        {n: _on_copy(cache, base, lambda p, w=w: w.turn_writes(p, writes)) for n, w in ways.items()},
        runs,
    )  # fmt: skip
    figures += comparison(
        "turn_writes", samples, f"size {scale.persist_size}: {writes.describe()}, one transaction"
    )
    return figures
