"""Report assembly: sources, passive rolls, conflicts, rumors, changes, benefits, JSON."""

from __future__ import annotations

import hashlib
import random

import pytest

from bot.rules.model import ActionType, Faction, MonitoringTier, Order, Outcome, PieceRef, PieceType
from bot.rules.monitoring import (
    ConflictEffect,
    MonitoringSource,
    Rumor,
    SourceKind,
    apply_conflict_effects,
    build_report,
    build_reports,
    passive_roll,
    passive_sources,
    pick_legendary_intel,
    player_view,
)
from bot.rules.rng import d20, stream

from .helpers import agent_source, make_board

SEED = 42


def hand(*parts: object) -> random.Random:
    """§9's stream recomputed from its definition, independently of bot.rules.rng."""
    key = "|".join(map(str, parts)).encode()
    return random.Random(int.from_bytes(hashlib.sha256(key).digest()[:8], "big"))


BOARD = make_board(
    {("D", "M"): 4, ("D", "F"): 3, ("D", "G"): 2, ("E", "F"): 6, ("E", "M"): 1},
    ["F", "G", "H", "M"],
    adjacency={"D": {"E"}, "E": {"D"}},
    strongholds={("D", "M"), ("D", "F")},
    modifiers={"D": 1},
    relationships={("F", "G"): -2, ("G", "F"): 1, ("F", "H"): 2},
)


def test_passive_roll_formula_and_threshold() -> None:
    faction = Faction("M", monitoring_bonus=-3)
    assert passive_roll(SEED, 2, faction, "D", 3) is None
    roll = d20(stream(SEED, 2, "passive", "M", "D"))
    assert passive_roll(SEED, 2, faction, "D", 4) == roll + 2 - 3
    assert passive_roll(SEED, 2, faction, "D", 9) == roll + 4 - 3


def test_passive_sources_cover_influence_four_or_more() -> None:
    sources = passive_sources(SEED, 3, BOARD)
    assert [(s.source_id, s.district_id, s.kind) for s in sources] == [
        ("passive:F", "E", SourceKind.PASSIVE),
        ("passive:M", "D", SourceKind.PASSIVE),
    ]


def test_conflict_effects() -> None:
    win = MonitoringSource("agent:a1", "M", "D", SourceKind.AGENT, 15)
    loss = MonitoringSource("squadron:s1", "M", "D", SourceKind.SQUADRON_SECONDARY, 12)
    draw = MonitoringSource("squadron:s2", "M", "D", SourceKind.SQUADRON_PRIMARY, 20)
    special = MonitoringSource("agent:a2", "M", "D", SourceKind.AGENT, 9)
    passive = MonitoringSource.passive("M", "D", 11)
    effects = {
        "agent:a1": ConflictEffect.for_outcome(Outcome.WIN),
        "squadron:s1": ConflictEffect.for_outcome(Outcome.LOSS),
        "squadron:s2": ConflictEffect.for_outcome(Outcome.DRAW),
        "agent:a2": ConflictEffect(penalty=-3),
        "passive:M": ConflictEffect(suppressed=True),
    }
    result = apply_conflict_effects([win, loss, draw, special, passive], effects)
    assert [(s.source_id, s.total) for s in result] == [
        ("agent:a1", 15),
        ("squadron:s2", 18),
        ("agent:a2", 6),
        ("passive:M", 11),
    ]


def test_source_constructors() -> None:
    squad = PieceRef(PieceType.SQUADRON, "s9")
    assert MonitoringSource.for_piece(squad, "M", "D", 7, secondary=True).kind is (
        SourceKind.SQUADRON_SECONDARY
    )
    assert (
        MonitoringSource.for_piece(squad, "M", "D", 7, secondary=False).source_id == "squadron:s9"
    )
    with pytest.raises(ValueError):
        MonitoringSource.for_piece(PieceRef(PieceType.AGENT, "a"), "M", "D", 7, secondary=True)


def test_own_values_exact_and_best_total_sets_tier() -> None:
    sources = [agent_source("M", "D", 3), MonitoringSource.passive("M", "D", 31)]
    rep = build_report(SEED, 1, "M", "D", sources, BOARD, {})
    assert rep.tier is MonitoringTier.LEGENDARY and rep.best_total == 31
    assert (rep.own_influence, rep.own_stronghold) == (4, True)
    assert "M" not in {e.faction_id for e in rep.factions}
    assert [(e.faction_id, e.value, e.stronghold) for e in rep.factions] == [
        ("F", 3, True),
        ("G", 2, False),
    ]
    assert rep.modifier is not None and rep.modifier.value == 1
    assert [s.total for s in rep.sources] == [3, 31]


def test_invalid_sources() -> None:
    with pytest.raises(ValueError):
        build_report(SEED, 1, "M", "D", [], BOARD, {})
    with pytest.raises(ValueError):
        build_report(SEED, 1, "M", "D", [agent_source("F", "D", 10)], BOARD, {})


def test_legendary_changes_over_three_turns() -> None:
    history = {
        0: {("D", "F"): 0, ("D", "G"): 2},
        1: {("D", "F"): 1, ("D", "G"): 2},
        2: {("D", "F"): 5, ("D", "G"): 4},
        3: {("D", "F"): 4, ("D", "G"): 2},
    }
    rep = build_report(SEED, 4, "M", "D", [agent_source("M", "D", 30)], BOARD, history)
    assert [(c.faction_id, c.turn, c.change) for c in rep.changes] == [
        ("F", 4, -1),
        ("F", 3, -1),
        ("F", 2, 4),
        ("G", 3, -2),
        ("G", 2, 2),
    ]
    first_turn = build_report(SEED, 1, "M", "D", [agent_source("M", "D", 30)], BOARD, {0: {}})
    assert [(c.faction_id, c.turn, c.change) for c in first_turn.changes] == [
        ("F", 1, 3),
        ("G", 1, 2),
    ]


def test_rumors_per_source_united_and_known_excluded() -> None:
    rumors = [
        Rumor("r1", "D", 0, "one", "t1"),
        Rumor("r2", "D", 5, "two", "t2"),
        Rumor("r3", "D", 8, "three", "t3"),
        Rumor("rE", "E", 0, "elsewhere", "x"),
    ]
    sources = [agent_source("M", "D", 20, "a1"), agent_source("M", "D", 20, "a2")]
    rep = build_report(SEED, 1, "M", "D", sources, BOARD, {}, {"r1"}, rumors)
    assert rep.discovered_rumor_ids == ("r2", "r3")  # both beaten by >= 7, by a1 first
    assert [r.id for r in rep.known_rumors] == ["r1"]
    player = rep.to_json()["player"]
    assert player["rumors_discovered"] == [
        {"id": "r2", "title": "two", "text": "t2"},
        {"id": "r3", "title": "three", "text": "t3"},
    ]
    assert player["rumors_known"] == [{"id": "r1", "title": "one"}]


def test_one_close_rumor_per_source() -> None:
    rumors = [Rumor(f"r{i}", "D", 10, "t") for i in range(5)]  # each beaten by 0 at total 10
    sources = [agent_source("M", "D", 10, f"a{i}") for i in range(3)]
    rep = build_report(SEED, 1, "M", "D", sources, BOARD, {}, (), rumors)
    assert len(rep.discovered_rumors) == 3
    assert len(set(rep.discovered_rumor_ids)) == 3


def test_exceptional_relationship_and_legendary_flag() -> None:
    kinds = set()
    for turn in range(1, 200):
        exc = build_report(SEED, turn, "M", "D", [agent_source("M", "D", 27)], BOARD, {})
        if exc.relationship_intel:
            intel = exc.relationship_intel
            assert intel.from_faction in {"F", "G"} and intel.to_faction != "M"
            assert intel.value == BOARD.relationships.get((intel.from_faction, intel.to_faction), 0)
            kinds.add((intel.from_faction, intel.to_faction))
        leg = build_report(SEED, turn, "M", "D", [agent_source("M", "D", 33)], BOARD, {})
        assert leg.relationship_intel is None
        assert exc.legendary_intel_earned is False
        kinds.add(("legendary", leg.legendary_intel_earned))
    assert {("F", "G"), ("F", "H"), ("G", "F"), ("G", "H")} <= kinds
    assert {("legendary", True), ("legendary", False)} <= kinds


def test_pick_legendary_intel() -> None:
    orders = [
        Order(PieceRef("agent", "x1"), "F", "D", ActionType.TAKE_INFLUENCE, target_faction_id="M"),
        Order(PieceRef("squadron", "s1"), "G", "D", ActionType.MONITOR),
        Order(PieceRef("agent", "own"), "M", "D", ActionType.MONITOR),
        Order(PieceRef("agent", "far"), "F", "E", ActionType.MONITOR),
    ]
    assert pick_legendary_intel(SEED, 3, "M", "D", orders[2:]) is None
    intel = pick_legendary_intel(SEED, 3, "M", "D", orders)
    assert intel == pick_legendary_intel(SEED, 3, "M", "D", list(reversed(orders)))
    assert intel is not None and intel.faction_id in {"F", "G"}
    picks = {pick_legendary_intel(SEED, t, "M", "D", orders).faction_id for t in range(40)}
    assert picks == {"F", "G"}
    revealed = pick_legendary_intel(SEED, 0, "M", "D", orders[:1])
    assert revealed.to_json() == {
        "faction_id": "F",
        "piece_type": "agent",
        "action": "take_influence",
        "target_faction_id": "M",
    }


def test_build_reports_matches_single_reports_in_canonical_order() -> None:
    sources = [
        agent_source("M", "E", 12, "a3"),
        agent_source("F", "D", 18, "a2"),
        *passive_sources(SEED, 2, BOARD),
        agent_source("M", "D", 8, "a1"),
    ]
    reports = build_reports(SEED, 2, sources, BOARD, {}, {"M": {"x"}})
    assert [(r.faction_id, r.district_id) for r in reports] == [
        ("F", "D"),
        ("F", "E"),
        ("M", "D"),
        ("M", "E"),
    ]
    for rep in reports:
        mine = [
            s for s in sources if (s.faction_id, s.district_id) == (rep.faction_id, rep.district_id)
        ]
        single = build_report(SEED, 2, rep.faction_id, rep.district_id, mine, BOARD, {})
        assert single.to_json() == rep.to_json()


def test_json_split_and_player_view() -> None:
    rep = build_report(SEED, 1, "M", "D", [agent_source("M", "D", 6)], BOARD, {})
    data = rep.to_json()
    assert set(data) == {"player", "gm"}
    view = player_view(data)
    assert view == data["player"] and view is not data["player"]
    assert data["gm"]["confidence_true"] == 3 and data["gm"]["tier"] == "poor"
    assert data["gm"]["true_influence"] == {"F": 3, "G": 2, "M": 4}
    assert data["gm"]["sources"] == [{"source_id": "agent:a1", "kind": "agent", "total": 6}]


def test_rumor_sources_walk_agents_then_squadrons_then_passive() -> None:
    """[M-2] Canonical source order: agents, squadrons, then the passive source, each
    picking on its own §9 ``rumor`` stream among what earlier sources left."""
    rumors = [Rumor(f"r{i}", "D", 10, f"t{i}") for i in range(4)]  # each beaten by 0
    sources = [
        MonitoringSource.passive("M", "D", 10),
        MonitoringSource("squadron:s1", "M", "D", SourceKind.SQUADRON_PRIMARY, 10),
        MonitoringSource("agent:z9", "M", "D", SourceKind.AGENT, 10),
    ]
    alphabetical_differs = False
    for seed in range(200):
        rep = build_report(seed, 4, "M", "D", sources, BOARD, {}, (), rumors)
        assert [s.source_id for s in rep.sources] == ["agent:z9", "squadron:s1", "passive:M"]

        def replay(order: list[str], seed: int = seed) -> set[str]:
            left, found = [r.id for r in rumors], set()
            for source_id in order:
                chosen = left[hand(seed, 4, "rumor", source_id, "D").randrange(len(left))]
                left.remove(chosen)
                found.add(chosen)
            return found

        assert set(rep.discovered_rumor_ids) == replay(["agent:z9", "squadron:s1", "passive:M"])
        alphabetical = replay(["agent:z9", "passive:M", "squadron:s1"])
        alphabetical_differs |= alphabetical != set(rep.discovered_rumor_ids)
    assert alphabetical_differs  # the order really matters, so the test can tell


def test_phantom_of_a_faction_keeping_its_stronghold_at_zero() -> None:
    """[M-3] H holds 0 in D but keeps its stronghold (D-20): as a phantom at Very good it is
    reported present with the real 95% (the false-positive chance there is 0%)."""
    board = make_board(
        {("D", "M"): 4, ("D", "F"): 3},
        ["F", "H", "M"],
        strongholds={("D", "H")},
    )
    shown = phantoms = 0
    for turn in range(1, 3000):
        rep = build_report(SEED, turn, "M", "D", [agent_source("M", "D", 20)], board, {})
        for e in rep.factions:
            if e.phantom:
                assert e.faction_id == "H" and e.true_stronghold
                phantoms += 1
                shown += e.stronghold
        gm = rep.to_json()["gm"]["entries"]
        assert all(g["stronghold_true"] for g in gm if g["phantom"])
    assert phantoms > 100 and shown > 0.85 * phantoms


def test_legendary_intel_uses_the_intel_stream() -> None:
    """§9: (turn earned, ``intel``, faction, district), one uniform pick in piece order."""
    orders = [
        Order(PieceRef("squadron", "s1"), "G", "D", ActionType.MONITOR),
        Order(PieceRef("agent", "x2"), "F", "D", ActionType.GAIN_INFLUENCE),
        Order(PieceRef("agent", "x1"), "F", "D", ActionType.TAKE_INFLUENCE, target_faction_id="G"),
    ]
    canonical = ["x1", "x2", "s1"]  # agents first, then squadrons, each by id
    for turn in range(30):
        expected = canonical[hand(SEED, turn, "intel", "M", "D").randrange(3)]
        intel = pick_legendary_intel(SEED, turn, "M", "D", orders)
        assert intel is not None
        by_id = {o.piece.id: o for o in orders}
        assert (intel.faction_id, intel.action) == (
            by_id[expected].faction_id,
            by_id[expected].action.value,
        )


@pytest.mark.parametrize(
    ("total", "tier", "base"),
    [
        (-1, MonitoringTier.ABYSMAL, 1),
        (0, MonitoringTier.ABYSMAL, 1),
        (1, MonitoringTier.VERY_POOR, 2),
        (4, MonitoringTier.VERY_POOR, 2),
        (5, MonitoringTier.POOR, 3),
        (9, MonitoringTier.POOR, 3),
        (10, MonitoringTier.AVERAGE, 5),
        (14, MonitoringTier.AVERAGE, 5),
        (15, MonitoringTier.GOOD, 7),
        (19, MonitoringTier.GOOD, 7),
        (20, MonitoringTier.VERY_GOOD, 8),
        (24, MonitoringTier.VERY_GOOD, 8),
        (25, MonitoringTier.EXCEPTIONAL, 9),
        (29, MonitoringTier.EXCEPTIONAL, 9),
        (30, MonitoringTier.LEGENDARY, 10),
    ],
)
def test_report_tier_edges(total: int, tier: MonitoringTier, base: int) -> None:
    """§8.3 edges through a whole report: tier, confidence base, the GM record, and the
    reported confidence within the §8.14 error range of that total."""
    low, high = {1: (3, 5), 2: (2, 4), 3: (1, 3), 5: (0, 2), 7: (0, 1)}.get(base, (0, 0))
    for turn in range(1, 40):
        rep = build_report(SEED, turn, "M", "D", [agent_source("M", "D", total)], BOARD, {})
        assert (rep.tier, rep.best_total, rep.confidence_base) == (tier, total, base)
        gm = rep.to_json()["gm"]
        assert (gm["tier"], gm["best_total"], gm["confidence_true"]) == (tier.value, total, base)
        error = abs(rep.confidence - base)
        clamped = rep.confidence in (1, 10)
        assert low <= error <= high or (clamped and error <= high)
        assert (rep.relationship_intel is None) or tier is MonitoringTier.EXCEPTIONAL
        assert not rep.legendary_intel_earned or tier is MonitoringTier.LEGENDARY
