"""The GM's turn controls: advance, rulings, preview, roll back.

The persisted ``game_state.current_phase`` names the phase to run next (or the
wait point the campaign is parked at). ``advance`` runs automatic phases, each in
its own transaction that also records the next phase, until a wait point; a
crash between or inside phases therefore resumes exactly where it stopped when
``advance`` is called again, with the same draws.

Every decision that must not race is taken inside the write transaction that acts
on it: an advance re-reads the clock there and refuses (``Busy``) if it moved since
the GM asked, and the checks that block leaving a wait point (orders without a DC,
unruled conflicts) run in the very transaction that closes it. Writers are
serialized by the database, so two advances — from one service, two services or
two processes — can never run the same phase twice.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.rules import model as rm
from bot.rules.conflicts import Conflict
from bot.rules.model import Phase
from bot.rules.rulings import InvalidRuling, Ruling, resolution_type, validate_ruling
from bot.services import payloads, phases
from bot.services.errors import AdvanceBlocked, Busy, InvalidRequest, PhaseClosed
from db import backup as backups
from db import records as dbr
from db.database import Database
from db.migrations import migrate
from db.uow import UnitOfWork

log = logging.getLogger(__name__)

AFTER_WAIT = {
    Phase.ASSIGNMENT: Phase.CONFLICT_DETECTION,
    Phase.CONFLICT_RESOLUTION: Phase.ACTION_RESOLUTION,
}

BUSY_MESSAGE = (
    "Another advance, ruling or rollback is running on this campaign right now; "
    "try again when it has finished."
)

_LOCKS: weakref.WeakKeyDictionary[Database, asyncio.Lock] = weakref.WeakKeyDictionary()


def campaign_lock(db: Database) -> asyncio.Lock:
    """One lock per open campaign database, shared by every TurnService built on it."""
    lock = _LOCKS.get(db)
    if lock is None:
        lock = _LOCKS[db] = asyncio.Lock()
    return lock


@dataclass(frozen=True)
class AdvanceResult:
    """What an advance did; the Discord layer announces from this (see pipeline notes)."""

    phases_run: tuple[str, ...]
    turn: int
    phase: Phase
    conflicts: int = 0
    history: tuple[dbr.HistoryEntry, ...] = ()
    from_turn: int | None = None
    from_phase: Phase | None = None
    resumed: bool = False  # continued an advance a crash had interrupted
    deliveries: int = 0  # outbox rows queued by this advance: wake the delivery worker
    advance_id: int | None = None

    @property
    def waiting_for(self) -> str:
        return "the GM's conflict rulings" if self.phase is Phase.CONFLICT_RESOLUTION else "orders"

    @property
    def orders_opened(self) -> bool:
        """Orders for ``turn`` opened with this advance: tell the players."""
        return self.phase is Phase.ASSIGNMENT and Phase.INFLUENCE_DECAY.value in self.phases_run

    @property
    def completed_turn(self) -> int | None:
        """The turn whose results this advance delivered (phase 13 ran), if any."""
        return self.turn - 1 if Phase.TURN_COMPLETION.value in self.phases_run else None


@dataclass(frozen=True)
class TurnStatus:
    turn: int
    phase: Phase
    deadline: str | None
    pending_conflicts: int
    awaiting_dc: tuple[str, ...] = ()
    unordered: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    rollback_available: bool = False


@dataclass(frozen=True)
class _Opened:
    """The advance this call runs (new or resumed) and where its writes start."""

    advance_id: int
    seed: int
    resumed: bool
    history_floor: int
    outbox_floor: int


class TurnService:
    """One per campaign database (the bot's hub builds exactly one).

    Advances, rulings and rollbacks share a per-database lock, so a second request
    while one runs is refused with ``Busy`` instead of queueing behind it.
    """

    def __init__(
        self, db: Database, *, backups_dir: Path | None = None, backup_keep: int = 20
    ) -> None:
        self.db = db
        self.backups_dir = backups_dir
        self.backup_keep = backup_keep
        self._lock = campaign_lock(db)

    # -- reading -------------------------------------------------------------------------

    async def status(self) -> TurnStatus:
        async with self.db.read() as uow:
            game = await uow.game.get()
            settings = await uow.settings.get()
            orders = await uow.orders.list_for_turn(game.turn)
            missing = await uow.orders.missing_dc(game.turn)
            pieces = await uow.pieces.list_all()
            pending = await uow.conflicts.pending_count(game.turn)
            last = await uow.turns.last_advance()
        ordered = {(o.piece_type, o.piece_id) for o in orders}
        unordered: dict[str, list[str]] = {}
        for p in pieces:
            kind = "agent" if isinstance(p, dbr.Agent) else "squadron"
            if p.faction_id and (kind, p.id) not in ordered:
                unordered.setdefault(p.faction_id, []).append(f"{kind}:{p.id}")
        return TurnStatus(
            turn=game.turn,
            phase=Phase(game.phase),
            deadline=settings.turn_deadline,
            pending_conflicts=pending,
            awaiting_dc=tuple(f"{o.piece_type}:{o.piece_id}" for o in missing),
            unordered={f: tuple(v) for f, v in sorted(unordered.items())},
            rollback_available=self.backups_dir is not None and _can_roll_back(last, game),
        )

    async def conflicts(self) -> list[dict[str, Any]]:
        """Every conflict of the current turn as the GM sees it (§6.6)."""
        async with self.db.read() as uow:
            game = await uow.game.get()
            orders = {
                (o.piece_type, o.piece_id): o for o in await uow.orders.list_for_turn(game.turn)
            }
            return [
                payloads.conflict_view(c, orders)
                for c in await uow.conflicts.list_for_turn(game.turn)
            ]

    # -- advancing -----------------------------------------------------------------------

    async def advance(self, gm_id: str) -> AdvanceResult:
        """Run automatic phases up to the next wait point (RULES.md §2.2)."""
        if self._lock.locked():
            raise Busy(BUSY_MESSAGE)
        async with self._lock:
            return await self._advance(gm_id)

    async def _advance(self, gm_id: str) -> AdvanceResult:
        # A cheap refusal first (no backup, no write lock); the same checks run again
        # inside the transaction that leaves the wait point, which is what counts.
        async with self.db.read() as uow:
            game = await uow.game.get()
            await self._check_can_leave(uow, Phase(game.phase), game.turn)
        start_turn, start_phase = game.turn, Phase(game.phase)
        turn, stored = start_turn, start_phase
        ran: list[str] = []
        opened: _Opened | None = None
        conflicts = 0
        while True:
            async with self.db.transaction() as uow:
                current = await uow.game.get()
                if (current.turn, current.phase) != (turn, stored.value):
                    raise Busy(
                        f"The campaign moved on to turn {current.turn}, phase {current.phase} "
                        f"while this advance expected turn {turn}, phase {stored.value}: "
                        "another advance ran at the same moment. Check the status before "
                        "advancing again."
                    )
                if opened is None:
                    opened = await self._open(uow, gm_id, turn, stored)
                phase = AFTER_WAIT.get(stored, stored)
                next_phase = await phases.AUTO_PHASES[phase](
                    uow, phases.PhaseContext(opened.seed, turn)
                )
                next_turn = turn + 1 if phase is Phase.TURN_COMPLETION else turn
                await uow.game.set_phase(next_turn, next_phase.value)
                if next_phase in rm.WAIT_PHASES:
                    await uow.turns.finish_advance(opened.advance_id, next_turn, next_phase.value)
                    if next_phase is Phase.CONFLICT_RESOLUTION:
                        conflicts = await uow.conflicts.pending_count(next_turn)
            ran.append(phase.value)
            turn, stored = next_turn, next_phase
            if stored in rm.WAIT_PHASES:
                break
        assert opened is not None
        async with self.db.read() as uow:
            history = tuple(await uow.turns.history_after(opened.history_floor))
            queued = await uow.turns.deliveries_after(opened.outbox_floor)
        log.info("advance by %s: %s -> turn %d %s", gm_id, ", ".join(ran), turn, stored.value)
        return AdvanceResult(
            phases_run=tuple(ran),
            turn=turn,
            phase=stored,
            conflicts=conflicts,
            history=history,
            from_turn=start_turn,
            from_phase=start_phase,
            resumed=opened.resumed,
            deliveries=queued,
            advance_id=opened.advance_id,
        )

    async def _open(self, uow: UnitOfWork, gm_id: str, turn: int, phase: Phase) -> _Opened:
        """Inside the first write transaction: final checks, backup, advance log."""
        settings = await uow.settings.get()
        if settings.rng_seed is None:
            raise InvalidRequest("This campaign has no RNG seed yet: create or import it first.")
        await self._check_can_leave(uow, phase, turn)
        history_floor, outbox_floor = await uow.turns.watermarks()
        last = await uow.turns.last_advance()
        if phase not in rm.WAIT_PHASES and last is not None and last.status == "running":
            # A crash interrupted that advance: continue it (same log row, same backup).
            log.warning("resuming advance %d at turn %d, phase %s", last.id, turn, phase.value)
            return _Opened(last.id, settings.rng_seed, True, history_floor, outbox_floor)
        # Taken while this transaction holds the write lock: exactly the state it changes.
        backup_path = await self._backup(turn, phase.value)
        advance_id = await uow.turns.start_advance(
            gm_id, turn, phase.value, str(backup_path) if backup_path else None
        )
        return _Opened(advance_id, settings.rng_seed, False, history_floor, outbox_floor)

    async def _check_can_leave(self, uow: Any, phase: Phase, turn: int) -> None:
        if phase is Phase.ASSIGNMENT:
            missing = await uow.orders.missing_dc(turn)
            if missing:
                items = [f"{o.piece_type} {o.piece_id} ({o.action_type})" for o in missing]
                raise AdvanceBlocked(
                    "These orders still need a DC from the GM before orders can close: "
                    + ", ".join(items),
                    items,
                )
            full = await _orders_at_full_influence(uow, turn)
            if full:
                items = [
                    f"{o.piece_type} {o.piece_id} ({o.action_type} in {o.district_id})"
                    for o in full
                ]
                raise AdvanceBlocked(
                    "These orders gain or take influence where their faction now holds all 10 "
                    "(set after they were given), which the rules do not allow [D-47]; change "
                    "or cancel them, or lower that influence: " + ", ".join(items),
                    items,
                )
        elif phase is Phase.CONFLICT_RESOLUTION:
            pending = [
                c.id
                for c in await uow.conflicts.list_for_turn(turn)
                if c.resolution_status == "pending"
            ]
            if pending:
                raise AdvanceBlocked(
                    "Every conflict needs a ruling before the turn continues: "
                    + ", ".join(pending),
                    pending,
                )

    async def _backup(self, turn: int, phase: str) -> Path | None:
        if self.backups_dir is None:
            return None
        path = await backups.backup(self.db, self.backups_dir, label=f"before-T{turn}-{phase}")
        backups.prune_backups(self.backups_dir, self.backup_keep)
        return path

    # -- rulings -------------------------------------------------------------------------

    async def rule(self, conflict_id: str, ruling: Ruling, gm_id: str) -> dbr.Conflict:
        """Record or change a ruling; allowed until the GM continues the turn."""
        if self._lock.locked():
            raise Busy(BUSY_MESSAGE)
        async with self._lock, self.db.transaction() as uow:
            game = await uow.game.get()
            if Phase(game.phase) is not Phase.CONFLICT_RESOLUTION:
                raise PhaseClosed(
                    "Conflicts can only be ruled while the turn waits for rulings "
                    f"(now: turn {game.turn}, phase {game.phase})."
                )
            settings = await uow.settings.get()
            ctx = phases.PhaseContext(settings.rng_seed, game.turn)
            inputs = await phases.load_inputs(uow, game.turn)
            detected = {c.id: c for c in phases.detect(ctx, inputs).detection.conflicts}
            conflict = detected.get(conflict_id)
            if conflict is None:
                raise InvalidRequest(
                    f"No conflict {conflict_id!r} this turn. Known: {', '.join(sorted(detected)) or 'none'}."
                )
            try:
                validate_ruling(conflict, ruling)
            except InvalidRuling as exc:
                raise InvalidRequest(
                    f"That ruling does not fit conflict {conflict_id}: {exc}"
                ) from exc
            was = await uow.conflicts.resolution_status(conflict_id)
            record = await uow.conflicts.set_ruling(
                conflict_id,
                resolution_type=resolution_type(conflict, ruling),
                outcomes=_faction_outcomes(conflict, ruling),
                resolved_by=gm_id,
                resolved_at=datetime.now(UTC).isoformat(timespec="seconds"),
                notes=ruling.notes or None,
                piece_rulings=_piece_rulings(ruling),
            )
            names = phases.board_names(inputs.board)
            verb = "changed" if was == "resolved" else "recorded"
            await uow.history.log(
                game.turn,
                Phase.CONFLICT_RESOLUTION.value,
                f"Ruling {verb} on conflict {conflict_id} in {names.district(conflict.district_id)}",
                _describe_ruling(conflict, ruling, names, gm_id),
            )
            return record

    # -- preview and roll back -----------------------------------------------------------

    async def preview(self, gm_id: str) -> AdvanceResult:
        """What the next advance would do, computed on a throw-away copy of the campaign.

        The copy is taken with the online backup API (a consistent snapshot) and the real
        pipeline runs on it, so the result is the advance's own, draw for draw.
        """
        if self._lock.locked():
            raise Busy(BUSY_MESSAGE)
        workdir = Path(tempfile.mkdtemp(prefix="preview-"))
        try:
            copy_path = await backups.backup_file(self.db.path, workdir, "preview")
            copy = Database(copy_path)
            await copy.open()
            try:
                await migrate(copy, backup_dir=None)
                return await TurnService(copy).advance(gm_id)
            finally:
                await copy.close()
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    async def rollback_last(self, gm_id: str) -> AdvanceResult:
        """Restore the backup taken before the last advance, if nothing advanced since.

        Everything written after that backup is discarded with it (rulings, orders of the
        newly opened turn, deliveries not sent yet). A rolled-back advance stays logged,
        so a second rollback in a row is refused rather than undoing an older advance.
        """
        if self._lock.locked():
            raise Busy(BUSY_MESSAGE)
        async with self._lock:
            if self.backups_dir is None:
                raise InvalidRequest(
                    "Backups are off for this campaign: there is nothing to restore."
                )
            async with self.db.read() as uow:
                last = await uow.turns.last_advance()
                game = await uow.game.get()
            if last is None or last.status != "done" or not last.backup_path:
                raise InvalidRequest(
                    "There is no completed advance with a backup to roll back "
                    "(only the last advance can be rolled back, once)."
                )
            if not _can_roll_back(last, game):
                raise InvalidRequest(
                    "The campaign has changed since the last advance; it can no longer be rolled back."
                )
            await backups.restore(self.db, Path(last.backup_path), self.backups_dir)
            async with self.db.transaction() as uow:
                await uow.turns.record_rolled_back(last)
                game = await uow.game.get()
            log.info("advance %d rolled back by %s", last.id, gm_id)
            return AdvanceResult(
                (),
                game.turn,
                Phase(game.phase),
                from_turn=last.to_turn,
                from_phase=Phase(last.to_phase) if last.to_phase else None,
                advance_id=last.id,
            )


def _can_roll_back(last: Any, game: dbr.GameState) -> bool:
    return (
        last is not None
        and last.status == "done"
        and bool(last.backup_path)
        and (game.turn, game.phase) == (last.to_turn, last.to_phase)
    )


INFLUENCE_ACTION_NAMES = frozenset(a.value for a in rm.INFLUENCE_ACTIONS)


async def _orders_at_full_influence(uow: UnitOfWork, turn: int) -> list[dbr.Order]:
    """Gain/take orders of a faction that holds 10 where they act (a GM edit after ordering)."""
    full = {
        (r.district_id, r.faction_id)
        for r in await uow.districts.list_influence()
        if r.value >= rm.MAX_INFLUENCE
    }
    if not full:
        return []
    return [
        o
        for o in await uow.orders.list_for_turn(turn)
        if o.action_type in INFLUENCE_ACTION_NAMES and (o.district_id, o.faction_id) in full
    ]


def _faction_outcomes(conflict: Conflict, ruling: Ruling) -> dict[str, str | None]:
    """Allies copy the outcome of the faction they back (§6.7); special rulings have none."""
    if ruling.special is not None:
        return {f: None for f in conflict.factions}
    outcomes: dict[str, str | None] = {f: ruling.outcomes[f].value for f in conflict.principals}
    for ally, backed in conflict.allies.items():
        outcomes[ally] = ruling.outcomes[backed].value
    return outcomes


def _piece_rulings(ruling: Ruling) -> list[dbr.PieceRuling]:
    if ruling.special is None:
        return []
    return [
        dbr.PieceRuling(
            ref.type.value,
            ref.id,
            "proceed" if choice.proceed else "fail",
            choice.penalty if choice.proceed else 0,
        )
        for ref, choice in sorted(ruling.special.items())
    ]


def _describe_ruling(conflict: Conflict, ruling: Ruling, names: phases.Names, gm_id: str) -> str:
    """One readable line for the turn log."""
    if ruling.special is not None:
        parts = [
            f"{ref.key} "
            + (
                "fails"
                if not choice.proceed
                else f"proceeds{f' ({choice.penalty:+d})' if choice.penalty else ''}"
            )
            for ref, choice in sorted(ruling.special.items())
        ]
        text = "special: " + ", ".join(parts)
    else:
        text = ", ".join(
            f"{names.faction(f)} {ruling.outcomes[f].value}" for f in sorted(conflict.principals)
        )
    notes = f" — {ruling.notes}" if ruling.notes else ""
    return f"{text} (GM {gm_id}){notes}"
