"""Answering an interaction the same way whether or not it was deferred already.

Every answer goes out with ``AllowedMentions.none()`` (the bot's default too), so a
name or free text that looks like a mention never pings anyone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import discord

from bot.render.report_layout import Message

NO_MENTIONS = discord.AllowedMentions.none()


def embeds_of(message: Message) -> list[discord.Embed]:
    return [discord.Embed.from_dict(e) for e in message.get("embeds") or ()]


async def reply(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    embeds: Sequence[discord.Embed] = (),
    ephemeral: bool = True,
    view: discord.ui.View | None = None,
    files: Sequence[discord.File] = (),
) -> None:
    """First response, or a followup when the interaction was answered/deferred already."""
    kwargs: dict[str, Any] = {
        "content": content,
        "embeds": list(embeds),
        "ephemeral": ephemeral,
        "allowed_mentions": NO_MENTIONS,
    }
    if view is not None:
        kwargs["view"] = view
    if files:
        kwargs["files"] = list(files)
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)
    else:
        await interaction.response.send_message(**kwargs)


async def send_messages(
    interaction: discord.Interaction,
    messages: Sequence[Message],
    *,
    ephemeral: bool = True,
    files: Sequence[discord.File] = (),
    view: discord.ui.View | None = None,
) -> None:
    """Rendered messages in order; files and view ride on the last one."""
    messages = list(messages) or [{"content": "Nothing to show.", "embeds": []}]
    for index, message in enumerate(messages):
        last = index == len(messages) - 1
        await reply(
            interaction,
            message.get("content"),
            embeds=embeds_of(message),
            ephemeral=ephemeral,
            files=files if last else (),
            view=view if last else None,
        )


async def defer(interaction: discord.Interaction, *, ephemeral: bool = True) -> None:
    """Buy time (Discord's 3 s limit) before slow work; harmless when already answered."""
    if not interaction.response.is_done():
        await interaction.response.defer(ephemeral=ephemeral, thinking=True)
