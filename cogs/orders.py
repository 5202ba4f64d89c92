"""/orders: members give, replace, list and cancel their faction's orders; support flags.

Every answer is ephemeral: orders are secret. The services validate and refuse;
this cog only parses, calls and renders.
"""

from __future__ import annotations

import re
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.render.components import ButtonSpec
from bot.render.orders import order_lines, order_summary, piece_name, stat_label
from bot.render.report_layout import Section, render_sections
from bot.render.text import escape_name, escape_text
from bot.rules import model as rm
from bot.services.orders import DC_AWAITING, DC_ESTIMATED, FactionOrders, SubmittedOrder
from bot.ui import autocomplete as ac
from bot.ui.context import Ctx, context
from bot.ui.errors import handle_error, log_invocation, mark_started
from bot.ui.replies import NO_MENTIONS, embeds_of, reply
from bot.ui.views import routed_view

TASKS = [
    app_commands.Choice(name="Monitor the district", value="monitor"),
    app_commands.Choice(name="Gain influence", value="gain_influence"),
    app_commands.Choice(name="Take influence from a faction", value="take_influence"),
    app_commands.Choice(name="Freeform action (GM sets the DC)", value="freeform"),
    app_commands.Choice(name="Initiate a conflict (GM sets the DC)", value="initiate_conflict"),
]
ATTRIBUTES = [app_commands.Choice(name=stat_label(a), value=a) for a in rm.ATTRIBUTES]
SKILLS = [app_commands.Choice(name=stat_label(s), value=s) for s in rm.SKILLS]
APTITUDES = [app_commands.Choice(name=stat_label(a), value=a) for a in rm.APTITUDES]
MAX_CANCEL_BUTTONS = 20


def submitted_names(result: SubmittedOrder) -> tuple[dict[str, str], dict[str, str]]:
    """The names an order confirmation shows, from what the service validated (no reads)."""
    districts = {result.district.id: result.district.name} if result.district else {}
    factions = {result.target.id: result.target.name} if result.target else {}
    return districts, factions


def submitted_text(
    result: SubmittedOrder, districts: dict[str, str], factions: dict[str, str]
) -> str:
    order = result.order
    lines = [
        f"**Order recorded** for turn {order.turn_number}: {piece_name(result.piece)}: "
        + order_summary(order, districts, factions)
        + "."
    ]
    if result.dc_status == DC_ESTIMATED and result.dc_without_weekly is not None:
        lines.append(
            f"DC {result.dc_without_weekly} as things stand, before this week's district "
            "modifier (−2 to +2, learned by monitoring); it is fixed when orders close."
        )
    elif result.dc_status == DC_AWAITING:
        lines.append("The GM sets this order's DC before orders close.")
    lines += [f"-# {escape_text(note)}" for note in result.notes]  # notes name pieces, districts
    return "\n".join(lines)


def orders_messages(
    listing: FactionOrders, districts: dict[str, str], factions: dict[str, str]
) -> list:
    entries = [(e.piece, e.order) for e in listing.entries]
    section = Section(
        title=f"Orders of {escape_name(factions.get(listing.faction_id, listing.faction_id))}, "
        f"turn {listing.turn}",
        lines=order_lines(entries, districts, factions) or ["Your faction has no pieces."],
        footer=f"{listing.unordered} piece(s) without an order; an unordered piece does nothing "
        "this turn.",
    )
    return render_sections([section])


def cancel_id(kind: str, piece_id: str) -> str:
    return f"orders:cancel:{kind}:{piece_id}"


class CancelOrderButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"orders:cancel:(?P<kind>agent|squadron):(?P<piece>[\w-]{1,80})",
):
    """Answers every listing's cancel buttons, even after the bot restarted."""

    def __init__(self, kind: str, piece_id: str, label: str = "Cancel") -> None:
        super().__init__(discord.ui.Button(label=label[:80], custom_id=cancel_id(kind, piece_id)))
        self.kind = kind
        self.piece_id = piece_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> CancelOrderButton:
        return cls(match["kind"], match["piece"], item.label or "Cancel")

    async def callback(self, interaction: discord.Interaction) -> None:
        mark_started(interaction)
        try:
            ctx = await context(interaction)
            await ctx.campaign.orders.cancel(ctx.actor, self.kind, self.piece_id)
            listing = await ctx.campaign.orders.list_for_faction(ctx.actor)
            districts, factions = await ctx.campaign.queries.names()
            await interaction.response.edit_message(**listing_kwargs(listing, districts, factions))
            log_invocation(interaction, "ok")
        except Exception as exc:  # one handler for every failure
            await handle_error(interaction, exc)


def listing_view(listing: FactionOrders) -> discord.ui.View | None:
    ordered = [e for e in listing.entries if e.order is not None][:MAX_CANCEL_BUTTONS]
    return routed_view(
        [
            ButtonSpec(
                cancel_id(e.order.piece_type, e.piece.id), f"Cancel {e.piece.name}", "danger"
            )
            for e in ordered
            if e.order is not None
        ]
    )


def listing_kwargs(
    listing: FactionOrders, districts: dict[str, str], factions: dict[str, str]
) -> dict:
    message = orders_messages(listing, districts, factions)[0]
    return {
        "content": message.get("content"),
        "embeds": embeds_of(message),
        "view": listing_view(listing),
        "allowed_mentions": NO_MENTIONS,
    }


@app_commands.guild_only()
class Orders(
    commands.GroupCog, group_name="orders", group_description="Your faction's secret orders"
):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    async def _submit(
        self,
        interaction: discord.Interaction,
        kind: Literal["agent", "squadron"],
        piece: str,
        task: str,
        district: str,
        target: str | None,
        description: str | None,
        **stats: str | None,
    ) -> None:
        ctx = await context(interaction)
        result = await ctx.campaign.orders.submit(
            ctx.actor,
            kind,
            piece,
            task,
            district,
            target_faction_id=target,
            description=description or "",
            **stats,
        )
        districts, factions = submitted_names(result)
        await reply(interaction, submitted_text(result, districts, factions))

    @app_commands.command(
        name="agent", description="Give one of your agents its order for this turn"
    )
    @app_commands.describe(
        piece="Your agent",
        task="What the agent does",
        district="Where it acts (it moves there)",
        target="Target faction (take influence, initiate conflict; optional for freeform)",
        attribute="Freeform/initiate: the attribute to roll (others use the district's)",
        skill="Freeform/initiate: the skill to roll (others use the district's)",
        description="What the agent attempts (required for freeform and initiate conflict)",
    )
    @app_commands.choices(task=TASKS, attribute=ATTRIBUTES, skill=SKILLS)
    @app_commands.autocomplete(piece=ac.own_agents, district=ac.districts, target=ac.other_factions)
    async def agent(
        self,
        interaction: discord.Interaction,
        piece: str,
        task: str,
        district: str,
        target: str | None = None,
        attribute: str | None = None,
        skill: str | None = None,
        description: app_commands.Range[str, 1, 500] | None = None,
    ) -> None:
        await self._submit(
            interaction,
            "agent",
            piece,
            task,
            district,
            target,
            description,
            attribute=attribute,
            skill=skill,
        )

    @app_commands.command(
        name="squadron", description="Give one of your squadrons its order for this turn"
    )
    @app_commands.describe(
        piece="Your squadron",
        task="What the squadron does",
        district="Where it acts (it moves there)",
        target="Target faction (take influence, initiate conflict; optional for freeform)",
        aptitude="Freeform/initiate: the aptitude to roll (others use the district's)",
        description="What the squadron attempts (required for freeform and initiate conflict)",
    )
    @app_commands.choices(task=TASKS, aptitude=APTITUDES)
    @app_commands.autocomplete(
        piece=ac.own_squadrons, district=ac.districts, target=ac.other_factions
    )
    async def squadron(
        self,
        interaction: discord.Interaction,
        piece: str,
        task: str,
        district: str,
        target: str | None = None,
        aptitude: str | None = None,
        description: app_commands.Range[str, 1, 500] | None = None,
    ) -> None:
        await self._submit(
            interaction, "squadron", piece, task, district, target, description, aptitude=aptitude
        )

    @app_commands.command(
        name="list", description="Your faction's orders this turn, with cancel buttons"
    )
    async def list_orders(self, interaction: discord.Interaction) -> None:
        ctx = await context(interaction)
        listing = await ctx.campaign.orders.list_for_faction(ctx.actor)
        districts, factions = await ctx.campaign.queries.names()
        kwargs = listing_kwargs(listing, districts, factions)
        if kwargs["view"] is None:
            kwargs.pop("view")
        await interaction.response.send_message(ephemeral=True, **kwargs)

    @app_commands.command(
        name="cancel", description="Withdraw a piece's order (it then does nothing)"
    )
    @app_commands.describe(piece="A piece of yours that has an order this turn")
    @app_commands.autocomplete(piece=ac.ordered_pieces)
    async def cancel(self, interaction: discord.Interaction, piece: str) -> None:
        ctx = await context(interaction)
        kind = await self._kind_of(ctx, piece)
        order = await ctx.campaign.orders.cancel(ctx.actor, kind, piece)
        districts, factions = await ctx.campaign.queries.names()
        await reply(
            interaction,
            f"Order withdrawn: {order_summary(order, districts, factions)}. "
            "The piece now does nothing this turn.",
        )

    @staticmethod
    async def _kind_of(ctx: Ctx, piece_id: str) -> str:
        # An unknown id gets the service's own "unknown piece" refusal.
        return await ctx.campaign.queries.piece_kind(piece_id) or "agent"

    @app_commands.command(
        name="support", description="Declare (or withdraw) support for an ally this turn"
    )
    @app_commands.describe(
        ally="An allied faction (+2 both ways)", enabled="Support them this turn?"
    )
    @app_commands.autocomplete(ally=ac.allies)
    async def support(self, interaction: discord.Interaction, ally: str, enabled: bool) -> None:
        ctx = await context(interaction)
        declared = await ctx.campaign.orders.set_support(ctx.actor, ally, enabled)
        _, factions = await ctx.campaign.queries.names()
        who = escape_name(factions.get(declared.target_faction_id, declared.target_faction_id))
        if declared.will_support:
            text = (
                f"Your faction will support {who} this turn: if {who} is drawn into a conflict, "
                "your pieces in that district join on their side and forfeit their own orders."
            )
        else:
            text = f"Your faction will not support {who} this turn."
        await reply(interaction, text)


async def setup(bot: commands.Bot) -> None:
    bot.add_dynamic_items(CancelOrderButton)
    await bot.add_cog(Orders(bot))
