"""Conflicts with their factions, pieces and GM rulings (§6)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from db.dialect import NOW
from db.errors import InvalidValue, NotFound
from db.records import (
    ACTION_TIERS,
    ACTION_TYPES,
    CONFLICT_ROLES,
    CONFLICT_TYPES,
    MONITORING_TIERS,
    OUTCOMES,
    PARTICIPATIONS,
    PIECE_RULINGS,
    PIECE_TYPES,
    RESOLUTION_TYPES,
    Conflict,
    ConflictFaction,
    ConflictPiece,
    ConflictResolution,
    ConflictRollUpdate,
    PieceRuling,
)
from db.repositories.base import (
    Repository,
    check_choice,
    check_int,
    check_nonempty,
    chunks,
    placeholders,
)

_PIECE_COLS = (
    "conflict_id, piece_type, piece_id, faction_id, participation_type, original_action_type, "
    "original_action_id, roll_result, outcome_tier, conflict_penalty, ruling"
)


def validate_conflict(c: Conflict) -> None:
    check_nonempty("conflict id", c.id)
    check_int("turn", c.turn_number, 1)
    check_choice("conflict type", c.conflict_type, CONFLICT_TYPES)
    check_choice("resolution status", c.resolution_status, ("pending", "resolved"))
    for f in c.factions:
        check_choice("conflict role", f.role, CONFLICT_ROLES)
        check_choice("outcome", f.outcome, OUTCOMES, optional=True)
    for p in c.pieces:
        _validate_piece(p)


def _validate_piece(p: ConflictPiece) -> None:
    check_choice("piece type", p.piece_type, PIECE_TYPES)
    check_choice("participation", p.participation_type, PARTICIPATIONS)
    check_choice("action type", p.original_action_type, ACTION_TYPES)
    check_choice("ruling", p.ruling, PIECE_RULINGS, optional=True)
    check_choice("outcome tier", p.outcome_tier, (*ACTION_TIERS, *MONITORING_TIERS), optional=True)


class ConflictRepository(Repository):
    async def create(self, conflict: Conflict) -> Conflict:
        await self.create_many([conflict])
        return conflict

    async def create_many(self, conflicts: Sequence[Conflict]) -> int:
        for c in conflicts:
            validate_conflict(c)
        async with self.atomic():
            count = await self._write_many(
                "create conflicts",
                "INSERT INTO conflicts (id, turn_number, district_id, conflict_type, detection_source, "
                "resolution_status) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        c.id,
                        c.turn_number,
                        c.district_id,
                        c.conflict_type,
                        c.detection_source,
                        c.resolution_status,
                    )
                    for c in conflicts
                ],
                entity="conflict",
            )
            await self._write_many(
                "add conflict factions",
                "INSERT INTO conflict_factions (conflict_id, faction_id, role, outcome) VALUES (?, ?, ?, ?)",
                [(c.id, f.faction_id, f.role, f.outcome) for c in conflicts for f in c.factions],
                entity="conflict faction",
            )
            await self.add_pieces_many([(c.id, p) for c in conflicts for p in c.pieces])
            return count

    async def add_pieces_many(self, pieces: Sequence[tuple[str, ConflictPiece]]) -> int:
        """Adjacent joins and supporters arrive after creation (§6.2 steps 6–7)."""
        for _, p in pieces:
            _validate_piece(p)
        return await self._write_many(
            "add conflict pieces",
            f"INSERT INTO conflict_pieces ({_PIECE_COLS}) VALUES ({placeholders(11)})",
            [
                (
                    cid,
                    p.piece_type,
                    p.piece_id,
                    p.faction_id,
                    p.participation_type,
                    p.original_action_type,
                    p.original_action_id,
                    p.roll_result,
                    p.outcome_tier,
                    p.conflict_penalty,
                    p.ruling,
                )
                for cid, p in pieces
            ],
            entity="conflict piece",
        )

    async def add_factions_many(self, factions: Sequence[tuple[str, ConflictFaction]]) -> int:
        for _, f in factions:
            check_choice("conflict role", f.role, CONFLICT_ROLES)
            check_choice("outcome", f.outcome, OUTCOMES, optional=True)
        return await self._write_many(
            "add conflict factions",
            "INSERT INTO conflict_factions (conflict_id, faction_id, role, outcome) VALUES (?, ?, ?, ?)",
            [(cid, f.faction_id, f.role, f.outcome) for cid, f in factions],
            entity="conflict faction",
        )

    async def get(self, conflict_id: str) -> Conflict:
        found = await self._load("WHERE id=?", (conflict_id,))
        if not found:
            raise NotFound("conflict", conflict_id)
        return found[0]

    async def resolution_status(self, conflict_id: str) -> str:
        """'pending' or 'resolved', without loading the conflict's factions and pieces."""
        status = await self.sql.scalar(
            "SELECT resolution_status FROM conflicts WHERE id=?", (conflict_id,)
        )
        if status is None:
            raise NotFound("conflict", conflict_id)
        return str(status)

    async def list_for_turn(self, turn: int) -> list[Conflict]:
        return await self._load("WHERE turn_number=?", (turn,))

    async def pending_count(self, turn: int | None = None) -> int:
        clause, params = ("AND turn_number=?", (turn,)) if turn is not None else ("", ())
        return int(
            await self.sql.scalar(
                f"SELECT COUNT(*) FROM conflicts WHERE resolution_status='pending' {clause}", params
            )
        )

    async def _load(self, where: str, params: tuple) -> list[Conflict]:
        heads = await self.sql.fetchall(
            "SELECT id, turn_number, district_id, conflict_type, detection_source, resolution_status "
            f"FROM conflicts {where} ORDER BY id",
            params,
        )
        if not heads:
            return []
        ids = [h[0] for h in heads]
        factions: dict[str, list[ConflictFaction]] = defaultdict(list)
        pieces: dict[str, list[ConflictPiece]] = defaultdict(list)
        resolutions: dict[str, ConflictResolution] = {}
        for part in chunks(ids):
            marks = placeholders(len(part))
            for r in await self.sql.fetchall(
                "SELECT conflict_id, faction_id, role, outcome FROM conflict_factions "
                f"WHERE conflict_id IN ({marks}) ORDER BY conflict_id, faction_id",
                tuple(part),
            ):
                factions[r[0]].append(ConflictFaction(r[1], r[2], r[3]))
            for r in await self.sql.fetchall(
                f"SELECT {_PIECE_COLS} FROM conflict_pieces WHERE conflict_id IN ({marks}) "
                "ORDER BY conflict_id, piece_type, piece_id",
                tuple(part),
            ):
                pieces[r[0]].append(ConflictPiece(*tuple(r)[1:]))
            for r in await self.sql.fetchall(
                "SELECT conflict_id, resolution_type, resolved_by, resolved_at, resolution_notes "
                f"FROM conflict_resolutions WHERE conflict_id IN ({marks})",
                tuple(part),
            ):
                resolutions[r[0]] = ConflictResolution(*r)
        return [
            Conflict(
                id=h[0],
                turn_number=h[1],
                district_id=h[2],
                conflict_type=h[3],
                detection_source=h[4],
                resolution_status=h[5],
                factions=tuple(factions[h[0]]),
                pieces=tuple(pieces[h[0]]),
                resolution=resolutions.get(h[0]),
            )
            for h in heads
        ]

    async def update_rolls_many(self, updates: Sequence[ConflictRollUpdate]) -> int:
        for u in updates:
            check_choice(
                "outcome tier", u.outcome_tier, (*ACTION_TIERS, *MONITORING_TIERS), optional=True
            )
        return await self._write_many(
            "record conflict rolls",
            "UPDATE conflict_pieces SET roll_result=?, outcome_tier=?, "
            f"updated_at={NOW} "
            "WHERE conflict_id=? AND piece_type=? AND piece_id=?",
            [
                (u.roll_result, u.outcome_tier, u.conflict_id, u.piece_type, u.piece_id)
                for u in updates
            ],
        )

    async def set_ruling(
        self,
        conflict_id: str,
        *,
        resolution_type: str,
        outcomes: Mapping[str, str | None],
        resolved_by: str,
        resolved_at: str,
        notes: str | None = None,
        piece_rulings: Sequence[PieceRuling] = (),
    ) -> Conflict:
        """Record (or change) the GM's ruling; marks the conflict resolved.

        ``outcomes`` maps each principal/ally faction to win/loss/draw (None for special).
        A draw gives every piece on that side conflict_penalty −2 unless ``piece_rulings``
        says otherwise (§6.7).
        """
        check_choice("resolution type", resolution_type, RESOLUTION_TYPES)
        members = {
            r[0]
            for r in await self.sql.fetchall(
                "SELECT faction_id FROM conflict_factions WHERE conflict_id=?", (conflict_id,)
            )
        }
        if not members:
            raise NotFound("conflict", conflict_id)
        for faction_id, outcome in outcomes.items():
            if faction_id not in members:
                raise InvalidValue("conflict faction", faction_id, sorted(members))
            check_choice("outcome", outcome, OUTCOMES, optional=True)
        for r in piece_rulings:
            check_choice("ruling", r.ruling, PIECE_RULINGS, optional=True)
            check_int("conflict penalty", r.conflict_penalty, -100, 100)
        self._require_write("rule on conflict")
        async with self.atomic():
            await self._write_many(
                "set conflict outcomes",
                f"UPDATE conflict_factions SET outcome=?, updated_at={NOW} "
                "WHERE conflict_id=? AND faction_id=?",
                [(o, conflict_id, f) for f, o in sorted(outcomes.items())],
            )
            await self._write_many(
                "set conflict penalties",
                "UPDATE conflict_pieces SET conflict_penalty=?, ruling=NULL, "
                f"updated_at={NOW} WHERE conflict_id=? AND faction_id=?",
                [(-2 if o == "draw" else 0, conflict_id, f) for f, o in sorted(outcomes.items())],
            )
            await self._write_many(
                "set piece rulings",
                "UPDATE conflict_pieces SET conflict_penalty=?, ruling=?, "
                f"updated_at={NOW} "
                "WHERE conflict_id=? AND piece_type=? AND piece_id=?",
                [
                    (r.conflict_penalty, r.ruling, conflict_id, r.piece_type, r.piece_id)
                    for r in piece_rulings
                ],
            )
            await self._write(
                "record resolution",
                "INSERT INTO conflict_resolutions (conflict_id, resolution_type, resolution_notes, "
                "resolved_by, resolved_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(conflict_id) DO UPDATE SET "
                "resolution_type=excluded.resolution_type, resolution_notes=excluded.resolution_notes, "
                "resolved_by=excluded.resolved_by, resolved_at=excluded.resolved_at, "
                f"updated_at={NOW}",
                (conflict_id, resolution_type, notes, resolved_by, resolved_at),
            )
            await self._write(
                "resolve conflict",
                f"UPDATE conflicts SET resolution_status='resolved', updated_at={NOW} WHERE id=?",
                (conflict_id,),
            )
        return await self.get(conflict_id)

    async def delete_for_turn(self, turn: int) -> int:
        """Lets conflict detection re-run a turn from scratch (children cascade)."""
        return await self._write(
            "clear conflicts", "DELETE FROM conflicts WHERE turn_number=?", (turn,)
        )
