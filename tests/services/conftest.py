"""Shared fixtures for service tests: a migrated database and a small seeded campaign.

The campaign (``campaign`` fixture) is parked at turn 1, phase ``assignment``:

- factions ``red``, ``blue`` (allied +2 both ways), ``green`` (hot war −2 with red),
  ``grey`` (no relationships);
- districts ``docks``–``market``–``temple``–``palace`` in a line plus ``slums`` next to
  ``docks`` and ``market``;
- agents a-red-1..2, a-blue-1..2, a-green-1..2, a-grey-1, a-free (no faction);
  squadrons s-red-1, s-blue-1, s-green-1, s-grey-1;
- settings: seed 424242, GM role 900, members: 101 red (leader), 102 red, 201 blue,
  301 green, 401 grey.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.services.access import Actor
from db.database import Database
from db.migrations import migrate
from db.records import Agent, District, Faction, InfluenceChange, Likeability, Squadron

GM_ROLE_ID = 900
GM_USER_ID = 1
CAMPAIGN_SEED = 424242
MEMBERS = {101: ("red", True), 102: ("red", False), 201: ("blue", True), 301: ("green", True),
           401: ("grey", True)}  # fmt: skip
DUMP_EXCLUDED = ("schema_migrations",)


@dataclass(frozen=True)
class SeededCampaign:
    db: Database
    gm: Actor
    red: Actor
    blue: Actor
    green: Actor
    grey: Actor
    outsider: Actor

    def member(self, faction_id: str) -> Actor:
        return getattr(self, faction_id)


def make_district(district_id: str, **overrides: Any) -> District:
    values: dict[str, Any] = dict(
        id=district_id,
        name=district_id.title(),
        preferred_gain_attribute="presence",
        preferred_gain_skill="persuasion",
        preferred_gain_squadron_aptitude="social",
        preferred_monitor_attribute="intellect",
        preferred_monitor_skill="streetwise",
        preferred_monitor_squadron_aptitude="monitoring",
    )
    values.update(overrides)
    return District(**values)


async def seed_campaign(db: Database, *, phase: str = "assignment") -> None:
    """Write the campaign described in the module docstring (generic for any service test)."""
    async with db.transaction() as uow:
        await uow.game.initialise("Test campaign")
        await uow.game.set_phase(1, phase)
        await uow.settings.update(
            campaign_name="Test campaign", rng_seed=CAMPAIGN_SEED, gm_role_id=GM_ROLE_ID
        )
        await uow.factions.upsert_many(
            [
                Faction("blue", "Blue Lanterns", color="#2255ff"),
                Faction("green", "Green Hands", color="#22aa44", monitoring_bonus=1),
                Faction("grey", "Grey Council", color="#888888"),
                Faction("red", "Red Company", color="#cc2222"),
            ]
        )
        await uow.factions.set_relationship_pair("red", "blue", 2)
        await uow.factions.set_relationship_pair("red", "green", -2)
        await uow.factions.set_relationship_pair("blue", "green", -1)
        await uow.districts.upsert_many(
            [
                make_district("docks", preferred_gain_squadron_aptitude="labor"),
                make_district("market"),
                make_district("palace", preferred_gain_attribute="finesse"),
                make_district("slums", preferred_monitor_skill="infiltration"),
                make_district("temple", preferred_gain_skill="arcana"),
            ]
        )
        await uow.districts.add_adjacency_many(
            [
                ("docks", "market"),
                ("market", "temple"),
                ("temple", "palace"),
                ("slums", "docks"),
                ("slums", "market"),
            ]
        )
        await uow.districts.set_influence_many(
            [
                InfluenceChange("docks", "red", 3, True),
                InfluenceChange("docks", "green", 2),
                InfluenceChange("market", "blue", 4),
                InfluenceChange("market", "red", 1),
                InfluenceChange("palace", "grey", 10),
                InfluenceChange("temple", "green", 5, True),
            ]
        )
        await uow.districts.set_likeability_many(
            [Likeability("docks", "red", 2), Likeability("market", "blue", -1)]
        )
        await uow.districts.set_weekly_many({"docks": 1, "market": -1})
        await uow.pieces.upsert_agents_many(
            [
                Agent("a-red-1", "Ash", "red", intellect=3, infiltration=2, presence=2),
                Agent("a-red-2", "Birch", "red", finesse=4, infiltration=3),
                Agent("a-blue-1", "Cedar", "blue", presence=3, persuasion=3),
                Agent("a-blue-2", "Dove", "blue", might=2, combat=3),
                Agent("a-green-1", "Elm", "green", finesse=3, streetwise=2),
                Agent("a-green-2", "Fern", "green", attunement=4, arcana=4),
                Agent("a-grey-1", "Gale", "grey", intellect=5),
                Agent("a-free", "Hazel", None),
            ]
        )
        await uow.pieces.upsert_squadrons_many(
            [
                Squadron("s-blue-1", "Blue Watch", "blue", mobility=2, social_aptitude=2),
                Squadron("s-green-1", "Green Wardens", "green", mobility=3, combat_aptitude=3),
                Squadron("s-grey-1", "Grey Eyes", "grey", mobility=1, monitoring_aptitude=4),
                Squadron("s-red-1", "Red Lancers", "red", mobility=3, labor_aptitude=2),
            ]
        )
        for user_id, (faction_id, leader) in MEMBERS.items():
            await uow.settings.add_member(user_id, faction_id, leader)


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
async def campaign(db: Database) -> SeededCampaign:
    await seed_campaign(db)
    return SeededCampaign(
        db=db,
        gm=Actor(GM_USER_ID, True, None),
        red=Actor(101, False, "red"),
        blue=Actor(201, False, "blue"),
        green=Actor(301, False, "green"),
        grey=Actor(401, False, "grey"),
        outsider=Actor(999, False, None),
    )


async def dump(db: Database, *tables: str) -> dict[str, list[tuple]]:
    """Every row of the given tables (all user tables if none), for before/after equality."""
    async with db.read() as uow:
        if not tables:
            rows = await uow.sql.fetchall(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name"
            )
            tables = tuple(r[0] for r in rows if r[0] not in DUMP_EXCLUDED)
        result: dict[str, list[tuple]] = {}
        for table in tables:
            rows = await uow.sql.fetchall(f"SELECT * FROM {table}")
            result[table] = sorted((tuple(r) for r in rows), key=repr)
    return result
