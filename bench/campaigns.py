"""Campaign databases for the benchmarks, built once per size and copied for every run.

``ready``: a synthetic campaign (bot.services.synthetic) with one member per faction,
advanced to turn 1 with orders open. ``played``: the same after one whole turn, for the
benchmarks that need a turn's output (reports, results, deliveries). Building is setup,
never timed; each timed run works on its own file copy, so runs cannot disturb each other.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot.services import synthetic
from bot.services.turn import TurnService
from db import records as dbr
from db.database import Database
from db.dialect import backup_file
from db.migrations import migrate
from db.repositories.orders import default_order_id

CAMPAIGN_SEED = 2024
ORDERS_SEED = 7
GM = "bench-gm"
FIRST_MEMBER_ID = 10_000


@dataclass(frozen=True)
class Campaign:
    size: str
    shape: synthetic.CampaignSize
    ready: Path
    orders: tuple[dbr.Order, ...]  # every piece's order for turn 1 (seeded)


class CampaignCache:
    """Builds each size at most once per process, in a private temporary folder."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="bench-")) if root is None else root
        self.root.mkdir(parents=True, exist_ok=True)
        self._ready: dict[str, Campaign] = {}
        self._played: dict[str, Path] = {}
        self._copies = 0

    async def ready(self, size: str) -> Campaign:
        if size not in self._ready:
            self._ready[size] = await _build_ready(size, self.root / f"ready-{size}.sqlite3")
        return self._ready[size]

    async def played(self, size: str) -> Path:
        """A copy of ``ready`` after one whole turn (rulings written directly: setup only)."""
        if size not in self._played:
            campaign = await self.ready(size)
            path = self.copy(campaign.ready, f"played-{size}")
            await play_turn(path, campaign.orders)
            self._played[size] = path
        return self._played[size]

    def copy(self, source: Path, label: str = "run") -> Path:
        """A private copy (SQLite backup API: consistent even with a WAL beside it)."""
        self._copies += 1
        target = self.root / f"{label}-{self._copies}.sqlite3"
        backup_file(source, target)
        return target

    def discard(self, path: Path) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    def cleanup(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


async def _build_ready(size: str, path: Path) -> Campaign:
    shape = synthetic.SIZES[size]
    async with Database(path) as db:
        await migrate(db, backup_dir=None)
        await synthetic.create_campaign(db, shape, CAMPAIGN_SEED, name=f"Bench {size}")
        async with db.transaction() as uow:
            for index, faction in enumerate(await uow.factions.list_all()):
                await uow.settings.add_member(FIRST_MEMBER_ID + index, faction.id, leader=True)
        result = await TurnService(db).advance(GM)  # preparation and decay: orders open
        if result.phase.value != "assignment":
            raise RuntimeError(f"synthetic campaign {size} stopped at {result.phase}")
        orders = await synthetic.random_orders(db, ORDERS_SEED)
    return Campaign(size, shape, path, tuple(orders))


async def play_turn(path: Path, orders: tuple[dbr.Order, ...]) -> None:
    """Orders, advance, a draw for every conflict, continue: the turn's results are stored."""
    async with Database(path) as db:
        service = TurnService(db)
        await synthetic.submit_orders(db, list(orders))
        result = await service.advance(GM)
        async with db.transaction() as uow:
            for conflict in await uow.conflicts.list_for_turn(result.turn):
                await uow.conflicts.set_ruling(
                    conflict.id,
                    resolution_type="draw",
                    outcomes={f.faction_id: "draw" for f in conflict.factions},
                    resolved_by=GM,
                    resolved_at="2024-01-01T00:00:00+00:00",
                    notes="bench setup",
                )
        result = await service.advance(GM)
        if result.phase.value != "assignment":
            raise RuntimeError(f"played campaign stopped at {result.phase}")


def orders_for_turns(orders: tuple[dbr.Order, ...], count: int) -> list[dbr.Order]:
    """``count`` distinct orders: the turn-1 orders repeated over turns 1, 2, 3 ... with ids."""
    out: list[dbr.Order] = []
    turn = 1
    while len(out) < count:
        for o in orders:
            if len(out) == count:
                break
            order_id = default_order_id(turn, o.piece_type, o.piece_id)
            out.append(dataclasses.replace(o, turn_number=turn, id=order_id))
        turn += 1
    return out
