"""One function per automatic phase of RULES.md §2.2.

Each runs inside the transaction the turn service opened for it, reads what it
needs, calls the pure rules and writes its results; it returns the phase that
comes next, which the service records in the same transaction. Random draws
come only from the campaign seed's streams, so re-running a phase after a crash
gives the same result.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.rules import model as rm
from bot.rules.conflicts import Conflict
from bot.rules.decay import preparation, resolve_decay
from bot.rules.influence import ActionEffect
from bot.rules.model import Phase
from bot.rules.monitoring import (
    MonitoringSource,
    Rumor,
    SourceKind,
    build_reports,
    passive_sources,
    pick_legendary_intel,
)
from bot.rules.rolls import roll_initiate
from bot.rules.rulings import Ruling, SpecialChoice
from bot.rules.turn import (
    ConflictPhase,
    FinalAction,
    ResolutionPhase,
    RollPhase,
    phase_action_resolution,
    phase_action_roll,
    phase_conflict_detection,
    phase_random_walk,
)
from bot.services import loader, payloads, snapshot
from bot.services.frozen import FROZEN
from db import records as dbr
from db.errors import NotFound
from db.repositories.turns import SourceRow
from db.uow import UnitOfWork


@dataclass(frozen=True)
class PhaseContext:
    seed: int
    turn: int


PhaseFn = Callable[[UnitOfWork, PhaseContext], Awaitable[Phase]]


async def _log(uow: UnitOfWork, turn: int, phase: Phase, lines: list[tuple[str, str]]) -> None:
    if lines:
        await uow.history.log_many(
            [dbr.HistoryEntry(turn, phase.value, action, result) for action, result in lines]
        )


# -- 1. preparation ------------------------------------------------------------------------


async def run_preparation(uow: UnitOfWork, ctx: PhaseContext) -> Phase:
    if ctx.turn == 1 and not await uow.history.snapshots(turn=0):
        # The starting state is "turn 0" for recent changes (§8.11).
        await uow.history.snapshot_influence(0)
    expired = await uow.districts.delete_expired_modifiers(ctx.turn)
    await uow.pieces.clear_assignments()
    board = await loader.load_board(uow)
    thresholds = preparation(board)
    raised = sum(1 for value in thresholds.values() if value > 2)
    await _log(
        uow,
        ctx.turn,
        Phase.PREPARATION,
        [
            (
                f"Turn {ctx.turn} begins",
                f"{expired} expired modifier(s) removed; decay thresholds set "
                f"({raised} stronghold threshold(s) of 5)",
            )
        ],
    )
    return Phase.INFLUENCE_DECAY


# -- 2. influence decay --------------------------------------------------------------------


async def run_influence_decay(uow: UnitOfWork, ctx: PhaseContext) -> Phase:
    board = await loader.load_board(uow)
    decay = resolve_decay(ctx.seed, ctx.turn, board)
    changes = sorted(decay.changes.items())
    if changes:
        await uow.districts.set_influence_many(
            [
                dbr.InfluenceChange(d, f, board.influence_of(d, f) + delta)
                for (d, f), delta in changes
            ]
        )
        await uow.history.insert_decay_many(
            [dbr.DecayResult(ctx.turn, d, f, delta) for (d, f), delta in changes]
        )
    names = board_names(board)
    await _log(
        uow,
        ctx.turn,
        Phase.INFLUENCE_DECAY,
        [
            (
                f"Decay: {names.faction(f)} in {names.district(d)}",
                f"{board.influence_of(d, f)} -> {board.influence_of(d, f) + delta}",
            )
            for (d, f), delta in changes
        ]
        or [("Decay", "no influence decayed")],
    )
    await uow.outbox.enqueue_many(await payloads.orders_open_notice(uow, ctx.turn))
    return Phase.ASSIGNMENT


# -- 4. conflict detection -----------------------------------------------------------------


async def freeze_inputs(uow: UnitOfWork, turn: int) -> snapshot.TurnInputs:
    board = await loader.load_board(uow)
    pieces = await loader.load_pieces(uow)
    orders = await loader.load_orders(uow, turn)
    support = await loader.load_support(uow, turn)
    inputs = snapshot.freeze(board, loader.pieces_on_board(pieces, orders), orders, support)
    await uow.turns.save_inputs(turn, snapshot.encode(inputs))
    return inputs


async def load_inputs(uow: UnitOfWork, turn: int) -> snapshot.TurnInputs:
    digest = await uow.turns.inputs_digest(turn)
    cached = FROZEN.cached(turn, digest)
    if cached is not None:
        return cached
    return FROZEN.store(turn, digest, await uow.turns.load_inputs_text(turn))


def detect(ctx: PhaseContext, inputs: snapshot.TurnInputs) -> ConflictPhase:
    return FROZEN.detection(
        ctx.seed,
        inputs,
        lambda: phase_conflict_detection(
            ctx.seed, ctx.turn, inputs.board, inputs.pieces, inputs.orders, inputs.support
        ),
    )


def roll(ctx: PhaseContext, inputs: snapshot.TurnInputs, cp: ConflictPhase) -> RollPhase:
    """``cp`` must be ``detect(ctx, inputs)``: the rolls are memoised with the inputs."""
    return FROZEN.rolls(
        ctx.seed,
        inputs,
        lambda: phase_action_roll(
            ctx.seed, ctx.turn, inputs.board, inputs.pieces, inputs.orders, cp
        ),
    )


async def run_conflict_detection(uow: UnitOfWork, ctx: PhaseContext) -> Phase:
    await uow.conflicts.delete_for_turn(ctx.turn)
    await uow.orders.delete_penalties(ctx.turn)
    inputs = await freeze_inputs(uow, ctx.turn)
    cp = detect(ctx, inputs)
    await uow.orders.insert_penalties_many(
        [
            dbr.PenaltyAssignment(
                ctx.turn,
                p.source.type.value,
                p.source.id,
                p.target.type.value,
                p.target.id,
                p.value,
            )
            for p in cp.penalties
        ]
    )
    conflict_of = cp.detection.conflict_of()
    orders_by_ref = {o.piece: o for o in inputs.orders}
    await uow.conflicts.create_many(
        [_conflict_record(ctx.turn, c, orders_by_ref) for c in cp.detection.conflicts]
    )
    results = []
    for order in inputs.orders:
        ref = order.piece
        fields: dict[str, object] = {
            "enemy_penalty": cp.penalty_totals.get(ref, 0),
            "in_conflict": ref in conflict_of,
            "conflict_id": conflict_of.get(ref),
        }
        initiate = cp.detection.initiate_rolls.get(ref)
        if initiate is not None:
            fields.update(_roll_fields(initiate.roll))
        results.append(dbr.OrderResult(order_id=_order_id(ctx.turn, ref), **fields))
    await uow.orders.update_results_many(results)
    await _deliver_legendary_intel(uow, ctx, inputs)
    names = board_names(inputs.board)
    lines = [
        (
            f"Conflict {c.id} in {names.district(c.district_id)}",
            f"{c.type.value}: " + ", ".join(names.faction(f) for f in sorted(c.factions)),
        )
        for c in cp.detection.conflicts
    ]
    lines += [
        (f"Initiate conflict by {ref.key}", "no opposition found")
        for ref in cp.detection.no_opposition
    ]
    lines.append(
        (
            "Orders closed",
            f"{len(inputs.orders)} order(s), {len(cp.penalties)} enemy penalty assignment(s), "
            f"{len(cp.detection.conflicts)} conflict(s)",
        )
    )
    await _log(uow, ctx.turn, Phase.CONFLICT_DETECTION, lines)
    return Phase.ACTION_ROLL


def _order_id(turn: int, ref: rm.PieceRef) -> str:
    return f"T{turn}-{ref.type.value}-{ref.id}"


def _roll_fields(r) -> dict[str, object]:  # r: ActionRoll
    tier = r.tier.value if r.tier is not None else r.monitoring_tier.value
    return {
        "roll_result": r.total,
        "final_total": r.total,
        "outcome_tier": tier,
        "dc": r.dc,
        "attribute_used": r.used.attribute,
        "skill_used": r.used.skill,
        "aptitude_used": r.used.aptitude,
    }


def _conflict_record(turn: int, c: Conflict, orders: dict[rm.PieceRef, rm.Order]) -> dbr.Conflict:
    return dbr.Conflict(
        id=c.id,
        turn_number=turn,
        district_id=c.district_id,
        conflict_type=c.type.value,
        detection_source=c.detection_source_text,
        factions=tuple(
            dbr.ConflictFaction(faction_id=f, role=role.value)
            for f, role in sorted(c.factions.items())
        ),
        pieces=tuple(
            dbr.ConflictPiece(
                piece_type=p.ref.type.value,
                piece_id=p.ref.id,
                faction_id=p.faction_id,
                participation_type=p.participation.value,
                original_action_type=orders[p.ref].action.value,
                original_action_id=_order_id(turn, p.ref),
            )
            for p in c.pieces
        ),
    )


async def _deliver_legendary_intel(
    uow: UnitOfWork, ctx: PhaseContext, inputs: snapshot.TurnInputs
) -> None:
    """Legendary intel earned last turn is revealed when this turn's orders close (§8.11)."""
    pending = [i for i in await uow.reports.pending_intel(ctx.turn - 1) if not i.delivered]
    if not pending:
        return
    names = board_names(inputs.board)
    deliveries: list[dbr.NewDelivery] = []
    lines: list[tuple[str, str]] = []
    for intel in sorted(pending, key=lambda i: (i.faction_id, i.district_id)):
        found = pick_legendary_intel(
            ctx.seed, intel.earned_turn, intel.faction_id, intel.district_id, inputs.orders
        )
        payload = payloads.legendary_intel(
            ctx.turn, intel, found.to_json() if found else None, names
        )
        await uow.reports.mark_intel_delivered(intel.id, payload)
        deliveries += await payloads.fan_out(
            uow, ctx.turn, "legendary_intel", intel.faction_id, payload, f"{intel.district_id}"
        )
        lines.append(
            (
                f"Legendary intel for {names.faction(intel.faction_id)} in "
                f"{names.district(intel.district_id)}",
                "an order revealed" if found else "no order of another faction to reveal",
            )
        )
    await uow.outbox.enqueue_many(deliveries)
    await _log(uow, ctx.turn, Phase.CONFLICT_DETECTION, lines)


# -- 5. action roll ------------------------------------------------------------------------


async def run_action_roll(uow: UnitOfWork, ctx: PhaseContext) -> Phase:
    inputs = await load_inputs(uow, ctx.turn)
    cp = detect(ctx, inputs)
    rp = roll(ctx, inputs, cp)
    await uow.orders.update_results_many(
        [
            dbr.OrderResult(order_id=_order_id(ctx.turn, ref), **_roll_fields(r))
            for ref, r in sorted(rp.action_rolls.items())
        ]
    )
    await uow.turns.set_secondary_totals(
        ctx.turn, [(ref.id, r.total) for ref, r in sorted(rp.secondary_rolls.items())]
    )
    updates = []
    for c in cp.detection.conflicts:
        for p in c.pieces:
            r = rp.action_rolls[p.ref]
            tier = r.tier or r.monitoring_tier
            updates.append(
                dbr.ConflictRollUpdate(c.id, p.ref.type.value, p.ref.id, r.total, tier.value)
            )
    await uow.conflicts.update_rolls_many(updates)
    if cp.detection.conflicts:
        payload = await payloads.conflict_report(uow, ctx.turn, inputs.board)
        await uow.outbox.enqueue_many(
            await payloads.to_gm(uow, ctx.turn, "conflict_report", payload)
        )
    await _log(
        uow,
        ctx.turn,
        Phase.ACTION_ROLL,
        [
            (
                "Rolls",
                f"{len(rp.action_rolls)} action roll(s), {len(rp.secondary_rolls)} secondary "
                f"monitoring roll(s)",
            )
        ],
    )
    return Phase.CONFLICT_RESOLUTION if cp.detection.conflicts else Phase.ACTION_RESOLUTION


# -- 7. action resolution ------------------------------------------------------------------


def ruling_from_record(record: dbr.Conflict, conflict: Conflict) -> Ruling:
    """The rules' view of the GM ruling stored on a conflict."""
    notes = (record.resolution.resolution_notes or "") if record.resolution else ""
    if record.resolution and record.resolution.resolution_type == "special":
        return Ruling(
            special={
                rm.PieceRef(p.piece_type, p.piece_id): SpecialChoice(
                    proceed=p.ruling != "fail", penalty=p.conflict_penalty
                )
                for p in record.pieces
            },
            notes=notes,
        )
    outcomes = {
        f.faction_id: rm.Outcome(f.outcome)
        for f in record.factions
        if f.faction_id in conflict.principals and f.outcome is not None
    }
    return Ruling(outcomes=outcomes, notes=notes)


async def load_rulings(uow: UnitOfWork, turn: int, cp: ConflictPhase) -> dict[str, Ruling]:
    records = {c.id: c for c in await uow.conflicts.list_for_turn(turn)}
    return {c.id: ruling_from_record(records[c.id], c) for c in cp.detection.conflicts}


async def resolve(
    uow: UnitOfWork, ctx: PhaseContext, inputs: snapshot.TurnInputs, board: rm.Board
) -> tuple[ConflictPhase, RollPhase, ResolutionPhase]:
    cp = detect(ctx, inputs)
    rp = roll(ctx, inputs, cp)
    rulings = await load_rulings(uow, ctx.turn, cp)
    return (
        cp,
        rp,
        phase_action_resolution(ctx.seed, ctx.turn, board, inputs.orders, cp, rp, rulings),
    )


async def run_action_resolution(uow: UnitOfWork, ctx: PhaseContext) -> Phase:
    inputs = await load_inputs(uow, ctx.turn)
    # Influence is applied to the board as it is now ("read at the moment the action is
    # applied", §4.5); rolls and DCs stay those of the frozen inputs [D-10].
    board = await loader.load_board(uow)
    cp, rp, res = await resolve(uow, ctx, inputs, board)
    new = res.influence.influence
    changed = sorted(
        key
        for key in set(new) | set(board.influence)
        if new.get(key, 0) != board.influence.get(key, 0)
    )
    if changed:
        await uow.districts.set_influence_many(
            [dbr.InfluenceChange(d, f, new.get((d, f), 0)) for d, f in changed]
        )
    effects = {e.ref: e for e in res.influence.effects}
    results = []
    for ref, final in sorted(res.actions.items()):
        effect = effects.get(ref)
        tier = final.tier or final.monitoring_tier
        results.append(
            dbr.OrderResult(
                order_id=_order_id(ctx.turn, ref),
                final_total=final.total,
                outcome_tier=tier.value if tier else None,
                forfeited=final.status == "forfeited",
                influence_gained=effect.gained if effect else 0,
                influence_lost=effect.lost if effect else 0,
                target_gained=effect.target_gained if effect else 0,
                target_lost=effect.target_lost if effect else 0,
            )
        )
    await uow.orders.update_results_many(results)
    names = board_names(board)
    orders = {o.piece: o for o in inputs.orders}
    piece_names = {p.ref: p.name or p.id for p in inputs.pieces}
    conflict_of = cp.detection.conflict_of()
    lines = [
        _action_line(
            orders[ref],
            final,
            rp.action_rolls[ref].dc,
            effects.get(ref),
            names,
            piece_names.get(ref),
            conflict_of.get(ref),
        )
        for ref, final in sorted(res.actions.items())
    ]
    lines += [
        (
            f"Influence: {names.faction(f)} in {names.district(d)}",
            f"{board.influence.get((d, f), 0)} -> {new.get((d, f), 0)}",
        )
        for d, f in changed
    ] or [("Influence", "no influence changed hands")]
    await _log(uow, ctx.turn, Phase.ACTION_RESOLUTION, lines)
    return Phase.RANDOM_WALK


def _action_line(
    order: rm.Order,
    final: FinalAction,
    dc: int | None,
    effect: ActionEffect | None,
    names: Names,
    piece_name: str | None,
    conflict_id: str | None,
) -> tuple[str, str]:
    """'Ash (Red Company): gain influence in Docks' / 'total 17 vs DC 9: success; +1'."""
    action = order.action.value.replace("_", " ")
    if order.target_faction_id:
        action += f" against {names.faction(order.target_faction_id)}"
    head = (
        f"{piece_name or order.piece.id} ({names.faction(order.faction_id)}): {action} "
        f"in {names.district(order.district_id)}"
    )
    if final.status == "forfeited":
        return head, f"forfeited: supported an ally in conflict {conflict_id}"
    tier = final.tier or final.monitoring_tier
    against = f" vs DC {dc}" if dc is not None else ""
    text = f"total {final.total}{against}: {tier.value.replace('_', ' ') if tier else 'no result'}"
    if final.status == "failed":
        text = f"fails by the ruling on conflict {conflict_id} (total {final.total})"
    if final.conflict_penalty:
        text += f" (conflict penalty {final.conflict_penalty:+d})"
    if effect is not None:
        parts = []
        if effect.gained:
            parts.append(f"+{effect.gained}")
        if effect.lost:
            parts.append(f"-{effect.lost}")
        if effect.target_lost:
            parts.append(f"target -{effect.target_lost}")
        if effect.target_gained:
            parts.append(f"target +{effect.target_gained}")
        if effect.pool_exhausted:
            parts.append("pool exhausted")
        text += "; " + (", ".join(parts) if parts else "no change")
    return head, text


# -- 8. random walk ------------------------------------------------------------------------


async def run_random_walk(uow: UnitOfWork, ctx: PhaseContext) -> Phase:
    board = await loader.load_board(uow)
    steps = phase_random_walk(ctx.seed, ctx.turn, board)
    await uow.districts.set_weekly_many({s.district_id: s.new for s in steps})
    names = board_names(board)
    await _log(
        uow,
        ctx.turn,
        Phase.RANDOM_WALK,
        [
            (
                f"Weekly DC modifier in {names.district(s.district_id)}",
                f"{s.previous:+d} -> {s.new:+d} ({s.roll_type}, step {s.step:+d})",
            )
            for s in steps
        ],
    )
    return Phase.MONITORING


# -- 9. monitoring (piece sources) ---------------------------------------------------------


async def run_monitoring(uow: UnitOfWork, ctx: PhaseContext) -> Phase:
    inputs = await load_inputs(uow, ctx.turn)
    _cp, _rp, res = await resolve(uow, ctx, inputs, inputs.board)
    orders = {o.piece: o for o in inputs.orders}
    rows = []
    for ref, final in res.actions.items():
        order = orders[ref]
        if order.action is rm.ActionType.MONITOR and final.status == "applied":
            src = MonitoringSource.for_piece(
                ref, order.faction_id, order.district_id, final.total, secondary=False
            )
            rows.append(src)
    for ref, secondary in res.secondary.items():
        order = orders[ref]
        rows.append(
            MonitoringSource.for_piece(
                ref, order.faction_id, order.district_id, secondary.total, secondary=True
            )
        )
    await uow.turns.replace_sources(
        ctx.turn,
        [
            SourceRow(ctx.turn, s.faction_id, s.district_id, s.source_id, s.kind.value, s.total)
            for s in sorted(rows)
        ],
    )
    await _log(
        uow, ctx.turn, Phase.MONITORING, [("Monitoring", f"{len(rows)} piece source(s) rolled")]
    )
    return Phase.PASSIVE_MONITORING


# -- 10. passive monitoring and reports ----------------------------------------------------


async def history_snapshots(uow: UnitOfWork) -> dict[int, dict[tuple[str, str], int]]:
    history: dict[int, dict[tuple[str, str], int]] = defaultdict(dict)
    for s in await uow.history.snapshots():
        history[s.turn_number][(s.district_id, s.faction_id)] = s.value
    return dict(history)


async def run_passive_monitoring(uow: UnitOfWork, ctx: PhaseContext) -> Phase:
    board = await loader.load_board(uow)
    piece_sources = [
        MonitoringSource(r.source_id, r.faction_id, r.district_id, SourceKind(r.kind), r.total)
        for r in await uow.turns.sources(ctx.turn)
    ]
    passive = passive_sources(ctx.seed, ctx.turn, board)
    known: dict[str, list[str]] = defaultdict(list)
    for k in await uow.factions.known_rumors():
        known[k.faction_id].append(k.rumor_id)
    rumors = [
        Rumor(r.id, r.district_id, r.discovery_dc, title=r.name, text=r.rumor_text)
        for r in await uow.districts.list_rumors()
    ]
    reports = build_reports(
        ctx.seed,
        ctx.turn,
        [*piece_sources, *passive],
        board,
        await history_snapshots(uow),
        known,
        rumors,
    )
    await uow.reports.delete_for_turn(ctx.turn)
    await uow.reports.insert_many(
        [
            dbr.MonitoringReport(
                faction_id=r.faction_id,
                district_id=r.district_id,
                turn_number=ctx.turn,
                report=r.to_json(),
                confidence_rating=r.confidence,
            )
            for r in reports
        ]
    )
    discovered = [
        dbr.KnownRumor(r.faction_id, rumor_id, ctx.turn)
        for r in reports
        for rumor_id in r.discovered_rumor_ids
    ]
    if discovered:
        await uow.factions.add_known_rumors_many(discovered)
        await uow.districts.mark_rumors_discovered({k.rumor_id for k in discovered})
    intel = [
        dbr.PendingIntel(ctx.turn, r.faction_id, r.district_id)
        for r in reports
        if r.legendary_intel_earned
    ]
    if intel:
        await uow.reports.add_pending_intel_many(intel)
    names = board_names(board)
    await _log(
        uow,
        ctx.turn,
        Phase.PASSIVE_MONITORING,
        [
            (
                "Intelligence reports",
                f"{len(reports)} report(s) from {len(piece_sources)} piece and {len(passive)} "
                f"passive source(s); {len(discovered)} rumor discovery(ies)",
            ),
            *(
                (
                    f"Rumor discovered by {names.faction(r.faction_id)} in "
                    f"{names.district(r.district_id)}",
                    f"{rumor.title or rumor.id} (DC {rumor.discovery_dc})",
                )
                for r in reports
                for rumor in r.discovered_rumors
            ),
        ],
    )
    return Phase.RUMOR_DC_UPDATE


# -- 11–13 ---------------------------------------------------------------------------------


async def run_rumor_dc_update(uow: UnitOfWork, ctx: PhaseContext) -> Phase:
    count = await uow.districts.decrement_rumor_dcs()
    await _log(uow, ctx.turn, Phase.RUMOR_DC_UPDATE, [("Rumor DCs", f"{count} rumor DC(s) -1")])
    return Phase.MAP_UPDATE


async def run_map_update(uow: UnitOfWork, ctx: PhaseContext) -> Phase:
    rows = await uow.history.snapshot_influence(ctx.turn)
    await _log(uow, ctx.turn, Phase.MAP_UPDATE, [("Map snapshot", f"{rows} influence row(s)")])
    return Phase.TURN_COMPLETION


async def run_turn_completion(uow: UnitOfWork, ctx: PhaseContext) -> Phase:
    board = await loader.load_board(uow)
    try:
        inputs = await load_inputs(uow, ctx.turn)
    except NotFound:  # a campaign imported mid-turn, before any orders closed
        inputs = None
    no_opposition = (
        await _no_opposition(uow, ctx, inputs) if inputs is not None else set[tuple[str, str]]()
    )
    deliveries = await payloads.turn_deliveries(uow, ctx.turn, board, no_opposition)
    await uow.outbox.enqueue_many(deliveries)
    await _log(
        uow,
        ctx.turn,
        Phase.TURN_COMPLETION,
        [(f"Turn {ctx.turn} complete", f"{len(deliveries)} delivery(ies) queued")],
    )
    return Phase.PREPARATION


async def _no_opposition(
    uow: UnitOfWork, ctx: PhaseContext, inputs: snapshot.TurnInputs
) -> set[tuple[str, str]]:
    """Initiate-conflict orders that triggered but found no target piece there [D-12].

    Only these orders' phase-4 rolls are replayed (their stream and the penalty phase 4
    stored), not the whole detection: phase 13 stays cheap on large campaigns.
    """
    initiates = [o for o in inputs.orders if o.action is rm.ActionType.INITIATE_CONFLICT]
    if not initiates:
        return set()
    present = {(o.district_id, o.faction_id) for o in inputs.orders}
    pieces = {p.ref: p for p in inputs.pieces}
    stored = {o.id: o for o in await uow.orders.list_for_turn(ctx.turn)}
    found = set()
    for order in initiates:
        if (order.district_id, order.target_faction_id) in present:
            continue
        penalty = stored[_order_id(ctx.turn, order.piece)].enemy_penalty
        district = inputs.board.districts[order.district_id]
        roll = roll_initiate(
            ctx.seed, ctx.turn, order, pieces[order.piece], district, inputs.board, penalty
        )
        if roll.triggered:
            found.add((order.piece.type.value, order.piece.id))
    return found


AUTO_PHASES: dict[Phase, PhaseFn] = {
    Phase.PREPARATION: run_preparation,
    Phase.INFLUENCE_DECAY: run_influence_decay,
    Phase.CONFLICT_DETECTION: run_conflict_detection,
    Phase.ACTION_ROLL: run_action_roll,
    Phase.ACTION_RESOLUTION: run_action_resolution,
    Phase.RANDOM_WALK: run_random_walk,
    Phase.MONITORING: run_monitoring,
    Phase.PASSIVE_MONITORING: run_passive_monitoring,
    Phase.RUMOR_DC_UPDATE: run_rumor_dc_update,
    Phase.MAP_UPDATE: run_map_update,
    Phase.TURN_COMPLETION: run_turn_completion,
}


@dataclass(frozen=True)
class Names:
    factions: dict[str, str]
    districts: dict[str, str]

    def faction(self, faction_id: str) -> str:
        return self.factions.get(faction_id, faction_id)

    def district(self, district_id: str) -> str:
        return self.districts.get(district_id, district_id)

    def to_json(self) -> dict[str, dict[str, str]]:
        return {"factions": dict(self.factions), "districts": dict(self.districts)}


def board_names(board: rm.Board) -> Names:
    """Display names for log lines and payloads (ids where a name is empty)."""
    return Names(
        {f.id: f.name or f.id for f in board.factions.values()},
        {d.id: d.name or d.id for d in board.districts.values()},
    )
