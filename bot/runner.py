"""Run the bot until SIGINT/SIGTERM, closing every campaign database on the way out."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

import discord
import yarl
from discord.gateway import DiscordWebSocket

from bot.client import CampaignBot
from bot.config import Settings

log = logging.getLogger(__name__)

REJECTED_TOKEN = (
    "Discord rejected DISCORD_TOKEN (401 Unauthorized). Copy the bot token again from the "
    "developer portal (Bot > Reset Token) into .env."
)


def configure_logging(level: str) -> None:
    discord.utils.setup_logging(level=logging.getLevelNamesMapping()[level], root=True)


def apply_api_base(settings: Settings) -> None:
    """DISCORD_API_BASE_URL: a REST proxy or the local emulator instead of discord.com;
    DISCORD_GATEWAY_URL: the emulator's gateway (discord.py does not ask REST for it)."""
    if settings.api_base_url:
        discord.http.Route.BASE = settings.api_base_url
    if settings.gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


async def serve(bot: CampaignBot, token: str) -> None:
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    runner = asyncio.create_task(bot.start(token))
    stop = asyncio.create_task(stopping.wait())
    try:
        done, _ = await asyncio.wait({runner, stop}, return_when=asyncio.FIRST_COMPLETED)
        if runner in done:
            runner.result()
        else:
            log.info("signal received; shutting down")
    finally:
        stop.cancel()
        if not bot.is_closed():
            await bot.close()
        if not runner.done():
            runner.cancel()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


def run_bot(settings: Settings) -> int:
    configure_logging(settings.log_level)
    apply_api_base(settings)
    assert settings.token is not None
    bot = CampaignBot(settings)
    try:
        asyncio.run(serve(bot, settings.token))
    except discord.LoginFailure:
        print(REJECTED_TOKEN, file=sys.stderr)
        return 2
    except discord.PrivilegedIntentsRequired:
        print(
            "Discord refused the bot's gateway intents; check the developer portal.",
            file=sys.stderr,
        )
        return 2
    return 0
