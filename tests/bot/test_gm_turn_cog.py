"""/gm turn control through the emulator: advance, rulings with buttons, continue, reports."""

from __future__ import annotations

from bot.emulator import Message
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
    for faction, members in table.players.items():
        for member in members:
            await table.emu.wait_for_dm(member, lambda m: bool(m.files), timeout=10)
            titles = [e.get("title") for m in table.emu.dms(member) for e in m.embeds]
            assert titles[0] == "Turn 1 intelligence report"
            assert titles.count("Turn 1 intelligence report") == 1  # exactly once
            files = [f.filename for m in table.emu.dms(member) for f in m.files]
            assert files == [f"map-turn-1-{faction}.png"]
