"""Deletes through the repositories do exactly what the schema's foreign keys declare.

The expectations are read from the schema itself (``PRAGMA foreign_key_list``), so a new
table is covered as soon as it exists; the fixture must give every such foreign key at least
one row pointing at the doomed parent, otherwise the test says which one it is missing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from db.database import Database
from db.errors import NotFound
from db.records import (
    Agent,
    Conflict,
    ConflictFaction,
    ConflictPiece,
    DecayResult,
    DistrictModifier,
    Faction,
    FactionModifier,
    KnownRumor,
    MonitoringReport,
    NewDelivery,
    NewspaperArticle,
    NewspaperIssue,
    Order,
    PendingIntel,
    Rumor,
    Squadron,
)
from db.repositories.turns import SourceRow
from db.uow import UnitOfWork

from .conftest import make_district

# A parent row cannot be deleted while this child exists, so its cascade cannot be exercised.
UNREACHABLE = {
    ("newspaper_distribution", "issue_id"): "only published issues are distributed, and a "
    "published issue cannot be deleted",
}


@pytest.fixture
async def doomed(board: Database) -> Database:
    """Faction fx, district dx, rumor rx, conflict cx and issue ix, each referenced by every
    foreign key that points at their table; the board's own rows stay as they were."""
    async with board.transaction() as uow:
        await uow.factions.create(Faction("fx", "Doomed"))
        await uow.districts.create(make_district("dx"))
        await uow.districts.add_adjacency("dx", "d1")
        await uow.pieces.create_agent(Agent("ax", "Xan", "fx", district_id="dx"))
        await uow.pieces.create_squadron(Squadron("sx", "Xers", "fx", district_id="dx"))
        await uow.districts.set_influence("dx", "fx", 4, has_stronghold=True)
        await uow.districts.set_influence("dx", "f1", 2)
        await uow.districts.set_influence("d1", "fx", 3)
        await uow.districts.set_likeability("dx", "fx", 2)
        await uow.districts.set_likeability("d1", "fx", -1)
        await uow.districts.set_weekly("dx", 1)
        await uow.districts.add_modifier(DistrictModifier("mx", "dx", "riot", 2, expires_on=3))
        await uow.districts.create_rumor(Rumor("rx", "dx", "a secret", 8))
        await uow.maps.set_shape("dx", {"type": "circle", "x": 0.5, "y": 0.5, "r": 0.1})
        await uow.factions.set_relationship_pair("fx", "f1", 2)
        await uow.factions.set_resource("fx", "gold", 5)
        await uow.factions.add_modifier(FactionModifier("fmx", "fx", "Patron", "commerce", 3))
        await uow.factions.set_support(1, "fx", "f1", True)
        await uow.factions.set_support(1, "f1", "fx", True)
        await uow.factions.add_known_rumors_many(
            [KnownRumor("fx", "rx", 1), KnownRumor("f1", "rx", 1)]
        )
        await uow.settings.add_member(7001, "fx", leader=True)
        await uow.settings.set_faction_channel("fx", 8001)
        await uow.orders.upsert_many(
            [
                Order(1, "agent", "ax", "fx", "dx", "gain_influence"),
                Order(1, "agent", "a1", "f1", "d1", "take_influence", target_faction_id="fx"),
            ]
        )
        await uow.reports.insert_many([MonitoringReport("fx", "dx", 1, {"tier": "good"}, 6)])
        await uow.reports.add_pending_intel_many([PendingIntel(1, "fx", "dx")])
        await uow.history.insert_decay_many([DecayResult(1, "dx", "fx", -1)])
        await uow.history.snapshot_influence(1)
        await uow.turns.replace_sources(1, [SourceRow(1, "fx", "dx", "agent:ax", "agent", 14)])
        await uow.outbox.enqueue_many(
            [NewDelivery(1, "faction_report", "user", "T1:fx", {"d": 1}, 7001, "fx")]
        )
        await uow.conflicts.create(
            Conflict(
                "cx", 1, "dx", "manual_initiate", "ax",
                factions=(ConflictFaction("fx", "initiator"), ConflictFaction("f1", "target")),
                pieces=(ConflictPiece("agent", "ax", "fx", "direct", "gain_influence", "T1-agent-ax"),),
            )
        )  # fmt: skip
        await uow.conflicts.set_ruling(
            "cx", resolution_type="win", outcomes={"fx": "win", "f1": "loss"},
            resolved_by="gm", resolved_at="2026-01-01T00:00:00Z",
        )  # fmt: skip
        await uow.newspaper.create_issue(NewspaperIssue("ix", 1, "Day 1", "Draft"))
        await uow.newspaper.add_article(
            NewspaperArticle("artx", "ix", "news", "Lights", "odd lights",
                             related_rumor_id="rx", related_district_id="dx")
        )  # fmt: skip
        await uow.newspaper.create_issue(NewspaperIssue("ip", 2, "Day 2", "Printed"))
        await uow.newspaper.publish("ip", "2026-01-02T00:00:00Z")
        if await uow.sql.scalar(
            "SELECT COUNT(*) FROM sqlite_master WHERE name = 'newspaper_distribution'"
        ):
            await uow.sql.execute(
                "INSERT INTO newspaper_distribution (issue_id, faction_id, turn_number, "
                "distributed_at) VALUES ('ip', 'fx', 1, '2026-01-02T00:00:00Z')"
            )
    return board


def _foreign_keys(conn: sqlite3.Connection, parent: str) -> list[tuple[str, str, str]]:
    """(child table, column, on-delete action) of every foreign key into ``parent``."""
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    found = []
    for table in tables:
        for fk in conn.execute(f"PRAGMA foreign_key_list('{table}')"):
            if fk[2] == parent:
                found.append((table, fk[3], fk[6]))
    return found


def _referencing(conn: sqlite3.Connection, table: str, column: str, key: str) -> set[int]:
    return {r[0] for r in conn.execute(f"SELECT rowid FROM {table} WHERE {column} = ?", (key,))}


def _rows(conn: sqlite3.Connection, table: str) -> set[int]:
    return {r[0] for r in conn.execute(f"SELECT rowid FROM {table}")}


async def _check_delete(
    path: Path, parent: str, key: str, delete: Callable[[UnitOfWork], Awaitable[None]], db: Database
) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(path)
    try:
        fks = [fk for fk in _foreign_keys(conn, parent) if fk[:2] not in UNREACHABLE]
        assert fks, f"no foreign key points at {parent}"
        before = {(t, c): _referencing(conn, t, c, key) for t, c, _ in fks}
        missing = [f"{t}.{c}" for (t, c), ids in before.items() if not ids]
        assert not missing, f"fixture gives no row referencing {parent} {key!r} in {missing}"
        totals = {t: _rows(conn, t) for t, _, _ in fks}
    finally:
        conn.close()

    async with db.transaction() as uow:
        await delete(uow)

    conn = sqlite3.connect(path)
    try:
        assert conn.execute(f"SELECT COUNT(*) FROM {parent} WHERE id = ?", (key,)).fetchone() == (
            0,
        )
        for table, column, action in fks:
            ids = before[(table, column)]
            after = _rows(conn, table)
            if action == "CASCADE":
                assert not ids & after, f"{table}.{column}: CASCADE left {len(ids & after)} rows"
            elif action == "SET NULL":
                assert ids <= after, f"{table}.{column}: SET NULL must keep the rows"
                marks = ",".join("?" * len(ids))
                values = conn.execute(
                    f"SELECT {column} FROM {table} WHERE rowid IN ({marks})", tuple(ids)
                ).fetchall()
                assert values == [(None,)] * len(ids), f"{table}.{column} was not nulled"
            else:
                pytest.fail(f"{table}.{column}: unexpected ON DELETE {action}")
        # rows that never referenced the parent survive (unless another cascade took them)
        for table, _, _ in fks:
            untouched = totals[table] - set().union(
                *(before[(t, c)] for t, c, _ in fks if t == table)
            )
            assert untouched <= _rows(conn, table) or table in _CHAINED, table
    finally:
        conn.close()
    return fks


# Tables whose other rows may legitimately go with a chained cascade (e.g. a conflict's
# children vanish with a conflict in the deleted district).
_CHAINED = {"conflict_factions", "conflict_pieces", "conflict_resolutions"}


async def test_deleting_a_faction_applies_every_declared_action(doomed: Database):
    fks = await _check_delete(
        doomed.path, "factions", "fx", lambda u: u.factions.delete("fx"), doomed
    )
    covered = {f"{t}.{c}" for t, c, _ in fks}
    # the issue's examples, spelled out: influence, members and channels go with the faction
    assert {"district_influence.faction_id", "faction_members.faction_id",
            "faction_channels.faction_id", "agents.faction_id"} <= covered  # fmt: skip
    async with doomed.read() as uow:
        assert await uow.districts.list_influence("dx") == [
            await uow.districts.get_influence("dx", "f1")
        ]
        assert await uow.settings.members_of("fx") == []
        assert await uow.settings.faction_channel("fx") is None
        assert (await uow.pieces.get_agent("ax")).faction_id is None  # pieces become unowned
        assert (await uow.orders.get("T1-agent-a1")).target_faction_id is None
        assert await uow.factions.list_relationships() == []
        assert await uow.factions.list_support(1, only_active=False) == []
        assert await uow.outbox.for_turn(1) == []
        with pytest.raises(NotFound):
            await uow.factions.get("fx")


async def test_deleting_a_district_applies_every_declared_action(doomed: Database):
    fks = await _check_delete(
        doomed.path, "districts", "dx", lambda u: u.districts.delete("dx"), doomed
    )
    covered = {f"{t}.{c}" for t, c, _ in fks}
    assert {"district_adjacency.district_id", "district_adjacency.adjacent_district_id",
            "district_rumors.district_id", "district_shapes.district_id"} <= covered  # fmt: skip
    async with doomed.read() as uow:
        assert await uow.districts.adjacency_map() == {
            "d1": ("d2",),
            "d2": ("d1", "d3"),
            "d3": ("d2",),
        }  # both directions of dx-d1 are gone, the rest is untouched
        assert await uow.districts.list_rumors("dx") == []
        assert await uow.factions.known_rumors() == []  # chained: rumor -> known rumors
        assert await uow.conflicts.list_for_turn(1) == []  # chained: conflict -> children
        assert (await uow.pieces.get_squadron("sx")).district_id is None
        assert (await uow.newspaper.articles_for("ix"))[0].related_district_id is None
        assert await uow.districts.weekly_all() == {"d1": 0, "d2": 0, "d3": 0}


async def test_deleting_a_rumor_applies_every_declared_action(doomed: Database):
    await _check_delete(
        doomed.path, "district_rumors", "rx", lambda u: u.districts.delete_rumor("rx"), doomed
    )
    async with doomed.read() as uow:
        assert await uow.factions.known_rumors() == []
        assert (await uow.newspaper.articles_for("ix"))[0].related_rumor_id is None


async def test_deleting_a_conflict_turn_removes_its_children(doomed: Database):
    async def delete(uow: UnitOfWork) -> None:
        assert await uow.conflicts.delete_for_turn(1) == 1

    await _check_delete(doomed.path, "conflicts", "cx", delete, doomed)


async def test_deleting_an_issue_removes_its_articles(doomed: Database):
    await _check_delete(
        doomed.path, "newspaper_issues", "ix", lambda u: u.newspaper.delete_issue("ix"), doomed
    )
