"""One line per piece result, shared by the faction report and the GM summary.

A RESULT is what the turn pipeline writes for each order (see bot/services/payloads.py):
piece, piece_name, piece_type, district_id, action, target_faction_id, description,
status, dc, total, tier, monitoring_tier, influence/target gained/lost, pool_exhausted,
conflict_id, conflict_outcome, note.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.render.report_labels import (
    Names,
    action_label,
    monitoring_tier_label,
    piece_label,
    tier_label,
)
from bot.render.text import escape_name, escape_text

DESCRIPTION_SHOWN = 200  # a result line quotes the order's description, not all 500 chars


def _roll(result: Mapping[str, Any]) -> str:
    total, dc = result.get("total"), result.get("dc")
    if total is None:
        return "not rolled"
    return f"{total} vs DC {dc}" if dc is not None else str(total)


def _effects(result: Mapping[str, Any], names: Names) -> list[str]:
    effects = []
    gained, lost = result.get("influence_gained") or 0, result.get("influence_lost") or 0
    if gained:
        effects.append(f"+{gained} influence")
    if lost:
        effects.append(f"-{lost} influence")
    target = names.faction(result.get("target_faction_id"))
    if result.get("target_lost"):
        effects.append(f"{target} -{result['target_lost']}")
    if result.get("target_gained"):
        effects.append(f"{target} +{result['target_gained']}")
    return effects


def _outcome(result: Mapping[str, Any], names: Names) -> str:
    status = result.get("status")
    if status == "forfeited":
        return "forfeited: the piece backed an ally in a conflict"
    if status == "lost":
        return "lost the conflict: no effect"
    if status == "no_opposition":
        return f"{tier_label(result.get('tier'))}: no opposition found"
    if result.get("action") == "monitor":
        tier = result.get("monitoring_tier")
        return f"{monitoring_tier_label(tier)} monitoring" if tier else "no monitoring roll"
    tier = tier_label(result.get("tier"))
    effects = _effects(result, names)
    if effects:
        return f"{tier}: {', '.join(effects)}"
    if result.get("pool_exhausted"):
        return f"{tier}: nothing gained, the district's pool is exhausted"
    if result.get("action") in ("gain_influence", "take_influence"):
        return f"{tier}: no effect"
    return tier


def _conflict(result: Mapping[str, Any]) -> str:
    conflict_id = result.get("conflict_id")
    if not conflict_id:
        return ""
    outcome = result.get("conflict_outcome")
    shown = escape_name(conflict_id)
    return f" [conflict {shown}: {outcome}]" if outcome else f" [conflict {shown}]"


def result_line(result: Mapping[str, Any], names: Names) -> str:
    """``Mara (agent) - gain influence in Docks: 15 vs DC 12 - success: +1 influence``."""
    piece = piece_label(result.get("piece_name"), result.get("piece_type"), result.get("piece", ""))
    action = action_label(result.get("action"))
    if result.get("target_faction_id"):
        action += f" against {names.faction(result['target_faction_id'])}"
    line = f"{piece} - {action} in {names.district(result.get('district_id'))}"
    description = escape_name((result.get("description") or "")[:DESCRIPTION_SHOWN])
    if description:
        cut = len(result.get("description") or "") > DESCRIPTION_SHOWN
        line += f' ("{description}{"..." if cut else ""}")'
    line += f": {_roll(result)} - {_outcome(result, names)}{_conflict(result)}"
    note = escape_text(result.get("note"))
    if note:
        line += f"\n  Note: {note}"
    return line
