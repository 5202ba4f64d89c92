"""``/bench-ping``: the interaction benchmark's floor, loaded only into the benchmark's bot.

The same gateway, tree, checks, completion log and callback path as every real command,
but no database and no rendering: what is left is the cost of the stack itself.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.ui.replies import reply

COMMAND = "bench-ping"


@app_commands.guild_only()
class BenchPing(commands.Cog):
    @app_commands.command(name=COMMAND, description="Benchmark floor: answers pong")
    async def ping(self, interaction: discord.Interaction) -> None:
        await reply(interaction, "pong")


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(BenchPing())
