"""/gm-order: the GM's hand on players' orders — DCs, manual modifiers, flags, stats.

Only the GM sets these (RULES §2.3, D-42). Players see none of it until their
results arrive; the GM's list shows every faction's orders with the GM fields.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.render.orders import order_lines, order_summary, stat_label
from bot.render.report_layout import Section, render_sections
from bot.render.text import escape_name
from bot.ui import autocomplete as ac
from bot.ui.context import Ctx, context, gm_ephemeral, gm_only, gm_reply
from bot.ui.views import Paginator
from cogs.orders import APTITUDES, ATTRIBUTES, SKILLS


async def _kind(ctx: Ctx, piece_id: str) -> str:
    return await ctx.campaign.queries.piece_kind(piece_id) or "agent"


@app_commands.guild_only()
@gm_only()
class GMOrders(commands.GroupCog, group_name="gm-order", group_description="GM: adjust orders"):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(
        name="dc", description="Set the DC of a freeform or initiate-conflict order"
    )
    @app_commands.describe(piece="A piece with such an order this turn", dc="5 to 30")
    @app_commands.autocomplete(piece=ac.ordered_pieces)
    async def dc(
        self, interaction: discord.Interaction, piece: str, dc: app_commands.Range[int, 5, 30]
    ) -> None:
        ctx = await context(interaction)
        order = await ctx.campaign.orders.set_dc(ctx.actor, await _kind(ctx, piece), piece, dc)
        left = len(await ctx.campaign.orders.awaiting_dc(ctx.actor))
        districts, factions = await ctx.campaign.queries.names()
        await gm_reply(
            interaction,
            ctx,
            f"DC set: {order_summary(order, districts, factions, gm=True)}. "
            + (f"{left} order(s) still await a DC." if left else "No order awaits a DC now."),
        )

    @app_commands.command(
        name="modifier", description="Set an order's manual modifier (-10 to +10)"
    )
    @app_commands.describe(piece="A piece with an order this turn", value="-10 to +10; 0 clears it")
    @app_commands.autocomplete(piece=ac.ordered_pieces)
    async def modifier(
        self, interaction: discord.Interaction, piece: str, value: app_commands.Range[int, -10, 10]
    ) -> None:
        ctx = await context(interaction)
        order = await ctx.campaign.orders.set_manual_modifier(
            ctx.actor, await _kind(ctx, piece), piece, value
        )
        await gm_reply(
            interaction,
            ctx,
            f"Manual modifier of {piece}: {order.manual_modifier:+d} (on the roll, never the DC).",
        )

    @app_commands.command(name="flags", description="Give an order advantage and/or disadvantage")
    @app_commands.describe(
        piece="A piece with an order this turn",
        advantage="Roll two d20, keep the higher",
        disadvantage="Roll two d20, keep the lower (both together cancel)",
    )
    @app_commands.autocomplete(piece=ac.ordered_pieces)
    async def flags(
        self, interaction: discord.Interaction, piece: str, advantage: bool, disadvantage: bool
    ) -> None:
        ctx = await context(interaction)
        order = await ctx.campaign.orders.set_flags(
            ctx.actor, await _kind(ctx, piece), piece, advantage, disadvantage
        )
        if order.advantage and order.disadvantage:
            state = "advantage and disadvantage, which cancel out"
        elif order.advantage:
            state = "advantage"
        elif order.disadvantage:
            state = "disadvantage"
        else:
            state = "a plain roll"
        await gm_reply(interaction, ctx, f"{piece} now rolls with {state}.")

    @app_commands.command(
        name="stats", description="Override the attribute/skill or aptitude an order rolls"
    )
    @app_commands.describe(
        piece="A piece with an order this turn",
        attribute="Agents: attribute",
        skill="Agents: skill",
        aptitude="Squadrons: aptitude",
    )
    @app_commands.choices(attribute=ATTRIBUTES, skill=SKILLS, aptitude=APTITUDES)
    @app_commands.autocomplete(piece=ac.ordered_pieces)
    async def stats(
        self,
        interaction: discord.Interaction,
        piece: str,
        attribute: str | None = None,
        skill: str | None = None,
        aptitude: str | None = None,
    ) -> None:
        ctx = await context(interaction)
        order = await ctx.campaign.orders.override_stats(
            ctx.actor,
            await _kind(ctx, piece),
            piece,
            attribute=attribute,
            skill=skill,
            aptitude=aptitude,
        )
        used = (
            f"{stat_label(order.attribute_used)} + {stat_label(order.skill_used)}"
            if order.piece_type == "agent"
            else stat_label(order.aptitude_used)
        )
        await gm_reply(interaction, ctx, f"{piece} now rolls {used}.")

    @app_commands.command(name="pending", description="Orders that still need a DC from you")
    async def pending(self, interaction: discord.Interaction) -> None:
        ctx = await context(interaction)
        orders = await ctx.campaign.orders.awaiting_dc(ctx.actor)
        districts, factions = await ctx.campaign.queries.names()
        lines = [
            f"• `{o.piece_type}:{o.piece_id}` ({escape_name(factions.get(o.faction_id, o.faction_id))}): "
            + order_summary(o, districts, factions, gm=True)
            for o in orders
        ]
        pages = render_sections(
            [Section("Orders awaiting a DC", lines or ["None: orders can close."])]
        )
        await Paginator(interaction.user.id, pages).show(
            interaction, ephemeral=gm_ephemeral(interaction, ctx)
        )

    @app_commands.command(
        name="list", description="Every faction's orders this turn (or one faction's)"
    )
    @app_commands.describe(faction="Only this faction")
    @app_commands.autocomplete(faction=ac.factions)
    async def list_orders(
        self, interaction: discord.Interaction, faction: str | None = None
    ) -> None:
        ctx = await context(interaction)
        listings = (
            [await ctx.campaign.orders.list_for_faction(ctx.actor, faction)]
            if faction
            else await ctx.campaign.orders.list_all(ctx.actor)
        )
        districts, factions = await ctx.campaign.queries.names()
        sections = [
            Section(
                f"{escape_name(factions.get(f.faction_id, f.faction_id))}, turn {f.turn}",
                order_lines([(e.piece, e.order) for e in f.entries], districts, factions, gm=True)
                or ["No pieces."],
                footer=f"{f.unordered} without an order",
            )
            for f in listings
        ]
        pages = render_sections(sections or [Section("Orders", ["No factions yet."])])
        await Paginator(interaction.user.id, pages).show(
            interaction, ephemeral=gm_ephemeral(interaction, ctx)
        )


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(GMOrders(bot))
