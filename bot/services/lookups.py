"""Loading what a request names, or refusing with a message naming what was unknown.

Shared by every service so an unknown id reads the same everywhere.
"""

from __future__ import annotations

from bot.services.errors import InvalidRequest, PhaseClosed
from db import records as dbr
from db.uow import UnitOfWork


async def require_game(uow: UnitOfWork) -> dbr.GameState:
    game = await uow.game.find()
    if game is None:
        raise PhaseClosed("No campaign has been started yet: the GM has to create one first.")
    return game


async def require_faction(uow: UnitOfWork, faction_id: str) -> dbr.Faction:
    faction = await uow.factions.find(faction_id)
    if faction is None:
        raise InvalidRequest(f"Unknown faction '{faction_id}'.")
    return faction


async def require_district(uow: UnitOfWork, district_id: str) -> dbr.District:
    district = await uow.districts.find(district_id)
    if district is None:
        raise InvalidRequest(f"Unknown district '{district_id}'.")
    return district


async def require_piece(
    uow: UnitOfWork, piece_type: str, piece_id: str
) -> dbr.Agent | dbr.Squadron:
    kind = str(piece_type)
    if kind not in dbr.PIECE_TYPES:
        raise InvalidRequest(f"Unknown piece type '{kind}': use agent or squadron.")
    found = await (
        uow.pieces.get_agents_many([piece_id])
        if kind == "agent"
        else uow.pieces.get_squadrons_many([piece_id])
    )
    if piece_id not in found:
        raise InvalidRequest(f"Unknown {kind} '{piece_id}'.")
    return found[piece_id]


async def require_agent(uow: UnitOfWork, agent_id: str) -> dbr.Agent:
    agent = await require_piece(uow, "agent", agent_id)
    assert isinstance(agent, dbr.Agent)
    return agent


async def require_squadron(uow: UnitOfWork, squadron_id: str) -> dbr.Squadron:
    squadron = await require_piece(uow, "squadron", squadron_id)
    assert isinstance(squadron, dbr.Squadron)
    return squadron
