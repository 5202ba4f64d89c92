"""Run a real discord.py Bot against the Emulator in the current event loop."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator

import discord
import yarl
from discord.ext import commands
from discord.gateway import DiscordWebSocket

from bot.emulator.emulator import Emulator


@contextlib.contextmanager
def pointed_at(emu: Emulator) -> Iterator[None]:
    """Point discord.py's REST base and default gateway at the emulator, restoring after."""
    old_base, old_gateway = discord.http.Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = emu.api_base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(emu.gateway_url)
    try:
        yield
    finally:
        discord.http.Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = old_base, old_gateway


@contextlib.asynccontextmanager
async def running_bot(
    emu: Emulator,
    bot: commands.Bot,
    *,
    sync: bool = True,
    ready_timeout: float = 10.0,
    fast_ready: bool = True,
) -> AsyncIterator[commands.Bot]:
    """Start `bot` against `emu`, wait for on_ready (and a global tree sync if `sync`), yield.

    `fast_ready` shortens discord.py's guild_ready_timeout (2 s of idle waiting after the last
    GUILD_CREATE): the emulator sends every guild right after READY, so the wait is pure delay.
    """
    with pointed_at(emu):
        if fast_ready:
            bot._connection.guild_ready_timeout = 0.05
        task = asyncio.create_task(bot.start(emu.bot_token))
        ready = asyncio.create_task(bot.wait_until_ready())
        done, _ = await asyncio.wait(
            {task, ready}, timeout=ready_timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if ready not in done:
            ready.cancel()
            if task in done:
                task.result()  # re-raise the startup failure
            await bot.close()
            raise TimeoutError("bot did not become ready against the emulator")
        try:
            if sync:
                await bot.tree.sync()
            yield bot
        finally:
            await bot.close()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(task, 5.0)
