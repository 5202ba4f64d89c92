"""Enemy-piece penalties (RULES.md §5), assigned once at the start of phase 4 [D-14].

Each source piece chooses its targets independently from its own ``penalty``
stream, drawing only when a slot has a tie, so one source never shifts another's
choice and the result does not depend on input order.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from bot.rules import rng
from bot.rules.board_index import OrderIndex, index_orders, index_pieces
from bot.rules.model import Board, Order, Piece, PieceRef, PieceType, Squadron

SAME, ADJACENT, SAME_OR_ADJACENT = "S", "A", "SA"

# §5.3 mobility -> slots, filled in this order.
MOBILITY_SLOTS: dict[int, tuple[str, ...]] = {
    0: (),
    1: (SAME,),
    2: (SAME_OR_ADJACENT,),
    3: (SAME, ADJACENT),
    4: (SAME_OR_ADJACENT, SAME_OR_ADJACENT),
    5: (SAME, SAME_OR_ADJACENT, SAME_OR_ADJACENT),
}

# §5.1: rel -> penalty given per target.
SQUADRON_PENALTY: dict[int, int] = {-2: -2, -1: -1}
AGENT_PENALTY: dict[int, int] = {-2: -4, -1: -2}


@dataclass(frozen=True, order=True)
class PenaltyAssignment:
    source: PieceRef
    target: PieceRef
    value: int


def slots_for(source: PieceRef, piece: Piece) -> tuple[str, ...]:
    """Agents have one same-district slot; squadrons follow the mobility table."""
    if source.type is PieceType.AGENT:
        return (SAME,)
    assert isinstance(piece, Squadron)
    return MOBILITY_SLOTS[max(0, min(5, piece.mobility))]


def assign_penalties(
    seed: int,
    turn: int,
    board: Board,
    pieces: Iterable[Piece],
    orders: Iterable[Order],
) -> list[PenaltyAssignment]:
    """Every (source, target, value) of this turn, sorted canonically."""
    index = index_orders(orders)
    by_ref = index_pieces(pieces)
    placed = {
        d: tuple((ref, index.faction_of(ref)) for ref in refs)
        for d, refs in index.by_district.items()
    }
    hostility = _Hostility(board)
    assignments: list[PenaltyAssignment] = []
    for source in index.orders:
        assignments.extend(
            _assign_for(seed, turn, board, index, placed, hostility, source, by_ref[source])
        )
    return sorted(assignments)


class _Hostility:
    """Memoised effective relationships: the same faction pairs recur thousands of times."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self.cache: dict[tuple[str, str], int] = {}

    def rel(self, a: str, b: str) -> int:
        key = (a, b)
        if key not in self.cache:
            self.cache[key] = self.board.rel(a, b)
        return self.cache[key]


def _assign_for(
    seed: int,
    turn: int,
    board: Board,
    index: OrderIndex,
    placed: dict[str, tuple[tuple[PieceRef, str], ...]],
    hostility: _Hostility,
    source: PieceRef,
    piece: Piece,
) -> list[PenaltyAssignment]:
    faction = index.faction_of(source)
    home = index.district_of(source)
    slots = slots_for(source, piece)
    if not slots:
        return []
    neighbours = [d for d in board.adjacent(home) if d in placed]
    stream: random.Random | None = None
    chosen: list[PenaltyAssignment] = []
    taken: set[PieceRef] = set()
    table = AGENT_PENALTY if source.type is PieceType.AGENT else SQUADRON_PENALTY
    for slot in slots:
        districts = {
            SAME: [home],
            ADJACENT: neighbours,
            SAME_OR_ADJACENT: [home, *neighbours],
        }[slot]
        ranked: dict[tuple[int, int], list[PieceRef]] = defaultdict(list)
        for district in districts:
            for candidate, owner in placed.get(district, ()):
                rel = hostility.rel(faction, owner)
                if rel > -1 or candidate in taken:
                    continue
                preferred = 0 if candidate.type is source.type else 1
                ranked[(rel, preferred)].append(candidate)
        if not ranked:
            continue
        best_key = min(ranked)
        best = sorted(ranked[best_key])
        if len(best) > 1:
            if stream is None:
                stream = rng.stream(seed, turn, "penalty", source.key)
            target = rng.pick(stream, best)
        else:
            target = best[0]
        taken.add(target)
        chosen.append(PenaltyAssignment(source, target, table[best_key[0]]))
    return chosen


def penalty_totals(assignments: Iterable[PenaltyAssignment]) -> dict[PieceRef, int]:
    """Sum of penalties on each targeted piece (§5.1: several sources add up)."""
    totals: dict[PieceRef, int] = defaultdict(int)
    for assignment in assignments:
        totals[assignment.target] += assignment.value
    return dict(sorted(totals.items()))
