"""/news (anyone: the archive) and /gm-news (the GM's drafting desk).

The GM drafts one issue at a time between turns: the bot proposes articles from
rumors (hints, not secrets), the GM edits them in Modals, previews exactly what
will be posted, and publishes to the news channel through the outbox.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.render.report_layout import Section, render_sections
from bot.render.text import escape_name, truncate
from bot.rules.newspaper import DEFAULT_SECTION
from bot.services.errors import InvalidRequest
from bot.services.newspaper import ArticleView, IssueDetail
from bot.ui.autocomplete import choices, safe
from bot.ui.context import Ctx, context, gm_check, gm_ephemeral, gm_only
from bot.ui.errors import handle_error, log_invocation, mark_started
from bot.ui.replies import reply
from bot.ui.views import ConfirmView, Paginator


def issue_pages(embeds_per_message: tuple[tuple[dict, ...], ...]) -> list[dict]:
    return [{"content": None, "embeds": list(m)} for m in embeds_per_message]


def draft_messages(detail: IssueDetail) -> list[dict]:
    """The GM's desk view: the article list with ids and problems, then the exact preview."""
    lines = [
        f"• `{a.id}` #{a.position} [{escape_name(a.section)}] **{escape_name(a.headline)}**"
        + (" — needs rewriting (no hint)" if a.needs_rewrite else "")
        + (" — rumor hint" if a.contains_hint else "")
        for a in detail.articles
    ]
    status = (
        ["Ready to publish with /gm-news publish."]
        if detail.publishable
        else [f"Not publishable yet: {p}" for p in detail.problems]
    )
    desk = Section(
        f"Draft issue #{detail.issue.number}: {escape_name(detail.issue.title)}",
        [*(lines or ["No articles yet: /gm-news add writes one."]), "", *status],
        footer="Below: exactly what the news channel will receive.",
    )
    return [*render_sections([desk]), *issue_pages(detail.messages)]


async def current_draft(ctx: Ctx) -> IssueDetail:
    detail = await ctx.campaign.newspaper.current_draft(ctx.actor)
    if detail is None:
        raise InvalidRequest("There is no draft issue: start one with /gm-news create.")
    return detail


@safe
async def draft_articles(interaction: discord.Interaction, current: str) -> list:
    ctx = await context(interaction)
    if not ctx.is_gm:
        return []
    detail = await ctx.campaign.newspaper.current_draft(ctx.actor)
    if detail is None:
        return []
    return choices(((f"#{a.position} {a.headline}", a.id) for a in detail.articles), current)


class ArticleModal(discord.ui.Modal):
    """Headline, section, author and text; adds a new article or edits one."""

    def __init__(self, issue_id: str, article: ArticleView | None = None) -> None:
        super().__init__(title="Edit article" if article else "New article", timeout=1800)
        self.issue_id = issue_id
        self.article_id = article.id if article else None
        self.headline = discord.ui.TextInput(
            label="Headline", max_length=200, default=article.headline if article else None
        )
        self.section = discord.ui.TextInput(
            label="Section",
            max_length=100,
            default=article.section if article else DEFAULT_SECTION,
        )
        self.author = discord.ui.TextInput(
            label="Author (optional)",
            max_length=100,
            required=False,
            default=(article.author or None) if article else None,
        )
        self.content = discord.ui.TextInput(
            label="Text",
            style=discord.TextStyle.paragraph,
            max_length=4000,
            default=(article.content or None) if article else None,
        )
        for item in (self.headline, self.section, self.author, self.content):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        mark_started(interaction)
        await gm_check(interaction)
        ctx = await context(interaction)
        fields = {
            "headline": self.headline.value,
            "section": self.section.value,
            "author": self.author.value or None,
            "content": self.content.value,
        }
        if self.article_id is None:
            article = await ctx.campaign.newspaper.add_article(ctx.actor, self.issue_id, **fields)
            verb = "added"
        else:
            article = await ctx.campaign.newspaper.edit_article(
                ctx.actor, self.article_id, **fields
            )
            verb = "saved"
        await reply(
            interaction,
            f"Article `{article.id}` {verb}: **{escape_name(article.headline)}** "
            f"(position {article.position}). /gm-news show previews the issue.",
        )
        log_invocation(interaction, "ok")

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await handle_error(interaction, error)


@app_commands.guild_only()
class News(commands.GroupCog, group_name="news", group_description="The city's newspaper"):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="list", description="Every published issue")
    async def list_issues(self, interaction: discord.Interaction) -> None:
        ctx = await context(interaction)
        archive = await ctx.campaign.newspaper.archive()
        lines = [
            f"• #{e.number} **{escape_name(e.title)}** ({e.date}, turn {e.turn})" for e in archive
        ]
        pages = render_sections([Section("The archive", lines or ["No issue published yet."])])
        await Paginator(interaction.user.id, pages).show(interaction)

    @app_commands.command(name="read", description="Read a published issue")
    @app_commands.describe(number="Issue number (default: the latest)")
    async def read(
        self,
        interaction: discord.Interaction,
        number: app_commands.Range[int, 1, 100000] | None = None,
    ) -> None:
        ctx = await context(interaction)
        if number is None:
            archive = await ctx.campaign.newspaper.archive()
            if not archive:
                raise InvalidRequest("No issue has been published yet.")
            number = archive[-1].number
        issue = await ctx.campaign.newspaper.open_issue(number)
        await Paginator(interaction.user.id, issue_pages(issue.messages)).show(interaction)


@app_commands.guild_only()
@gm_only()
class GMNews(commands.GroupCog, group_name="gm-news", group_description="GM: the newspaper desk"):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    async def _show(self, interaction: discord.Interaction, ctx: Ctx, detail: IssueDetail) -> None:
        await Paginator(interaction.user.id, draft_messages(detail)).show(
            interaction, ephemeral=gm_ephemeral(interaction, ctx)
        )

    @app_commands.command(name="create", description="Start the next issue, with proposed articles")
    @app_commands.describe(title="The issue's title", articles="How many rumor articles to propose")
    async def create(
        self,
        interaction: discord.Interaction,
        title: app_commands.Range[str, 1, 100],
        articles: app_commands.Range[int, 0, 10] = 3,
    ) -> None:
        ctx = await context(interaction)
        detail = await ctx.campaign.newspaper.create_issue(ctx.actor, title, articles)
        await self._show(interaction, ctx, detail)

    @app_commands.command(name="show", description="The draft: its articles and the exact preview")
    async def show(self, interaction: discord.Interaction) -> None:
        ctx = await context(interaction)
        await self._show(interaction, ctx, await current_draft(ctx))

    @app_commands.command(name="add", description="Write a new article (opens a form)")
    async def add(self, interaction: discord.Interaction) -> None:
        ctx = await context(interaction)
        draft = await current_draft(ctx)
        await interaction.response.send_modal(ArticleModal(draft.issue.id))

    @app_commands.command(name="edit", description="Rewrite an article (opens a form)")
    @app_commands.describe(article="An article of the draft")
    @app_commands.autocomplete(article=draft_articles)
    async def edit(self, interaction: discord.Interaction, article: str) -> None:
        ctx = await context(interaction)
        draft = await current_draft(ctx)
        found = next((a for a in draft.articles if a.id == article), None)
        if found is None:
            raise InvalidRequest(f"The draft has no article '{truncate(article, 40)}'.")
        await interaction.response.send_modal(ArticleModal(draft.issue.id, found))

    @app_commands.command(name="remove", description="Drop an article from the draft")
    @app_commands.autocomplete(article=draft_articles)
    async def remove(self, interaction: discord.Interaction, article: str) -> None:
        ctx = await context(interaction)
        detail = await ctx.campaign.newspaper.remove_article(ctx.actor, article)
        await reply(
            interaction,
            f"Article removed; the draft has {len(detail.articles)} article(s).",
            ephemeral=gm_ephemeral(interaction, ctx),
        )

    @app_commands.command(name="move", description="Move an article to another position")
    @app_commands.autocomplete(article=draft_articles)
    async def move(
        self,
        interaction: discord.Interaction,
        article: str,
        position: app_commands.Range[int, 1, 25],
    ) -> None:
        ctx = await context(interaction)
        moved = await ctx.campaign.newspaper.edit_article(ctx.actor, article, position=position)
        await reply(
            interaction,
            f"Article `{moved.id}` is now at position {moved.position}.",
            ephemeral=gm_ephemeral(interaction, ctx),
        )

    @app_commands.command(name="title", description="Rename the draft issue")
    async def title(
        self, interaction: discord.Interaction, title: app_commands.Range[str, 1, 100]
    ) -> None:
        ctx = await context(interaction)
        draft = await current_draft(ctx)
        detail = await ctx.campaign.newspaper.set_title(ctx.actor, draft.issue.id, title)
        await reply(
            interaction,
            f"Issue #{detail.issue.number} is now titled {escape_name(detail.issue.title)}.",
            ephemeral=gm_ephemeral(interaction, ctx),
        )

    @app_commands.command(name="delete", description="Throw the draft away")
    async def delete(self, interaction: discord.Interaction) -> None:
        ctx = await context(interaction)
        draft = await current_draft(ctx)
        issue_id = draft.issue.id
        await reply(
            interaction,
            f"Delete draft issue #{draft.issue.number} ({escape_name(draft.issue.title)})?",
            view=ConfirmView(
                interaction.user.id,
                confirm_label="Delete the draft",
                action=lambda clicked: self._delete_draft(clicked, issue_id),
                kept="The draft is kept.",
                timeout=120,
            ),
        )

    @staticmethod
    async def _delete_draft(clicked: discord.Interaction, issue_id: str) -> str:
        now = await context(clicked)
        await now.campaign.newspaper.delete_draft(now.actor, issue_id)
        return "The draft is deleted; its rumors can be proposed again."

    @app_commands.command(name="publish", description="Publish the draft to the news channel")
    async def publish(self, interaction: discord.Interaction) -> None:
        ctx = await context(interaction)
        draft = await current_draft(ctx)
        result = await ctx.campaign.newspaper.publish(ctx.actor, draft.issue.id)
        self.bot.deliveries.kick()  # type: ignore[attr-defined]
        await reply(
            interaction,
            f"Issue #{result.issue.number} ({escape_name(result.issue.title)}) is published: "
            f"it goes to <#{result.channel_id}> now and is in the archive (/news read).",
            ephemeral=gm_ephemeral(interaction, ctx),
        )


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(News(bot))
    await bot.add_cog(GMNews(bot))
