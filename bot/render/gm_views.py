"""The GM's views of districts, rumors and pieces: true values, never shown to players.

Pure functions from SetupService results to text and sections. Names and user text
are escaped here; ids are shown as inline code so the GM can type them back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.render.orders import order_summary, stat_label
from bot.render.report_layout import Section
from bot.render.text import escape_name, escape_text, truncate
from bot.rules import model as rm
from bot.services.setup import DistrictDetail, Piece, PieceDetail, RumorLine
from db import records as dbr

DEFAULT_APTITUDE = -1


def code(text: str) -> str:
    """Inline code for ids; a backtick inside cannot close it early."""
    return "`" + text.replace("`", "'") + "`"


def district_label(district: dbr.District) -> str:
    return f"**{escape_name(district.name)}** ({code(district.id)})"


def _name(names: Mapping[str, str], key: str | None, missing: str) -> str:
    if key is None:
        return missing
    return escape_name(names.get(key, key))


# -- districts ------------------------------------------------------------------------------


def values_line(d: dbr.District) -> str:
    return (
        f"Commerce {d.commerce_value} · Muster {d.muster_value} · "
        f"Aristocratic {d.aristocratic_value}"
    )


def preference_lines(d: dbr.District) -> list[str]:
    return [
        f"Gain influence: {stat_label(d.preferred_gain_attribute)} + "
        f"{stat_label(d.preferred_gain_skill)}; squadrons "
        f"{stat_label(d.preferred_gain_squadron_aptitude)}",
        f"Monitor: {stat_label(d.preferred_monitor_attribute)} + "
        f"{stat_label(d.preferred_monitor_skill)}; squadrons "
        f"{stat_label(d.preferred_monitor_squadron_aptitude)}",
    ]


def district_text(d: dbr.District, verb: str) -> str:
    """The answer to create/edit: what the district now is."""
    lines = [f"District {district_label(d)} {verb}.", values_line(d), *preference_lines(d)]
    if d.description:
        lines.append(f"> {truncate(escape_name(d.description), 1500)}")
    return "\n".join(lines)


def modifier_text(m: dbr.DistrictModifier) -> str:
    until = f"until the end of turn {m.expires_on}" if m.expires_on is not None else "until removed"
    return f"{escape_name(m.modifier_type)} {m.modifier_value:+d}, {until} ({code(m.id)})"


def piece_kind(piece: Piece) -> str:
    return "agent" if isinstance(piece, dbr.Agent) else "squadron"


def rumor_line(line: RumorLine, names: Mapping[str, str], *, with_district: bool = False) -> str:
    r = line.rumor
    title = escape_name(r.name) if r.name else "(unnamed)"
    head = f"• **{title}** ({code(r.id)})"
    if with_district:
        head += f" in {escape_name(line.district_name)}"
    dc = f"DC {r.discovery_dc}"
    if r.initial_dc is not None and r.initial_dc != r.discovery_dc:
        dc += f" (was {r.initial_dc})"
    known = ", ".join(_name(names, f, f) for f in line.known_by) or "nobody"
    parts = [f"{head}: {dc}; known by {known}; newspaper weight {r.newspaper_weight:g}"]
    parts.append(f"  {escape_text(r.rumor_text)}")
    if r.newspaper_hint:
        parts.append(f"  -# hint: {escape_name(r.newspaper_hint)}")
    return "\n".join(parts)


def district_sections(detail: DistrictDetail) -> list[Section]:
    """The whole district: values, preferences, adjacency, true influence, likeability,
    weekly and timed modifiers, rumors, and the pieces standing or ordered there."""
    d, names = detail.district, detail.faction_names
    head = [values_line(d), *preference_lines(d)]
    adjacent = ", ".join(district_label(a) for a in detail.adjacent)
    head.append(f"Adjacent: {adjacent or 'none'}")
    head.append(f"Weekly DC modifier: {detail.weekly:+d} (secret; the random walk moves it)")
    if d.description:
        head.append(f"> {escape_name(d.description)}")
    influence = [
        f"• {_name(names, row.faction_id, '?')}: {row.value}"
        + (" · stronghold" if row.has_stronghold else "")
        for row in detail.influence
    ]
    influence.append(f"Pool (unheld): {detail.pool} of {rm.DISTRICT_SLOTS}")
    likeability = [
        f"• {_name(names, row.faction_id, '?')}: {row.value:+d}" for row in detail.likeability
    ]
    likeability.append("Every other faction: 0.")
    sections = [
        Section(f"{d.name} ({d.id})", head),
        Section("True influence", influence),
        Section("Likeability", likeability),
        Section(
            "Timed modifiers",
            [f"• {modifier_text(m)}" for m in detail.modifiers] or ["None."],
        ),
        Section(
            f"Rumors ({len(detail.rumors)})",
            [rumor_line(r, names) for r in detail.rumors] or ["None."],
        ),
    ]
    pieces = [
        f"• {piece_label(p)}, {_name(names, p.faction_id, 'unaffiliated')}" for p in detail.pieces
    ]
    turn = detail.turn if detail.turn is not None else "?"
    orders = [
        f"• {code(o.piece_id)} ({o.piece_type}, {_name(names, o.faction_id, '?')}): "
        + order_summary(o, {d.id: d.name}, names, gm=True)
        for o in detail.orders
    ]
    sections.append(
        Section(
            "Pieces",
            ["Standing here:", *(pieces or ["none"]), f"Orders here in turn {turn}:"]
            + (orders or ["none"]),
        )
    )
    return sections


def district_cascade_lines(detail: DistrictDetail) -> list[str]:
    """What deleting the district takes with it."""
    known = sum(1 for r in detail.rumors if r.known_by)
    return [
        "**Removed with it:**",
        f"• its influence: {detail.held} slot(s) of {len(detail.influence)} faction(s), "
        f"{sum(1 for r in detail.influence if r.has_stronghold)} stronghold(s)",
        f"• {len(detail.likeability)} likeability value(s), {len(detail.adjacent)} adjacency "
        f"link(s), the weekly modifier and {len(detail.modifiers)} timed modifier(s)",
        f"• {len(detail.rumors)} rumor(s) ({known} known to a faction, forgotten too)",
        f"• {len(detail.orders)} order(s) given there this turn (those pieces then have none)",
        "• its map outline, monitoring reports and influence history",
        "**Kept:**",
        f"• the {len(detail.pieces)} piece(s) standing there, now unplaced",
        "This cannot be undone from Discord (the operator can restore a backup).",
    ]


# -- rumors ---------------------------------------------------------------------------------


def rumor_sections(
    lines: Sequence[RumorLine], names: Mapping[str, str], district_name: str | None
) -> list[Section]:
    title = f"Rumors of {district_name}" if district_name else "Every rumor"
    body = [rumor_line(r, names, with_district=district_name is None) for r in lines]
    return [
        Section(
            f"{title} ({len(lines)})",
            body or ["None yet: `/gm-district rumor-add`."],
            footer="Each turn every DC drops by 1 (never below 0).",
        )
    ]


def rumor_added_text(rumor: dbr.Rumor, district_name: str) -> str:
    title = escape_name(rumor.name) if rumor.name else "(unnamed)"
    text = (
        f"Rumor **{title}** ({code(rumor.id)}) added to {escape_name(district_name)}: "
        f"DC {rumor.discovery_dc}, newspaper weight {rumor.newspaper_weight:g}.\n"
        f"> {truncate(escape_name(rumor.rumor_text), 1500)}"
    )
    if rumor.newspaper_hint:
        text += f"\n-# hint: {truncate(escape_name(rumor.newspaper_hint), 300)}"
    return text


# -- pieces ---------------------------------------------------------------------------------


def piece_label(piece: Piece) -> str:
    return f"**{escape_name(piece.name)}** ({piece_kind(piece)}, {code(piece.id)})"


def _signed(value: int) -> str:
    return f"{value:+d}" if value else "0"


def stats_summary(piece: Piece) -> str:
    """Agents: stats above 0; squadrons: mobility and aptitudes other than the default -1."""
    if isinstance(piece, dbr.Agent):
        attrs = [
            f"{stat_label(a)} {piece.attribute(a)}" for a in rm.ATTRIBUTES if piece.attribute(a)
        ]
        skills = [f"{stat_label(s)} {piece.skill(s)}" for s in rm.SKILLS if piece.skill(s)]
        shown = " · ".join(part for part in (", ".join(attrs), ", ".join(skills)) if part)
        return shown or "every stat 0"
    apts = [
        f"{stat_label(a)} {_signed(piece.aptitude(a))}"
        for a in rm.APTITUDES
        if piece.aptitude(a) != DEFAULT_APTITUDE
    ]
    text = f"mobility {piece.mobility}"
    if piece.type:
        text = f"{escape_name(piece.type)}, {text}"
    rest = "others -1" if apts else "every aptitude -1"
    return f"{text} · {', '.join(apts)}{'; ' if apts else ''}{rest}"


def piece_list_line(piece: Piece, factions: Mapping[str, str], districts: Mapping[str, str]) -> str:
    return (
        f"• {piece_label(piece)}: {_name(factions, piece.faction_id, 'unaffiliated')}, "
        f"{_name(districts, piece.district_id, 'unplaced')} — {stats_summary(piece)}"
    )


def piece_list_sections(
    pieces: Sequence[tuple[str, Piece]],
    factions: Mapping[str, str],
    districts: Mapping[str, str],
    faction_id: str | None,
) -> list[Section]:
    who = _name(factions, faction_id, "") if faction_id else None
    agents = [piece_list_line(p, factions, districts) for t, p in pieces if t == "agent"]
    squadrons = [piece_list_line(p, factions, districts) for t, p in pieces if t == "squadron"]
    suffix = f" of {who}" if who else ""
    return [
        Section(f"Agents{suffix} ({len(agents)})", agents or ["None."]),
        Section(f"Squadrons{suffix} ({len(squadrons)})", squadrons or ["None."]),
    ]


def piece_sections(
    detail: PieceDetail, factions: Mapping[str, str], districts: Mapping[str, str]
) -> list[Section]:
    piece = detail.piece
    owner = escape_name(detail.faction_name) if detail.faction_name else "unaffiliated"
    where = escape_name(detail.district_name) if detail.district_name else "unplaced"
    head = [f"Owner: {owner}", f"Stands in: {where}"]
    if isinstance(piece, dbr.Agent):
        stats = [
            "Attributes: "
            + ", ".join(f"{stat_label(a)} {piece.attribute(a)}" for a in rm.ATTRIBUTES),
            "Skills: " + ", ".join(f"{stat_label(s)} {piece.skill(s)}" for s in rm.SKILLS),
        ]
    else:
        stats = [
            f"Type: {escape_name(piece.type) or '—'}",
            f"Mobility: {piece.mobility}",
            "Aptitudes: "
            + ", ".join(f"{stat_label(a)} {_signed(piece.aptitude(a))}" for a in rm.APTITUDES),
        ]
    turn = detail.turn if detail.turn is not None else "?"
    if detail.order is None:
        order = f"Order in turn {turn}: none"
    else:
        order = f"Order in turn {turn}: " + order_summary(
            detail.order, districts, factions, gm=True
        )
    return [Section(f"{piece.name} ({detail.piece_type}, {piece.id})", [*head, *stats, order])]


def piece_text(
    piece: Piece, verb: str, factions: Mapping[str, str], districts: Mapping[str, str]
) -> str:
    return (
        f"{piece_label(piece)} {verb}: {_name(factions, piece.faction_id, 'unaffiliated')}, "
        f"{_name(districts, piece.district_id, 'unplaced')} — {stats_summary(piece)}."
    )
