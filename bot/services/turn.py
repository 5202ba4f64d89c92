"""The GM's turn controls: advance, rulings, preview, roll back.

The persisted ``game_state.current_phase`` names the phase to run next (or the
wait point the campaign is parked at). ``advance`` runs automatic phases, each in
its own transaction that also records the next phase, until a wait point; a
crash between or inside phases therefore resumes exactly where it stopped when
``advance`` is called again, with the same draws.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
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

log = logging.getLogger(__name__)

AFTER_WAIT = {
    Phase.ASSIGNMENT: Phase.CONFLICT_DETECTION,
    Phase.CONFLICT_RESOLUTION: Phase.ACTION_RESOLUTION,
}


@dataclass(frozen=True)
class AdvanceResult:
    phases_run: tuple[str, ...]
    turn: int
    phase: Phase
    conflicts: int = 0
    history: tuple[dbr.HistoryEntry, ...] = ()

    @property
    def waiting_for(self) -> str:
        return "the GM's conflict rulings" if self.phase is Phase.CONFLICT_RESOLUTION else "orders"


@dataclass(frozen=True)
class TurnStatus:
    turn: int
    phase: Phase
    deadline: str | None
    pending_conflicts: int
    awaiting_dc: tuple[str, ...] = ()
    unordered: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


class TurnService:
    """One per campaign database; the lock makes concurrent advances/rulings refuse, not queue."""

    def __init__(
        self, db: Database, *, backups_dir: Path | None = None, backup_keep: int = 20
    ) -> None:
        self.db = db
        self.backups_dir = backups_dir
        self.backup_keep = backup_keep
        self._lock = asyncio.Lock()

    # -- reading -------------------------------------------------------------------------

    async def status(self) -> TurnStatus:
        async with self.db.read() as uow:
            game = await uow.game.get()
            settings = await uow.settings.get()
            orders = await uow.orders.list_for_turn(game.turn)
            missing = await uow.orders.missing_dc(game.turn)
            pieces = await uow.pieces.list_all()
            pending = await uow.conflicts.pending_count(game.turn)
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
        if self._lock.locked():
            raise Busy(
                "Another advance or ruling is running on this campaign; try again in a moment."
            )
        async with self._lock:
            return await self._advance(gm_id)

    async def _advance(self, gm_id: str) -> AdvanceResult:
        async with self.db.read() as uow:
            game = await uow.game.get()
            settings = await uow.settings.get()
            await self._check_can_leave(uow, Phase(game.phase), game.turn)
        if settings.rng_seed is None:
            raise InvalidRequest("This campaign has no RNG seed yet: create or import it first.")
        backup_path = await self._backup(game.turn, game.phase)
        async with self.db.transaction() as uow:
            advance_id = await uow.turns.start_advance(
                gm_id, game.turn, game.phase, str(backup_path) if backup_path else None
            )
        turn, phase = game.turn, Phase(game.phase)
        ran: list[str] = []
        if phase in AFTER_WAIT:
            phase = AFTER_WAIT[phase]
        conflicts = 0
        while phase not in rm.WAIT_PHASES:
            ctx = phases.PhaseContext(settings.rng_seed, turn)
            async with self.db.transaction() as uow:
                stored = await uow.game.get()
                if stored.turn != turn or (
                    Phase(stored.phase) is not phase and Phase(stored.phase) not in AFTER_WAIT
                ):
                    raise Busy("The turn moved on while this advance was running.")
                next_phase = await phases.AUTO_PHASES[phase](uow, ctx)
                next_turn = turn + 1 if phase is Phase.TURN_COMPLETION else turn
                await uow.game.set_phase(next_turn, next_phase.value)
                if next_phase is Phase.CONFLICT_RESOLUTION:
                    conflicts = await uow.conflicts.pending_count(turn)
            ran.append(phase.value)
            turn, phase = next_turn, next_phase
        async with self.db.transaction() as uow:
            await uow.turns.finish_advance(advance_id, turn, phase.value)
        async with self.db.read() as uow:
            history = tuple(
                e for t in range(game.turn, turn + 1) for e in await uow.history.for_turn(t)
            )
        log.info("advance by %s: %s -> turn %d %s", gm_id, ", ".join(ran), turn, phase.value)
        return AdvanceResult(tuple(ran), turn, phase, conflicts, history)

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
            raise Busy("An advance is running on this campaign; rule again when it has stopped.")
        async with self._lock, self.db.transaction() as uow:
            game = await uow.game.get()
            if Phase(game.phase) is not Phase.CONFLICT_RESOLUTION:
                raise PhaseClosed(
                    f"Conflicts can only be ruled while the turn waits for rulings (now: {game.phase})."
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
            return await uow.conflicts.set_ruling(
                conflict_id,
                resolution_type=resolution_type(conflict, ruling),
                outcomes=_faction_outcomes(conflict, ruling),
                resolved_by=gm_id,
                resolved_at=datetime.now(UTC).isoformat(timespec="seconds"),
                notes=ruling.notes or None,
                piece_rulings=_piece_rulings(ruling),
            )

    # -- preview and roll back -----------------------------------------------------------

    async def preview(self, gm_id: str) -> AdvanceResult:
        """What the next advance would do, computed on a throw-away copy of the campaign."""
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
        """Restore the backup taken before the last advance, if nothing happened since."""
        async with self._lock:
            async with self.db.read() as uow:
                last = await uow.turns.last_advance()
                game = await uow.game.get()
            if last is None or last.status != "done" or not last.backup_path:
                raise InvalidRequest("There is no completed advance with a backup to roll back.")
            if (game.turn, game.phase) != (last.to_turn, last.to_phase):
                raise InvalidRequest(
                    "The campaign has changed since the last advance; it can no longer be rolled back."
                )
            assert self.backups_dir is not None
            await backups.restore(self.db, Path(last.backup_path), self.backups_dir)
            log.info("advance %d rolled back by %s", last.id, gm_id)
            return AdvanceResult((), last.from_turn, Phase(last.from_phase))


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
