"""Whole-campaign bookkeeping: how much a campaign holds, and emptying it for a re-import."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from db import dialect
from db.repositories.base import Repository

# Never emptied: the migration ledger (the schema stays at its version).
_ALWAYS_KEPT = frozenset({"schema_migrations"})


@dataclass(frozen=True, slots=True)
class CampaignCounts:
    factions: int
    districts: int
    orders: int
    reports: int

    @property
    def empty(self) -> bool:
        return not (self.factions or self.districts or self.orders or self.reports)


class CampaignRepository(Repository):
    async def counts(self) -> CampaignCounts:
        row = await self.sql.fetchone(
            "SELECT (SELECT COUNT(*) FROM factions), (SELECT COUNT(*) FROM districts), "
            "(SELECT COUNT(*) FROM actions), (SELECT COUNT(*) FROM faction_monitoring_reports)"
        )
        assert row is not None
        return CampaignCounts(int(row[0]), int(row[1]), int(row[2]), int(row[3]))

    async def wipe(self, keep: Iterable[str] = ()) -> list[str]:
        """Empty every table except ``keep`` inside the caller's transaction; returns them.

        Triggers (e.g. the published-newspaper guard) are dropped and recreated around the
        deletes, which is atomic because the schema changes belong to the same transaction.
        Autoincrement counters restart, so a re-import numbers rows as a fresh one would.
        """
        self._require_write("wipe campaign")
        kept = _ALWAYS_KEPT | set(keep)
        triggers = [(r[0], r[1]) for r in await self.sql.fetchall(dialect.TRIGGERS)]
        tables = [r[0] for r in await self.sql.fetchall(dialect.USER_TABLES)]
        async with self.atomic():
            for name, _ in triggers:
                await self._write("wipe campaign", dialect.drop_trigger(name))
            emptied = [t for t in tables if t not in kept]
            for table in emptied:
                await self._write("wipe campaign", dialect.delete_all(table))
            every_table = [r[0] for r in await self.sql.fetchall(dialect.ALL_TABLES)]
            reset = dialect.reset_sequences_sql(every_table)
            if reset is not None:
                await self._write("wipe campaign", reset)
            for _, sql in triggers:
                await self._write("wipe campaign", sql)
            return emptied
