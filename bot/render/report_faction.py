"""A faction's private turn delivery (RULES.md §8.14) and its Legendary intel (§8.11).

Only the player half of a report (``monitoring.player_view``) ever reaches this module,
and it prints only the keys it knows, so nothing the GM alone may see can leak.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.render.report_labels import (
    Names,
    action_label,
    parse_color,
    relationship_label,
    signed,
)
from bot.render.report_layout import Message, Section, render_sections
from bot.render.report_results import result_line
from bot.render.text import escape_name, escape_text


def _faction_line(entry: Mapping[str, Any], names: Names) -> str:
    line = f"{names.faction(entry.get('faction_id'))} ~ {entry.get('influence')}"
    return line + " (stronghold reported)" if entry.get("stronghold") else line


def _modifier_line(modifier: Mapping[str, Any] | None) -> str:
    if not modifier:
        return "DC modifier: not discovered"
    sign = modifier.get("sign") or 0
    if modifier.get("direction_only") or modifier.get("value") is None:
        if sign > 0:
            return "DC modifier: DCs are harder here (exact value unknown)"
        if sign < 0:
            return "DC modifier: DCs are easier here (exact value unknown)"
        return "DC modifier: no change detected"
    value = int(modifier["value"])
    if value > 0:
        return f"DC modifier: {signed(value)} (DCs harder)"
    if value < 0:
        return f"DC modifier: {signed(value)} (DCs easier)"
    return "DC modifier: 0 (DCs unchanged)"


def _benefit_lines(benefits: Mapping[str, Any] | None, names: Names) -> list[str]:
    benefits = benefits or {}
    lines = []
    if benefits.get("legendary_intel_pending"):
        lines.append(
            "Insight: one order of another faction's piece here next turn will be revealed "
            "to you when next turn's orders close."
        )
    relationship = benefits.get("relationship")
    if relationship:
        value = int(relationship.get("value", 0))
        lines.append(
            f"Relationship learned: {names.faction(relationship.get('from'))} toward "
            f"{names.faction(relationship.get('to'))} is {relationship_label(value)} "
            f"({signed(value)})"
        )
    return lines


def _rumor_lines(report: Mapping[str, Any]) -> list[str]:
    lines = []
    discovered = report.get("rumors_discovered") or []
    if discovered:
        lines.append("**Rumors discovered**")
        for rumor in discovered:
            title = escape_name(rumor.get("title")) or "Untitled rumor"
            text = escape_text(rumor.get("text"))
            lines.append(f"- **{title}**: {text}" if text else f"- **{title}**")
    known = report.get("rumors_known") or []
    if known:
        titles = [escape_name(r.get("title")) or "Untitled rumor" for r in known]
        lines.append("Rumors already known: " + ", ".join(titles))
    return lines


def district_lines(report: Mapping[str, Any], names: Names) -> list[str]:
    """One district's intelligence, from a player view, in reading order."""
    own = report.get("own") or {}
    own_line = f"Your influence: {own.get('influence', 0)}"
    lines = [own_line + " (stronghold)" if own.get("stronghold") else own_line]
    factions = report.get("factions") or []
    if factions:
        lines.append("**Other factions present**")
        lines.extend(f"- {_faction_line(entry, names)}" for entry in factions)
    else:
        lines.append("No other faction detected.")
    changes = report.get("recent_changes") or []
    if changes:
        lines.append("**Recent changes**")
        lines.extend(
            f"- {names.faction(c.get('faction_id'))}: {signed(int(c.get('change', 0)))} "
            f"(turn {c.get('turn')})"
            for c in changes
        )
    lines.append(_modifier_line(report.get("dc_modifier")))
    lines.extend(_rumor_lines(report))
    benefits = _benefit_lines(report.get("special_benefits"), names)
    if benefits:
        lines.append("**Special benefits**")
        lines.extend(f"- {b}" for b in benefits)
    lines.append(f"Confidence: {report.get('confidence_rating')}/10")
    return lines


def _decay_lines(decay: Sequence[Mapping[str, Any]], names: Names) -> list[str]:
    return [
        f"- {names.district(d.get('district_id'))}: {signed(int(d.get('change', 0)))} influence"
        for d in sorted(decay, key=lambda d: str(d.get("district_id")))
    ]


def render_faction_report(payload: Mapping[str, Any]) -> list[Message]:
    """The whole delivery, split into as many messages as Discord needs."""
    names = Names(payload.get("names"))
    faction = payload.get("faction") or {}
    color = parse_color(faction.get("color"))
    turn = payload.get("turn")
    reports = payload.get("reports") or []
    results = payload.get("results") or []
    decay = payload.get("decay") or []
    header_lines = [f"**{escape_name(faction.get('name')) or names.faction(faction.get('id'))}**"]
    if payload.get("campaign"):
        header_lines.append(f"Campaign: {escape_name(payload['campaign'])}")
    header_lines.append(
        f"Districts reported: {len(reports)} | Pieces: {len(results)} | Decay losses: {len(decay)}"
    )
    sections = [Section(f"Turn {turn} intelligence report", header_lines, color)]
    if not reports:
        sections[0].lines.append("No district was watched this turn.")
    for entry in sorted(reports, key=lambda e: str(e.get("district_id"))):
        sections.append(
            Section(
                names.district(entry.get("district_id")),
                district_lines(entry.get("report") or {}, names),
                color,
            )
        )
    if results:
        sections.append(
            Section("Your pieces", [f"- {result_line(r, names)}" for r in results], color)
        )
    if decay:
        sections.append(Section("Influence decay", _decay_lines(decay, names), color))
    return render_sections(sections)


def render_intel(payload: Mapping[str, Any]) -> list[Message]:
    """A Legendary benefit revealed when orders close: one order of another faction."""
    names = Names(payload.get("names"))
    faction = payload.get("faction") or {}
    district = names.district(payload.get("district_id"))
    intel = payload.get("intel")
    if intel:
        line = (
            f"In {district}, a {escape_name(intel.get('piece_type')) or 'piece'} of "
            f"{names.faction(intel.get('faction_id'))} is ordered to "
            f"{action_label(intel.get('action'))}"
        )
        if intel.get("target_faction_id"):
            line += f" against {names.faction(intel['target_faction_id'])}"
        lines = [line + "."]
    else:
        lines = [f"Your informants in {district} found no order of another faction this turn."]
    title = f"Turn {payload.get('turn')} intelligence: orders revealed"
    return render_sections([Section(title, lines, parse_color(faction.get("color")))])
