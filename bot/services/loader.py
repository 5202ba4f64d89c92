"""Load the rules' view of a campaign from a unit of work.

The only place that maps database records onto ``bot.rules.model``: services
read through here so the rules never see rows and the mapping exists once.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.rules import model as rm
from db import records as dbr
from db.uow import UnitOfWork


def to_rules_faction(f: dbr.Faction) -> rm.Faction:
    return rm.Faction(id=f.id, name=f.name, monitoring_bonus=f.monitoring_bonus, color=f.color)


def to_rules_agent(a: dbr.Agent) -> rm.Agent:
    return rm.Agent(
        id=a.id,
        faction_id=a.faction_id,
        name=a.name,
        attributes={name: a.attribute(name) for name in rm.ATTRIBUTES},
        skills={name: a.skill(name) for name in rm.SKILLS},
    )


def to_rules_squadron(s: dbr.Squadron) -> rm.Squadron:
    return rm.Squadron(
        id=s.id,
        faction_id=s.faction_id,
        name=s.name,
        mobility=s.mobility,
        aptitudes={name: s.aptitude(name) for name in rm.APTITUDES},
    )


def to_rules_piece(p: dbr.Agent | dbr.Squadron) -> rm.Piece:
    return to_rules_agent(p) if isinstance(p, dbr.Agent) else to_rules_squadron(p)


def to_rules_order(o: dbr.Order) -> rm.Order:
    return rm.Order(
        piece=rm.PieceRef(o.piece_type, o.piece_id),
        faction_id=o.faction_id,
        district_id=o.district_id,
        action=rm.ActionType(o.action_type),
        target_faction_id=o.target_faction_id,
        dc=o.dc if o.action_type in rm.GM_DC_ACTIONS else None,
        attribute=o.attribute_used,
        skill=o.skill_used,
        aptitude=o.aptitude_used,
        manual_modifier=o.manual_modifier,
        advantage=o.advantage,
        disadvantage=o.disadvantage,
        description=o.description,
    )


async def load_board(uow: UnitOfWork) -> rm.Board:
    """The whole world state the rules read, in one pass over each table."""
    factions = await uow.factions.list_all()
    districts = await uow.districts.list_all()
    adjacency = await uow.districts.adjacency_map()
    weekly = await uow.districts.weekly_all()
    influence: dict[tuple[str, str], int] = {}
    strongholds: set[tuple[str, str]] = set()
    for row in await uow.districts.list_influence():
        if row.value:
            influence[(row.district_id, row.faction_id)] = row.value
        if row.has_stronghold:
            strongholds.add((row.district_id, row.faction_id))
    likeability = {
        (row.district_id, row.faction_id): row.value
        for row in await uow.districts.list_likeability()
    }
    relationships = await uow.factions.relationship_map()
    return rm.Board(
        factions={f.id: to_rules_faction(f) for f in factions},
        districts={
            d.id: rm.District(
                id=d.id,
                name=d.name,
                preferred_gain_attribute=d.preferred_gain_attribute,
                preferred_gain_skill=d.preferred_gain_skill,
                preferred_gain_squadron_aptitude=d.preferred_gain_squadron_aptitude,
                preferred_monitor_attribute=d.preferred_monitor_attribute,
                preferred_monitor_skill=d.preferred_monitor_skill,
                preferred_monitor_squadron_aptitude=d.preferred_monitor_squadron_aptitude,
                weekly_modifier=weekly.get(d.id, 0),
                adjacent=frozenset(adjacency.get(d.id, ())),
            )
            for d in districts
        },
        influence=influence,
        strongholds=frozenset(strongholds),
        likeability=likeability,
        relationships=dict(relationships),
    )


async def load_pieces(uow: UnitOfWork) -> dict[rm.PieceRef, rm.Piece]:
    pieces = [to_rules_piece(p) for p in await uow.pieces.list_all()]
    return {p.ref: p for p in pieces}


async def load_orders(uow: UnitOfWork, turn: int) -> list[rm.Order]:
    return [to_rules_order(o) for o in await uow.orders.list_for_turn(turn)]


async def load_support(uow: UnitOfWork, turn: int) -> set[tuple[str, str]]:
    return {
        (s.declaring_faction_id, s.target_faction_id)
        for s in await uow.factions.list_support(turn)
        if s.will_support
    }


def pieces_on_board(
    pieces: dict[rm.PieceRef, rm.Piece], orders: Iterable[rm.Order]
) -> list[rm.Piece]:
    """Pieces with an order this turn (§2.1): the rest are off the board."""
    return rm.sorted_pieces(pieces[o.piece] for o in orders if o.piece in pieces)
