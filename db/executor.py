"""The one object repositories talk to: runs SQL on a bound connection, timed.

Timing every statement here gives slow-statement logging without touching repositories;
translating every driver error here means no sqlite3 exception ever reaches a caller.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import aiosqlite

from db import dialect
from db.errors import DatabaseError

log = logging.getLogger("db.slow")

Params = Sequence[Any] | dict[str, Any]
Row = sqlite3.Row
T = TypeVar("T")


@dataclass
class StatementStats:
    """Shared per Database: how many statements ran and how many crossed the slow threshold."""

    slow_threshold_ms: float = 100.0
    slow_count: int = 0
    statement_count: int = 0

    def record(self, sql: str, elapsed_ms: float) -> None:
        self.statement_count += 1
        if elapsed_ms >= self.slow_threshold_ms:
            self.slow_count += 1
            log.warning("slow statement %.1f ms: %s", elapsed_ms, summarize(sql))


@asynccontextmanager
async def _nothing() -> AsyncIterator[None]:
    yield


def summarize(sql: str, limit: int = 80) -> str:
    text = " ".join(sql.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


class Executor:
    """Bound to one connection inside one transaction (write) or snapshot (read)."""

    def __init__(
        self,
        conn: aiosqlite.Connection,
        stats: StatementStats,
        *,
        writable: bool,
        atomic: Callable[[], AbstractAsyncContextManager[None]] | None = None,
    ) -> None:
        self.conn = conn
        self.stats = stats
        self.writable = writable
        self._atomic = atomic

    def atomic(self) -> AbstractAsyncContextManager[None]:
        """All statements inside succeed together or not at all (a savepoint the Database
        issues); a no-op on a read connection, which writes nothing."""
        return self._atomic() if self._atomic is not None else _nothing()

    async def _run(self, sql: str, call: Callable[[], Awaitable[T]]) -> T:
        # A transaction the database ended underneath (an explicit ROLLBACK, or an error
        # SQLite answers with a full rollback) must not let later statements autocommit.
        if not self.conn.in_transaction:
            raise DatabaseError("the transaction is no longer open; nothing more can run in it")
        start = time.perf_counter()
        try:
            return await call()
        except sqlite3.Error as exc:
            raise dialect.translate(exc) from exc
        finally:
            self.stats.record(sql, (time.perf_counter() - start) * 1000)

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns the affected row count."""

        async def call() -> int:
            cursor = await self.conn.execute(sql, params)
            rowcount = cursor.rowcount
            await cursor.close()
            return rowcount

        return await self._run(sql, call)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> int:
        """Returns the total affected row count (rows skipped by ON CONFLICT count 0)."""
        rows = list(rows)
        if not rows:
            return 0

        async def call() -> int:
            cursor = await self.conn.executemany(sql, rows)
            rowcount = cursor.rowcount
            await cursor.close()
            return rowcount

        return await self._run(sql, call)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        # execute_fetchall is one hop to the connection's thread; execute + fetch + close
        # were three, which doubled the cost of a read by id (bench: persist.read).
        async def call() -> list[Row]:
            return list(await self.conn.execute_fetchall(sql, params))

        return await self._run(sql, call)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """The first row; for statements that return one row (or a few), like every caller."""

        async def call() -> Row | None:
            rows = await self.conn.execute_fetchall(sql, params)
            return next(iter(rows), None)

        return await self._run(sql, call)

    async def scalar(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]
