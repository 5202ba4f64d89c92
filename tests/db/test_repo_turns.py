"""TurnRepository contract: frozen turn inputs, monitoring sources, secondary totals and the
advance log the GM's rollback reads."""

from __future__ import annotations

import pytest

from db.database import Database
from db.errors import ConstraintViolation, InvalidValue, NotFound
from db.records import Order
from db.repositories.turns import AdvanceRecord, SourceRow


async def test_turn_inputs_are_frozen_per_turn_and_replaced_on_rerun(board: Database):
    async with board.transaction() as uow:
        with pytest.raises(NotFound):
            await uow.turns.load_inputs(1)
        await uow.turns.save_inputs(1, {"orders": ["a1"], "seed": 2**64 - 1})
        await uow.turns.save_inputs(1, {"orders": ["a1", "s1"]})
        assert await uow.turns.load_inputs(1) == {"orders": ["a1", "s1"]}
        for bad in ({"x": float("nan")}, {"x": object()}):
            with pytest.raises(InvalidValue):
                await uow.turns.save_inputs(2, bad)
        with pytest.raises(InvalidValue):
            await uow.turns.save_inputs(0, {})


async def test_monitoring_sources_are_replaced_per_turn(board: Database):
    rows = [
        SourceRow(1, "f1", "d1", "agent:a1", "agent", 17),
        SourceRow(1, "f1", "d2", "squadron:s1", "squadron_secondary", 9),
    ]
    async with board.transaction() as uow:
        assert await uow.turns.replace_sources(1, rows) == 2
        assert await uow.turns.replace_sources(1, rows[:1]) == 1  # a re-run starts over
        assert await uow.turns.sources(1) == rows[:1]
        assert await uow.turns.sources(2) == []
        with pytest.raises(InvalidValue):
            await uow.turns.replace_sources(1, [SourceRow(1, "f1", "d1", "x", "psychic", 3)])
        with pytest.raises(InvalidValue):
            await uow.turns.replace_sources(1, [SourceRow(2, "f1", "d1", "x", "agent", 3)])
        with pytest.raises(ConstraintViolation):  # unknown district
            await uow.turns.replace_sources(1, [SourceRow(1, "f1", "dz", "x", "agent", 3)])
        assert await uow.turns.sources(1) == rows[:1]  # the refused batch changed nothing


async def test_secondary_totals_land_on_squadron_orders_only(board: Database):
    async with board.transaction() as uow:
        await uow.orders.upsert_many(
            [
                Order(1, "squadron", "s1", "f1", "d1", "gain_influence"),
                Order(1, "agent", "s1", "f1", "d1", "monitor"),  # same id, other type
            ]
        )
        assert await uow.turns.set_secondary_totals(1, [("s1", 13)]) == 1
        totals = await uow.sql.fetchall(
            "SELECT id, secondary_total FROM actions WHERE turn_number = 1 ORDER BY id"
        )
        assert [tuple(r) for r in totals] == [("T1-agent-s1", None), ("T1-squadron-s1", 13)]


async def test_advance_log_records_each_advance_and_its_rollback(board: Database):
    async with board.transaction() as uow:
        assert await uow.turns.last_advance() is None
        first = await uow.turns.start_advance("gm-1", 1, "assignment", "/b/one.sqlite3")
        await uow.turns.finish_advance(first, 1, "conflict_resolution")
        second = await uow.turns.start_advance("gm-2", 1, "conflict_resolution", None)
        assert second > first
        assert await uow.turns.last_advance() == AdvanceRecord(
            second, "gm-2", 1, "conflict_resolution", None, None, None, "running"
        )
        await uow.turns.mark_rolled_back(second)
        last = await uow.turns.last_advance()
        assert last is not None and last.status == "rolled_back"
        with pytest.raises(ConstraintViolation):
            await uow.sql.execute("UPDATE advance_log SET status = 'lost' WHERE id = ?", (first,))
