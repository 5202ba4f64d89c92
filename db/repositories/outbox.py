"""The delivery outbox: written with the turn results, drained by the delivery service."""

from __future__ import annotations

import json
from collections.abc import Sequence

from db.dialect import NOW, null_safe_equals
from db.errors import NotFound
from db.executor import Row
from db.records import DELIVERY_KINDS, DELIVERY_STATUSES, RECIPIENT_TYPES, Delivery, NewDelivery
from db.repositories.base import Repository, check_choice, check_int, check_nonempty, to_json

_COLS = (
    "id, turn_number, kind, faction_id, recipient_type, recipient_id, payload_json, status, "
    "attempts, last_error, dedupe_key, created_at, updated_at, delivered_at"
)


def _delivery(row: Row) -> Delivery:
    values = dict(zip(_COLS.split(", "), tuple(row), strict=True))
    values["payload"] = json.loads(values.pop("payload_json"))
    return Delivery(**values)


class OutboxRepository(Repository):
    async def enqueue_many(self, deliveries: Sequence[NewDelivery]) -> int:
        """Returns how many rows were new; a known dedupe key is silently skipped."""
        for d in deliveries:
            check_int("turn", d.turn_number, 0)
            check_choice("delivery kind", d.kind, DELIVERY_KINDS)
            check_choice("recipient type", d.recipient_type, RECIPIENT_TYPES)
            check_nonempty("dedupe key", d.dedupe_key)
        return await self._write_many(
            "enqueue deliveries",
            "INSERT INTO delivery_outbox (turn_number, kind, faction_id, recipient_type, recipient_id, "
            "payload_json, dedupe_key) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(dedupe_key) DO NOTHING",
            [
                (
                    d.turn_number,
                    d.kind,
                    d.faction_id,
                    d.recipient_type,
                    d.recipient_id,
                    to_json("payload", d.payload),
                    d.dedupe_key,
                )
                for d in deliveries
            ],
        )

    async def get(self, delivery_id: int) -> Delivery:
        row = await self.sql.fetchone(
            f"SELECT {_COLS} FROM delivery_outbox WHERE id=?", (delivery_id,)
        )
        if row is None:
            raise NotFound("delivery", delivery_id)
        return _delivery(row)

    async def pending(self, *, max_attempts: int = 5, limit: int | None = None) -> list[Delivery]:
        """Rows still to try: pending, or failed fewer than ``max_attempts`` times; oldest first."""
        limit_sql = f" LIMIT {int(limit)}" if limit is not None else ""
        rows = await self.sql.fetchall(
            f"SELECT {_COLS} FROM delivery_outbox WHERE status='pending' "
            f"OR (status='failed' AND attempts < ?) ORDER BY id{limit_sql}",
            (max_attempts,),
        )
        return [_delivery(r) for r in rows]

    async def for_turn(self, turn: int) -> list[Delivery]:
        rows = await self.sql.fetchall(
            f"SELECT {_COLS} FROM delivery_outbox WHERE turn_number=? ORDER BY id", (turn,)
        )
        return [_delivery(r) for r in rows]

    async def latest_payload(
        self, kind: str, faction_id: str | None, turn: int | None = None
    ) -> Delivery | None:
        """The newest row of ``kind`` for a faction (or the GM when None), optionally of one turn.

        Every recipient of one delivery gets the same payload, so any of its rows will do.
        """
        check_choice("delivery kind", kind, DELIVERY_KINDS)
        where = f"kind=? AND {null_safe_equals('faction_id')}" + (
            " AND turn_number=?" if turn is not None else ""
        )
        params: tuple = (kind, faction_id) + ((turn,) if turn is not None else ())
        row = await self.sql.fetchone(
            f"SELECT {_COLS} FROM delivery_outbox WHERE {where} "
            "ORDER BY turn_number DESC, id LIMIT 1",
            params,
        )
        return None if row is None else _delivery(row)

    async def turns_with(self, kind: str, faction_id: str | None) -> list[int]:
        rows = await self.sql.fetchall(
            "SELECT DISTINCT turn_number FROM delivery_outbox "
            f"WHERE kind=? AND {null_safe_equals('faction_id')} ORDER BY turn_number",
            (kind, faction_id),
        )
        return [int(r[0]) for r in rows]

    async def mark_delivered(self, delivery_id: int) -> None:
        await self._set_status(delivery_id, "delivered", None, delivered=True)

    async def mark_failed(self, delivery_id: int, error: str) -> None:
        """A retryable failure: counted, kept for the next drain."""
        await self._set_status(delivery_id, "failed", error)

    async def mark_undeliverable(self, delivery_id: int, error: str) -> None:
        """Permanent: nobody can receive it (no member reachable, no channel)."""
        await self._set_status(delivery_id, "undeliverable", error)

    async def _set_status(
        self, delivery_id: int, status: str, error: str | None, *, delivered: bool = False
    ) -> None:
        check_choice("status", status, DELIVERY_STATUSES)
        count = await self._write(
            f"mark delivery {status}",
            f"UPDATE delivery_outbox SET status=?, attempts=attempts+1, last_error=?, updated_at={NOW}, "
            f"delivered_at={NOW if delivered else 'NULL'} WHERE id=?",
            (status, None if error is None else error[:1000], delivery_id),
        )
        if count == 0:
            raise NotFound("delivery", delivery_id)

    async def undelivered(self) -> list[Delivery]:
        """Everything not delivered yet (pending, failed, undeliverable), oldest first."""
        rows = await self.sql.fetchall(
            f"SELECT {_COLS} FROM delivery_outbox WHERE status != 'delivered' ORDER BY id"
        )
        return [_delivery(r) for r in rows]

    async def requeue(self, delivery_ids: Sequence[int]) -> int:
        """Give failed/undeliverable rows a fresh set of attempts (the GM's retry)."""
        self._require_write("requeue deliveries")
        return await self._write_many(
            "requeue deliveries",
            f"UPDATE delivery_outbox SET status='pending', attempts=0, updated_at={NOW} "
            "WHERE id=? AND status IN ('failed', 'undeliverable')",
            [(int(i),) for i in delivery_ids],
        )

    async def counts(self) -> dict[str, int]:
        rows = await self.sql.fetchall(
            "SELECT status, COUNT(*) FROM delivery_outbox GROUP BY status"
        )
        result = dict.fromkeys(DELIVERY_STATUSES, 0)
        result.update((r[0], r[1]) for r in rows)
        return result
