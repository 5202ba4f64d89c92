"""RULES.md §11 Examples 1 and 8, number for number, through the full report."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.rules.model import MonitoringTier, monitoring_tier
from bot.rules.monitoring import MonitoringReport, Rumor, build_report
from bot.rules.monitoring_draws import adjust_to_cap, draw_phantom_entries
from bot.rules.monitoring_report import ReportedFaction
from bot.rules.rng import stream

from .helpers import agent_source, make_board
from .stats import SEED, N, assert_distribution, assert_rate, sample

# M monitors A1 (F5: 5 with stronghold), A2 (F3: 3), A3 (F1: 1); FX holds only in A9.
# A1 is adjacent to A2, so F3 is a x3-weighted phantom candidate in A1.
BOARD = make_board(
    {("A1", "F5"): 5, ("A2", "F3"): 3, ("A3", "F1"): 1, ("A9", "FX"): 2},
    ["F1", "F3", "F5", "FX", "M"],
    adjacency={"A1": {"A2"}, "A2": {"A1"}},
    strongholds={("A1", "F5")},
    modifiers={"A1": 2, "A2": -1, "A3": 0},
)
TOTAL = 3 + 2 + 12  # Intellect 3 + Infiltration 2 + d20 12


def report(district: str, turn: int, history=None) -> MonitoringReport:
    source = [agent_source("M", district, TOTAL)]
    return build_report(SEED, turn, "M", district, source, BOARD, history or {})


def reports(district: str, n: int = N) -> list[MonitoringReport]:
    return [report(district, turn) for turn in range(1, n + 1)]


def entry(rep: MonitoringReport, faction: str) -> ReportedFaction | None:
    return next((e for e in rep.factions if e.faction_id == faction and not e.phantom), None)


def clean_errors(district: str, faction: str, true: int) -> Counter:
    """|reported − true| over N reports where the faction is detected and no phantom
    appears (phantom draws come after the accuracy draw, so this conditioning is fair,
    and without phantoms the cap of 10 cannot touch the value here)."""
    errors: Counter = Counter()
    turn = 0
    while sum(errors.values()) < N:
        turn += 1
        rep = report(district, turn)
        found = entry(rep, faction)
        if found is not None and not any(e.phantom for e in rep.factions):
            errors[abs(found.value - true)] += 1
    return errors


def test_example_1_roll_and_tier() -> None:
    assert monitoring_tier(TOTAL) is MonitoringTier.GOOD and TOTAL == 17
    assert all(r.tier is MonitoringTier.GOOD and r.confidence_base == 7 for r in reports("A1", 50))


@pytest.mark.parametrize(
    ("district", "faction", "true", "expected"),
    [
        ("A1", "F5", 5, {0: 67, 1: 30, 2: 3}),
        ("A2", "F3", 3, {0: 57, 1: 35, 2: 8}),
        ("A3", "F1", 1, {0: 47, 1: 45, 2: 8}),
    ],
)
def test_example_1_exactness(district: str, faction: str, true: int, expected: dict) -> None:
    assert_distribution(clean_errors(district, faction, true), expected, f"{faction} error")


def test_example_1_a1_detection_strongholds_modifier_confidence() -> None:
    a1 = reports("A1")
    assert all(entry(r, "F5") is not None for r in a1)  # influence >= 4: 100%
    assert_rate(sum(entry(r, "F5").stronghold for r in a1), N, 85, "real stronghold")
    with_phantoms = [r for r in a1 if any(e.phantom for e in r.factions)]
    assert_rate(len(with_phantoms), N, 17, "phantom chance")
    assert all(not e.stronghold for r in with_phantoms for e in r.factions if e.phantom)
    # Modifier +2: exact 80, direction 20, never a false direction.
    readings = Counter(
        "exact" if r.modifier and r.modifier.value == 2 else r.modifier and r.modifier.sign
        for r in a1
    )
    assert_distribution(readings, {"exact": 80, 1: 20}, "modifier +2")
    assert_distribution(Counter(r.confidence for r in a1), {7: 50, 6: 25, 8: 25}, "confidence")


def test_example_1_detection_of_small_holders_and_modifiers() -> None:
    a2, a3 = reports("A2"), reports("A3")
    assert_rate(sum(entry(r, "F3") is not None for r in a2), N, 92, "influence 2-3")
    assert_rate(sum(entry(r, "F1") is not None for r in a3), N, 79, "influence 1")
    no_stronghold = [entry(r, "F3") for r in a2 if entry(r, "F3") is not None]
    assert not any(e.stronghold for e in no_stronghold)  # false strongholds: 0%
    modifier_1 = Counter(
        None if r.modifier is None else ("exact" if r.modifier.value == -1 else r.modifier.sign)
        for r in a2
    )
    assert_distribution(modifier_1, {"exact": 70, -1: 20, None: 10}, "modifier -1")
    modifier_0 = Counter(None if r.modifier is None else r.modifier.value for r in a3)
    assert_distribution(modifier_0, {0: 50, None: 50}, "modifier 0")


def test_example_1_phantom_values_and_adjacency() -> None:
    """Values 1/2/3 at 70/25/5 and the x3 adjacency weight, on A1's candidates (F1, F3
    next door, FX): the first phantom is F3 with 3/5, each other with 1/5."""
    rep = report("A1", 1)
    assert rep.tier is MonitoringTier.GOOD
    candidates = ["F1", "F3", "FX"]

    def first(rng):
        phantom = draw_phantom_entries(rng, rep.tier, candidates, frozenset({"F3"}))[0]
        return (phantom.faction_id, phantom.value)

    counts = sample("example1-phantoms", first)
    values, picks = Counter(), Counter()
    for (faction, value), c in counts.items():
        values[value] += c
        picks[faction] += c
    assert_distribution(values, {1: 70, 2: 25, 3: 5}, "phantom value")
    assert_distribution(picks, {"F3": 60, "F1": 20, "FX": 20}, "phantom pick")


def test_example_1_recent_changes_at_50_percent() -> None:
    # F5 went 7 -> 5 this turn: a change of −2, reported (exactly) with 50%.
    history = {4: {("A1", "F5"): 7}}
    seen = Counter()
    for turn_key in range(N):
        rep = build_report(
            SEED + turn_key, 5, "M", "A1", [agent_source("M", "A1", TOTAL)], BOARD, history
        )
        seen[tuple((c.faction_id, c.turn, c.change) for c in rep.changes)] += 1
    assert_distribution(seen, {(("F5", 5, -2),): 50, (): 50}, "change of 2")
    small = {4: {("A1", "F5"): 6}}  # a change of −1: never reported at Good
    assert all(
        build_report(s, 5, "M", "A1", [agent_source("M", "A1", TOTAL)], BOARD, small).changes == ()
        for s in range(300)
    )


def test_example_1_rumors() -> None:
    """DC ≤ 10 all found, exactly one of DC 11–17 (uniformly), none of DC ≥ 18."""
    rumors = [Rumor(f"r{dc:02d}", "A1", dc, f"title {dc}", f"text {dc}") for dc in range(0, 25)]
    picked: Counter = Counter()
    for turn in range(1, N + 1):
        rep = build_report(
            SEED, turn, "M", "A1", [agent_source("M", "A1", TOTAL)], BOARD, {}, (), rumors
        )
        found = {r.discovery_dc for r in rep.discovered_rumors}
        assert set(range(0, 11)) <= found
        (middle,) = found & set(range(11, 18))
        assert not found & set(range(18, 25))
        picked[middle] += 1
    assert_distribution(picked, {dc: 100 / 7 for dc in range(11, 18)}, "one of DC 11-17")


def test_example_8_total_cap() -> None:
    def draw(i: int) -> tuple[int, int]:
        entries = [
            ReportedFaction("F", 6, False, 6, False),
            ReportedFaction("P", 3, False, 0, False, phantom=True),
        ]
        removed = adjust_to_cap(stream(SEED, "example8", i), 3, entries)
        assert not removed
        return (entries[0].value, entries[1].value)

    counts = Counter(draw(i) for i in range(N))
    assert_distribution(counts, {(4, 3): 25, (5, 2): 50, (6, 1): 25}, "example 8")
