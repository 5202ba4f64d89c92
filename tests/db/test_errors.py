"""Typed domain errors, provoked one by one: no sqlite3 exception ever reaches a caller,
not even inside the ``async with`` block where a service would catch it."""

from __future__ import annotations

import sqlite3

import pytest

from db.database import Database
from db.errors import (
    AlreadyExists,
    ConstraintViolation,
    DatabaseError,
    DomainError,
    InvalidValue,
    NotFound,
    ReadOnlyError,
)
from db.records import (
    Agent,
    Conflict,
    ConflictFaction,
    ConflictPiece,
    Faction,
    InfluenceChange,
    Likeability,
    MonitoringReport,
    Order,
    PieceLocation,
    Squadron,
)

from .conftest import make_district


def _typed(exc: BaseException) -> None:
    assert isinstance(exc, DomainError) and not isinstance(exc, sqlite3.Error)
    assert exc.message  # a sentence a cog can show as it is


async def test_not_found(board: Database):
    async with board.transaction() as uow:
        for call in (
            uow.factions.get("nope"),
            uow.districts.get("nope"),
            uow.pieces.get_agent("nope"),
            uow.orders.get("nope"),
            uow.conflicts.get("nope"),
            uow.factions.delete("nope"),
            uow.districts.update(make_district("nope")),
        ):
            with pytest.raises(NotFound) as err:
                await call
            _typed(err.value)
            assert err.value.key is not None and err.value.entity


async def test_already_exists_names_the_entity_and_key(board: Database):
    async with board.transaction() as uow:
        with pytest.raises(AlreadyExists) as err:
            await uow.factions.create(Faction("f1", "Again"))
        _typed(err.value)
        assert (err.value.entity, err.value.key) == ("faction", "f1")
        with pytest.raises(AlreadyExists) as err:
            await uow.districts.create(make_district("d1"))
        assert (err.value.entity, err.value.key) == ("district", "d1")
        with pytest.raises(AlreadyExists):
            await uow.pieces.create_squadron(Squadron("s1", "Again"))


@pytest.mark.parametrize(
    ("call", "field", "allowed"),
    [
        (lambda u: u.districts.set_influence("d1", "f1", 11), "influence", "0..10"),
        (lambda u: u.districts.set_influence("d1", "f1", -1), "influence", "0..10"),
        (lambda u: u.districts.set_likeability("d1", "f1", 6), "likeability", "-5..5"),
        (lambda u: u.factions.set_relationship("f1", "f2", -3), "relationship", "-2..2"),
        (lambda u: u.factions.set_relationship_pair("f1", "f2", 3), "relationship", "-2..2"),
        (lambda u: u.districts.set_weekly("d1", 3), "weekly DC modifier of d1", "-2..2"),
        (lambda u: u.pieces.create_agent(Agent("ax", "X", might=6)), "might", "0..5"),
        (lambda u: u.pieces.create_squadron(Squadron("sx", "X", mobility=6)), "mobility", "0..5"),
        (lambda u: u.pieces.create_squadron(Squadron("sx", "X", social_aptitude=-4)),
         "social aptitude", "-3..5"),
        (lambda u: u.factions.create(Faction("fx", "X", monitoring_bonus=-6)),
         "monitoring_bonus", "-5..5"),
        (lambda u: u.factions.create(Faction("fx", "X", color="#fff")), "color", "#RRGGBB"),
        (lambda u: u.orders.upsert(Order(1, "agent", "a1", "f1", "d1", "freeform", dc=31)),
         "DC", "5..30"),
        (lambda u: u.orders.upsert(Order(1, "agent", "a1", "f1", "d1", "monitor",
                                         manual_modifier=-11)), "manual modifier", "-10..10"),
        (lambda u: u.orders.upsert(Order(1, "agent", "a1", "f1", "d1", "monitor",
                                         description="x" * 501)),
         "description", "text of at most 500 characters"),
        (lambda u: u.reports.insert_many([MonitoringReport("f1", "d1", 1, {}, 11)]),
         "confidence", "1..10"),
        (lambda u: u.game.set_phase(0, "assignment"), "turn", ">= 1"),
        (lambda u: u.factions.set_support(1, "f1", "f2", True), "will_support",
         "only toward a +2 ally (both directions)"),
        (lambda u: u.reports.insert_many([MonitoringReport("f1", "d1", 1, {"x": {1, 2}}, 5)]),
         "report", "JSON-serialisable data"),
    ],
)  # fmt: skip
async def test_invalid_value_carries_field_and_allowed_range(board, call, field, allowed):
    async with board.transaction() as uow:
        with pytest.raises(InvalidValue) as err:
            await call(uow)
    _typed(err.value)
    assert (err.value.field, err.value.allowed) == (field, allowed)
    assert allowed in err.value.message


async def test_total_influence_over_ten_is_invalid_with_the_district_named(board: Database):
    async with board.transaction() as uow:
        await uow.districts.set_influence("d1", "f1", 7)
        with pytest.raises(InvalidValue) as err:
            await uow.districts.set_influence_many(
                [InfluenceChange("d1", "f2", 2), InfluenceChange("d1", "f3", 2)]
            )
        assert (err.value.field, err.value.value, err.value.allowed) == (
            "total influence in d1",
            11,
            "0..10",
        )
        assert await uow.districts.pool("d1") == 3  # nothing of the refused batch was written


async def test_constraint_violation_from_the_database_is_typed(board: Database):
    async with board.transaction() as uow:
        # validation passes (the ids are well-formed), the foreign key refuses
        with pytest.raises(ConstraintViolation) as err:
            await uow.districts.set_influence("d1", "ghost", 1)
        _typed(err.value)
        assert "does not exist" in err.value.detail
        # a CHECK reached through raw SQL (what the repositories' validation mirrors)
        with pytest.raises(ConstraintViolation) as err:
            await uow.sql.execute("UPDATE squadrons SET mobility = 9 WHERE id = 's1'")
        assert isinstance(err.value.__cause__, sqlite3.IntegrityError)
        # a trigger
        with pytest.raises(ConstraintViolation, match="exceeds 10"):
            await uow.sql.execute(
                "INSERT INTO district_influence (district_id, faction_id, influence_value) "
                "VALUES ('d2', 'f1', 10), ('d2', 'f2', 1)"
            )
        # the transaction is still usable after a refused statement
        await uow.factions.create(Faction("f9", "Still here"))
    async with board.read() as uow:
        assert (await uow.factions.get("f9")).name == "Still here"


async def test_driver_failures_are_database_errors(board: Database):
    async with board.transaction() as uow:
        with pytest.raises(DatabaseError) as err:
            await uow.sql.fetchall("SELECT no_such_column FROM factions")
        _typed(err.value)
        assert "no_such_column" in err.value.detail
        with pytest.raises(DatabaseError):
            await uow.sql.execute("INSERT INTO no_such_table VALUES (1)")


async def test_writes_on_a_read_unit_of_work_are_read_only_errors(board: Database):
    async with board.read() as uow:
        with pytest.raises(ReadOnlyError):  # refused before any SQL
            await uow.factions.create(Faction("fx", "X"))
        with pytest.raises(ReadOnlyError) as err:  # refused by the read connection itself
            await uow.sql.execute("INSERT INTO factions (id, name) VALUES ('fx', 'X')")
        _typed(err.value)
    async with board.read() as uow:
        assert await uow.factions.find("fx") is None


async def test_an_error_leaving_the_block_rolls_back_and_stays_typed(board: Database):
    with pytest.raises(ConstraintViolation):
        async with board.transaction() as uow:
            await uow.factions.create(Faction("f8", "Rolled back"))
            await uow.sql.execute("UPDATE agents SET might = 6 WHERE id = 'a1'")
    async with board.read() as uow:
        assert await uow.factions.find("f8") is None
        assert (await uow.pieces.get_agent("a1")).might == 0


async def test_a_refused_repository_call_changes_nothing_even_when_caught(board: Database):
    """A service may catch the error and go on: the call it caught left no half-write."""
    async with board.transaction() as uow:
        with pytest.raises(ConstraintViolation):  # the third row names a missing faction
            await uow.districts.set_likeability_many(
                [Likeability("d1", "f1", 3), Likeability("d1", "f2", 2),
                 Likeability("d1", "ghost", 1)]
            )  # fmt: skip
        assert await uow.districts.list_likeability("d1") == []
        with pytest.raises(ConstraintViolation):  # head and factions fine, a piece is not
            await uow.conflicts.create(
                Conflict(
                    "c1", 1, "d1", "relationship", "x",
                    factions=(ConflictFaction("f1", "initiator"), ConflictFaction("f2", "target")),
                    pieces=(ConflictPiece("agent", "a1", "ghost", "direct", "monitor", "o"),),
                )
            )  # fmt: skip
        assert await uow.conflicts.list_for_turn(1) == []
        with pytest.raises(ConstraintViolation):  # agents move first, the squadron cannot
            await uow.pieces.set_locations_many(
                [PieceLocation("agent", "a1", "d2", "gain"),
                 PieceLocation("squadron", "s1", "nowhere", "monitor")]
            )  # fmt: skip
        assert (await uow.pieces.get_agent("a1")).district_id is None
        await uow.factions.create(Faction("f7", "Committed"))  # the transaction goes on
    async with board.read() as uow:
        assert (await uow.pieces.get_agent("a1")).district_id is None
        assert (await uow.factions.get("f7")).name == "Committed"
        assert await uow.districts.list_likeability() == []
