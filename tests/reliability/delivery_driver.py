"""The seeded crash game of tests/pipeline/crash_driver.py, with its deliveries drained after
every advance as the bot's delivery worker does; optionally killed at one chosen point.

    python -m tests.reliability.delivery_driver DB LEDGER --turns N --seed S
        [--kill POINT] [--trace OUT]

The players, the GM and the kill machinery are crash_driver's (``give_orders``,
``rule_pending``, ``Probe``). What this adds is the other side of the wire: ``Ledger``, a
SQLite file standing in for Discord, which keeps every message "Discord" accepted and
applies Discord's documented ``enforce_nonce`` rule (a message whose nonce the same author
already used is not created again: the first one is returned). Every POST is also logged,
deduplicated or not, so a test can see that resends happened and were absorbed.

Kill points (``--kill``), all stable across resumes:
- ``send:<row>`` just before the first message of outbox row <row> is posted;
- ``sent:<row>:<part>`` just after "Discord" committed message <part> of row <row>, before
  anything else happens (for the last part: the window between "sent" and "marked");
- ``REGION:K`` before the K-th write statement of a region, as in crash_driver; besides its
  regions, ``forward:<row>`` is the transaction that marks a DM-closed row undeliverable
  and queues its faction-channel copy (K=2: the first write done, the second not).
``--trace OUT`` writes the regions with their write counts and every delivery event, in
order, as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.rules.model import Phase
from bot.services.deliveries import DeliveryService, Outgoing, Unreachable
from bot.services.orders import OrderService
from bot.services.turn import TurnService
from db import records as dbr
from db.database import Database
from db.migrations import migrate
from tests.pipeline.crash_driver import GM_ID, Probe, give_orders, rule_pending

BOT = "bot"
# The Order of the Tide's only member has closed DMs: its reports go to the faction channel.
CLOSED_DMS = frozenset({3001})
FACTION_CHANNELS = {
    "lantern_guild": 6101,
    "brine_syndicate": 6102,
    "order_of_the_tide": 6103,
    "house_valcourt": 6104,
}


class Ledger:
    """Discord's side: messages it created, and every attempt it received."""

    def __init__(self, path: Path) -> None:
        self.con = sqlite3.connect(path, isolation_level=None)
        self.con.executescript(
            "PRAGMA synchronous = OFF;"  # a SIGKILL loses no OS buffers
            "CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, author TEXT NOT NULL,"
            " channel TEXT NOT NULL, nonce TEXT NOT NULL, body TEXT NOT NULL,"
            " UNIQUE (author, nonce));"
            "CREATE TABLE IF NOT EXISTS attempts (id INTEGER PRIMARY KEY, channel TEXT NOT NULL,"
            " nonce TEXT NOT NULL, created INTEGER NOT NULL);"
        )

    def post(self, channel: str, message: Outgoing) -> bool:
        """Create the message unless this author already sent one with this nonce (Discord's
        enforce_nonce); True when a new message was created. Committed before returning."""
        body = json.dumps(
            {"content": message.content, "embeds": list(message.embeds)}, sort_keys=True
        )
        nonce = str(message.nonce)
        with self.con:
            seen = self.con.execute(
                "SELECT 1 FROM messages WHERE author=? AND nonce=?", (BOT, nonce)
            ).fetchone()
            if seen is None:
                self.con.execute(
                    "INSERT INTO messages (author, channel, nonce, body) VALUES (?, ?, ?, ?)",
                    (BOT, channel, nonce, body),
                )
            self.con.execute(
                "INSERT INTO attempts (channel, nonce, created) VALUES (?, ?, ?)",
                (channel, nonce, int(seen is None)),
            )
        return seen is None


class DeliveryProbe(Probe):
    """crash_driver's write counter, plus delivery events with stable identities."""

    def __init__(self, kill: str | None) -> None:
        region_kill = None
        if kill and not kill.startswith(("send:", "sent:")):
            region, k = kill.rsplit(":", 1)
            region_kill = (region, int(k))
        super().__init__(region_kill)
        self.event_kill = kill if kill and kill.startswith(("send:", "sent:")) else None
        self.events: list[str] = []

    def enter(self, region: str) -> None:
        super().enter(region)
        self.events.append(f"region {region}")

    def event(self, name: str) -> None:
        self.events.append(name)
        if name == self.event_kill:
            os.kill(os.getpid(), signal.SIGKILL)


class LedgerTransport:
    """The delivery service's Transport, posting to the Ledger instead of Discord."""

    def __init__(self, ledger: Ledger, probe: DeliveryProbe) -> None:
        self.ledger = ledger
        self.probe = probe
        self.row: dbr.Delivery | None = None

    async def send_to_user(self, user_id: int, messages: Sequence[Outgoing]) -> None:
        if user_id in CLOSED_DMS:
            raise Unreachable("DMs closed (Discord 50007)")
        self._send(f"dm:{user_id}", messages)

    async def send_to_channel(self, channel_id: int, messages: Sequence[Outgoing]) -> None:
        self._send(f"channel:{channel_id}", messages)

    def _send(self, channel: str, messages: Sequence[Outgoing]) -> None:
        assert self.row is not None
        for part, message in enumerate(messages):
            if part == 0:
                self.probe.event(f"send:{self.row.id}")
            self.ledger.post(channel, message)
            self.probe.event(f"sent:{self.row.id}:{part}")


def instrument(service: DeliveryService, transport: LedgerTransport, probe: DeliveryProbe) -> None:
    """Tell the transport which row it is sending and give each forward its own region."""
    deliver, unreachable = service._deliver, service._unreachable

    async def tracked_deliver(row: dbr.Delivery, *args: Any) -> None:
        transport.row = row
        await deliver(row, *args)

    async def forward_region(row: dbr.Delivery, *args: Any) -> None:
        probe.enter(f"forward:{row.id}")
        await unreachable(row, *args)

    service._deliver = tracked_deliver  # type: ignore[method-assign]
    service._unreachable = forward_region  # type: ignore[method-assign]


async def drain(service: DeliveryService, transport: LedgerTransport) -> None:
    """Until nothing new appears, as bot.delivery_worker does (forwarded copies are new rows)."""
    while (await service.drain(transport)).forwarded:
        pass


async def prepare(db: Database) -> None:
    """Private channels for every faction (the DM-closed fallback needs one)."""
    async with db.transaction() as uow:
        for faction_id, channel in FACTION_CHANNELS.items():
            await uow.settings.set_faction_channel(faction_id, channel)


async def play(
    db: Database, turns_total: int, seed: int, probe: DeliveryProbe, ledger: Ledger
) -> None:
    orders = OrderService(db)
    turns = TurnService(db, backups_dir=None)  # as crash_driver: the file is what is compared
    deliveries = DeliveryService(db)
    transport = LedgerTransport(ledger, probe)
    instrument(deliveries, transport, probe)
    while True:
        status = await turns.status()
        turn, phase = status.turn, status.phase
        probe.enter(f"T{turn}:deliveries@{phase.value}")
        await drain(deliveries, transport)
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


async def run(args: argparse.Namespace, probe: DeliveryProbe) -> None:
    db = Database(args.db)
    await db.open()
    ledger = Ledger(args.ledger)
    try:
        await migrate(db, backup_dir=None)
        await play(db, args.turns, args.seed, probe, ledger)
    finally:
        ledger.con.close()
        await db.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("db", type=Path)
    parser.add_argument("ledger", type=Path)
    parser.add_argument("--turns", type=int, required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--kill")
    parser.add_argument("--trace", type=Path)
    args = parser.parse_args()
    probe = DeliveryProbe(args.kill)
    probe.install()
    asyncio.run(run(args, probe))
    if args.trace:
        args.trace.write_text(
            json.dumps({"regions": probe.trace, "events": probe.events}), encoding="utf-8"
        )


if __name__ == "__main__":
    main()
