"""The bot as a process: settings, a clear word on a bad token, a clean SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from pathlib import Path

import pytest

from bot.emulator import Emulator
from db.registry import CampaignRegistry
from tests.bot.conftest import Table

ROOT = Path(__file__).resolve().parents[2]


def bot_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "BOT_"))}
    env.update(PYTHONPATH=str(ROOT), BOT_DATA_DIR=str(tmp_path / "data"), **extra)
    return env


async def run_bot(tmp_path: Path, env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_missing_token_is_one_clear_line_and_exit_2(tmp_path: Path) -> None:
    proc = await run_bot(tmp_path, bot_env(tmp_path))
    out, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 2
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1 and "DISCORD_TOKEN" in lines[0] and ".env" in lines[0]


async def test_rejected_token_is_a_message_not_a_traceback(
    emulator: Emulator, tmp_path: Path
) -> None:
    env = bot_env(
        tmp_path,
        DISCORD_TOKEN="not-the-token",
        DISCORD_API_BASE_URL=emulator.api_base,
        DISCORD_GATEWAY_URL=emulator.gateway_url,
    )
    proc = await run_bot(tmp_path, env)
    _, err = await asyncio.wait_for(proc.communicate(), 30)
    text = err.decode()
    assert proc.returncode == 2
    assert "Discord rejected DISCORD_TOKEN" in text and "Traceback" not in text


async def test_sigterm_closes_every_campaign_database(emulator: Emulator, tmp_path: Path) -> None:
    guild = emulator.create_guild("Somewhere")
    registry = CampaignRegistry(tmp_path / "data")
    await registry.get(guild.id)  # an existing campaign the bot opens at start-up
    await registry.close_all()
    env = bot_env(
        tmp_path,
        DISCORD_TOKEN=emulator.bot_token,
        DISCORD_API_BASE_URL=emulator.api_base,
        DISCORD_GATEWAY_URL=emulator.gateway_url,
        SYNC_GUILD_IDS=guild.id,
    )
    proc = await run_bot(tmp_path, env)
    try:
        await emulator.wait_for(lambda: emulator.guild_commands.get(guild.id), timeout=30)
        wal = registry.path_for(guild.id).with_name(f"{guild.id}.sqlite3-wal")
        assert wal.exists()  # the bot holds the campaign open
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(proc.communicate(), 30)
    text = err.decode()
    assert proc.returncode == 0, text[-2000:]
    assert "shutting down" in text and "Traceback" not in text
    assert not wal.exists()  # the last connection closed: WAL checkpointed and removed
    assert {c["name"] for c in emulator.guild_commands[guild.id]} >= {"orders", "gm", "faction"}


async def test_every_command_is_logged_with_outcome_and_duration(
    table: Table, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.commands")
    alice = table.player("lantern_guild")
    await table.emu.invoke(alice, "turn")
    await table.emu.invoke(alice, "gm advance")
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.commands"]
    assert any(
        line.startswith(f"/turn by user {alice.id} in guild {table.guild.id}: ok (")
        for line in lines
    )
    assert any(
        line.startswith(f"/gm advance by user {alice.id}") and "refused (Refused)" in line
        for line in lines
    )


async def test_unexpected_error_gives_an_error_id_found_in_the_log(
    table: Table, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(table.campaign.queries, "turn_status", broken)
    caplog.set_level(logging.INFO, logger="bot.commands")
    result = await table.emu.invoke(table.player("lantern_guild"), "turn")
    assert result.ephemeral and "Something went wrong on our side" in result.content
    error_id = result.content.split("`")[1]
    logged = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert any(error_id in r.getMessage() and r.exc_info for r in logged)
    assert "boom" not in result.content  # internals stay in the log
