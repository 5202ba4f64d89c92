"""RULES.md §11 Examples 1 and 8, number for number, through the full report."""

from __future__ import annotations

from collections import Counter

from bot.rules.model import MonitoringTier
from bot.rules.monitoring import MonitoringReport, Rumor, build_report
from bot.rules.monitoring_draws import adjust_to_cap
from bot.rules.monitoring_report import ReportedFaction
from bot.rules.rng import stream

from .helpers import agent_source, make_board
from .stats import SEED, N, assert_distribution, assert_rate

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


def report(district: str, turn: int) -> MonitoringReport:
    return build_report(SEED, turn, "M", district, [agent_source("M", district, TOTAL)], BOARD, {})


def reports(district: str) -> list[MonitoringReport]:
    return [report(district, turn) for turn in range(1, N + 1)]


def entry(rep: MonitoringReport, faction: str) -> ReportedFaction | None:
    return next((e for e in rep.factions if e.faction_id == faction and not e.phantom), None)


def test_example_1_tier_and_a1() -> None:
    a1 = reports("A1")
    assert all(r.tier is MonitoringTier.GOOD and r.confidence_base == 7 for r in a1)
    assert all(entry(r, "F5") is not None for r in a1)  # influence >= 4: 100%
    # Exactness 67/30/3 (>= 5), judged on reports without phantoms (no cap can apply).
    clean = [entry(r, "F5").value - 5 for r in a1 if not any(e.phantom for e in r.factions)]
    errors = Counter(abs(e) for e in clean)
    n = len(clean)
    for magnitude, percent in ((0, 67), (1, 30), (2, 3)):
        assert_rate(errors[magnitude], n, percent, f"F5 error {magnitude}")
    assert_rate(sum(entry(r, "F5").stronghold for r in a1), N, 85, "real stronghold")
    # Phantoms 17%; F3 (adjacent holder, x3) vs FX, F1 (x1 each): first pick F3 with 3/5.
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


def test_example_1_detection_of_small_holders() -> None:
    a2, a3 = reports("A2"), reports("A3")
    assert_rate(sum(entry(r, "F3") is not None for r in a2), N, 92, "influence 2-3")
    assert_rate(sum(entry(r, "F1") is not None for r in a3), N, 79, "influence 1")
    modifier_1 = Counter(
        None if r.modifier is None else ("exact" if r.modifier.value == -1 else r.modifier.sign)
        for r in a2
    )
    assert_distribution(modifier_1, {"exact": 70, -1: 20, None: 10}, "modifier -1")
    modifier_0 = Counter(None if r.modifier is None else r.modifier.value for r in a3)
    assert_distribution(modifier_0, {0: 50, None: 50}, "modifier 0")


def test_example_1_recent_changes_at_50_percent() -> None:
    history = {4: {("A1", "F5"): 7}}  # F5 went 7 -> 5 this turn: a change of -2
    seen = Counter()
    for turn_key in range(N):
        rep = build_report(
            SEED + turn_key, 5, "M", "A1", [agent_source("M", "A1", TOTAL)], BOARD, history
        )
        seen[tuple((c.faction_id, c.turn, c.change) for c in rep.changes)] += 1
    assert_distribution(seen, {(("F5", 5, -2),): 50, (): 50}, "change of 2")


def test_example_1_rumors() -> None:
    rumors = [Rumor(f"r{dc:02d}", "A1", dc, f"title {dc}", f"text {dc}") for dc in range(0, 25)]
    rep = build_report(SEED, 1, "M", "A1", [agent_source("M", "A1", TOTAL)], BOARD, {}, (), rumors)
    found = {r.discovery_dc for r in rep.discovered_rumors}
    assert set(range(0, 11)) <= found
    assert len(found & set(range(11, 18))) == 1
    assert not found & set(range(18, 25))


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
