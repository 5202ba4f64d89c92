"""Difficulty classes of influence actions (RULES.md §4.3–§4.4).

The DC is computed once in phase 5 from the post-decay board [D-10] and is never
clamped, so these functions are plain arithmetic over the board.
"""

from __future__ import annotations

from bot.rules.model import MAX_INFLUENCE, Board

TAKE_TARGET_MODIFIER = 3
STRONGHOLD_MODIFIER = -2
BASE_DC = 11

# §4.3: acting faction's current influence -> influence_mod. 10 is absent [D-47].
INFLUENCE_MOD: dict[int, int] = {0: 3, 1: 1, 2: -1, 3: -1, 4: 0, 5: 0, 6: 1, 7: 2, 8: 3, 9: 4}


class InfluenceOrderRefused(ValueError):
    """A faction at 10 influence cannot order gain/take there [D-47]."""


def can_order_influence(board: Board, district_id: str, faction_id: str) -> bool:
    """Whether gain/take may be ordered: refused only at the faction's own 10 (§4.1)."""
    return board.influence_of(district_id, faction_id) < MAX_INFLUENCE


def influence_mod(influence: int) -> int:
    """The §4.3 table; influence 10 has no entry and is refused [D-47]."""
    if influence not in INFLUENCE_MOD:
        raise InfluenceOrderRefused(
            f"influence {influence} has no DC: a faction at {MAX_INFLUENCE} cannot gain or take"
        )
    return INFLUENCE_MOD[influence]


def gain_dc(board: Board, district_id: str, faction_id: str) -> int:
    """`11 − likeability + influence_mod + stronghold_mod + weekly_modifier` [D-9]."""
    likeability = int(board.likeability.get((district_id, faction_id), 0))
    stronghold = STRONGHOLD_MODIFIER if board.has_stronghold(district_id, faction_id) else 0
    weekly = board.districts[district_id].weekly_modifier
    return (
        BASE_DC
        - likeability
        + influence_mod(board.influence_of(district_id, faction_id))
        + stronghold
        + weekly
    )


def take_dc(board: Board, district_id: str, faction_id: str, target_faction_id: str) -> int:
    """Gain DC + 3 + rel(actor, target) (§4.4)."""
    if target_faction_id == faction_id:
        raise ValueError("take_influence needs a target faction other than the actor's own")
    return (
        gain_dc(board, district_id, faction_id)
        + TAKE_TARGET_MODIFIER
        + board.rel(faction_id, target_faction_id)
    )
