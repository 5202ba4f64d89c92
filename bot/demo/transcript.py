"""A readable transcript of a scripted session: what each person typed and saw.

Drives the emulator exactly as the tests do and prints every command with the
bot's answers (marked when only the caller could see them), channel posts and DMs,
with embeds flattened to text.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bot.emulator import Channel, Emulator, InteractionResult, Member, Message

WIDTH = 100
MAX_EMBED_LINES = 14
_MENTION = re.compile(r"<(@&|@!?|#)(\d+)>")
_TIMESTAMP = re.compile(r"<t:(\d+):[a-zA-Z]>")
_ESCAPE = re.compile(r"\\([\\*_~`|>#\-])")


def _option_text(value: Any) -> str:
    name = getattr(value, "name", None) or getattr(value, "filename", None)
    return str(name if name is not None else value)


def embed_lines(embed: dict[str, Any]) -> list[str]:
    lines = []
    if embed.get("title"):
        lines.append(f"[{embed['title']}]")
    for line in str(embed.get("description") or "").splitlines():
        lines.append(line)
    for item in embed.get("fields") or ():
        lines.append(f"{item.get('name')}: {item.get('value')}")
    if embed.get("footer", {}).get("text"):
        lines.append(f"({embed['footer']['text']})")
    if len(lines) > MAX_EMBED_LINES:
        lines = [*lines[:MAX_EMBED_LINES], f"… {len(lines) - MAX_EMBED_LINES} more line(s)"]
    return lines


def message_lines(message: Message) -> list[str]:
    lines = message.content.splitlines() if message.content else []
    for embed in message.embeds:
        lines += embed_lines(embed)
    lines += [f"📎 {f.filename} ({f.size // 1024} KiB)" for f in message.files]
    buttons = [c for c in message.custom_ids()]
    if buttons:
        labels = []
        for row in message.components:
            labels += [c.get("label", "?") for c in row.get("components", [])]
        lines.append("buttons: " + " | ".join(f"[{label}]" for label in labels))
    return lines


class Transcript:
    def __init__(self, emu: Emulator, out: Callable[[str], None] = print) -> None:
        self.emu = emu
        self.out = out

    def readable(self, line: str) -> str:
        """What a Discord client would display: names for mentions, no markdown escapes."""

        def mention(match: re.Match[str]) -> str:
            kind, snowflake = match.groups()
            if kind == "#":
                channel = self.emu.channels.get(snowflake)
                return f"#{channel.name}" if channel else "#unknown"
            if kind == "@&":
                for guild in self.emu.guilds.values():
                    if snowflake in guild.roles:
                        return f"@{guild.roles[snowflake].name}"
                return "@role"
            user = self.emu.users.get(snowflake)
            return f"@{user.username}" if user else "@someone"

        def timestamp(match: re.Match[str]) -> str:
            moment = datetime.fromtimestamp(int(match.group(1)), UTC)
            return moment.strftime("%Y-%m-%d %H:%M UTC")

        line = _MENTION.sub(mention, line)
        line = _TIMESTAMP.sub(timestamp, line)
        return _ESCAPE.sub(r"\1", line).replace("**", "")

    def heading(self, text: str) -> None:
        self.out("")
        self.out(f"━━ {text} " + "━" * max(0, WIDTH - len(text) - 4))

    def note(self, text: str) -> None:
        for line in textwrap.wrap(text, WIDTH - 2):
            self.out(f"  {line}")

    def _show(self, who: str, message: Message | None, *, private: bool) -> None:
        if message is None:
            return
        marker = f"bot → {who} only" if private else "bot"
        lines = message_lines(message) or ["(empty)"]
        self.out(f"    {marker} ›")
        for line in map(self.readable, lines):
            for wrapped in textwrap.wrap(line, WIDTH - 8) or [""]:
                self.out(f"        {wrapped}")

    async def command(
        self, member: Member, command: str, /, *, in_channel: Channel | None = None, **options: Any
    ) -> InteractionResult:
        shown = " ".join(f"{k}:{_option_text(v)}" for k, v in options.items())
        where = f" (in #{in_channel.name})" if in_channel else ""
        self.out(f"{member.name}{where} › /{command} {shown}".rstrip())
        result = await self.emu.invoke(member, command, in_channel=in_channel, **options)
        if result.deferred:
            await result.wait_followups(1, timeout=30)
        await self.answers(member, result)
        return result

    async def click(
        self, member: Member, message: Message, custom_id: str, label: str
    ) -> InteractionResult:
        self.out(f"{member.name} › clicks [{label}]")
        result = await self.emu.click(member, message, custom_id)
        await self.answers(member, result, edited=message)
        return result

    async def answers(
        self, member: Member, result: InteractionResult, *, edited: Message | None = None
    ) -> None:
        if result.response_kind == "update_message" and edited is not None:
            self._show(member.name, edited, private=edited.ephemeral)
        elif result.original is not None and not result.deferred:
            self._show(member.name, result.original, private=result.ephemeral)
        for followup in result.followups:
            self._show(member.name, followup, private=followup.ephemeral or result.ephemeral)

    def channel_post(self, channel: Channel, message: Message) -> None:
        self.out(f"  #{channel.name} ‹ new message")
        self._show(channel.name, message, private=False)

    def dm(self, member: Member, messages: list[Message]) -> None:
        self.out(f"  {member.name}'s DMs ‹ {len(messages)} message(s)")
        for message in messages:
            self._show(member.name, message, private=True)
