"""The turn log, decay records and end-of-turn influence snapshots."""

from __future__ import annotations

from collections.abc import Sequence

from db.records import DecayResult, HistoryEntry, InfluenceSnapshot
from db.repositories.base import Repository, check_int, check_nonempty


class HistoryRepository(Repository):
    async def log(
        self, turn: int, phase: str, action_description: str, result_description: str
    ) -> None:
        await self.log_many([HistoryEntry(turn, phase, action_description, result_description)])

    async def log_many(self, entries: Sequence[HistoryEntry]) -> int:
        for e in entries:
            check_int("turn", e.turn_number, 0)
            check_nonempty("phase", e.phase)
        return await self._write_many(
            "log",
            "INSERT INTO turn_history (turn_number, phase, action_description, result_description) "
            "VALUES (?, ?, ?, ?)",
            [(e.turn_number, e.phase, e.action_description, e.result_description) for e in entries],
        )

    async def for_turn(self, turn: int, phase: str | None = None) -> list[HistoryEntry]:
        """Lines in the order they were written."""
        clause, params = ("AND phase=?", (turn, phase)) if phase else ("", (turn,))
        rows = await self.sql.fetchall(
            "SELECT turn_number, phase, action_description, result_description, id, created_at "
            f"FROM turn_history WHERE turn_number=? {clause} ORDER BY id",
            params,
        )
        return [HistoryEntry(*r) for r in rows]

    # -- decay ------------------------------------------------------------------------------

    async def insert_decay_many(self, results: Sequence[DecayResult]) -> int:
        for r in results:
            check_int("influence change", r.influence_change, -10, 0)
        return await self._write_many(
            "record decay",
            "INSERT INTO decay_results (id, turn_number, district_id, faction_id, influence_change) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET influence_change=excluded.influence_change",
            [
                (
                    r.id or f"T{r.turn_number}-{r.district_id}-{r.faction_id}",
                    r.turn_number,
                    r.district_id,
                    r.faction_id,
                    r.influence_change,
                )
                for r in results
            ],
        )

    async def decay_for_turn(self, turn: int) -> list[DecayResult]:
        rows = await self.sql.fetchall(
            "SELECT turn_number, district_id, faction_id, influence_change, id FROM decay_results "
            "WHERE turn_number=? ORDER BY district_id, faction_id, id",
            (turn,),
        )
        return [DecayResult(*r) for r in rows]

    # -- influence snapshots (§8.11, §10.2) ---------------------------------------------------

    async def snapshot_influence(self, turn: int) -> int:
        """Copy the current board as turn ``turn``'s end state (replacing an earlier copy)."""
        check_int("turn", turn, 0)
        self._require_write("snapshot influence")
        async with self.atomic():
            await self._write(
                "snapshot influence", "DELETE FROM influence_snapshots WHERE turn_number=?", (turn,)
            )
            return await self._write(
                "snapshot influence",
                "INSERT INTO influence_snapshots (turn_number, district_id, faction_id, "
                "influence_value, has_stronghold) SELECT ?, district_id, faction_id, "
                "influence_value, has_stronghold FROM district_influence",
                (turn,),
            )

    async def snapshots(
        self, turn: int | None = None, district_id: str | None = None, since_turn: int | None = None
    ) -> list[InfluenceSnapshot]:
        where, params = [], []
        if turn is not None:
            where.append("turn_number=?")
            params.append(turn)
        if since_turn is not None:
            where.append("turn_number>=?")
            params.append(since_turn)
        if district_id is not None:
            where.append("district_id=?")
            params.append(district_id)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = await self.sql.fetchall(
            "SELECT turn_number, district_id, faction_id, influence_value, has_stronghold "
            f"FROM influence_snapshots {clause} ORDER BY turn_number, district_id, faction_id",
            tuple(params),
        )
        return [InfluenceSnapshot(r[0], r[1], r[2], r[3], bool(r[4])) for r in rows]
