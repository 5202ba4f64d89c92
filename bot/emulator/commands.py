"""Builds interaction `data` from the command definitions the bot synced, refusing what Discord
would refuse (unknown command/option, missing required option, value not among choices)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.emulator import payloads
from bot.emulator.model import Channel, Member, Role, StoredFile, User

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
DISCORD_NUMBER_LIMIT = 2**53  # integer and number options: between -2^53 and 2^53
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = range(3, 12)


class CommandInputError(ValueError):
    """The test asked for an invocation Discord's client would never send."""


@dataclass
class Upload:
    """A file a test attaches as an ATTACHMENT option value."""

    filename: str
    data: bytes
    content_type: str | None = None


@dataclass
class Resolved:
    users: dict[str, Any] = field(default_factory=dict)
    members: dict[str, Any] = field(default_factory=dict)
    roles: dict[str, Any] = field(default_factory=dict)
    channels: dict[str, Any] = field(default_factory=dict)
    attachments: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v}


def find_command(
    commands: list[dict[str, Any]], path: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The top-level command and the chain of subcommand group/subcommand nodes for `path`."""
    words = path.split()
    top = next((c for c in commands if c["name"] == words[0] and c.get("type", 1) == 1), None)
    if top is None:
        known = sorted(c["name"] for c in commands)
        raise CommandInputError(f"no synced command /{words[0]} (synced: {known})")
    chain: list[dict[str, Any]] = []
    node = top
    for word in words[1:]:
        sub = next(
            (o for o in node.get("options") or [] if o["name"] == word and o["type"] in (1, 2)),
            None,
        )
        if sub is None:
            raise CommandInputError(f"/{path}: {word!r} is not a subcommand of {node['name']!r}")
        chain.append(sub)
        node = sub
    if any(o.get("type") in (1, 2) for o in node.get("options") or []):
        raise CommandInputError(f"/{path} is a group; name a subcommand")
    return top, chain


class OptionBuilder:
    """Turns Python test values into option payloads plus the `resolved` map."""

    def __init__(self, attachment_store: dict[str, StoredFile], new_id: Any, base_url: str) -> None:
        self.resolved = Resolved()
        self._store = attachment_store
        self._new_id = new_id
        self._base_url = base_url

    def build(
        self,
        path: str,
        leaf: dict[str, Any],
        values: dict[str, Any],
        *,
        focused: str | None = None,
        lookup_guild: Any = None,
    ) -> list[dict[str, Any]]:
        definitions = {o["name"]: o for o in leaf.get("options") or []}
        unknown = set(values) - set(definitions)
        if unknown:
            raise CommandInputError(
                f"/{path} has no option(s) {sorted(unknown)}; has {sorted(definitions)}"
            )
        out: list[dict[str, Any]] = []
        for name, definition in definitions.items():
            if name not in values:
                if definition.get("required") and focused is None:
                    raise CommandInputError(f"/{path}: required option {name!r} missing")
                continue
            if name == focused:
                out.append(
                    {
                        "name": name,
                        "type": definition["type"],
                        "value": str(values[name]),
                        "focused": True,
                    }
                )
                continue
            value = self._convert(path, definition, values[name], lookup_guild)
            out.append({"name": name, "type": definition["type"], "value": value})
        return out

    def _convert(self, path: str, d: dict[str, Any], value: Any, guild: Any) -> Any:
        kind, where = d["type"], f"/{path} option {d['name']!r}"
        if kind == STRING:
            if not isinstance(value, str):
                raise CommandInputError(f"{where} wants a string, got {value!r}")
            if not d.get("min_length", 0) <= len(value) <= d.get("max_length", 6000):
                raise CommandInputError(f"{where}: length {len(value)} outside min/max_length")
        elif kind == INTEGER:
            if isinstance(value, bool) or not isinstance(value, int):
                raise CommandInputError(f"{where} wants an integer, got {value!r}")
        elif kind == NUMBER:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise CommandInputError(f"{where} wants a number, got {value!r}")
        elif kind == BOOLEAN:
            if not isinstance(value, bool):
                raise CommandInputError(f"{where} wants a boolean, got {value!r}")
        elif kind in (USER, MENTIONABLE) and isinstance(value, Member | User):
            return self._resolve_user(value, guild)
        elif kind in (ROLE, MENTIONABLE) and isinstance(value, Role):
            self.resolved.roles[value.id] = payloads.role(value)
            return value.id
        elif kind == CHANNEL and isinstance(value, Channel):
            types = d.get("channel_types")
            if types and value.type not in types:
                raise CommandInputError(f"{where}: channel type {value.type} not in {types}")
            self.resolved.channels[value.id] = {
                **payloads.channel(value),
                "permissions": str((1 << 53) - 1),
            }
            return value.id
        elif kind == ATTACHMENT and isinstance(value, Upload):
            return self._resolve_upload(value)
        else:
            raise CommandInputError(f"{where} (type {kind}) cannot take {value!r}")
        if kind in (INTEGER, NUMBER):
            if not -DISCORD_NUMBER_LIMIT <= value <= DISCORD_NUMBER_LIMIT:
                raise CommandInputError(f"{where}: {value} beyond Discord's ±2^53")
            low, high = d.get("min_value"), d.get("max_value")
            if (low is not None and value < low) or (high is not None and value > high):
                raise CommandInputError(f"{where}: {value} outside [{low}, {high}]")
        choices = d.get("choices")
        if choices and value not in [c["value"] for c in choices]:
            raise CommandInputError(
                f"{where}: {value!r} is not among choices {[c['value'] for c in choices]}"
            )
        return value

    def _resolve_user(self, value: Member | User, guild: Any) -> str:
        user = value.user if isinstance(value, Member) else value
        self.resolved.users[user.id] = payloads.user(user)
        # A member of another server is only a user here (Discord resolves no member for it).
        member = value if isinstance(value, Member) else None
        if member is not None and guild is not None and member.guild_id != guild.id:
            member = None
        if member is None and guild is not None:
            member = guild.members.get(user.id)
        if member is not None and guild is not None:
            self.resolved.members[user.id] = payloads.member(member, guild, with_user=False)
        return user.id

    def _resolve_upload(self, upload: Upload) -> str:
        stored = StoredFile(self._new_id(), upload.filename, upload.data, upload.content_type)
        self._store[stored.id] = stored
        self.resolved.attachments[stored.id] = payloads.attachment(
            stored, self._base_url, "uploads"
        )
        return stored.id


def nest(
    top: dict[str, Any], chain: list[dict[str, Any]], leaf_options: list[dict[str, Any]]
) -> dict[str, Any]:
    """Wrap the leaf's options in the subcommand group/subcommand option layers."""
    options = leaf_options
    for node in reversed(chain):
        options = [{"name": node["name"], "type": node["type"], "options": options}]
    return {"id": top["id"], "name": top["name"], "type": top.get("type", 1), "options": options}
