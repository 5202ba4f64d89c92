"""Every number of the §8 tables at both ends of each tier, exactly (pure arithmetic)."""

from __future__ import annotations

import pytest

from bot.rules.model import MonitoringTier as T
from bot.rules.model import monitoring_tier
from bot.rules.monitoring_tables import (
    BIAS_MODES,
    CHANGE_RULES,
    CONFIDENCE_BASE,
    FALSE_DIRECTION,
    PHANTOM_ADJACENCY_WEIGHT,
    PHANTOM_COUNT,
    PHANTOM_VALUES,
    BiasMode,
    ModifierOutcome,
    accuracy_brackets,
    confidence_error_range,
    detection_chance,
    inversion_applies,
    inversion_chance,
    inverted_value,
    modifier_outcomes,
    phantom_chance,
    stronghold_chance,
)


@pytest.mark.parametrize(
    ("total", "tier", "base"),
    [
        (-5, T.ABYSMAL, 1),
        (0, T.ABYSMAL, 1),
        (1, T.VERY_POOR, 2),
        (4, T.VERY_POOR, 2),
        (5, T.POOR, 3),
        (9, T.POOR, 3),
        (10, T.AVERAGE, 5),
        (14, T.AVERAGE, 5),
        (15, T.GOOD, 7),
        (19, T.GOOD, 7),
        (20, T.VERY_GOOD, 8),
        (24, T.VERY_GOOD, 8),
        (25, T.EXCEPTIONAL, 9),
        (29, T.EXCEPTIONAL, 9),
        (30, T.LEGENDARY, 10),
        (45, T.LEGENDARY, 10),
    ],
)
def test_tier_edges_and_confidence_base(total: int, tier: T, base: int) -> None:
    assert monitoring_tier(total) is tier
    assert CONFIDENCE_BASE[tier] == base


# (tier, r, {influence: chance}) at both ends of each tier.
DETECTION = [
    (T.LEGENDARY, 30, {1: 100, 5: 100, 10: 100}),
    (T.EXCEPTIONAL, 25, {1: 100, 10: 100}),
    (T.EXCEPTIONAL, 29, {1: 100, 10: 100}),
    (T.VERY_GOOD, 20, {1: 95, 2: 100, 10: 100}),
    (T.VERY_GOOD, 24, {1: 99, 2: 100}),
    (T.GOOD, 15, {1: 75, 2: 90, 3: 90, 4: 100, 10: 100}),
    (T.GOOD, 19, {1: 83, 2: 94, 3: 94, 4: 100}),
    (T.AVERAGE, 10, {1: 0, 2: 60, 3: 80, 5: 80, 6: 95, 10: 95}),
    (T.AVERAGE, 14, {1: 0, 2: 72, 3: 88, 5: 88, 6: 95}),
    (T.POOR, 5, {1: 0, 2: 50, 3: 50, 4: 70, 6: 70, 7: 90, 10: 90}),
    (T.POOR, 9, {1: 0, 2: 66, 3: 66, 4: 82, 6: 82, 7: 94, 10: 94}),
    (T.VERY_POOR, 1, {1: 0, 2: 0, 3: 40, 4: 40, 5: 60, 7: 60, 8: 80, 10: 80}),
    (T.VERY_POOR, 4, {2: 0, 3: 55, 4: 55, 5: 72, 7: 72, 8: 89, 10: 89}),
    (T.ABYSMAL, 0, {1: 0, 3: 0, 4: 20, 5: 20, 6: 40, 8: 40, 9: 60, 10: 60}),
    (T.ABYSMAL, -3, {4: 5, 6: 25, 9: 45}),
    (T.ABYSMAL, -10, {4: 0, 6: 0, 9: 10, 10: 10}),
]


@pytest.mark.parametrize(("tier", "r", "expected"), DETECTION)
def test_detection_chance(tier: T, r: int, expected: dict[int, float]) -> None:
    assert monitoring_tier(r) is tier
    for influence, percent in expected.items():
        assert detection_chance(tier, r, influence) == pytest.approx(percent), influence
    assert detection_chance(tier, r, 0) == 0


def shares(tier: T, r: int, influence: int) -> list[float]:
    return [round(p, 2) for p, _ in accuracy_brackets(tier, r, influence)]


ACCURACY = [
    (T.LEGENDARY, 30, 7, [100]),
    (T.EXCEPTIONAL, 25, 3, [90, 10]),
    (T.EXCEPTIONAL, 29, 3, [98, 2]),
    (T.VERY_GOOD, 20, 5, [80, 20]),
    (T.VERY_GOOD, 24, 5, [84, 16]),
    (T.VERY_GOOD, 20, 2, [75, 25]),
    (T.VERY_GOOD, 24, 4, [79, 21]),
    (T.VERY_GOOD, 20, 1, [70, 30]),
    (T.VERY_GOOD, 24, 1, [74, 26]),
    (T.GOOD, 15, 5, [65, 30, 5]),
    (T.GOOD, 19, 9, [69, 30, 1]),
    (T.GOOD, 15, 2, [55, 35, 10]),
    (T.GOOD, 19, 4, [59, 35, 6]),
    (T.GOOD, 15, 1, [45, 45, 10]),
    (T.GOOD, 19, 1, [49, 45, 6]),
    (T.AVERAGE, 10, 6, [40, 35, 20, 5]),
    (T.AVERAGE, 14, 10, [48, 30.33, 17.33, 4.33]),
    (T.AVERAGE, 10, 3, [30, 40, 25, 5]),
    (T.AVERAGE, 14, 5, [38, 35.43, 22.14, 4.43]),
    (T.AVERAGE, 10, 2, [20, 45, 30, 5]),
    (T.AVERAGE, 14, 2, [28, 40.5, 27, 4.5]),
    (T.POOR, 5, 7, [20, 30, 50]),
    (T.POOR, 9, 10, [32, 30, 38]),
    (T.POOR, 5, 4, [10, 30, 60]),
    (T.POOR, 9, 6, [22, 30, 48]),
    (T.POOR, 5, 2, [5, 25, 70]),
    (T.POOR, 9, 3, [17, 25, 58]),
    (T.VERY_POOR, 1, 3, [5, 15, 30, 50]),
    (T.VERY_POOR, 4, 9, [5, 21, 30, 44]),
    (T.ABYSMAL, 0, 4, [0, 5, 15, 80]),
    (T.ABYSMAL, -3, 4, [0, 0, 14, 86]),
    (T.ABYSMAL, -10, 9, [0, 0, 0, 100]),
    (T.ABYSMAL, -30, 9, [0, 0, 0, 100]),
]


@pytest.mark.parametrize(("tier", "r", "influence", "expected"), ACCURACY)
def test_accuracy_brackets(tier: T, r: int, influence: int, expected: list[float]) -> None:
    assert shares(tier, r, influence) == pytest.approx(expected, abs=0.01)
    assert sum(p for p, _ in accuracy_brackets(tier, r, influence)) == pytest.approx(100)


def test_accuracy_bracket_magnitudes() -> None:
    assert [m for _, m in accuracy_brackets(T.POOR, 5, 7)] == [(0,), (1, 2), (3, 4)]
    assert [m for _, m in accuracy_brackets(T.VERY_POOR, 1, 7)] == [(0,), (1, 2), (3, 4), (5,)]
    assert [m for _, m in accuracy_brackets(T.ABYSMAL, 0, 7)] == [
        (0,),
        (1, 2, 3),
        (4, 5),
        (6, 7, 8, 9),
    ]
    assert [m for _, m in accuracy_brackets(T.AVERAGE, 10, 7)] == [(0,), (1,), (2,), (3,)]


@pytest.mark.parametrize(
    ("tier", "r", "percent"),
    [(T.POOR, 5, 40), (T.POOR, 9, 24), (T.VERY_POOR, 1, 60), (T.VERY_POOR, 4, 51)],
)
def test_inversion_chance(tier: T, r: int, percent: float) -> None:
    for influence in (1, 4, 6, 10):
        assert inversion_applies(tier, influence)
        assert inversion_chance(tier, r, influence) == percent
    assert not inversion_applies(tier, 5)
    assert inversion_chance(tier, r, 5) == 0


def test_inversion_only_poor_tiers_and_mirror_values() -> None:
    for tier in (T.LEGENDARY, T.EXCEPTIONAL, T.VERY_GOOD, T.GOOD, T.AVERAGE, T.ABYSMAL):
        assert not inversion_applies(tier, 8)
    assert [inverted_value(v) for v in range(1, 11)] == [9, 8, 7, 6, 5, 4, 3, 2, 1, 1]


def test_bias_modes() -> None:
    assert BIAS_MODES[T.POOR] == (
        (BiasMode.RANDOM, 60),
        (BiasMode.DOWN, 25),
        (BiasMode.UP, 15),
    )
    assert BIAS_MODES[T.VERY_POOR] == (
        (BiasMode.RANDOM, 40),
        (BiasMode.DOWN, 40),
        (BiasMode.UP, 20),
    )
    assert set(BIAS_MODES) == {T.POOR, T.VERY_POOR}


def test_stronghold_chances() -> None:
    real = [100, 100, 95, 85, 70, 50, 30, 20]
    false = [0, 0, 0, 0, 0, 10, 25, 40]
    for tier, r_pct, f_pct in zip(T, real, false, strict=True):
        assert stronghold_chance(tier, True) == r_pct
        assert stronghold_chance(tier, False) == f_pct


@pytest.mark.parametrize(
    ("tier", "r", "percent"),
    [
        (T.LEGENDARY, 30, 0),
        (T.EXCEPTIONAL, 29, 0),
        (T.VERY_GOOD, 24, 5),
        (T.VERY_GOOD, 20, 7),
        (T.GOOD, 19, 15),
        (T.GOOD, 15, 19),
        (T.AVERAGE, 10, 25),
        (T.AVERAGE, 14, 21),
        (T.POOR, 5, 35),
        (T.POOR, 9, 31),
        (T.VERY_POOR, 1, 45),
        (T.VERY_POOR, 4, 39),
        (T.ABYSMAL, 0, 60),
        (T.ABYSMAL, -5, 75),
        (T.ABYSMAL, -10, 90),
        (T.ABYSMAL, -20, 90),
    ],
)
def test_phantom_chance(tier: T, r: int, percent: float) -> None:
    assert phantom_chance(tier, r) == percent


def test_phantom_tables() -> None:
    assert PHANTOM_COUNT == ((70, (1,)), (25, (2,)), (5, (3,)))
    assert PHANTOM_VALUES[T.VERY_GOOD] == ((80, (1,)), (20, (2,)))
    assert PHANTOM_VALUES[T.GOOD] == ((70, (1,)), (25, (2,)), (5, (3,)))
    assert PHANTOM_VALUES[T.AVERAGE] == ((50, (1,)), (30, (2,)), (15, (3,)), (5, (4,)))
    assert PHANTOM_VALUES[T.POOR] == ((60, (1, 2)), (30, (3, 4)), (10, (5, 6)))
    assert PHANTOM_VALUES[T.VERY_POOR] == ((50, (1, 2, 3)), (40, (4, 5, 6)), (10, (7, 8)))
    assert PHANTOM_VALUES[T.ABYSMAL] == ((100, tuple(range(1, 11))),)
    assert PHANTOM_ADJACENCY_WEIGHT == {
        T.VERY_GOOD: 4,
        T.GOOD: 3,
        T.AVERAGE: 2,
        T.POOR: 1.5,
        T.VERY_POOR: 1.1,
        T.ABYSMAL: 1,
    }


def test_change_rules() -> None:
    leg, exc, vg, good = (
        CHANGE_RULES[t] for t in (T.LEGENDARY, T.EXCEPTIONAL, T.VERY_GOOD, T.GOOD)
    )
    assert (leg.turns, leg.min_magnitude, leg.exact_chance, leg.report_chance) == (3, 1, None, None)
    assert (exc.turns, exc.exact_chance, exc.report_chance) == (2, 90, None)
    assert (vg.turns, vg.exact_chance, vg.report_chance) == (1, 80, None)
    assert (good.turns, good.min_magnitude, good.exact_chance, good.report_chance) == (
        1,
        2,
        None,
        50,
    )
    assert set(CHANGE_RULES) == {T.LEGENDARY, T.EXCEPTIONAL, T.VERY_GOOD, T.GOOD}


EX, DIR, OFF, NO = (
    ModifierOutcome.EXACT,
    ModifierOutcome.DIRECTION,
    ModifierOutcome.OFF_BY_ONE,
    ModifierOutcome.NOTHING,
)
MODIFIER = {
    T.LEGENDARY: ({EX: 100}, {EX: 100}, {EX: 95, OFF: 5}),
    T.EXCEPTIONAL: ({EX: 100}, {EX: 95, DIR: 5}, {EX: 85, OFF: 15}),
    T.VERY_GOOD: ({EX: 100}, {EX: 90, DIR: 10}, {EX: 70, NO: 30}),
    T.GOOD: ({EX: 80, DIR: 20}, {EX: 70, DIR: 20, NO: 10}, {EX: 50, NO: 50}),
    T.AVERAGE: ({EX: 60, DIR: 30, NO: 10}, {EX: 40, DIR: 40, NO: 20}, {EX: 30, NO: 70}),
    T.POOR: ({DIR: 40, NO: 60}, {DIR: 20, NO: 80}, {EX: 15, NO: 85}),
    T.VERY_POOR: ({DIR: 20, NO: 80}, {DIR: 10, NO: 90}, {EX: 5, NO: 95}),
    T.ABYSMAL: ({DIR: 10, NO: 90}, {DIR: 5, NO: 95}, {NO: 100}),
}


@pytest.mark.parametrize("tier", list(T))
def test_modifier_table(tier: T) -> None:
    two, one, zero = MODIFIER[tier]
    for value, expected in ((2, two), (-2, two), (1, one), (-1, one), (0, zero)):
        assert dict(modifier_outcomes(tier, value)) == expected


def test_false_direction() -> None:
    assert [FALSE_DIRECTION[t] for t in T] == [0, 0, 0, 0, 5, 15, 30, 50]


@pytest.mark.parametrize(
    ("r", "expected"),
    [
        (40, (0, 0)),
        (20, (0, 0)),
        (19, (0, 1)),
        (15, (0, 1)),
        (14, (0, 2)),
        (10, (0, 2)),
        (9, (1, 3)),
        (5, (1, 3)),
        (4, (2, 4)),
        (1, (2, 4)),
        (0, (3, 5)),
        (-7, (3, 5)),
    ],
)
def test_confidence_error_range(r: int, expected: tuple[int, int]) -> None:
    assert confidence_error_range(r) == expected


def test_example_1_tables_at_17() -> None:
    """RULES.md §11 Example 1: every listed probability at r = 17 (Good)."""
    r = 17
    tier = monitoring_tier(3 + 2 + 12)
    assert tier is T.GOOD and CONFIDENCE_BASE[tier] == 7
    assert [detection_chance(tier, r, v) for v in (4, 10, 2, 3, 1)] == [100, 100, 92, 92, 79]
    assert shares(tier, r, 5) == [67, 30, 3]
    assert shares(tier, r, 2) == shares(tier, r, 4) == [57, 35, 8]
    assert shares(tier, r, 1) == [47, 45, 8]
    assert (stronghold_chance(tier, True), stronghold_chance(tier, False)) == (85, 0)
    assert phantom_chance(tier, r) == 17
    assert PHANTOM_VALUES[tier] == ((70, (1,)), (25, (2,)), (5, (3,)))
    assert PHANTOM_ADJACENCY_WEIGHT[tier] == 3
    assert CHANGE_RULES[tier].min_magnitude == 2 and CHANGE_RULES[tier].report_chance == 50
    assert dict(modifier_outcomes(tier, 2)) == {EX: 80, DIR: 20}
    assert dict(modifier_outcomes(tier, -1)) == {EX: 70, DIR: 20, NO: 10}
    assert dict(modifier_outcomes(tier, 0)) == {EX: 50, NO: 50}
    assert FALSE_DIRECTION[tier] == 0
    assert confidence_error_range(r) == (0, 1)
