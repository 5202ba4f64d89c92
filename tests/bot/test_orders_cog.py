"""/orders through the real discord.py stack: payloads in, HTTP calls out."""

from __future__ import annotations

import logging

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


async def test_confirmation_names_district_and_target_from_the_submission(
    table: Table, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The answer names what the service validated: no read of every district and faction
    again for each order (bench: interaction latency)."""

    async def no_directory_reads() -> list:
        raise AssertionError("an order confirmation must not list every district or faction")

    monkeypatch.setattr(table.campaign.queries, "districts", no_directory_reads)
    monkeypatch.setattr(table.campaign.queries, "factions", no_directory_reads)
    result = await table.emu.invoke(
        table.player("lantern_guild"),
        "orders agent",
        piece="odo-brask",
        task="take_influence",
        district="grand_bazaar",
        target="brine_syndicate",
    )
    assert result.ephemeral and "Order recorded" in result.content, result.content
    assert "take influence in The Grand Bazaar against The Brine Syndicate" in result.content
    async with table.campaign.db.read() as uow:
        order = await uow.orders.find_for_piece(1, "agent", "odo-brask")
    assert order is not None and order.target_faction_id == "brine_syndicate"


async def test_gm_autocomplete_for_a_player_is_empty_and_quiet(
    table: Table, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    player = table.player("lantern_guild")
    for command, option in (
        ("gm-piece agent-edit", "agent"),
        ("gm-district rumor-delete", "rumor"),
        ("gm-faction modifier-remove", "modifier"),
        ("gm-news edit", "article"),
    ):
        assert await table.emu.autocomplete(player, command, option, "") == []
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
