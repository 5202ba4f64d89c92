"""/gm-faction: the GM creates and edits factions, their members, channel and ledger.

Thin over SetupService (validation, one transaction per change, typed refusals).
Answers are public only inside the GM channel. Deleting a faction asks first and
says what goes with it.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.render.report_layout import Section, render_sections
from bot.render.setup_views import (
    channel_mention,
    faction_label,
    faction_text,
    footprint_lines,
    member_sections,
    relationship_text,
    user,
)
from bot.render.text import escape_name
from bot.services.errors import InvalidRequest
from bot.services.setup import FACTION_MODIFIER_TYPES, UNSET
from bot.ui import autocomplete as ac
from bot.ui.context import context, faction_name, gm_ephemeral, gm_only, gm_reply
from bot.ui.replies import NO_MENTIONS, embeds_of, send_messages
from bot.ui.views import ConfirmView

CONFIRM_TIMEOUT = 300.0
RELATIONSHIPS = [
    app_commands.Choice(name="+2 allied", value=2),
    app_commands.Choice(name="+1 friendly", value=1),
    app_commands.Choice(name="0 neutral", value=0),
    app_commands.Choice(name="-1 cold war", value=-1),
    app_commands.Choice(name="-2 hot war", value=-2),
]
MODIFIER_TYPES = [app_commands.Choice(name=t, value=t) for t in FACTION_MODIFIER_TYPES]


@app_commands.guild_only()
@gm_only()
class GMFactions(
    commands.GroupCog, group_name="gm-faction", group_description="GM: factions and members"
):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    # -- the faction itself -------------------------------------------------------------------

    @app_commands.command(name="create", description="Create a faction")
    @app_commands.describe(
        name="The faction's name",
        colour="Map colour as #RRGGBB (default #3498db)",
        monitoring_bonus="Added to its monitoring rolls, -5 to 5",
        description="What the faction is (shown to the GM)",
    )
    async def create(
        self,
        interaction: discord.Interaction,
        name: app_commands.Range[str, 1, 100],
        colour: app_commands.Range[str, 1, 7] = "#3498db",
        monitoring_bonus: app_commands.Range[int, -5, 5] = 0,
        description: app_commands.Range[str, 1, 2000] | None = None,
    ) -> None:
        ctx = await context(interaction)
        faction = await ctx.campaign.setup.create_faction(
            ctx.actor,
            name,
            color=colour,
            monitoring_bonus=monitoring_bonus,
            description=description,
        )
        await gm_reply(
            interaction,
            ctx,
            faction_text(faction, "created")
            + "\nNext: `/gm-faction add-member`, `/gm-faction channel`, `/gm-faction relationship`.",
        )

    @app_commands.command(name="edit", description="Change a faction's name, colour, bonus, text")
    @app_commands.describe(
        faction="The faction to change",
        name="New name (its id stays)",
        colour="New map colour as #RRGGBB",
        monitoring_bonus="New monitoring bonus, -5 to 5",
        description="New description",
    )
    @app_commands.autocomplete(faction=ac.factions)
    async def edit(
        self,
        interaction: discord.Interaction,
        faction: str,
        name: app_commands.Range[str, 1, 100] | None = None,
        colour: app_commands.Range[str, 1, 7] | None = None,
        monitoring_bonus: app_commands.Range[int, -5, 5] | None = None,
        description: app_commands.Range[str, 1, 2000] | None = None,
    ) -> None:
        ctx = await context(interaction)
        changes = {
            "name": name,
            "color": colour,
            "monitoring_bonus": monitoring_bonus,
            "description": description,
        }
        if all(v is None for v in changes.values()):
            raise InvalidRequest(
                "Nothing to change: give a name, colour, monitoring_bonus or description."
            )
        updated = await ctx.campaign.setup.update_faction(
            ctx.actor, faction, **{k: UNSET if v is None else v for k, v in changes.items()}
        )
        await gm_reply(interaction, ctx, faction_text(updated, "updated"))

    @app_commands.command(name="delete", description="Delete a faction (asks to confirm first)")
    @app_commands.describe(faction="The faction to delete")
    @app_commands.autocomplete(faction=ac.factions)
    async def delete(self, interaction: discord.Interaction, faction: str) -> None:
        ctx = await context(interaction)
        footprint = await ctx.campaign.setup.faction_footprint(ctx.actor, faction)
        message = render_sections(
            [
                Section(
                    f"Delete {footprint.faction.name}?",
                    footprint_lines(footprint),
                    color=int(footprint.faction.color[1:], 16),
                )
            ]
        )[0]
        faction_id, name = footprint.faction.id, footprint.faction.name

        async def delete(clicked: discord.Interaction) -> str:
            now = await context(clicked)
            await now.campaign.setup.delete_faction(now.actor, faction_id)
            return (
                f"Faction **{escape_name(name)}** (`{faction_id}`) deleted; "
                "its pieces are now unaffiliated."
            )

        view = ConfirmView(
            interaction.user.id,
            confirm_label="Delete the faction",
            action=delete,
            kept=f"Nothing deleted: **{escape_name(name)}** stays.",
        )
        await interaction.response.send_message(
            content=f"Deleting {faction_label(footprint.faction)} removes the following.",
            embeds=embeds_of(message),
            view=view,
            ephemeral=gm_ephemeral(interaction, ctx),
            allowed_mentions=NO_MENTIONS,
        )

    # -- members and channel ----------------------------------------------------------------

    @app_commands.command(name="members", description="Members of one faction, or of all")
    @app_commands.describe(faction="Only this faction (default: every faction)")
    @app_commands.autocomplete(faction=ac.factions)
    async def members(self, interaction: discord.Interaction, faction: str | None = None) -> None:
        ctx = await context(interaction)
        rows = await ctx.campaign.setup.list_members(ctx.actor, faction)
        factions = {f.id: f for f in await ctx.campaign.queries.factions()}
        await send_messages(
            interaction,
            render_sections(member_sections(rows, factions, faction)),
            ephemeral=gm_ephemeral(interaction, ctx),
        )

    @app_commands.command(name="add-member", description="Put a server member in a faction")
    @app_commands.describe(
        member="The server member",
        faction="Their faction (one faction per person)",
        leader="Mark them as the faction's leader",
    )
    @app_commands.autocomplete(faction=ac.factions)
    async def add_member(
        self,
        interaction: discord.Interaction,
        member: discord.Member,
        faction: str,
        leader: bool = False,
    ) -> None:
        ctx = await context(interaction)
        if member.bot:
            raise InvalidRequest("Bots cannot belong to a faction.")
        added = await ctx.campaign.setup.add_member(ctx.actor, member.id, faction, leader=leader)
        name = await faction_name(ctx, added.faction_id)
        await gm_reply(
            interaction,
            ctx,
            f"{user(member.id)} is now {'a leader' if added.is_leader else 'a member'} of "
            f"**{name}**: they give its orders (`/orders`) and receive its reports by DM.",
        )

    @app_commands.command(name="remove-member", description="Take someone out of their faction")
    @app_commands.describe(member="The member to remove")
    async def remove_member(self, interaction: discord.Interaction, member: discord.User) -> None:
        ctx = await context(interaction)
        current = [
            m for m in await ctx.campaign.setup.list_members(ctx.actor) if m.user_id == member.id
        ]
        await ctx.campaign.setup.remove_member(ctx.actor, member.id)
        faction_id = current[0].faction_id if current else "?"
        name = await faction_name(ctx, faction_id)
        await gm_reply(
            interaction,
            ctx,
            f"{user(member.id)} is no longer a member of **{name}**; the faction's orders stay.",
        )

    @app_commands.command(name="channel", description="Set or clear a faction's private channel")
    @app_commands.describe(
        faction="The faction",
        channel="Its private channel (reports go there when DMs are closed)",
        clear="Remove the faction's private channel instead",
    )
    @app_commands.autocomplete(faction=ac.factions)
    async def channel(
        self,
        interaction: discord.Interaction,
        faction: str,
        channel: discord.TextChannel | None = None,
        clear: bool = False,
    ) -> None:
        ctx = await context(interaction)
        if (channel is None) == (not clear):
            raise InvalidRequest("Give either a channel, or clear: True to remove it (not both).")
        await ctx.campaign.setup.set_faction_channel(
            ctx.actor, faction, None if channel is None else channel.id
        )
        name = await faction_name(ctx, faction)
        if channel is None:
            text = (
                f"**{name}** has no private channel now: a report that cannot be sent by DM "
                "stays undelivered until you retry it (`/gm deliveries`)."
            )
        else:
            text = (
                f"Private channel of **{name}** set to {channel_mention(channel.id)}: its reports go there "
                "when a member's DMs are closed. Only that faction (and GMs) should read it."
            )
        await gm_reply(interaction, ctx, text)

    # -- ledger -------------------------------------------------------------------------------

    @app_commands.command(
        name="relationship", description="Set the relationship between two factions"
    )
    @app_commands.describe(
        faction="The first faction",
        other="The second faction",
        value="-2 hot war ... +2 allied",
        both_ways="Set both directions (default); False sets faction -> other only",
    )
    @app_commands.choices(value=RELATIONSHIPS)
    @app_commands.autocomplete(faction=ac.factions, other=ac.factions)
    async def relationship(
        self,
        interaction: discord.Interaction,
        faction: str,
        other: str,
        value: int,
        both_ways: bool = True,
    ) -> None:
        ctx = await context(interaction)
        before = await ctx.campaign.setup.relationship(ctx.actor, faction, other)
        await ctx.campaign.setup.set_relationship(ctx.actor, faction, other, value, both=both_ways)
        after = await ctx.campaign.setup.relationship(ctx.actor, faction, other)
        await gm_reply(
            interaction,
            ctx,
            relationship_text(before, after, (await ctx.campaign.queries.names()).factions),
        )

    @app_commands.command(
        name="resource", description="Set a faction's resource (no value: delete it)"
    )
    @app_commands.describe(
        faction="The faction",
        name="Resource name, e.g. gold",
        value="The new amount; leave empty to delete the entry",
    )
    @app_commands.autocomplete(faction=ac.factions, name=ac.faction_resources)
    async def resource(
        self,
        interaction: discord.Interaction,
        faction: str,
        name: app_commands.Range[str, 1, 50],
        value: int | None = None,
    ) -> None:
        ctx = await context(interaction)
        title = await faction_name(ctx, faction)
        if value is None:
            await ctx.campaign.setup.delete_resource(ctx.actor, faction, name)
            text = f"Resource '{escape_name(name)}' of **{title}** deleted."
        else:
            row = await ctx.campaign.setup.set_resource(ctx.actor, faction, name, value)
            text = (
                f"**{title}**: {escape_name(row.resource_type)} = {row.value} "
                "(a GM ledger: no rule reads or spends it)."
            )
        await gm_reply(interaction, ctx, text)

    @app_commands.command(
        name="modifier-add", description="Add a named commerce/muster/aristocratic modifier"
    )
    @app_commands.describe(
        faction="The faction",
        name="What it is, e.g. Wealthy Patron",
        type="Which value it changes",
        value="-1000 to 1000",
    )
    @app_commands.choices(type=MODIFIER_TYPES)
    @app_commands.autocomplete(faction=ac.factions)
    async def modifier_add(
        self,
        interaction: discord.Interaction,
        faction: str,
        name: app_commands.Range[str, 1, 100],
        type: str,  # noqa: A002 - the option's name
        value: app_commands.Range[int, -1000, 1000],
    ) -> None:
        ctx = await context(interaction)
        modifier = await ctx.campaign.setup.add_faction_modifier(
            ctx.actor, faction, name, type, value
        )
        title = await faction_name(ctx, faction)
        await gm_reply(
            interaction,
            ctx,
            f"Modifier added to **{title}**: {escape_name(modifier.name)}, "
            f"{modifier.modifier_type} {modifier.value:+d} (id `{modifier.id}`).",
        )

    @app_commands.command(name="modifier-remove", description="Remove a named faction modifier")
    @app_commands.describe(modifier="The modifier", faction="Narrow the choices to one faction")
    @app_commands.autocomplete(modifier=ac.faction_modifiers, faction=ac.factions)
    async def modifier_remove(
        self, interaction: discord.Interaction, modifier: str, faction: str | None = None
    ) -> None:
        ctx = await context(interaction)
        known = {m.id: m for m in await ctx.campaign.setup.faction_modifiers(ctx.actor, faction)}
        if faction is not None and modifier not in known:
            raise InvalidRequest(
                f"'{escape_name(faction)}' has no modifier '{escape_name(modifier)}'."
            )
        found = known.get(modifier)
        await ctx.campaign.setup.remove_faction_modifier(ctx.actor, modifier)  # refuses unknown ids
        if found is None:  # removed between the two calls' snapshots: say only what we know
            text = f"Modifier `{escape_name(modifier)}` removed."
        else:
            title = await faction_name(ctx, found.faction_id)
            text = (
                f"Modifier removed from **{title}**: {escape_name(found.name)} "
                f"({found.modifier_type} {found.value:+d})."
            )
        await gm_reply(interaction, ctx, text)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(GMFactions(bot))
