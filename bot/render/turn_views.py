"""The GM's turn-control answers: status, advance/preview outcomes (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from bot.render.orders import order_summary, piece_name
from bot.render.report_layout import Message, Section, render_sections
from bot.render.text import escape_name, escape_text
from db import records as dbr

PHASE_LABELS = {
    "preparation": "preparation",
    "influence_decay": "influence decay",
    "assignment": "orders open",
    "conflict_detection": "conflict detection",
    "action_roll": "action rolls",
    "conflict_resolution": "waiting for the GM's conflict rulings",
    "action_resolution": "action resolution",
    "random_walk": "weekly modifiers",
    "monitoring": "monitoring",
    "passive_monitoring": "passive monitoring and reports",
    "rumor_dc_update": "rumor DCs",
    "map_update": "maps",
    "turn_completion": "turn completion",
}
HISTORY_LINES = 40


def phase_label(phase: str) -> str:
    return PHASE_LABELS.get(phase, phase.replace("_", " "))


def deadline_text(deadline: str | None) -> str:
    """ISO deadline as a Discord timestamp, shown in each reader's own time zone."""
    if not deadline:
        return "no deadline set"
    try:
        moment = datetime.fromisoformat(deadline)
    except ValueError:
        return escape_name(deadline)
    epoch = int(moment.timestamp())
    return f"<t:{epoch}:F> (<t:{epoch}:R>)"


def status_messages(
    turn: int,
    phase: str,
    deadline: str | None,
    pending_conflicts: int,
    unordered: Mapping[str, Sequence[dbr.Agent | dbr.Squadron]],
    awaiting: Sequence[dbr.Order],
    districts: Mapping[str, str],
    factions: Mapping[str, str],
) -> list[Message]:
    head = [
        f"Turn **{turn}**, phase: {phase_label(phase)}",
        f"Deadline: {deadline_text(deadline)}",
    ]
    if phase == "conflict_resolution":
        head.append(f"Conflicts still to rule: {pending_conflicts}")
    sections = [Section("Turn status", head)]
    if phase == "assignment":
        missing = [
            f"• **{escape_name(factions.get(f, f))}**: " + ", ".join(piece_name(p) for p in pieces)
            for f, pieces in sorted(unordered.items())
        ]
        sections.append(
            Section(
                "Pieces without an order",
                missing or ["Every piece of every faction has an order."],
            )
        )
        sections.append(
            Section(
                "Orders awaiting a DC",
                [
                    f"• `{o.piece_type}:{o.piece_id}`: {order_summary(o, districts, factions)}"
                    for o in awaiting
                ]
                or ["None: orders can close."],
                footer="Set a DC with the buttons below or /gm-order dc." if awaiting else "",
            )
        )
    return render_sections(sections)


def advance_messages(
    phases_run: Sequence[str],
    turn: int,
    phase: str,
    conflicts: int,
    history: Sequence[dbr.HistoryEntry],
    *,
    preview: bool = False,
    from_turn: int | None = None,
) -> list[Message]:
    verb = "would run" if preview else "ran"
    ran = ", ".join(phase_label(p) for p in phases_run) or "nothing"
    lines = [f"The advance {verb}: {ran}."]
    if phase == "conflict_resolution":
        lines.append(
            f"It {'would stop' if preview else 'stopped'} for your rulings on "
            f"{conflicts} conflict(s)"
            + ("." if preview else ": rule each one with its buttons, then /gm continue.")
        )
    elif phase == "assignment":
        if from_turn is not None and turn > from_turn:
            lines.append(
                f"Turn {turn - 1} {'would be' if preview else 'is'} complete; turn {turn} orders "
                f"{'would open' if preview else 'are open'}."
                + ("" if preview else " Each faction's report is on its way by DM.")
            )
        else:
            lines.append(f"Orders {'would be' if preview else 'are'} open for turn {turn}.")
    shown = list(history)[-HISTORY_LINES:]
    log_lines = [
        f"T{e.turn_number} {escape_name(e.action_description)}: {escape_text(e.result_description)}"
        for e in shown
    ]
    if len(history) > len(shown):
        log_lines.insert(0, f"… {len(history) - len(shown)} earlier line(s) not shown.")
    title = "Preview (nothing was changed)" if preview else f"Turn {turn}: {phase_label(phase)}"
    sections = [Section(title, lines)]
    if log_lines:
        sections.append(Section("What happened", log_lines))
    return render_sections(sections)
