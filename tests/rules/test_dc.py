"""§4.3–§4.4 DC tables, Example 6, and tier edges (§3.5)."""

from __future__ import annotations

import pytest

from bot.rules.dc import (
    INFLUENCE_MOD,
    InfluenceOrderRefused,
    can_order_influence,
    gain_dc,
    influence_mod,
    take_dc,
)
from bot.rules.model import Tier, action_tier
from tests.rules.helpers import district, make_board


def test_example_6_gain_and_take_dc() -> None:
    board = make_board(
        [district("D", weekly_modifier=1)],
        factions=["F", "G"],
        influence={("D", "F"): 3, ("D", "G"): 2},
        strongholds=[("D", "F")],
        likeability={("D", "F"): 2},
        rel={("F", "G"): -1},
    )
    assert gain_dc(board, "D", "F") == 7
    assert take_dc(board, "D", "F", "G") == 9
    assert action_tier(19, 9) is Tier.CRITICAL_SUCCESS
    assert action_tier(-1, 9) is Tier.CRITICAL_FAILURE


@pytest.mark.parametrize(
    ("influence", "mod"),
    [(0, 3), (1, 1), (2, -1), (3, -1), (4, 0), (5, 0), (6, 1), (7, 2), (8, 3), (9, 4)],
)
def test_influence_mod_table_every_value(influence: int, mod: int) -> None:
    board = make_board([district("D")], factions=["F"], influence={("D", "F"): influence})
    assert influence_mod(influence) == mod
    assert gain_dc(board, "D", "F") == 11 + mod
    assert can_order_influence(board, "D", "F")


def test_influence_10_is_refused() -> None:
    board = make_board([district("D")], factions=["F"], influence={("D", "F"): 10})
    assert 10 not in INFLUENCE_MOD
    assert not can_order_influence(board, "D", "F")
    with pytest.raises(InfluenceOrderRefused):
        gain_dc(board, "D", "F")
    with pytest.raises(InfluenceOrderRefused):
        take_dc(board, "D", "F", "G")


@pytest.mark.parametrize("rel", [-2, -1, 0, 1, 2])
def test_take_dc_relationship_modifier(rel: int) -> None:
    board = make_board([district("D")], factions=["F", "G"], rel={("F", "G"): rel})
    assert take_dc(board, "D", "F", "G") == gain_dc(board, "D", "F") + 3 + rel


def test_effective_relationship_is_min_of_directions() -> None:
    board = make_board([district("D")], factions=["F", "G"])
    board = type(board)(
        factions=board.factions,
        districts=board.districts,
        relationships={("F", "G"): 2, ("G", "F"): -1},
    )
    assert take_dc(board, "D", "F", "G") == gain_dc(board, "D", "F") + 3 - 1


def test_dc_extremes_are_not_clamped() -> None:
    easy = make_board(
        [district("D", weekly_modifier=-2)],
        factions=["F"],
        influence={("D", "F"): 2},
        strongholds=[("D", "F")],
        likeability={("D", "F"): 5},
    )
    hard = make_board(
        [district("D", weekly_modifier=2)],
        factions=["F", "G"],
        influence={("D", "F"): 9},
        likeability={("D", "F"): -5},
        rel={("F", "G"): 2},
    )
    assert gain_dc(easy, "D", "F") == 1
    assert gain_dc(hard, "D", "F") == 22
    assert take_dc(hard, "D", "F", "G") == 27


@pytest.mark.parametrize(
    ("offset", "tier"),
    [
        (-11, Tier.CRITICAL_FAILURE),
        (-10, Tier.CRITICAL_FAILURE),
        (-9, Tier.FAILURE),
        (-1, Tier.FAILURE),
        (0, Tier.SUCCESS),
        (9, Tier.SUCCESS),
        (10, Tier.CRITICAL_SUCCESS),
    ],
)
@pytest.mark.parametrize("dc", [5, 13, 30])
def test_tier_edges(dc: int, offset: int, tier: Tier) -> None:
    assert action_tier(dc + offset, dc) is tier
