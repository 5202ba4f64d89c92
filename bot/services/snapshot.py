"""Frozen inputs of a turn, as JSON.

Taken when orders close (start of phase 4) and stored with the turn, so phases 5,
7 and 9 recompute the deterministic rules steps from exactly what was closed: a
GM edit during the conflict wait, a crash or a preview can never make a replay
diverge from the first run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.rules import model as rm


@dataclass(frozen=True)
class TurnInputs:
    board: rm.Board
    pieces: tuple[rm.Piece, ...]  # on the board this turn, canonical order
    orders: tuple[rm.Order, ...]
    support: frozenset[tuple[str, str]]


def encode(inputs: TurnInputs) -> dict[str, Any]:
    b = inputs.board
    return {
        "factions": [
            [f.id, f.name, f.monitoring_bonus, f.color]
            for f in sorted(b.factions.values(), key=_id)
        ],
        "districts": [
            {
                "id": d.id,
                "name": d.name,
                "gain": [
                    d.preferred_gain_attribute,
                    d.preferred_gain_skill,
                    d.preferred_gain_squadron_aptitude,
                ],
                "monitor": [
                    d.preferred_monitor_attribute,
                    d.preferred_monitor_skill,
                    d.preferred_monitor_squadron_aptitude,
                ],
                "weekly": d.weekly_modifier,
                "adjacent": sorted(d.adjacent),
            }
            for d in sorted(b.districts.values(), key=_id)
        ],
        "influence": sorted([d, f, v] for (d, f), v in b.influence.items()),
        "strongholds": sorted([d, f] for d, f in b.strongholds),
        "likeability": sorted([d, f, v] for (d, f), v in b.likeability.items()),
        "relationships": sorted([a, c, v] for (a, c), v in b.relationships.items()),
        "pieces": [_encode_piece(p) for p in inputs.pieces],
        "orders": [_encode_order(o) for o in inputs.orders],
        "support": sorted([a, c] for a, c in inputs.support),
    }


def decode(data: dict[str, Any]) -> TurnInputs:
    board = rm.Board(
        factions={
            fid: rm.Faction(fid, name, bonus, color) for fid, name, bonus, color in data["factions"]
        },
        districts={
            d["id"]: rm.District(
                id=d["id"],
                name=d["name"],
                preferred_gain_attribute=d["gain"][0],
                preferred_gain_skill=d["gain"][1],
                preferred_gain_squadron_aptitude=d["gain"][2],
                preferred_monitor_attribute=d["monitor"][0],
                preferred_monitor_skill=d["monitor"][1],
                preferred_monitor_squadron_aptitude=d["monitor"][2],
                weekly_modifier=d["weekly"],
                adjacent=frozenset(d["adjacent"]),
            )
            for d in data["districts"]
        },
        influence={(d, f): v for d, f, v in data["influence"]},
        strongholds=frozenset((d, f) for d, f in data["strongholds"]),
        likeability={(d, f): v for d, f, v in data["likeability"]},
        relationships={(a, c): v for a, c, v in data["relationships"]},
    )
    return TurnInputs(
        board=board,
        pieces=tuple(_decode_piece(p) for p in data["pieces"]),
        orders=tuple(_decode_order(o) for o in data["orders"]),
        support=frozenset((a, c) for a, c in data["support"]),
    )


def _id(item: Any) -> str:
    return item.id


def _encode_piece(p: rm.Piece) -> dict[str, Any]:
    if isinstance(p, rm.Agent):
        return {
            "ref": p.ref.key,
            "faction": p.faction_id,
            "name": p.name,
            "attributes": dict(sorted(p.attributes.items())),
            "skills": dict(sorted(p.skills.items())),
        }
    return {
        "ref": p.ref.key,
        "faction": p.faction_id,
        "name": p.name,
        "mobility": p.mobility,
        "aptitudes": dict(sorted(p.aptitudes.items())),
    }


def _decode_piece(d: dict[str, Any]) -> rm.Piece:
    ref = rm.PieceRef.parse(d["ref"])
    if ref.type is rm.PieceType.AGENT:
        return rm.Agent(ref.id, d["faction"], d["name"], d["attributes"], d["skills"])
    return rm.Squadron(ref.id, d["faction"], d["name"], d["mobility"], d["aptitudes"])


_ORDER_FIELDS = (
    "faction_id",
    "district_id",
    "target_faction_id",
    "dc",
    "attribute",
    "skill",
    "aptitude",
    "manual_modifier",
    "advantage",
    "disadvantage",
    "description",
)


def _encode_order(o: rm.Order) -> dict[str, Any]:
    data = {"piece": o.piece.key, "action": o.action.value}
    data.update({name: getattr(o, name) for name in _ORDER_FIELDS})
    return data


def _decode_order(d: dict[str, Any]) -> rm.Order:
    return rm.Order(
        piece=rm.PieceRef.parse(d["piece"]),
        action=rm.ActionType(d["action"]),
        **{name: d[name] for name in _ORDER_FIELDS},
    )


def freeze(
    board: rm.Board,
    pieces: Iterable[rm.Piece],
    orders: Iterable[rm.Order],
    support: Iterable[tuple[str, str]],
) -> TurnInputs:
    return TurnInputs(
        board=board,
        pieces=tuple(rm.sorted_pieces(pieces)),
        orders=tuple(sorted(orders, key=lambda o: o.piece)),
        support=frozenset(support),
    )
