"""Fixtures for the turn pipeline's own tests.

``campaign``: the small seeded campaign of ``tests/services/conftest.py`` (factions red,
blue, green, grey; five districts) parked at turn 1, assignment, with a GM channel so the
GM's deliveries have a recipient. ``fresh``: the same campaign at turn 1, preparation (a
campaign as the importer leaves it). ``harbor``: examples/harbor_city.toml imported with a
fixed seed and one Discord member per faction (two for the Lantern Guild).
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.campaign import CampaignFile, load
from bot.campaign.model import MemberSpec
from bot.services.access import Actor
from bot.services.campaign_io import import_campaign
from bot.services.orders import OrderService
from bot.services.turn import TurnService
from db.database import Database
from db.migrations import migrate
from tests.services.conftest import CAMPAIGN_SEED, GM_USER_ID, SeededCampaign, seed_campaign

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HARBOR_FILE = EXAMPLES / "harbor_city.toml"
HARBOR_SEED = 20240611
GM_CHANNEL = 5550
GM = Actor(GM_USER_ID, True, None)
HARBOR_MEMBERS = {
    "lantern_guild": (1001, 1002),
    "brine_syndicate": (2001,),
    "order_of_the_tide": (3001,),
    "house_valcourt": (4001,),
}

# Columns whose value is the wall clock (or a file name built from it): they differ
# between two runs of the same game and are left out of every table comparison.
VOLATILE_COLUMNS = frozenset(
    {
        "created_at",  # row insertion time, every table
        "updated_at",  # last write time, every table
        "last_updated",  # game_state: time of the last phase change
        "applied_at",  # schema_migrations: when the migration ran
        "resolved_at",  # conflict_resolutions: when the GM ruled
        "delivered_at",  # delivery_outbox: when Discord took it (never set in these tests)
        "backup_path",  # advance_log: backup file names carry a timestamp
    }
)


async def open_db(path: Path) -> Database:
    database = Database(path)
    await database.open()
    await migrate(database)
    return database


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await open_db(tmp_path / "campaign.sqlite3")
    try:
        yield database
    finally:
        await database.close()


def actors(db: Database) -> SeededCampaign:
    return SeededCampaign(
        db=db,
        gm=GM,
        red=Actor(101, False, "red"),
        blue=Actor(201, False, "blue"),
        green=Actor(301, False, "green"),
        grey=Actor(401, False, "grey"),
        outsider=Actor(999, False, None),
    )


@pytest.fixture
async def campaign(db: Database) -> SeededCampaign:
    await seed_campaign(db)
    async with db.transaction() as uow:
        await uow.settings.update(gm_channel_id=GM_CHANNEL)
    return actors(db)


@pytest.fixture
async def fresh(db: Database) -> SeededCampaign:
    await seed_campaign(db, phase="preparation")
    async with db.transaction() as uow:
        await uow.settings.update(gm_channel_id=GM_CHANNEL)
    return actors(db)


@pytest.fixture
def orders(db: Database) -> OrderService:
    return OrderService(db)


@pytest.fixture
def turns(db: Database, tmp_path: Path) -> TurnService:
    return TurnService(db, backups_dir=tmp_path / "backups")


def harbor_file(seed: int = HARBOR_SEED) -> CampaignFile:
    """The sample campaign with a fixed seed and Discord members for every faction."""
    campaign = load(HARBOR_FILE)
    factions = tuple(
        dataclasses.replace(
            f, members=tuple(MemberSpec(u, i == 0) for i, u in enumerate(HARBOR_MEMBERS[f.key]))
        )
        for f in campaign.factions
    )
    return dataclasses.replace(campaign, seed=seed, factions=factions)


async def import_harbor(db: Database, seed: int = HARBOR_SEED) -> None:
    await import_campaign(db, harbor_file(seed))
    async with db.transaction() as uow:
        await uow.settings.update(gm_channel_id=GM_CHANNEL, gm_role_id=900)


@pytest.fixture
async def harbor(db: Database) -> Database:
    await import_harbor(db)
    return db


def member(faction_id: str) -> Actor:
    return Actor(HARBOR_MEMBERS[faction_id][0], False, faction_id)


# -- comparing whole databases ---------------------------------------------------------------


def dump_file(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table (``sqlite_sequence`` included), volatile columns left out, rows sorted."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return dump_connection(con)
    finally:
        con.close()


def dump_connection(con: sqlite3.Connection) -> dict[str, list[tuple[Any, ...]]]:
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    result: dict[str, list[tuple[Any, ...]]] = {}
    for table in sorted(tables):
        cursor = con.execute(f'SELECT * FROM "{table}"')
        names = [d[0] for d in cursor.description]
        keep = [i for i, n in enumerate(names) if n not in VOLATILE_COLUMNS]
        rows = [tuple(row[i] for i in keep) for row in cursor.fetchall()]
        result[table] = sorted(rows, key=repr)
    return result


async def dump_stable(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """The live database through its own reader (same shape as ``dump_file``).

    For "nothing was written" checks use ``tests.services.conftest.dump``, which keeps
    the timestamps too.
    """
    async with db.read() as uow:
        tables = [r[0] for r in await uow.sql.fetchall(
            "SELECT name FROM sqlite_master WHERE type='table'"
        )]  # fmt: skip
        result: dict[str, list[tuple[Any, ...]]] = {}
        for table in sorted(tables):
            rows = await uow.sql.fetchall(f'SELECT * FROM "{table}"')
            if not rows:
                result[table] = []
                continue
            names = rows[0].keys()
            keep = [i for i, n in enumerate(names) if n not in VOLATILE_COLUMNS]
            result[table] = sorted((tuple(r[i] for i in keep) for r in rows), key=repr)
    return result


__all__ = [
    "CAMPAIGN_SEED",
    "GM",
    "GM_CHANNEL",
    "HARBOR_MEMBERS",
    "HARBOR_SEED",
    "VOLATILE_COLUMNS",
    "dump_file",
    "dump_stable",
    "harbor_file",
    "import_harbor",
    "member",
    "open_db",
]
