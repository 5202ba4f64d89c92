"""Preparation thresholds and influence decay (RULES.md §7.1, phases 1–2).

Every check reads the phase-start snapshot and all losses apply together [D-40],
so the order of checks cannot change the result.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from bot.rules import rng
from bot.rules.model import Board

THRESHOLD = 2
STRONGHOLD_THRESHOLD = 5
BASE_PERCENT_PER_POINT = 5
SATURATION_PERCENT: dict[int, int] = {9: 10, 10: 35}


@dataclass(frozen=True)
class BaseDecayHit:
    district_id: str
    faction_id: str
    influence: int
    threshold: int
    percent: int


@dataclass(frozen=True)
class SaturationHit:
    district_id: str
    faction_id: str
    total: int
    percent: int


@dataclass(frozen=True)
class DecayResolution:
    """``changes``: net (negative) change per (district, faction) that lost something."""

    changes: Mapping[tuple[str, str], int]
    base_hits: tuple[BaseDecayHit, ...]
    saturation_hits: tuple[SaturationHit, ...]

    def apply(self, influence: Mapping[tuple[str, str], int]) -> dict[tuple[str, str], int]:
        result = dict(influence)
        for key, delta in self.changes.items():
            result[key] = result.get(key, 0) + delta
        return result


def threshold(board: Board, district_id: str, faction_id: str) -> int:
    return STRONGHOLD_THRESHOLD if board.has_stronghold(district_id, faction_id) else THRESHOLD


def preparation(board: Board) -> dict[tuple[str, str], int]:
    """Phase 1: decay threshold per (district, faction) row: 5 with a stronghold, else 2."""
    keys = set(board.influence) | set(board.strongholds)
    return {key: threshold(board, *key) for key in sorted(keys)}


def base_decay_percent(influence: int, threshold_value: int) -> int:
    """5% × (I − threshold), one check, lose exactly 1 [D-19]."""
    return max(0, influence - threshold_value) * BASE_PERCENT_PER_POINT


def resolve_decay(seed: int, turn: int, board: Board) -> DecayResolution:
    held: dict[str, dict[str, int]] = defaultdict(dict)
    for (district_id, faction_id), value in board.influence.items():
        if value > 0:
            held[district_id][faction_id] = int(value)
    changes: dict[tuple[str, str], int] = defaultdict(int)
    base_hits: list[BaseDecayHit] = []
    saturation_hits: list[SaturationHit] = []
    for district_id in sorted(held):
        factions = held[district_id]
        for faction_id in sorted(factions):
            value = factions[faction_id]
            limit = threshold(board, district_id, faction_id)
            percent = base_decay_percent(value, limit)
            if percent == 0:
                continue
            stream = rng.stream(seed, turn, "decay", district_id, faction_id)
            if rng.chance(stream, percent):
                changes[(district_id, faction_id)] -= 1
                base_hits.append(BaseDecayHit(district_id, faction_id, value, limit, percent))
        total = sum(factions.values())
        percent = SATURATION_PERCENT.get(total, 0)
        if percent == 0:
            continue
        stream = rng.stream(seed, turn, "saturation", district_id)
        if rng.chance(stream, percent):
            names = sorted(factions)
            victim = rng.weighted_pick(stream, names, [factions[f] for f in names])
            changes[(district_id, victim)] -= 1
            saturation_hits.append(SaturationHit(district_id, victim, total, percent))
    return DecayResolution(
        changes=dict(sorted(changes.items())),
        base_hits=tuple(base_hits),
        saturation_hits=tuple(saturation_hits),
    )
