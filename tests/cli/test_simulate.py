"""``campaign-cli simulate``: whole turns through the real turn pipeline."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.cli.conftest import MINIMAL, Runner


def test_simulate_two_turns_on_the_minimal_campaign(cli: Runner, tmp_path: Path) -> None:
    kept, out = tmp_path / "sim.sqlite3", tmp_path / "turns.json"
    args = ("simulate", str(MINIMAL), "--turns", "2", "--seed", "7")
    result = cli(*args, "--db", str(kept), "--json", str(out), data=False)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["turn 1", "turn 2"]
    assert result.err.splitlines()[-1].startswith("turn 2 done (2/2")
    turns = json.loads(out.read_text(encoding="utf-8"))
    assert [t["turn"] for t in turns] == [1, 2]
    assert all(t["orders"] == 4 for t in turns)  # every piece of both factions, each turn
    assert all(set(t["influence"]) == {"red", "blue"} for t in turns)
    con = sqlite3.connect(kept)
    try:
        assert con.execute("SELECT current_turn, current_phase FROM game_state").fetchone() == (
            3,
            "assignment",
        )
        totals = dict(
            con.execute(
                "SELECT faction_id, SUM(influence_value) FROM influence_snapshots "
                "WHERE turn_number = 2 GROUP BY faction_id"
            ).fetchall()
        )
        assert con.execute("SELECT COUNT(*) FROM actions WHERE turn_number = 2").fetchone() == (4,)
    finally:
        con.close()
    assert turns[1]["influence"] == {f: totals.get(f, 0) for f in ("red", "blue")}
    # Same file, same seed: the same run.
    again = cli(*args, data=False)
    assert again.code == 0 and again.out == result.out


def test_simulate_refuses_bad_arguments(cli: Runner, tmp_path: Path) -> None:
    zero = cli("simulate", str(MINIMAL), "--turns", "0", "--seed", "1", data=False)
    assert zero.code == 1 and "--turns must be at least 1" in zero.err
    existing = tmp_path / "exists.sqlite3"
    existing.write_bytes(b"")
    taken = cli(
        "simulate", str(MINIMAL), "--turns", "1", "--seed", "1", "--db", str(existing), data=False
    )
    assert taken.code == 1 and "already exists" in taken.err
    missing = cli("simulate", str(tmp_path / "x.toml"), "--turns", "1", "--seed", "1", data=False)
    assert missing.code == 1 and "no such campaign file" in missing.err
