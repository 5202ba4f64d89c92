"""`python -m bot demo` as a newcomer runs it: a subprocess, no token, no network."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_demo_plays_a_turn_and_writes_the_maps(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DISCORD_")}
    out = tmp_path / "maps"
    done = subprocess.run(
        [sys.executable, "-m", "bot", "demo", "--out", str(out)],
        cwd=tmp_path,  # no .env, no data folder: nothing of the developer's leaks in
        env={**env, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    text = done.stdout
    for expected in (
        "gm › /campaign import file:harbor_city.toml",
        "alice › /orders agent piece:odo-brask task:take_influence",
        "belongs to another faction",  # carla's refused order
        "These orders still need a DC",  # the advance refused until the GM sets it
        "gm › clicks [",  # the conflict ruled with its button
        "Turn 1 is complete; turn 2 orders are open",
        "alice's DMs ‹ 1 message(s)",
        "#order-of-the-tide ‹ new message",  # Dmitri's DMs are closed
        "turn 2 is open for orders",  # the public notice in the news channel
        "Demo finished",
    ):
        assert expected in text, f"missing {expected!r} in the transcript"
    maps = sorted(p.name for p in out.glob("*.png"))
    assert maps == [
        "map-turn-1-brine_syndicate.png",
        "map-turn-1-gm.png",
        "map-turn-1-lantern_guild.png",
        "map-turn-1-order_of_the_tide.png",
    ]
    assert all((out / m).read_bytes().startswith(b"\x89PNG") for m in maps)
    assert not (tmp_path / "data").exists()  # the demo's campaign lived in a temp folder
