"""The turn pipeline's own state: frozen turn inputs, monitoring sources, advance log."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from db.dialect import NOW
from db.errors import InvalidValue, NotFound
from db.records import HistoryEntry
from db.repositories.base import Repository, check_choice, check_int, to_json

SOURCE_KINDS = ("agent", "squadron_primary", "squadron_secondary", "passive")


@dataclass(frozen=True, slots=True)
class SourceRow:
    turn_number: int
    faction_id: str
    district_id: str
    source_id: str
    kind: str
    total: int


@dataclass(frozen=True, slots=True)
class AdvanceRecord:
    id: int
    gm_id: str
    from_turn: int
    from_phase: str
    to_turn: int | None
    to_phase: str | None
    backup_path: str | None
    status: str


def inputs_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class TurnRepository(Repository):
    # -- frozen inputs ---------------------------------------------------------------------

    async def save_inputs(self, turn: int, payload: dict[str, Any]) -> None:
        """Replaces any earlier copy: conflict detection re-running a turn starts over."""
        check_int("turn", turn, 1)
        text = to_json("turn inputs", payload, compact=True)
        async with self.atomic():
            await self._write(
                "save turn inputs",
                "INSERT INTO turn_inputs (turn_number, payload_json) VALUES (?, ?) "
                "ON CONFLICT(turn_number) DO UPDATE SET payload_json=excluded.payload_json",
                (turn, text),
            )
            await self._write(
                "save turn inputs digest",
                "INSERT INTO turn_input_digests (turn_number, digest) VALUES (?, ?) "
                "ON CONFLICT(turn_number) DO UPDATE SET digest=excluded.digest",
                (turn, inputs_digest(text)),
            )

    async def inputs_digest(self, turn: int) -> str:
        """Identifies the stored inputs exactly (computed for rows older than the table)."""
        row = await self.sql.fetchone(
            "SELECT digest FROM turn_input_digests WHERE turn_number=?", (turn,)
        )
        if row is not None:
            return str(row[0])
        return inputs_digest(await self.load_inputs_text(turn))

    async def load_inputs(self, turn: int) -> dict[str, Any]:
        return json.loads(await self.load_inputs_text(turn))

    async def load_inputs_text(self, turn: int) -> str:
        """The stored JSON as is: its digest identifies the frozen inputs exactly."""
        row = await self.sql.fetchone(
            "SELECT payload_json FROM turn_inputs WHERE turn_number=?", (turn,)
        )
        if row is None:
            raise NotFound("turn inputs", turn)
        return str(row[0])

    # -- monitoring sources ----------------------------------------------------------------

    async def replace_sources(self, turn: int, sources: Sequence[SourceRow]) -> int:
        check_int("turn", turn, 1)
        for s in sources:
            check_choice("monitoring source kind", s.kind, SOURCE_KINDS)
            if s.turn_number != turn:
                raise InvalidValue("monitoring source turn", s.turn_number, [turn])
        async with self.atomic():
            await self._write(
                "clear monitoring sources",
                "DELETE FROM monitoring_sources WHERE turn_number=?",
                (turn,),
            )
            return await self._write_many(
                "record monitoring sources",
                "INSERT INTO monitoring_sources (turn_number, faction_id, district_id, source_id, "
                "kind, total) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (s.turn_number, s.faction_id, s.district_id, s.source_id, s.kind, s.total)
                    for s in sources
                ],
            )

    async def sources(self, turn: int) -> list[SourceRow]:
        rows = await self.sql.fetchall(
            "SELECT turn_number, faction_id, district_id, source_id, kind, total "
            "FROM monitoring_sources WHERE turn_number=? ORDER BY source_id, district_id",
            (turn,),
        )
        return [SourceRow(*r) for r in rows]

    async def set_secondary_totals(self, turn: int, totals: Sequence[tuple[str, int]]) -> int:
        """``totals``: (squadron id, secondary monitoring total) for this turn's orders."""
        return await self._write_many(
            "record secondary monitoring",
            f"UPDATE actions SET secondary_total=?, updated_at={NOW} "
            "WHERE turn_number=? AND piece_type='squadron' AND piece_id=?",
            [(total, turn, piece_id) for piece_id, total in totals],
        )

    # -- advance log -----------------------------------------------------------------------

    async def start_advance(
        self, gm_id: str, from_turn: int, from_phase: str, backup_path: str | None
    ) -> int:
        await self._write(
            "log advance",
            "INSERT INTO advance_log (gm_id, from_turn, from_phase, backup_path) VALUES (?, ?, ?, ?)",
            (gm_id, from_turn, from_phase, backup_path),
        )
        row = await self.sql.fetchone("SELECT max(id) FROM advance_log")
        return int(row[0])

    async def finish_advance(self, advance_id: int, to_turn: int, to_phase: str) -> None:
        await self._write(
            "log advance",
            f"UPDATE advance_log SET to_turn=?, to_phase=?, status='done', updated_at={NOW} "
            "WHERE id=?",
            (to_turn, to_phase, advance_id),
        )

    async def last_advance(self) -> AdvanceRecord | None:
        row = await self.sql.fetchone(
            "SELECT id, gm_id, from_turn, from_phase, to_turn, to_phase, backup_path, status "
            "FROM advance_log ORDER BY id DESC LIMIT 1"
        )
        return None if row is None else AdvanceRecord(*row)

    async def mark_rolled_back(self, advance_id: int) -> None:
        await self._write(
            "log rollback",
            f"UPDATE advance_log SET status='rolled_back', updated_at={NOW} WHERE id=?",
            (advance_id,),
        )

    async def record_rolled_back(self, record: AdvanceRecord) -> None:
        """Log ``record`` as rolled back in the database just restored from its backup.

        The backup was taken before the advance was logged, so the restored file does not
        know it; without this row the advance before it would look "last" and a second
        rollback would undo two advances.
        """
        await self._write(
            "log rollback",
            "INSERT INTO advance_log (id, gm_id, from_turn, from_phase, to_turn, to_phase, "
            "backup_path, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'rolled_back') "
            f"ON CONFLICT(id) DO UPDATE SET status='rolled_back', updated_at={NOW}",
            (
                record.id,
                record.gm_id,
                record.from_turn,
                record.from_phase,
                record.to_turn,
                record.to_phase,
                record.backup_path,
            ),
        )

    # -- what an advance wrote -------------------------------------------------------------

    async def watermarks(self) -> tuple[int, int]:
        """Highest ``turn_history`` and ``delivery_outbox`` ids: later writes lie above them."""
        row = await self.sql.fetchone(
            "SELECT (SELECT COALESCE(MAX(id), 0) FROM turn_history), "
            "(SELECT COALESCE(MAX(id), 0) FROM delivery_outbox)"
        )
        return int(row[0]), int(row[1])

    async def history_after(self, history_id: int) -> list[HistoryEntry]:
        """Turn log lines written after ``history_id``, in writing order."""
        rows = await self.sql.fetchall(
            "SELECT turn_number, phase, action_description, result_description, id, created_at "
            "FROM turn_history WHERE id > ? ORDER BY id",
            (history_id,),
        )
        return [HistoryEntry(*r) for r in rows]

    async def deliveries_after(self, outbox_id: int) -> int:
        """How many outbox rows were queued after ``outbox_id``."""
        return int(
            await self.sql.scalar("SELECT COUNT(*) FROM delivery_outbox WHERE id > ?", (outbox_id,))
        )
