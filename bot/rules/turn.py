"""Phases 4–8 chained on pure data (the benchmark and end-to-end rule tests use this).

The turn pipeline calls the ``phase_*`` steps one by one, each inside its own DB
transaction; ``resolve_phases_4_to_8`` runs them back to back with rulings
supplied by the caller in place of the phase-6 wait.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass

from bot.rules.board_index import index_orders, index_pieces
from bot.rules.conflicts import Conflict, ConflictDetection, detect_conflicts
from bot.rules.influence import InfluenceAction, InfluenceResolution, resolve_influence_actions
from bot.rules.model import (
    INFLUENCE_ACTIONS,
    ActionType,
    Board,
    MonitoringTier,
    Order,
    Piece,
    PieceRef,
    PieceType,
    Squadron,
    Tier,
)
from bot.rules.penalties import PenaltyAssignment, assign_penalties, penalty_totals
from bot.rules.rolls import (
    ActionRoll,
    SecondaryRoll,
    apply_conflict_penalty,
    roll_action,
    roll_secondary_monitoring,
)
from bot.rules.rulings import (
    EffectKind,
    PieceEffect,
    Ruling,
    SecondaryEffect,
    piece_effects,
    validate_ruling,
)
from bot.rules.walk import WalkStep, random_walk

NO_EFFECT = PieceEffect(EffectKind.PROCEED, 0, SecondaryEffect.NORMAL)


@dataclass(frozen=True)
class ConflictPhase:
    """Phase 4: penalties (fixed for the turn [D-14]) and the detected conflicts."""

    penalties: tuple[PenaltyAssignment, ...]
    penalty_totals: Mapping[PieceRef, int]
    detection: ConflictDetection


@dataclass(frozen=True)
class RollPhase:
    """Phase 5: every action roll (initiate rolls included) and every secondary roll."""

    action_rolls: Mapping[PieceRef, ActionRoll]
    secondary_rolls: Mapping[PieceRef, SecondaryRoll]


@dataclass(frozen=True)
class FinalAction:
    """An order's fate in phase 7; ``status`` is applied | failed | forfeited."""

    ref: PieceRef
    action: ActionType
    status: str
    total: int
    conflict_penalty: int
    tier: Tier | None
    monitoring_tier: MonitoringTier | None


@dataclass(frozen=True)
class FinalSecondary:
    """A squadron's secondary monitoring after its conflict outcome (None: no report)."""

    ref: PieceRef
    total: int
    conflict_penalty: int
    monitoring_tier: MonitoringTier


@dataclass(frozen=True)
class ResolutionPhase:
    actions: Mapping[PieceRef, FinalAction]
    secondary: Mapping[PieceRef, FinalSecondary]
    influence: InfluenceResolution


@dataclass(frozen=True)
class TurnResolution:
    conflict_phase: ConflictPhase
    roll_phase: RollPhase
    rulings: Mapping[str, Ruling]
    resolution_phase: ResolutionPhase
    walk: tuple[WalkStep, ...]


def phase_conflict_detection(
    seed: int,
    turn: int,
    board: Board,
    pieces: Iterable[Piece],
    orders: Iterable[Order],
    support: Collection[tuple[str, str]],
) -> ConflictPhase:
    pieces, orders = list(pieces), list(orders)
    penalties = assign_penalties(seed, turn, board, pieces, orders)
    totals = penalty_totals(penalties)
    detection = detect_conflicts(seed, turn, board, pieces, orders, totals, support)
    return ConflictPhase(tuple(penalties), totals, detection)


def phase_action_roll(
    seed: int,
    turn: int,
    board: Board,
    pieces: Iterable[Piece],
    orders: Iterable[Order],
    conflict_phase: ConflictPhase,
) -> RollPhase:
    """Every remaining roll; initiate orders keep their phase-4 roll."""
    index = index_orders(orders)
    by_ref = index_pieces(pieces)
    totals = conflict_phase.penalty_totals
    initiates = conflict_phase.detection.initiate_rolls
    rolls: dict[PieceRef, ActionRoll] = {}
    secondary: dict[PieceRef, SecondaryRoll] = {}
    for ref, order in index.orders.items():
        district = board.districts[order.district_id]
        penalty = totals.get(ref, 0)
        if ref in initiates:
            rolls[ref] = initiates[ref].roll
        else:
            rolls[ref] = roll_action(seed, turn, order, by_ref[ref], district, board, penalty)
        if ref.type is PieceType.SQUADRON and order.action is not ActionType.MONITOR:
            squadron = by_ref[ref]
            assert isinstance(squadron, Squadron)
            secondary[ref] = roll_secondary_monitoring(seed, turn, squadron, district, penalty)
    return RollPhase(rolls, secondary)


def phase_action_resolution(
    seed: int,
    turn: int,
    board: Board,
    orders: Iterable[Order],
    conflict_phase: ConflictPhase,
    roll_phase: RollPhase,
    rulings: Mapping[str, Ruling],
) -> ResolutionPhase:
    """Apply rulings (§6.7), then influence actions (§4.6); everything else is reported."""
    effects: dict[PieceRef, PieceEffect] = {}
    for conflict in conflict_phase.detection.conflicts:
        if conflict.id not in rulings:
            raise ValueError(f"conflict {conflict.id} has no ruling yet")
        validate_ruling(conflict, rulings[conflict.id])
        effects.update(piece_effects(conflict, rulings[conflict.id]))
    index = index_orders(orders)
    finals: dict[PieceRef, FinalAction] = {}
    influence_actions: list[InfluenceAction] = []
    for ref, order in index.orders.items():
        roll = roll_phase.action_rolls[ref]
        effect = effects.get(ref, NO_EFFECT)
        final = _final_action(roll, effect)
        finals[ref] = final
        if final.status == "applied" and order.action in INFLUENCE_ACTIONS:
            assert final.tier is not None
            influence_actions.append(
                InfluenceAction(
                    ref=ref,
                    faction_id=order.faction_id,
                    district_id=order.district_id,
                    action=order.action,
                    tier=final.tier,
                    total=final.total,
                    target_faction_id=order.target_faction_id,
                )
            )
    secondary: dict[PieceRef, FinalSecondary] = {}
    for ref, roll in roll_phase.secondary_rolls.items():
        effect = effects.get(ref, NO_EFFECT)
        if effect.monitoring is SecondaryEffect.NONE:
            continue
        penalized = apply_conflict_penalty(roll, effect.penalty)
        assert penalized.monitoring_tier is not None
        secondary[ref] = FinalSecondary(
            ref, penalized.total, effect.penalty, penalized.monitoring_tier
        )
    resolution = resolve_influence_actions(seed, turn, board, influence_actions)
    return ResolutionPhase(finals, secondary, resolution)


def _final_action(roll: ActionRoll, effect: PieceEffect) -> FinalAction:
    if effect.kind is EffectKind.FAIL:
        # A loss is a plain failure with no effect and no monitoring report [D-37].
        tier = Tier.FAILURE if roll.dc is not None else None
        return FinalAction(roll.piece, roll.action, "failed", roll.total, 0, tier, None)
    penalized = apply_conflict_penalty(roll, effect.penalty)
    status = "forfeited" if effect.kind is EffectKind.FORFEIT else "applied"
    return FinalAction(
        roll.piece,
        roll.action,
        status,
        penalized.total,
        effect.penalty,
        penalized.tier,
        penalized.monitoring_tier,
    )


def phase_random_walk(seed: int, turn: int, board: Board) -> tuple[WalkStep, ...]:
    modifiers = {d: district.weekly_modifier for d, district in board.districts.items()}
    return tuple(random_walk(seed, turn, modifiers))


def resolve_phases_4_to_8(
    seed: int,
    turn: int,
    board: Board,
    pieces: Iterable[Piece],
    orders: Iterable[Order],
    support: Collection[tuple[str, str]],
    rule: Callable[[Conflict], Ruling],
) -> TurnResolution:
    pieces, orders = list(pieces), list(orders)
    conflict_phase = phase_conflict_detection(seed, turn, board, pieces, orders, support)
    roll_phase = phase_action_roll(seed, turn, board, pieces, orders, conflict_phase)
    rulings = {c.id: rule(c) for c in conflict_phase.detection.conflicts}
    resolution = phase_action_resolution(
        seed, turn, board, orders, conflict_phase, roll_phase, rulings
    )
    walk = phase_random_walk(seed, turn, board)
    return TurnResolution(conflict_phase, roll_phase, rulings, resolution, walk)
