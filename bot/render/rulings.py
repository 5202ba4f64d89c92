"""The GM's ruling buttons for one conflict, as plain specs.

The outbox delivers conflict reports long after the advance (and again after a
restart), so the buttons are described as data here and turned into Discord
components by whoever sends them; the cog's persistent handler parses the same
custom ids back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.render.components import ButtonSpec
from bot.render.report_labels import Names
from bot.render.text import truncate

RULE_TEMPLATE = r"gm:rule:(?P<conflict>[^:]{1,80}):(?P<choice>w\d{1,2}|draw|special)"
RULE_RE = re.compile(RULE_TEMPLATE)


def principals(conflict: Mapping[str, Any]) -> list[str]:
    """Principal factions (allies copy their side), in id order: button ``w{i}`` is the i-th."""
    return sorted(
        str(f["faction_id"]) for f in conflict.get("factions") or () if f.get("role") != "ally"
    )


def rule_id(conflict_id: str, choice: str) -> str:
    return f"gm:rule:{conflict_id}:{choice}"


def ruling_buttons(
    conflict: Mapping[str, Any], names: Mapping[str, Any] | None
) -> list[ButtonSpec]:
    shown = Names(conflict.get("names") or names)
    conflict_id = str(conflict["id"])
    buttons = [
        ButtonSpec(
            rule_id(conflict_id, f"w{index}"),
            truncate(f"{shown.faction_plain(faction)} wins", 80),
            "primary",
        )
        for index, faction in enumerate(principals(conflict))
    ]
    buttons.append(ButtonSpec(rule_id(conflict_id, "draw"), "Draw", "secondary"))
    buttons.append(ButtonSpec(rule_id(conflict_id, "special"), "Special ruling…", "danger"))
    return buttons
