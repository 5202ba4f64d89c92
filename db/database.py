"""Connections and units of work for one campaign database.

One write connection guarded by an asyncio lock (aiosqlite runs one thread per connection,
so two coroutines must never interleave statements inside one transaction) plus a small
pool of read connections that WAL never blocks. ``transaction()`` is the only place in the
code base that issues BEGIN/COMMIT/ROLLBACK/SAVEPOINT.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from db import dialect
from db.errors import DatabaseError, DomainError
from db.executor import Executor, StatementStats
from db.records import HealthReport
from db.uow import UnitOfWork

log = logging.getLogger(__name__)

# Per task: which Database this task holds a write transaction on, and how deep it is.
# Keyed by id(Database) and tagged with the owning task, so a child task that inherited the
# context waits for the lock instead of wrongly nesting.
_ActiveTx = dict[int, tuple[asyncio.Task | None, UnitOfWork, int]]
_active: contextvars.ContextVar[_ActiveTx | None] = contextvars.ContextVar(
    "db_active_transactions", default=None
)


# Savepoint name of one repository call; nested calls reuse it (SQLite resolves a name to
# its most recent savepoint, which is exactly the nesting order).
_ATOMIC = "repository_call"


def _require_transaction(conn: aiosqlite.Connection) -> None:
    if not conn.in_transaction:
        raise DatabaseError("the transaction is no longer open; nothing more can run in it")


class Database:
    def __init__(
        self,
        path: Path | str,
        *,
        slow_query_ms: float = 100.0,
        busy_timeout_ms: int = 5000,
        read_pool_size: int = 2,
        max_busy_retries: int = 10,
        retry_base_delay: float = 0.01,
    ) -> None:
        self.path = Path(path)
        self.busy_timeout_ms = busy_timeout_ms
        self.read_pool_size = max(1, read_pool_size)
        self.max_busy_retries = max_busy_retries
        self.retry_base_delay = retry_base_delay
        self.stats = StatementStats(slow_threshold_ms=slow_query_ms)
        self.busy_retries = 0
        self._writer: aiosqlite.Connection | None = None
        self._readers: list[aiosqlite.Connection] = []
        self._idle_readers: asyncio.Queue[aiosqlite.Connection] | None = None
        self._write_lock = asyncio.Lock()

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self._writer is not None

    async def open(self) -> Database:
        if self._writer is not None:
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._writer = await self._connect(read_only=False)
            self._idle_readers = asyncio.Queue()
            for _ in range(self.read_pool_size):
                reader = await self._connect(read_only=True)
                self._readers.append(reader)
                self._idle_readers.put_nowait(reader)
        except sqlite3.Error as exc:
            # e.g. "file is not a database": nothing stays half open, the error is typed
            await self.close()
            raise DatabaseError(f"cannot open {self.path}: {exc}") from exc
        return self

    async def close(self) -> None:
        async with self._write_lock:
            for reader in self._readers:
                await reader.close()
            self._readers.clear()
            self._idle_readers = None
            if self._writer is not None:
                await self._writer.close()
                self._writer = None

    async def __aenter__(self) -> Database:
        return await self.open()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _connect(self, *, read_only: bool) -> aiosqlite.Connection:
        conn = await aiosqlite.connect(str(self.path), isolation_level=None)
        try:
            conn.row_factory = sqlite3.Row
            for pragma in dialect.connection_pragmas(self.busy_timeout_ms, read_only=read_only):
                await conn.execute(pragma)
        except BaseException:
            await conn.close()
            raise
        return conn

    def _require_open(self) -> aiosqlite.Connection:
        if self._writer is None:
            raise DatabaseError(f"database {self.path} is not open")
        return self._writer

    # -- units of work ---------------------------------------------------------------------

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[UnitOfWork]:
        """Commit on success, roll back on any exception; nested use is a SAVEPOINT."""
        task = asyncio.current_task()
        active = _active.get() or {}
        entry = active.get(id(self))
        if entry is not None and entry[0] is task:
            async with self._savepoint(active, entry) as uow:
                yield uow
            return
        async with self._write_lock:
            writer = self._require_open()
            if writer.in_transaction:
                # A cancelled task can leave a BEGIN that ran after it gave up the lock.
                log.warning("discarding a transaction left open on %s", self.path)
                await self._quiet(writer, dialect.ROLLBACK)
            try:
                await self._retry_transient(writer, dialect.BEGIN_WRITE)
            except sqlite3.Error as exc:
                raise dialect.translate(exc) from exc
            executor = Executor(
                writer, self.stats, writable=True, atomic=lambda: self._atomic(writer)
            )
            uow = UnitOfWork(executor, writable=True)
            token = _active.set({**active, id(self): (task, uow, 0)})
            try:
                try:
                    yield uow
                except BaseException:
                    await self._quiet(writer, dialect.ROLLBACK)
                    raise
                try:
                    await self._retry_transient(writer, dialect.COMMIT)
                except BaseException:
                    await self._quiet(writer, dialect.ROLLBACK)
                    raise
            except sqlite3.Error as exc:
                raise dialect.translate(exc) from exc
            finally:
                _active.reset(token)

    @asynccontextmanager
    async def _savepoint(
        self, active: _ActiveTx, entry: tuple[asyncio.Task | None, UnitOfWork, int]
    ) -> AsyncIterator[UnitOfWork]:
        task, uow, depth = entry
        name = f"sp_{depth + 1}"
        conn = self._require_open()
        _require_transaction(conn)  # a SAVEPOINT outside one would silently begin a new one
        try:
            await conn.execute(dialect.savepoint(name))
        except sqlite3.Error as exc:
            raise dialect.translate(exc) from exc
        token = _active.set({**active, id(self): (task, uow, depth + 1)})
        try:
            try:
                yield uow
            except BaseException:
                # Quietly: if the database already ended the transaction there is nothing to
                # undo, and the caller's own exception is the one worth seeing.
                await self._quiet(conn, dialect.rollback_to(name))
                await self._quiet(conn, dialect.release(name))
                raise
            await conn.execute(dialect.release(name))
        except sqlite3.Error as exc:
            raise dialect.translate(exc) from exc
        finally:
            _active.reset(token)

    @asynccontextmanager
    async def _atomic(self, conn: aiosqlite.Connection) -> AsyncIterator[None]:
        """One repository call is all or nothing, even when its caller catches the error and
        carries on with the transaction (an executemany stops at its first bad row)."""
        _require_transaction(conn)
        try:
            await conn.execute(dialect.savepoint(_ATOMIC))
        except sqlite3.Error as exc:
            raise dialect.translate(exc) from exc
        try:
            yield
        except BaseException:
            await self._quiet(conn, dialect.rollback_to(_ATOMIC))
            await self._quiet(conn, dialect.release(_ATOMIC))
            raise
        try:
            await conn.execute(dialect.release(_ATOMIC))
        except sqlite3.Error as exc:
            raise dialect.translate(exc) from exc

    @asynccontextmanager
    async def read(self) -> AsyncIterator[UnitOfWork]:
        """A consistent read-only snapshot on a pooled read connection (WAL: never blocked)."""
        self._require_open()
        assert self._idle_readers is not None
        reader = await self._idle_readers.get()
        try:
            await self._retry_transient(reader, dialect.BEGIN_READ)
            try:
                yield UnitOfWork(Executor(reader, self.stats, writable=False), writable=False)
            finally:
                await self._quiet(reader, dialect.ROLLBACK)
        except sqlite3.Error as exc:
            raise dialect.translate(exc) from exc
        finally:
            if self._idle_readers is not None:
                self._idle_readers.put_nowait(reader)

    async def _retry_transient(self, conn: aiosqlite.Connection, sql: str) -> None:
        """Busy/locked waits are bounded: exponential backoff, then a typed error."""
        delay = self.retry_base_delay
        for attempt in range(self.max_busy_retries + 1):
            try:
                await conn.execute(sql)
                return
            except sqlite3.OperationalError as exc:
                if not dialect.is_transient(exc) or attempt == self.max_busy_retries:
                    raise
                self.busy_retries += 1
                log.info("database busy on %s, retry %d in %.3fs", sql, attempt + 1, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 1.0)

    @staticmethod
    async def _quiet(conn: aiosqlite.Connection, sql: str) -> None:
        # No transaction open (SQLite already rolled back) means nothing to undo.
        with contextlib.suppress(sqlite3.Error):
            await conn.execute(sql)

    # -- observability ---------------------------------------------------------------------

    @property
    def slow_statement_count(self) -> int:
        return self.stats.slow_count

    @property
    def open_connections(self) -> int:
        return (1 if self._writer is not None else 0) + len(self._readers)

    async def schema_version(self) -> int:
        async with self.read() as uow:
            if not await uow.sql.scalar(dialect.TABLE_EXISTS, ("schema_migrations",)):
                return 0
            return int(
                await uow.sql.scalar("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
            )

    async def health(self) -> HealthReport:
        """What the CLI and the GM read; a damaged file is reported, not raised."""
        try:
            async with self.read() as uow:
                rows = await uow.sql.fetchall(dialect.INTEGRITY_CHECK)
            integrity = "; ".join(str(r[0]) for r in rows)
        except DatabaseError as exc:
            integrity = exc.detail
        try:
            version = await self.schema_version()
        except DatabaseError:
            version = -1  # unknown: the ledger itself cannot be read
        return HealthReport(
            integrity=integrity,
            wal_bytes=dialect.wal_size(self.path),
            schema_version=version,
            open_connections=self.open_connections,
            slow_statements=self.stats.slow_count,
            statements=self.stats.statement_count,
            slow_threshold_ms=self.stats.slow_threshold_ms,
        )


__all__ = ["Database", "DomainError", "UnitOfWork"]
