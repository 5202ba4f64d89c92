"""The emulator's in-memory Discord world: plain dataclasses, serialised by payloads.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.emulator.ids import iso_now, snowflake

ADMINISTRATOR = 1 << 3
ALL_PERMISSIONS = (1 << 53) - 1
DEFAULT_EVERYONE_PERMISSIONS = 0x0000_0006_3384_0E41  # view, send, history, reactions, slash...

TEXT_CHANNEL = 0
DM_CHANNEL = 1
CATEGORY_CHANNEL = 4
EPHEMERAL_FLAG = 1 << 6


@dataclass
class User:
    """A Discord account; members and the bot user both point at one."""

    id: str
    username: str
    bot: bool = False
    dm_open: bool = True


@dataclass
class Role:
    id: str
    guild_id: str
    name: str
    permissions: int = 0
    position: int = 0
    mentionable: bool = False
    color: int = 0
    hoist: bool = False

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"


@dataclass
class Channel:
    id: str
    type: int
    name: str = ""
    guild_id: str | None = None
    parent_id: str | None = None
    position: int = 0
    topic: str | None = None
    recipient_id: str | None = None  # DM channels only

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"


@dataclass
class Member:
    """A user inside one guild. The driving API passes these to invoke()/click()."""

    user: User
    guild_id: str
    role_ids: list[str] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=iso_now)

    @property
    def id(self) -> str:
        return self.user.id

    @property
    def name(self) -> str:
        return self.user.username

    @property
    def mention(self) -> str:
        return f"<@{self.user.id}>"


@dataclass
class Guild:
    id: str
    name: str
    owner_id: str
    roles: dict[str, Role] = field(default_factory=dict)
    channels: dict[str, Channel] = field(default_factory=dict)
    members: dict[str, Member] = field(default_factory=dict)

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]

    def permissions_of(self, member: Member) -> int:
        """Guild-level permissions (no channel overwrites are emulated)."""
        if member.user.id == self.owner_id:
            return ALL_PERMISSIONS
        perms = self.everyone.permissions
        for role_id in member.role_ids:
            perms |= self.roles[role_id].permissions
        return ALL_PERMISSIONS if perms & ADMINISTRATOR else perms

    def channel_named(self, name: str) -> Channel:
        for channel in self.channels.values():
            if channel.name == name:
                return channel
        raise KeyError(f"no channel named {name!r} in guild {self.name!r}")

    def role_named(self, name: str) -> Role:
        for role in self.roles.values():
            if role.name == name:
                return role
        raise KeyError(f"no role named {name!r} in guild {self.name!r}")


@dataclass
class StoredFile:
    """An attachment's bytes as uploaded (by the bot, or by a test as a command option)."""

    id: str
    filename: str
    data: bytes
    content_type: str | None = None
    description: str | None = None

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class Message:
    id: str
    channel_id: str
    author_id: str
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    files: list[StoredFile] = field(default_factory=list)
    flags: int = 0
    webhook_id: str | None = None
    interaction_id: str | None = None
    allowed_mentions: dict[str, Any] | None = None
    timestamp: str = field(default_factory=iso_now)
    edited_timestamp: str | None = None
    deleted: bool = False
    edits: int = 0

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL_FLAG)

    def file_named(self, filename: str) -> StoredFile:
        for stored in self.files:
            if stored.filename == filename:
                return stored
        raise KeyError(f"message {self.id} has no file {filename!r}")

    def custom_ids(self) -> list[str]:
        """Every custom_id among this message's components, depth first."""
        found: list[str] = []

        def walk(items: list[dict[str, Any]]) -> None:
            for item in items:
                if "custom_id" in item:
                    found.append(item["custom_id"])
                walk(item.get("components", []))
                if "component" in item:
                    walk([item["component"]])

        walk(self.components)
        return found


def new_id() -> str:
    return snowflake()
