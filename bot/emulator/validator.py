"""Discord's documented limits, checked on every payload the bot sends.

Each check returns human-readable violation strings; an empty list means valid. The server
records them (and refuses the request with 400 where Discord would) so a test fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

ROLE_MENTION = re.compile(r"<@&(\d+)>")
EVERYONE_MENTION = re.compile(r"@(everyone|here)")
COMPONENTS_V2_FLAG = 1 << 15
MAX_GLOBAL_COMMANDS = 100
CHAT_INPUT = 1
SUB_COMMAND, SUB_COMMAND_GROUP, STRING = 1, 2, 3


@dataclass(frozen=True)
class Violation:
    """One broken Discord rule, with where it happened."""

    rule: str
    detail: str
    where: str = ""

    def __str__(self) -> str:
        return f"[{self.rule}] {self.detail}" + (f" ({self.where})" if self.where else "")


def _too_long(value: Any, limit: int) -> bool:
    return isinstance(value, str) and len(value) > limit


def check_message(payload: dict[str, Any]) -> list[Violation]:
    """A message create/edit body: content, embeds, components, mentions."""
    found: list[Violation] = []
    content = payload.get("content")
    if _too_long(content, 2000):
        found.append(Violation("content-length", f"content has {len(content)} chars > 2000"))
    found += check_embeds(payload.get("embeds") or [])
    components = payload.get("components") or []
    if not int(payload.get("flags") or 0) & COMPONENTS_V2_FLAG:
        found += check_components(components)
    found += check_mentions(content or "", payload.get("allowed_mentions"))
    return found


def check_embeds(embeds: list[dict[str, Any]]) -> list[Violation]:
    found: list[Violation] = []
    if len(embeds) > 10:
        found.append(Violation("embed-count", f"{len(embeds)} embeds > 10"))
    total = 0
    for i, embed in enumerate(embeds):
        limits = [
            ("title", embed.get("title"), 256),
            ("description", embed.get("description"), 4096),
        ]
        limits.append(("footer.text", (embed.get("footer") or {}).get("text"), 2048))
        limits.append(("author.name", (embed.get("author") or {}).get("name"), 256))
        fields = embed.get("fields") or []
        if len(fields) > 25:
            found.append(Violation("embed-fields", f"embed {i} has {len(fields)} fields > 25"))
        for field in fields:
            limits.append(("field.name", field.get("name"), 256))
            limits.append(("field.value", field.get("value"), 1024))
        for name, value, limit in limits:
            if _too_long(value, limit):
                found.append(Violation("embed-length", f"embed {i} {name} {len(value)} > {limit}"))
            if isinstance(value, str):
                total += len(value)
    if total > 6000:
        found.append(Violation("embed-total", f"embeds total {total} chars > 6000"))
    return found


def check_components(rows: list[dict[str, Any]]) -> list[Violation]:
    found: list[Violation] = []
    if len(rows) > 5:
        found.append(Violation("component-rows", f"{len(rows)} action rows > 5"))
    for r, row in enumerate(rows):
        if row.get("type") != 1:
            found.append(
                Violation("component-row", f"top-level component {r} is not an action row")
            )
            continue
        items = row.get("components") or []
        buttons = [c for c in items if c.get("type") == 2]
        selects = [c for c in items if c.get("type") in (3, 5, 6, 7, 8)]
        if len(buttons) > 5:
            found.append(Violation("component-buttons", f"row {r} has {len(buttons)} buttons > 5"))
        if selects and len(items) > 1:
            found.append(Violation("component-select", f"row {r} mixes a select with other items"))
        if not items:
            found.append(Violation("component-row", f"row {r} is empty"))
        for item in items:
            found += _check_item(item, r)
    return found


def _check_item(item: dict[str, Any], row: int) -> list[Violation]:
    found: list[Violation] = []
    where = f"row {row}"
    if _too_long(item.get("custom_id"), 100):
        found.append(Violation("custom-id", f"custom_id {len(item['custom_id'])} > 100", where))
    if item.get("type") == 2 and _too_long(item.get("label"), 80):
        found.append(Violation("button-label", f"label {len(item['label'])} > 80", where))
    if item.get("type") in (3, 5, 6, 7, 8) and _too_long(item.get("placeholder"), 150):
        found.append(Violation("select-placeholder", "placeholder > 150", where))
    if item.get("type") == 3:
        options = item.get("options") or []
        if not 1 <= len(options) <= 25:
            found.append(Violation("select-options", f"select has {len(options)} options", where))
        for option in options:
            for key in ("label", "value", "description"):
                if _too_long(option.get(key), 100):
                    found.append(Violation("select-option", f"option {key} > 100", where))
    return found


def check_mentions(content: str, allowed: dict[str, Any] | None) -> list[Violation]:
    """Content that would ping @everyone/@here or a role under the request's allowed_mentions."""
    parse = None if allowed is None else set(allowed.get("parse") or [])
    allowed_roles = set() if allowed is None else set(allowed.get("roles") or [])
    found: list[Violation] = []
    if EVERYONE_MENTION.search(content) and (parse is None or "everyone" in parse):
        found.append(Violation("mass-mention", "content can ping @everyone/@here"))
    for role_id in ROLE_MENTION.findall(content):
        if parse is None or "roles" in parse or role_id in allowed_roles:
            found.append(Violation("role-mention", f"content can ping role {role_id}"))
    return found


def check_modal(data: dict[str, Any]) -> list[Violation]:
    found: list[Violation] = []
    title = data.get("title") or ""
    if not 1 <= len(title) <= 45:
        found.append(Violation("modal-title", f"title length {len(title)} not in 1..45"))
    if _too_long(data.get("custom_id"), 100):
        found.append(Violation("custom-id", "modal custom_id > 100"))
    rows = data.get("components") or []
    if not 1 <= len(rows) <= 5:
        found.append(Violation("modal-components", f"{len(rows)} components not in 1..5"))
    for row in rows:
        label = row.get("label")
        inner = row.get("components") or ([row["component"]] if "component" in row else [])
        for item in inner:
            label = item.get("label", label)
            if _too_long(item.get("custom_id"), 100):
                found.append(Violation("custom-id", "text input custom_id > 100"))
            for key, limit in (("value", 4000), ("placeholder", 100)):
                if _too_long(item.get(key), limit):
                    found.append(Violation("modal-input", f"text input {key} > {limit}"))
            for key in ("min_length", "max_length"):
                if isinstance(item.get(key), int) and not 0 <= item[key] <= 4000:
                    found.append(Violation("modal-input", f"text input {key} not in 0..4000"))
        if _too_long(label, 45):
            found.append(Violation("modal-label", f"label {len(label)} > 45"))
    return found


def check_autocomplete(data: dict[str, Any]) -> list[Violation]:
    choices = data.get("choices") or []
    found: list[Violation] = []
    if len(choices) > 25:
        found.append(Violation("autocomplete-count", f"{len(choices)} choices > 25"))
    found += _check_choices(choices, "autocomplete")
    return found


def _check_choices(choices: list[dict[str, Any]], where: str) -> list[Violation]:
    found: list[Violation] = []
    for choice in choices:
        name = choice.get("name") or ""
        if not 1 <= len(name) <= 100:
            found.append(Violation("choice-name", f"choice name length {len(name)}", where))
        if _too_long(choice.get("value"), 100):
            found.append(Violation("choice-value", "choice value > 100", where))
    return found


def _valid_name(name: str) -> bool:
    return (
        1 <= len(name) <= 32
        and name == name.lower()
        and all(ch in "-_" or ch.isalnum() for ch in name)
    )


def check_commands(commands: list[dict[str, Any]], *, is_global: bool) -> list[Violation]:
    """A bulk-overwrite of application commands (PUT .../commands)."""
    found: list[Violation] = []
    chat = [c for c in commands if c.get("type", CHAT_INPUT) == CHAT_INPUT]
    if len(chat) > MAX_GLOBAL_COMMANDS:
        found.append(Violation("command-count", f"{len(chat)} chat commands > 100"))
    names = [(c.get("type", CHAT_INPUT), c.get("name")) for c in commands]
    if len(set(names)) != len(names):
        found.append(Violation("command-duplicate", "duplicate command names"))
    for command in commands:
        name = command.get("name") or ""
        if command.get("type", CHAT_INPUT) != CHAT_INPUT:
            if not 1 <= len(name) <= 32:
                found.append(Violation("command-name", f"context menu name {name!r}"))
            continue
        found += _check_command_node(command, name, depth=0)
        size = _char_count(command)
        if size > 4000:
            found.append(Violation("command-size", f"{size} chars > 4000", name))
    return found


def _check_command_node(
    node: dict[str, Any], path: str, depth: int, parent_kind: int = 0
) -> list[Violation]:
    found: list[Violation] = []
    name, description = node.get("name") or "", node.get("description") or ""
    if not _valid_name(name):
        found.append(
            Violation(
                "command-name",
                f"name {name!r} breaks ^[-_\\p{{L}}\\p{{N}}]{{1,32}}$ lowercase",
                path,
            )
        )
    if not 1 <= len(description) <= 100:
        found.append(
            Violation("command-description", f"description length {len(description)}", path)
        )
    options = node.get("options") or []
    if len(options) > 25:
        found.append(Violation("command-options", f"{len(options)} options > 25", path))
    option_names = [o.get("name") for o in options]
    if len(set(option_names)) != len(option_names):
        found.append(Violation("command-options", "duplicate option names", path))
    seen_optional = False
    for option in options:
        child = f"{path} {option.get('name')}"
        kind = option.get("type")
        if kind in (SUB_COMMAND, SUB_COMMAND_GROUP):
            if parent_kind == SUB_COMMAND or (kind == SUB_COMMAND_GROUP and depth > 0):
                found.append(Violation("command-nesting", "subcommand nested too deep", child))
            found += _check_command_node(option, child, depth + 1, kind)
            continue
        found += _check_command_node({**option, "options": []}, child, depth + 1, kind)
        if option.get("required"):
            if seen_optional:
                found.append(
                    Violation("command-option-order", "required option after optional", child)
                )
        else:
            seen_optional = True
        choices = option.get("choices") or []
        if len(choices) > 25:
            found.append(Violation("command-choices", f"{len(choices)} choices > 25", child))
        if choices and option.get("autocomplete"):
            found.append(Violation("command-choices", "choices with autocomplete", child))
        found += _check_choices(choices, child)
    return found


def _char_count(node: dict[str, Any]) -> int:
    total = len(node.get("name") or "") + len(node.get("description") or "")
    for choice in node.get("choices") or []:
        total += len(choice.get("name") or "") + len(str(choice.get("value", "")))
    return total + sum(_char_count(o) for o in node.get("options") or [])
