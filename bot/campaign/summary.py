"""A few lines describing a campaign, for the CLI after an import or a check."""

from __future__ import annotations

from bot.campaign.model import CampaignFile
from bot.campaign.validate import effective_relationship

REL_NAMES = {-2: "hot war", -1: "cold war", 0: "neutral", 1: "friendly", 2: "allied"}


def summary(campaign: CampaignFile) -> str:
    rumors = sum(len(d.rumors) for d in campaign.districts)
    shaped = sum(1 for d in campaign.districts if d.shape is not None)
    lines = [
        f"Campaign: {campaign.name}"
        + (f" (turn {campaign.turn}, {campaign.phase})" if campaign.turn or campaign.phase else ""),
        f"Seed: {campaign.seed if campaign.seed is not None else 'drawn at import'}",
        f"{len(campaign.factions)} factions, {len(campaign.districts)} districts "
        f"({shaped} with shapes), {len(campaign.agents)} agents, "
        f"{len(campaign.squadrons)} squadrons, {rumors} rumors",
    ]
    for faction in campaign.factions:
        held = sum(d.influence.get(faction.key, 0) for d in campaign.districts)
        strongholds = sum(1 for d in campaign.districts if faction.key in d.strongholds)
        agents = sum(1 for a in campaign.agents if a.faction == faction.key)
        squadrons = sum(1 for s in campaign.squadrons if s.faction == faction.key)
        lines.append(
            f"- {faction.name} [{faction.key}] {faction.color}: influence {held}, "
            f"strongholds {strongholds}, agents {agents}, squadrons {squadrons}, "
            f"members {len(faction.members)}"
        )
    keys = [f.key for f in campaign.factions]
    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            rel = effective_relationship(campaign, a, b)
            if rel:
                lines.append(f"  {a} / {b}: {REL_NAMES[rel]} ({rel:+d})")
    if campaign.map is not None and campaign.map.base_image:
        lines.append(f"Base map: {campaign.map.base_image}")
    return "\n".join(lines)
