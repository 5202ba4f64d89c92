"""Everything SQLite-specific that is not plain portable SQL lives here.

A future PostgreSQL backend replaces this module (and the connection factory), not the
repositories.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from db.errors import AlreadyExists, ConstraintViolation, DatabaseError, DomainError

BEGIN_WRITE = "BEGIN IMMEDIATE"
BEGIN_READ = "BEGIN DEFERRED"
COMMIT = "COMMIT"
ROLLBACK = "ROLLBACK"


def savepoint(name: str) -> str:
    return f"SAVEPOINT {name}"


def release(name: str) -> str:
    return f"RELEASE SAVEPOINT {name}"


def rollback_to(name: str) -> str:
    return f"ROLLBACK TO SAVEPOINT {name}"


def connection_pragmas(busy_timeout_ms: int, *, read_only: bool) -> list[str]:
    """WAL lets readers run beside the single writer; NORMAL sync is durable enough in WAL."""
    pragmas = [
        "PRAGMA foreign_keys = ON",
        f"PRAGMA busy_timeout = {int(busy_timeout_ms)}",
        "PRAGMA journal_mode = WAL",
        "PRAGMA synchronous = NORMAL",
    ]
    if read_only:
        pragmas.append("PRAGMA query_only = ON")
    return pragmas


def is_transient(exc: BaseException) -> bool:
    """Busy/locked errors are worth retrying; nothing else is."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    text = str(exc).lower()
    return "database is locked" in text or "database is busy" in text or "locked" in text


def translate(exc: sqlite3.Error) -> DomainError:
    """Map a driver error onto the typed errors of db.errors."""
    text = str(exc)
    if isinstance(exc, sqlite3.IntegrityError):
        if text.startswith("UNIQUE constraint failed") or "PRIMARY KEY" in text:
            return AlreadyExists("record", text.split(":", 1)[-1].strip())
        return ConstraintViolation(text)
    if isinstance(exc, sqlite3.OperationalError) and "query_only" in text.lower():
        return ConstraintViolation("read-only connection")
    return DatabaseError(text)


def wal_size(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


def integrity_check(conn: sqlite3.Connection) -> str:
    rows = conn.execute("PRAGMA integrity_check").fetchall()
    return "; ".join(str(r[0]) for r in rows)


def backup_file(source: Path, target: Path) -> None:
    """Online backup API: a consistent copy even while the campaign is being written."""
    src = sqlite3.connect(str(source))
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def check_file_integrity(path: Path) -> str:
    """'ok' or the problem found; a file that is not a database reports that too."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        return integrity_check(conn)
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        conn.close()


def user_table_count(conn: sqlite3.Connection) -> int:
    return conn.execute(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchone()[0]
