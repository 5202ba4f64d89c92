"""/gm-piece: the GM creates, edits, lists and deletes agents and squadrons.

Thin over SetupService. A piece stands in a district (or is unplaced) and belongs
to a faction (agents may be unaffiliated). Handing a piece to another faction, or
moving it away from where its order is, withdraws its order of this turn; the
answer says so. Answers are public only inside the GM channel.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.render.gm_views import piece_label, piece_list_sections, piece_sections, piece_text
from bot.render.orders import order_summary
from bot.render.report_layout import Section, render_sections
from bot.render.text import escape_name
from bot.services.errors import InvalidRequest
from bot.services.setup import UNSET, PieceDetail
from bot.ui import autocomplete as ac
from bot.ui.context import Ctx, context, gm_ephemeral, gm_only, gm_reply
from bot.ui.replies import NO_MENTIONS, embeds_of
from bot.ui.views import ConfirmView, Paginator

CONFIRM_TIMEOUT = 300.0
Stat = app_commands.Range[int, 0, 5]
Aptitude = app_commands.Range[int, -3, 5]
Name = app_commands.Range[str, 1, 100]
Label = app_commands.Range[str, 1, 50]
AGENT_DESCRIBE = {
    "intellect": "Intellect, 0-5",
    "presence": "Presence, 0-5",
    "finesse": "Finesse, 0-5",
    "might": "Might, 0-5",
    "attunement": "Attunement, 0-5",
    "infiltration": "Infiltration, 0-5",
    "persuasion": "Persuasion, 0-5",
    "combat": "Combat, 0-5",
    "streetwise": "Streetwise, 0-5",
    "survival": "Survival, 0-5",
    "artifice": "Artifice, 0-5",
    "arcana": "Arcana, 0-5",
}
SQUADRON_DESCRIBE = {
    "combat": "Combat aptitude, -3 to 5",
    "underworld": "Underworld aptitude, -3 to 5",
    "social": "Social aptitude, -3 to 5",
    "technical": "Technical aptitude, -3 to 5",
    "labor": "Labor aptitude, -3 to 5",
    "arcane": "Arcane aptitude, -3 to 5",
    "wilderness": "Wilderness aptitude, -3 to 5",
    "monitoring": "Monitoring aptitude, -3 to 5",
}


def optional_ref(value: str | None) -> str | None:
    """``-`` (offered by autocomplete) means none: unaffiliated / unplaced."""
    return UNSET if value is None else (None if value == ac.NONE_VALUE else value)


def given(**values: int | str | None) -> dict[str, int | str]:
    return {k: v for k, v in values.items() if v is not None}


def dropped_order_note(
    before: PieceDetail, after: PieceDetail, districts: dict[str, str], factions: dict[str, str]
) -> str:
    if before.order is None or after.order is not None:
        return ""
    return (
        f"\nIts order for turn {before.turn} ("
        + order_summary(before.order, districts, factions)
        + ") was withdrawn: a piece's order goes with its owner and its place."
    )


@app_commands.guild_only()
@gm_only()
class GMPieces(
    commands.GroupCog, group_name="gm-piece", group_description="GM: agents and squadrons"
):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    async def _confirm_delete(
        self, interaction: discord.Interaction, ctx: Ctx, kind: str, piece_id: str
    ) -> None:
        found = await ctx.campaign.setup.piece_detail(ctx.actor, kind, piece_id)
        name = found.piece.name
        districts, factions = await ctx.campaign.queries.names()
        order = (
            "It has no order this turn."
            if found.order is None
            else f"Its order for turn {found.turn} is removed too: "
            + order_summary(found.order, districts, factions)
            + "."
        )
        message = render_sections(
            [
                Section(
                    f"Delete {found.piece.name}?",
                    piece_sections(found, factions, districts)[0].lines,
                )
            ]
        )[0]
        await interaction.response.send_message(
            content=f"Deleting {piece_label(found.piece)}: {order} "
            "This cannot be undone from Discord.",
            embeds=embeds_of(message),
            view=ConfirmView(
                interaction.user.id,
                confirm_label="Delete the piece",
                action=lambda clicked: self._delete(clicked, kind, piece_id, name),
                kept=f"Nothing deleted: **{escape_name(name)}** stays.",
            ),
            ephemeral=gm_ephemeral(interaction, ctx),
            allowed_mentions=NO_MENTIONS,
        )

    @staticmethod
    async def _delete(clicked: discord.Interaction, kind: str, piece_id: str, name: str) -> str:
        now = await context(clicked)
        if kind == "agent":
            await now.campaign.setup.delete_agent(now.actor, piece_id)
        else:
            await now.campaign.setup.delete_squadron(now.actor, piece_id)
        return (
            f"{kind.capitalize()} **{escape_name(name)}** (`{piece_id}`) deleted, "
            "with its order of this turn."
        )

    async def _edited(
        self, interaction: discord.Interaction, ctx: Ctx, kind: str, piece_id: str, **changes
    ) -> None:
        if not changes:
            raise InvalidRequest(
                "Nothing to change: give a new name, faction, district or at least one stat."
            )
        before = await ctx.campaign.setup.piece_detail(ctx.actor, kind, piece_id)
        if kind == "agent":
            piece = await ctx.campaign.setup.update_agent(ctx.actor, piece_id, **changes)
        else:
            piece = await ctx.campaign.setup.update_squadron(ctx.actor, piece_id, **changes)
        after = await ctx.campaign.setup.piece_detail(ctx.actor, kind, piece_id)
        districts, factions = await ctx.campaign.queries.names()
        await gm_reply(
            interaction,
            ctx,
            piece_text(piece, "updated", factions, districts)
            + dropped_order_note(before, after, districts, factions),
        )

    # -- agents ---------------------------------------------------------------------------------

    @app_commands.command(name="agent-create", description="Create an agent")
    @app_commands.describe(
        name="The agent's name",
        district="Where it stands (default: unplaced)",
        faction="Its faction (default: unaffiliated)",
        **AGENT_DESCRIBE,
    )
    @app_commands.autocomplete(district=ac.districts, faction=ac.factions)
    async def agent_create(
        self,
        interaction: discord.Interaction,
        name: Name,
        district: str | None = None,
        faction: str | None = None,
        intellect: Stat = 0,
        presence: Stat = 0,
        finesse: Stat = 0,
        might: Stat = 0,
        attunement: Stat = 0,
        infiltration: Stat = 0,
        persuasion: Stat = 0,
        combat: Stat = 0,
        streetwise: Stat = 0,
        survival: Stat = 0,
        artifice: Stat = 0,
        arcana: Stat = 0,
    ) -> None:
        ctx = await context(interaction)
        agent = await ctx.campaign.setup.create_agent(
            ctx.actor,
            name,
            faction,
            district_id=district,
            intellect=intellect,
            presence=presence,
            finesse=finesse,
            might=might,
            attunement=attunement,
            infiltration=infiltration,
            persuasion=persuasion,
            combat=combat,
            streetwise=streetwise,
            survival=survival,
            artifice=artifice,
            arcana=arcana,
        )
        districts, factions = await ctx.campaign.queries.names()
        await gm_reply(interaction, ctx, piece_text(agent, "created", factions, districts))

    @app_commands.command(
        name="agent-edit", description="Change an agent: name, owner, place, stats"
    )
    @app_commands.describe(
        agent="The agent",
        name="New name (its id stays)",
        faction="New owner ('-': unaffiliated); its order this turn is withdrawn",
        district="Move it ('-': unplaced); an order elsewhere is withdrawn",
        **AGENT_DESCRIBE,
    )
    @app_commands.autocomplete(
        agent=ac.all_agents, faction=ac.factions_or_none, district=ac.districts_or_none
    )
    async def agent_edit(
        self,
        interaction: discord.Interaction,
        agent: str,
        name: Name | None = None,
        faction: str | None = None,
        district: str | None = None,
        intellect: Stat | None = None,
        presence: Stat | None = None,
        finesse: Stat | None = None,
        might: Stat | None = None,
        attunement: Stat | None = None,
        infiltration: Stat | None = None,
        persuasion: Stat | None = None,
        combat: Stat | None = None,
        streetwise: Stat | None = None,
        survival: Stat | None = None,
        artifice: Stat | None = None,
        arcana: Stat | None = None,
    ) -> None:
        ctx = await context(interaction)
        changes = given(
            name=name,
            intellect=intellect,
            presence=presence,
            finesse=finesse,
            might=might,
            attunement=attunement,
            infiltration=infiltration,
            persuasion=persuasion,
            combat=combat,
            streetwise=streetwise,
            survival=survival,
            artifice=artifice,
            arcana=arcana,
        )
        refs = {"faction_id": optional_ref(faction), "district_id": optional_ref(district)}
        changes.update({k: v for k, v in refs.items() if v is not UNSET})
        await self._edited(interaction, ctx, "agent", agent, **changes)

    @app_commands.command(name="agent-delete", description="Delete an agent (asks to confirm)")
    @app_commands.describe(agent="The agent")
    @app_commands.autocomplete(agent=ac.all_agents)
    async def agent_delete(self, interaction: discord.Interaction, agent: str) -> None:
        ctx = await context(interaction)
        await self._confirm_delete(interaction, ctx, "agent", agent)

    # -- squadrons ------------------------------------------------------------------------------

    @app_commands.command(name="squadron-create", description="Create a squadron")
    @app_commands.describe(
        name="The squadron's name",
        faction="Its faction",
        district="Where it stands (default: unplaced)",
        type="A free label, e.g. smugglers (no rule effect)",
        mobility="Mobility, 0-5",
        **SQUADRON_DESCRIBE,
    )
    @app_commands.autocomplete(faction=ac.factions, district=ac.districts)
    async def squadron_create(
        self,
        interaction: discord.Interaction,
        name: Name,
        faction: str,
        district: str | None = None,
        type: Label | None = None,  # noqa: A002 - the schema's name
        mobility: Stat = 0,
        combat: Aptitude = -1,
        underworld: Aptitude = -1,
        social: Aptitude = -1,
        technical: Aptitude = -1,
        labor: Aptitude = -1,
        arcane: Aptitude = -1,
        wilderness: Aptitude = -1,
        monitoring: Aptitude = -1,
    ) -> None:
        ctx = await context(interaction)
        squadron = await ctx.campaign.setup.create_squadron(
            ctx.actor,
            name,
            faction,
            type=type or "",
            mobility=mobility,
            district_id=district,
            combat=combat,
            underworld=underworld,
            social=social,
            technical=technical,
            labor=labor,
            arcane=arcane,
            wilderness=wilderness,
            monitoring=monitoring,
        )
        districts, factions = await ctx.campaign.queries.names()
        await gm_reply(interaction, ctx, piece_text(squadron, "created", factions, districts))

    @app_commands.command(
        name="squadron-edit", description="Change a squadron: owner, place, stats"
    )
    @app_commands.describe(
        squadron="The squadron",
        name="New name (its id stays)",
        faction="New owner; its order this turn is withdrawn",
        district="Move it ('-': unplaced); an order elsewhere is withdrawn",
        type="New label",
        mobility="Mobility, 0-5",
        **SQUADRON_DESCRIBE,
    )
    @app_commands.autocomplete(
        squadron=ac.all_squadrons, faction=ac.factions, district=ac.districts_or_none
    )
    async def squadron_edit(
        self,
        interaction: discord.Interaction,
        squadron: str,
        name: Name | None = None,
        faction: str | None = None,
        district: str | None = None,
        type: Label | None = None,  # noqa: A002 - the schema's name
        mobility: Stat | None = None,
        combat: Aptitude | None = None,
        underworld: Aptitude | None = None,
        social: Aptitude | None = None,
        technical: Aptitude | None = None,
        labor: Aptitude | None = None,
        arcane: Aptitude | None = None,
        wilderness: Aptitude | None = None,
        monitoring: Aptitude | None = None,
    ) -> None:
        ctx = await context(interaction)
        if faction == ac.NONE_VALUE:
            raise InvalidRequest(
                "A squadron always belongs to a faction: name one (or delete the squadron)."
            )
        changes = given(
            name=name,
            faction_id=faction,
            type=type,
            mobility=mobility,
            combat=combat,
            underworld=underworld,
            social=social,
            technical=technical,
            labor=labor,
            arcane=arcane,
            wilderness=wilderness,
            monitoring=monitoring,
        )
        if district is not None:
            changes["district_id"] = optional_ref(district)
        await self._edited(interaction, ctx, "squadron", squadron, **changes)

    @app_commands.command(name="squadron-delete", description="Delete a squadron (asks to confirm)")
    @app_commands.describe(squadron="The squadron")
    @app_commands.autocomplete(squadron=ac.all_squadrons)
    async def squadron_delete(self, interaction: discord.Interaction, squadron: str) -> None:
        ctx = await context(interaction)
        await self._confirm_delete(interaction, ctx, "squadron", squadron)

    # -- reading ----------------------------------------------------------------------------------

    @app_commands.command(name="list", description="Every piece with owner, place and stats")
    @app_commands.describe(faction="Only this faction's pieces (default: all, unaffiliated too)")
    @app_commands.autocomplete(faction=ac.factions)
    async def list_pieces(
        self, interaction: discord.Interaction, faction: str | None = None
    ) -> None:
        ctx = await context(interaction)
        pieces = await ctx.campaign.setup.all_pieces(ctx.actor, faction)
        districts, factions = await ctx.campaign.queries.names()
        pages = render_sections(piece_list_sections(pieces, factions, districts, faction))
        await Paginator(interaction.user.id, pages).show(
            interaction, ephemeral=gm_ephemeral(interaction, ctx)
        )

    @app_commands.command(name="show", description="One piece in full, with its order")
    @app_commands.describe(piece="The agent or squadron")
    @app_commands.autocomplete(piece=ac.all_pieces)
    async def show(self, interaction: discord.Interaction, piece: str) -> None:
        ctx = await context(interaction)
        kind, _, piece_id = piece.rpartition(":")
        if kind not in ("agent", "squadron"):
            piece_id = piece
            kind = await ctx.campaign.queries.piece_kind(piece) or "agent"  # unknown: refused
        found = await ctx.campaign.setup.piece_detail(ctx.actor, kind, piece_id)
        districts, factions = await ctx.campaign.queries.names()
        pages = render_sections(piece_sections(found, factions, districts))
        await Paginator(interaction.user.id, pages).show(
            interaction, ephemeral=gm_ephemeral(interaction, ctx)
        )


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(GMPieces(bot))
