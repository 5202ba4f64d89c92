"""OrderRepository and ConflictRepository contracts."""

from __future__ import annotations

import pytest

from db.database import Database
from db.errors import AlreadyExists, ConstraintViolation, InvalidValue, NotFound
from db.records import (
    Conflict,
    ConflictFaction,
    ConflictPiece,
    ConflictRollUpdate,
    Order,
    OrderResult,
    PenaltyAssignment,
    PieceRuling,
)


def gain(
    piece_type: str, piece_id: str, faction: str, district: str = "d1", turn: int = 1
) -> Order:
    return Order(turn, piece_type, piece_id, faction, district, "gain_influence")


async def test_one_order_per_piece_per_turn_upsert_replaces(board: Database):
    async with board.transaction() as uow:
        first = await uow.orders.upsert(gain("agent", "a1", "f1"))
        assert first.id == "T1-agent-a1"
        replaced = await uow.orders.upsert(
            Order(
                1,
                "agent",
                "a1",
                "f1",
                "d2",
                "take_influence",
                target_faction_id="f2",
                description="grab",
            )
        )
        assert replaced.id == first.id
        orders = await uow.orders.list_for_turn(1)
        assert (
            len(orders) == 1
            and orders[0].action_type == "take_influence"
            and orders[0].district_id == "d2"
        )
        await uow.orders.upsert_many(
            [
                gain("squadron", "s1", "f1"),
                gain("agent", "a2", "f2"),
                gain("agent", "a1", "f1", turn=2),
            ]
        )
        assert [o.piece_id for o in await uow.orders.list_for_turn(1)] == ["a1", "a2", "s1"]
        assert [o.piece_id for o in await uow.orders.list_for_faction(1, "f1")] == ["a1", "s1"]
        assert [o.piece_id for o in await uow.orders.list_for_district(1, "d1")] == ["a2", "s1"]
        await uow.orders.delete(1, "agent", "a2")
        with pytest.raises(NotFound):
            await uow.orders.delete(1, "agent", "a2")
        assert await uow.orders.find_for_piece(1, "agent", "a2") is None


@pytest.mark.parametrize(
    "order",
    [
        Order(1, "agent", "a1", "f1", "d1", "freeform", description="x" * 501),
        Order(1, "agent", "a1", "f1", "d1", "freeform", dc=4),
        Order(1, "agent", "a1", "f1", "d1", "initiate_conflict", "f2", dc=31),
        Order(1, "agent", "a1", "f1", "d1", "monitor", dc=10),
        Order(1, "agent", "a1", "f1", "d1", "gain_influence", manual_modifier=11),
        Order(1, "agent", "a1", "f1", "d1", "gain_influence", manual_modifier=-11),
        Order(1, "agent", "a1", "f1", "d1", "take_influence", target_faction_id="f1"),
        Order(1, "agent", "a1", "f1", "d1", "dance"),
        Order(1, "dragon", "a1", "f1", "d1", "monitor"),
        Order(0, "agent", "a1", "f1", "d1", "monitor"),
        Order(1, "agent", "a1", "f1", "d1", "freeform", attribute_used="luck"),
    ],
)
async def test_order_validation(board: Database, order: Order):
    async with board.transaction() as uow:
        with pytest.raises(InvalidValue):
            await uow.orders.upsert(order)


async def test_order_for_unknown_district_is_a_constraint_violation(board: Database):
    async with board.transaction() as uow:
        with pytest.raises(ConstraintViolation):
            await uow.orders.upsert(gain("agent", "a1", "f1", district="nowhere"))


async def test_gm_fields_results_and_missing_dc(board: Database):
    async with board.transaction() as uow:
        await uow.orders.upsert(
            Order(
                1,
                "agent",
                "a1",
                "f1",
                "d1",
                "freeform",
                description="spy",
                attribute_used="finesse",
                skill_used="infiltration",
            )
        )
        await uow.orders.upsert(gain("agent", "a2", "f2"))
        assert [o.piece_id for o in await uow.orders.missing_dc(1)] == ["a1"]
        updated = await uow.orders.set_gm_fields(
            "T1-agent-a1", dc=15, manual_modifier=-3, advantage=True, gm_notes="ok"
        )
        assert (updated.dc, updated.manual_modifier, updated.advantage) == (15, -3, True)
        with pytest.raises(InvalidValue):
            await uow.orders.set_gm_fields("T1-agent-a1", dc=40)
        assert await uow.orders.missing_dc(1) == []
        count = await uow.orders.update_results_many(
            [
                OrderResult("T1-agent-a1", roll_result=12, final_total=24, outcome_tier="success"),
                OrderResult("T1-agent-a2", dc=11, roll_result=20, final_total=20, outcome_tier="success",
                            influence_gained=1, enemy_penalty=-2, in_conflict=True, conflict_id="T1-d1-1"),
            ]
        )  # fmt: skip
        assert count == 2
        a1 = await uow.orders.get("T1-agent-a1")
        assert (a1.dc, a1.final_total, a1.outcome_tier, a1.manual_modifier) == (
            15,
            24,
            "success",
            -3,
        )
        a2 = await uow.orders.get("T1-agent-a2")
        assert (a2.influence_gained, a2.enemy_penalty, a2.in_conflict) == (1, -2, True)
        with pytest.raises(InvalidValue):
            await uow.orders.update_results_many([OrderResult("T1-agent-a2", outcome_tier="meh")])
        with pytest.raises(InvalidValue):
            await uow.orders.update_results_many([OrderResult("T1-agent-a2", influence_gained=11)])
        await uow.orders.reset_results_for_turn(1)
        assert (await uow.orders.get("T1-agent-a2")).final_total is None


async def test_penalty_assignments(board: Database):
    async with board.transaction() as uow:
        penalties = [
            PenaltyAssignment(1, "agent", "a1", "agent", "a2", -4),
            PenaltyAssignment(1, "squadron", "s1", "agent", "a2", -2),
        ]
        assert await uow.orders.insert_penalties_many(penalties) == 2
        assert await uow.orders.list_penalties(1) == penalties
        with pytest.raises(AlreadyExists):
            await uow.orders.insert_penalties_many(penalties[:1])
        with pytest.raises(InvalidValue):
            await uow.orders.insert_penalties_many(
                [PenaltyAssignment(1, "agent", "a2", "agent", "a1", 0)]
            )
        assert await uow.orders.delete_penalties(1) == 2


def _conflict(cid: str = "T1-d1-1") -> Conflict:
    return Conflict(
        cid,
        1,
        "d1",
        "relationship",
        "relationship:f1/f2",
        factions=(ConflictFaction("f1", "initiator"), ConflictFaction("f2", "target")),
        pieces=(
            ConflictPiece("agent", "a1", "f1", "direct", "gain_influence", "T1-agent-a1"),
            ConflictPiece("agent", "a2", "f2", "direct", "monitor", "T1-agent-a2"),
            ConflictPiece("squadron", "a1", "f1", "adjacent", "monitor", "T1-squadron-a1"),
        ),
    )


async def test_conflict_create_get_ruling_and_pending(board: Database):
    async with board.transaction() as uow:
        await uow.conflicts.create_many([_conflict(), _conflict("T1-d1-2")])
        assert await uow.conflicts.pending_count(1) == 2
        c = await uow.conflicts.get("T1-d1-1")
        assert [p.piece_type for p in c.pieces] == [
            "agent",
            "agent",
            "squadron",
        ]  # same id, two types
        await uow.conflicts.add_factions_many([("T1-d1-1", ConflictFaction("f3", "ally"))])
        await uow.conflicts.add_pieces_many(
            [("T1-d1-1", ConflictPiece("squadron", "s1", "f3", "ally_support", "monitor", "x"))]
        )
        await uow.conflicts.update_rolls_many(
            [ConflictRollUpdate("T1-d1-1", "agent", "a1", 17, "success")]
        )
        ruled = await uow.conflicts.set_ruling(
            "T1-d1-1", resolution_type="win", outcomes={"f1": "win", "f2": "loss", "f3": "draw"},
            resolved_by="gm", resolved_at="2026-01-01T00:00:00Z", notes="clean win",
        )  # fmt: skip
        assert ruled.resolution_status == "resolved"
        assert ruled.resolution is not None
        assert (ruled.resolution.resolution_type, ruled.resolution.resolution_notes) == (
            "win",
            "clean win",
        )
        assert {f.faction_id: f.outcome for f in ruled.factions} == {
            "f1": "win",
            "f2": "loss",
            "f3": "draw",
        }
        penalties = {(p.piece_type, p.piece_id): p.conflict_penalty for p in ruled.pieces}
        assert penalties[("squadron", "s1")] == -2 and penalties[("agent", "a1")] == 0
        assert (
            next(
                p for p in ruled.pieces if p.piece_id == "a1" and p.piece_type == "agent"
            ).roll_result
            == 17
        )
        assert await uow.conflicts.pending_count(1) == 1
        special = await uow.conflicts.set_ruling(
            "T1-d1-2", resolution_type="special", outcomes={}, resolved_by="gm", resolved_at="t",
            piece_rulings=[PieceRuling("agent", "a1", "proceed", -3), PieceRuling("agent", "a2", "fail")],
        )  # fmt: skip
        rulings = {
            (p.piece_type, p.piece_id): (p.ruling, p.conflict_penalty) for p in special.pieces
        }
        assert rulings[("agent", "a1")] == ("proceed", -3) and rulings[("agent", "a2")] == (
            "fail",
            0,
        )
        assert await uow.conflicts.pending_count() == 0
        with pytest.raises(InvalidValue):
            await uow.conflicts.set_ruling(
                "T1-d1-1",
                resolution_type="win",
                outcomes={"zz": "win"},
                resolved_by="gm",
                resolved_at="t",
            )
        with pytest.raises(InvalidValue):
            await uow.conflicts.set_ruling(
                "T1-d1-1", resolution_type="victory", outcomes={}, resolved_by="gm", resolved_at="t"
            )
        with pytest.raises(NotFound):
            await uow.conflicts.get("nope")
        with pytest.raises(InvalidValue):
            await uow.conflicts.create(Conflict("bad", 1, "d1", "brawl", "x"))
        assert len(await uow.conflicts.list_for_turn(1)) == 2
        assert await uow.conflicts.delete_for_turn(1) == 2
        async with board.transaction() as inner:
            rows = await inner.sql.scalar("SELECT COUNT(*) FROM conflict_pieces")
        assert rows == 0  # children cascade


async def test_conflict_children_added_later_are_validated(board: Database):
    async with board.transaction() as uow:
        await uow.conflicts.create(_conflict())
        for bad in (
            ConflictPiece("dragon", "x", "f3", "adjacent", "monitor", "o"),
            ConflictPiece("agent", "x", "f3", "adjacent", "dance", "o"),
            ConflictPiece("agent", "x", "f3", "watching", "monitor", "o"),
            ConflictPiece("agent", "x", "f3", "adjacent", "monitor", "o", outcome_tier="meh"),
        ):
            with pytest.raises(InvalidValue):
                await uow.conflicts.add_pieces_many([("T1-d1-1", bad)])
        with pytest.raises(InvalidValue):
            await uow.conflicts.add_factions_many(
                [("T1-d1-1", ConflictFaction("f3", "ally", "won"))]
            )
        with pytest.raises(ConstraintViolation):  # the conflict must exist
            await uow.conflicts.add_factions_many([("nope", ConflictFaction("f3", "ally"))])
        with pytest.raises(AlreadyExists):  # a piece joins a conflict once
            await uow.conflicts.add_pieces_many(
                [("T1-d1-1", ConflictPiece("agent", "a1", "f1", "direct", "monitor", "o"))]
            )
        assert len((await uow.conflicts.get("T1-d1-1")).pieces) == 3
