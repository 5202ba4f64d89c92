"""A newspaper issue as Discord embed data, split to fit Discord's limits.

Returns plain dicts (the shape of ``discord.Embed.to_dict()``), so this module needs
no discord import: the cog does ``discord.Embed.from_dict`` on each. Lengths are
counted in UTF-16 code units, as Discord does, which is never less than ``len``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FOOTER_LIMIT = 2048
BYLINE_LIMIT = 512  # keeps title + description + footer of one embed under 6000
MESSAGE_TOTAL_LIMIT = 6000
EMBEDS_PER_MESSAGE = 10
CONTINUED = " (continued)"

Embed = dict[str, Any]


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


def text_length(text: str) -> int:
    """Discord's length: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _prefix_fitting(text: str, limit: int) -> int:
    """How many code points of ``text`` fit in ``limit`` UTF-16 units."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return index
    return len(text)


def truncate(text: str, limit: int) -> str:
    if text_length(text) <= limit:
        return text
    return text[: _prefix_fitting(text, limit - 3)].rstrip() + "..."


def split_text(text: str, limit: int) -> list[str]:
    """Chunks of at most ``limit`` units, cut at a paragraph, line or word when one is
    in the second half of the chunk, otherwise mid-word."""
    chunks: list[str] = []
    rest = text.strip()
    while text_length(rest) > limit:
        hard = _prefix_fitting(rest, limit)
        cut = hard
        for separator in ("\n\n", "\n", " "):
            found = rest.rfind(separator, 0, hard)
            if found > hard // 2:
                cut = found
                break
        chunk = rest[:cut].rstrip()
        if not chunk:
            chunk, cut = rest[:hard], hard
        chunks.append(chunk)
        rest = rest[cut:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks


def embed_length(embed: Embed) -> int:
    """The characters Discord counts toward the 6000 per message."""
    total = text_length(embed.get("title", "")) + text_length(embed.get("description", ""))
    total += text_length(embed.get("footer", {}).get("text", ""))
    total += text_length(embed.get("author", {}).get("name", ""))
    for item in embed.get("fields", ()):
        total += text_length(item["name"]) + text_length(item["value"])
    return total


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
