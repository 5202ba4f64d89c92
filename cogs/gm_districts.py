"""/gm-district: the GM creates, edits, inspects and deletes districts.

Thin over SetupService (validation, one transaction per change, typed refusals).
Answers carry true values (influence, likeability, the weekly modifier), so they are
public only inside the GM channel. Deleting asks first and says what goes with it.
A rumor's text and newspaper hint are typed in a Modal (long free text); its
district, name, DC and newspaper weight are options.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.render.gm_views import (
    district_cascade_lines,
    district_label,
    district_sections,
    district_text,
    modifier_text,
    rumor_added_text,
    rumor_sections,
)
from bot.render.orders import stat_label
from bot.render.report_layout import Section, render_sections
from bot.render.text import escape_name, truncate
from bot.rules import model as rm
from bot.services.errors import InvalidRequest
from bot.services.setup import DistrictDetail
from bot.ui import autocomplete as ac
from bot.ui.context import Ctx, context, faction_name, gm_ephemeral, gm_only, gm_reply
from bot.ui.errors import handle_error, log_invocation, mark_started
from bot.ui.replies import NO_MENTIONS, embeds_of, reply
from bot.ui.views import ConfirmView, Paginator

CONFIRM_TIMEOUT = 300.0
MODAL_TIMEOUT = 900.0
MAX_RUMOR_TEXT = 2000
MAX_HINT = 2000
TEXT_ID = "rumor-text"
HINT_ID = "rumor-hint"
ATTRIBUTES = [app_commands.Choice(name=stat_label(a), value=a) for a in rm.ATTRIBUTES]
SKILLS = [app_commands.Choice(name=stat_label(s), value=s) for s in rm.SKILLS]
APTITUDES = [app_commands.Choice(name=stat_label(a), value=a) for a in rm.APTITUDES]
PREFERENCE_CHOICES = {
    "gain_attribute": ATTRIBUTES,
    "gain_skill": SKILLS,
    "gain_aptitude": APTITUDES,
    "monitor_attribute": ATTRIBUTES,
    "monitor_skill": SKILLS,
    "monitor_aptitude": APTITUDES,
}
# option name -> SetupService field
FIELDS = {
    "name": "name",
    "gain_attribute": "preferred_gain_attribute",
    "gain_skill": "preferred_gain_skill",
    "gain_aptitude": "preferred_gain_squadron_aptitude",
    "monitor_attribute": "preferred_monitor_attribute",
    "monitor_skill": "preferred_monitor_skill",
    "monitor_aptitude": "preferred_monitor_squadron_aptitude",
    "commerce": "commerce_value",
    "muster": "muster_value",
    "aristocratic": "aristocratic_value",
    "description": "description",
}
DESCRIBE = {
    "name": "The district's name",
    "gain_attribute": "Agents gaining influence roll this attribute",
    "gain_skill": "Agents gaining influence roll this skill",
    "gain_aptitude": "Squadrons gaining influence roll this aptitude",
    "monitor_attribute": "Agents monitoring roll this attribute",
    "monitor_skill": "Agents monitoring roll this skill",
    "monitor_aptitude": "Squadrons monitoring roll this aptitude (default Monitoring)",
    "commerce": "Commerce value, 0 to 10",
    "muster": "Muster value, 0 to 10",
    "aristocratic": "Aristocratic value, 0 to 10",
    "description": "What the district is (GM notes)",
}
Value = app_commands.Range[int, 0, 10]
Text = app_commands.Range[str, 1, 2000]
Name = app_commands.Range[str, 1, 100]


async def detail(ctx: Ctx, district_id: str) -> DistrictDetail:
    return await ctx.campaign.setup.district_detail(ctx.actor, district_id)


class RumorModal(discord.ui.Modal):
    """The rumor's words; everything else was given as options and checked already."""

    def __init__(
        self, district_id: str, district_name: str, name: str, dc: int, weight: float
    ) -> None:
        super().__init__(title=truncate(f"Rumor: {name}", 45), timeout=MODAL_TIMEOUT)
        self.district_id = district_id
        self.district_name = district_name
        self.rumor_name = name
        self.dc = dc
        self.weight = weight
        self.text = discord.ui.TextInput(
            label="Rumor text (secret until discovered)",
            style=discord.TextStyle.paragraph,
            custom_id=TEXT_ID,
            max_length=MAX_RUMOR_TEXT,
        )
        self.hint = discord.ui.TextInput(
            label="Newspaper hint (optional)",
            style=discord.TextStyle.paragraph,
            custom_id=HINT_ID,
            required=False,
            max_length=MAX_HINT,
        )
        self.add_item(self.text)
        self.add_item(self.hint)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        mark_started(interaction)
        try:
            ctx = await context(interaction)
            rumor = await ctx.campaign.setup.add_rumor(
                ctx.actor,
                self.district_id,
                self.text.value,
                self.dc,
                name=self.rumor_name,
                newspaper_hint=self.hint.value or None,
                newspaper_weight=self.weight,
            )
            await reply(
                interaction,
                rumor_added_text(rumor, self.district_name),
                ephemeral=gm_ephemeral(interaction, ctx),
            )
            log_invocation(interaction, "ok")
        except Exception as exc:  # one handler for every failure
            await handle_error(interaction, exc)


@app_commands.guild_only()
@gm_only()
class GMDistricts(
    commands.GroupCog, group_name="gm-district", group_description="GM: districts and their state"
):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    # -- the district itself ------------------------------------------------------------------

    @app_commands.command(name="create", description="Create a district")
    @app_commands.describe(**DESCRIBE)
    @app_commands.choices(**PREFERENCE_CHOICES)
    async def create(
        self,
        interaction: discord.Interaction,
        name: Name,
        gain_attribute: str,
        gain_skill: str,
        gain_aptitude: str,
        monitor_attribute: str,
        monitor_skill: str,
        monitor_aptitude: str = "monitoring",
        commerce: Value = 0,
        muster: Value = 0,
        aristocratic: Value = 0,
        description: Text | None = None,
    ) -> None:
        ctx = await context(interaction)
        district = await ctx.campaign.setup.create_district(
            ctx.actor,
            name,
            preferred_gain_attribute=gain_attribute,
            preferred_gain_skill=gain_skill,
            preferred_gain_squadron_aptitude=gain_aptitude,
            preferred_monitor_attribute=monitor_attribute,
            preferred_monitor_skill=monitor_skill,
            preferred_monitor_squadron_aptitude=monitor_aptitude,
            commerce_value=commerce,
            muster_value=muster,
            aristocratic_value=aristocratic,
            description=description,
        )
        await gm_reply(
            interaction,
            ctx,
            district_text(district, "created")
            + "\nNext: `/gm-district adjacent`, `influence`, `likeability`, `rumor-add`.",
        )

    @app_commands.command(name="edit", description="Change a district's name, values, preferences")
    @app_commands.describe(
        district="The district to change",
        clear_description="Remove the description",
        **{k: v for k, v in DESCRIBE.items() if k != "name"},
        name="New name (its id stays)",
    )
    @app_commands.choices(**PREFERENCE_CHOICES)
    @app_commands.autocomplete(district=ac.districts)
    async def edit(
        self,
        interaction: discord.Interaction,
        district: str,
        name: Name | None = None,
        gain_attribute: str | None = None,
        gain_skill: str | None = None,
        gain_aptitude: str | None = None,
        monitor_attribute: str | None = None,
        monitor_skill: str | None = None,
        monitor_aptitude: str | None = None,
        commerce: Value | None = None,
        muster: Value | None = None,
        aristocratic: Value | None = None,
        description: Text | None = None,
        clear_description: bool = False,
    ) -> None:
        ctx = await context(interaction)
        given = {
            "name": name,
            "gain_attribute": gain_attribute,
            "gain_skill": gain_skill,
            "gain_aptitude": gain_aptitude,
            "monitor_attribute": monitor_attribute,
            "monitor_skill": monitor_skill,
            "monitor_aptitude": monitor_aptitude,
            "commerce": commerce,
            "muster": muster,
            "aristocratic": aristocratic,
            "description": description,
        }
        changes = {FIELDS[k]: v for k, v in given.items() if v is not None}
        if clear_description:
            if description is not None:
                raise InvalidRequest("Give a new description or clear_description, not both.")
            changes["description"] = None
        if not changes:
            raise InvalidRequest(
                "Nothing to change: give at least one of " + ", ".join(FIELDS) + "."
            )
        updated = await ctx.campaign.setup.update_district(ctx.actor, district, **changes)
        await gm_reply(interaction, ctx, district_text(updated, "updated"))

    @app_commands.command(name="delete", description="Delete a district (asks to confirm first)")
    @app_commands.describe(district="The district to delete")
    @app_commands.autocomplete(district=ac.districts)
    async def delete(self, interaction: discord.Interaction, district: str) -> None:
        ctx = await context(interaction)
        found = await detail(ctx, district)
        message = render_sections(
            [Section(f"Delete {found.district.name}?", district_cascade_lines(found))]
        )[0]
        district_id, name = found.district.id, found.district.name

        async def delete(clicked: discord.Interaction) -> str:
            now = await context(clicked)
            await now.campaign.setup.delete_district(now.actor, district_id)
            return (
                f"District **{escape_name(name)}** (`{district_id}`) deleted; the pieces that "
                "stood there are unplaced."
            )

        view = ConfirmView(
            interaction.user.id,
            confirm_label="Delete the district",
            action=delete,
            kept=f"Nothing deleted: **{escape_name(name)}** stays.",
        )
        await interaction.response.send_message(
            content=f"Deleting {district_label(found.district)} removes the following.",
            embeds=embeds_of(message),
            view=view,
            ephemeral=gm_ephemeral(interaction, ctx),
            allowed_mentions=NO_MENTIONS,
        )

    @app_commands.command(name="show", description="Everything true about a district")
    @app_commands.describe(district="The district")
    @app_commands.autocomplete(district=ac.districts)
    async def show(self, interaction: discord.Interaction, district: str) -> None:
        ctx = await context(interaction)
        pages = render_sections(district_sections(await detail(ctx, district)))
        await Paginator(interaction.user.id, pages).show(
            interaction, ephemeral=gm_ephemeral(interaction, ctx)
        )

    # -- its state ------------------------------------------------------------------------------

    @app_commands.command(name="adjacent", description="Connect or separate two districts")
    @app_commands.describe(
        district="One district",
        other="The other district",
        connected="True: they border each other (both ways); False: they no longer do",
    )
    @app_commands.autocomplete(district=ac.districts, other=ac.districts)
    async def adjacent(
        self, interaction: discord.Interaction, district: str, other: str, connected: bool
    ) -> None:
        ctx = await context(interaction)
        before = await detail(ctx, district)
        was = other in {d.id for d in before.adjacent}
        if connected:
            await ctx.campaign.setup.set_adjacency(ctx.actor, district, other)
        else:
            await ctx.campaign.setup.remove_adjacency(ctx.actor, district, other)
        after = await detail(ctx, district)
        names = {d.id: d.name for d in await ctx.campaign.queries.districts()}
        other_name = escape_name(names.get(other, other))
        a = escape_name(after.district.name)
        if connected:
            verb = "were already adjacent" if was else "are now adjacent (both ways)"
        else:
            verb = "are no longer adjacent (both ways)"
        borders = ", ".join(escape_name(d.name) for d in after.adjacent) or "none"
        await gm_reply(
            interaction, ctx, f"**{a}** and **{other_name}** {verb}.\n{a} borders: {borders}."
        )

    @app_commands.command(name="likeability", description="A district's attitude to a faction")
    @app_commands.describe(
        district="The district", faction="The faction", value="-5 (hostile) to 5 (devoted)"
    )
    @app_commands.autocomplete(district=ac.districts, faction=ac.factions)
    async def likeability(
        self,
        interaction: discord.Interaction,
        district: str,
        faction: str,
        value: app_commands.Range[int, -5, 5],
    ) -> None:
        ctx = await context(interaction)
        await ctx.campaign.setup.set_likeability(ctx.actor, district, faction, value)
        found = await detail(ctx, district)
        await gm_reply(
            interaction,
            ctx,
            f"Likeability of **{await faction_name(ctx, faction)}** in "
            f"{district_label(found.district)}: {value:+d}.",
        )

    @app_commands.command(name="influence", description="Set a faction's true influence")
    @app_commands.describe(
        district="The district",
        faction="The faction",
        value="0 to 10; the district's total stays at most 10",
    )
    @app_commands.autocomplete(district=ac.districts, faction=ac.factions)
    async def influence(
        self,
        interaction: discord.Interaction,
        district: str,
        faction: str,
        value: app_commands.Range[int, 0, 10],
    ) -> None:
        ctx = await context(interaction)
        row = await ctx.campaign.setup.set_influence(ctx.actor, district, faction, value)
        found = await detail(ctx, district)
        await gm_reply(
            interaction,
            ctx,
            f"**{await faction_name(ctx, faction)}** now holds {row.value} in "
            f"{district_label(found.district)}"
            + (" (stronghold)" if row.has_stronghold else "")
            + f". Held: {found.held} of {rm.DISTRICT_SLOTS}, pool {found.pool}.",
        )

    @app_commands.command(name="stronghold", description="Give or take a faction's stronghold")
    @app_commands.describe(district="The district", faction="The faction", on="Has a stronghold?")
    @app_commands.autocomplete(district=ac.districts, faction=ac.factions)
    async def stronghold(
        self, interaction: discord.Interaction, district: str, faction: str, on: bool
    ) -> None:
        ctx = await context(interaction)
        row = await ctx.campaign.setup.set_stronghold(ctx.actor, district, faction, on)
        found = await detail(ctx, district)
        state = "has a stronghold" if row.has_stronghold else "has no stronghold"
        await gm_reply(
            interaction,
            ctx,
            f"**{await faction_name(ctx, faction)}** {state} in {district_label(found.district)} "
            f"(influence {row.value}; decay spares up to {5 if row.has_stronghold else 2}).",
        )

    @app_commands.command(name="weekly", description="Set a district's weekly DC modifier")
    @app_commands.describe(district="The district", value="-2 to 2 (the random walk moves it)")
    @app_commands.autocomplete(district=ac.districts)
    async def weekly(
        self,
        interaction: discord.Interaction,
        district: str,
        value: app_commands.Range[int, -2, 2],
    ) -> None:
        ctx = await context(interaction)
        await ctx.campaign.setup.set_weekly_modifier(ctx.actor, district, value)
        found = await detail(ctx, district)
        await gm_reply(
            interaction,
            ctx,
            f"Weekly DC modifier of {district_label(found.district)}: {found.weekly:+d}.",
        )

    @app_commands.command(name="modifier-add", description="Add a named, optionally timed modifier")
    @app_commands.describe(
        district="The district",
        type="What it is, e.g. curfew",
        value="-1000 to 1000",
        expires_on="Last turn it applies (empty: until removed)",
    )
    @app_commands.autocomplete(district=ac.districts)
    async def modifier_add(
        self,
        interaction: discord.Interaction,
        district: str,
        type: app_commands.Range[str, 1, 50],  # noqa: A002 - the option's name
        value: app_commands.Range[int, -1000, 1000],
        expires_on: app_commands.Range[int, 1] | None = None,
    ) -> None:
        ctx = await context(interaction)
        modifier = await ctx.campaign.setup.add_district_modifier(
            ctx.actor, district, type, value, expires_on=expires_on
        )
        found = await detail(ctx, district)
        await gm_reply(
            interaction,
            ctx,
            f"Modifier added to {district_label(found.district)}: {modifier_text(modifier)}.",
        )

    @app_commands.command(name="modifier-remove", description="Remove a district modifier")
    @app_commands.describe(modifier="The modifier")
    @app_commands.autocomplete(modifier=ac.district_modifiers)
    async def modifier_remove(self, interaction: discord.Interaction, modifier: str) -> None:
        ctx = await context(interaction)
        known = {m.id: m for m in await ctx.campaign.setup.district_modifiers(ctx.actor)}
        await ctx.campaign.setup.remove_district_modifier(ctx.actor, modifier)  # refuses unknown
        found = known.get(modifier)
        text = f"Modifier `{escape_name(modifier)}` removed."
        if found is not None:
            text = f"Modifier removed: {modifier_text(found)}."
        await gm_reply(interaction, ctx, text)

    # -- rumors ---------------------------------------------------------------------------------

    @app_commands.command(name="rumor-add", description="Add a rumor (its text is typed in a form)")
    @app_commands.describe(
        district="Where the rumor can be discovered",
        name="A short title, e.g. The Black Barge",
        dc="Discovery DC, 0 or more (drops by 1 each turn)",
        newspaper_weight="How likely the newspaper prints it, 0 or more (default 1; 0: never)",
    )
    @app_commands.autocomplete(district=ac.districts)
    async def rumor_add(
        self,
        interaction: discord.Interaction,
        district: str,
        name: app_commands.Range[str, 1, 100],
        dc: app_commands.Range[int, 0],
        newspaper_weight: app_commands.Range[float, 0.0] = 1.0,
    ) -> None:
        ctx = await context(interaction)
        # Refuse an unknown district before the GM types a long text.
        found = await ctx.campaign.setup.district_detail(ctx.actor, district)
        await interaction.response.send_modal(
            RumorModal(found.district.id, found.district.name, name, dc, newspaper_weight)
        )

    @app_commands.command(name="rumors", description="Rumors with DCs and who knows them")
    @app_commands.describe(district="Only this district (default: every rumor)")
    @app_commands.autocomplete(district=ac.districts)
    async def list_rumors(
        self, interaction: discord.Interaction, district: str | None = None
    ) -> None:
        ctx = await context(interaction)
        lines = await ctx.campaign.setup.rumor_lines(ctx.actor, district)
        district_name = None
        if district is not None:
            names = {d.id: d.name for d in await ctx.campaign.queries.districts()}
            district_name = names.get(district, district)
        pages = render_sections(
            rumor_sections(lines, (await ctx.campaign.queries.names()).factions, district_name)
        )
        await Paginator(interaction.user.id, pages).show(
            interaction, ephemeral=gm_ephemeral(interaction, ctx)
        )

    @app_commands.command(
        name="rumor-delete", description="Delete a rumor (factions forget it too)"
    )
    @app_commands.describe(rumor="The rumor")
    @app_commands.autocomplete(rumor=ac.rumors)
    async def rumor_delete(self, interaction: discord.Interaction, rumor: str) -> None:
        ctx = await context(interaction)
        known = {r.rumor.id: r for r in await ctx.campaign.setup.rumor_lines(ctx.actor)}
        await ctx.campaign.setup.delete_rumor(ctx.actor, rumor)  # refuses unknown ids
        found = known.get(rumor)
        text = f"Rumor `{escape_name(rumor)}` deleted."
        if found is not None:
            title = escape_name(found.rumor.name or found.rumor.id)
            text = f"Rumor **{title}** of {escape_name(found.district_name)} deleted"
            if found.known_by:
                names = (await ctx.campaign.queries.names()).factions
                who = ", ".join(escape_name(names.get(f, f)) for f in found.known_by)
                text += f"; it leaves the known rumors of {who}"
            text += "."
        await reply(interaction, text, ephemeral=gm_ephemeral(interaction, ctx))


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(GMDistricts(bot))
