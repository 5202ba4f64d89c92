"""Play a seeded multi-turn game through the real services, resumably; optionally die.

    python -m tests.pipeline.crash_driver DB --turns N --seed S [--kill REGION:K] [--trace OUT]

The driver plays the part of the players and the GM. Each pass of its loop reads the
persisted clock and does what that state calls for, so rerunning it after a crash picks
up from whatever was committed: in ``assignment`` it submits the orders still missing
(an order that exists is never resubmitted: that would reset its GM fields), sets the
DCs still missing and the manual modifiers and support flags still different, then
advances; in ``conflict_resolution`` it rules the conflicts still pending, then advances;
anywhere else an advance resumes the interrupted one. Every choice is a pure function of
(seed, turn, piece) or (seed, conflict id), never of what was done before the crash.

Kill points: this script (test code only; production has no crash hooks) wraps
``db.executor.Executor.execute``/``executemany`` and counts the write statements run in
the current *region*: ``T<turn>:<phase>`` while an automatic phase runs,
``T<turn>:orders``, ``T<turn>:rulings``, ``T<turn>:advance@<phase>`` (the advance's own
first statements, before its first phase). ``--kill REGION:K`` sends SIGKILL to this
process just before the K-th write of REGION, leaving that transaction uncommitted.
``--trace OUT`` writes every region with its write count, in order, as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
from pathlib import Path
from typing import Any

from bot.rules import model as rm
from bot.rules.model import Outcome, Phase, PieceRef
from bot.rules.rulings import Ruling, SpecialChoice
from bot.services import phases
from bot.services.access import Actor
from bot.services.orders import OrderService
from bot.services.turn import TurnService
from db import records as dbr
from db.database import Database
from db.executor import Executor
from db.migrations import migrate

GM = Actor(1, True, None)
GM_ID = "crash-gm"
# Pieces crowd into a few districts so that conflicts, penalties and joins happen.
HOT = ("saltmarsh_docks", "lantern_row", "grand_bazaar", "tanners_warren", "old_town")
ACTIONS = ("monitor", "monitor", "gain_influence", "gain_influence", "take_influence",
           "freeform", "initiate_conflict")  # fmt: skip


class Probe:
    """Counts write statements per region; kills the process at the chosen one."""

    def __init__(self, kill: tuple[str, int] | None) -> None:
        self.kill = kill
        self.region = "start"
        self.count = 0
        self.trace: list[list[Any]] = []

    def enter(self, region: str) -> None:
        self.region, self.count = region, 0
        self.trace.append([region, 0])

    def write(self) -> None:
        self.count += 1
        if self.trace:
            self.trace[-1][1] = self.count
        if self.kill == (self.region, self.count):
            os.kill(os.getpid(), signal.SIGKILL)

    def install(self) -> None:
        execute, executemany = Executor.execute, Executor.executemany
        probe = self

        async def counted_execute(self: Executor, sql: str, params: Any = ()) -> int:
            if self.writable:
                probe.write()
            return await execute(self, sql, params)

        async def counted_executemany(self: Executor, sql: str, rows: Any) -> int:
            rows = list(rows)
            if self.writable and rows:
                probe.write()
            return await executemany(self, sql, rows)

        Executor.execute = counted_execute  # type: ignore[method-assign]
        Executor.executemany = counted_executemany  # type: ignore[method-assign]
        for phase, run in list(phases.AUTO_PHASES.items()):
            phases.AUTO_PHASES[phase] = self._labelled(phase, run)

    def _labelled(self, phase: Phase, run: phases.PhaseFn) -> phases.PhaseFn:
        async def labelled(uow: Any, ctx: phases.PhaseContext) -> Phase:
            self.enter(f"T{ctx.turn}:{phase.value}")
            return await run(uow, ctx)

        return labelled


# -- the players and the GM ------------------------------------------------------------------


def order_for(
    seed: int, turn: int, piece: dbr.Agent | dbr.Squadron, factions: list[str], full: set[str]
) -> dict[str, Any]:
    """One legal order, from (seed, turn, piece) alone. ``full``: districts where the
    piece's faction holds all 10 (gain/take refused there [D-47])."""
    kind = "agent" if isinstance(piece, dbr.Agent) else "squadron"
    r = random.Random(f"{seed}|{turn}|{kind}:{piece.id}")
    district = r.choice(HOT)
    action = r.choice(ACTIONS)
    if action in ("gain_influence", "take_influence") and district in full:
        action = "monitor"
    order: dict[str, Any] = {"action": action, "district_id": district}
    others = [f for f in factions if f != piece.faction_id]
    if action in ("take_influence", "initiate_conflict"):
        order["target_faction_id"] = r.choice(others)
    if action in ("freeform", "initiate_conflict"):
        order["description"] = f"{action.replace('_', ' ')} by {piece.name}, turn {turn}"
        if kind == "agent":
            order["attribute"] = r.choice(rm.ATTRIBUTES)
            order["skill"] = r.choice(rm.SKILLS)
        else:
            order["aptitude"] = r.choice(rm.APTITUDES)
    order["dc"] = r.randint(8, 18)
    order["manual"] = r.choice((0, 0, 0, 2, -1))
    return order


async def give_orders(db: Database, orders: OrderService, turn: int, seed: int) -> None:
    async with db.read() as uow:
        pieces = [p for p in await uow.pieces.list_all() if p.faction_id]
        factions = [f.id for f in await uow.factions.list_all()]
        existing = {(o.piece_type, o.piece_id): o for o in await uow.orders.list_for_turn(turn)}
        influence = await uow.districts.list_influence()
    full = {(i.district_id, i.faction_id) for i in influence if i.value >= rm.MAX_INFLUENCE}
    planned = {}
    for piece in pieces:
        kind = "agent" if isinstance(piece, dbr.Agent) else "squadron"
        mine = {d for d, f in full if f == piece.faction_id}
        plan = order_for(seed, turn, piece, factions, mine)
        planned[(kind, piece.id)] = plan
        if (kind, piece.id) not in existing:
            await orders.submit(
                GM,
                kind,
                piece.id,
                plan["action"],
                plan["district_id"],
                target_faction_id=plan.get("target_faction_id"),
                description=plan.get("description", ""),
                attribute=plan.get("attribute"),
                skill=plan.get("skill"),
                aptitude=plan.get("aptitude"),
            )
    async with db.read() as uow:
        existing = {(o.piece_type, o.piece_id): o for o in await uow.orders.list_for_turn(turn)}
    for (kind, piece_id), plan in sorted(planned.items()):
        order = existing[(kind, piece_id)]
        if order.action_type in ("freeform", "initiate_conflict") and order.dc is None:
            await orders.set_dc(GM, kind, piece_id, plan["dc"])
        if order.manual_modifier != plan["manual"]:
            await orders.set_manual_modifier(GM, kind, piece_id, plan["manual"])
    async with db.read() as uow:
        active = {
            (s.declaring_faction_id, s.target_faction_id)
            for s in await uow.factions.list_support(turn)
        }
    for declaring, target in (
        ("house_valcourt", "order_of_the_tide"),
        ("order_of_the_tide", "house_valcourt"),
    ):
        wanted = random.Random(f"{seed}|{turn}|support|{declaring}").random() < 0.7
        if wanted != ((declaring, target) in active):
            await orders.set_support(GM, target, wanted, faction_id=declaring)


def ruling_for(seed: int, conflict: dbr.Conflict) -> Ruling:
    """win / draw / special from (seed, conflict id) alone."""
    r = random.Random(f"{seed}|ruling|{conflict.id}")
    principals = sorted(f.faction_id for f in conflict.factions if f.role != "ally")
    kind = r.choice(("win", "win", "draw", "special"))
    if kind == "special":
        choices = {}
        for p in sorted(conflict.pieces, key=lambda p: (p.piece_type, p.piece_id)):
            proceed = r.random() < 0.6
            choices[PieceRef(p.piece_type, p.piece_id)] = SpecialChoice(
                proceed, r.choice((0, -1, -3)) if proceed else 0
            )
        return Ruling(special=choices, notes="special ruling")
    if kind == "draw":
        return Ruling(dict.fromkeys(principals, Outcome.DRAW), notes="a draw")
    winner = r.choice(principals)
    return Ruling(
        {f: Outcome.WIN if f == winner else Outcome.LOSS for f in principals},
        notes=f"{winner} prevails",
    )


async def rule_pending(db: Database, turns: TurnService, turn: int, seed: int) -> None:
    async with db.read() as uow:
        conflicts = await uow.conflicts.list_for_turn(turn)
    for conflict in conflicts:
        if conflict.resolution_status == "pending":
            await turns.rule(conflict.id, ruling_for(seed, conflict), GM_ID)


async def play(db: Database, turns_total: int, seed: int, probe: Probe) -> None:
    # Backups off: a backup costs ~0.1 s of fsyncs per advance here, and what is compared
    # after the kills is the campaign file; backups are tested in test_preview_rollback.
    orders = OrderService(db)
    turns = TurnService(db, backups_dir=None)
    while True:
        status = await turns.status()
        turn, phase = status.turn, status.phase
        if phase is Phase.ASSIGNMENT:
            if turn > turns_total:
                return
            probe.enter(f"T{turn}:orders")
            await give_orders(db, orders, turn, seed)
        elif phase is Phase.CONFLICT_RESOLUTION:
            probe.enter(f"T{turn}:rulings")
            await rule_pending(db, turns, turn, seed)
        probe.enter(f"T{turn}:advance@{phase.value}")
        await turns.advance(GM_ID)


async def run(args: argparse.Namespace, probe: Probe) -> None:
    db = Database(args.db)
    await db.open()
    try:
        await migrate(db, backup_dir=None)
        await play(db, args.turns, args.seed, probe)
    finally:
        await db.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("db", type=Path)
    parser.add_argument("--turns", type=int, required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--kill")
    parser.add_argument("--trace", type=Path)
    args = parser.parse_args()
    kill = None
    if args.kill:
        region, k = args.kill.rsplit(":", 1)
        kill = (region, int(k))
    probe = Probe(kill)
    probe.install()
    asyncio.run(run(args, probe))
    if args.trace:
        args.trace.write_text(json.dumps(probe.trace), encoding="utf-8")


if __name__ == "__main__":
    main()
