"""/campaign: create, configure, import, export and check the server's campaign (GM only).

Before a GM role is configured, server administrators act as GM (access.resolve_actor):
that is how a server bootstraps with ``/campaign new`` or ``/campaign import`` and then
``/campaign gm-role``. Answers carry the seed and true values, so they are public only
inside the GM channel.
"""

from __future__ import annotations

import dataclasses
import io

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from bot.campaign.images import file_problem
from bot.campaign.parse import check
from bot.render.report_layout import Section, render_sections
from bot.render.setup_views import (
    channel_mention,
    gm_role_text,
    health_lines,
    import_messages,
    overview_sections,
    problem_pages,
)
from bot.render.text import escape_name
from bot.render.turn_views import phase_label
from bot.services.errors import InvalidRequest
from bot.services.setup_checks import slugify
from bot.ui.context import context, gm_ephemeral, gm_only, gm_reply
from bot.ui.replies import defer, reply, send_messages
from bot.ui.views import Paginator

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
TOML_SUFFIX = ".toml"
# What Discord (and browsers) label a .toml upload; anything else is not a campaign file.
TOML_CONTENT_TYPES = frozenset(
    {
        "application/toml",
        "application/x-toml",
        "text/toml",
        "text/x-toml",
        "text/plain",
        "application/octet-stream",
    }
)


def parse_seed(text: str | None) -> int | None:
    """Seeds are unsigned 64-bit, beyond Discord's integer options (±2^53): typed as text."""
    if text is None or not text.strip():
        return None
    digits = text.strip().replace("_", "")
    if not digits.isascii() or not digits.isdigit():
        raise InvalidRequest(
            f"The seed must be a whole number from 0 to {2**64 - 1} (got '{escape_name(text)}')."
        )
    return int(digits)


def upload_problem(file: discord.Attachment) -> str | None:
    """Why an attachment cannot be a campaign file, judged before downloading it."""
    name = escape_name(file.filename)
    if not file.filename.lower().endswith(TOML_SUFFIX):
        return (
            f"'{name}' is not a campaign file: attach a `.toml` file (see docs/campaign-format.md)."
        )
    kind = (file.content_type or "").split(";")[0].strip().lower()
    if kind and kind not in TOML_CONTENT_TYPES:
        return (
            f"'{name}' is {escape_name(kind)}, not TOML text: attach the campaign's `.toml` file."
        )
    if file.size > MAX_UPLOAD_BYTES:
        return (
            f"'{name}' is {file.size / 1024 / 1024:.1f} MB; campaign files attached here may be "
            f"at most {MAX_UPLOAD_BYTES // 1024 // 1024} MB (larger ones: the operator's `bot.cli import`)."
        )
    return None


@app_commands.guild_only()
@gm_only()
class CampaignCog(
    commands.GroupCog, group_name="campaign", group_description="GM: the server's campaign"
):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="new", description="Create this server's campaign (turn 1)")
    @app_commands.describe(
        name="The campaign's name", seed="Random seed, 0 to 2^64-1 (default: drawn once)"
    )
    async def new(
        self,
        interaction: discord.Interaction,
        name: app_commands.Range[str, 1, 100],
        seed: app_commands.Range[str, 1, 30] | None = None,
    ) -> None:
        ctx = await context(interaction)
        settings = await ctx.campaign.setup.new_campaign(ctx.actor, name, parse_seed(seed))
        steps = [
            f"Campaign **{escape_name(settings.campaign_name)}** created: turn 1, "
            f"{phase_label('preparation')}. Seed: ||{settings.rng_seed}|| (keep it secret).",
            "Next: `/campaign gm-role`, `/campaign gm-channel`, `/campaign news-channel`, "
            "then `/gm-faction create` and `/gm-faction add-member` (or `/campaign import` a file).",
        ]
        if settings.gm_role_id is None:
            steps.append(
                "No GM role is set yet: every server administrator is GM until you set one."
            )
        await gm_reply(interaction, ctx, "\n".join(steps))

    @app_commands.command(name="show", description="The campaign's settings, turn and members")
    async def show(self, interaction: discord.Interaction) -> None:
        ctx = await context(interaction)
        view = await ctx.campaign.setup.overview(ctx.actor)
        await send_messages(
            interaction,
            render_sections(overview_sections(view)),
            ephemeral=gm_ephemeral(interaction, ctx),
        )

    @app_commands.command(name="gm-role", description="Set the GM role (admins lose GM powers)")
    @app_commands.describe(role="Members with this role run the campaign")
    async def gm_role(self, interaction: discord.Interaction, role: discord.Role) -> None:
        ctx = await context(interaction)
        if role.is_default():
            raise InvalidRequest("@everyone cannot be the GM role: everyone would be GM.")
        if role.managed:
            raise InvalidRequest(
                f"{escape_name(role.name)} is managed by an integration and cannot be given to "
                "people; pick a role you can assign."
            )
        await ctx.campaign.setup.configure(ctx.actor, gm_role_id=role.id)
        has_role = any(r.id == role.id for r in getattr(interaction.user, "roles", ()))
        await gm_reply(interaction, ctx, gm_role_text(role.id, actor_has_role=has_role))

    @app_commands.command(
        name="gm-channel", description="Set the GM channel (answers public there)"
    )
    @app_commands.describe(channel="Only GMs should read it: GM answers there are public")
    async def gm_channel(
        self, interaction: discord.Interaction, channel: discord.TextChannel
    ) -> None:
        ctx = await context(interaction)
        await ctx.campaign.setup.set_gm_channel(ctx.actor, channel.id)
        await gm_reply(
            interaction,
            dataclasses.replace(ctx, gm_channel_id=channel.id),  # answered by the new setting
            f"GM channel set to {channel_mention(channel.id)}. GM commands run there answer publicly "
            "(so other GMs see them); everywhere else they stay private. Keep it closed to players.",
        )

    @app_commands.command(name="news-channel", description="Set the channel the newspaper goes to")
    @app_commands.describe(channel="Everyone may read it: the newspaper is posted there")
    async def news_channel(
        self, interaction: discord.Interaction, channel: discord.TextChannel
    ) -> None:
        ctx = await context(interaction)
        await ctx.campaign.setup.set_news_channel(ctx.actor, channel.id)
        await gm_reply(
            interaction,
            ctx,
            f"News channel set to {channel_mention(channel.id)}: each turn's newspaper is posted there.",
        )

    @app_commands.command(name="import", description="Load a campaign file (.toml, up to 2 MB)")
    @app_commands.describe(
        file="The campaign file (TOML, see docs/campaign-format.md)",
        replace="Replace a campaign in progress (a backup is taken first)",
    )
    async def import_file(
        self, interaction: discord.Interaction, file: discord.Attachment, replace: bool = False
    ) -> None:
        ctx = await context(interaction)
        ephemeral = gm_ephemeral(interaction, ctx)
        refused = upload_problem(file)
        if refused is not None:
            raise InvalidRequest(refused)
        await defer(interaction, ephemeral=ephemeral)
        try:
            data = await file.read()
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as exc:
            raise InvalidRequest(
                f"'{escape_name(file.filename)}' could not be downloaded from Discord "
                f"({type(exc).__name__}); nothing was imported. Attach it again."
            ) from exc
        if len(data) > MAX_UPLOAD_BYTES:
            raise InvalidRequest(
                f"'{escape_name(file.filename)}' is larger than "
                f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB."
            )
        checked = check(data)
        if checked.campaign is None:
            pages = problem_pages(checked.problems, file.filename)
            await Paginator(interaction.user.id, pages).show(interaction, ephemeral=ephemeral)
            return
        base = checked.campaign.map.base_image if checked.campaign.map else None
        if base is not None and (ctx.campaign.assets_dir / base).exists():
            # The file names a base map the bot's assets folder holds: it must be an image.
            why = file_problem(ctx.campaign.assets_dir, base)
            if why is not None:
                raise InvalidRequest(
                    f"The base map `{escape_name(base)}` in the bot's assets folder {why}; "
                    "nothing was imported."
                )
        result = await ctx.campaign.setup.import_file(
            ctx.actor, checked.campaign, backup_dir=ctx.campaign.backups_dir, replace=replace
        )
        found = base is None or (ctx.campaign.assets_dir / base).is_file()
        await send_messages(
            interaction,
            import_messages(result, checked.campaign, checked.warnings, base_map_found=found),
            ephemeral=ephemeral,
        )

    @app_commands.command(name="export", description="The whole campaign as a file (private)")
    async def export(self, interaction: discord.Interaction) -> None:
        ctx = await context(interaction)
        await defer(interaction, ephemeral=True)
        exported = await ctx.campaign.setup.export_file(ctx.actor)
        filename = f"{slugify(exported.name, 'campaign')}-turn-{exported.turn}.toml"
        await reply(
            interaction,
            f"Campaign file of **{escape_name(exported.name)}** at turn {exported.turn}. "
            "It holds every secret (true influence, rumors, the seed): keep it private. "
            "`/campaign import` takes it back.",
            ephemeral=True,
            files=[discord.File(io.BytesIO(exported.text.encode("utf-8")), filename=filename)],
        )

    @app_commands.command(name="health", description="Database integrity and statistics")
    async def health(self, interaction: discord.Interaction) -> None:
        ctx = await context(interaction)
        ephemeral = gm_ephemeral(interaction, ctx)
        await defer(interaction, ephemeral=ephemeral)  # the integrity check reads every page
        report = await ctx.campaign.setup.health(ctx.actor)
        title = "Campaign database: healthy" if report.ok else "Campaign database: PROBLEM"
        await send_messages(
            interaction,
            render_sections([Section(title, health_lines(report))]),
            ephemeral=ephemeral,
        )


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(CampaignCog(bot))
