"""The process the memory benchmark measures: N campaigns open through CampaignRegistry.

``python -m bench.memory_child DATA_DIR COUNT`` imports what the bot process holds,
prints ``MARK baseline``, opens guilds 1..COUNT from ``DATA_DIR/campaigns`` (each migrated
on open, its game state read), prints ``MARK ready``, and after each mark waits for a line
on stdin so the parent can sample /proc in a quiet moment. EOF on stdin ends it.
"""

from __future__ import annotations

import asyncio
import sys

import discord  # noqa: F401  (the bot process has discord.py loaded)

import bot.render.maps  # noqa: F401
import bot.services.maps  # noqa: F401
import bot.services.turn  # noqa: F401
from db.registry import CampaignRegistry


def mark(name: str) -> bool:
    print(f"MARK {name}", flush=True)
    return bool(sys.stdin.readline())


async def hold(data_dir: str, count: int) -> None:
    registry = CampaignRegistry(data_dir)
    try:
        for guild_id in range(1, count + 1):
            db = await registry.get(guild_id)
            async with db.read() as uow:
                await uow.game.get()
        mark("ready")
    finally:
        await registry.close_all()


def main() -> None:
    data_dir, count = sys.argv[1], int(sys.argv[2])
    if mark("baseline"):
        asyncio.run(hold(data_dir, count))


if __name__ == "__main__":
    main()
