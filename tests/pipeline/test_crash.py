"""Crash safety: SIGKILL at every phase boundary and inside phases, resume, same game.

A seeded three-turn game on harbor_city (``crash_driver``: random but legal orders, GM
DCs, manual modifiers, support flags and automatic rulings, all derived from the seed)
runs once uninterrupted in a subprocess. Then the same game runs again from the same
file, killed with SIGKILL at each kill point in turn and resumed by rerunning the driver,
until it finishes. Kill points: the first write of every region of the reference run
(every phase transaction, the order and ruling sequences, the advance's own first write
— i.e. every phase boundary) plus one point inside most regions. The final file must
equal the reference table for table (``VOLATILE_COLUMNS`` left out: wall-clock times and
the backup file names built from them); ``PRAGMA integrity_check`` must be ok after every
kill; the outbox must hold each delivery once.

Two independent kill chains (alternate kill points) run side by side, one per core.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.rules.model import Phase
from tests.pipeline.conftest import dump_file, import_harbor, open_db

REPO = Path(__file__).resolve().parents[2]
TURNS = 3
PLAYERS_SEED = 11  # the driver's players and GM; the game's own draws use the campaign seed


def run_driver(db: Path, *, kill: tuple[str, int] | None = None, trace: Path | None = None):
    command = [sys.executable, "-m", "tests.pipeline.crash_driver", str(db),
               "--turns", str(TURNS), "--seed", str(PLAYERS_SEED)]  # fmt: skip
    if kill is not None:
        command += ["--kill", f"{kill[0]}:{kill[1]}"]
    if trace is not None:
        command += ["--trace", str(trace)]
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)


def integrity(path: Path) -> str:
    con = sqlite3.connect(path)  # recovers the WAL the killed process left behind
    try:
        return "; ".join(r[0] for r in con.execute("PRAGMA integrity_check"))
    finally:
        con.close()


def kill_points(trace: list[list]) -> list[tuple[str, int]]:
    """Every region's first write (every phase boundary), plus inside points: the middle
    of each turn's order and ruling sequences (many small transactions, half committed)
    and, for each automatic phase in one turn out of three (rotating), its last write
    (everything but the commit done) or a middle one."""
    points: list[tuple[str, int]] = []
    phase_names = [p.value for p in Phase]
    for region, count in trace:
        if count < 1:
            continue
        points.append((region, 1))
        turn, name = region.split(":", 1)
        if name in ("orders", "rulings") and count >= 2:
            points.append((region, count // 2 + 1))
        elif name in phase_names and count >= 3:
            rotation = (phase_names.index(name) + int(turn[1:])) % 3
            if rotation == 0:
                points.append((region, count))
            elif rotation == 1 and count >= 4:
                points.append((region, count // 2 + 1))
    return points


def crash_chain(template: Path, target: Path, points: list[tuple[str, int]]) -> list[str]:
    """Kill at each point in turn, resuming each time; returns what went wrong."""
    shutil.copy(template, target)
    problems = []
    for point in points:
        result = run_driver(target, kill=point)
        if result.returncode != -signal.SIGKILL:
            problems.append(
                f"{point}: exit {result.returncode}, not killed\n{result.stderr[-2000:]}"
            )
            break
        verdict = integrity(target)
        if verdict != "ok":
            problems.append(f"{point}: integrity {verdict}")
    final = run_driver(target)
    if final.returncode != 0:
        problems.append(f"final run: exit {final.returncode}\n{final.stderr[-2000:]}")
    return problems


@pytest.mark.slow  # ~15 s on two idle cores; still part of the default run
async def test_a_killed_and_resumed_game_ends_exactly_as_an_uninterrupted_one(
    tmp_path: Path,
) -> None:
    template = tmp_path / "template.sqlite3"
    db = await open_db(template)
    await import_harbor(db)
    await db.close()

    reference, trace_file = tmp_path / "reference.sqlite3", tmp_path / "trace.json"
    shutil.copy(template, reference)
    result = run_driver(reference, trace=trace_file)
    assert result.returncode == 0, result.stderr
    trace = json.loads(trace_file.read_text(encoding="utf-8"))
    regions = [region for region, _ in trace]
    for turn in range(1, TURNS + 1):  # the game exercises every phase and a ruling each turn
        assert f"T{turn}:rulings" in regions and f"T{turn}:turn_completion" in regions
    points = kill_points(trace)
    assert len(points) >= 20

    chains = [points[0::2], points[1::2]]
    outcomes = await asyncio.gather(
        *(
            asyncio.to_thread(crash_chain, template, tmp_path / f"crash-{i}.sqlite3", chain)
            for i, chain in enumerate(chains)
        )
    )
    assert outcomes == [[], []]

    expected = dump_file(reference)
    assert expected["delivery_outbox"] and expected["conflict_resolutions"]
    for i in range(len(chains)):
        crashed = tmp_path / f"crash-{i}.sqlite3"
        got = dump_file(crashed)
        assert sorted(got) == sorted(expected)
        for table in expected:
            assert got[table] == expected[table], f"chain {i}: table {table} differs"
        con = sqlite3.connect(crashed)
        try:
            duplicates = con.execute(
                "SELECT turn_number, kind, faction_id, recipient_type, recipient_id, COUNT(*) "
                "FROM delivery_outbox GROUP BY 1, 2, 3, 4, 5 HAVING COUNT(*) > 1"
            ).fetchall()
            keys = con.execute(
                "SELECT COUNT(*), COUNT(DISTINCT dedupe_key) FROM delivery_outbox"
            ).fetchone()
        finally:
            con.close()
        assert duplicates == [] and keys[0] == keys[1]
