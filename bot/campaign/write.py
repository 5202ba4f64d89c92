"""Render a CampaignFile back to TOML: deterministic, minimal, and loadable.

Defaults are left out so exports stay short; mappings are written in key order
and relationships in pair order, so the same campaign always gives the same
text and ``load(dump(c)) == c``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import tomli_w

from bot.campaign.model import (
    DEFAULT_APTITUDE,
    DEFAULT_MONITOR_APTITUDE,
    DEFAULT_NEWSPAPER_WEIGHT,
    AgentSpec,
    CampaignFile,
    DistrictSpec,
    FactionSpec,
    MapSpec,
    RumorSpec,
    ShapeKind,
    ShapeSpec,
    SquadronSpec,
)
from bot.rules.model import APTITUDES, ATTRIBUTES, SKILLS

MAX_TOML_INTEGER = 2**63 - 1


def dump(campaign: CampaignFile) -> str:
    document: dict[str, Any] = {"campaign": _campaign(campaign)}
    if campaign.map is not None:
        document["map"] = _map(campaign.map)
    if campaign.factions:
        document["factions"] = [_faction(f) for f in campaign.factions]
    if campaign.relationships:
        document["relationships"] = _relationships(campaign.relationships)
    if campaign.districts:
        document["districts"] = [_district(d) for d in campaign.districts]
    if campaign.agents:
        document["agents"] = [_agent(a) for a in campaign.agents]
    if campaign.squadrons:
        document["squadrons"] = [_squadron(s) for s in campaign.squadrons]
    # Single-line strings: a multi-line TOML string would turn "\r\n" into "\n".
    return tomli_w.dumps(document)


def _campaign(campaign: CampaignFile) -> dict[str, Any]:
    table: dict[str, Any] = {"name": campaign.name}
    if campaign.seed is not None:
        # TOML integers are signed 64-bit; larger unsigned seeds go as digit strings.
        table["seed"] = campaign.seed if campaign.seed <= MAX_TOML_INTEGER else str(campaign.seed)
    _put(table, "turn", campaign.turn, None)
    _put(table, "phase", campaign.phase, None)
    return table


def _map(spec: MapSpec) -> dict[str, Any]:
    table: dict[str, Any] = {}
    _put(table, "base_image", spec.base_image, None)
    _put(table, "width", spec.width, None)
    _put(table, "height", spec.height, None)
    return table


def _faction(faction: FactionSpec) -> dict[str, Any]:
    table: dict[str, Any] = {"key": faction.key, "name": faction.name}
    _put(table, "description", faction.description, "")
    table["color"] = faction.color
    _put(table, "monitoring_bonus", faction.monitoring_bonus, 0)
    if faction.channel_id is not None:
        table["channel_id"] = str(faction.channel_id)
    _put(table, "supports", list(faction.supports), [])
    _put(table, "resources", _sorted(faction.resources), {})
    if faction.modifiers:
        table["modifiers"] = [
            {"name": m.name, "type": m.type.value, "value": m.value} for m in faction.modifiers
        ]
    if faction.members:
        table["members"] = [_member(m.user_id, m.leader) for m in faction.members]
    return table


def _member(user_id: int, leader: bool) -> dict[str, Any]:
    # Snowflakes as strings: Discord's own convention, and safe past 2**63.
    table: dict[str, Any] = {"user_id": str(user_id)}
    _put(table, "leader", leader, False)
    return table


def _relationships(directed: Mapping[tuple[str, str], int]) -> list[dict[str, Any]]:
    """Equal pairs as one symmetric a/b entry, the rest as from/to entries."""
    entries: list[dict[str, Any]] = []
    for first, second in sorted(directed):
        value = directed[(first, second)]
        back = directed.get((second, first))
        if first < second and back == value:
            entries.append({"a": first, "b": second, "value": value})
        elif not (first > second and back == value):
            entries.append({"from": first, "to": second, "value": value})
    return entries


def _district(district: DistrictSpec) -> dict[str, Any]:
    table: dict[str, Any] = {"key": district.key, "name": district.name}
    _put(table, "description", district.description, "")
    _put(table, "commerce", district.commerce, 0)
    _put(table, "muster", district.muster, 0)
    _put(table, "aristocratic", district.aristocratic, 0)
    table["preferred_gain_attribute"] = district.preferred_gain_attribute
    table["preferred_gain_skill"] = district.preferred_gain_skill
    table["preferred_gain_squadron_aptitude"] = district.preferred_gain_squadron_aptitude
    table["preferred_monitor_attribute"] = district.preferred_monitor_attribute
    table["preferred_monitor_skill"] = district.preferred_monitor_skill
    _put(
        table,
        "preferred_monitor_squadron_aptitude",
        district.preferred_monitor_squadron_aptitude,
        DEFAULT_MONITOR_APTITUDE,
    )
    _put(table, "weekly_modifier", district.weekly_modifier, 0)
    _put(table, "adjacent", list(district.adjacent), [])
    _put(table, "influence", _sorted(district.influence), {})
    _put(table, "strongholds", list(district.strongholds), [])
    _put(table, "likeability", _sorted(district.likeability), {})
    if district.shape is not None:
        table["shape"] = _shape(district.shape)
    if district.modifiers:
        table["modifiers"] = [
            {"type": m.type, "value": m.value}
            | ({} if m.expires_on is None else {"expires_on": m.expires_on})
            for m in district.modifiers
        ]
    if district.rumors:
        table["rumors"] = [_rumor(r) for r in district.rumors]
    return table


def _shape(shape: ShapeSpec) -> dict[str, Any]:
    table: dict[str, Any] = {"type": shape.kind.value}
    if shape.kind is ShapeKind.POLYGON:
        table["points"] = [[x, y] for x, y in shape.points]
    elif shape.kind is ShapeKind.RECTANGLE:
        table |= {"x": shape.x, "y": shape.y, "width": shape.width, "height": shape.height}
    else:
        table |= {"cx": shape.cx, "cy": shape.cy, "r": shape.r}
    _put(table, "fill", shape.style.fill, None)
    _put(table, "border", shape.style.border, None)
    _put(table, "border_width", shape.style.border_width, None)
    return table


def _rumor(rumor: RumorSpec) -> dict[str, Any]:
    table: dict[str, Any] = {
        "key": rumor.key,
        "name": rumor.name,
        "dc": rumor.dc,
        "text": rumor.text,
    }
    _put(table, "newspaper_hint", rumor.newspaper_hint, None)
    _put(table, "newspaper_weight", rumor.newspaper_weight, DEFAULT_NEWSPAPER_WEIGHT)
    _put(table, "known_by", list(rumor.known_by), [])
    return table


def _agent(agent: AgentSpec) -> dict[str, Any]:
    table: dict[str, Any] = {"key": agent.key, "name": agent.name}
    _put(table, "faction", agent.faction, None)
    _put(table, "district", agent.district, None)
    for name in ATTRIBUTES:
        _put(table, name, agent.attributes.get(name, 0), 0)
    for name in SKILLS:
        _put(table, name, agent.skills.get(name, 0), 0)
    return table


def _squadron(squadron: SquadronSpec) -> dict[str, Any]:
    table: dict[str, Any] = {
        "key": squadron.key,
        "name": squadron.name,
        "faction": squadron.faction,
    }
    _put(table, "district", squadron.district, None)
    _put(table, "type", squadron.type, "")
    _put(table, "mobility", squadron.mobility, 0)
    for name in APTITUDES:
        _put(table, name, squadron.aptitudes.get(name, DEFAULT_APTITUDE), DEFAULT_APTITUDE)
    return table


def _put(table: dict[str, Any], name: str, value: object, default: object) -> None:
    """Write ``value`` unless it is the default (keeps exports short)."""
    if value != default:
        table[name] = value


def _sorted(mapping: Mapping[str, int]) -> dict[str, int]:
    return {key: mapping[key] for key in sorted(mapping)}
