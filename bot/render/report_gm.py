"""The GM's views: the end-of-turn summary and one message per conflict (RULES.md §6.6).

These go to the GM channel only, so true values are shown; user text is still escaped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from bot.render.report_labels import (
    Names,
    action_label,
    any_tier_label,
    participation_label,
    piece_label,
    signed,
)
from bot.render.report_layout import (
    Message,
    Section,
    render_sections,
    render_single_message,
)
from bot.render.report_results import result_line
from bot.render.text import escape_name, escape_text

DISTRICT_SLOTS = 10

# The §4.5 tables in words, keyed by (action, tier): what a win would let happen.
_GAIN_EFFECTS = {
    "critical_success": "80%: +2 from the pool, 20%: +1 (less if the pool runs dry)",
    "success": "+1 from the pool (fails if the pool is empty)",
    "failure": "nothing",
    "critical_failure": "50%: actor -1 (back to the pool), 50%: nothing",
}
_TAKE_EFFECTS = {
    "critical_success": (
        "40%: {t} -2 and actor +2; 40%: {t} -1, actor +1 and +1 from the pool; "
        "20%: {t} -1, actor +1"
    ),
    "success": "80%: {t} -1, actor +1; 20%: nothing",
    "failure": "nothing",
    "critical_failure": "40%: actor -1 (then 50% to {t}, 50% to the pool); 60%: nothing",
}


def effect_on_win(action: str | None, tier: str | None, target: str) -> str:
    """§6.6's "effect it would have on a win" when the payload does not carry one."""
    if action == "gain_influence":
        return _GAIN_EFFECTS.get(tier or "", "not rolled")
    if action == "take_influence":
        return _TAKE_EFFECTS.get(tier or "", "not rolled").format(t=target)
    if action == "monitor":
        return "monitors normally"
    return "as the GM rules"


# GM summary --------------------------------------------------------------------------


def _action_sections(actions: Sequence[Mapping[str, Any]], names: Names) -> list[Section]:
    by_faction: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for action in actions:
        by_faction[str(action.get("faction_id") or "")].append(action)
    return [
        Section(
            f"Actions: {names.faction(faction_id)}",
            [f"- {result_line(a, names)}" for a in by_faction[faction_id]],
        )
        for faction_id in sorted(by_faction)
    ]


def _decay_lines(decay: Sequence[Mapping[str, Any]], names: Names) -> list[str]:
    ordered = sorted(decay, key=lambda d: (str(d.get("district_id")), str(d.get("faction_id"))))
    return [
        f"- {names.district(d.get('district_id'))}: {names.faction(d.get('faction_id'))} "
        f"{signed(int(d.get('change', 0)))}"
        for d in ordered
    ]


def _conflict_summary_lines(conflicts: Sequence[Mapping[str, Any]], names: Names) -> list[str]:
    lines = []
    for c in conflicts:
        ruling = c.get("resolution_type") or "not ruled"
        line = f"- {escape_name(c.get('id'))} in {names.district(c.get('district_id'))}: {ruling}"
        notes = escape_text(c.get("notes"))
        lines.append(f"{line} - {notes}" if notes else line)
    return lines


def _walk_lines(walk: Sequence[Mapping[str, Any]], names: Names) -> list[str]:
    return [
        f"- {names.district(w.get('district_id'))}: {signed(int(w.get('previous', 0)))} -> "
        f"{signed(int(w.get('new', 0)))} ({w.get('roll_type') or signed(int(w.get('step', 0)))})"
        for w in sorted(walk, key=lambda w: str(w.get("district_id")))
    ]


def _rumor_lines(rumors: Sequence[Mapping[str, Any]], names: Names) -> list[str]:
    lines = []
    for r in rumors:
        rumor = escape_name(r.get("rumor_name") or r.get("rumor_id")) or "a rumor"
        where = f" in {names.district(r['district_id'])}" if r.get("district_id") else ""
        lines.append(f"- {names.faction(r.get('faction_id'))} discovered {rumor}{where}")
    return lines


def _influence_lines(influence: Mapping[str, Mapping[str, int]], names: Names) -> list[str]:
    lines = []
    for district_id in sorted(influence):
        holders = influence[district_id]
        ordered = sorted(holders.items(), key=lambda item: (-item[1], item[0]))
        shown = ", ".join(f"{names.faction(f)} {v}" for f, v in ordered) or "nobody"
        pool = DISTRICT_SLOTS - sum(holders.values())
        lines.append(f"- {names.district(district_id)}: {shown} (pool {pool})")
    return lines


def render_gm_summary(payload: Mapping[str, Any]) -> list[Message]:
    """Everything that happened in the turn, true values included, for the GM channel."""
    names = Names(payload.get("names"))
    header = (
        [f"Campaign: {escape_name(payload.get('campaign'))}"] if payload.get("campaign") else []
    )
    reports = payload.get("reports") or {}
    header.append(
        f"Actions: {len(payload.get('actions') or [])} | "
        f"Conflicts: {len(payload.get('conflicts') or [])} | "
        f"Reports: {sum(reports.values())}"
    )
    sections = [Section(f"Turn {payload.get('turn')} GM summary", header)]
    sections += _action_sections(payload.get("actions") or [], names)
    optional = [
        ("Influence decay", _decay_lines(payload.get("decay") or [], names)),
        ("Conflicts", _conflict_summary_lines(payload.get("conflicts") or [], names)),
        ("Weekly DC modifiers", _walk_lines(payload.get("walk") or [], names)),
        ("Rumors discovered", _rumor_lines(payload.get("rumors_discovered") or [], names)),
        (
            "Intelligence reports",
            [f"- {names.faction(f)}: {n}" for f, n in sorted(reports.items())],
        ),
        ("Influence now", _influence_lines(payload.get("influence") or {}, names)),
    ]
    sections += [Section(title, lines) for title, lines in optional if lines]
    return render_sections(sections)


# Conflicts ---------------------------------------------------------------------------


def _piece_line(
    piece: Mapping[str, Any], names: Names, piece_names: Mapping[str, str]
) -> list[str]:
    key = str(piece.get("piece") or "")
    name = piece.get("piece_name") or piece_names.get(key) or piece_names.get(key.partition(":")[2])
    label = piece_label(name, piece.get("piece_type"), key)
    action = action_label(piece.get("action"))
    target = names.faction(piece.get("target_faction_id"))
    if piece.get("target_faction_id"):
        action += f" against {target}"
    total, dc = piece.get("total"), piece.get("dc")
    roll = (
        "not rolled" if total is None else (f"{total} vs DC {dc}" if dc is not None else str(total))
    )
    tier = piece.get("tier") or piece.get("monitoring_tier")
    line = (
        f"- {label}, {participation_label(piece.get('participation'))}: {action} - "
        f"{roll} - {any_tier_label(tier)}"
    )
    lines = [line]
    description = escape_name(piece.get("description"))
    if description:
        lines.append(f"  Intent: {description}")
    effect = piece.get("effect_on_win")
    shown = escape_text(effect) if effect else effect_on_win(piece.get("action"), tier, target)
    lines.append(f"  On a win: {shown}")
    extras = []
    if piece.get("conflict_penalty"):
        extras.append(f"penalty {signed(int(piece['conflict_penalty']))}")
    if piece.get("ruling"):
        extras.append(f"ruling: {escape_name(piece['ruling'])}")
    if extras:
        lines.append(f"  {', '.join(extras)}")
    return lines


def _side_sections(
    conflict: Mapping[str, Any], names: Names, piece_names: Mapping[str, str]
) -> list[Section]:
    pieces_by_faction: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for piece in conflict.get("pieces") or []:
        pieces_by_faction[str(piece.get("faction_id") or "")].append(piece)
    sides = list(conflict.get("factions") or [])
    listed = {str(s.get("faction_id")) for s in sides}
    sides += [
        {"faction_id": f, "role": "unlisted"} for f in sorted(pieces_by_faction) if f not in listed
    ]
    sections = []
    for side in sides:
        faction_id = str(side.get("faction_id"))
        title = f"{names.faction(faction_id)} - {escape_name(side.get('role')) or 'side'}"
        if side.get("outcome"):
            title += f" ({escape_name(side['outcome'])})"
        lines: list[str] = []
        for piece in sorted(
            pieces_by_faction.get(faction_id, []), key=lambda p: str(p.get("piece"))
        ):
            lines.extend(_piece_line(piece, names, piece_names))
        sections.append(Section(title, lines or ["No piece on the board."]))
    return sections


def conflict_sections(
    conflict: Mapping[str, Any],
    names: Mapping[str, Any] | None = None,
    piece_names: Mapping[str, str] | None = None,
) -> list[Section]:
    shown = Names(conflict.get("names") or names)
    lines = [
        f"District: {shown.district(conflict.get('district_id'))}",
        f"Type: {escape_name(str(conflict.get('type') or 'unknown').replace('_', ' '))}",
        f"Detected by: {escape_name(conflict.get('detection_source')) or 'unknown'}",
        f"Status: {escape_name(conflict.get('status')) or 'pending'}",
    ]
    resolution = conflict.get("resolution")
    if resolution:
        ruling = f"Ruling: {escape_name(resolution.get('resolution_type'))}"
        if resolution.get("resolved_by"):
            ruling += f" by {escape_name(str(resolution['resolved_by']))}"
        lines.append(ruling)
        notes = escape_text(resolution.get("notes"))
        if notes:
            lines.append(f"Notes: {notes}")
    header = Section(f"Conflict {escape_name(conflict.get('id'))}", lines)
    return [header, *_side_sections(conflict, shown, piece_names or {})]


def render_conflict(
    conflict: Mapping[str, Any],
    names: Mapping[str, Any] | None = None,
    piece_names: Mapping[str, str] | None = None,
) -> Message:
    """One message per conflict, so the bot can attach the ruling buttons to it.

    ``names``/``piece_names`` serve a conflict taken out of a ``conflict_report``
    payload (whose conflicts carry neither); a conflict's own ``names`` wins.
    """
    return render_single_message(conflict_sections(conflict, names, piece_names))


def render_conflict_report(payload: Mapping[str, Any]) -> list[Message]:
    """The ``conflict_report`` payload: one message per conflict, in id order."""
    conflicts = sorted(payload.get("conflicts") or [], key=lambda c: str(c.get("id")))
    if not conflicts:
        title = f"Turn {payload.get('turn')}: no conflicts"
        return render_sections([Section(title, ["Nothing to rule; advance when ready."])])
    return [render_conflict(c, payload.get("names"), payload.get("piece_names")) for c in conflicts]
