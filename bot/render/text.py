"""Text helpers every Discord renderer needs: Discord's limits, length, cutting, escaping.

Lengths are counted in UTF-16 code units, as Discord does (never less than ``len``).
Nothing is cut silently: ``cut_lines`` says how many lines it left out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from discord.utils import escape_markdown

CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELDS_PER_EMBED = 25
FOOTER_LIMIT = 2048
AUTHOR_LIMIT = 256
EMBEDS_PER_MESSAGE = 10
MESSAGE_TOTAL_LIMIT = 6000

ZERO_WIDTH_SPACE = "\u200b"
ELLIPSIS = "..."

_ORDERED_LIST = re.compile(r"^(\s*\d+)\.(?=\s)", re.MULTILINE)
_WHITESPACE = re.compile(r"\s+")


def text_length(text: str) -> int:
    """Discord's length: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def prefix_fitting(text: str, limit: int) -> int:
    """How many code points of ``text`` fit in ``limit`` UTF-16 units."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return index
    return len(text)


def truncate(text: str, limit: int) -> str:
    """For labels only (titles, names), where a visible "..." is the honest cut."""
    if text_length(text) <= limit:
        return text
    return text[: prefix_fitting(text, limit - len(ELLIPSIS))].rstrip() + ELLIPSIS


def split_text(text: str, limit: int) -> list[str]:
    """Chunks of at most ``limit`` units, cut at a paragraph, line or word when one is
    in the second half of the chunk, otherwise mid-word. Nothing is dropped."""
    chunks: list[str] = []
    rest = text.strip()
    while text_length(rest) > limit:
        hard = prefix_fitting(rest, limit)
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


def pack_lines(lines: Sequence[str], limit: int) -> list[str]:
    """Join lines into as few chunks of at most ``limit`` units as possible, breaking
    only between lines unless one line alone is too long."""
    chunks: list[str] = []
    current = ""
    for line in lines:
        pieces = split_text(line, limit) if text_length(line) > limit else [line]
        for piece in pieces:
            candidate = f"{current}\n{piece}" if current else piece
            if current and text_length(candidate) > limit:
                chunks.append(current)
                current = piece
            else:
                current = candidate
    if current:
        chunks.append(current)
    return chunks


def more_marker(count: int) -> str:
    return f"({count} more...)"


def cut_lines(lines: Sequence[str], limit: int) -> str:
    """As many whole lines as fit in ``limit`` units, then "(N more...)" for the rest."""
    if text_length("\n".join(lines)) <= limit:
        return "\n".join(lines)
    kept: list[str] = []
    used = 0
    for index, line in enumerate(lines):
        marker = more_marker(len(lines) - index)
        cost = text_length(line) + (1 if kept else 0)
        if used + cost + 1 + text_length(marker) > limit:
            return "\n".join([*kept, marker]) if kept else truncate(marker, limit)
        kept.append(line)
        used += cost
    return "\n".join(kept)  # unreachable: the whole text did not fit


def neutralise_mentions(text: str) -> str:
    """A zero-width space after every '@' and '<' so no mention, role, channel or
    @everyone/@here can form, whatever AllowedMentions the sender uses."""
    return text.replace("@", "@" + ZERO_WIDTH_SPACE).replace("<", "<" + ZERO_WIDTH_SPACE)


def escape_text(text: str | None) -> str:
    """User-written prose (descriptions, notes, rumor text): line breaks kept, markdown
    and mentions made inert."""
    if not text:
        return ""
    escaped = escape_markdown(text)  # backslashes included, so ours stay ours
    escaped = _ORDERED_LIST.sub(r"\1\\.", escaped)
    return neutralise_mentions(escaped)


def escape_name(text: str | None) -> str:
    """User-written names shown inline: one line, markdown and mentions made inert."""
    return escape_text(_WHITESPACE.sub(" ", text or "").strip())
