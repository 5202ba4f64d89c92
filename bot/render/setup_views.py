"""The GM's setup answers: campaign settings, file problems, health, factions, members.

Pure functions from service results to text, sections or messages. Names and user
text are escaped; Discord ids are shown as mentions, which never ping (the bot sends
with ``AllowedMentions.none()``) but render as the member's, role's or channel's name.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from bot.campaign.model import CampaignFile
from bot.campaign.problems import Problem
from bot.campaign.summary import summary as campaign_summary
from bot.render.report_labels import relationship_label
from bot.render.report_layout import Message, Section, render_sections, section_embeds
from bot.render.text import escape_name, escape_text
from bot.render.turn_views import deadline_text, phase_label
from bot.services.campaign_io import ImportSummary
from bot.services.setup import CampaignOverview, FactionFootprint, RelationshipState
from db import records as dbr


def user(user_id: int) -> str:
    return f"<@{user_id}>"


def role(role_id: int) -> str:
    return f"<@&{role_id}>"


def channel_mention(channel_id: int) -> str:
    return f"<#{channel_id}>"


def _code(text: str) -> str:
    """Inline code for keys and locations; a backtick inside cannot close it early."""
    return "`" + text.replace("`", "'") + "`"


def faction_label(faction: dbr.Faction) -> str:
    return f"**{escape_name(faction.name)}** ({_code(faction.id)})"


# -- /campaign show -------------------------------------------------------------------------

NEXT_STEPS = (
    "Start one with `/campaign new` (then `/gm-faction create` ...) "
    "or attach a campaign file to `/campaign import`."
)


def settings_lines(s: dbr.CampaignSettings) -> list[str]:
    return [
        "GM role: "
        + (role(s.gm_role_id) if s.gm_role_id else "not set: server administrators act as GM"),
        "GM channel: "
        + (
            channel_mention(s.gm_channel_id)
            if s.gm_channel_id
            else "not set: GM answers are always private"
        ),
        "News channel: "
        + (
            channel_mention(s.news_channel_id)
            if s.news_channel_id
            else "not set: the newspaper is not posted"
        ),
    ]


def overview_sections(view: CampaignOverview) -> list[Section]:
    s = view.settings
    if view.game is None:
        return [Section("No campaign yet", [NEXT_STEPS, "", *settings_lines(s)])]
    name = s.campaign_name or view.game.campaign_name
    seed = f"||{s.rng_seed}||" if s.rng_seed is not None else "not drawn yet"
    head = [
        f"Turn **{view.game.turn}**, phase: {phase_label(view.game.phase)}",
        f"Deadline: {deadline_text(s.turn_deadline)}",
        f"Seed: {seed} (decides every roll; keep it secret)",
        *settings_lines(s),
        f"Members: {view.member_total} in {len(view.factions)} faction(s)",
    ]
    lines = []
    for f in view.factions:
        count = view.members.get(f.id, 0)
        leaders = view.leaders.get(f.id, 0)
        where = view.faction_channels.get(f.id)
        lines.append(
            f"• {faction_label(f)}: {count} member(s)"
            + (f", {leaders} leader(s)" if leaders else "")
            + ", "
            + (f"private channel {channel_mention(where)}" if where else "no private channel")
        )
    return [
        Section(f"Campaign: {escape_name(name)}", head),
        Section("Factions", lines or ["None yet: `/gm-faction create`."]),
    ]


def gm_role_text(role_id: int, *, actor_has_role: bool) -> str:
    text = (
        f"GM role set to {role(role_id)}. From now on only members with this role are GM: "
        "server administrators without it are no longer GM."
    )
    if not actor_has_role:
        text += (
            " You do not have this role yourself, so you are no longer GM: give yourself "
            "the role to keep running the campaign."
        )
    return text


# -- /campaign import / health --------------------------------------------------------------


def problem_line(problem: Problem) -> str:
    """``entry · field: what is wrong and what is allowed``."""
    entry, field = problem.where, problem.field
    if field and entry.endswith(field):
        entry = entry[: -len(field)].rstrip(".")
    where = _code(entry or "file") + (f" · {_code(field)}" if field else "")
    return f"• {where}: {escape_text(problem.message)}"


def problem_pages(problems: Sequence[Problem], filename: str) -> list[Message]:
    """Every problem, one embed per page (the paginator turns them)."""
    header = (
        f"**{escape_name(filename)}** has {len(problems)} problem(s); nothing was imported. "
        "Fix them all, then attach the file again."
    )
    section = Section(
        f"Problems in {filename}",
        [problem_line(p) for p in problems],
        footer="Each line: entry · field: what is wrong and what is allowed.",
    )
    return [{"content": header, "embeds": [embed]} for embed in section_embeds(section)]


def import_messages(
    result: ImportSummary,
    campaign: CampaignFile,
    warnings: Sequence[Problem] = (),
    *,
    base_map_found: bool = True,
) -> list[Message]:
    """``base_map_found``: whether the file's base map image is in the server's assets."""
    head = [
        f"**Imported** {escape_name(result.name)}: turn {result.turn}, "
        f"{phase_label(result.phase)}; {result.factions} faction(s), {result.districts} "
        f"district(s), {result.agents} agent(s), {result.squadrons} squadron(s), "
        f"{result.rumors} rumor(s)."
    ]
    if result.replaced:
        head.append(
            "The campaign that was here is replaced; the server's GM role, GM and news "
            "channels stay, but faction members and private channels now come from the file "
            "(`/gm-faction add-member`, `/gm-faction channel`)."
        )
    if result.backup is not None:
        head.append(f"Backup taken first: {_code(result.backup.name)}.")
    if campaign.map is not None and campaign.map.base_image and not base_map_found:
        head.append(
            f"The base map {_code(campaign.map.base_image)} is read from the bot's assets folder "
            "for this server; without it maps are drawn on plain paper."
        )
    sections = [
        Section(
            "Campaign imported",
            [
                escape_text(line)
                for line in campaign_summary(
                    dataclasses.replace(campaign, seed=result.seed)
                ).splitlines()
            ],
        )
    ]
    if warnings:
        sections.append(Section("Warnings", [problem_line(w) for w in warnings]))
    messages = render_sections(sections)
    messages[0] = {**messages[0], "content": "\n".join(head)}
    return messages


def health_lines(report: dbr.HealthReport) -> list[str]:
    integrity = "ok" if report.ok else f"**FAILED**: {escape_text(report.integrity)}"
    return [
        f"Integrity check: {integrity}",
        f"Schema version: {report.schema_version}",
        f"Write-ahead log: {report.wal_bytes:,} bytes",
        f"Open connections: {report.open_connections}",
        f"Statements since start: {report.statements:,}; slow (over "
        f"{report.slow_threshold_ms:g} ms): {report.slow_statements:,}",
    ]


# -- /gm-faction ----------------------------------------------------------------------------


def faction_text(faction: dbr.Faction, verb: str) -> str:
    text = (
        f"Faction {faction_label(faction)} {verb}: colour {faction.color}, "
        f"monitoring bonus {faction.monitoring_bonus:+d}."
    )
    if faction.description:
        text += f"\n> {escape_name(faction.description)[:1500]}"
    return text


def footprint_lines(fp: FactionFootprint) -> list[str]:
    """What a delete removes (cascades) and what it only changes."""
    removed = [
        f"{fp.members} member(s) (they leave the campaign's factions)",
        f"its influence: {fp.influence} in {fp.districts_held} district(s), "
        f"{fp.strongholds} stronghold(s) (the slots return to the pools)",
        f"{fp.orders} order(s) of its pieces this turn and {fp.orders_targeting} take/initiate "
        "order(s) aimed at it",
        f"{fp.relationships} relationship value(s), {fp.resources} resource(s), "
        f"{fp.modifiers} modifier(s), {fp.known_rumors} known rumor(s)",
        "its monitoring reports, influence history, support declarations and undelivered "
        "deliveries",
    ]
    if fp.channel_id is not None:
        removed.append(
            f"its private channel setting ({channel_mention(fp.channel_id)} itself stays)"
        )
    return [
        "**Removed:**",
        *(f"• {line}" for line in removed),
        "**Kept:**",
        f"• its {fp.agents} agent(s) and {fp.squadrons} squadron(s), now unaffiliated "
        "(hand them to another faction with the GM piece commands)",
        "This cannot be undone from Discord (the operator can restore a backup).",
    ]


def member_sections(
    members: Sequence[dbr.Member], factions: Mapping[str, dbr.Faction], only: str | None = None
) -> list[Section]:
    by_faction: dict[str, list[dbr.Member]] = {}
    for m in members:
        by_faction.setdefault(m.faction_id, []).append(m)
    shown = [only] if only is not None else sorted(factions)
    sections = []
    for faction_id in shown:
        rows = by_faction.get(faction_id, [])
        faction = factions.get(faction_id)
        title = escape_name(faction.name) if faction else faction_id
        lines = [f"• {user(m.user_id)}" + (" (leader)" if m.is_leader else "") for m in rows]
        sections.append(Section(f"{title}: {len(rows)} member(s)", lines or ["No members yet."]))
    return sections or [Section("Members", ["There are no factions yet."])]


def relationship_text(
    before: RelationshipState, after: RelationshipState, names: Mapping[str, str]
) -> str:
    a = escape_name(names.get(after.faction_id, after.faction_id))
    b = escape_name(names.get(after.other_id, after.other_id))
    lines = [
        f"{a} → {b}: {after.forward:+d}; {b} → {a}: {after.backward:+d}.",
        f"Effective relationship (the lower of both, RULES D-1): **{after.effective:+d}** "
        f"({relationship_label(after.effective)}).",
    ]
    if after.forward != after.backward:
        lines.append(
            "The directions differ: the rules use the lower one, so the friendlier side "
            "gains nothing until the other matches it."
        )
    if before.effective == 2 and after.effective < 2:
        lines.append("They are no longer allies: support declarations between them lapse.")
    return "\n".join(lines)
