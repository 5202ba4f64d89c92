"""A full disk or a read-only database file: a clear error, nothing half-written, recovery.

Both faults are produced by SQLite itself, deterministically, on the bot's own write
connection (through a unit of work, as any write):
- disk full: ``PRAGMA max_page_count`` pinned to the file's current page count (no free
  page: ``freelist_count`` is 0), so any write that needs a new page fails with SQLite's
  own "database or disk is full". A 2,000-character description of 4-byte characters
  (8 KB) cannot fit in a table page (at most ~4 KB of a row stays local) and needs an
  overflow page; a turn's first transaction stores the frozen orders snapshot and the
  reports, far more than the pages have room for;
- read-only file: ``PRAGMA query_only`` on the write connection: every write fails with
  "attempt to write a readonly database", exactly what SQLite says when the file itself is
  read-only (a chmod would not stop a test running as root, so it is not used).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from db.errors import DomainError
from tests.bot.conftest import Table
from tests.reliability.helpers import BUG_TEXT, CommandLog, settled_answer

STORAGE_TEXT = (
    "The campaign database could not save this (the disk may be full or the file read-only); "
    "nothing was changed. Tell the operator: error id `"
)
WIDE = "\U0001f3f0"  # 4 bytes in UTF-8


@asynccontextmanager
async def disk_full(table: Table) -> AsyncIterator[None]:
    async with table.campaign.db.transaction() as uow:
        assert await uow.sql.scalar("PRAGMA freelist_count") == 0
        pages = await uow.sql.scalar("PRAGMA page_count")
        await uow.sql.execute("PRAGMA max_page_count = 1")  # raised to the current size
        assert await uow.sql.scalar("PRAGMA max_page_count") == pages
    try:
        yield
    finally:
        async with table.campaign.db.transaction() as uow:
            await uow.sql.execute("PRAGMA max_page_count = 1073741823")


@asynccontextmanager
async def read_only(table: Table) -> AsyncIterator[None]:
    async with table.campaign.db.transaction() as uow:
        await uow.sql.execute("PRAGMA query_only = ON")
    try:
        yield
    finally:
        # A write transaction cannot BEGIN on a query-only connection; reset it directly.
        writer = table.campaign.db._writer
        assert writer is not None
        await writer.execute("PRAGMA query_only = OFF")


async def order(table: Table, district: str = "old_town"):  # type: ignore[no-untyped-def]
    return await table.emu.invoke(
        table.player("lantern_guild"), "orders agent", piece="odo-brask", task="monitor",
        district=district,
    )  # fmt: skip


async def assert_storage_failure(text: str, log: CommandLog, name: str, user_id: str) -> None:
    assert STORAGE_TEXT in text and BUG_TEXT not in text, text
    outcomes = log.outcomes(name, user_id)
    assert outcomes and outcomes[-1].startswith("failed (error "), outcomes


async def test_disk_full_refuses_with_a_clear_error_and_writes_nothing(
    table: Table, caplog: pytest.LogCaptureFixture
) -> None:
    log = CommandLog(caplog)
    gm, desk = table.gm, table.gm_channel
    assert "Order recorded" in (await order(table)).content
    before = await table.dump()
    async with disk_full(table):
        edit = await table.emu.invoke(
            gm, "gm-faction edit", faction="lantern_guild", description=WIDE * 2000
        )
        assert edit.ephemeral
        await assert_storage_failure(edit.content, log, "/gm-faction edit", gm.id)
        advance = await table.emu.invoke(gm, "gm advance", in_channel=desk)
        await assert_storage_failure(await settled_answer(advance), log, "/gm advance", gm.id)
        assert await table.dump() == before
        assert (await table.campaign.db.health()).integrity == "ok"
        # Reading goes on while the disk is full.
        listing = await table.emu.invoke(table.player("lantern_guild"), "orders list")
        assert "Odo Brask" in listing.content or "Odo Brask" in str(listing.original.embeds)
        assert BUG_TEXT not in listing.content
    # Space again: the same requests go through, from where they were refused.
    edit = await table.emu.invoke(
        gm, "gm-faction edit", faction="lantern_guild", description=WIDE * 2000
    )
    assert "updated" in edit.content.lower()
    advance = await table.emu.invoke(gm, "gm advance", in_channel=desk)
    assert "Turn 1 is complete" in await settled_answer(advance)
    assert (await table.game()).turn == 2


async def test_read_only_database_refuses_with_a_clear_error_and_writes_nothing(
    table: Table, caplog: pytest.LogCaptureFixture
) -> None:
    log = CommandLog(caplog)
    alice, gm = table.player("lantern_guild"), table.gm
    before = await table.dump()
    async with read_only(table):
        refused = await order(table)
        assert refused.ephemeral
        await assert_storage_failure(refused.content, log, "/orders agent", alice.id)
        advance = await table.emu.invoke(gm, "gm advance", in_channel=table.gm_channel)
        await assert_storage_failure(await settled_answer(advance), log, "/gm advance", gm.id)
        status = await table.emu.invoke(gm, "gm status")
        assert BUG_TEXT not in status.content and STORAGE_TEXT not in status.content
        assert await table.dump() == before
    assert "Order recorded" in (await order(table)).content


async def test_reports_sent_while_the_database_cannot_record_them_arrive_once(
    table: Table,
) -> None:
    """Sent, then the "delivered" mark cannot be written: the sweep stops, and the next one
    (the file writable again) resends under the same nonce. Each member has one report."""
    assert "Order recorded" in (await order(table)).content
    await table.campaign.turn.advance(str(table.gm.id))  # queued; the worker is not woken
    async with read_only(table):
        with pytest.raises(DomainError):
            await table.settle()
    await table.settle()
    for members in table.players.values():
        for member in members:
            reports = [
                m for m in table.emu.dms(member)
                if any(e.get("title") == "Turn 1 intelligence report" for e in m.embeds)
            ]  # fmt: skip
            assert len(reports) == 1, member.name
    async with table.campaign.db.read() as uow:
        rows = await uow.outbox.for_turn(1)
    assert {r.status for r in rows if r.recipient_type == "user"} == {"delivered"}
    posts = [p for m, p, s in table.emu.requests if m == "POST" and p.startswith("/channels/")]
    created = [
        m for ms in table.emu.messages_by_channel.values() for m in ms if m.webhook_id is None
    ]
    assert len(posts) == len(created) + 1  # the message sent before the failed mark, again
