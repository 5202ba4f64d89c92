"""/orders through the real discord.py stack: payloads in, HTTP calls out."""

from __future__ import annotations

import pytest

from bot.emulator import CommandInputError
from tests.bot.conftest import Table


async def test_agent_order_recorded_and_shown_ephemerally(table: Table) -> None:
    alice = table.player("lantern_guild")
    result = await table.emu.invoke(
        alice,
        "orders agent",
        piece="odo-brask",
        task="gain_influence",
        district="grand_bazaar",
        in_channel=table.lobby,
    )
    assert result.ephemeral
    assert (
        "Order recorded" in result.content
        and "gain influence in The Grand Bazaar" in result.content
    )
    assert "DC " in result.content
    assert table.emu.messages(table.lobby) == []
    async with table.campaign.db.read() as uow:
        order = await uow.orders.find_for_piece(1, "agent", "odo-brask")
    assert order is not None and order.action_type == "gain_influence"
    assert order.district_id == "grand_bazaar"


async def test_ordering_another_factions_piece_is_refused_and_changes_nothing(table: Table) -> None:
    carla = table.player("brine_syndicate")
    before = await table.dump()
    result = await table.emu.invoke(
        carla, "orders agent", piece="odo-brask", task="monitor", district="grand_bazaar"
    )
    assert result.ephemeral and "belongs to another faction" in result.content
    assert await table.dump() == before


async def test_autocomplete_offers_only_own_pieces(table: Table) -> None:
    alice = table.player("lantern_guild")
    choices = await table.emu.autocomplete(alice, "orders agent", "piece", "")
    values = {c["value"] for c in choices}
    assert "odo-brask" in values and "mother-kettle" not in values


async def test_renamed_option_breaks_like_discord(table: Table) -> None:
    with pytest.raises(CommandInputError):
        await table.emu.invoke(
            table.player("lantern_guild"),
            "orders agent",
            unit="odo-brask",
            task="monitor",
            district="grand_bazaar",
        )
