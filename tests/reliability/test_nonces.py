"""The nonce scheme that makes a resend harmless, and the places it must not swallow a
message that is really new.

Discord (Create Message, ``enforce_nonce``): "If true and nonce is present, it will be
checked for uniqueness in the past few minutes. If another message was created by the same
author with the same nonce, that message will be returned and no new message will be
created." The scope is the author (the bot, across every channel and server), not the
channel; the emulator follows that. So a nonce must name one message of one delivery of
one campaign: a report re-sent after a crash reuses it (and is absorbed), but the report
of a turn replayed after a rollback, or the same report in another server, must not.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest

from bot.campaign.parse import load
from bot.emulator import Emulator, Member
from bot.services.campaign_io import import_campaign
from bot.services.deliveries import DeliveryService
from tests.bot.conftest import SAMPLE, Table, build_table


def report_dms(table: Table, member: Member, turn: int) -> list[str]:
    """The text of every DM that opens a report of ``turn`` (all its embeds)."""
    title = f"Turn {turn} intelligence report"
    return [
        json.dumps(m.embeds)
        for m in table.emu.dms(member)
        if any(e.get("title") == title for e in m.embeds)
    ]


def district_sections(report: str) -> set[str]:
    """The embed titles of a report message but its header and fixed sections."""
    fixed = {"Your pieces", "Influence decay"}
    return {
        str(e.get("title"))
        for e in json.loads(report)
        if "intelligence report" not in str(e.get("title")) and e.get("title") not in fixed
    }


async def order(table: Table, member: Member, district: str) -> None:
    result = await table.emu.invoke(
        member, "orders agent", piece="odo-brask", task="monitor", district=district
    )
    assert "Order recorded" in result.content, result.content


async def test_emulator_dedupes_nonces_per_author_as_discord_does(table: Table) -> None:
    first, second = (
        table.faction_channels["lantern_guild"],
        table.faction_channels["brine_syndicate"],
    )
    bot_first = table.bot.get_channel(int(first.id))
    bot_second = table.bot.get_channel(int(second.id))
    assert isinstance(bot_first, discord.TextChannel) and isinstance(
        bot_second, discord.TextChannel
    )
    sent = await bot_first.send("once", nonce=424242)
    again = await bot_first.send("once", nonce=424242)
    elsewhere = await bot_second.send("elsewhere", nonce=424242)
    assert again.id == sent.id and elsewhere.id == sent.id  # the original comes back
    assert [m.content for m in table.emu.messages(first)] == ["once"]
    assert table.emu.messages(second) == []
    other = await bot_second.send("new nonce", nonce=434343)
    assert other.id != sent.id and [m.content for m in table.emu.messages(second)] == ["new nonce"]


async def test_a_crash_resend_reuses_its_nonces(table: Table) -> None:
    """Same row, same payload: the very same nonces, so Discord absorbs the resend."""
    await order(table, table.player("lantern_guild"), "grand_bazaar")
    await table.advance()
    await table.settle()
    async with table.campaign.db.read() as uow:
        rows = [r for r in await uow.outbox.for_turn(1) if r.kind == "faction_report"]
    service = table.campaign.deliveries
    nonces = [m.nonce for row in rows for m in service.messages_for(row)]
    assert len(set(nonces)) == len(nonces)
    # A restarted bot (a new service for this server) reading the rows again: same nonces.
    restarted = DeliveryService(table.campaign.db, nonce_scope=str(table.guild_id))
    async with table.campaign.db.read() as uow:
        reloaded = [await uow.outbox.get(r.id) for r in rows]
    assert [m.nonce for row in reloaded for m in restarted.messages_for(row)] == nonces
    elsewhere = DeliveryService(table.campaign.db, nonce_scope="another server")
    assert not {m.nonce for row in rows for m in elsewhere.messages_for(row)} & set(nonces)
    alice = table.player("lantern_guild")
    assert len(report_dms(table, alice, 1)) == 1
    # Send alice's row again, as a resumed drain would: nothing new reaches her.
    mine = next(r for r in rows if r.recipient_id == int(alice.id))
    async with table.campaign.db.transaction() as uow:
        await uow.sql.execute(
            "UPDATE delivery_outbox SET status='pending', delivered_at=NULL WHERE id=?", (mine.id,)
        )
    await table.settle()
    assert len(report_dms(table, alice, 1)) == 1
    async with table.campaign.db.read() as uow:
        assert (await uow.outbox.get(mine.id)).status == "delivered"


async def test_a_turn_replayed_after_a_rollback_reaches_the_players_again(table: Table) -> None:
    """Rollback restores the outbox of before the advance, so the replayed turn queues rows
    with the same dedupe keys. Its reports differ (another order): they must arrive."""
    alice = table.player("lantern_guild")
    await order(table, alice, "grand_bazaar")
    await table.advance()
    await table.settle()
    assert len(report_dms(table, alice, 1)) == 1
    await table.campaign.turn.rollback_last(str(table.gm.id))
    await order(table, alice, "customs_house")
    await table.advance()
    await table.settle()
    reports = report_dms(table, alice, 1)
    assert len(reports) == 2 and reports[0] != reports[1]
    watched = [district_sections(r) for r in reports]  # each report's district sections
    assert "The Grand Bazaar" in watched[0] and "Customs House" not in watched[0]
    assert "Customs House" in watched[1]
    async with table.campaign.db.read() as uow:
        rows = await uow.outbox.for_turn(1)
    assert {r.status for r in rows if r.recipient_type == "user"} == {"delivered"}


@pytest.fixture
async def bare(emulator: Emulator, tmp_path: Path) -> AsyncIterator[Table]:
    async for t in build_table(emulator, tmp_path / "data", imported=False):
        yield t


async def test_two_servers_with_the_same_campaign_each_get_their_reports(bare: Table) -> None:
    """One bot, two servers, the same sample campaign and seed: identical GM summaries under
    identical dedupe keys. Each server's GM channel still gets its own."""
    emu, bot = bare.emu, bare.bot
    guild = emu.create_guild("Second server")
    desk = emu.add_text_channel(guild, "gm-desk")
    await emu.wait_for(lambda: bot.get_channel(int(desk.id)) is not None)
    for server, gm_channel in ((bare.guild, bare.gm_channel), (guild, desk)):
        campaign = await bot.hub.get(int(server.id))
        seeded = dataclasses.replace(load(SAMPLE), seed=777)
        await import_campaign(campaign.db, seeded, backup_dir=campaign.backups_dir)
        async with campaign.db.transaction() as uow:
            await uow.settings.update(gm_channel_id=int(gm_channel.id))
        await campaign.turn.advance(str(bare.gm.id))  # turn 1 orders open
        await campaign.turn.advance(str(bare.gm.id))  # turn 1 done, no orders
        await bot.deliveries.drain(campaign)
        async with campaign.db.read() as uow:
            summary = next(r for r in await uow.outbox.for_turn(1) if r.kind == "gm_summary")
        assert summary.status == "delivered"
        titles = [str(e.get("title")) for m in emu.messages(gm_channel) for e in m.embeds]
        assert any("Turn 1" in title for title in titles), titles
