"""Everything SQLite-specific that is not plain portable SQL lives here.

A future PostgreSQL backend replaces this module (and the connection factory), not the
repositories: they use only portable SQL (``INSERT ... ON CONFLICT``, ``COALESCE``,
``LIMIT``) plus the fragments below.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from db.errors import (
    AlreadyExists,
    ConstraintViolation,
    DatabaseError,
    DomainError,
    ReadOnlyError,
)

BEGIN_WRITE = "BEGIN IMMEDIATE"
BEGIN_READ = "BEGIN DEFERRED"
COMMIT = "COMMIT"
ROLLBACK = "ROLLBACK"

# The current UTC time as the ISO-8601 text every timestamp column holds.
NOW = "strftime('%Y-%m-%dT%H:%M:%fZ','now')"

INTEGRITY_CHECK = "PRAGMA integrity_check"
FOREIGN_KEY_CHECK = "PRAGMA foreign_key_check"
TABLE_EXISTS = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
# Tables holding data (not the engine's own bookkeeping), by name.
USER_TABLES = (
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
)
ALL_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
TRIGGERS = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
SCHEMA = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
ROW_ID = "rowid"  # the implicit row number every ordinary table has

# Statements only transaction() may issue; a migration file must not contain them.
TRANSACTION_KEYWORDS = frozenset({"BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"})


def null_safe_equals(column: str) -> str:
    """``column`` equals the parameter, NULL matching NULL (PostgreSQL: IS NOT DISTINCT FROM)."""
    return f"{column} IS ?"


def savepoint(name: str) -> str:
    return f"SAVEPOINT {name}"


def release(name: str) -> str:
    return f"RELEASE SAVEPOINT {name}"


def rollback_to(name: str) -> str:
    return f"ROLLBACK TO SAVEPOINT {name}"


def drop_trigger(name: str) -> str:
    return f'DROP TRIGGER "{name}"'


def delete_all(table: str) -> str:
    return f'DELETE FROM "{table}"'


def reset_sequences_sql(tables: list[str]) -> str | None:
    """Restart AUTOINCREMENT counters (SQLite keeps them in sqlite_sequence)."""
    return "DELETE FROM sqlite_sequence" if "sqlite_sequence" in tables else None


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


def complete_statement(sql: str) -> bool:
    """True when ``sql`` ends a statement as SQLite's tokenizer sees it (trigger bodies whole)."""
    return sqlite3.complete_statement(sql)


def is_transient(exc: BaseException) -> bool:
    """Busy/locked errors are worth retrying; nothing else is."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    text = str(exc).lower()
    return "database is locked" in text or "database is busy" in text or "locked" in text


def integrity_kind(exc: BaseException | None) -> str | None:
    """'unique', 'foreign_key' or 'check' for a driver integrity error, else None."""
    if not isinstance(exc, sqlite3.IntegrityError):
        return None
    text = str(exc)
    if text.startswith("UNIQUE constraint failed") or "PRIMARY KEY" in text:
        return "unique"
    if "FOREIGN KEY" in text:
        return "foreign_key"
    return "check"


def translate(exc: sqlite3.Error) -> DomainError:
    """Map a driver error onto the typed errors of db.errors."""
    text = str(exc)
    kind = integrity_kind(exc)
    if kind == "unique":
        return AlreadyExists("record", text.split(":", 1)[-1].strip())
    if kind is not None:
        return ConstraintViolation(text)
    if isinstance(exc, sqlite3.OperationalError) and "readonly database" in text.lower():
        return ReadOnlyError("writing")
    return DatabaseError(text)


def wal_size(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


def integrity_check(conn: sqlite3.Connection) -> str:
    rows = conn.execute(INTEGRITY_CHECK).fetchall()
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
