"""The three ways the persistence benchmark compares, one workload method each.

``Ours``: db/ (``Database`` + repositories, validation included). ``Raw``: the same SQL
statements on a bare aiosqlite connection with the same pragmas - executemany for bulk
writes, ``execute_fetchall`` (one hop to the connection thread, the cheapest aiosqlite read)
for reads. ``Orm``: SQLAlchemy 2 async ORM (bench/orm.py) used idiomatically. Each method
takes the database file, does its untimed setup and returns the seconds of its timed part.
The SQL here is the benchmark's own: it is the comparison, not application code.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

from db import records as dbr
from db.database import Database
from db.dialect import connection_pragmas

ORDER_FIELDS = (
    "id", "turn_number", "piece_type", "piece_id", "faction_id", "district_id", "action_type",
    "target_faction_id", "description", "attribute_used", "skill_used", "aptitude_used", "dc",
    "manual_modifier", "advantage", "disadvantage", "roll_result", "outcome_tier",
    "enemy_penalty", "final_total", "in_conflict", "conflict_id", "forfeited",
    "influence_gained", "influence_lost", "target_gained", "target_lost", "gm_notes",
)  # fmt: skip
RESULT_FIELDS = (
    "dc", "roll_result", "outcome_tier", "attribute_used", "skill_used", "aptitude_used",
    "enemy_penalty", "final_total", "in_conflict", "conflict_id", "forfeited",
    "influence_gained", "influence_lost", "target_gained", "target_lost", "gm_notes",
)  # fmt: skip
BOOL_FIELDS = {"advantage", "disadvantage", "in_conflict", "forfeited"}
NOW = "strftime('%Y-%m-%dT%H:%M:%fZ','now')"

RAW_UPSERT_ORDER = (
    f"INSERT INTO actions ({', '.join(ORDER_FIELDS)}) VALUES ({', '.join('?' * len(ORDER_FIELDS))}) "
    "ON CONFLICT(turn_number, piece_type, piece_id) DO UPDATE SET "
    + ", ".join(
        f"{f}=excluded.{f}"
        for f in ORDER_FIELDS
        if f not in ("id", "turn_number", "piece_type", "piece_id")
    )
    + f", updated_at={NOW}"
)
RAW_SELECT_ORDER = f"SELECT {', '.join(ORDER_FIELDS)} FROM actions WHERE id=?"
RAW_UPDATE_RESULTS = (
    "UPDATE actions SET "
    + ", ".join(f"{f}=COALESCE(?, {f})" for f in RESULT_FIELDS)
    + f", updated_at={NOW} WHERE id=?"
)
RAW_SET_INFLUENCE = (
    "INSERT INTO district_influence (district_id, faction_id, influence_value, has_stronghold) "
    "VALUES (?, ?, ?, ?) ON CONFLICT(district_id, faction_id) DO UPDATE SET "
    f"influence_value=excluded.influence_value, has_stronghold=COALESCE(?, has_stronghold), "
    f"updated_at={NOW}"
)
RAW_INSERT_REPORT = (
    "INSERT INTO faction_monitoring_reports (id, faction_id, district_id, turn_number, "
    "report_json, confidence_rating) VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT(turn_number, faction_id, district_id) DO UPDATE SET "
    "report_json=excluded.report_json, confidence_rating=excluded.confidence_rating"
)
RAW_ENQUEUE = (
    "INSERT INTO delivery_outbox (turn_number, kind, faction_id, recipient_type, recipient_id, "
    "payload_json, dedupe_key) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(dedupe_key) DO NOTHING"
)  # fmt: skip


@dataclass(frozen=True)
class TurnWrites:
    """One played turn's result writes; influence ordered decreases first (the total trigger)."""

    results: tuple[dbr.OrderResult, ...]
    influence: tuple[dbr.InfluenceChange, ...]
    increases: frozenset[tuple[str, str]]
    reports: tuple[dbr.MonitoringReport, ...]
    deliveries: tuple[dbr.NewDelivery, ...]

    def describe(self) -> str:
        return (
            f"{len(self.results)} order results, {len(self.influence)} influence changes, "
            f"{len(self.reports)} reports, {len(self.deliveries)} deliveries"
        )


def _db(value: object) -> object:
    return int(value) if isinstance(value, bool) else value


async def raw_connect(path: Path) -> aiosqlite.Connection:
    conn = await aiosqlite.connect(str(path), isolation_level=None)
    for pragma in connection_pragmas(5000, read_only=False):
        await conn.execute(pragma)
    return conn


class Ours:
    @staticmethod
    async def insert(path: Path, orders: list[dbr.Order]) -> float:
        async with Database(path) as db:
            start = time.perf_counter()
            async with db.transaction() as uow:
                await uow.orders.upsert_many(orders)
            return time.perf_counter() - start

    @staticmethod
    async def read(path: Path, ids: list[str]) -> float:
        async with Database(path) as db:
            start = time.perf_counter()
            async with db.read() as uow:
                for order_id in ids:
                    await uow.orders.get(order_id)
            return time.perf_counter() - start

    @staticmethod
    async def turn_writes(path: Path, w: TurnWrites) -> float:
        async with Database(path) as db:
            start = time.perf_counter()
            async with db.transaction() as uow:
                await uow.orders.update_results_many(w.results)
                await uow.districts.set_influence_many(w.influence)
                await uow.reports.insert_many(w.reports)
                await uow.outbox.enqueue_many(w.deliveries)
            return time.perf_counter() - start


class Raw:
    @staticmethod
    async def insert(path: Path, orders: list[dbr.Order]) -> float:
        conn = await raw_connect(path)
        try:
            start = time.perf_counter()
            await conn.execute("BEGIN IMMEDIATE")
            await conn.executemany(
                RAW_UPSERT_ORDER, [tuple(_db(getattr(o, f)) for f in ORDER_FIELDS) for o in orders]
            )
            await conn.execute("COMMIT")
            return time.perf_counter() - start
        finally:
            await conn.close()

    @staticmethod
    async def read(path: Path, ids: list[str]) -> float:
        conn = await raw_connect(path)
        try:
            start = time.perf_counter()
            await conn.execute("BEGIN DEFERRED")
            for order_id in ids:
                await conn.execute_fetchall(RAW_SELECT_ORDER, (order_id,))
            await conn.execute("ROLLBACK")
            return time.perf_counter() - start
        finally:
            await conn.close()

    @staticmethod
    async def turn_writes(path: Path, w: TurnWrites) -> float:
        conn = await raw_connect(path)
        try:
            start = time.perf_counter()
            await conn.execute("BEGIN IMMEDIATE")
            await conn.executemany(
                RAW_UPDATE_RESULTS,
                [(*(_db(getattr(r, f)) for f in RESULT_FIELDS), r.order_id) for r in w.results],
            )
            await conn.executemany(
                RAW_SET_INFLUENCE,
                [
                    (c.district_id, c.faction_id, c.value, _db(bool(c.has_stronghold)),
                     None if c.has_stronghold is None else _db(c.has_stronghold))
                    for c in w.influence
                ],
            )  # fmt: skip
            await conn.executemany(
                RAW_INSERT_REPORT,
                [
                    (r.id, r.faction_id, r.district_id, r.turn_number,
                     json.dumps(r.report, sort_keys=True), r.confidence_rating)
                    for r in w.reports
                ],
            )  # fmt: skip
            await conn.executemany(
                RAW_ENQUEUE,
                [
                    (d.turn_number, d.kind, d.faction_id, d.recipient_type, d.recipient_id,
                     json.dumps(d.payload, sort_keys=True), d.dedupe_key)
                    for d in w.deliveries
                ],
            )  # fmt: skip
            await conn.execute("COMMIT")
            return time.perf_counter() - start
        finally:
            await conn.close()


class Orm:
    """Imported lazily: SQLAlchemy is an optional extra."""

    @staticmethod
    async def _session(path: Path):  # -> (engine, AsyncSession factory), connection warmed
        from sqlalchemy import text
        from sqlalchemy.ext.asyncio import async_sessionmaker

        from bench.orm import engine_for

        engine = engine_for(path)
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return engine, async_sessionmaker(engine, expire_on_commit=False)

    @staticmethod
    async def insert(path: Path, orders: list[dbr.Order]) -> float:
        from bench.orm import Action

        engine, sessions = await Orm._session(path)
        try:
            start = time.perf_counter()
            async with sessions() as session, session.begin():
                session.add_all(
                    [Action(**{f: getattr(o, f) for f in ORDER_FIELDS}) for o in orders]
                )
            return time.perf_counter() - start
        finally:
            await engine.dispose()

    @staticmethod
    async def read(path: Path, ids: list[str]) -> float:
        from bench.orm import Action

        engine, sessions = await Orm._session(path)
        try:
            start = time.perf_counter()
            async with sessions() as session:
                for order_id in ids:
                    await session.get(Action, order_id)
            return time.perf_counter() - start
        finally:
            await engine.dispose()

    @staticmethod
    async def turn_writes(path: Path, w: TurnWrites) -> float:
        from sqlalchemy import select, update

        from bench.orm import Action, Delivery, Influence, Report

        engine, sessions = await Orm._session(path)
        try:
            start = time.perf_counter()
            async with sessions() as session, session.begin():
                await session.execute(
                    update(Action),
                    [
                        {"id": r.order_id}
                        | {f: getattr(r, f) for f in RESULT_FIELDS if getattr(r, f) is not None}
                        for r in w.results
                    ],
                )
                districts = sorted({c.district_id for c in w.influence})
                loaded = {
                    (i.district_id, i.faction_id): i
                    for i in await session.scalars(
                        select(Influence).where(Influence.district_id.in_(districts))
                    )
                }
                for c in w.influence:
                    if (c.district_id, c.faction_id) not in w.increases:
                        loaded[(c.district_id, c.faction_id)].influence_value = c.value
                await session.flush()  # decreases first, or the district total trigger fires
                for c in w.influence:
                    key = (c.district_id, c.faction_id)
                    if key in w.increases:
                        if key in loaded:
                            loaded[key].influence_value = c.value
                        else:
                            session.add(Influence(district_id=key[0], faction_id=key[1],
                                                  influence_value=c.value))  # fmt: skip
                session.add_all(
                    [
                        Report(id=r.id, faction_id=r.faction_id, district_id=r.district_id,
                               turn_number=r.turn_number, report_json=r.report,
                               confidence_rating=r.confidence_rating)
                        for r in w.reports
                    ]
                )  # fmt: skip
                session.add_all(
                    [
                        Delivery(turn_number=d.turn_number, kind=d.kind, faction_id=d.faction_id,
                                 recipient_type=d.recipient_type, recipient_id=d.recipient_id,
                                 payload_json=d.payload, dedupe_key=d.dedupe_key)
                        for d in w.deliveries
                    ]
                )  # fmt: skip
            return time.perf_counter() - start
        finally:
            await engine.dispose()


def orm_available() -> bool:
    try:
        import sqlalchemy  # noqa: F401
    except ImportError:
        return False
    return True
