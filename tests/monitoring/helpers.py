"""Small board builders shared by the monitoring tests."""

from __future__ import annotations

from bot.rules.model import Board, District, Faction
from bot.rules.monitoring import MonitoringSource, SourceKind


def make_board(
    influence: dict[tuple[str, str], int],
    factions: list[str],
    adjacency: dict[str, set[str]] | None = None,
    strongholds: set[tuple[str, str]] = frozenset(),
    modifiers: dict[str, int] | None = None,
    relationships: dict[tuple[str, str], int] | None = None,
) -> Board:
    adjacency = adjacency or {}
    modifiers = modifiers or {}
    district_ids = {d for d, _ in influence} | set(adjacency) | set(modifiers)
    for near in adjacency.values():
        district_ids |= near
    districts = {
        d: District(
            d, weekly_modifier=modifiers.get(d, 0), adjacent=frozenset(adjacency.get(d, ()))
        )
        for d in district_ids
    }
    return Board(
        factions={f: Faction(f) for f in factions},
        districts=districts,
        influence=dict(influence),
        strongholds=frozenset(strongholds),
        relationships=dict(relationships or {}),
    )


def agent_source(faction: str, district: str, total: int, agent: str = "a1") -> MonitoringSource:
    return MonitoringSource(f"agent:{agent}", faction, district, SourceKind.AGENT, total)
