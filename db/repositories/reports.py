"""Monitoring reports (one per faction × district × turn) and pending Legendary intel."""

from __future__ import annotations

import json
from collections.abc import Sequence

from db.dialect import NOW
from db.errors import NotFound
from db.executor import Row
from db.records import MonitoringReport, PendingIntel
from db.repositories.base import Repository, b, check_int, to_json

_COLS = "id, faction_id, district_id, turn_number, report_json, confidence_rating"


def report_id(turn: int, faction_id: str, district_id: str) -> str:
    return f"T{turn}-{faction_id}-{district_id}"


def _report(row: Row) -> MonitoringReport:
    return MonitoringReport(
        id=row["id"],
        faction_id=row["faction_id"],
        district_id=row["district_id"],
        turn_number=row["turn_number"],
        report=json.loads(row["report_json"]),
        confidence_rating=row["confidence_rating"],
    )


def _intel(row: Row) -> PendingIntel:
    payload = row["payload_json"]
    return PendingIntel(
        earned_turn=row["earned_turn"],
        faction_id=row["faction_id"],
        district_id=row["district_id"],
        delivered=bool(row["delivered"]),
        payload=None if payload is None else json.loads(payload),
        id=row["id"],
    )


class ReportRepository(Repository):
    async def insert_many(self, reports: Sequence[MonitoringReport]) -> int:
        """Replaces an existing report for the same (turn, faction, district): phases re-run."""
        rows = []
        for r in reports:
            check_int("confidence", r.confidence_rating, 1, 10)
            check_int("turn", r.turn_number, 1)
            rid = r.id or report_id(r.turn_number, r.faction_id, r.district_id)
            rows.append(
                (
                    rid,
                    r.faction_id,
                    r.district_id,
                    r.turn_number,
                    to_json("report", r.report),
                    r.confidence_rating,
                )
            )
        return await self._write_many(
            "store reports",
            f"INSERT INTO faction_monitoring_reports ({_COLS}) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(turn_number, faction_id, district_id) DO UPDATE SET "
            "report_json=excluded.report_json, confidence_rating=excluded.confidence_rating",
            rows,
            entity="report",
        )

    async def get(self, key: str) -> MonitoringReport:
        row = await self.sql.fetchone(
            f"SELECT {_COLS} FROM faction_monitoring_reports WHERE id=?", (key,)
        )
        if row is None:
            raise NotFound("report", key)
        return _report(row)

    async def for_turn(self, turn: int) -> list[MonitoringReport]:
        rows = await self.sql.fetchall(
            f"SELECT {_COLS} FROM faction_monitoring_reports WHERE turn_number=? "
            "ORDER BY faction_id, district_id",
            (turn,),
        )
        return [_report(r) for r in rows]

    async def for_turn_and_faction(self, turn: int, faction_id: str) -> list[MonitoringReport]:
        rows = await self.sql.fetchall(
            f"SELECT {_COLS} FROM faction_monitoring_reports WHERE turn_number=? AND faction_id=? "
            "ORDER BY district_id",
            (turn, faction_id),
        )
        return [_report(r) for r in rows]

    async def latest_per_district(
        self, faction_id: str, *, before_turn: int | None = None
    ) -> dict[str, MonitoringReport]:
        """The fog-of-war map's source: the newest report of each district (§10.2).

        ``before_turn`` leaves out a turn still being resolved: its reports exist from
        phase 10 on, but players may only see them once the turn completes (§2.3).
        """
        limit = 2**62 if before_turn is None else before_turn
        rows = await self.sql.fetchall(
            f"SELECT {_COLS} FROM faction_monitoring_reports r WHERE faction_id=? AND turn_number = "
            "(SELECT MAX(turn_number) FROM faction_monitoring_reports x "
            " WHERE x.faction_id = r.faction_id AND x.district_id = r.district_id "
            " AND x.turn_number < ?) "
            "ORDER BY district_id",
            (faction_id, limit),
        )
        return {r["district_id"]: _report(r) for r in rows}

    async def delete_for_turn(self, turn: int) -> int:
        return await self._write(
            "clear reports", "DELETE FROM faction_monitoring_reports WHERE turn_number=?", (turn,)
        )

    # -- pending Legendary intel (§8.11) ---------------------------------------------------

    async def add_pending_intel_many(self, intel: Sequence[PendingIntel]) -> int:
        for i in intel:
            check_int("earned turn", i.earned_turn, 1)
        return await self._write_many(
            "store pending intel",
            "INSERT INTO pending_intel (earned_turn, faction_id, district_id, delivered, "
            "payload_json) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(earned_turn, faction_id, district_id) DO NOTHING",
            [
                (
                    i.earned_turn,
                    i.faction_id,
                    i.district_id,
                    b(i.delivered),
                    None if i.payload is None else to_json("intel payload", i.payload),
                )
                for i in intel
            ],
        )

    async def pending_intel(self, earned_turn: int | None = None) -> list[PendingIntel]:
        clause, params = (
            ("AND earned_turn=?", (earned_turn,)) if earned_turn is not None else ("", ())
        )
        rows = await self.sql.fetchall(
            "SELECT id, earned_turn, faction_id, district_id, delivered, payload_json FROM pending_intel "
            f"WHERE delivered=0 {clause} ORDER BY earned_turn, faction_id, district_id",
            params,
        )
        return [_intel(r) for r in rows]

    async def mark_intel_delivered(self, intel_id: int, payload: dict | None = None) -> None:
        count = await self._write(
            "deliver intel",
            "UPDATE pending_intel SET delivered=1, payload_json=COALESCE(?, payload_json), "
            f"updated_at={NOW} WHERE id=?",
            (None if payload is None else to_json("intel payload", payload), intel_id),
        )
        if count == 0:
            raise NotFound("pending intel", intel_id)
