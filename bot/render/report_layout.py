"""Sections of lines to embed dicts to messages, always within Discord's limits.

A renderer thinks in sections (a title and lines); this module decides where embeds
and messages break. A ``Message`` is ``{"content": str | None, "embeds": [embed dict]}``
and each embed dict is ``discord.Embed.from_dict`` compatible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.render.text import (
    CONTENT_LIMIT,
    DESCRIPTION_LIMIT,
    EMBEDS_PER_MESSAGE,
    FOOTER_LIMIT,
    MESSAGE_TOTAL_LIMIT,
    TITLE_LIMIT,
    cut_lines,
    pack_lines,
    text_length,
    truncate,
)

Embed = dict[str, Any]
Message = dict[str, Any]

CONTINUED = " (continued)"


@dataclass
class Section:
    """One titled block of a report; becomes one embed, or several when long."""

    title: str
    lines: list[str] = field(default_factory=list)
    color: int | None = None
    footer: str = ""


def embed_length(embed: Embed) -> int:
    """The characters Discord counts toward the 6000 per message."""
    total = text_length(embed.get("title", "")) + text_length(embed.get("description", ""))
    total += text_length(embed.get("footer", {}).get("text", ""))
    total += text_length(embed.get("author", {}).get("name", ""))
    for item in embed.get("fields", ()):
        total += text_length(item["name"]) + text_length(item["value"])
    return total


def _title(title: str, continued: bool) -> str:
    if not continued:
        return truncate(title, TITLE_LIMIT)
    return truncate(title, TITLE_LIMIT - len(CONTINUED)) + CONTINUED


def _embed(section: Section, title: str, description: str, last: bool) -> Embed:
    embed: Embed = {"title": title}
    if description:
        embed["description"] = description
    if section.color is not None:
        embed["color"] = section.color
    if section.footer and last:
        embed["footer"] = {"text": truncate(section.footer, FOOTER_LIMIT)}
    return embed


def section_embeds(section: Section) -> list[Embed]:
    """Every line kept: a long section continues in further embeds."""
    chunks = pack_lines(section.lines, DESCRIPTION_LIMIT) or [""]
    return [
        _embed(section, _title(section.title, index > 0), chunk, index == len(chunks) - 1)
        for index, chunk in enumerate(chunks)
    ]


def pack_messages(embeds: Sequence[Embed]) -> list[Message]:
    """Embeds in order, as few messages as the 10-embed and 6000-character caps allow."""
    messages: list[Message] = []
    current: list[Embed] = []
    used = 0
    for embed in embeds:
        length = embed_length(embed)
        if current and (len(current) == EMBEDS_PER_MESSAGE or used + length > MESSAGE_TOTAL_LIMIT):
            messages.append({"content": None, "embeds": current})
            current, used = [], 0
        current.append(embed)
        used += length
    if current:
        messages.append({"content": None, "embeds": current})
    return messages


def render_sections(sections: Sequence[Section]) -> list[Message]:
    """A whole report, split over as many messages as it needs; nothing is cut."""
    return pack_messages([embed for section in sections for embed in section_embeds(section)])


def _merge_overflow(sections: Sequence[Section]) -> list[Section]:
    """More sections than embeds allowed: the rest become headed lines of the last one."""
    if len(sections) <= EMBEDS_PER_MESSAGE:
        return list(sections)
    kept = list(sections[: EMBEDS_PER_MESSAGE - 1])
    tail = sections[EMBEDS_PER_MESSAGE - 1 :]
    lines: list[str] = []
    for section in tail:
        lines.append(f"**{section.title}**")
        lines.extend(section.lines)
    kept.append(Section(f"{tail[0].title} and {len(tail) - 1} more", lines, tail[0].color))
    return kept


def _shares(wants: Sequence[int], budget: int) -> list[int]:
    """Water-filling: small sections get all they want, big ones split the rest."""
    shares = [0] * len(wants)
    order = sorted(range(len(wants)), key=lambda i: wants[i])
    left = budget
    for position, index in enumerate(order):
        fair = left // (len(order) - position)
        shares[index] = min(wants[index], fair, DESCRIPTION_LIMIT)
        left -= shares[index]
    return shares


def render_single_message(sections: Sequence[Section]) -> Message:
    """Everything in ONE message (the bot attaches buttons to it): lines that do not
    fit are replaced by "(N more...)"."""
    merged = _merge_overflow(sections)
    titles = [_title(s.title, False) for s in merged]
    footers = [truncate(s.footer, FOOTER_LIMIT) if s.footer else "" for s in merged]
    fixed = sum(text_length(t) + text_length(f) for t, f in zip(titles, footers, strict=True))
    wants = [text_length("\n".join(s.lines)) for s in merged]
    shares = _shares(wants, max(0, MESSAGE_TOTAL_LIMIT - fixed))
    embeds = [
        _embed(section, title, cut_lines(section.lines, share) if share else "", True)
        for section, title, share in zip(merged, titles, shares, strict=True)
    ]
    return {"content": None, "embeds": embeds}


def plain_messages(lines: Sequence[str]) -> list[Message]:
    """Plain-text fallback: content chunks of at most 2000 characters."""
    return [{"content": chunk, "embeds": []} for chunk in pack_lines(lines, CONTENT_LIMIT)]
