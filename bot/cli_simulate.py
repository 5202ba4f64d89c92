"""``campaign-cli simulate``: play a campaign headless through the real turn pipeline.

Every piece gets a random but legal order each turn and every conflict an automatic
ruling (a random winner or a draw). ``random.Random(seed)`` only plays the players
and the GM; the game's own draws come from the campaign seed, exactly as in a live
campaign, so the same file and seed always give the same run.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.rules.model import Outcome, Phase
from bot.rules.rulings import Ruling
from bot.services.errors import ServiceError
from bot.services.synthetic import random_orders, submit_orders
from bot.services.turn import TurnService
from db.database import Database

SIMULATOR = "simulator"


@dataclass
class TurnSummary:
    turn: int
    orders: int
    conflicts: int
    rulings: dict[str, str] = field(default_factory=dict)
    rumors_discovered: list[dict[str, str]] = field(default_factory=list)
    influence: dict[str, int] = field(default_factory=dict)
    strongholds: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        totals = " ".join(f"{f}={v}" for f, v in sorted(self.influence.items()))
        return (
            f"turn {self.turn}: {self.orders} orders, {self.conflicts} conflict(s), "
            f"{len(self.rumors_discovered)} rumor(s) discovered; influence {totals}"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "turn": self.turn,
            "orders": self.orders,
            "conflicts": self.conflicts,
            "rulings": self.rulings,
            "rumors_discovered": self.rumors_discovered,
            "influence": self.influence,
            "strongholds": self.strongholds,
        }


async def simulate(
    db: Database,
    turns: int,
    seed: int,
    *,
    progress: Callable[[str], None] | None = None,
) -> list[TurnSummary]:
    """Run ``turns`` whole turns on an imported campaign; one summary per turn."""
    rng = random.Random(seed)
    service = TurnService(db, backups_dir=None)
    turn = await _open_orders(db, service, rng)
    summaries: list[TurnSummary] = []
    for index in range(turns):
        started = time.perf_counter()
        orders = await random_orders(db, rng.randrange(2**32))
        await submit_orders(db, orders)
        results = await service.advance(SIMULATOR)
        rulings: dict[str, str] = {}
        conflicts = results.conflicts
        if results.phase is Phase.CONFLICT_RESOLUTION:
            rulings = await _rule_all(db, service, turn, rng)
            conflicts = len(rulings)
            results = await service.advance(SIMULATOR)
        if results.phase is not Phase.ASSIGNMENT or results.turn != turn + 1:
            raise ServiceError(
                f"Turn {turn} stopped at turn {results.turn}, phase {results.phase}."
            )
        summary = await _summarise(db, turn, len(orders), conflicts, rulings)
        summaries.append(summary)
        if progress is not None:
            elapsed = time.perf_counter() - started
            progress(f"turn {turn} done ({index + 1}/{turns}, {elapsed:.2f}s)")
        turn = results.turn
    return summaries


async def _open_orders(db: Database, service: TurnService, rng: random.Random) -> int:
    """Advance to the next open orders (a new campaign: phases 1-2); the turn they are for."""
    status = await service.status()
    if status.phase is Phase.ASSIGNMENT:
        return status.turn
    results = await service.advance(SIMULATOR)
    if results.phase is Phase.CONFLICT_RESOLUTION:
        await _rule_all(db, service, results.turn, rng)
        results = await service.advance(SIMULATOR)
    if results.phase is not Phase.ASSIGNMENT:
        raise ServiceError(f"The campaign did not open orders (stopped at {results.phase}).")
    return results.turn


async def _rule_all(
    db: Database, service: TurnService, turn: int, rng: random.Random
) -> dict[str, str]:
    async with db.read() as uow:
        conflicts = await uow.conflicts.list_for_turn(turn)
    rulings: dict[str, str] = {}
    for conflict in conflicts:
        principals = sorted(f.faction_id for f in conflict.factions if f.role != "ally")
        choice = rng.choice([*principals, None])
        if choice is None:
            outcomes = dict.fromkeys(principals, Outcome.DRAW)
            rulings[conflict.id] = "draw"
        else:
            outcomes = {f: Outcome.WIN if f == choice else Outcome.LOSS for f in principals}
            rulings[conflict.id] = f"{choice} wins"
        await service.rule(conflict.id, Ruling(outcomes, notes="simulated"), SIMULATOR)
    return rulings


async def _summarise(
    db: Database, turn: int, orders: int, conflicts: int, rulings: dict[str, str]
) -> TurnSummary:
    async with db.read() as uow:
        factions = [f.id for f in await uow.factions.list_all()]
        influence = dict.fromkeys(factions, 0)
        strongholds = dict.fromkeys(factions, 0)
        for row in await uow.history.snapshots(turn=turn):
            influence[row.faction_id] = influence.get(row.faction_id, 0) + row.value
            strongholds[row.faction_id] = strongholds.get(row.faction_id, 0) + row.has_stronghold
        known = [
            {"faction": k.faction_id, "rumor": k.rumor_id}
            for k in await uow.factions.known_rumors()
            if k.discovered_on == turn
        ]
    return TurnSummary(turn, orders, conflicts, rulings, known, influence, strongholds)


def stderr_progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
