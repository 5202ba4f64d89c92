"""§7.1 decay (every base chance, saturation, victims, Example 7) and §7.2 random walk.

Statistical checks: observed rate within 4 standard errors of the rule's
probability, with n ≥ 4,445 samples (conditional rates: that many conditional
samples), so a 3-percentage-point error fails (tests/rules/helpers.assert_rate).
"""

from __future__ import annotations

from collections import Counter

import pytest

from bot.rules import rng
from bot.rules.decay import base_decay_percent, preparation, resolve_decay
from bot.rules.walk import random_walk, walk_one
from tests.rules.helpers import assert_rate, district, make_board

N = 5000  # 4·SE ≤ 3 pp for every p (see assert_rate)


@pytest.mark.parametrize("influence", range(0, 11))
@pytest.mark.parametrize("stronghold", [False, True])
def test_base_decay_chance_for_every_influence(influence: int, stronghold: bool) -> None:
    """Statistical: one faction alone (total ≤ 8 except 9–10, handled by seeding apart)."""
    expected = {
        False: [0, 0, 0, 5, 10, 15, 20, 25, 30, 35, 40],
        True: [0, 0, 0, 0, 0, 0, 5, 10, 15, 20, 25],
    }[stronghold][influence]
    assert base_decay_percent(influence, 5 if stronghold else 2) == expected
    board = make_board(
        [district("D")],
        influence={("D", "F"): influence},
        strongholds=[("D", "F")] if stronghold else [],
    )
    base_hits = 0
    for seed in range(N if expected else 200):
        result = resolve_decay(seed, 1, board)
        base_hits += len(result.base_hits)
        assert result.changes.get(("D", "F"), 0) == -(
            len(result.base_hits) + len(result.saturation_hits)
        )
    assert_rate(base_hits, N if expected else 200, expected / 100, f"I={influence}")


def test_preparation_thresholds() -> None:
    board = make_board(
        [district("D"), district("E")],
        influence={("D", "F"): 4, ("D", "G"): 1, ("E", "F"): 0},
        strongholds=[("D", "G")],
    )
    assert preparation(board) == {("D", "F"): 2, ("D", "G"): 5, ("E", "F"): 2}


@pytest.mark.parametrize(("total", "percent"), [(8, 0), (9, 10), (10, 35)])
def test_saturation_chance(total: int, percent: int) -> None:
    """Statistical: strongholds keep base decay at 0 so only saturation acts."""
    board = make_board(
        [district("D")],
        influence={("D", "F"): total - 4, ("D", "G"): 4},
        strongholds=[("D", "F"), ("D", "G")],
    )
    hits = sum(len(resolve_decay(seed, 1, board).saturation_hits) for seed in range(N))
    assert_rate(hits, N, percent / 100, f"S={total}")


def test_saturation_victims_at_nine() -> None:
    """S = 9: 10% hit, victim F 5/9, G 4/9 (strongholds keep base decay at 0)."""
    board = make_board(
        [district("D")],
        influence={("D", "F"): 5, ("D", "G"): 4},
        strongholds=[("D", "F"), ("D", "G")],
    )
    victims: Counter = Counter()
    turn = 0
    while sum(victims.values()) < N:
        turn += 1
        result = resolve_decay(11, turn, board)
        assert not result.base_hits
        victims.update(h.faction_id for h in result.saturation_hits)
        assert all(h.total == 9 and h.percent == 10 for h in result.saturation_hits)
    assert_rate(N, turn, 0.10, "S=9 chance")
    assert_rate(victims["F"], N, 5 / 9, "victim F")
    assert_rate(victims["G"], N, 4 / 9, "victim G")


def test_example_7_decay() -> None:
    """F 7, G 2 (stronghold), H 1: F base 25%, saturation 35%, victims 70/20/10."""
    board = make_board(
        [district("D")],
        influence={("D", "F"): 7, ("D", "G"): 2, ("D", "H"): 1},
        strongholds=[("D", "G")],
    )
    n = 20_000  # victim shares are conditioned on the 35% saturation hit
    loses_two = unchanged = base = saturated = 0
    victims: Counter = Counter()
    for seed in range(n):
        result = resolve_decay(seed, 1, board)
        assert {h.faction_id for h in result.base_hits} <= {"F"}
        base += len(result.base_hits)
        saturated += len(result.saturation_hits)
        victims.update(h.faction_id for h in result.saturation_hits)
        change = result.changes.get(("D", "F"), 0)
        loses_two += change == -2
        unchanged += change == 0
        after = result.apply(board.influence)
        assert all(v >= 0 for v in after.values())
    assert_rate(base, n, 0.25, "F base")
    assert_rate(saturated, n, 0.35, "saturation")
    assert_rate(loses_two, n, 0.06125, "F loses 2")
    assert_rate(unchanged, n, 0.56625, "F unchanged")
    for faction, p in (("F", 0.7), ("G", 0.2), ("H", 0.1)):
        assert_rate(victims[faction], saturated, p, f"victim {faction}")


def test_decay_draws_follow_section_9() -> None:
    board = make_board([district("D")], influence={("D", "F"): 8, ("D", "G"): 2})
    for seed in range(100):
        result = resolve_decay(seed, 3, board)
        base = rng.stream(seed, 3, "decay", "D", "F").random() < 0.30
        sat_stream = rng.stream(seed, 3, "saturation", "D")
        saturated = sat_stream.random() < 0.35
        victim = ("F" if sat_stream.random() * 10 < 8 else "G") if saturated else None
        assert [h.faction_id for h in result.base_hits] == (["F"] if base else [])
        assert [h.faction_id for h in result.saturation_hits] == ([victim] if victim else [])


def test_walk_steps_uniform() -> None:
    """Statistical: each step −1/0/+1 with p = 1/3 (4 SE, n = 5,000)."""
    steps = Counter(walk_one(seed, 1, "D", 0).step for seed in range(N))
    for step in (-1, 0, 1):
        assert_rate(steps[step], N, 1 / 3, f"step {step}")
    assert steps.keys() == {-1, 0, 1}


def test_walk_clamps_and_labels() -> None:
    for seed in range(60):
        for previous in range(-2, 3):
            s = walk_one(seed, 4, "D", previous)
            assert s.step == rng.stream(seed, 4, "walk", "D").randrange(3) - 1
            assert s.new == max(-2, min(2, previous + s.step))
            expected = {-1: "down", 0: "stay", 1: "up"}[s.step]
            if s.step and s.new == previous:
                expected = "blocked"
            assert s.roll_type == expected
    steps = random_walk(1, 1, {"b": 2, "a": -2})
    assert [s.district_id for s in steps] == ["a", "b"]
