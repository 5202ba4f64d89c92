"""The migration runner: up, down, re-up, failures, tampering, backups."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from db.database import Database
from db.errors import AlreadyExists, MigrationError
from db.migrations import (
    DEFAULT_MIGRATIONS_DIR,
    current_version,
    discover,
    is_foreign,
    migrate,
    rollback,
    split_statements,
)
from db.records import Faction, NewDelivery


async def _schema(db: Database) -> list[tuple]:
    async with db.read() as uow:
        rows = await uow.sql.fetchall(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT IN ('schema_migrations', 'sqlite_sequence') "
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
    triggers = {s.split()[2] for s in seed.up if s.startswith("CREATE TRIGGER")}
    assert triggers == {
        "trg_district_influence_total_insert",
        "trg_district_influence_total_update",
        "trg_district_adjacency_mirror_insert",
        "trg_district_adjacency_mirror_delete",
        "trg_district_adjacency_no_update",
        "trg_faction_support_ally_insert",
        "trg_faction_support_ally_update",
    }
    # every seed table keeps the indexes its lookups and cascades need
    indexed = {s.split(" ON ")[1].split("(")[0] for s in seed.up if " INDEX " in s}
    assert {"district_influence", "district_likeability", "faction_relationships", "agents",
            "squadrons", "district_rumors", "actions", "decay_results", "conflicts",
            "conflict_factions", "conflict_pieces", "faction_support_status",
            "faction_monitoring_reports"} <= indexed  # fmt: skip


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


async def test_broken_migration_on_the_real_schema_leaves_it_byte_for_byte(
    db: Database, tmp_path: Path
):
    """A failing 0099 on top of head: schema, ledger and data are exactly as before."""
    folder = tmp_path / "m"
    folder.mkdir()
    for migration in discover():
        (folder / migration.path.name).write_bytes(migration.path.read_bytes())
    (folder / "0099_broken.sql").write_text(
        "-- migrate:up\nALTER TABLE factions ADD COLUMN motto TEXT;\n"
        "UPDATE factions SET motto = 'x';\nINSERT INTO factions (id) VALUES ('no name');\n"
        "-- migrate:down\nALTER TABLE factions DROP COLUMN motto;\n"
    )
    async with db.transaction() as uow:
        await uow.factions.create(Faction("f1", "Red"))
    before = await _schema(db)
    async with db.read() as uow:
        ledger = [tuple(r) for r in await uow.sql.fetchall("SELECT * FROM schema_migrations")]
    with pytest.raises(MigrationError, match="0099_broken.sql"):
        await migrate(db, migrations_dir=folder, backup_dir=tmp_path / "b")
    assert await _schema(db) == before
    async with db.read() as uow:
        assert [
            tuple(r) for r in await uow.sql.fetchall("SELECT * FROM schema_migrations")
        ] == ledger
        assert [f.name for f in await uow.factions.list_all()] == ["Red"]


async def test_ledger_records_version_name_and_file_checksum(db: Database):
    async with db.read() as uow:
        rows = await uow.sql.fetchall(
            "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version"
        )
    assert [(r[0], r[1]) for r in rows] == [(m.version, m.name) for m in discover()]
    for row, migration in zip(rows, discover(), strict=True):
        assert row[2] == hashlib.sha256(migration.path.read_bytes()).hexdigest()
        assert row[3].endswith("Z")


async def test_every_down_part_undoes_exactly_its_up_part(tmp_path: Path):
    async with Database(tmp_path / "steps.sqlite3") as db:
        schemas = {0: await _schema(db)}
        for migration in discover():
            await migrate(db, target=migration.version)
            assert await current_version(db) == migration.version
            schemas[migration.version] = await _schema(db)
        for version in range(HEAD, 0, -1):
            report = await rollback(db, steps=1)
            assert report.rolled_back == [version] and report.to_version == version - 1
            assert await _schema(db) == schemas[version - 1], f"down part of {version:04d}"


async def test_failing_down_part_keeps_the_version(tmp_path: Path):
    broken_down = "-- migrate:up\nCREATE TABLE b (id INTEGER);\n-- migrate:down\nDROP TABLE zz;\n"
    folder = _write_migrations(tmp_path / "m", {"0001_a.sql": GOOD_1, "0002_b.sql": broken_down})
    async with Database(tmp_path / "x.sqlite3") as db:
        await migrate(db, migrations_dir=folder)
        with pytest.raises(MigrationError, match="0002_b.sql"):
            await rollback(db, steps=2, migrations_dir=folder)
        assert await current_version(db) == 2
        async with db.read() as uow:
            names = {r[0] for r in await uow.sql.fetchall("SELECT name FROM sqlite_master")}
        assert {"a", "b"} <= names


async def test_rollback_backs_up_a_non_empty_database_first(tmp_path: Path):
    folder = _write_migrations(tmp_path / "m", {"0001_a.sql": GOOD_1, "0002_b.sql": GOOD_2})
    backups = tmp_path / "backups"
    async with Database(tmp_path / "x.sqlite3") as db:
        await migrate(db, migrations_dir=folder, backup_dir=backups)
        async with db.transaction() as uow:
            await uow.sql.execute("INSERT INTO b VALUES (7)")
        report = await rollback(db, steps=1, migrations_dir=folder, backup_dir=backups)
    assert report.backup is not None and "pre-rollback-v0002" in report.backup.name
    with sqlite3.connect(report.backup) as copy:
        assert copy.execute("SELECT id FROM b").fetchall() == [(7,)]  # what the down part dropped


@pytest.mark.parametrize("statement", ["BEGIN;", "COMMIT;", "END;", "ROLLBACK;", "SAVEPOINT s;"])
def test_a_migration_must_not_control_transactions(tmp_path: Path, statement: str):
    folder = _write_migrations(
        tmp_path / "m",
        {"0001_a.sql": f"-- migrate:up\nCREATE TABLE a (id INTEGER);\n{statement}\n"
                       "-- migrate:down\nDROP TABLE a;\n"},
    )  # fmt: skip
    with pytest.raises(MigrationError, match="must not control transactions"):
        discover(folder)


async def test_a_migration_numbered_below_the_applied_head_is_refused(tmp_path: Path):
    folder = _write_migrations(tmp_path / "m", {"0001_a.sql": GOOD_1, "0003_c.sql": GOOD_2})
    async with Database(tmp_path / "x.sqlite3") as db:
        await migrate(db, migrations_dir=folder)
        _write_migrations(folder, {"0002_late.sql": GOOD_2.replace(" b ", " late ")})
        with pytest.raises(MigrationError, match="0002_late.sql"):
            await migrate(db, migrations_dir=folder)
        assert await current_version(db) == 3


def test_a_file_without_both_parts_is_refused(tmp_path: Path):
    folder = _write_migrations(tmp_path / "m", {"0001_a.sql": "CREATE TABLE a (id INTEGER);\n"})
    with pytest.raises(MigrationError, match="migrate:up"):
        discover(folder)


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


async def test_the_discord_migration_adds_what_a_campaign_needs(tmp_path: Path):
    """0002: campaign settings, membership with a leader flag, private channels, outbox."""
    wanted = {
        "campaign_settings": {"guild_id", "gm_role_id", "gm_channel_id", "news_channel_id",
                              "rng_seed", "turn_deadline"},
        "faction_members": {"user_id", "faction_id", "is_leader"},
        "faction_channels": {"faction_id", "channel_id"},
        "delivery_outbox": {"turn_number", "kind", "faction_id", "recipient_type",
                            "recipient_id", "payload_json", "status", "attempts", "last_error"},
    }  # fmt: skip
    async with Database(tmp_path / "v2.sqlite3") as db:
        await migrate(db, target=1)
        async with db.read() as uow:
            tables = {r[0] for r in await uow.sql.fetchall("SELECT name FROM sqlite_master")}
        assert not set(wanted) & tables
        await migrate(db, target=2)
        async with db.read() as uow:
            for table, columns in wanted.items():
                info = await uow.sql.fetchall(f"PRAGMA table_info({table})")
                assert columns <= {r[1] for r in info}, table
        async with db.transaction() as uow:
            await uow.sql.execute("INSERT INTO factions (id, name) VALUES ('f1', 'Red')")
            settings = await uow.settings.update(gm_channel_id=11, turn_deadline="Fri 18:00")
            assert (settings.gm_channel_id, settings.turn_deadline) == (11, "Fri 18:00")
            with pytest.raises(AlreadyExists):  # one user, one faction per campaign
                await uow.sql.execute(
                    "INSERT INTO faction_members (user_id, faction_id) VALUES (1, 'f1'), (1, 'f1')"
                )
            await uow.outbox.enqueue_many([NewDelivery(1, "notice", "user", "k", {}, 5, "f1")])
            (row,) = await uow.outbox.pending()
            await uow.outbox.mark_failed(row.id, "Forbidden (50007): cannot DM")
            failed = await uow.outbox.get(row.id)
            assert (failed.status, failed.attempts, failed.last_error) == (
                "failed",
                1,
                "Forbidden (50007): cannot DM",
            )


async def test_a_foreign_sqlite_file_is_recognised(tmp_path: Path):
    other = tmp_path / "someone_elses.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    async with Database(other) as db:
        assert await is_foreign(db)
    async with Database(tmp_path / "new.sqlite3") as db:
        assert not await is_foreign(db)  # empty: becomes a campaign
        await migrate(db)
        assert not await is_foreign(db)
