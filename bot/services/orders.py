"""Players' orders for the assignment phase (RULES.md §2.1, §2.3, §4.1, §6.4).

Every request validates everything first and then writes in one transaction, so a
refusal leaves the campaign exactly as it was. Messages are written for the
player who made the request and never reveal another faction's secrets.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

from bot.rules import model as rm
from bot.rules.dc import gain_dc, take_dc
from bot.services.access import Actor, require_gm, require_member
from bot.services.errors import InvalidRequest, NotAllowed, PhaseClosed, ServiceError
from bot.services.lookups import require_district, require_faction, require_game, require_piece
from db import records as dbr
from db.database import Database
from db.errors import DatabaseError, DomainError, ReadOnlyError
from db.uow import UnitOfWork

MAX_DESCRIPTION = 500
DC_MIN, DC_MAX = 5, 30
MANUAL_MIN, MANUAL_MAX = -10, 10

ACTIONS = tuple(a.value for a in rm.ActionType)
GM_DC_ACTIONS = frozenset(a.value for a in rm.GM_DC_ACTIONS)
INFLUENCE_ACTIONS = frozenset(a.value for a in rm.INFLUENCE_ACTIONS)
TARGET_REQUIRED = frozenset({"take_influence", "initiate_conflict"})
TARGET_FORBIDDEN = frozenset({"monitor", "gain_influence"})

DC_NONE = "none"
DC_ESTIMATED = "estimated"
DC_SET = "set by GM"
DC_AWAITING = "awaiting GM"

Piece = dbr.Agent | dbr.Squadron


@dataclass(frozen=True)
class SubmittedOrder:
    """What a submission stored and what the player should be told about it.

    ``dc`` is exact (gain/take from the current board, freeform/initiate the GM's).
    For gain/take it includes the district's weekly modifier, which a faction only
    learns by monitoring (§8.12): show players ``dc_without_weekly`` instead.
    """

    order: dbr.Order
    piece: Piece
    attribute: str | None
    skill: str | None
    aptitude: str | None
    dc: int | None
    dc_status: str
    weekly_modifier: int = 0
    replaced: dbr.Order | None = None
    notes: tuple[str, ...] = ()
    # The district and target faction as validated, so the answer can name them without
    # reading every district and faction again (bench: interaction latency).
    district: dbr.District | None = None
    target: dbr.Faction | None = None

    @property
    def dc_without_weekly(self) -> int | None:
        if self.dc is None or self.dc_status != DC_ESTIMATED:
            return self.dc
        return self.dc - self.weekly_modifier


@dataclass(frozen=True)
class OrderEntry:
    piece: Piece
    order: dbr.Order | None


@dataclass(frozen=True)
class FactionOrders:
    faction_id: str
    turn: int
    entries: tuple[OrderEntry, ...]

    @property
    def unordered(self) -> int:
        return sum(1 for e in self.entries if e.order is None)


@dataclass(frozen=True)
class OrdersStatus:
    """Who still has to act this turn (GM view)."""

    turn: int
    phase: str
    unordered: dict[str, tuple[Piece, ...]]
    factions_without_orders: tuple[str, ...]
    awaiting_dc: tuple[dbr.Order, ...]


class OrderService:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- players ---------------------------------------------------------------------------

    async def submit(
        self,
        actor: Actor,
        piece_type: str,
        piece_id: str,
        action: str,
        district_id: str,
        *,
        target_faction_id: str | None = None,
        description: str = "",
        attribute: str | None = None,
        skill: str | None = None,
        aptitude: str | None = None,
    ) -> SubmittedOrder:
        """Create or replace the piece's order and move the piece there (§2.1)."""
        action = _check_action(action)
        description = description or ""
        _check_description(action, description)
        async with self.db.transaction() as uow:
            turn = await _open_turn(uow)
            piece = await _orderable_piece(uow, actor, piece_type, piece_id)
            faction_id = piece.faction_id
            assert faction_id is not None
            district = await require_district(uow, district_id)
            target = await _check_target(uow, action, faction_id, target_faction_id)
            attribute, skill, aptitude = _resolve_stats(
                actor, piece, district, action, attribute, skill, aptitude
            )
            dc, dc_status, weekly = await _dc_now(
                uow, action, district, faction_id, target_faction_id
            )
            previous = await uow.orders.find_for_piece(turn, _ptype(piece), piece.id)
            order = dbr.Order(
                turn_number=turn,
                piece_type=_ptype(piece),
                piece_id=piece.id,
                faction_id=faction_id,
                district_id=district.id,
                action_type=action,
                target_faction_id=target_faction_id,
                description=description,
                attribute_used=attribute,
                skill_used=skill,
                aptitude_used=aptitude,
            )
            with db_refusals():
                stored = await uow.orders.upsert(order)
                await uow.pieces.set_location(_ptype(piece), piece.id, district.id, action)
        return SubmittedOrder(
            order=stored,
            piece=dataclasses.replace(piece, district_id=district.id, assignment=action),
            attribute=attribute,
            skill=skill,
            aptitude=aptitude,
            dc=dc,
            dc_status=dc_status,
            weekly_modifier=weekly,
            replaced=previous,
            notes=_submit_notes(piece, district, stored, previous),
            district=district,
            target=target,
        )

    async def cancel(self, actor: Actor, piece_type: str, piece_id: str) -> dbr.Order:
        """Remove the piece's order; the piece stays where it is but is off the board (§2.1)."""
        async with self.db.transaction() as uow:
            turn = await _open_turn(uow)
            piece = await _orderable_piece(uow, actor, piece_type, piece_id)
            order = await _existing_order(uow, turn, piece)
            with db_refusals():
                await uow.orders.delete(turn, _ptype(piece), piece.id)
                await uow.pieces.set_location(_ptype(piece), piece.id, piece.district_id, None)
        return order

    async def list_for_faction(self, actor: Actor, faction_id: str | None = None) -> FactionOrders:
        """Every piece of the faction with its order this turn (None = no order yet)."""
        async with self.db.read() as uow:
            if faction_id is None:
                if actor.is_gm and actor.faction_id is None:
                    raise InvalidRequest("Name the faction whose orders you want to see.")
                faction_id = require_member(actor)
            elif not actor.may_act_for(faction_id):
                raise NotAllowed("You can only see your own faction's orders.")
            await require_faction(uow, faction_id)
            turn = (await require_game(uow)).turn
            return await _faction_orders(uow, turn, faction_id)

    async def list_all(self, actor: Actor) -> list[FactionOrders]:
        """GM: every faction's pieces and orders this turn, factions by id."""
        require_gm(actor)
        async with self.db.read() as uow:
            turn = (await require_game(uow)).turn
            return [await _faction_orders(uow, turn, f.id) for f in await uow.factions.list_all()]

    async def set_support(
        self,
        actor: Actor,
        target_faction_id: str,
        will_support: bool,
        *,
        faction_id: str | None = None,
    ) -> dbr.SupportDeclaration:
        """This turn's support flag toward an ally (§6.4); the GM may name the declaring faction."""
        async with self.db.transaction() as uow:
            turn = await _open_turn(uow)
            if faction_id is None or not actor.is_gm:
                if faction_id is not None and faction_id != actor.faction_id:
                    raise NotAllowed("You can only declare support for your own faction.")
                faction_id = require_member(actor)
            declaring = await require_faction(uow, faction_id)
            target = await require_faction(uow, target_faction_id)
            if target.id == declaring.id:
                raise InvalidRequest("A faction cannot declare support for itself.")
            rel = await uow.factions.effective_relationship(declaring.id, target.id)
            if will_support and rel != 2:
                raise InvalidRequest(
                    f"Support can only be declared toward an ally at +2 (both sides allied). "
                    f"{declaring.name} and {target.name} stand at {rel:+d}."
                )
            with db_refusals():
                await uow.factions.set_support(turn, declaring.id, target.id, bool(will_support))
        return dbr.SupportDeclaration(turn, declaring.id, target.id, bool(will_support))

    async def list_support(
        self, actor: Actor, faction_id: str | None = None
    ) -> list[dbr.SupportDeclaration]:
        """Active declarations of this turn: a member sees their own, the GM all (or one)."""
        async with self.db.read() as uow:
            turn = (await require_game(uow)).turn
            rows = await uow.factions.list_support(turn)
        if not actor.is_gm:
            faction_id = require_member(actor)
        if faction_id is None:
            return rows
        return [r for r in rows if r.declaring_faction_id == faction_id]

    # -- GM --------------------------------------------------------------------------------

    async def set_dc(self, actor: Actor, piece_type: str, piece_id: str, dc: int) -> dbr.Order:
        _check_int("The DC", dc, DC_MIN, DC_MAX)
        async with self.db.transaction() as uow:
            order = await _gm_order(uow, actor, piece_type, piece_id)
            if order.action_type not in GM_DC_ACTIONS:
                raise InvalidRequest(
                    f"Only freeform and initiate-conflict orders take a DC from the GM; this is a "
                    f"{order.action_type} order (its DC is "
                    f"{'computed by the rules' if order.action_type in INFLUENCE_ACTIONS else 'not used'})."
                )
            with db_refusals():
                return await uow.orders.set_gm_fields(order.id, dc=dc)

    async def set_manual_modifier(
        self, actor: Actor, piece_type: str, piece_id: str, modifier: int
    ) -> dbr.Order:
        _check_int("The manual modifier", modifier, MANUAL_MIN, MANUAL_MAX)
        async with self.db.transaction() as uow:
            order = await _gm_order(uow, actor, piece_type, piece_id)
            with db_refusals():
                return await uow.orders.set_gm_fields(order.id, manual_modifier=modifier)

    async def set_flags(
        self, actor: Actor, piece_type: str, piece_id: str, advantage: bool, disadvantage: bool
    ) -> dbr.Order:
        """Both flags together cancel out (§3.3); they are stored as given."""
        async with self.db.transaction() as uow:
            order = await _gm_order(uow, actor, piece_type, piece_id)
            with db_refusals():
                return await uow.orders.set_gm_fields(
                    order.id, advantage=bool(advantage), disadvantage=bool(disadvantage)
                )

    async def override_stats(
        self,
        actor: Actor,
        piece_type: str,
        piece_id: str,
        *,
        attribute: str | None = None,
        skill: str | None = None,
        aptitude: str | None = None,
    ) -> dbr.Order:
        """Replace the stats the roll will use (§3.1: the GM may override any order)."""
        async with self.db.transaction() as uow:
            order = await _gm_order(uow, actor, piece_type, piece_id)
            _check_stat_kinds(order.piece_type, attribute, skill, aptitude)
            if attribute is None and skill is None and aptitude is None:
                raise InvalidRequest(
                    "Name at least one stat to use: attribute/skill for an agent, "
                    "aptitude for a squadron."
                )
            with db_refusals():
                return await uow.orders.set_gm_fields(
                    order.id, attribute_used=attribute, skill_used=skill, aptitude_used=aptitude
                )

    async def awaiting_dc(self, actor: Actor) -> list[dbr.Order]:
        """Freeform / initiate-conflict orders the GM must still give a DC (§2.3)."""
        require_gm(actor)
        async with self.db.read() as uow:
            return await uow.orders.missing_dc((await require_game(uow)).turn)

    async def status(self, actor: Actor) -> OrdersStatus:
        require_gm(actor)
        async with self.db.read() as uow:
            game = await require_game(uow)
            orders = await uow.orders.list_for_turn(game.turn)
            ordered = {(o.piece_type, o.piece_id) for o in orders}
            ordering_factions = {o.faction_id for o in orders}
            unordered: dict[str, tuple[Piece, ...]] = {}
            for faction in await uow.factions.list_all():
                missing = tuple(
                    p
                    for p in await uow.pieces.list_all(faction.id)
                    if (_ptype(p), p.id) not in ordered
                )
                if missing:
                    unordered[faction.id] = missing
            without = tuple(
                f.id for f in await uow.factions.list_all() if f.id not in ordering_factions
            )
            awaiting = tuple(await uow.orders.missing_dc(game.turn))
        return OrdersStatus(game.turn, game.phase, unordered, without, awaiting)


# -- validation helpers ------------------------------------------------------------------------


@contextlib.contextmanager
def db_refusals() -> Iterator[None]:
    """A persistence refusal that validation missed still reaches the user as a request error.

    Storage failures (disk full, read-only file, I/O) are not refusals: they go on as they
    are, so the error handler logs them with an error id and says what happened.
    """
    try:
        yield
    except (ServiceError, DatabaseError, ReadOnlyError):
        raise
    except DomainError as exc:
        raise InvalidRequest(exc.message) from exc


def _ptype(piece: Piece) -> str:
    return "agent" if isinstance(piece, dbr.Agent) else "squadron"


def _check_action(action: str) -> str:
    value = str(action)
    if value not in ACTIONS:
        raise InvalidRequest(f"Unknown action '{value}'. Choose one of: {', '.join(ACTIONS)}.")
    return value


def _check_description(action: str, description: str) -> None:
    if len(description) > MAX_DESCRIPTION:
        raise InvalidRequest(
            f"The description is {len(description)} characters long; "
            f"at most {MAX_DESCRIPTION} are allowed."
        )
    if action in GM_DC_ACTIONS and not description.strip():
        raise InvalidRequest(
            f"A {action} order needs a description (1 to {MAX_DESCRIPTION} characters) "
            "telling the GM what the piece attempts."
        )


def _check_int(label: str, value: int, lo: int, hi: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise InvalidRequest(f"{label} must be a whole number from {lo} to {hi} (got {value!r}).")


def _check_stat_kinds(
    piece_type: str, attribute: str | None, skill: str | None, aptitude: str | None
) -> None:
    if piece_type == "agent" and aptitude is not None:
        raise InvalidRequest("Agents roll an attribute plus a skill; aptitudes are for squadrons.")
    if piece_type == "squadron" and (attribute is not None or skill is not None):
        raise InvalidRequest("Squadrons roll one aptitude; attributes and skills are for agents.")
    for label, value, allowed in (
        ("attribute", attribute, rm.ATTRIBUTES),
        ("skill", skill, rm.SKILLS),
        ("aptitude", aptitude, rm.APTITUDES),
    ):
        if value is not None and value not in allowed:
            raise InvalidRequest(f"Unknown {label} '{value}'. Choose one of: {', '.join(allowed)}.")


def _resolve_stats(
    actor: Actor,
    piece: Piece,
    district: dbr.District,
    action: str,
    attribute: str | None,
    skill: str | None,
    aptitude: str | None,
) -> tuple[str | None, str | None, str | None]:
    """Chosen stats for freeform/initiate; the district's preferences otherwise (§3.1)."""
    is_agent = isinstance(piece, dbr.Agent)
    _check_stat_kinds(_ptype(piece), attribute, skill, aptitude)
    if action in GM_DC_ACTIONS:
        if is_agent and (attribute is None or skill is None):
            raise InvalidRequest(
                f"A {action} order by an agent needs both an attribute and a skill."
            )
        if not is_agent and aptitude is None:
            raise InvalidRequest(f"A {action} order by a squadron needs an aptitude.")
        return (attribute, skill, None) if is_agent else (None, None, aptitude)
    if action == "monitor":
        pref = (
            district.preferred_monitor_attribute,
            district.preferred_monitor_skill,
            district.preferred_monitor_squadron_aptitude,
        )
    else:
        pref = (
            district.preferred_gain_attribute,
            district.preferred_gain_skill,
            district.preferred_gain_squadron_aptitude,
        )
    chosen = (attribute or pref[0], skill or pref[1]) if is_agent else (aptitude or pref[2],)
    expected = pref[:2] if is_agent else pref[2:]
    if chosen != expected and not actor.is_gm:
        uses = " + ".join(expected)
        raise NotAllowed(
            f"{district.name} rolls {uses} for {action}; only the GM can change the stats "
            "of a monitor, gain or take order."
        )
    return (chosen[0], chosen[1], None) if is_agent else (None, None, chosen[0])


# -- loading helpers ---------------------------------------------------------------------------


async def _open_turn(uow: UnitOfWork) -> int:
    game = await require_game(uow)
    if game.phase != rm.Phase.ASSIGNMENT:
        raise PhaseClosed(
            f"Orders are closed: the turn is being resolved (phase {game.phase}). "
            "Wait for the next turn."
        )
    return game.turn


async def _orderable_piece(uow: UnitOfWork, actor: Actor, piece_type: str, piece_id: str) -> Piece:
    piece = await require_piece(uow, piece_type, piece_id)
    if piece.faction_id is None:
        raise InvalidRequest(f"{piece.name} belongs to no faction and cannot take orders.")
    if not actor.may_act_for(piece.faction_id):
        if actor.faction_id is None:
            require_member(actor)
        raise NotAllowed(f"{piece.name} belongs to another faction.")
    return piece


async def _check_target(
    uow: UnitOfWork, action: str, faction_id: str, target_faction_id: str | None
) -> dbr.Faction | None:
    if target_faction_id is None:
        if action in TARGET_REQUIRED:
            raise InvalidRequest(f"A {action} order needs a target faction.")
        return None
    if action in TARGET_FORBIDDEN:
        raise InvalidRequest(f"A {action} order takes no target faction.")
    target = await require_faction(uow, target_faction_id)
    if target_faction_id == faction_id:
        raise InvalidRequest("The target faction cannot be your own faction.")
    return target


async def _dc_now(
    uow: UnitOfWork,
    action: str,
    district: dbr.District,
    faction_id: str,
    target_faction_id: str | None,
) -> tuple[int | None, str, int]:
    """(DC, status, weekly part). Refuses gain/take at the faction's own 10 [D-47]."""
    if action == "monitor":
        return None, DC_NONE, 0
    if action in GM_DC_ACTIONS:
        return None, DC_AWAITING, 0
    own = await uow.districts.get_influence(district.id, faction_id)
    if own.value >= rm.MAX_INFLUENCE:
        raise InvalidRequest(
            f"Your faction already holds all {rm.MAX_INFLUENCE} influence in {district.name}: "
            "there is nothing left to gain or take there. Choose another action or district."
        )
    weekly = await uow.districts.get_weekly(district.id)
    factions = {faction_id} | ({target_faction_id} if target_faction_id else set())
    relationships = {}
    if target_faction_id:
        relationships = {
            (faction_id, target_faction_id): await uow.factions.get_relationship(
                faction_id, target_faction_id
            ),
            (target_faction_id, faction_id): await uow.factions.get_relationship(
                target_faction_id, faction_id
            ),
        }
    board = rm.Board(
        factions={f: rm.Faction(f) for f in factions},
        districts={district.id: rm.District(district.id, weekly_modifier=weekly)},
        influence={(district.id, faction_id): own.value},
        strongholds=frozenset({(district.id, faction_id)} if own.has_stronghold else ()),
        likeability={
            (district.id, faction_id): await uow.districts.get_likeability(district.id, faction_id)
        },
        relationships=relationships,
    )
    if action == "gain_influence":
        return gain_dc(board, district.id, faction_id), DC_ESTIMATED, weekly
    assert target_faction_id is not None
    return take_dc(board, district.id, faction_id, target_faction_id), DC_ESTIMATED, weekly


async def _existing_order(uow: UnitOfWork, turn: int, piece: Piece) -> dbr.Order:
    order = await uow.orders.find_for_piece(turn, _ptype(piece), piece.id)
    if order is None:
        raise InvalidRequest(f"{piece.name} has no order this turn.")
    return order


async def _gm_order(uow: UnitOfWork, actor: Actor, piece_type: str, piece_id: str) -> dbr.Order:
    require_gm(actor)
    turn = await _open_turn(uow)
    piece = await require_piece(uow, piece_type, piece_id)
    return await _existing_order(uow, turn, piece)


async def _faction_orders(uow: UnitOfWork, turn: int, faction_id: str) -> FactionOrders:
    orders = {
        (o.piece_type, o.piece_id): o for o in await uow.orders.list_for_faction(turn, faction_id)
    }
    entries = tuple(
        OrderEntry(p, orders.get((_ptype(p), p.id))) for p in await uow.pieces.list_all(faction_id)
    )
    return FactionOrders(faction_id, turn, entries)


def _submit_notes(
    piece: Piece, district: dbr.District, order: dbr.Order, previous: dbr.Order | None
) -> tuple[str, ...]:
    notes = []
    if previous is not None:
        notes.append(
            f"This replaces {piece.name}'s previous order ({previous.action_type} in "
            f"{previous.district_id}); a replaced order is a new order."
        )
        gm_fields = _gm_fields(previous)
        if gm_fields:
            notes.append(
                f"The GM's settings on the old order ({', '.join(gm_fields)}) were reset; "
                "the GM has to set them again."
            )
    if piece.district_id != district.id:
        notes.append(f"{piece.name} moves to {district.name}.")
    if order.action_type in GM_DC_ACTIONS:
        notes.append("The GM still has to set this order's DC before orders close.")
    return tuple(notes)


def _gm_fields(order: dbr.Order) -> list[str]:
    fields = []
    if order.action_type in GM_DC_ACTIONS and order.dc is not None:
        fields.append(f"DC {order.dc}")
    if order.manual_modifier:
        fields.append(f"manual modifier {order.manual_modifier:+d}")
    if order.advantage:
        fields.append("advantage")
    if order.disadvantage:
        fields.append("disadvantage")
    if order.gm_notes:
        fields.append("notes")
    return fields
