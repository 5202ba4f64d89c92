"""Human words for the rules' identifiers, and names looked up from a payload.

Every payload carries ``names`` ({"factions": {id: name}, "districts": {id: name}}), so
rendering never touches the database; an unknown id is shown as itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.render.text import escape_name

_ACTION_LABELS = {
    "monitor": "monitor",
    "gain_influence": "gain influence",
    "take_influence": "take influence",
    "freeform": "freeform action",
    "initiate_conflict": "initiate conflict",
}
_TIER_LABELS = {
    "critical_failure": "critical failure",
    "failure": "failure",
    "success": "success",
    "critical_success": "critical success",
}
_MONITORING_TIER_LABELS = {
    "legendary": "legendary",
    "exceptional": "exceptional",
    "very_good": "very good",
    "good": "good",
    "average": "average",
    "poor": "poor",
    "very_poor": "very poor",
    "abysmal": "abysmal",
}
_RELATIONSHIP_LABELS = {-2: "hot war", -1: "cold war", 0: "neutral", 1: "friendly", 2: "allied"}
_PARTICIPATION_LABELS = {
    "direct": "direct",
    "adjacent": "from an adjacent district",
    "ally_support": "ally support",
}


def _words(identifier: str) -> str:
    return identifier.replace("_", " ")


def action_label(action: str | None) -> str:
    """``gain_influence`` -> ``gain influence``."""
    if not action:
        return "no action"
    return _ACTION_LABELS.get(action, _words(action))


def tier_label(tier: str | None) -> str:
    """``critical_success`` -> ``critical success``."""
    return _TIER_LABELS.get(tier or "", _words(tier or "not rolled"))


def monitoring_tier_label(tier: str | None) -> str:
    """``very_good`` -> ``very good``."""
    return _MONITORING_TIER_LABELS.get(tier or "", _words(tier or "not rolled"))


def any_tier_label(tier: str | None) -> str:
    """Conflict pieces store action and monitoring tiers in one column."""
    if tier in _MONITORING_TIER_LABELS:
        return f"{monitoring_tier_label(tier)} monitoring"
    return tier_label(tier)


def relationship_label(value: int) -> str:
    return _RELATIONSHIP_LABELS.get(value, str(value))


def participation_label(participation: str | None) -> str:
    return _PARTICIPATION_LABELS.get(participation or "", _words(participation or "unknown"))


def signed(value: int) -> str:
    """``+2``, ``-1``, ``0``: the sign always shown so a change reads as a change."""
    return f"{value:+d}" if value else "0"


def piece_label(name: str | None, piece_type: str | None, piece: str = "") -> str:
    """``Mara (agent)``; the piece key's id when the name is missing. Escaped."""
    fallback = piece.partition(":")[2] or piece or "unknown piece"
    shown = escape_name(name) or escape_name(fallback)
    if not piece_type and ":" in piece:
        piece_type = piece.partition(":")[0]
    return f"{shown} ({piece_type})" if piece_type else shown


class Names:
    """Escaped display names from a payload's ``names`` block."""

    def __init__(self, names: Mapping[str, Any] | None) -> None:
        names = names or {}
        self._factions: Mapping[str, str] = names.get("factions") or {}
        self._districts: Mapping[str, str] = names.get("districts") or {}

    def faction(self, faction_id: str | None) -> str:
        if not faction_id:
            return "nobody"
        return escape_name(self._factions.get(faction_id) or faction_id)

    def faction_plain(self, faction_id: str | None) -> str:
        """Unescaped, for places Discord shows as plain text (button labels)."""
        return str(self._factions.get(faction_id or "") or faction_id or "nobody")

    def district(self, district_id: str | None) -> str:
        if not district_id:
            return "nowhere"
        return escape_name(self._districts.get(district_id) or district_id)


def parse_color(color: Any) -> int | None:
    """``#c0392b`` (or an int) to the embed's integer colour; None when unusable."""
    if isinstance(color, int) and not isinstance(color, bool):
        return color if 0 <= color <= 0xFFFFFF else None
    if not isinstance(color, str):
        return None
    digits = color.strip().removeprefix("#").removeprefix("0x")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    if len(digits) != 6:
        return None
    try:
        return int(digits, 16)
    except ValueError:
        return None
