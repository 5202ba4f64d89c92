"""JSON payloads in the exact shapes discord.py's parsers read (types/*.py of discord.py)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from bot.emulator.model import (
    CATEGORY_CHANNEL,
    DM_CHANNEL,
    Channel,
    Guild,
    Member,
    Message,
    Role,
    StoredFile,
    User,
)


def user(u: User) -> dict[str, Any]:
    return {
        "id": u.id,
        "username": u.username,
        "discriminator": "0",
        "global_name": u.username,
        "avatar": None,
        "bot": u.bot,
        "public_flags": 0,
        "flags": 0,
    }


def role(r: Role) -> dict[str, Any]:
    return {
        "id": r.id,
        "name": r.name,
        "color": r.color,
        "hoist": r.hoist,
        "position": r.position,
        "permissions": str(r.permissions),
        "managed": False,
        "mentionable": r.mentionable,
        "flags": 0,
    }


def channel(c: Channel, users: dict[str, User] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"id": c.id, "type": c.type}
    if c.type == DM_CHANNEL:
        recipient = (users or {}).get(c.recipient_id or "")
        data["recipients"] = [user(recipient)] if recipient else []
        data["last_message_id"] = None
        return data
    data.update(
        {
            "guild_id": c.guild_id,
            "name": c.name,
            "position": c.position,
            "permission_overwrites": [],
            "parent_id": c.parent_id,
            "nsfw": False,
            "flags": 0,
        }
    )
    if c.type != CATEGORY_CHANNEL:
        data.update({"topic": c.topic, "last_message_id": None, "rate_limit_per_user": 0})
    return data


def member(m: Member, guild: Guild | None = None, *, with_user: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "roles": list(m.role_ids),
        "nick": m.nick,
        "avatar": None,
        "joined_at": m.joined_at,
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "flags": 0,
        "communication_disabled_until": None,
    }
    if with_user:
        data["user"] = user(m.user)
    if guild is not None:
        data["permissions"] = str(guild.permissions_of(m))
    return data


def guild(g: Guild) -> dict[str, Any]:
    """The full GUILD_CREATE payload (members included, so discord.py needs no chunking)."""
    return {
        "id": g.id,
        "name": g.name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "owner_id": g.owner_id,
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": [role(r) for r in g.roles.values()],
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "vanity_url_code": None,
        "description": None,
        "banner": None,
        "premium_tier": 0,
        "preferred_locale": "en-US",
        "public_updates_channel_id": None,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "joined_at": "2024-01-01T00:00:00.000000+00:00",
        "large": False,
        "unavailable": False,
        "member_count": len(g.members),
        "voice_states": [],
        "members": [member(m) for m in g.members.values()],
        "channels": [channel(c) for c in g.channels.values()],
        "threads": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }


def attachment(f: StoredFile, base_url: str, channel_id: str) -> dict[str, Any]:
    # Quoted like a CDN path: a name with "/" or ".." stays one segment.
    url = f"{base_url}/attachments/{channel_id}/{f.id}/{quote(f.filename, safe='')}"
    data: dict[str, Any] = {
        "id": f.id,
        "filename": f.filename,
        "size": f.size,
        "url": url,
        "proxy_url": url,
    }
    if f.content_type:
        data["content_type"] = f.content_type
    if f.description:
        data["description"] = f.description
    return data


def message(m: Message, author: User, base_url: str, guild_id: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": m.id,
        "channel_id": m.channel_id,
        "author": user(author),
        "content": m.content,
        "timestamp": m.timestamp,
        "edited_timestamp": m.edited_timestamp,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [attachment(f, base_url, m.channel_id) for f in m.files],
        "embeds": m.embeds,
        "components": m.components,
        "pinned": False,
        "type": 0 if m.interaction_id is None else 20,
        "flags": m.flags,
    }
    if m.webhook_id:
        data["webhook_id"] = m.webhook_id
        data["application_id"] = m.webhook_id
    if guild_id:
        data["guild_id"] = guild_id
    return data
