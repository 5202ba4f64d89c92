"""/gm turn control through the emulator: advance, rulings with buttons, continue, reports."""

from __future__ import annotations

from bot.emulator import InteractionResult, Message
from tests.bot.conftest import Table


async def order_target_conflict(table: Table) -> None:
    """Guild and Syndicate (hot war) both take from Valcourt in the Terraces: a sure conflict."""
    await table.emu.invoke(
        table.player("lantern_guild"),
        "orders agent",
        piece="odo-brask",
        task="take_influence",
        district="gilded_terraces",
        target="house_valcourt",
    )
    await table.emu.invoke(
        table.player("brine_syndicate"),
        "orders agent",
        piece="mother-kettle",
        task="take_influence",
        district="gilded_terraces",
        target="house_valcourt",
    )


def modal_inputs(opened: InteractionResult) -> list[str]:
    """Custom ids of the text inputs of the modal an interaction opened, in order."""
    assert opened.modal is not None
    return [row["components"][0]["custom_id"] for row in opened.modal["components"]]


def is_conflict_message(message: Message) -> bool:
    return any(str(e.get("title", "")).startswith("Conflict") for e in message.embeds)


async def test_non_gm_cannot_advance_and_nothing_changes(table: Table) -> None:
    before = await table.dump()
    for who in (table.player("lantern_guild"), table.outsider, table.admin):
        result = await table.emu.invoke(who, "gm advance")
        assert result.ephemeral and "Only the GM" in result.content
    assert await table.dump() == before


async def test_full_turn_with_a_ruled_conflict(table: Table) -> None:
    await order_target_conflict(table)
    result = await table.emu.invoke(table.gm, "gm advance", in_channel=table.gm_channel)
    assert result.deferred and not result.ephemeral
    followups = await result.wait_followups(1)
    assert "stopped for your rulings on 1 conflict" in followups[0].embeds[0]["description"]
    posted = await table.emu.wait_for_message(table.gm_channel, is_conflict_message)
    assert posted.custom_ids()[-2:] == [
        f"gm:rule:{posted.custom_ids()[0].split(':')[2]}:draw",
        f"gm:rule:{posted.custom_ids()[0].split(':')[2]}:special",
    ]
    # A player cannot rule.
    refused = await table.emu.click(table.player("lantern_guild"), posted, posted.custom_ids()[0])
    assert refused.ephemeral and "Only the GM" in refused.content
    # Continue is refused while unruled.
    blocked = await table.emu.invoke(table.gm, "gm continue", in_channel=table.gm_channel)
    assert blocked.ephemeral and "1 conflict(s) still need a ruling" in blocked.content
    clicked = await table.emu.click(table.gm, posted, posted.custom_ids()[0])
    assert clicked.response_kind == "update_message"
    assert "Ruling recorded" in posted.content and "Every conflict is ruled" in posted.content
    done = await table.emu.invoke(table.gm, "gm continue", in_channel=table.gm_channel)
    text = (await done.wait_followups(1))[0].embeds[0]["description"]
    assert "Turn 1 is complete; turn 2 orders are open" in text
    game = await table.game()
    assert (game.turn, game.phase) == (2, "assignment")
    # Everyone learns that orders are open: one public notice per turn in the news channel.
    await table.emu.wait_for_message(table.news, lambda m: "turn 2 is open" in m.content)
    await table.settle()
    notices = [
        m.content for m in table.emu.messages(table.news) if "is open for orders" in m.content
    ]
    assert len(notices) == 2 and "turn 1 is open" in notices[0] and "turn 2 is open" in notices[1]
    for faction, members in table.players.items():
        for member in members:
            await table.emu.wait_for_dm(member, lambda m: bool(m.files), timeout=10)
            titles = [e.get("title") for m in table.emu.dms(member) for e in m.embeds]
            assert titles[0] == "Turn 1 intelligence report"
            assert titles.count("Turn 1 intelligence report") == 1  # exactly once
            files = [f.filename for m in table.emu.dms(member) for f in m.files]
            assert files == [f"map-turn-1-{faction}.png"]


async def test_preview_changes_nothing_and_matches_the_advance(table: Table) -> None:
    await order_target_conflict(table)
    before = await table.dump()
    preview = await table.emu.invoke(table.gm, "gm preview", in_channel=table.gm_channel)
    text = (await preview.wait_followups(1))[0].embeds[0]["description"]
    assert "would stop for your rulings on 1 conflict" in text
    assert await table.dump() == before
    advanced = await table.emu.invoke(table.gm, "gm advance", in_channel=table.gm_channel)
    assert (
        "stopped for your rulings on 1 conflict"
        in (await advanced.wait_followups(1))[0].embeds[0]["description"]
    )


async def test_freeform_needs_a_dc_set_through_the_status_button(table: Table) -> None:
    await table.emu.invoke(
        table.player("lantern_guild"),
        "orders agent",
        piece="odo-brask",
        task="freeform",
        district="grand_bazaar",
        attribute="presence",
        skill="persuasion",
        description="Bribe the harbourmaster",
    )
    blocked = await table.emu.invoke(table.gm, "gm advance", in_channel=table.gm_channel)
    assert blocked.ephemeral and "agent:odo-brask" in blocked.content
    status = await table.emu.invoke(table.gm, "gm status", in_channel=table.gm_channel)
    message = status.original
    assert "gm:dc:agent:odo-brask" in message.custom_ids()
    opened = await table.emu.click(table.gm, message, "gm:dc:agent:odo-brask")
    assert opened.modal is not None
    bad = await table.emu.submit_modal(table.gm, opened, {modal_inputs(opened)[0]: "99"})
    assert bad.ephemeral and "5 to 30" in bad.content
    opened = await table.emu.click(table.gm, message, "gm:dc:agent:odo-brask")
    done = await table.emu.submit_modal(table.gm, opened, {modal_inputs(opened)[0]: "16"})
    assert "DC 16 set" in done.content and "No order awaits a DC" in done.content
    async with table.campaign.db.read() as uow:
        order = await uow.orders.find_for_piece(1, "agent", "odo-brask")
    assert order is not None and order.dc == 16


async def test_special_ruling_through_the_modal(table: Table) -> None:
    await order_target_conflict(table)
    advanced = await table.emu.invoke(table.gm, "gm advance", in_channel=table.gm_channel)
    await advanced.wait_followups(1)
    posted = await table.emu.wait_for_message(table.gm_channel, is_conflict_message)
    special = next(c for c in posted.custom_ids() if c.endswith(":special"))
    opened = await table.emu.click(table.gm, posted, special)
    pieces_input, notes_input = modal_inputs(opened)
    bad = await table.emu.submit_modal(
        table.gm, opened, {pieces_input: "agent:odo-brask = proceed", notes_input: ""}
    )
    assert bad.ephemeral and "no choice for agent:mother-kettle" in bad.content
    opened = await table.emu.click(table.gm, posted, special)
    pieces_input, notes_input = modal_inputs(opened)
    ok = await table.emu.submit_modal(
        table.gm,
        opened,
        {
            pieces_input: "agent:odo-brask = proceed -3\nagent:mother-kettle = fail",
            notes_input: "The watch intervened.",
        },
    )
    assert ok.response_kind == "update_message" and "Ruling recorded" in posted.content
    async with table.campaign.db.read() as uow:
        conflict = (await uow.conflicts.list_for_turn(1))[0]
    assert conflict.resolution is not None
    assert conflict.resolution.resolution_type == "special"
    assert conflict.resolution.resolution_notes == "The watch intervened."
    penalties = {p.piece_id: (p.ruling, p.conflict_penalty) for p in conflict.pieces}
    assert penalties == {"odo-brask": ("proceed", -3), "mother-kettle": ("fail", 0)}


async def test_rollback_restores_the_state_before_the_advance(table: Table) -> None:
    await order_target_conflict(table)
    before = await table.game()
    advanced = await table.emu.invoke(table.gm, "gm advance", in_channel=table.gm_channel)
    await advanced.wait_followups(1)
    assert (await table.game()).phase == "conflict_resolution"
    asked = await table.emu.invoke(table.gm, "gm rollback", in_channel=table.gm_channel)
    assert asked.ephemeral
    confirm = asked.original.custom_ids()[0]
    done = await table.emu.click(table.gm, asked.original, confirm)
    assert done.response_kind == "update_message"
    assert "Rolled back" in asked.original.content
    after = await table.game()
    assert (after.turn, after.phase) == (before.turn, before.phase)
    async with table.campaign.db.read() as uow:
        assert len(await uow.orders.list_for_turn(1)) == 2  # the orders are back


async def test_deadline_shown_to_players(table: Table) -> None:
    result = await table.emu.invoke(
        table.gm, "gm deadline", when="2026-12-24 18:00", in_channel=table.gm_channel
    )
    assert "<t:1798135200:F>" in result.content
    status = await table.emu.invoke(table.player("lantern_guild"), "turn")
    assert "<t:1798135200:F>" in status.content
    bad = await table.emu.invoke(table.gm, "gm deadline", when="next tuesday")
    assert bad.ephemeral and "YYYY-MM-DD HH:MM" in bad.content
    cleared = await table.emu.invoke(table.gm, "gm deadline")
    assert "cleared" in cleared.content


async def test_closed_dms_fall_back_to_the_faction_channel_once(table: Table) -> None:
    alice, bruno = table.players["lantern_guild"]
    table.emu.close_dms(alice)
    table.emu.close_dms(bruno)
    await table.advance()  # no orders: no conflict
    channel = table.faction_channels["lantern_guild"]
    await table.emu.wait_for_message(channel, lambda m: bool(m.files), timeout=10)
    await table.emu.wait_for_dm(
        table.player("brine_syndicate"), lambda m: bool(m.files), timeout=10
    )
    reports = [
        m
        for m in table.emu.messages(channel)
        if any(e.get("title") == "Turn 1 intelligence report" for e in m.embeds)
    ]
    assert len(reports) == 1  # two closed DMs, one copy in the faction channel
    assert table.emu.dms(alice) == [] and table.emu.dms(bruno) == []
    status = await table.emu.invoke(table.gm, "gm deliveries", in_channel=table.gm_channel)
    assert "undeliverable" in status.content and "sent to the faction channel" in status.content
    table.emu.close_dms(alice, closed=False)
    retry = await table.emu.click(table.gm, status.original, "gm:deliveries:retry")
    assert "queued again" in retry.content
    await table.emu.wait_for_dm(alice, lambda m: bool(m.files), timeout=10)


async def test_gm_maps_true_and_per_faction(table: Table) -> None:
    true = await table.emu.invoke(table.gm, "gm map", in_channel=table.gm_channel)
    image = (await true.wait_followups(1))[0].file_named("map-turn-1-true.png").data
    assert image.startswith(b"\x89PNG")
    fog = await table.emu.invoke(table.gm, "gm map", faction="brine_syndicate")
    followup = (await fog.wait_followups(1))[0]
    assert followup.ephemeral  # outside the GM channel
    assert followup.file_named("map-turn-1-brine_syndicate.png").data != image
    refused = await table.emu.invoke(table.player("lantern_guild"), "gm map")
    assert refused.ephemeral and "Only the GM" in refused.content
