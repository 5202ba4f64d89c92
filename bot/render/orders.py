"""Orders as players and the GM read them (pure text; names escaped here)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.render.report_labels import action_label
from bot.render.text import escape_name, escape_text, truncate
from db import records as dbr

STAT_LABELS = {
    "intellect": "Intellect",
    "presence": "Presence",
    "finesse": "Finesse",
    "might": "Might",
    "attunement": "Attunement",
    "infiltration": "Infiltration",
    "persuasion": "Persuasion",
    "combat": "Combat",
    "streetwise": "Streetwise",
    "survival": "Survival",
    "artifice": "Artifice",
    "arcana": "Arcana",
    "underworld": "Underworld",
    "social": "Social",
    "technical": "Technical",
    "labor": "Labor",
    "arcane": "Arcane",
    "wilderness": "Wilderness",
    "monitoring": "Monitoring",
}


def stat_label(name: str | None) -> str:
    return STAT_LABELS.get(name or "", name or "?")


def stats_used(order: dbr.Order) -> str:
    if order.piece_type == "agent":
        return f"{stat_label(order.attribute_used)} + {stat_label(order.skill_used)}"
    return stat_label(order.aptitude_used)


def order_summary(
    order: dbr.Order,
    districts: Mapping[str, str],
    factions: Mapping[str, str],
    *,
    gm: bool = False,
) -> str:
    """One line: what the piece does where (and against whom); GM extras when asked."""
    text = f"{action_label(order.action_type)} in {escape_name(districts.get(order.district_id, order.district_id))}"
    if order.target_faction_id:
        target = factions.get(order.target_faction_id, order.target_faction_id)
        text += f" against {escape_name(target)}"
    text += f", rolling {stats_used(order)}"
    if order.action_type in ("freeform", "initiate_conflict"):
        text += f", DC {order.dc}" if order.dc is not None else ", DC awaiting the GM"
    if gm:
        extras = []
        if order.manual_modifier:
            extras.append(f"manual {order.manual_modifier:+d}")
        if order.advantage and not order.disadvantage:
            extras.append("advantage")
        if order.disadvantage and not order.advantage:
            extras.append("disadvantage")
        if extras:
            text += f" ({', '.join(extras)})"
    if order.description:
        text += f": “{truncate(escape_text(order.description), 200)}”"
    return text


def piece_name(piece: dbr.Agent | dbr.Squadron) -> str:
    kind = "agent" if isinstance(piece, dbr.Agent) else "squadron"
    return f"{escape_name(piece.name)} ({kind})"


def order_lines(
    entries: Sequence[tuple[dbr.Agent | dbr.Squadron, dbr.Order | None]],
    districts: Mapping[str, str],
    factions: Mapping[str, str],
    *,
    gm: bool = False,
) -> list[str]:
    lines = []
    for piece, order in entries:
        if order is None:
            lines.append(f"• **{piece_name(piece)}**: no order")
        else:
            lines.append(
                f"• **{piece_name(piece)}**: {order_summary(order, districts, factions, gm=gm)}"
            )
    return lines
