"""One open, migrated Database per campaign (guild), opened on first use."""

from __future__ import annotations

import asyncio
from pathlib import Path

from db.database import Database
from db.migrations import migrate


class CampaignRegistry:
    def __init__(
        self,
        data_dir: Path | str,
        *,
        slow_query_ms: float = 100.0,
        busy_timeout_ms: int = 5000,
        migrations_dir: Path | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.slow_query_ms = slow_query_ms
        self.busy_timeout_ms = busy_timeout_ms
        self.migrations_dir = migrations_dir
        self._open: dict[Path, Database] = {}
        self._opening: dict[Path, asyncio.Future[Database]] = {}
        self.open_count = 0  # how many databases were actually opened (observability/tests)

    def path_for(self, guild_id: int | str) -> Path:
        return self.data_dir / "campaigns" / f"{guild_id}.sqlite3"

    def backup_dir_for(self, guild_id: int | str) -> Path:
        return self.data_dir / "backups" / str(guild_id)

    async def get(self, guild_id: int | str) -> Database:
        return await self._get(self.path_for(guild_id), self.backup_dir_for(guild_id))

    async def open_path(self, path: Path | str, backup_dir: Path | None = None) -> Database:
        path = Path(path)
        return await self._get(path, backup_dir or path.parent / "backups")

    async def _get(self, path: Path, backup_dir: Path) -> Database:
        key = path.resolve()
        if key in self._open:
            return self._open[key]
        if key in self._opening:
            return await asyncio.shield(self._opening[key])
        future: asyncio.Future[Database] = asyncio.get_running_loop().create_future()
        self._opening[key] = future
        try:
            db = Database(
                path, slow_query_ms=self.slow_query_ms, busy_timeout_ms=self.busy_timeout_ms
            )
            await db.open()
            self.open_count += 1
            try:
                await migrate(db, migrations_dir=self.migrations_dir, backup_dir=backup_dir)
            except BaseException:
                await db.close()
                raise
            self._open[key] = db
            future.set_result(db)
            return db
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # mark retrieved: waiters re-raise it, nobody else must
            raise
        finally:
            del self._opening[key]

    @property
    def open_databases(self) -> list[Database]:
        return list(self._open.values())

    async def close(self, guild_id: int | str) -> None:
        db = self._open.pop(self.path_for(guild_id).resolve(), None)
        if db is not None:
            await db.close()

    async def close_all(self) -> None:
        databases, self._open = list(self._open.values()), {}
        for db in databases:
            await db.close()
