"""A newspaper issue as Discord embed data, split to fit Discord's limits.

Returns plain dicts (the shape of ``discord.Embed.to_dict()``), so this module needs
no discord import: the cog does ``discord.Embed.from_dict`` on each. Lengths are
counted in UTF-16 code units, as Discord does, which is never less than ``len``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.render.report_layout import CONTINUED, Embed, embed_length
from bot.render.text import (
    DESCRIPTION_LIMIT,
    EMBEDS_PER_MESSAGE,
    MESSAGE_TOTAL_LIMIT,
    TITLE_LIMIT,
    split_text,
    text_length,
    truncate,
)

BYLINE_LIMIT = 512  # keeps title + description + footer of one embed under 6000


@dataclass(frozen=True)
class IssueArticle:
    position: int
    section: str
    headline: str
    content: str
    author: str | None = None


@dataclass(frozen=True)
class NewspaperIssue:
    title: str
    number: int
    date: str
    turn: int
    articles: Sequence[IssueArticle]


def _masthead(issue: NewspaperIssue) -> Embed:
    suffix = f" - Issue #{issue.number}"  # kept whole however long the GM's title is
    return {
        "title": truncate(issue.title.strip(), TITLE_LIMIT - text_length(suffix)) + suffix,
        "description": truncate(f"Turn {issue.turn} | {issue.date}", DESCRIPTION_LIMIT),
    }


def _article_embeds(article: IssueArticle) -> list[Embed]:
    byline = article.section.strip()
    if article.author:
        byline = f"{byline} | by {article.author.strip()}" if byline else f"by {article.author}"
    chunks = split_text(article.content, DESCRIPTION_LIMIT) or [""]
    embeds: list[Embed] = []
    for index, chunk in enumerate(chunks):
        headline = article.headline.strip() or "Untitled"
        if index:
            headline = truncate(headline, TITLE_LIMIT - len(CONTINUED)) + CONTINUED
        embed: Embed = {"title": truncate(headline, TITLE_LIMIT)}
        if chunk:
            embed["description"] = chunk
        if byline and index == len(chunks) - 1:
            embed["footer"] = {"text": truncate(byline, BYLINE_LIMIT)}
        embeds.append(embed)
    return embeds


def render_issue(issue: NewspaperIssue) -> list[list[Embed]]:
    """Messages to send in order, each a list of at most 10 embeds within 6000 chars."""
    embeds = [_masthead(issue)]
    for article in sorted(issue.articles, key=lambda a: a.position):
        embeds.extend(_article_embeds(article))
    messages: list[list[Embed]] = []
    current: list[Embed] = []
    current_length = 0
    for embed in embeds:
        length = embed_length(embed)
        if current and (
            len(current) == EMBEDS_PER_MESSAGE or current_length + length > MESSAGE_TOTAL_LIMIT
        ):
            messages.append(current)
            current, current_length = [], 0
        current.append(embed)
        current_length += length
    if current:
        messages.append(current)
    return messages
