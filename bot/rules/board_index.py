"""One-pass indexes of the closed orders, so every phase step avoids O(n²) scans."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.rules.model import Order, Piece, PieceRef


@dataclass(frozen=True)
class OrderIndex:
    """Orders by piece and on-board pieces by district, both in canonical order (§2.1)."""

    orders: Mapping[PieceRef, Order]
    by_district: Mapping[str, tuple[PieceRef, ...]]

    def faction_of(self, ref: PieceRef) -> str:
        return self.orders[ref].faction_id

    def district_of(self, ref: PieceRef) -> str:
        return self.orders[ref].district_id


def index_orders(orders: Iterable[Order]) -> OrderIndex:
    """Index orders; a piece with two orders is a caller bug (one order per turn, §2.1)."""
    by_piece: dict[PieceRef, Order] = {}
    for order in orders:
        if order.piece in by_piece:
            raise ValueError(f"{order.piece} has more than one order this turn")
        by_piece[order.piece] = order
    by_district: dict[str, list[PieceRef]] = defaultdict(list)
    for ref in sorted(by_piece):
        by_district[by_piece[ref].district_id].append(ref)
    return OrderIndex(
        orders={ref: by_piece[ref] for ref in sorted(by_piece)},
        by_district={d: tuple(refs) for d, refs in sorted(by_district.items())},
    )


def index_pieces(pieces: Iterable[Piece]) -> dict[PieceRef, Piece]:
    return {piece.ref: piece for piece in pieces}
