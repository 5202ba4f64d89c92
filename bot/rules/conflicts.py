"""Conflict detection, phase 4 (RULES.md §6.1–§6.5), in the exact order of §6.2.

(1) penalties are computed by the caller and passed in; (2) initiate rolls and
manual conflicts; (3) relationship rolls; (4) target-based conflicts; (5) merging
per district; (6) adjacent joins; (7) ally support. Every step walks districts,
factions and pieces in canonical order, so input order never matters.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace

from bot.rules import rng
from bot.rules.board_index import OrderIndex, index_orders, index_pieces
from bot.rules.model import (
    ActionType,
    Board,
    ConflictRole,
    ConflictType,
    Order,
    Participation,
    Piece,
    PieceRef,
    PieceType,
    Squadron,
)
from bot.rules.rolls import InitiateRoll, InvalidOrder, roll_initiate

# §6.2: the merged conflict keeps the highest-priority type.
TYPE_PRIORITY: dict[ConflictType, int] = {
    ConflictType.MANUAL_INITIATE: 0,
    ConflictType.RELATIONSHIP: 1,
    ConflictType.TARGET: 2,
}
# §6.1: spontaneous conflict chance by effective relationship.
RELATIONSHIP_CHANCE: dict[int, int] = {-2: 40, -1: 10}
ADJACENT_CHANCE_PER_MOBILITY = 10


@dataclass(frozen=True)
class Trigger:
    """One detection that fed a conflict (``conflicts.detection_source`` lists them all)."""

    type: ConflictType
    factions: tuple[str, str]
    piece: PieceRef | None = None  # the initiating piece of a manual conflict
    target_of_takes: str | None = None  # the faction both takers target

    def describe(self) -> str:
        a, b = self.factions
        if self.type is ConflictType.MANUAL_INITIATE:
            return f"manual_initiate:{self.piece}:{a}->{b}"
        if self.type is ConflictType.RELATIONSHIP:
            return f"relationship:{a}/{b}"
        return f"target:{a}/{b}->{self.target_of_takes}"


@dataclass(frozen=True)
class ConflictPiece:
    ref: PieceRef
    faction_id: str
    participation: Participation
    backs_faction: str | None = None  # the principal an ally_support piece fights for


@dataclass(frozen=True)
class Conflict:
    id: str
    district_id: str
    type: ConflictType
    detection_sources: tuple[Trigger, ...]
    factions: Mapping[str, ConflictRole]
    pieces: tuple[ConflictPiece, ...]
    allies: Mapping[str, str] = field(default_factory=dict)  # supporter -> backed principal

    @property
    def detection_source_text(self) -> str:
        return "; ".join(t.describe() for t in self.detection_sources)

    @property
    def principals(self) -> list[str]:
        return sorted(f for f, role in self.factions.items() if role is not ConflictRole.ALLY)

    @property
    def initiator(self) -> str:
        return next(f for f, role in self.factions.items() if role is ConflictRole.INITIATOR)

    def side_of(self, faction_id: str) -> str:
        """The principal whose outcome this faction shares (itself for principals)."""
        return self.allies.get(faction_id, faction_id)

    def piece(self, ref: PieceRef) -> ConflictPiece:
        return next(p for p in self.pieces if p.ref == ref)


@dataclass(frozen=True)
class ConflictDetection:
    initiate_rolls: Mapping[PieceRef, InitiateRoll]
    conflicts: tuple[Conflict, ...]
    no_opposition: tuple[PieceRef, ...]

    def conflict_of(self) -> dict[PieceRef, str]:
        """Every piece in a conflict -> its conflict id (``actions.conflict_id``)."""
        return {p.ref: c.id for c in self.conflicts for p in c.pieces}


@dataclass
class _Draft:
    """A conflict under construction (before ids exist only for ordering)."""

    district_id: str
    first_trigger: int
    triggers: list[tuple[int, Trigger]]  # (creation position, trigger)
    factions: set[str]


def detect_conflicts(
    seed: int,
    turn: int,
    board: Board,
    pieces: Iterable[Piece],
    orders: Iterable[Order],
    penalty_totals: Mapping[PieceRef, int],
    support: Collection[tuple[str, str]],
) -> ConflictDetection:
    """Phase 4 after penalty assignment. ``support`` holds (supporter, supported) pairs."""
    index = index_orders(orders)
    by_ref = index_pieces(pieces)
    present: dict[str, set[str]] = {
        d: {index.faction_of(r) for r in refs} for d, refs in index.by_district.items()
    }
    triggers: list[tuple[str, Trigger]] = []

    initiate_rolls, no_opposition = _initiates(
        seed, turn, board, index, by_ref, penalty_totals, present, triggers
    )
    _relationships(seed, turn, board, present, triggers)
    _targets(board, index, triggers)
    drafts = _merge(triggers)
    conflicts = _build(turn, index, drafts)
    conflicts = _adjacent_joins(seed, turn, board, index, by_ref, conflicts)
    conflicts = _ally_support(board, index, conflicts, support)
    return ConflictDetection(
        initiate_rolls=initiate_rolls,
        conflicts=tuple(conflicts),
        no_opposition=tuple(no_opposition),
    )


def _initiates(
    seed: int,
    turn: int,
    board: Board,
    index: OrderIndex,
    by_ref: Mapping[PieceRef, Piece],
    penalty_totals: Mapping[PieceRef, int],
    present: Mapping[str, set[str]],
    triggers: list[tuple[str, Trigger]],
) -> tuple[dict[PieceRef, InitiateRoll], list[PieceRef]]:
    rolls: dict[PieceRef, InitiateRoll] = {}
    no_opposition: list[PieceRef] = []
    for ref, order in index.orders.items():
        if order.action is not ActionType.INITIATE_CONFLICT:
            continue
        target = order.target_faction_id
        if target is None or target == order.faction_id:
            raise InvalidOrder(f"initiate_conflict by {ref} needs a target faction not its own")
        district = board.districts[order.district_id]
        roll = roll_initiate(
            seed, turn, order, by_ref[ref], district, board, penalty_totals.get(ref, 0)
        )
        rolls[ref] = roll
        if not roll.triggered:
            continue
        if target in present[order.district_id]:
            trigger = Trigger(ConflictType.MANUAL_INITIATE, (order.faction_id, target), piece=ref)
            triggers.append((order.district_id, trigger))
        else:
            no_opposition.append(ref)  # [D-12]
    return rolls, no_opposition


def _relationships(
    seed: int,
    turn: int,
    board: Board,
    present: Mapping[str, set[str]],
    triggers: list[tuple[str, Trigger]],
) -> None:
    already = {(d, frozenset(t.factions)) for d, t in triggers}
    for district_id in sorted(present):
        factions = sorted(present[district_id])
        for i, low in enumerate(factions):
            for high in factions[i + 1 :]:
                percent = RELATIONSHIP_CHANCE.get(board.rel(low, high), 0)
                if percent == 0 or (district_id, frozenset((low, high))) in already:
                    continue
                stream = rng.stream(seed, turn, "relationship", district_id, low, high)
                if rng.chance(stream, percent):
                    triggers.append((district_id, Trigger(ConflictType.RELATIONSHIP, (low, high))))


def _targets(board: Board, index: OrderIndex, triggers: list[tuple[str, Trigger]]) -> None:
    """[D-15]: two takers against one faction in one district, rel between them ≤ 0."""
    takers: dict[tuple[str, str], set[str]] = defaultdict(set)
    for order in index.orders.values():
        victim = order.target_faction_id
        if order.action is ActionType.TAKE_INFLUENCE and victim not in (None, order.faction_id):
            takers[(order.district_id, victim)].add(order.faction_id)
    for (district_id, victim), factions in sorted(takers.items()):
        ordered = sorted(factions)
        for i, low in enumerate(ordered):
            for high in ordered[i + 1 :]:
                if board.rel(low, high) <= 0:
                    trigger = Trigger(ConflictType.TARGET, (low, high), target_of_takes=victim)
                    triggers.append((district_id, trigger))


def _merge(triggers: list[tuple[str, Trigger]]) -> list[_Draft]:
    """§6.2 step 5: connected components of 'in conflict with', per district [D-16]."""
    drafts: list[_Draft] = []
    for position, (district_id, trigger) in enumerate(triggers):
        touching = [
            d for d in drafts if d.district_id == district_id and d.factions & set(trigger.factions)
        ]
        if not touching:
            drafts.append(
                _Draft(district_id, position, [(position, trigger)], set(trigger.factions))
            )
            continue
        keeper = touching[0]
        keeper.triggers.append((position, trigger))
        keeper.factions |= set(trigger.factions)
        for other in touching[1:]:
            keeper.triggers.extend(other.triggers)
            keeper.factions |= other.factions
            keeper.first_trigger = min(keeper.first_trigger, other.first_trigger)
            drafts.remove(other)
    for draft in drafts:
        draft.triggers.sort(key=lambda item: item[0])
    return sorted(drafts, key=lambda d: (d.district_id, d.first_trigger))


def _build(turn: int, index: OrderIndex, drafts: list[_Draft]) -> list[Conflict]:
    conflicts: list[Conflict] = []
    counter: dict[str, int] = defaultdict(int)
    for draft in drafts:
        counter[draft.district_id] += 1
        ordered = [t for _, t in draft.triggers]
        kind = min((t.type for t in ordered), key=TYPE_PRIORITY.__getitem__)
        manual = [t for t in ordered if t.type is ConflictType.MANUAL_INITIATE]
        initiator = manual[0].factions[0] if manual else min(draft.factions)
        roles = {
            f: ConflictRole.INITIATOR if f == initiator else ConflictRole.TARGET
            for f in sorted(draft.factions)
        }
        members = tuple(
            ConflictPiece(ref, index.faction_of(ref), Participation.DIRECT)
            for ref in index.by_district.get(draft.district_id, ())
            if index.faction_of(ref) in draft.factions
        )
        conflicts.append(
            Conflict(
                id=f"T{turn}-{draft.district_id}-{counter[draft.district_id]}",
                district_id=draft.district_id,
                type=kind,
                detection_sources=tuple(ordered),
                factions=roles,
                pieces=members,
            )
        )
    return conflicts


def _adjacent_joins(
    seed: int,
    turn: int,
    board: Board,
    index: OrderIndex,
    by_ref: Mapping[PieceRef, Piece],
    conflicts: list[Conflict],
) -> list[Conflict]:
    """§6.5: conflicts in conflict-id order, the first successful roll wins."""
    taken = {p.ref for c in conflicts for p in c.pieces}
    by_district: dict[str, list[int]] = defaultdict(list)
    for position, conflict in enumerate(conflicts):
        by_district[conflict.district_id].append(position)
    joined: dict[int, list[ConflictPiece]] = defaultdict(list)
    for ref, order in index.orders.items():
        if ref.type is not PieceType.SQUADRON or ref in taken:
            continue
        squadron = by_ref[ref]
        assert isinstance(squadron, Squadron)
        percent = max(0, min(5, squadron.mobility)) * ADJACENT_CHANCE_PER_MOBILITY
        if percent == 0:
            continue
        eligible = sorted(
            position
            for neighbour in board.adjacent(order.district_id)
            for position in by_district.get(neighbour, ())
            if order.faction_id in conflicts[position].principals
        )
        for position in eligible:
            stream = rng.stream(seed, turn, "adjacent", conflicts[position].id, ref.key)
            if rng.chance(stream, percent):
                joined[position].append(
                    ConflictPiece(ref, order.faction_id, Participation.ADJACENT)
                )
                break
    return [
        _with_pieces(conflict, joined.get(position, []))
        for position, conflict in enumerate(conflicts)
    ]


def _ally_support(
    board: Board,
    index: OrderIndex,
    conflicts: list[Conflict],
    support: Collection[tuple[str, str]],
) -> list[Conflict]:
    """§6.4: a supporter of exactly one principal sends its free pieces in that district."""
    valid = {(x, y) for x, y in support if board.rel(x, y) == 2}
    taken = {p.ref for c in conflicts for p in c.pieces}
    result: list[Conflict] = []
    for conflict in conflicts:
        principals = conflict.principals
        added: list[ConflictPiece] = []
        allies: dict[str, str] = {}
        candidates = sorted({index.faction_of(r) for r in index.by_district[conflict.district_id]})
        for supporter in candidates:
            if supporter in principals:
                continue
            backed = [y for y in principals if (supporter, y) in valid]
            if len(backed) != 1:
                continue
            free = [
                ref
                for ref in index.by_district[conflict.district_id]
                if index.faction_of(ref) == supporter and ref not in taken
            ]
            for ref in free:
                added.append(ConflictPiece(ref, supporter, Participation.ALLY_SUPPORT, backed[0]))
                taken.add(ref)
            if free:
                allies[supporter] = backed[0]
        if not added:
            result.append(conflict)
            continue
        roles = dict(conflict.factions)
        roles.update({ally: ConflictRole.ALLY for ally in allies})
        pieces = tuple(sorted((*conflict.pieces, *added), key=lambda p: p.ref))
        result.append(replace(conflict, factions=roles, pieces=pieces, allies=allies))
    return result


def _with_pieces(conflict: Conflict, extra: list[ConflictPiece]) -> Conflict:
    if not extra:
        return conflict
    return replace(conflict, pieces=tuple(sorted((*conflict.pieces, *extra), key=lambda p: p.ref)))
