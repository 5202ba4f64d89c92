"""Orders (the ``actions`` table) and the per-turn enemy-penalty assignments."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from db.dialect import NOW
from db.errors import InvalidValue, NotFound
from db.executor import Row
from db.records import (
    ACTION_TIERS,
    ACTION_TYPES,
    APTITUDES,
    ATTRIBUTES,
    GM_DC_ACTIONS,
    MONITORING_TIERS,
    PIECE_TYPES,
    SKILLS,
    Order,
    OrderResult,
    PenaltyAssignment,
)
from db.repositories.base import (
    Repository,
    check_choice,
    check_int,
    check_nonempty,
    check_text,
    placeholders,
)

_FIELDS = tuple(f.name for f in dataclasses.fields(Order))
_BOOL_FIELDS = {"advantage", "disadvantage", "in_conflict", "forfeited"}
_RESULT_FIELDS = tuple(f.name for f in dataclasses.fields(OrderResult) if f.name != "order_id")
_TIERS = (*ACTION_TIERS, *MONITORING_TIERS)
_SELECT = f"SELECT {', '.join(_FIELDS)} FROM actions"


def default_order_id(turn: int, piece_type: str, piece_id: str) -> str:
    """Deterministic, so a replayed turn writes the same ids."""
    return f"T{turn}-{piece_type}-{piece_id}"


def validate_order(o: Order) -> None:
    check_int("turn", o.turn_number, 1)
    check_choice("piece type", o.piece_type, PIECE_TYPES)
    check_nonempty("piece id", o.piece_id)
    check_choice("action type", o.action_type, ACTION_TYPES)
    check_text("description", o.description, 500)
    check_int("manual modifier", o.manual_modifier, -10, 10)
    check_choice("attribute", o.attribute_used, ATTRIBUTES, optional=True)
    check_choice("skill", o.skill_used, SKILLS, optional=True)
    check_choice("aptitude", o.aptitude_used, APTITUDES, optional=True)
    check_choice("outcome tier", o.outcome_tier, _TIERS, optional=True)
    check_int("enemy penalty", o.enemy_penalty, -(10**6), 0)
    for name in ("influence_gained", "influence_lost", "target_gained", "target_lost"):
        check_int(name, getattr(o, name), 0, 10)
    if o.target_faction_id is not None and o.target_faction_id == o.faction_id:
        raise InvalidValue("target faction", o.target_faction_id, "a faction other than your own")
    _check_dc(o.action_type, o.dc)


def _check_dc(action_type: str, dc: int | None) -> None:
    if dc is None:
        return
    if action_type == "monitor":
        raise InvalidValue("DC", dc, "none for monitor orders")
    if action_type in GM_DC_ACTIONS:
        check_int("DC", dc, 5, 30)
    else:
        check_int("DC", dc, -1000, 1000)


_BOOL_POSITIONS = tuple(i for i, f in enumerate(_FIELDS) if f in _BOOL_FIELDS)


def _order(row: Row) -> Order:
    # Positional: every caller selects _SELECT, whose columns are Order's fields in order.
    # Reading 28 columns by name was most of the cost of a read by id (bench: persist.read).
    values = list(row)
    for i in _BOOL_POSITIONS:
        values[i] = bool(values[i])
    return Order(*values)


class OrderRepository(Repository):
    async def upsert(self, order: Order) -> Order:
        """One order per piece per turn: resubmitting replaces it (keeping its id)."""
        await self.upsert_many([order])
        return await self.get_for_piece(order.turn_number, order.piece_type, order.piece_id)

    async def upsert_many(self, orders: Sequence[Order]) -> int:
        prepared = []
        for o in orders:
            validate_order(o)
            if not o.id:
                o = dataclasses.replace(
                    o, id=default_order_id(o.turn_number, o.piece_type, o.piece_id)
                )
            prepared.append(o)
        updates = ", ".join(
            f"{f}=excluded.{f}"
            for f in _FIELDS
            if f not in ("id", "turn_number", "piece_type", "piece_id")
        )
        return await self._write_many(
            "submit orders",
            f"INSERT INTO actions ({', '.join(_FIELDS)}) VALUES ({placeholders(len(_FIELDS))}) "
            f"ON CONFLICT(turn_number, piece_type, piece_id) DO UPDATE SET {updates}, "
            f"updated_at={NOW}",
            [tuple(_db(getattr(o, f)) for f in _FIELDS) for o in prepared],
            entity="order",
        )

    async def get(self, order_id: str) -> Order:
        row = await self.sql.fetchone(f"{_SELECT} WHERE id=?", (order_id,))
        if row is None:
            raise NotFound("order", order_id)
        return _order(row)

    async def get_for_piece(self, turn: int, piece_type: str, piece_id: str) -> Order:
        row = await self.sql.fetchone(
            f"{_SELECT} WHERE turn_number=? AND piece_type=? AND piece_id=?",
            (turn, piece_type, piece_id),
        )
        if row is None:
            raise NotFound("order", (turn, piece_type, piece_id))
        return _order(row)

    async def find_for_piece(self, turn: int, piece_type: str, piece_id: str) -> Order | None:
        try:
            return await self.get_for_piece(turn, piece_type, piece_id)
        except NotFound:
            return None

    async def delete(self, turn: int, piece_type: str, piece_id: str) -> None:
        count = await self._write(
            "cancel order",
            "DELETE FROM actions WHERE turn_number=? AND piece_type=? AND piece_id=?",
            (turn, piece_type, piece_id),
        )
        if count == 0:
            raise NotFound("order", (turn, piece_type, piece_id))

    async def list_for_turn(self, turn: int) -> list[Order]:
        """Canonical order: agents first, each by piece id."""
        rows = await self.sql.fetchall(
            f"{_SELECT} WHERE turn_number=? ORDER BY piece_type, piece_id", (turn,)
        )
        return [_order(r) for r in rows]

    async def list_for_faction(self, turn: int, faction_id: str) -> list[Order]:
        rows = await self.sql.fetchall(
            f"{_SELECT} WHERE turn_number=? AND faction_id=? ORDER BY piece_type, piece_id",
            (turn, faction_id),
        )
        return [_order(r) for r in rows]

    async def list_for_district(self, turn: int, district_id: str) -> list[Order]:
        rows = await self.sql.fetchall(
            f"{_SELECT} WHERE turn_number=? AND district_id=? ORDER BY piece_type, piece_id",
            (turn, district_id),
        )
        return [_order(r) for r in rows]

    async def missing_dc(self, turn: int) -> list[Order]:
        """Freeform / initiate-conflict orders the GM still has to give a DC (§2.3)."""
        rows = await self.sql.fetchall(
            f"{_SELECT} WHERE turn_number=? AND dc IS NULL AND action_type IN (?, ?) "
            "ORDER BY piece_type, piece_id",
            (turn, *GM_DC_ACTIONS),
        )
        return [_order(r) for r in rows]

    async def set_gm_fields(
        self,
        order_id: str,
        *,
        dc: int | None = None,
        manual_modifier: int | None = None,
        advantage: bool | None = None,
        disadvantage: bool | None = None,
        attribute_used: str | None = None,
        skill_used: str | None = None,
        aptitude_used: str | None = None,
        gm_notes: str | None = None,
    ) -> Order:
        """GM-only adjustments (§2.3); ``None`` leaves a field as it is."""
        order = await self.get(order_id)
        changes = {
            k: v
            for k, v in {
                "dc": dc,
                "manual_modifier": manual_modifier,
                "advantage": advantage,
                "disadvantage": disadvantage,
                "attribute_used": attribute_used,
                "skill_used": skill_used,
                "aptitude_used": aptitude_used,
                "gm_notes": gm_notes,
            }.items()
            if v is not None
        }
        updated = dataclasses.replace(order, **changes)
        validate_order(updated)
        return await self.upsert(updated)

    async def update_results_many(self, results: Sequence[OrderResult]) -> int:
        """Bulk write of rolls/tiers/totals/effects; ``None`` fields keep their value."""
        for r in results:
            check_choice("outcome tier", r.outcome_tier, _TIERS, optional=True)
            check_choice("attribute", r.attribute_used, ATTRIBUTES, optional=True)
            check_choice("skill", r.skill_used, SKILLS, optional=True)
            check_choice("aptitude", r.aptitude_used, APTITUDES, optional=True)
            if r.enemy_penalty is not None:
                check_int("enemy penalty", r.enemy_penalty, -(10**6), 0)
            for name in ("influence_gained", "influence_lost", "target_gained", "target_lost"):
                if getattr(r, name) is not None:
                    check_int(name, getattr(r, name), 0, 10)
        sets = ", ".join(f"{f}=COALESCE(?, {f})" for f in _RESULT_FIELDS)
        count = await self._write_many(
            "record order results",
            f"UPDATE actions SET {sets}, updated_at={NOW} WHERE id=?",
            [(*(_db(getattr(r, f)) for f in _RESULT_FIELDS), r.order_id) for r in results],
        )
        return count

    async def reset_results_for_turn(self, turn: int) -> int:
        """Clear every computed field of a turn, so a phase can be re-run from scratch."""
        return await self._write(
            "reset order results",
            "UPDATE actions SET roll_result=NULL, outcome_tier=NULL, final_total=NULL, "
            "enemy_penalty=0, in_conflict=0, conflict_id=NULL, forfeited=0, influence_gained=0, "
            "influence_lost=0, target_gained=0, target_lost=0 WHERE turn_number=?",
            (turn,),
        )

    # -- penalty assignments (§5) ----------------------------------------------------------

    async def insert_penalties_many(self, penalties: Sequence[PenaltyAssignment]) -> int:
        for p in penalties:
            check_int("penalty", p.value, -4, -1)
            check_choice("piece type", p.source_piece_type, PIECE_TYPES)
            check_choice("piece type", p.target_piece_type, PIECE_TYPES)
        return await self._write_many(
            "assign penalties",
            "INSERT INTO penalty_assignments (turn_number, source_piece_type, source_piece_id, "
            "target_piece_type, target_piece_id, value) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    p.turn_number,
                    p.source_piece_type,
                    p.source_piece_id,
                    p.target_piece_type,
                    p.target_piece_id,
                    p.value,
                )
                for p in penalties
            ],
            entity="penalty assignment",
        )

    async def list_penalties(self, turn: int) -> list[PenaltyAssignment]:
        rows = await self.sql.fetchall(
            "SELECT turn_number, source_piece_type, source_piece_id, target_piece_type, "
            "target_piece_id, value FROM penalty_assignments WHERE turn_number=? "
            "ORDER BY source_piece_type, source_piece_id, target_piece_type, target_piece_id",
            (turn,),
        )
        return [PenaltyAssignment(*r) for r in rows]

    async def delete_penalties(self, turn: int) -> int:
        return await self._write(
            "clear penalties", "DELETE FROM penalty_assignments WHERE turn_number=?", (turn,)
        )


def _db(value: object) -> object:
    return int(value) if isinstance(value, bool) else value
