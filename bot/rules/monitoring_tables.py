"""The probability tables of RULES.md §8 as pure arithmetic.

Kept apart from the drawing code so every number of the rulebook can be tested
exactly, tier end by tier end, without sampling. Percentages are floats 0..100.
A bracket is ``(percent, magnitudes)``: the magnitude (or value) is uniform among
``magnitudes``; the exact bracket of an accuracy table has magnitudes ``(0,)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.rules.model import MonitoringTier

Bracket = tuple[float, tuple[int, ...]]

LEG = MonitoringTier.LEGENDARY
EXC = MonitoringTier.EXCEPTIONAL
VGD = MonitoringTier.VERY_GOOD
GOOD = MonitoringTier.GOOD
AVG = MonitoringTier.AVERAGE
POOR = MonitoringTier.POOR
VPOOR = MonitoringTier.VERY_POOR
ABYS = MonitoringTier.ABYSMAL

CONFIDENCE_BASE: dict[MonitoringTier, int] = {
    LEG: 10,
    EXC: 9,
    VGD: 8,
    GOOD: 7,
    AVG: 5,
    POOR: 3,
    VPOOR: 2,
    ABYS: 1,
}


# §8.4 ---------------------------------------------------------------------------------


def detection_chance(tier: MonitoringTier, r: int, influence: int) -> float:
    """Chance (%) to detect a faction holding ``influence`` ≥ 1 at best total ``r``."""
    if influence < 1:
        return 0.0
    if tier in (LEG, EXC):
        return 100.0
    if tier is VGD:
        return 100.0 if influence >= 2 else 95.0 + (r - 20)
    if tier is GOOD:
        if influence >= 4:
            return 100.0
        return 90.0 + (r - 15) if influence >= 2 else 75.0 + 2 * (r - 15)  # [D-24]
    if tier is AVG:
        if influence >= 6:
            return 95.0
        if influence >= 3:
            return 80.0 + 2 * (r - 10)
        return 60.0 + 3 * (r - 10) if influence == 2 else 0.0
    if tier is POOR:
        if influence >= 7:
            return 90.0 + (r - 5)
        if influence >= 4:
            return 70.0 + 3 * (r - 5)
        return 50.0 + 4 * (r - 5) if influence >= 2 else 0.0
    if tier is VPOOR:
        if influence >= 8:
            return 80.0 + 3 * (r - 1)
        if influence >= 5:
            return 60.0 + 4 * (r - 1)
        return 40.0 + 5 * (r - 1) if influence >= 3 else 0.0
    # Abysmal: r <= 0, each point below 0 costs 5 pp.
    if influence >= 9:
        base = 60.0
    elif influence >= 6:
        base = 40.0
    elif influence >= 4:
        base = 20.0
    else:
        return 0.0
    return max(0.0, base - 5 * (-r))


# §8.5 ---------------------------------------------------------------------------------


def _move(shares: list[float], amount: float, sources: tuple[int, ...], target: int) -> None:
    """Move up to ``amount`` pp into ``target``, draining ``sources`` in order."""
    for index in sources:
        taken = min(amount, shares[index])
        shares[index] -= taken
        shares[target] += taken
        amount -= taken
        if amount <= 0:
            return


def accuracy_brackets(tier: MonitoringTier, r: int, influence: int) -> tuple[Bracket, ...]:
    """Exact and error-magnitude brackets for a detected faction's value (§8.5)."""
    if tier is LEG:
        return ((100.0, (0,)),)
    if tier is EXC:
        exact = 90.0 + 2 * (r - 25)
        return ((exact, (0,)), (100.0 - exact, (1,)))
    if tier is VGD:
        base = 80.0 if influence >= 5 else 75.0 if influence >= 2 else 70.0
        exact = base + (r - 20)
        return ((exact, (0,)), (100.0 - exact, (1,)))
    if tier is GOOD:
        if influence >= 5:
            shares = [65.0, 30.0, 5.0]
        elif influence >= 2:
            shares = [55.0, 35.0, 10.0]
        else:
            shares = [45.0, 45.0, 10.0]
        _move(shares, r - 15, (2, 1), 0)  # from the largest error first
        return tuple(zip(shares, ((0,), (1,), (2,)), strict=True))
    if tier is AVG:
        if influence >= 6:
            base_shares = (40.0, 35.0, 20.0, 5.0)
        elif influence >= 3:
            base_shares = (30.0, 40.0, 25.0, 5.0)
        else:
            base_shares = (20.0, 45.0, 30.0, 5.0)
        base = base_shares[0]
        exact = base + 2 * (r - 10)
        scale = (100.0 - exact) / (100.0 - base)
        shares = [exact, *(s * scale for s in base_shares[1:])]
        return tuple(zip(shares, ((0,), (1,), (2,), (3,)), strict=True))
    if tier is POOR:
        if influence >= 7:
            shares = [20.0, 30.0, 50.0]
        elif influence >= 4:
            shares = [10.0, 30.0, 60.0]
        else:
            shares = [5.0, 25.0, 70.0]
        _move(shares, 3 * (r - 5), (2, 1), 0)
        return tuple(zip(shares, ((0,), (1, 2), (3, 4)), strict=True))
    if tier is VPOOR:
        shares = [5.0, 15.0, 30.0, 50.0]
        _move(shares, 2 * (r - 1), (3,), 1)  # [D-25]
        return tuple(zip(shares, ((0,), (1, 2), (3, 4), (5,)), strict=True))
    shares = [0.0, 5.0, 15.0, 80.0]
    _move(shares, 2 * (-r), (1, 2), 3)  # capped at 100 by draining only what exists
    return tuple(zip(shares, ((0,), (1, 2, 3), (4, 5), (6, 7, 8, 9)), strict=True))


# §8.6 ---------------------------------------------------------------------------------


class BiasMode(StrEnum):
    RANDOM = "random"
    DOWN = "down"
    UP = "up"


BIAS_MODES: dict[MonitoringTier, tuple[tuple[BiasMode, float], ...]] = {
    POOR: ((BiasMode.RANDOM, 60.0), (BiasMode.DOWN, 25.0), (BiasMode.UP, 15.0)),
    VPOOR: ((BiasMode.RANDOM, 40.0), (BiasMode.DOWN, 40.0), (BiasMode.UP, 20.0)),
}


def inversion_chance(tier: MonitoringTier, r: int, influence: int) -> float:
    """Chance (%) that a detected value is mirrored; only Poor / Very poor, never 5."""
    if influence == 5:
        return 0.0
    if tier is POOR:
        return 40.0 - 4 * (r - 5)
    if tier is VPOOR:
        return 60.0 - 3 * (r - 1)
    return 0.0


def inversion_applies(tier: MonitoringTier, influence: int) -> bool:
    """Whether the inversion check is drawn at all (§8.15 "if applicable")."""
    return tier in (POOR, VPOOR) and influence != 5


def inverted_value(influence: int) -> int:
    """[D-26]: high looks low and vice versa."""
    return min(9, max(1, 10 - influence))


# §8.8 ---------------------------------------------------------------------------------

STRONGHOLD_REAL: dict[MonitoringTier, float] = {
    LEG: 100.0,
    EXC: 100.0,
    VGD: 95.0,
    GOOD: 85.0,
    AVG: 70.0,
    POOR: 50.0,
    VPOOR: 30.0,
    ABYS: 20.0,
}
STRONGHOLD_FALSE: dict[MonitoringTier, float] = {
    LEG: 0.0,
    EXC: 0.0,
    VGD: 0.0,
    GOOD: 0.0,
    AVG: 0.0,
    POOR: 10.0,
    VPOOR: 25.0,
    ABYS: 40.0,
}


def stronghold_chance(tier: MonitoringTier, real: bool) -> float:
    return STRONGHOLD_REAL[tier] if real else STRONGHOLD_FALSE[tier]


# §8.9 ---------------------------------------------------------------------------------


def phantom_chance(tier: MonitoringTier, r: int) -> float:
    if tier is VGD:
        return 5.0 + 0.5 * (24 - r)
    if tier is GOOD:
        return 15.0 + (19 - r)
    if tier is AVG:
        return 25.0 - (r - 10)  # [D-28]
    if tier is POOR:
        return 35.0 - (r - 5)
    if tier is VPOOR:
        return 45.0 - 2 * (r - 1)
    if tier is ABYS:
        return min(90.0, 60.0 + 3 * (-r))
    return 0.0


PHANTOM_COUNT: tuple[Bracket, ...] = ((70.0, (1,)), (25.0, (2,)), (5.0, (3,)))

PHANTOM_VALUES: dict[MonitoringTier, tuple[Bracket, ...]] = {
    VGD: ((80.0, (1,)), (20.0, (2,))),
    GOOD: ((70.0, (1,)), (25.0, (2,)), (5.0, (3,))),
    AVG: ((50.0, (1,)), (30.0, (2,)), (15.0, (3,)), (5.0, (4,))),
    POOR: ((60.0, (1, 2)), (30.0, (3, 4)), (10.0, (5, 6))),
    VPOOR: ((50.0, (1, 2, 3)), (40.0, (4, 5, 6)), (10.0, (7, 8))),
    ABYS: ((100.0, tuple(range(1, 11))),),
}

PHANTOM_ADJACENCY_WEIGHT: dict[MonitoringTier, float] = {
    VGD: 4.0,  # [D-27]
    GOOD: 3.0,
    AVG: 2.0,
    POOR: 1.5,
    VPOOR: 1.1,
    ABYS: 1.0,
}


# §8.11 --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeRule:
    """What a tier learns of recent changes.

    ``exact_chance`` None means always exact (no draw); ``report_chance`` None means
    always reported (no draw).
    """

    turns: int
    min_magnitude: int
    exact_chance: float | None
    report_chance: float | None


CHANGE_RULES: dict[MonitoringTier, ChangeRule] = {
    LEG: ChangeRule(turns=3, min_magnitude=1, exact_chance=None, report_chance=None),
    EXC: ChangeRule(turns=2, min_magnitude=1, exact_chance=90.0, report_chance=None),
    VGD: ChangeRule(turns=1, min_magnitude=1, exact_chance=80.0, report_chance=None),
    GOOD: ChangeRule(turns=1, min_magnitude=2, exact_chance=None, report_chance=50.0),
}

LEGENDARY_INTEL_CHANCE = 75.0
EXCEPTIONAL_RELATIONSHIP_CHANCE = 25.0


# §8.12 --------------------------------------------------------------------------------


class ModifierOutcome(StrEnum):
    EXACT = "exact"
    DIRECTION = "direction"
    OFF_BY_ONE = "off_by_one"
    NOTHING = "nothing"


_EX, _DIR, _OFF, _NO = (
    ModifierOutcome.EXACT,
    ModifierOutcome.DIRECTION,
    ModifierOutcome.OFF_BY_ONE,
    ModifierOutcome.NOTHING,
)

# tier -> (|value| 2, |value| 1, value 0)
_MODIFIER_TABLE: dict[MonitoringTier, tuple[tuple[tuple[ModifierOutcome, float], ...], ...]] = {
    LEG: (((_EX, 100.0),), ((_EX, 100.0),), ((_EX, 95.0), (_OFF, 5.0))),
    EXC: (((_EX, 100.0),), ((_EX, 95.0), (_DIR, 5.0)), ((_EX, 85.0), (_OFF, 15.0))),
    VGD: (((_EX, 100.0),), ((_EX, 90.0), (_DIR, 10.0)), ((_EX, 70.0), (_NO, 30.0))),
    GOOD: (
        ((_EX, 80.0), (_DIR, 20.0)),
        ((_EX, 70.0), (_DIR, 20.0), (_NO, 10.0)),
        ((_EX, 50.0), (_NO, 50.0)),
    ),
    AVG: (
        ((_EX, 60.0), (_DIR, 30.0), (_NO, 10.0)),
        ((_EX, 40.0), (_DIR, 40.0), (_NO, 20.0)),
        ((_EX, 30.0), (_NO, 70.0)),
    ),
    POOR: (((_DIR, 40.0), (_NO, 60.0)), ((_DIR, 20.0), (_NO, 80.0)), ((_EX, 15.0), (_NO, 85.0))),
    VPOOR: (((_DIR, 20.0), (_NO, 80.0)), ((_DIR, 10.0), (_NO, 90.0)), ((_EX, 5.0), (_NO, 95.0))),
    ABYS: (((_DIR, 10.0), (_NO, 90.0)), ((_DIR, 5.0), (_NO, 95.0)), ((_NO, 100.0),)),
}


def modifier_outcomes(
    tier: MonitoringTier, modifier: int
) -> tuple[tuple[ModifierOutcome, float], ...]:
    """Outcome chances for discovering a weekly modifier of ``modifier`` (−2..+2)."""
    return _MODIFIER_TABLE[tier][2 - min(2, abs(modifier))]


FALSE_DIRECTION: dict[MonitoringTier, float] = {
    LEG: 0.0,
    EXC: 0.0,
    VGD: 0.0,
    GOOD: 0.0,
    AVG: 5.0,
    POOR: 15.0,
    VPOOR: 30.0,
    ABYS: 50.0,
}


# §8.14 --------------------------------------------------------------------------------


def confidence_error_range(r: int) -> tuple[int, int]:
    """Inclusive magnitude range of the confidence error at best total ``r``."""
    if r >= 20:
        return (0, 0)
    if r >= 15:
        return (0, 1)
    if r >= 10:
        return (0, 2)
    if r >= 5:
        return (1, 3)
    if r >= 1:
        return (2, 4)
    return (3, 5)
