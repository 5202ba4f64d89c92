"""A faction's overview as its members read it (pure; built only from QueryService views)."""

from __future__ import annotations

from bot.render.orders import order_summary, piece_name
from bot.render.report_labels import parse_color, relationship_label, signed
from bot.render.report_layout import Message, Section, render_sections
from bot.render.text import escape_name, escape_text, truncate
from bot.render.turn_views import deadline_text, phase_label
from bot.services.queries import FactionOverview, PlayerTurnStatus


def overview_messages(view: FactionOverview, districts: dict[str, str]) -> list[Message]:
    color = parse_color(view.faction.color)
    names = view.names

    def faction(fid: str) -> str:
        return escape_name(names.get(fid, fid))

    head = [
        f"Turn {view.turn}, {phase_label(view.phase)}.",
        f"Monitoring bonus {signed(view.faction.monitoring_bonus)}.",
    ]
    if view.faction.description:
        head.append(escape_text(truncate(view.faction.description, 300)))
    pieces = []
    for line in view.pieces:
        where = escape_name(line.district_name) if line.district_name else "not placed"
        order = (
            order_summary(line.order, districts, names) if line.order is not None else "no order"
        )
        pieces.append(f"• **{piece_name(line.piece)}** at {where}: {order}")
    perceived = []
    for d in view.districts:
        own = f"you {d.own_influence}" + (" (stronghold)" if d.own_stronghold else "")
        others = ", ".join(
            f"{faction(e.faction_id)} ~{e.influence}" + (" (stronghold)" if e.stronghold else "")
            for e in d.others
        )
        if d.as_of_turn is None:
            seen = "never watched"
        else:
            stale = view.turn - 1 - d.as_of_turn
            seen = f"as of turn {d.as_of_turn}" + (f", {stale} turn(s) old" if stale > 0 else "")
        perceived.append(
            f"• **{escape_name(d.district_name)}**: {own}"
            + (f"; {others}" if others else "")
            + f" ({seen})"
        )
    relations = [
        f"• {faction(r.faction_id)}: your stance {relationship_label(r.stance)} ({signed(r.stance)})"
        + (
            f", effective {relationship_label(r.effective)} ({signed(r.effective)})"
            if r.effective != r.stance
            else ""
        )
        for r in view.relationships
    ]
    ledger = [f"• {escape_name(r.resource_type)}: {r.value}" for r in view.resources]
    ledger += [
        f"• {escape_name(m.name)}: {escape_name(m.modifier_type)} {signed(m.value)}"
        for m in view.modifiers
    ]
    rumors = [
        f"• **{escape_name(r.title)}** ({escape_name(r.district_name)}, turn {r.discovered_on}): "
        f"{escape_text(truncate(r.text, 400))}"
        for r in view.rumors
    ]
    sections = [
        Section(f"{escape_name(view.faction.name)}", head, color),
        Section("Pieces", pieces or ["Your faction has no pieces."], color),
        Section(
            "Influence as you know it",
            perceived or ["No influence and no reports yet."],
            color,
            footer="Other factions' values are what your reports perceived, errors included.",
        ),
        Section("Relationships", relations or ["No other faction."], color),
        Section("Resources and modifiers", ledger or ["None recorded."], color),
        Section("Known rumors", rumors or ["None yet."], color),
    ]
    return render_sections(sections)


def status_text(status: PlayerTurnStatus) -> str:
    lines = [
        f"Turn **{status.turn}**: {phase_label(status.phase)}.",
        f"Orders deadline: {deadline_text(status.deadline)}.",
    ]
    if status.faction_id is None:
        lines.append("You are not in a faction of this campaign.")
    elif status.phase == "assignment":
        if status.all_ordered:
            lines.append(f"Your faction has ordered all {status.pieces} of its pieces.")
        else:
            lines.append(
                f"Your faction has ordered {status.ordered} of {status.pieces} pieces; "
                "/orders list shows which are missing."
            )
    return "\n".join(lines)
