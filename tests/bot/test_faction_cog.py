"""/faction and /turn through the emulator: a member sees only their faction's knowledge."""

from __future__ import annotations

from bot.render.rulings import principals
from bot.rules.model import Outcome
from bot.rules.rulings import Ruling
from tests.bot.conftest import Table
from tests.bot.test_gm_turn_cog import order_target_conflict


async def play_one_turn(table: Table) -> None:
    await order_target_conflict(table)
    monitor = await table.emu.invoke(
        table.player("order_of_the_tide"),
        "orders agent",
        piece="brother-ansel",
        task="monitor",
        district="temple_hill",
    )
    assert "Order recorded" in monitor.content
    await table.advance()
    for c in await table.campaign.turn.conflicts():
        await table.campaign.turn.rule(
            c["id"], Ruling(dict.fromkeys(principals(c), Outcome.DRAW)), str(table.gm.id)
        )
    await table.advance()


async def test_turn_status_for_a_member(table: Table) -> None:
    result = await table.emu.invoke(table.player("lantern_guild"), "turn")
    assert result.ephemeral
    assert "Turn **1**: orders open" in result.content
    assert "ordered 0 of" in result.content


async def test_report_refused_before_any_turn_completed(table: Table) -> None:
    result = await table.emu.invoke(table.player("lantern_guild"), "faction report")
    assert result.ephemeral and "no report" in result.content


async def test_overview_and_report_after_a_turn(table: Table) -> None:
    await play_one_turn(table)
    alice = table.player("lantern_guild")
    overview = await table.emu.invoke(alice, "faction overview")
    assert overview.ephemeral
    titles = [e["title"] for e in overview.original.embeds]
    assert titles[0] == "The Lantern Guild" and "Pieces" in titles
    report = await table.emu.invoke(alice, "faction report")
    assert report.ephemeral and report.original.embeds[0]["title"] == "Turn 1 intelligence report"
    results = await table.emu.invoke(alice, "faction results", turn=1)
    assert any(e["title"] == "Your pieces" for e in results.original.embeds)
    future = await table.emu.invoke(alice, "faction report", turn=2)
    assert "has not been resolved yet" in future.content


async def test_member_cannot_look_at_another_faction(table: Table) -> None:
    result = await table.emu.invoke(
        table.player("lantern_guild"), "faction overview", faction="brine_syndicate"
    )
    assert result.ephemeral and "only look at your own faction" in result.content


async def test_map_is_a_png_for_the_member(table: Table) -> None:
    result = await table.emu.invoke(table.player("lantern_guild"), "faction map")
    followup = (await result.wait_followups(1))[0]
    image = followup.file_named("map-turn-1-lantern_guild.png").data
    assert image.startswith(b"\x89PNG")
