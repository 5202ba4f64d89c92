"""Applying gain/take influence in phase 7 (RULES.md §4.5–§4.6).

Per district: sort by tier, then final total, then a random key from the
district's ``order`` stream (one ``random()`` per action in canonical piece
order), and apply one action at a time against the current state. Each action's
branch draws come from its own ``effect`` stream, so removing one action never
changes another's branch.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.rules import rng
from bot.rules.model import (
    DISTRICT_SLOTS,
    INFLUENCE_ACTIONS,
    ActionType,
    Board,
    PieceRef,
    Tier,
)


@dataclass(frozen=True)
class InfluenceAction:
    """One gain/take order to apply, with its final (post-ruling) total and tier."""

    ref: PieceRef
    faction_id: str
    district_id: str
    action: ActionType
    tier: Tier
    total: int
    target_faction_id: str | None = None


@dataclass(frozen=True)
class ActionEffect:
    """What one action did; ``applied_index`` is its 0-based place in its district."""

    ref: PieceRef
    district_id: str
    applied_index: int
    branch: str
    gained: int = 0
    lost: int = 0
    target_lost: int = 0
    target_gained: int = 0
    pool_exhausted: bool = False


@dataclass(frozen=True)
class InfluenceResolution:
    influence: Mapping[tuple[str, str], int]
    effects: tuple[ActionEffect, ...]

    def effect_of(self, ref: PieceRef) -> ActionEffect:
        return next(e for e in self.effects if e.ref == ref)


def application_order(
    seed: int, turn: int, district_id: str, actions: Iterable[InfluenceAction]
) -> list[InfluenceAction]:
    """§4.6: tier best first, total highest first, then the seeded tie key."""
    canonical = sorted(actions, key=lambda a: a.ref)
    stream = rng.stream(seed, turn, "order", district_id)
    keys = {a.ref: stream.random() for a in canonical}
    return sorted(canonical, key=lambda a: (-a.tier.rank, -a.total, keys[a.ref], a.ref))


def resolve_influence_actions(
    seed: int, turn: int, board: Board, actions: Iterable[InfluenceAction]
) -> InfluenceResolution:
    by_district: dict[str, list[InfluenceAction]] = defaultdict(list)
    for action in actions:
        if action.action not in INFLUENCE_ACTIONS:
            raise ValueError(f"{action.ref}: {action.action} is not an influence action")
        by_district[action.district_id].append(action)
    influence: dict[tuple[str, str], int] = dict(board.influence)
    held: dict[str, int] = defaultdict(int)
    for (district_id, _), value in board.influence.items():
        held[district_id] += value
    effects: list[ActionEffect] = []
    for district_id in sorted(by_district):
        state = _DistrictState(influence, district_id, DISTRICT_SLOTS - held[district_id])
        ordered = application_order(seed, turn, district_id, by_district[district_id])
        for position, action in enumerate(ordered):
            stream = rng.stream(seed, turn, "effect", action.ref.key)
            if action.action is ActionType.GAIN_INFLUENCE:
                effects.append(_apply_gain(state, action, position, stream))
            else:
                effects.append(_apply_take(state, action, position, stream))
    return InfluenceResolution(
        influence=dict(sorted(influence.items())),
        effects=tuple(sorted(effects, key=lambda e: e.ref)),
    )


class _DistrictState:
    """Mutable view of one district's influence and pool while its actions apply."""

    def __init__(self, influence: dict[tuple[str, str], int], district_id: str, pool: int):
        self.influence = influence
        self.district_id = district_id
        self.pool = pool

    def get(self, faction_id: str) -> int:
        return self.influence.get((self.district_id, faction_id), 0)

    def add(self, faction_id: str, delta: int) -> None:
        self.influence[(self.district_id, faction_id)] = self.get(faction_id) + delta


def _apply_gain(
    state: _DistrictState, action: InfluenceAction, position: int, stream: random.Random
) -> ActionEffect:
    base = {"ref": action.ref, "district_id": state.district_id, "applied_index": position}
    actor = action.faction_id
    if action.tier in (Tier.CRITICAL_SUCCESS, Tier.SUCCESS):
        if action.tier is Tier.CRITICAL_SUCCESS:
            wanted, branch = (
                (2, "critical_plus_2") if stream.random() < 0.8 else (1, "critical_plus_1")
            )
        else:
            wanted, branch = 1, "success_plus_1"
        if state.pool == 0:
            return ActionEffect(**base, branch="pool_exhausted", pool_exhausted=True)
        amount = min(wanted, state.pool)
        state.pool -= amount
        state.add(actor, amount)
        return ActionEffect(**base, branch=branch, gained=amount)
    if action.tier is Tier.CRITICAL_FAILURE:
        if stream.random() < 0.5 and state.get(actor) >= 1:
            state.add(actor, -1)
            state.pool += 1
            return ActionEffect(**base, branch="critical_failure_lose_1", lost=1)
        return ActionEffect(**base, branch="critical_failure_nothing")
    return ActionEffect(**base, branch="failure")


def _apply_take(
    state: _DistrictState, action: InfluenceAction, position: int, stream: random.Random
) -> ActionEffect:
    base = {"ref": action.ref, "district_id": state.district_id, "applied_index": position}
    actor, target = action.faction_id, action.target_faction_id
    if target is None or target == actor:
        raise ValueError(f"take_influence by {action.ref} needs a target faction not its own")
    held = state.get(target)
    if held == 0:
        return ActionEffect(**base, branch="target_has_none")  # [D-11]
    if action.tier is Tier.CRITICAL_SUCCESS:
        u = stream.random()
        if u < 0.4:
            moved = min(2, held)
            state.add(target, -moved)
            state.add(actor, moved)
            return ActionEffect(**base, branch="critical_take_2", gained=moved, target_lost=moved)
        state.add(target, -1)
        state.add(actor, 1)
        if u < 0.8:
            extra = 1 if state.pool >= 1 else 0
            state.pool -= extra
            state.add(actor, extra)
            return ActionEffect(
                **base, branch="critical_take_1_plus_pool", gained=1 + extra, target_lost=1
            )
        return ActionEffect(**base, branch="critical_take_1", gained=1, target_lost=1)
    if action.tier is Tier.SUCCESS:
        if stream.random() < 0.8:
            state.add(target, -1)
            state.add(actor, 1)
            return ActionEffect(**base, branch="success_take_1", gained=1, target_lost=1)
        return ActionEffect(**base, branch="success_nothing")
    if action.tier is Tier.CRITICAL_FAILURE:
        if stream.random() < 0.4 and state.get(actor) >= 1:
            state.add(actor, -1)
            if stream.random() < 0.5:
                state.add(target, 1)
                return ActionEffect(
                    **base, branch="critical_failure_to_target", lost=1, target_gained=1
                )
            state.pool += 1
            return ActionEffect(**base, branch="critical_failure_to_pool", lost=1)
        return ActionEffect(**base, branch="critical_failure_nothing")
    return ActionEffect(**base, branch="failure")
