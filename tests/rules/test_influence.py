"""§4.5 influence tables (statistical, every branch) and §4.6 ordering; Example 2.

Statistical checks: observed rate within 4 standard errors of the rule's
probability with n ≥ 4,445 samples (n = 5,000 here), so a 3-percentage-point
error fails (tests/rules/helpers.assert_rate).
"""

from __future__ import annotations

from collections import Counter

import pytest

from bot.rules import rng
from bot.rules.influence import InfluenceAction, application_order, resolve_influence_actions
from bot.rules.model import ActionType, PieceRef, PieceType, Tier
from tests.rules.helpers import assert_rate, district, make_board

N = 5000  # 4·SE ≤ 3 pp for every p (see assert_rate)
GAIN, TAKE = ActionType.GAIN_INFLUENCE, ActionType.TAKE_INFLUENCE


def act(
    piece_id: str,
    faction: str,
    action: ActionType,
    tier: Tier,
    total: int = 10,
    target: str | None = None,
) -> InfluenceAction:
    return InfluenceAction(
        PieceRef(PieceType.AGENT, piece_id), faction, "X", action, tier, total, target
    )


def outcomes(
    influence: dict[tuple[str, str], int], actions: list[InfluenceAction], n: int = N
) -> Counter:
    """Counter of the final (A, T, pool) triples over n seeds."""
    board = make_board([district("X")], influence=influence)
    seen: Counter = Counter()
    for seed in range(n):
        result = resolve_influence_actions(seed, 1, board, actions)
        state = result.influence
        a, t = state.get(("X", "A"), 0), state.get(("X", "T"), 0)
        seen[(a, t, 10 - sum(v for (d, _), v in state.items() if d == "X"))] += 1
    return seen


def assert_distribution(seen: Counter, expected: dict[tuple[int, int, int], float]) -> None:
    n = sum(seen.values())
    assert set(seen) <= set(expected), f"unexpected outcomes {set(seen) - set(expected)}"
    for key, p in expected.items():
        assert_rate(seen[key], n, p, f"outcome {key}")


# (A, T, pool) start: A 3, T 4, pool 3 (another faction O holds 0).
START = {("X", "A"): 3, ("X", "T"): 4}


def test_gain_critical_success() -> None:
    seen = outcomes(START, [act("a", "A", GAIN, Tier.CRITICAL_SUCCESS)])
    assert_distribution(seen, {(5, 4, 1): 0.8, (4, 4, 2): 0.2})
    one_left = {("X", "A"): 5, ("X", "T"): 4}
    assert outcomes(one_left, [act("a", "A", GAIN, Tier.CRITICAL_SUCCESS)], 50) == Counter(
        {(6, 4, 0): 50}
    )


@pytest.mark.parametrize("tier", [Tier.CRITICAL_SUCCESS, Tier.SUCCESS])
def test_gain_with_empty_pool_is_exhausted(tier: Tier) -> None:
    board = make_board([district("X")], influence={("X", "A"): 4, ("X", "T"): 6})
    result = resolve_influence_actions(1, 1, board, [act("a", "A", GAIN, tier)])
    effect = result.effects[0]
    assert effect.pool_exhausted and effect.gained == 0
    assert result.influence[("X", "A")] == 4


def test_gain_success_and_failure_are_certain() -> None:
    assert outcomes(START, [act("a", "A", GAIN, Tier.SUCCESS)], 50) == Counter({(4, 4, 2): 50})
    assert outcomes(START, [act("a", "A", GAIN, Tier.FAILURE)], 50) == Counter({(3, 4, 3): 50})


def test_gain_critical_failure() -> None:
    seen = outcomes(START, [act("a", "A", GAIN, Tier.CRITICAL_FAILURE)])
    assert_distribution(seen, {(2, 4, 4): 0.5, (3, 4, 3): 0.5})
    nothing_to_lose = {("X", "T"): 4}
    assert outcomes(nothing_to_lose, [act("a", "A", GAIN, Tier.CRITICAL_FAILURE)], 50) == Counter(
        {(0, 4, 6): 50}
    )


def test_take_critical_success_three_branches() -> None:
    seen = outcomes(START, [act("a", "A", TAKE, Tier.CRITICAL_SUCCESS, target="T")])
    assert_distribution(seen, {(5, 2, 3): 0.4, (5, 3, 2): 0.4, (4, 3, 3): 0.2})


def test_take_critical_success_bounded_by_target_and_pool() -> None:
    # T = 1: the first branch moves only 1; pool 0: the second branch adds nothing from it.
    seen = outcomes(
        {("X", "A"): 3, ("X", "T"): 1, ("X", "O"): 6},
        [act("a", "A", TAKE, Tier.CRITICAL_SUCCESS, target="T")],
    )
    assert_distribution(seen, {(4, 0, 0): 1.0})


def test_take_success_80_20() -> None:
    seen = outcomes(START, [act("a", "A", TAKE, Tier.SUCCESS, target="T")])
    assert_distribution(seen, {(4, 3, 3): 0.8, (3, 4, 3): 0.2})


def test_take_failure_nothing() -> None:
    seen = outcomes(START, [act("a", "A", TAKE, Tier.FAILURE, target="T")], 50)
    assert seen == Counter({(3, 4, 3): 50})


def test_take_critical_failure_where_the_point_goes() -> None:
    seen = outcomes(START, [act("a", "A", TAKE, Tier.CRITICAL_FAILURE, target="T")])
    assert_distribution(seen, {(2, 5, 3): 0.2, (2, 4, 4): 0.2, (3, 4, 3): 0.6})


@pytest.mark.parametrize("tier", list(Tier))
def test_take_from_empty_target_never_does_anything(tier: Tier) -> None:
    board = make_board([district("X")], influence={("X", "A"): 3})
    result = resolve_influence_actions(4, 1, board, [act("a", "A", TAKE, tier, target="T")])
    assert result.influence == {("X", "A"): 3}
    assert result.effects[0].branch == "target_has_none"


def test_example_2_several_gains_pool_2() -> None:
    influence = {("X", "O"): 8}
    a = act("a", "A", GAIN, Tier.SUCCESS, 18)
    b = act("b", "B", GAIN, Tier.CRITICAL_SUCCESS, 23)
    c = act("c", "C", GAIN, Tier.FAILURE, 14)
    board = make_board([district("X")], influence=influence)
    b_two = 0
    for seed in range(N):
        result = resolve_influence_actions(seed, 1, board, [c, a, b])
        order = sorted(result.effects, key=lambda e: e.applied_index)
        assert [e.ref.id for e in order] == ["b", "a", "c"]
        gains = {e.ref.id: e.gained for e in result.effects}
        assert sum(v for (d, _), v in result.influence.items() if d == "X") == 10
        assert (gains["b"], gains["a"], gains["c"]) in {(2, 0, 0), (1, 1, 0)}
        if gains["b"] == 2:
            b_two += 1
            assert result.effect_of(a.ref).pool_exhausted
    assert_rate(b_two, N, 0.8, "P(B+2, A+0)")


def test_critical_failures_release_points_too_late_for_gains() -> None:
    board = make_board([district("X")], influence={("X", "A"): 5, ("X", "B"): 5})
    gain = act("g", "A", GAIN, Tier.SUCCESS, 15)
    fumble = act("f", "B", GAIN, Tier.CRITICAL_FAILURE, -20)
    for seed in range(100):
        result = resolve_influence_actions(seed, 1, board, [fumble, gain])
        assert result.effect_of(gain.ref).pool_exhausted
        assert result.effect_of(fumble.ref).applied_index == 1


def test_order_ties_use_the_order_stream() -> None:
    """Statistical (§4.6 tie): two equal actions, each first with p = 0.5 (4 SE, n = 5,000)."""
    first = act("p", "A", GAIN, Tier.SUCCESS, 12)
    second = act("q", "B", GAIN, Tier.SUCCESS, 12)
    better = act("r", "C", GAIN, Tier.SUCCESS, 13)
    p_first = 0
    for seed in range(N):
        ordered = application_order(seed, 2, "X", [second, better, first])
        assert ordered[0] is better
        stream = rng.stream(seed, 2, "order", "X")
        keys = {ref: stream.random() for ref in ("p", "q", "r")}
        assert [a.ref.id for a in ordered[1:]] == sorted("pq", key=keys.__getitem__)
        p_first += ordered[1] is first
    assert_rate(p_first, N, 0.5, "tie")


def test_tier_orders_before_total() -> None:
    crit = act("a", "A", GAIN, Tier.CRITICAL_SUCCESS, 5)
    success = act("b", "B", GAIN, Tier.SUCCESS, 40)
    fail = act("c", "C", GAIN, Tier.FAILURE, 50)
    fumble = act("d", "D", GAIN, Tier.CRITICAL_FAILURE, 60)
    ordered = application_order(1, 1, "X", [fumble, fail, success, crit])
    assert [a.ref.id for a in ordered] == ["a", "b", "c", "d"]


def test_effect_stream_key_and_draw_order() -> None:
    """Take critical failure: first u picks the loss (< 0.4), the second where it goes."""
    board = make_board([district("X")], influence=START)
    fumble = act("a", "A", TAKE, Tier.CRITICAL_FAILURE, target="T")
    for seed in range(200):
        result = resolve_influence_actions(seed, 6, board, [fumble])
        stream = rng.stream(seed, 6, "effect", "agent:a")
        if stream.random() >= 0.4:
            expected = "critical_failure_nothing"
        elif stream.random() < 0.5:
            expected = "critical_failure_to_target"
        else:
            expected = "critical_failure_to_pool"
        assert result.effects[0].branch == expected
