"""Numbered SQL migrations with up and down parts, checksummed in ``schema_migrations``.

Files are ``NNNN_name.sql`` holding ``-- migrate:up`` then ``-- migrate:down`` sections.
Each migration runs in its own transaction, so a failing one leaves the previous version.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from db import dialect
from db.backup import backup_file
from db.database import Database
from db.errors import MigrationError

DEFAULT_MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
_FILE = re.compile(r"^(\d{4})_([A-Za-z0-9_]+)\.sql$")
_SECTION = re.compile(r"^--\s*migrate:(up|down)\s*$", re.MULTILINE)
_LEDGER = (
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)"
)


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    path: Path
    checksum: str
    up: tuple[str, ...]
    down: tuple[str, ...]


@dataclass(slots=True)
class MigrationReport:
    from_version: int
    to_version: int
    applied: list[int] = field(default_factory=list)
    rolled_back: list[int] = field(default_factory=list)
    backup: Path | None = None


def split_statements(sql: str) -> list[str]:
    """Split on statement ends the way SQLite's tokenizer sees them (triggers stay whole)."""
    statements, buffer = [], ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if dialect.complete_statement(buffer):
            if _has_code(buffer):
                statements.append(_strip_leading_comments(buffer))
            buffer = ""
    if _has_code(buffer):
        raise MigrationError(f"unterminated SQL statement: {buffer.strip()[:80]}")
    return statements


def _strip_leading_comments(text: str) -> str:
    lines = text.strip().splitlines()
    while lines and (not lines[0].strip() or lines[0].lstrip().startswith("--")):
        lines.pop(0)
    return "\n".join(lines)


def _has_code(text: str) -> bool:
    return any(line.strip() and not line.strip().startswith("--") for line in text.splitlines())


def parse(path: Path) -> Migration:
    match = _FILE.match(path.name)
    if not match:
        raise MigrationError(f"{path.name} is not named NNNN_name.sql")
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    sections: dict[str, str] = {}
    marks = list(_SECTION.finditer(text))
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        sections[mark.group(1)] = text[mark.end() : end]
    if "up" not in sections or "down" not in sections:
        raise MigrationError(f"{path.name} needs both '-- migrate:up' and '-- migrate:down'")
    up, down = split_statements(sections["up"]), split_statements(sections["down"])
    for statement in (*up, *down):
        keyword = statement.split(None, 1)[0].rstrip(";").upper()
        if keyword in dialect.TRANSACTION_KEYWORDS:
            # The runner wraps each migration in its own transaction; a file that ends it
            # would leave half a migration committed.
            raise MigrationError(f"{path.name} must not control transactions ({keyword})")
    return Migration(
        version=int(match.group(1)),
        name=match.group(2),
        path=path,
        checksum=hashlib.sha256(raw).hexdigest(),
        up=tuple(up),
        down=tuple(down),
    )


def discover(migrations_dir: Path | None = None) -> list[Migration]:
    folder = migrations_dir or DEFAULT_MIGRATIONS_DIR
    if not folder.is_dir():
        raise MigrationError(f"migrations folder {folder} not found")
    found = [parse(p) for p in sorted(folder.glob("*.sql"))]
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationError("two migration files share a version number")
    return sorted(found, key=lambda m: m.version)


async def applied_versions(db: Database) -> dict[int, str]:
    """version -> checksum of every applied migration."""
    async with db.transaction() as uow:
        await uow.sql.execute(_LEDGER)
        rows = await uow.sql.fetchall(
            "SELECT version, checksum FROM schema_migrations ORDER BY version"
        )
    return {r[0]: r[1] for r in rows}


def _verify(applied: dict[int, str], available: dict[int, Migration]) -> None:
    for version, checksum in sorted(applied.items()):
        migration = available.get(version)
        if migration is None:
            raise MigrationError(
                f"applied migration {version:04d} is missing from the migrations folder"
            )
        if migration.checksum != checksum:
            raise MigrationError(
                f"applied migration {migration.path.name} was edited after it ran (checksum mismatch)"
            )


async def _is_empty(db: Database) -> bool:
    """No table beside the ledger: nothing a backup could protect."""
    async with db.read() as uow:
        tables = {r[0] for r in await uow.sql.fetchall(dialect.USER_TABLES)}
    return not tables - {"schema_migrations"}


async def migrate(
    db: Database,
    *,
    migrations_dir: Path | None = None,
    target: int | None = None,
    backup_dir: Path | None = None,
) -> MigrationReport:
    """Apply every pending migration (up to ``target``), after backing up a non-empty DB."""
    available = {m.version: m for m in discover(migrations_dir)}
    applied = await applied_versions(db)
    _verify(applied, available)
    current = max(applied, default=0)
    pending = [
        available[v]
        for v in sorted(available)
        if v not in applied and (target is None or v <= target)
    ]
    stragglers = [m.path.name for m in pending if m.version < current]
    if stragglers:
        raise MigrationError(
            f"{', '.join(stragglers)} sorts before the applied version {current:04d}; "
            "renumber it after the last applied migration"
        )
    report = MigrationReport(from_version=current, to_version=current)
    if not pending:
        return report
    if not await _is_empty(db):
        folder = backup_dir or db.path.parent / "backups"
        report.backup = await backup_file(db.path, folder, f"pre-migrate-v{current:04d}")
    for migration in pending:
        try:
            async with db.transaction() as uow:
                for statement in migration.up:
                    await uow.sql.execute(statement)
                await uow.sql.execute(
                    "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
                    (migration.version, migration.name, migration.checksum, _now()),
                )
        except Exception as exc:
            raise MigrationError(
                f"{migration.path.name} failed and was rolled back: {exc}"
            ) from exc
        report.applied.append(migration.version)
        report.to_version = migration.version
    return report


async def rollback(
    db: Database,
    steps: int = 1,
    *,
    migrations_dir: Path | None = None,
    backup_dir: Path | None = None,
) -> MigrationReport:
    """Run the down parts of the last ``steps`` applied migrations, newest first.

    Down parts drop data, so a non-empty database is backed up first.
    """
    available = {m.version: m for m in discover(migrations_dir)}
    applied = await applied_versions(db)
    _verify(applied, available)
    current = max(applied, default=0)
    report = MigrationReport(from_version=current, to_version=current)
    doomed = sorted(applied, reverse=True)[: max(steps, 0)]
    if doomed and not await _is_empty(db):
        folder = backup_dir or db.path.parent / "backups"
        report.backup = await backup_file(db.path, folder, f"pre-rollback-v{current:04d}")
    for version in doomed:
        migration = available[version]
        try:
            async with db.transaction() as uow:
                for statement in migration.down:
                    await uow.sql.execute(statement)
                await uow.sql.execute("DELETE FROM schema_migrations WHERE version=?", (version,))
        except Exception as exc:
            raise MigrationError(f"rolling back {migration.path.name} failed: {exc}") from exc
        report.rolled_back.append(version)
        remaining = [v for v in applied if v < version]
        report.to_version = max(remaining, default=0)
    return report


async def is_foreign(db: Database) -> bool:
    """An SQLite file holding tables but no migration ledger: not a campaign database, so
    migrating (rewriting) it would damage someone else's data."""
    async with db.read() as uow:
        has_ledger = await uow.sql.scalar(dialect.TABLE_EXISTS, ("schema_migrations",))
        has_tables = bool(await uow.sql.fetchall(dialect.USER_TABLES))
    return has_tables and not has_ledger


async def current_version(db: Database) -> int:
    return max(await applied_versions(db), default=0)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
