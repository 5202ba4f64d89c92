"""Transaction semantics: atomicity, savepoints, serialization, WAL reads, busy retry, crashes."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from db.database import Database
from db.errors import ConstraintViolation, DatabaseError, ReadOnlyError
from db.migrations import migrate
from db.records import Faction

REPO_ROOT = Path(__file__).resolve().parents[2]


async def _faction_ids(db: Database) -> list[str]:
    async with db.read() as uow:
        return [f.id for f in await uow.factions.list_all()]


async def test_rollback_on_exception(db: Database):
    with pytest.raises(RuntimeError):
        async with db.transaction() as uow:
            await uow.factions.create(Faction("f1", "Red"))
            raise RuntimeError("boom")
    assert await _faction_ids(db) == []


async def test_driver_errors_surface_typed_and_roll_back(db: Database):
    with pytest.raises(ConstraintViolation):
        async with db.transaction() as uow:
            await uow.factions.create(Faction("f1", "Red"))
            await uow.sql.execute("UPDATE factions SET monitoring_bonus = 9 WHERE id = 'f1'")
    assert await _faction_ids(db) == []


async def test_nested_savepoint_rolls_back_alone(db: Database):
    async with db.transaction() as outer:
        await outer.factions.create(Faction("f1", "Red"))
        with pytest.raises(ValueError):
            async with db.transaction() as inner:
                assert inner is outer
                await inner.factions.create(Faction("f2", "Blue"))
                raise ValueError("inner only")
        async with db.transaction() as inner_ok:
            await inner_ok.factions.create(Faction("f3", "Green"))
    assert await _faction_ids(db) == ["f1", "f3"]


async def test_fifty_concurrent_read_modify_write_increments(db: Database):
    async with db.transaction() as uow:
        await uow.factions.create(Faction("f1", "Red"))
        await uow.factions.set_resource("f1", "gold", 0)

    async def increment() -> None:
        async with db.transaction() as uow:
            (res,) = await uow.factions.list_resources("f1")
            await asyncio.sleep(0)  # invite interleaving: the lock must prevent it
            await uow.factions.set_resource("f1", "gold", res.value + 1)

    await asyncio.gather(*(increment() for _ in range(50)))
    async with db.read() as uow:
        assert (await uow.factions.list_resources("f1"))[0].value == 50


async def test_child_task_waits_instead_of_nesting(db: Database):
    order: list[str] = []

    async def child() -> None:
        async with db.transaction() as uow:
            order.append("child")
            # it sees the parent's committed row, so it ran after the parent committed
            assert (await uow.factions.get("f1")).name == "Red"
            await uow.factions.create(Faction("f2", "Blue"))

    async with db.transaction() as uow:
        task = asyncio.create_task(child())
        await asyncio.sleep(0.01)
        await uow.factions.create(Faction("f1", "Red"))
        order.append("parent")
    await task
    assert order == ["parent", "child"]
    assert await _faction_ids(db) == ["f1", "f2"]


async def test_reader_not_blocked_by_open_write_transaction(db: Database):
    async with db.transaction() as uow:
        await uow.factions.create(Faction("f1", "Red"))

    async with db.transaction() as uow:
        await uow.factions.create(Faction("f2", "Blue"))

        async def read_ids() -> list[str]:
            return await _faction_ids(db)

        seen = await asyncio.wait_for(read_ids(), timeout=5)
        assert seen == ["f1"]  # snapshot isolation: the uncommitted f2 is invisible
    assert await _faction_ids(db) == ["f1", "f2"]


async def test_writes_on_read_unit_of_work_raise(db: Database):
    async with db.read() as uow:
        with pytest.raises(ReadOnlyError):
            await uow.factions.create(Faction("f1", "Red"))
        with pytest.raises(ReadOnlyError):  # the connection itself is query-only, too
            await uow.sql.execute("INSERT INTO factions (id, name) VALUES ('x', 'X')")


async def test_every_connection_enforces_foreign_keys_and_waits_when_busy(tmp_path: Path):
    async with Database(tmp_path / "p.sqlite3", busy_timeout_ms=1234, read_pool_size=2) as db:
        async with db.transaction() as uow:
            assert await uow.sql.scalar("PRAGMA foreign_keys") == 1
            assert await uow.sql.scalar("PRAGMA busy_timeout") == 1234
            assert await uow.sql.scalar("PRAGMA journal_mode") == "wal"
            assert await uow.sql.scalar("PRAGMA synchronous") == 1  # NORMAL
            assert await uow.sql.scalar("PRAGMA query_only") == 0
        async with db.read() as first, db.read() as second:  # both pooled readers at once
            assert first.sql.conn is not second.sql.conn
            for uow in (first, second):
                assert await uow.sql.scalar("PRAGMA foreign_keys") == 1
                assert await uow.sql.scalar("PRAGMA busy_timeout") == 1234
                assert await uow.sql.scalar("PRAGMA journal_mode") == "wal"
                assert await uow.sql.scalar("PRAGMA query_only") == 1


class _ObservedDatabase(Database):
    """Signals a thread once ``release_after`` busy retries have happened."""

    release_after = 3

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.reached = threading.Event()
        self._retries = 0
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def busy_retries(self) -> int:
        return self._retries

    @busy_retries.setter
    def busy_retries(self, value: int) -> None:
        self._retries = value
        if value >= self.release_after:
            self.reached.set()


async def test_busy_lock_from_another_connection_is_retried_until_released(tmp_path: Path):
    """A second connection holds the write lock until exactly N retries were observed."""
    path = tmp_path / "busy.sqlite3"
    async with _ObservedDatabase(
        path, busy_timeout_ms=1, retry_base_delay=0.001, max_busy_retries=50
    ) as db:
        await migrate(db)
        locked, released = threading.Event(), threading.Event()

        def hold_the_lock() -> None:
            conn = sqlite3.connect(path, isolation_level=None)
            try:
                conn.execute("BEGIN IMMEDIATE")
                locked.set()
                assert db.reached.wait(timeout=30), "the writer never retried"
                conn.execute("ROLLBACK")
                released.set()
            finally:
                conn.close()

        holder = asyncio.create_task(asyncio.to_thread(hold_the_lock))
        assert await asyncio.to_thread(locked.wait, 30)
        async with db.transaction() as uow:
            assert released.is_set()  # BEGIN only succeeded once the lock was given back
            await uow.factions.create(Faction("f1", "Red"))
        await holder
        assert db.release_after <= db.busy_retries < db.max_busy_retries
        assert await _faction_ids(db) == ["f1"]


async def test_statements_after_the_database_ended_the_transaction_are_refused(db: Database):
    """Nothing may autocommit once the transaction is gone (an engine-side rollback, here
    stood in for by a raw ROLLBACK): the block fails typed and nothing of it persists."""
    with pytest.raises(DatabaseError) as err:
        async with db.transaction() as uow:
            await uow.factions.create(Faction("f1", "Red"))
            await uow.sql.execute("ROLLBACK")
            await uow.factions.create(Faction("f2", "Blue"))
    assert "no longer open" in err.value.detail
    assert await _faction_ids(db) == []
    async with db.transaction() as uow:  # the connection is usable again
        await uow.factions.create(Faction("f3", "Green"))
    assert await _faction_ids(db) == ["f3"]


async def test_savepoints_nest_and_each_level_rolls_back_alone(db: Database):
    async with db.transaction() as uow:
        await uow.factions.create(Faction("f1", "kept"))
        async with db.transaction():
            await uow.factions.create(Faction("f2", "kept"))
            with pytest.raises(ValueError):
                async with db.transaction():
                    await uow.factions.create(Faction("f3", "undone"))
                    raise ValueError
            await uow.factions.create(Faction("f4", "kept"))
        with pytest.raises(KeyError):
            async with db.transaction():
                await uow.factions.create(Faction("f5", "undone"))
                async with db.transaction():
                    await uow.factions.create(Faction("f6", "undone"))
                raise KeyError
        assert [f.id for f in await uow.factions.list_all()] == ["f1", "f2", "f4"]
    assert await _faction_ids(db) == ["f1", "f2", "f4"]


async def test_typed_error_inside_a_savepoint_keeps_the_outer_work(db: Database):
    async with db.transaction() as uow:
        await uow.factions.create(Faction("f1", "Red"))
        with pytest.raises(ConstraintViolation):
            async with db.transaction() as inner:
                await inner.factions.create(Faction("f2", "Blue"))
                await inner.districts.set_influence("nowhere", "f1", 1)
    assert await _faction_ids(db) == ["f1"]


async def test_busy_retries_are_bounded(tmp_path: Path):
    path = tmp_path / "busy.sqlite3"
    async with Database(path, busy_timeout_ms=5, retry_base_delay=0.001, max_busy_retries=3) as db:
        await migrate(db)
        blocker = sqlite3.connect(path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(DatabaseError):
                async with db.transaction() as uow:
                    await uow.factions.create(Faction("f1", "Red"))
            assert db.busy_retries == 3
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        # the lock is usable again afterwards
        async with db.transaction() as uow:
            await uow.factions.create(Faction("f1", "Red"))


CHILD = textwrap.dedent(
    """
    import asyncio, sys
    from db.database import Database

    async def main(path):
        db = Database(path)
        await db.open()
        async with db.transaction() as uow:
            await uow.sql.execute("PRAGMA cache_size = -64")  # force pages to spill into the WAL
            rows = [(1, "x", "partial", "p" * 400) for _ in range(4000)]
            await uow.sql.executemany(
                "INSERT INTO turn_history (turn_number, phase, action_description, result_description)"
                " VALUES (?, ?, ?, ?)", rows)
            print("MID", flush=True)
            await asyncio.to_thread(sys.stdin.readline)  # parked mid-transaction until killed
            await uow.sql.executemany(
                "INSERT INTO turn_history (turn_number, phase, action_description, result_description)"
                " VALUES (?, ?, ?, ?)", rows)

    asyncio.run(main(sys.argv[1]))
    """
)


async def test_sigkill_mid_transaction_leaves_no_partial_writes(db: Database):
    async with db.transaction() as uow:
        await uow.history.log(1, "preparation", "committed", "before the crash")
    await db.close()

    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db.path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
        cwd=REPO_ROOT,
    )
    try:
        assert proc.stdout is not None
        line = await asyncio.wait_for(asyncio.to_thread(proc.stdout.readline), timeout=60)
        assert line.strip() == b"MID"
        wal = db.path.with_name(db.path.name + "-wal")
        # the partial rows (about 1.6 MB) really reached disk before the kill
        assert wal.exists() and wal.stat().st_size > 256 * 1024
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    with sqlite3.connect(db.path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = conn.execute("SELECT action_description FROM turn_history").fetchall()
    assert rows == [("committed",)]


async def test_cancelled_transaction_rolls_back_and_frees_the_lock(db: Database):
    inserted = asyncio.Event()

    async def stuck() -> None:
        async with db.transaction() as uow:
            await uow.factions.create(Faction("f1", "Half-written"))
            inserted.set()
            await asyncio.Event().wait()  # never set: only cancellation ends this

    task = asyncio.create_task(stuck())
    await asyncio.wait_for(inserted.wait(), timeout=5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    async with db.transaction() as uow:
        await uow.factions.create(Faction("f2", "Next"))
    assert await _faction_ids(db) == ["f2"]


async def test_a_write_transaction_holds_the_write_lock_from_its_first_line(db: Database):
    """BEGIN IMMEDIATE: another writer is locked out before this one wrote anything, so a
    read-modify-write inside it can never be invalidated half way."""
    other = sqlite3.connect(db.path, isolation_level=None, timeout=0)
    try:
        async with db.transaction() as uow:
            assert await uow.factions.list_all() == []  # only a read so far
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # free again once committed
        other.execute("ROLLBACK")
    finally:
        other.close()
