"""§5 enemy penalties: values, the mobility slot table, ranking and uniqueness.

Statistical checks: observed rate within 4 standard errors of the rule's
probability with n ≥ 4,445 samples (n = 5,000 here), so a 3-percentage-point
error fails (tests/rules/helpers.assert_rate).
"""

from __future__ import annotations

import pytest

from bot.rules import rng
from bot.rules.model import PieceRef, PieceType
from bot.rules.penalties import MOBILITY_SLOTS, assign_penalties, penalty_totals
from tests.rules.helpers import agent, assert_rate, district, make_board, order, squadron

X = district("X", adjacent=["Y"])
Y = district("Y", adjacent=["X", "Z"])
Z = district("Z", adjacent=["Y"])


def _board(**rels: int):
    return make_board(
        [X, Y, Z],
        factions=["A", "B", "C", "N"],
        rel={(pair[0], pair[1]): value for pair, value in rels.items()},
    )


def _assign(board, pieces, placements, seed=1):
    orders = [order(p, d) for p, d in zip(pieces, placements, strict=True)]
    return assign_penalties(seed, 1, board, pieces, orders)


def test_slot_table_matches_rules() -> None:
    assert MOBILITY_SLOTS == {
        0: (),
        1: ("S",),
        2: ("SA",),
        3: ("S", "A"),
        4: ("SA", "SA"),
        5: ("S", "SA", "SA"),
    }


@pytest.mark.parametrize(
    ("mobility", "same", "adjacent"),
    [(0, 0, 0), (1, 1, 0), (2, None, None), (3, 1, 1), (4, None, None), (5, None, None)],
)
def test_mobility_targets_with_enemies_everywhere(mobility, same, adjacent) -> None:
    board = _board(AB=-2)
    source = squadron("src", "A", mobility=mobility)
    enemies = [squadron(f"e{i}", "B") for i in range(8)]
    placements = ["X", *(["X"] * 4), *(["Y"] * 4)]
    result = [a for a in _assign(board, [source, *enemies], placements) if a.source == source.ref]
    expected_count = {0: 0, 1: 1, 2: 1, 3: 2, 4: 2, 5: 3}[mobility]
    assert len(result) == expected_count
    assert len({a.target for a in result}) == expected_count
    assert all(a.value == -2 for a in result)
    in_x = sum(a.target.id in {"e0", "e1", "e2", "e3"} for a in result)
    if same is not None:
        assert (in_x, len(result) - in_x) == (same, adjacent)
    if mobility == 5:
        assert in_x >= 1  # the first slot is S
    # only districts adjacent to X (Y), never Z
    assert all(a.target.id.startswith("e") for a in result)


@pytest.mark.parametrize(("mobility", "count"), [(0, 0), (1, 0), (2, 1), (3, 1), (4, 2), (5, 2)])
def test_mobility_with_enemies_only_adjacent(mobility: int, count: int) -> None:
    board = _board(AB=-1)
    source = squadron("src", "A", mobility=mobility)
    enemies = [squadron(f"e{i}", "B") for i in range(3)]
    far = squadron("far", "B")
    result = [
        a
        for a in _assign(board, [source, *enemies, far], ["X", "Y", "Y", "Y", "Z"])
        if a.source == source.ref
    ]
    assert len(result) == count
    assert all(a.value == -1 and a.target != far.ref for a in result)


def test_never_the_same_target_twice() -> None:
    board = _board(AB=-2)
    source = squadron("src", "A", mobility=5)
    lone = agent("lone", "B")
    result = _assign(board, [source, lone], ["X", "X"])
    assert [(a.source, a.target, a.value) for a in result if a.source == source.ref] == [
        (source.ref, lone.ref, -2)
    ]


def test_ranking_relationship_then_type_wherever_it_stands() -> None:
    board = _board(AB=-2, AC=-1)
    source = squadron("src", "A", mobility=2)  # one SA slot
    hot_agent_here = agent("h", "B")
    cold_squadron_here = squadron("c", "C")
    hot_squadron_adjacent = squadron("hs", "B")
    pieces = [source, hot_agent_here, cold_squadron_here, hot_squadron_adjacent]
    result = [a for a in _assign(board, pieces, ["X", "X", "X", "Y"]) if a.source == source.ref]
    assert [a.target for a in result] == [hot_squadron_adjacent.ref]
    # without the hot squadron, the hot agent beats the cold squadron (relationship first)
    result = [a for a in _assign(board, pieces[:3], ["X", "X", "X"]) if a.source == source.ref]
    assert [a.target for a in result] == [hot_agent_here.ref]


def test_agent_one_target_in_own_district_prefers_agents() -> None:
    board = _board(AB=-2, AC=-1, AN=0)
    source = agent("src", "A")
    enemy_squadron = squadron("s", "B")
    enemy_agent = agent("e", "B")
    adjacent_agent = agent("adj", "B")
    neutral = agent("n", "N")
    result = _assign(
        board,
        [source, enemy_squadron, enemy_agent, adjacent_agent, neutral],
        ["X", "X", "X", "Y", "X"],
    )
    mine = [a for a in result if a.source == source.ref]
    assert [(a.target, a.value) for a in mine] == [(enemy_agent.ref, -4)]
    cold = _assign(board, [source, agent("c", "C")], ["X", "X"])
    assert [(a.target.id, a.value) for a in cold if a.source == source.ref] == [("c", -2)]
    alone = _assign(board, [source, adjacent_agent, neutral], ["X", "Y", "X"])
    assert [a for a in alone if a.source == source.ref] == []


def test_unassigned_pieces_give_and_receive_nothing() -> None:
    board = _board(AB=-2)
    source = agent("src", "A")
    idle = agent("idle", "B")
    orders = [order(source, "X")]
    assert assign_penalties(1, 1, board, [source, idle], orders) == []


def test_penalties_add_up_per_target() -> None:
    board = _board(AB=-2, CB=-1)
    target = squadron("t", "B")
    sources = [agent("a1", "A"), squadron("s1", "A", mobility=1), agent("c1", "C")]
    result = _assign(board, [target, *sources], ["X", "X", "X", "X"])
    totals = penalty_totals(result)
    # a1 −4, s1 −2, c1 −2; and t (squadron of B, mobility 0) gives nothing
    assert totals == {target.ref: -8}


def test_tie_pick_is_uniform_and_uses_the_penalty_stream() -> None:
    """Statistical (§5.3 uniform among equals): n = 5,000, within 4 SE (3 pp fails)."""
    board = _board(AB=-2)
    source = agent("src", "A")
    candidates = [agent(f"t{i}", "B") for i in range(3)]
    pieces = [source, *candidates]
    counts = {c.ref: 0 for c in candidates}
    n = 5000
    for seed in range(n):
        (hit,) = [a for a in _assign(board, pieces, ["X"] * 4, seed) if a.source == source.ref]
        counts[hit.target] += 1
        if seed < 20:
            expected = rng.pick(rng.stream(seed, 1, "penalty", "agent:src"), sorted(counts))
            assert hit.target == expected
    for ref, hits in counts.items():
        assert_rate(hits, n, 1 / 3, f"tie {ref}")


def test_result_independent_of_input_order() -> None:
    board = _board(AB=-2, AC=-1, BC=-2)
    pieces = [agent(f"a{i}", "ABC"[i % 3]) for i in range(9)] + [
        squadron(f"s{i}", "ABC"[i % 3], mobility=i % 6) for i in range(9)
    ]
    placements = ["XYZ"[(i // 2) % 3] for i in range(18)]
    orders = [order(p, d) for p, d in zip(pieces, placements, strict=True)]
    forward = assign_penalties(9, 2, board, pieces, orders)
    backward = assign_penalties(9, 2, board, pieces[::-1], orders[::-1])
    assert forward == backward and forward
    assert any(a.source.type is PieceType.AGENT for a in forward)
    assert PieceRef(PieceType.SQUADRON, "s5") in {a.source for a in forward}
