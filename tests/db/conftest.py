"""Fixtures for the persistence tests: a fresh migrated campaign file per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from db.database import Database
from db.migrations import migrate
from db.records import Agent, District, Faction, Squadron


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
