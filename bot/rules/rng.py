"""Named, seeded random streams (RULES.md §9).

Every random draw in the game comes from a stream keyed by the campaign seed and
the purpose/ids of the draw, so a phase replays draw for draw after a crash or in
a GM preview. Nothing else in the project may create a ``random.Random``.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def stream(seed: int, *parts: object) -> random.Random:
    """The stream for ``parts`` under campaign ``seed``: ``"|".join([str(S), *parts])``."""
    key = "|".join([str(seed), *(str(p) for p in parts)])
    digest = hashlib.sha256(key.encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def d20(rng: random.Random) -> int:
    return rng.randint(1, 20)


def chance(rng: random.Random, percent: float) -> bool:
    """True with probability ``percent``/100 (one ``random()`` draw, always made)."""
    return rng.random() < percent / 100


def pick(rng: random.Random, items: Sequence[T]) -> T:
    """Uniform pick over ``items``, which the caller has sorted canonically."""
    return items[rng.randrange(len(items))]


def weighted_pick(rng: random.Random, items: Sequence[T], weights: Sequence[float]) -> T:
    """First item (canonical order) whose running weight exceeds ``random() * sum(w)``."""
    if len(items) != len(weights) or not items:
        raise ValueError("weighted_pick needs as many weights as items, and at least one item")
    threshold = rng.random() * sum(weights)
    running = 0.0
    for item, weight in zip(items, weights, strict=True):
        running += weight
        if running > threshold:
            return item
    # Floating-point rounding can leave threshold == total; the last positive weight wins.
    for item, weight in zip(reversed(items), reversed(weights), strict=True):
        if weight > 0:
            return item
    raise ValueError("weighted_pick needs at least one positive weight")


def walk_step(rng: random.Random) -> int:
    """Random-walk step −1, 0 or +1 (§7.2)."""
    return rng.randrange(3) - 1


def keep_d20(first: int, second: int, advantage: bool, disadvantage: bool) -> int:
    """The d20 kept from the two always drawn (§3.3): both flags cancel."""
    if advantage and not disadvantage:
        return max(first, second)
    if disadvantage and not advantage:
        return min(first, second)
    return first
