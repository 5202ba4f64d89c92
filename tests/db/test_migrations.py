"""The migration runner: up, down, re-up, failures, tampering, backups."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from db.database import Database
from db.errors import MigrationError
from db.migrations import (
    DEFAULT_MIGRATIONS_DIR,
    current_version,
    discover,
    migrate,
    rollback,
    split_statements,
)
from db.records import Faction


async def _schema(db: Database) -> list[tuple]:
    async with db.read() as uow:
        rows = await uow.sql.fetchall(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name <> 'schema_migrations' "
            "ORDER BY type, name"
        )
    return [tuple(r) for r in rows]


def _write_migrations(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, body in files.items():
        (folder / name).write_text(body)
    return folder


HEAD = max(m.version for m in discover())
SEED_TABLES = {
    "districts", "factions", "district_influence", "district_likeability", "faction_relationships",
    "agents", "squadrons", "district_rumors", "faction_known_rumors", "district_adjacency",
    "district_modifiers", "faction_resources", "game_state", "turn_history",
    "faction_monitoring_reports", "map_configuration", "district_shapes", "newspaper_issues",
    "newspaper_articles", "actions", "decay_results", "conflicts", "conflict_factions",
    "conflict_pieces", "conflict_resolutions", "faction_support_status",
}  # fmt: skip

GOOD_1 = "-- migrate:up\nCREATE TABLE a (id INTEGER PRIMARY KEY);\n-- migrate:down\nDROP TABLE a;\n"
GOOD_2 = "-- migrate:up\nCREATE TABLE b (id INTEGER PRIMARY KEY);\n-- migrate:down\nDROP TABLE b;\n"
BROKEN_2 = (
    "-- migrate:up\nCREATE TABLE b (id INTEGER PRIMARY KEY);\nINSERT INTO a VALUES (1);\n"
    "INSERT INTO no_such_table VALUES (1);\n-- migrate:down\nDROP TABLE b;\n"
)


def test_bundled_migrations_are_found_and_split():
    migrations = discover()
    assert [m.version for m in migrations][:3] == [1, 2, 3]
    assert [m.version for m in migrations] == list(range(1, HEAD + 1))
    assert Path(__file__).resolve().parents[2] / "migrations" == DEFAULT_MIGRATIONS_DIR
    seed = migrations[0]
    created = {s.split()[2] for s in seed.up if s.startswith("CREATE TABLE")}
    # the seed's 25 numbered sections; section 20 defines decay_results beside actions
    assert created == SEED_TABLES
    # triggers stay one statement although they contain inner semicolons
    assert sum(s.startswith("CREATE TRIGGER") for s in seed.up) == 4


def test_split_statements_keeps_trigger_bodies_whole():
    sql = "CREATE TABLE t (x);\n-- a comment; with a semicolon\nCREATE TRIGGER g AFTER INSERT ON t BEGIN\n  SELECT 1;\n  SELECT 2;\nEND;\n"
    assert len(split_statements(sql)) == 2


async def test_up_down_up_gives_the_same_schema(db: Database):
    assert await current_version(db) == HEAD
    head = await _schema(db)
    tables = {r[1] for r in head if r[0] == "table"}
    assert {
        "districts",
        "actions",
        "delivery_outbox",
        "pending_intel",
        "influence_snapshots",
    } <= tables
    report = await rollback(db, steps=HEAD)
    assert report.rolled_back == list(range(HEAD, 0, -1)) and report.to_version == 0
    assert [r for r in await _schema(db) if r[1] != "sqlite_sequence"] == []
    await migrate(db)
    assert await _schema(db) == head


async def test_rollback_steps_stop_at_the_wanted_version(db: Database):
    await rollback(db, steps=HEAD - 2)  # back to 0002: 0003's additions are gone
    assert await current_version(db) == 2
    tables = {r[1] for r in await _schema(db)}
    assert "pending_intel" not in tables and "delivery_outbox" in tables
    async with db.read() as uow:
        cols = {r[1] for r in await uow.sql.fetchall("PRAGMA table_info(actions)")}
    assert "description" not in cols and "dc" in cols


async def test_broken_migration_leaves_previous_version(tmp_path: Path):
    folder = _write_migrations(tmp_path / "m", {"0001_a.sql": GOOD_1, "0002_b.sql": BROKEN_2})
    async with Database(tmp_path / "x.sqlite3") as db:
        with pytest.raises(MigrationError, match="0002_b.sql"):
            await migrate(db, migrations_dir=folder)
        assert await current_version(db) == 1
        async with db.read() as uow:
            names = {r[0] for r in await uow.sql.fetchall("SELECT name FROM sqlite_master")}
            rows = await uow.sql.scalar("SELECT COUNT(*) FROM a")
        assert "a" in names and "b" not in names
        assert rows == 0


async def test_edited_applied_migration_is_refused(tmp_path: Path):
    folder = _write_migrations(tmp_path / "m", {"0001_a.sql": GOOD_1})
    async with Database(tmp_path / "x.sqlite3") as db:
        await migrate(db, migrations_dir=folder)
        (folder / "0001_a.sql").write_text(GOOD_1.replace("id INTEGER", "id TEXT"))
        with pytest.raises(MigrationError, match="edited"):
            await migrate(db, migrations_dir=folder)
        with pytest.raises(MigrationError, match="edited"):
            await rollback(db, migrations_dir=folder)


async def test_missing_applied_migration_is_refused(tmp_path: Path):
    folder = _write_migrations(tmp_path / "m", {"0001_a.sql": GOOD_1, "0002_b.sql": GOOD_2})
    async with Database(tmp_path / "x.sqlite3") as db:
        await migrate(db, migrations_dir=folder)
        (folder / "0002_b.sql").unlink()
        with pytest.raises(MigrationError, match="missing"):
            await migrate(db, migrations_dir=folder)


async def test_backup_taken_before_migrating_a_non_empty_database(tmp_path: Path):
    folder = _write_migrations(tmp_path / "m", {"0001_a.sql": GOOD_1})
    backups = tmp_path / "backups"
    async with Database(tmp_path / "x.sqlite3") as db:
        first = await migrate(db, migrations_dir=folder, backup_dir=backups)
        assert first.backup is None  # empty database: nothing to protect
        async with db.transaction() as uow:
            await uow.sql.execute("INSERT INTO a VALUES (42)")
        _write_migrations(folder, {"0002_b.sql": GOOD_2})
        second = await migrate(db, migrations_dir=folder, backup_dir=backups)
    assert second.applied == [2] and second.backup is not None
    assert second.backup.parent == backups
    with sqlite3.connect(second.backup) as copy:
        assert copy.execute("SELECT id FROM a").fetchall() == [(42,)]
        assert copy.execute("SELECT MAX(version) FROM schema_migrations").fetchone() == (1,)


async def test_migrate_is_idempotent_and_keeps_data(db: Database):
    async with db.transaction() as uow:
        await uow.factions.create(Faction("f1", "Red"))
    report = await migrate(db)
    assert report.applied == [] and report.backup is None
    async with db.read() as uow:
        assert [f.id for f in await uow.factions.list_all()] == ["f1"]
