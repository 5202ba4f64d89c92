"""Fixtures for the persistence tests: a fresh migrated campaign file per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from db.database import Database
from db.migrations import migrate
from db.records import (
    Agent,
    Conflict,
    ConflictFaction,
    ConflictPiece,
    District,
    DistrictModifier,
    Faction,
    FactionModifier,
    MonitoringReport,
    NewDelivery,
    NewspaperArticle,
    NewspaperIssue,
    Order,
    PenaltyAssignment,
    Rumor,
    Squadron,
)


def make_district(district_id: str, **overrides: object) -> District:
    values: dict = dict(
        id=district_id,
        name=f"District {district_id}",
        preferred_gain_attribute="might",
        preferred_gain_skill="combat",
        preferred_gain_squadron_aptitude="combat",
        preferred_monitor_attribute="intellect",
        preferred_monitor_skill="streetwise",
    )
    values.update(overrides)
    return District(**values)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(tmp_path / "campaign.sqlite3")
    await database.open()
    await migrate(database)
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
async def board(db: Database) -> Database:
    """Three factions, three districts (d1-d2-d3 in a line), two agents, one squadron."""
    async with db.transaction() as uow:
        await uow.game.initialise("Test campaign")
        await uow.factions.upsert_many(
            [Faction("f1", "Red", color="#ff0000"), Faction("f2", "Blue"), Faction("f3", "Green")]
        )
        await uow.districts.upsert_many(
            [make_district("d1"), make_district("d2"), make_district("d3")]
        )
        await uow.districts.add_adjacency_many([("d1", "d2"), ("d2", "d3")])
        await uow.pieces.upsert_agents_many([Agent("a1", "Ann", "f1"), Agent("a2", "Bob", "f2")])
        await uow.pieces.upsert_squadrons_many([Squadron("s1", "Lancers", "f1", mobility=3)])
    return db


@pytest.fixture
async def full_board(board: Database) -> Database:
    """One row in every ranged table, so each CHECK can be probed with an UPDATE."""
    async with board.transaction() as uow:
        await uow.districts.set_influence("d1", "f1", 5)
        await uow.districts.set_likeability("d1", "f1", 1)
        await uow.factions.set_relationship("f1", "f2", 0)
        await uow.districts.create_rumor(Rumor("r1", "d1", "secret", 10))
        await uow.districts.set_weekly("d1", 0)
        await uow.districts.add_modifier(DistrictModifier("mod1", "d1", "festival", 3, 2))
        await uow.orders.upsert(
            Order(
                1,
                "agent",
                "a1",
                "f1",
                "d1",
                "freeform",
                "f3",
                "spy",
                "finesse",
                "streetwise",
                dc=10,
            )
        )
        await uow.reports.insert_many([MonitoringReport("f1", "d1", 1, {"x": 1}, 5)])
        await uow.factions.set_support(1, "f1", "f2", False)
        await uow.settings.update(rng_seed=12345)
        await uow.outbox.enqueue_many([NewDelivery(1, "gm_summary", "channel", "k1", {}, 99)])
        await uow.factions.add_modifier(FactionModifier("m1", "f1", "Patron", "commerce", 10))
        await uow.orders.insert_penalties_many(
            [PenaltyAssignment(1, "agent", "a1", "agent", "a2", -4)]
        )
        await uow.history.snapshot_influence(1)
        await uow.conflicts.create(
            Conflict(
                "T1-d1-1", 1, "d1", "manual_initiate", "a1",
                factions=(ConflictFaction("f1", "initiator"), ConflictFaction("f2", "target")),
                pieces=(ConflictPiece("agent", "a1", "f1", "direct", "freeform", "T1-agent-a1"),),
            )
        )  # fmt: skip
        await uow.newspaper.create_issue(NewspaperIssue("i1", 1, "1 Jan", "Gazette", 1))
        await uow.newspaper.add_article(NewspaperArticle("art1", "i1", "news", "Hello", "World"))
    return board
