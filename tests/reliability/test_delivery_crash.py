"""Crash anywhere, deliveries included: SIGKILL between "sent" and "marked", inside drains,
inside the DM-closed fallback and inside the phase that queues the reports; resume; the
same game, every report delivered, none twice.

tests/pipeline/test_crash.py kills the seeded three-turn game inside every phase (its
kill points are the pipeline's). This module plays the same game with its outbox drained
after every advance (``delivery_driver``: the delivery service over a transport that posts
to a SQLite "Discord" applying Discord's enforce_nonce rule) and kills it at the points
that only deliveries have. After the last resume:
- the campaign file equals the uninterrupted run's, table for table;
- "Discord" holds exactly the uninterrupted run's messages: each recipient got each
  message once, although the killed runs did post some of them twice (the nonce absorbed
  the resends, which the attempt log shows);
- every outbox row is delivered, or undeliverable because the member's DMs are closed and
  its faction-channel copy was delivered;
- ``PRAGMA integrity_check`` is ok after every kill.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bot.services.deliveries import DeliveryService
from db.database import Database
from tests.pipeline.conftest import dump_file, import_harbor, open_db
from tests.pipeline.test_crash import integrity
from tests.reliability.delivery_driver import CLOSED_DMS, FACTION_CHANNELS, prepare

REPO = Path(__file__).resolve().parents[2]
TURNS = 3
PLAYERS_SEED = 11  # crash_driver's players and GM


def run_driver(db: Path, ledger: Path, *, kill: str | None = None, trace: Path | None = None):
    command = [sys.executable, "-m", "tests.reliability.delivery_driver", str(db), str(ledger),
               "--turns", str(TURNS), "--seed", str(PLAYERS_SEED)]  # fmt: skip
    if kill is not None:
        command += ["--kill", kill]
    if trace is not None:
        command += ["--trace", str(trace)]
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)


def kill_points(trace: dict) -> list[str]:
    """In trace order. For every drain that sends something: before its first message, and
    right after its first row's last message reached Discord (sent, not marked); every
    multi-message row between its parts; every DM-closed fallback halfway through its
    transaction, and its channel copy sent-not-marked; and every turn's last write of
    turn_completion, the phase that queues the reports (before their rows commit)."""
    events: list[str] = trace["events"]
    counts = {region: count for region, count, *_ in trace["regions"]}
    parts: Counter[str] = Counter(e.split(":")[1] for e in events if e.startswith("sent:"))
    points: list[str] = []
    region, first_row, forwarded = "", None, False
    for event in events:
        if event.startswith("region "):
            region, first_row = event.removeprefix("region "), None
            if region.startswith("forward:"):
                points.append(f"{region}:2")
                forwarded = True
            elif region.endswith(":turn_completion") and counts.get(region, 0) >= 2:
                points.append(f"{region}:{counts[region]}")
            continue
        kind, row, *part = event.split(":")
        if kind == "send" and first_row is None and "deliveries@" in region:
            first_row = row
            points.append(event)
        elif kind == "sent":
            last = int(part[0]) == parts[row] - 1
            if not last or (row == first_row and "deliveries@" in region) or forwarded:
                points.append(event)
            if last:
                forwarded = False
    return points


def crash_chain(template: Path, db: Path, ledger: Path, points: list[str]) -> list[str]:
    shutil.copy(template, db)
    problems = []
    for point in points:
        result = run_driver(db, ledger, kill=point)
        if result.returncode != -signal.SIGKILL:
            problems.append(
                f"{point}: exit {result.returncode}, not killed\n{result.stderr[-2000:]}"
            )
            break
        verdict = integrity(db)
        if verdict != "ok":
            problems.append(f"{point}: integrity {verdict}")
    final = run_driver(db, ledger)
    if final.returncode != 0:
        problems.append(f"final run: exit {final.returncode}\n{final.stderr[-2000:]}")
    return problems


def ledger_rows(path: Path) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, int]]]:
    con = sqlite3.connect(path)
    try:
        messages = con.execute("SELECT channel, nonce, body FROM messages ORDER BY id").fetchall()
        attempts = con.execute(
            "SELECT channel, nonce, created FROM attempts ORDER BY id"
        ).fetchall()
    finally:
        con.close()
    return messages, attempts


async def expected_messages(path: Path) -> tuple[Counter[tuple[str, str]], list[str]]:
    """What every outbox row should have put where, by the service's own rendering (its
    nonces included), and what is wrong with any row's final status."""
    db = Database(path)
    await db.open()
    try:
        service = DeliveryService(db)
        async with db.read() as uow:
            rows = await uow.outbox.undelivered() + [
                d for t in range(1, TURNS + 2) for d in await uow.outbox.for_turn(t)
            ]
            gm_channel = (await uow.settings.get()).gm_channel_id
        expected: Counter[tuple[str, str]] = Counter()
        problems = []
        seen = set()
        for row in rows:
            if row.id in seen:
                continue
            seen.add(row.id)
            if row.status == "undeliverable":
                closed = row.recipient_type == "user" and row.recipient_id in CLOSED_DMS
                if not (closed and "sent to the faction channel instead" in (row.last_error or "")):
                    problems.append(f"row {row.id} undeliverable: {row.last_error}")
                continue
            if row.status != "delivered":
                problems.append(f"row {row.id} is {row.status}: {row.last_error}")
                continue
            where = (
                f"dm:{row.recipient_id}"
                if row.recipient_type == "user"
                else f"channel:{row.recipient_id or gm_channel}"
            )
            for message in service.messages_for(row):
                expected[(where, str(message.nonce))] += 1
        return expected, problems
    finally:
        await db.close()


@pytest.mark.slow  # ~12 s on two cores; still part of the default run
async def test_deliveries_survive_kills_between_sent_and_marked(tmp_path: Path) -> None:
    template = tmp_path / "template.sqlite3"
    db = await open_db(template)
    await import_harbor(db)
    await prepare(db)
    await db.close()

    reference, reference_ledger = tmp_path / "reference.sqlite3", tmp_path / "reference-ledger"
    trace_file = tmp_path / "trace.json"
    shutil.copy(template, reference)
    result = run_driver(reference, reference_ledger, trace=trace_file)
    assert result.returncode == 0, result.stderr
    points = kill_points(json.loads(trace_file.read_text(encoding="utf-8")))
    kinds = Counter(p.split(":")[0] for p in points)
    assert len(points) >= 20 and kinds["forward"] == TURNS, points
    assert kinds["send"] >= 2 * TURNS and kinds["sent"] >= 3 * TURNS, points

    chains = [points[0::2], points[1::2]]
    outcomes = await asyncio.gather(
        *(
            asyncio.to_thread(
                crash_chain,
                template,
                tmp_path / f"crash-{i}.sqlite3",
                tmp_path / f"ledger-{i}",
                chain,
            )  # fmt: skip
            for i, chain in enumerate(chains)
        )
    )
    assert outcomes == [[], []]

    expected_tables = dump_file(reference)
    reference_messages, reference_attempts = ledger_rows(reference_ledger)
    assert all(created for *_, created in reference_attempts)  # no resend without a crash
    wanted, problems = await expected_messages(reference)
    assert problems == []
    assert Counter((c, n) for c, n, _ in reference_messages) == wanted
    assert {c for c, _ in wanted} >= {f"channel:{FACTION_CHANNELS['order_of_the_tide']}"}
    for i in range(len(chains)):
        crashed = tmp_path / f"crash-{i}.sqlite3"
        got = dump_file(crashed)
        for table in expected_tables:
            assert got[table] == expected_tables[table], f"chain {i}: table {table} differs"
        messages, attempts = ledger_rows(tmp_path / f"ledger-{i}")
        assert sorted(messages) == sorted(reference_messages), f"chain {i}: Discord differs"
        # Each recipient got each message once: same text twice in one channel never happens.
        assert len({(c, body) for c, _, body in messages}) == len(messages)
        resends = [a for a in attempts if not a[2]]
        assert resends, f"chain {i}: no kill fell between sent and marked"
        assert {(c, n) for c, n, _ in resends} <= {(c, n) for c, n, _ in messages}
