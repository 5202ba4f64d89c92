"""Discord misbehaving in the middle of a turn (the emulator's fault switches).

The gateway drops while the GM advances and while they rule (the ruling click arrives
during the outage and is replayed on RESUME); sends meet 429s with retry-after, a 500 that
discord.py retries itself, a GM channel answering 503 until the GM retries, and a member
whose DMs are closed. The turn completes; every member gets their report exactly once (by
DM, or in the faction channel for the closed DMs); whatever could not be delivered is
listed by /gm deliveries with its reason and goes out once after "Retry all". An order
sent while the bot is disconnected is processed once after the resume.
"""

from __future__ import annotations

from collections import Counter

import pytest

from bot.emulator import Message
from tests.bot.conftest import Table
from tests.reliability.helpers import CommandLog, settled_answer

CONFLICT_ORDERS = (  # two take-influence orders against one target in one district: a conflict
    ("lantern_guild", 0, "odo-brask", "gilded_terraces"),
    ("brine_syndicate", 0, "mother-kettle", "gilded_terraces"),
)


def report_count(messages: list[Message], turn: int) -> int:
    title = f"Turn {turn} intelligence report"
    return sum(1 for m in messages for e in m.embeds if e.get("title") == title)


def callbacks(table: Table, interaction_id: str) -> int:
    prefix = f"/interactions/{interaction_id}/"
    return sum(
        1 for method, path, _ in table.emu.requests if method == "POST" and path.startswith(prefix)
    )


async def test_a_turn_completes_through_gateway_drops_rate_limits_5xx_and_closed_dms(
    table: Table, caplog: pytest.LogCaptureFixture
) -> None:
    log = CommandLog(caplog)
    emu, gm, desk = table.emu, table.gm, table.gm_channel
    for faction, index, piece, district in CONFLICT_ORDERS:
        result = await emu.invoke(
            table.player(faction, index), "orders agent", piece=piece, task="take_influence",
            district=district, target="house_valcourt",
        )  # fmt: skip
        assert "Order recorded" in result.content
    bruno, dmitri = table.player("lantern_guild", 1), table.player("order_of_the_tide")
    for who, piece in ((bruno, "serafine-quill"), (dmitri, "brother-ansel")):
        result = await emu.invoke(
            who, "orders agent", piece=piece, task="monitor", district="old_town"
        )
        assert "Order recorded" in result.content
    emu.close_dms(dmitri)

    # The gateway drops while the advance runs: its answer still arrives (REST is up).
    advance = await emu.invoke(gm, "gm advance", in_channel=desk)
    assert advance.deferred
    async with emu.gateway_outage():
        stopped = await settled_answer(advance, timeout=15)
    assert "stopped for your rulings on 1 conflict" in stopped
    report = await emu.wait_for_message(
        desk, lambda m: any("Conflict" in str(e.get("title")) for e in m.embeds), timeout=10
    )
    draw = next(c for c in report.custom_ids() if c.endswith(":draw"))

    # The ruling click happens while the bot is disconnected: replayed once on RESUME.
    resumes = emu.gateway.resumes
    async with emu.gateway_outage():
        click = await emu.click(gm, report, draw, wait=False)
        assert click.response_type is None
    await click.wait_response(timeout=10)
    assert emu.gateway.resumes >= resumes + 1 and emu.gateway.identifies == 1
    assert "Every conflict is ruled" in click.original.content
    assert callbacks(table, click.id) == 1
    async with table.campaign.db.read() as uow:
        lines = [e.action_description for e in await uow.history.for_turn(1, "conflict_resolution")]
    assert sum("Ruling recorded" in line for line in lines) == 1
    assert not any("Ruling changed" in line for line in lines)

    # Sends fail in every way Discord can while the turn's reports go out.
    gm_channel_down = emu.faults.server_error(
        "POST", f"/channels/{desk.id}/messages", times=10**6, status=503
    )
    limited = emu.faults.rate_limit("POST", "/channels/*/messages", times=3, retry_after=0.05)
    crashed = emu.faults.server_error("POST", "/channels/*/messages", times=1, status=500)
    done = await emu.invoke(gm, "gm continue", in_channel=desk)
    assert "Turn 1 is complete" in await settled_answer(done, timeout=15)
    await table.settle()
    assert limited.hits == 3 and crashed.hits == 1 and gm_channel_down.hits >= 1

    for members in table.players.values():
        for member in members:
            expected = 0 if member is dmitri else 1
            assert report_count(emu.dms(member), 1) == expected, member.name
    tide = table.faction_channels["order_of_the_tide"]
    assert report_count(emu.messages(tide), 1) == 1  # the closed DMs' copy, once
    for faction in ("lantern_guild", "brine_syndicate"):
        assert report_count(emu.messages(table.faction_channels[faction]), 1) == 0

    # The GM sees what did not arrive, and why.
    listing = await emu.invoke(gm, "gm deliveries", in_channel=desk)
    text = listing.content
    assert "gm_summary (GM)" in text and "failed after" in text and "Discord 503" in text
    assert f"user <@{dmitri.id}>" in text and "DMs closed (Discord 50007)" in text
    assert "sent to the faction channel instead" in text
    assert "house_valcourt" in text and "no member and no private channel" in text

    # Discord recovers; "Retry all" sends the summary exactly once.
    gm_channel_down.remaining = 0
    retried = await emu.click(gm, listing.original, "gm:deliveries:retry")
    assert "queued again" in retried.content
    await table.settle()
    summaries = [
        m
        for m in emu.messages(desk)
        if any(
            "Turn 1" in str(e.get("title")) and "summary" in str(e.get("title")).lower()
            for e in m.embeds
        )
    ]
    assert len(summaries) == 1
    async with table.campaign.db.read() as uow:
        rows = await uow.outbox.for_turn(1)
    statuses = Counter((r.kind, r.faction_id, r.recipient_type, r.status) for r in rows)
    assert statuses[("gm_summary", None, "channel", "delivered")] == 1
    assert statuses[("faction_report", "order_of_the_tide", "user", "undeliverable")] == 1
    assert statuses[("faction_report", "order_of_the_tide", "channel", "delivered")] == 1
    # Each member's row: delivered once; nobody else's copy went out twice.
    per_member = Counter(r.recipient_id for r in rows if r.recipient_type == "user")
    assert set(per_member.values()) == {1}
    assert log.outcomes("gm:deliveries:retry", gm.id) == ["ok"]


async def test_an_order_sent_during_a_gateway_outage_is_processed_once(
    table: Table, caplog: pytest.LogCaptureFixture
) -> None:
    log = CommandLog(caplog)
    emu, alice = table.emu, table.player("lantern_guild")
    async with emu.gateway_outage():
        during = await emu.invoke(
            alice, "orders agent", piece="odo-brask", task="monitor", district="grand_bazaar",
            wait=False,
        )  # fmt: skip
        assert during.response_type is None and during.dispatched_at is None
    await during.wait_response(timeout=10)
    assert "Order recorded" in during.content and during.ephemeral
    # Dispatched just before the socket drops: read before the close, so never replayed.
    racing = await emu.invoke(
        alice, "orders agent", piece="serafine-quill", task="monitor", district="old_town",
        wait=False,
    )  # fmt: skip
    async with emu.gateway_outage():
        pass
    await racing.wait_response(timeout=10)
    assert "Order recorded" in racing.content
    assert callbacks(table, during.id) == 1 and callbacks(table, racing.id) == 1
    await emu.wait_for(lambda: len(log.outcomes("/orders agent", alice.id)) >= 2)
    assert log.outcomes("/orders agent", alice.id) == ["ok", "ok"]
    async with table.campaign.db.read() as uow:
        orders = await uow.orders.list_for_turn(1)
    assert Counter(o.piece_id for o in orders) == Counter({"odo-brask": 1, "serafine-quill": 1})
