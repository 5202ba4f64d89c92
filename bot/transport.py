"""The delivery service's Transport over discord.py: DMs and channel messages.

Discord errors are sorted into the two kinds the outbox understands: a recipient
out of reach (DMs closed, unknown user or channel, no access) and a failure worth
retrying later. discord.py itself already waits out 429s and retries 5xx a few
times before an error reaches here.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import aiohttp
import discord

from bot.services.deliveries import Outgoing, TransientFailure, Unreachable
from bot.ui.views import routed_view

CANNOT_DM = 50007
UNREACHABLE_CODES = {CANNOT_DM, 10003, 10013, 50001, 50013}  # DMs closed, unknown, no access


def to_discord_files(message: Outgoing) -> list[discord.File]:
    return [
        discord.File(io.BytesIO(f.data), filename=f.filename, description=f.description)
        for f in message.files
    ]


class DiscordTransport:
    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def send_to_user(self, user_id: int, messages: Sequence[Outgoing]) -> None:
        user = self.client.get_user(user_id)
        try:
            if user is None:
                user = await self.client.fetch_user(user_id)
            channel = user.dm_channel or await user.create_dm()
        except discord.NotFound as exc:
            raise Unreachable(f"unknown user {user_id}") from exc
        except (TimeoutError, discord.HTTPException, aiohttp.ClientError) as exc:
            raise TransientFailure(f"could not open a DM with {user_id}: {exc}") from exc
        await self._send(channel, messages)

    async def send_to_channel(self, channel_id: int, messages: Sequence[Outgoing]) -> None:
        channel = self.client.get_channel(channel_id)
        try:
            if channel is None:
                channel = await self.client.fetch_channel(channel_id)
        except (discord.NotFound, discord.Forbidden) as exc:
            raise Unreachable(f"channel {channel_id} is gone or hidden from the bot") from exc
        except (TimeoutError, discord.HTTPException, aiohttp.ClientError) as exc:
            raise TransientFailure(f"could not open channel {channel_id}: {exc}") from exc
        if not isinstance(channel, discord.abc.Messageable):
            raise Unreachable(f"channel {channel_id} cannot receive messages")
        await self._send(channel, messages)

    @staticmethod
    async def _send(channel: discord.abc.Messageable, messages: Sequence[Outgoing]) -> None:
        for message in messages:
            try:
                view = routed_view(message.buttons)
                await channel.send(
                    content=message.content,
                    embeds=[discord.Embed.from_dict(e) for e in message.embeds],
                    files=to_discord_files(message),
                    nonce=message.nonce,
                    allowed_mentions=discord.AllowedMentions.none(),
                    **({"view": view} if view is not None else {}),
                )
            except discord.HTTPException as exc:
                if exc.code in UNREACHABLE_CODES or isinstance(exc, discord.NotFound):
                    raise Unreachable(_reason(exc)) from exc
                raise TransientFailure(_reason(exc)) from exc
            except (TimeoutError, aiohttp.ClientError) as exc:
                raise TransientFailure(f"network error: {exc}") from exc


def _reason(exc: discord.HTTPException) -> str:
    if exc.code == CANNOT_DM:
        return "DMs closed (Discord 50007)"
    return f"Discord {exc.status} (code {exc.code}): {exc.text[:200]}"
