"""Operations: health, slow-statement logging, backup/restore, the campaign registry."""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from pathlib import Path

import pytest

from db.backup import backup, list_backups, prune_backups, restore
from db.database import Database
from db.errors import BackupError, DatabaseError
from db.migrations import discover, migrate
from db.records import Faction
from db.registry import CampaignRegistry


async def test_health_report(db: Database):
    async with db.transaction() as uow:
        await uow.factions.create(Faction("f1", "Red"))
    health = await db.health()
    assert health.ok and health.integrity == "ok"
    assert health.schema_version == max(m.version for m in discover())
    assert health.open_connections == 1 + db.read_pool_size
    assert health.wal_bytes > 0
    assert health.slow_statements == db.slow_statement_count
    assert health.statements >= 1 and health.slow_threshold_ms == 100.0


async def test_health_reports_a_damaged_file(tmp_path: Path):
    path = tmp_path / "damaged.sqlite3"
    async with Database(path) as db:
        await migrate(db)
        async with db.transaction() as uow:
            for i in range(300):
                await uow.factions.create(Faction(f"f{i:03d}", "x" * 200))
    with sqlite3.connect(path) as conn:  # checkpointed on close: the pages are in the file
        conn.execute("PRAGMA journal_mode = DELETE")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'idx_factions_name'"
        ).fetchone()[0]
    with path.open("r+b") as raw:  # scribble over one index page
        raw.seek((root - 1) * page_size + 8)
        raw.write(b"\x00\xff" * 64)
    async with Database(path) as db:
        health = await db.health()
    assert not health.ok and health.integrity != "ok"


async def test_opening_something_that_is_not_a_database_is_a_typed_error(tmp_path: Path):
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not a database at all" * 100)
    db = Database(junk)
    with pytest.raises(DatabaseError):
        await db.open()
    assert not db.is_open and db.open_connections == 0
    registry = CampaignRegistry(tmp_path)
    (tmp_path / "campaigns").mkdir()
    (tmp_path / "campaigns" / "5.sqlite3").write_bytes(junk.read_bytes())
    with pytest.raises(DatabaseError):
        await registry.get(5)
    assert registry.open_databases == []


async def test_backup_is_a_consistent_online_copy(db: Database, tmp_path: Path):
    """Taken while a write transaction is open: it holds the committed state only."""
    async with db.transaction() as uow:
        await uow.factions.create(Faction("f1", "Committed"))
    async with db.transaction() as uow:
        await uow.factions.create(Faction("f2", "Uncommitted"))
        copy = await backup(db, tmp_path / "b", label="online")
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT id FROM factions").fetchall() == [("f1",)]
    assert copy.name.startswith(db.path.stem) and copy.name.endswith("-online.sqlite3")


async def test_slow_statements_are_logged_and_counted(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    async with Database(tmp_path / "fast.sqlite3", slow_query_ms=60_000) as fast:
        await migrate(fast)
        assert fast.slow_statement_count == 0  # nothing takes a minute
    async with Database(tmp_path / "slow.sqlite3", slow_query_ms=0) as slow:
        await migrate(slow)
        before = slow.slow_statement_count
        caplog.set_level(logging.WARNING, logger="db.slow")
        async with slow.read() as uow:
            await uow.sql.scalar("SELECT COUNT(*) FROM factions")
        assert slow.slow_statement_count == before + 1
        assert (await slow.health()).slow_statements >= before + 1
    messages = [r.getMessage() for r in caplog.records if r.name == "db.slow"]
    assert any(
        re.fullmatch(r"slow statement \d+\.\d ms: SELECT COUNT\(\*\) FROM factions", m)
        for m in messages
    ), messages
    # long statements are summarised: one line, at most 80 characters
    assert all(len(m.split(": ", 1)[1]) <= 80 and "\n" not in m for m in messages)


async def test_backup_list_restore_keeps_replaced_copy(db: Database, tmp_path: Path):
    backups = tmp_path / "backups" / "guild"
    async with db.transaction() as uow:
        await uow.factions.create(Faction("f1", "Before"))
    snapshot = await backup(db, backups, label="manual")
    async with db.transaction() as uow:
        await uow.factions.create(Faction("f2", "After"))
    kept = await restore(db, snapshot, backups)
    async with db.read() as uow:
        assert [f.id for f in await uow.factions.list_all()] == ["f1"]
    with sqlite3.connect(kept) as conn:  # the replaced state survives in the kept copy
        assert conn.execute("SELECT id FROM factions ORDER BY id").fetchall() == [("f1",), ("f2",)]
    listed = list_backups(backups)
    assert [b.path for b in listed] == sorted([snapshot, kept], key=lambda p: p.name)
    assert all(b.created for b in listed)
    assert prune_backups(backups, keep=1) == [listed[0].path]
    assert len(list_backups(backups)) == 1


async def test_restore_refuses_corrupt_file(db: Database, tmp_path: Path):
    async with db.transaction() as uow:
        await uow.factions.create(Faction("f1", "Live"))
    corrupt = tmp_path / "corrupt.sqlite3"
    corrupt.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4096)
    with pytest.raises(BackupError, match="not a sound database"):
        await restore(db, corrupt, tmp_path / "backups")
    with pytest.raises(BackupError):
        await restore(db, tmp_path / "missing.sqlite3", tmp_path / "backups")
    async with db.read() as uow:
        assert [f.id for f in await uow.factions.list_all()] == ["f1"]
    assert not (tmp_path / "backups").exists()  # nothing replaced, nothing kept


async def test_registry_opens_once_under_concurrency_and_closes_all(tmp_path: Path):
    registry = CampaignRegistry(tmp_path)
    first = await asyncio.gather(*(registry.get(123) for _ in range(20)))
    assert all(db is first[0] for db in first)
    assert registry.open_count == 1
    assert first[0].path == tmp_path / "campaigns" / "123.sqlite3"
    assert await first[0].schema_version() == max(m.version for m in discover())
    other = await registry.get("456")
    by_path = await registry.open_path(tmp_path / "campaigns" / "123.sqlite3")
    assert by_path is first[0] and other is not first[0]
    assert registry.open_count == 2
    await registry.close_all()
    assert not first[0].is_open and not other.is_open
    assert registry.open_databases == []


async def test_registry_backs_up_existing_campaign_before_migrating(tmp_path: Path):
    path = tmp_path / "campaigns" / "9.sqlite3"
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE legacy (x)")
    registry = CampaignRegistry(tmp_path)
    db = await registry.get(9)
    try:
        backups = list_backups(registry.backup_dir_for(9))
        assert len(backups) == 1 and "pre-migrate" in backups[0].path.name
    finally:
        await registry.close_all()
    assert db.path == path
