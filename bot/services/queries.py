"""What a player (or the GM) may read: lookups for autocomplete and the faction's views.

Secrecy lives here, not in the cogs: a member only ever gets their own faction's
pieces, reports and results, and another faction's influence only as their own
reports perceived it. Anything of a turn still being resolved stays hidden until
that turn completes (§2.3: players learn nothing secret before phase 13).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from bot.rules.monitoring import player_view
from bot.services.access import Actor, require_member
from bot.services.errors import InvalidRequest, NotAllowed, PhaseClosed
from bot.services.lookups import require_faction, require_game
from db import records as dbr
from db.database import Database
from db.uow import UnitOfWork

Piece = dbr.Agent | dbr.Squadron


def piece_type(piece: Piece) -> str:
    return "agent" if isinstance(piece, dbr.Agent) else "squadron"


class NameMaps(NamedTuple):
    """Display names by id (public knowledge); unpacks as ``districts, factions``."""

    districts: dict[str, str]
    factions: dict[str, str]


@dataclass(frozen=True)
class PieceLine:
    piece_type: str
    piece: Piece
    district_name: str | None
    order: dbr.Order | None


@dataclass(frozen=True)
class PerceivedEntry:
    faction_id: str
    influence: int
    stronghold: bool


@dataclass(frozen=True)
class PerceivedDistrict:
    district_id: str
    district_name: str
    as_of_turn: int | None  # None: own influence only, never reported
    own_influence: int
    own_stronghold: bool
    others: tuple[PerceivedEntry, ...]


@dataclass(frozen=True)
class RelationshipLine:
    faction_id: str
    faction_name: str
    stance: int  # ours toward them
    effective: int  # min of both directions: what the rules use (D-1)


@dataclass(frozen=True)
class KnownRumorLine:
    rumor_id: str
    title: str
    text: str
    district_name: str
    discovered_on: int


@dataclass(frozen=True)
class FactionOverview:
    faction: dbr.Faction
    turn: int
    phase: str
    pieces: tuple[PieceLine, ...]
    districts: tuple[PerceivedDistrict, ...]
    relationships: tuple[RelationshipLine, ...]
    resources: tuple[dbr.Resource, ...]
    modifiers: tuple[dbr.FactionModifier, ...]
    rumors: tuple[KnownRumorLine, ...]
    names: dict[str, str]  # faction id -> name, for every faction the overview mentions


@dataclass(frozen=True)
class PlayerTurnStatus:
    turn: int
    phase: str
    deadline: str | None
    faction_id: str | None
    pieces: int
    ordered: int

    @property
    def all_ordered(self) -> bool:
        return self.pieces == self.ordered


class QueryService:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- lookups (autocomplete) ------------------------------------------------------------

    async def pieces(
        self, actor: Actor, kind: str | None = None, *, with_order: bool = False
    ) -> list[tuple[str, Piece]]:
        """The actor's faction's pieces (the GM: every owned piece), canonical order."""
        async with self.db.read() as uow:
            faction = None if actor.is_gm else actor.faction_id
            if faction is None and not actor.is_gm:
                return []
            pieces = [p for p in await uow.pieces.list_all(faction) if p.faction_id]
            if with_order:
                game = await uow.game.find()
                orders = (
                    {(o.piece_type, o.piece_id) for o in await uow.orders.list_for_turn(game.turn)}
                    if game
                    else set()
                )
                pieces = [p for p in pieces if (piece_type(p), p.id) in orders]
        return [(piece_type(p), p) for p in pieces if kind is None or piece_type(p) == kind]

    async def piece_kind(self, piece_id: str) -> str | None:
        """'agent' or 'squadron' for an id (agents first, as in canonical order)."""
        async with self.db.read() as uow:
            if piece_id in await uow.pieces.get_agents_many([piece_id]):
                return "agent"
            if piece_id in await uow.pieces.get_squadrons_many([piece_id]):
                return "squadron"
        return None

    async def names(self) -> NameMaps:
        async with self.db.read() as uow:
            return NameMaps(
                {d.id: d.name for d in await uow.districts.list_all()},
                {f.id: f.name for f in await uow.factions.list_all()},
            )

    async def districts(self) -> list[dbr.District]:
        async with self.db.read() as uow:
            return await uow.districts.list_all()

    async def factions(self) -> list[dbr.Faction]:
        """Names and colours are public: every faction is a known player of the game."""
        async with self.db.read() as uow:
            return await uow.factions.list_all()

    async def allies(self, actor: Actor) -> list[dbr.Faction]:
        """Factions the actor's faction may declare support for (rel = +2, §6.4)."""
        if actor.faction_id is None:
            return []
        async with self.db.read() as uow:
            allies = []
            for f in await uow.factions.list_all():
                if f.id == actor.faction_id:
                    continue
                if await uow.factions.effective_relationship(actor.faction_id, f.id) == 2:
                    allies.append(f)
            return allies

    # -- the faction's own views -----------------------------------------------------------

    async def overview(self, actor: Actor, faction_id: str | None = None) -> FactionOverview:
        faction_id = _viewed_faction(actor, faction_id)
        async with self.db.read() as uow:
            game = await require_game(uow)
            faction = await require_faction(uow, faction_id)
            districts = {d.id: d for d in await uow.districts.list_all()}
            pieces = await self._piece_lines(uow, game.turn, faction_id, districts)
            perceived = await self._perceived(uow, game.turn, faction_id, districts)
            relationships = await self._relationships(uow, faction_id)
            rumors = await self._rumors(uow, faction_id, districts)
            mentioned = {e.faction_id for d in perceived for e in d.others}
            mentioned |= {r.faction_id for r in relationships} | {faction_id}
            names = {f.id: f.name for f in (await uow.factions.get_many(mentioned)).values()}
            return FactionOverview(
                faction=faction,
                turn=game.turn,
                phase=game.phase,
                pieces=pieces,
                districts=perceived,
                relationships=relationships,
                resources=tuple(await uow.factions.list_resources(faction_id)),
                modifiers=tuple(await uow.factions.list_modifiers(faction_id)),
                rumors=rumors,
                names=names,
            )

    async def _piece_lines(
        self, uow: UnitOfWork, turn: int, faction_id: str, districts: dict[str, dbr.District]
    ) -> tuple[PieceLine, ...]:
        orders = {
            (o.piece_type, o.piece_id): o
            for o in await uow.orders.list_for_faction(turn, faction_id)
        }
        lines = []
        for p in await uow.pieces.list_all(faction_id):
            kind = piece_type(p)
            district = districts.get(p.district_id) if p.district_id else None
            lines.append(
                PieceLine(kind, p, district.name if district else None, orders.get((kind, p.id)))
            )
        return tuple(lines)

    async def _perceived(
        self, uow: UnitOfWork, turn: int, faction_id: str, districts: dict[str, dbr.District]
    ) -> tuple[PerceivedDistrict, ...]:
        """Own influence is exact and current; others only as last reported (never true)."""
        own = {r.district_id: r for r in await uow.districts.list_influence(faction_id=faction_id)}
        reports = await uow.reports.latest_per_district(faction_id, before_turn=turn)
        result = []
        for district_id in sorted(set(own) | set(reports)):
            report = reports.get(district_id)
            mine = own.get(district_id)
            others: tuple[PerceivedEntry, ...] = ()
            if report is not None:
                view = player_view(report.report)
                others = tuple(
                    PerceivedEntry(e["faction_id"], int(e["influence"]), bool(e["stronghold"]))
                    for e in view.get("factions", [])
                )
            if report is None and (mine is None or (not mine.value and not mine.has_stronghold)):
                continue
            result.append(
                PerceivedDistrict(
                    district_id=district_id,
                    district_name=districts[district_id].name
                    if district_id in districts
                    else district_id,
                    as_of_turn=report.turn_number if report else None,
                    own_influence=mine.value if mine else 0,
                    own_stronghold=bool(mine and mine.has_stronghold),
                    others=others,
                )
            )
        return tuple(result)

    async def _relationships(
        self, uow: UnitOfWork, faction_id: str
    ) -> tuple[RelationshipLine, ...]:
        lines = []
        for other in await uow.factions.list_all():
            if other.id == faction_id:
                continue
            lines.append(
                RelationshipLine(
                    other.id,
                    other.name,
                    await uow.factions.get_relationship(faction_id, other.id),
                    await uow.factions.effective_relationship(faction_id, other.id),
                )
            )
        return tuple(lines)

    async def _rumors(
        self, uow: UnitOfWork, faction_id: str, districts: dict[str, dbr.District]
    ) -> tuple[KnownRumorLine, ...]:
        known = {k.rumor_id: k for k in await uow.factions.known_rumors(faction_id)}
        if not known:
            return ()
        lines = []
        for rumor in await uow.districts.list_rumors():
            k = known.get(rumor.id)
            if k is None:
                continue
            district = districts.get(rumor.district_id)
            lines.append(
                KnownRumorLine(
                    rumor.id,
                    rumor.name or rumor.id,
                    rumor.rumor_text,
                    district.name if district else rumor.district_id,
                    k.discovered_on,
                )
            )
        return tuple(sorted(lines, key=lambda r: (-r.discovered_on, r.district_name, r.title)))

    async def turn_report(
        self, actor: Actor, turn: int | None = None, faction_id: str | None = None
    ) -> dict[str, Any]:
        """The faction_report payload the faction received for a completed turn (latest by
        default): its monitoring reports and its pieces' results, exactly as delivered."""
        faction_id = _viewed_faction(actor, faction_id)
        async with self.db.read() as uow:
            game = await require_game(uow)
            if turn is not None and turn >= game.turn:
                raise PhaseClosed(
                    f"Turn {turn} has not been resolved yet: reports of turn {game.turn - 1} "
                    "and earlier are available."
                )
            row = await uow.outbox.latest_payload("faction_report", faction_id, turn)
            if row is None:
                which = f"for turn {turn}" if turn is not None else "yet"
                raise InvalidRequest(f"There is no report for your faction {which}.")
            return row.payload

    async def report_turns(self, actor: Actor, faction_id: str | None = None) -> list[int]:
        faction_id = _viewed_faction(actor, faction_id)
        async with self.db.read() as uow:
            return await uow.outbox.turns_with("faction_report", faction_id)

    async def turn_status(self, actor: Actor) -> PlayerTurnStatus:
        async with self.db.read() as uow:
            game = await require_game(uow)
            settings = await uow.settings.get()
            pieces = ordered = 0
            if actor.faction_id is not None:
                pieces = len(await uow.pieces.list_all(actor.faction_id))
                ordered = len(await uow.orders.list_for_faction(game.turn, actor.faction_id))
            return PlayerTurnStatus(
                game.turn, game.phase, settings.turn_deadline, actor.faction_id, pieces, ordered
            )


def _viewed_faction(actor: Actor, faction_id: str | None) -> str:
    if faction_id is None:
        if actor.is_gm and actor.faction_id is None:
            raise InvalidRequest("As GM, name the faction you want to look at.")
        return require_member(actor)
    if not actor.may_act_for(faction_id):
        raise NotAllowed("You can only look at your own faction.")
    return faction_id
