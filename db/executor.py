"""The one object repositories talk to: runs SQL on a bound connection, timed.

Timing every statement here gives slow-statement logging without touching repositories.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import aiosqlite

log = logging.getLogger("db.slow")

Params = Sequence[Any] | dict[str, Any]


@dataclass
class StatementStats:
    """Shared per Database: how many statements crossed the slow threshold."""

    slow_threshold_ms: float = 100.0
    slow_count: int = 0
    statement_count: int = 0

    def record(self, sql: str, elapsed_ms: float) -> None:
        self.statement_count += 1
        if elapsed_ms >= self.slow_threshold_ms:
            self.slow_count += 1
            log.warning("slow statement %.1f ms: %s", elapsed_ms, summarize(sql))


def summarize(sql: str, limit: int = 80) -> str:
    text = " ".join(sql.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


class Executor:
    def __init__(
        self, conn: aiosqlite.Connection, stats: StatementStats, *, writable: bool
    ) -> None:
        self.conn = conn
        self.stats = stats
        self.writable = writable

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns the affected row count."""
        start = time.perf_counter()
        try:
            cursor = await self.conn.execute(sql, params)
            rowcount = cursor.rowcount
            await cursor.close()
            return rowcount
        finally:
            self.stats.record(sql, (time.perf_counter() - start) * 1000)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> int:
        rows = list(rows)
        if not rows:
            return 0
        start = time.perf_counter()
        try:
            cursor = await self.conn.executemany(sql, rows)
            rowcount = cursor.rowcount
            await cursor.close()
            return rowcount
        finally:
            self.stats.record(sql, (time.perf_counter() - start) * 1000)

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        start = time.perf_counter()
        try:
            cursor = await self.conn.execute(sql, params)
            rows = await cursor.fetchall()
            await cursor.close()
            return list(rows)
        finally:
            self.stats.record(sql, (time.perf_counter() - start) * 1000)

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        start = time.perf_counter()
        try:
            cursor = await self.conn.execute(sql, params)
            row = await cursor.fetchone()
            await cursor.close()
            return row
        finally:
            self.stats.record(sql, (time.perf_counter() - start) * 1000)

    async def scalar(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]
