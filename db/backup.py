"""Online backups and restores of one campaign file (SQLite backup API).

Backups are plain SQLite files named ``<stem>-<UTC timestamp>[-label].sqlite3`` so a sorted
directory listing is chronological.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from db import dialect
from db.database import Database
from db.errors import BackupError

_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass(frozen=True, slots=True)
class BackupInfo:
    path: Path
    size: int
    created: str  # the timestamp part of the name, UTC, sortable


def _name(stem: str, label: str | None) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    suffix = f"-{_SAFE.sub('_', label)}" if label else ""
    return f"{stem}-{stamp}{suffix}.sqlite3"


async def backup_file(source: Path, backup_dir: Path, label: str | None = None) -> Path:
    """Consistent copy of ``source`` (even while it is being written) into ``backup_dir``."""
    if not source.exists():
        raise BackupError(f"{source} does not exist")
    backup_dir.mkdir(parents=True, exist_ok=True)
    target = backup_dir / _name(source.stem, label)
    await asyncio.to_thread(dialect.backup_file, source, target)
    return target


async def backup(db: Database, backup_dir: Path, label: str | None = None) -> Path:
    return await backup_file(db.path, backup_dir, label)


def list_backups(backup_dir: Path) -> list[BackupInfo]:
    """Oldest first."""
    if not backup_dir.is_dir():
        return []
    infos = []
    for path in sorted(backup_dir.glob("*.sqlite3")):
        parts = path.stem.split("-")
        stamp = next((p for p in parts if re.fullmatch(r"\d{8}T\d{12}Z", p)), "")
        infos.append(BackupInfo(path, path.stat().st_size, stamp))
    return sorted(infos, key=lambda i: (i.created, i.path.name))


def prune_backups(backup_dir: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups; returns what was removed."""
    infos = list_backups(backup_dir)
    doomed = infos[: max(0, len(infos) - max(keep, 0))]
    for info in doomed:
        info.path.unlink(missing_ok=True)
    return [i.path for i in doomed]


async def restore(db: Database, backup_path: Path, backup_dir: Path) -> Path:
    """Replace the live campaign with ``backup_path``; returns the copy kept of what it replaced.

    The backup must pass ``PRAGMA integrity_check`` first; the database is closed during the
    copy and reopened afterwards.
    """
    if not backup_path.is_file():
        raise BackupError(f"{backup_path} does not exist")
    verdict = await asyncio.to_thread(dialect.check_file_integrity, backup_path)
    if verdict != "ok":
        raise BackupError(f"{backup_path.name} is not a sound database ({verdict})")
    was_open = db.is_open
    kept = await backup_file(db.path, backup_dir, "pre-restore")
    await db.close()
    try:
        await asyncio.to_thread(dialect.backup_file, backup_path, db.path)
    finally:
        if was_open:
            await db.open()
    return kept
