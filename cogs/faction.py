"""/faction: what a member's faction knows — overview, reports, results, its map.

Everything is ephemeral and comes from the QueryService, which returns only the
faction's own knowledge (perceived values, never true ones). The GM may name any
faction to see what it sees.
"""

from __future__ import annotations

import asyncio
import io

import discord
from discord import app_commands
from discord.ext import commands

from bot.render.faction_views import overview_messages, status_text
from bot.render.maps import render_fog_map
from bot.render.reports import render_faction_report
from bot.services import maps
from bot.ui import autocomplete as ac
from bot.ui.context import context
from bot.ui.replies import defer, reply
from bot.ui.views import Paginator

FACTION_HELP = "GM only: look at another faction"


@app_commands.guild_only()
class Faction(commands.GroupCog, group_name="faction", group_description="What your faction knows"):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(
        name="overview", description="Pieces, perceived influence, relations, rumors"
    )
    @app_commands.describe(faction=FACTION_HELP)
    @app_commands.autocomplete(faction=ac.factions)
    async def overview(self, interaction: discord.Interaction, faction: str | None = None) -> None:
        ctx = await context(interaction)
        view = await ctx.campaign.queries.overview(ctx.actor, faction)
        districts = {d.id: d.name for d in await ctx.campaign.queries.districts()}
        await Paginator(interaction.user.id, overview_messages(view, districts)).show(interaction)

    @app_commands.command(
        name="report", description="Your latest intelligence report, or a given turn's"
    )
    @app_commands.describe(turn="A completed turn (default: the latest)", faction=FACTION_HELP)
    @app_commands.autocomplete(faction=ac.factions)
    async def report(
        self,
        interaction: discord.Interaction,
        turn: app_commands.Range[int, 1, 100000] | None = None,
        faction: str | None = None,
    ) -> None:
        ctx = await context(interaction)
        payload = await ctx.campaign.queries.turn_report(ctx.actor, turn, faction)
        await Paginator(interaction.user.id, render_faction_report(payload)).show(interaction)

    @app_commands.command(
        name="results", description="What your pieces achieved in a completed turn"
    )
    @app_commands.describe(turn="A completed turn (default: the latest)", faction=FACTION_HELP)
    @app_commands.autocomplete(faction=ac.factions)
    async def results(
        self,
        interaction: discord.Interaction,
        turn: app_commands.Range[int, 1, 100000] | None = None,
        faction: str | None = None,
    ) -> None:
        ctx = await context(interaction)
        payload = await ctx.campaign.queries.turn_report(ctx.actor, turn, faction)
        pages = render_faction_report({**payload, "reports": []})
        await Paginator(interaction.user.id, pages).show(interaction)

    @app_commands.command(
        name="map", description="Your fog-of-war map: the city as your faction sees it"
    )
    @app_commands.describe(faction=FACTION_HELP)
    @app_commands.autocomplete(faction=ac.factions)
    async def map(self, interaction: discord.Interaction, faction: str | None = None) -> None:
        ctx = await context(interaction)
        overview = await ctx.campaign.queries.overview(ctx.actor, faction)  # checks access
        await defer(interaction)
        async with ctx.campaign.db.read() as uow:
            data = await maps.fog_map_data(
                uow, overview.faction.id, assets_dir=ctx.campaign.assets_dir
            )
        image = await asyncio.to_thread(render_fog_map, data)
        name = f"map-turn-{overview.turn}-{overview.faction.id}.png"
        await reply(
            interaction,
            f"What {discord.utils.escape_markdown(overview.faction.name)} believes at turn "
            f"{overview.turn} (greyed districts were never watched; stale values are marked).",
            files=[discord.File(io.BytesIO(image), filename=name)],
        )


class Turn(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="turn", description="Turn number, phase, deadline and your orders")
    @app_commands.guild_only()
    async def turn(self, interaction: discord.Interaction) -> None:
        ctx = await context(interaction)
        await reply(interaction, status_text(await ctx.campaign.queries.turn_status(ctx.actor)))


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Faction(bot))
    await bot.add_cog(Turn(bot))
