"""PieceRepository.set_locations_many: all or nothing, without a savepoint it does not need.

Every order submission moves one piece inside the campaign's single write transaction;
a savepoint around its one UPDATE costs two more round trips while the write lock is held
(bench: interaction latency), so only a call touching both piece tables takes one.
"""

from __future__ import annotations

import pytest

from db.database import Database
from db.errors import ConstraintViolation
from db.records import PieceLocation


async def test_one_piece_type_needs_no_savepoint_two_take_one(board: Database) -> None:
    async with board.transaction() as uow:
        statements: list[str] = []
        await uow.sql.conn.set_trace_callback(statements.append)
        assert await uow.pieces.set_locations_many([PieceLocation("agent", "a1", "d2", "gain")])
        assert [s.split()[0] for s in statements] == ["UPDATE"]
        statements.clear()
        moved = await uow.pieces.set_locations_many(
            [PieceLocation("agent", "a1", "d3", "monitor"), PieceLocation("squadron", "s1", "d3")]
        )
        assert moved == 2
        assert [s.split()[0] for s in statements] == ["SAVEPOINT", "UPDATE", "UPDATE", "RELEASE"]
        await uow.sql.conn.set_trace_callback(None)
    async with board.read() as uow:
        assert (await uow.pieces.get_agent("a1")).district_id == "d3"
        assert (await uow.pieces.get_squadron("s1")).district_id == "d3"


async def test_one_piece_type_is_still_all_or_nothing(board: Database) -> None:
    async with board.transaction() as uow:
        with pytest.raises(ConstraintViolation):  # a1 moves first, a2 cannot
            await uow.pieces.set_locations_many(
                [PieceLocation("agent", "a1", "d2"), PieceLocation("agent", "a2", "nowhere")]
            )
        assert (await uow.pieces.get_agent("a1")).district_id is None
        assert await uow.pieces.set_locations_many([PieceLocation("agent", "a2", "d1")]) == 1
    async with board.read() as uow:
        assert (await uow.pieces.get_agent("a1")).district_id is None
        assert (await uow.pieces.get_agent("a2")).district_id == "d1"
