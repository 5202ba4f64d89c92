"""The three refusals every campaign meets, each ephemeral, clear, and changing nothing."""

from __future__ import annotations

from tests.bot.conftest import Table
from tests.bot.test_gm_turn_cog import order_target_conflict


async def test_ordering_another_factions_piece(table: Table) -> None:
    before = await table.dump()
    result = await table.emu.invoke(
        table.player("brine_syndicate"),
        "orders agent",
        piece="odo-brask",
        task="monitor",
        district="old_town",
    )
    assert result.ephemeral
    assert result.content == "Odo Brask, Factor of Lamps belongs to another faction."
    assert await table.dump() == before


async def test_non_gm_running_gm_commands(table: Table) -> None:
    before = await table.dump()
    for who in (table.player("lantern_guild"), table.outsider, table.admin):
        for command, options in (
            ("gm advance", {}),
            ("gm-order dc", {"piece": "odo-brask", "dc": 10}),
            ("campaign gm-channel", {"channel": table.lobby}),
            (
                "gm-faction relationship",
                {"faction": "lantern_guild", "other": "brine_syndicate", "value": 2},
            ),
        ):
            try:
                result = await table.emu.invoke(who, command, **options)
            except Exception as exc:  # an option renamed: the test must be updated, loudly
                raise AssertionError(f"/{command} {options}: {exc}") from exc
            assert result.ephemeral, command
            assert result.content.startswith("Only the GM can do that"), (command, result.content)
    assert await table.dump() == before


async def test_ordering_after_the_turn_closed(table: Table) -> None:
    await order_target_conflict(table)
    await table.advance()  # orders close; the turn waits for the conflict ruling
    await table.settle()
    before = await table.dump()
    result = await table.emu.invoke(
        table.player("order_of_the_tide"),
        "orders agent",
        piece="brother-ansel",
        task="monitor",
        district="temple_hill",
    )
    assert result.ephemeral
    assert "Orders are closed" in result.content and "Wait for the next turn" in result.content
    cancel = await table.emu.invoke(
        table.player("lantern_guild"), "orders cancel", piece="odo-brask"
    )
    assert cancel.ephemeral and "Orders are closed" in cancel.content
    assert await table.dump() == before
