"""Weekly DC modifier random walk (RULES.md §7.2, phase 8) [D-21]."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.rules import rng

WALK_MIN, WALK_MAX = -2, 2


@dataclass(frozen=True)
class WalkStep:
    district_id: str
    previous: int
    new: int
    step: int
    roll_type: str  # down | stay | up | blocked (clamp cancelled the step)


def walk_one(seed: int, turn: int, district_id: str, previous: int) -> WalkStep:
    step = rng.walk_step(rng.stream(seed, turn, "walk", district_id))
    new = max(WALK_MIN, min(WALK_MAX, previous + step))
    if step != 0 and new == previous:
        roll_type = "blocked"
    else:
        roll_type = {-1: "down", 0: "stay", 1: "up"}[step]
    return WalkStep(district_id, previous, new, step, roll_type)


def random_walk(seed: int, turn: int, modifiers: Mapping[str, int]) -> list[WalkStep]:
    """One step per district, canonical order; every district listed gets a step."""
    return [walk_one(seed, turn, d, int(modifiers[d])) for d in sorted(modifiers)]
