"""The emulator's invoke refuses what the Discord client never sends, so the fuzzing of
test_fuzz_commands.py stays within what real users can type (and the bot's own range
checks are exercised by what Discord does let through)."""

from __future__ import annotations

import pytest

from bot.emulator import CommandInputError
from tests.bot.conftest import Table


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("orders cancel", {"piece": "x" * 10_000}),  # Discord: string options <= 6000
        (
            "orders agent",
            {"piece": "a", "task": "freeform", "district": "d", "description": "x" * 501},
        ),
        ("orders agent", {"piece": "a", "task": "dance", "district": "d"}),  # not a choice
        ("gm-order dc", {"piece": "a", "dc": 31}),  # max_value 30
        ("gm-faction resource", {"faction": "a", "name": "gold", "value": 2**53 + 1}),
        ("gm-faction resource", {"faction": "a", "name": "gold", "value": "12"}),  # a string
        ("gm-order dc", {"piece": "a"}),  # a required option missing
        ("orders agent", {"piece": "a", "task": "monitor", "district": "d", "bogus": 1}),
    ],
)
async def test_what_discord_would_not_send_is_refused_before_the_bot(
    table: Table, command: str, options: dict
) -> None:
    before = len(table.emu.interactions)
    with pytest.raises(CommandInputError):
        await table.emu.invoke(table.gm, command, **options)
    assert len(table.emu.interactions) == before  # nothing reached the bot


async def test_the_bot_checks_what_discord_lets_through(table: Table) -> None:
    """An unbounded integer at Discord's limit: a clear refusal or a stored value, never a crash."""
    result = await table.emu.invoke(
        table.gm, "gm-faction resource", faction="lantern_guild", name="gold", value=2**53
    )
    assert result.ephemeral and "Something went wrong" not in result.content
