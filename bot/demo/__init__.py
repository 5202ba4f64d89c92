"""``python -m bot demo``: the real bot against the local Discord emulator, one full turn.

No token and no network: the emulator listens on 127.0.0.1, the bot is the same
CampaignBot that runs against Discord, and the campaign is examples/harbor_city.toml.
A GM sets the server up and runs the turn; four players order their pieces; one
conflict is ruled with its buttons; every member gets their faction's report by DM
(one has DMs closed and gets it in the faction channel). The transcript goes to
stdout and the maps to a folder.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
import time
from pathlib import Path

from bot.demo.script import play

DEFAULT_OUT = Path("demo-output")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bot demo",
        description="Play one scripted turn of the sample campaign against a local Discord "
        "emulator and print what everyone saw.",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="folder for the map images (demo-output)"
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="keep the campaign database here (default: a temporary folder, deleted after)",
    )
    parser.add_argument("--verbose", action="store_true", help="show the bot's log lines too")
    return parser.parse_args(argv)


def run_demo(argv: list[str]) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.ERROR,
        format="%(levelname)s %(name)s: %(message)s",
    )
    started = time.perf_counter()
    if args.data_dir is not None:
        asyncio.run(play(args.data_dir, args.out))
    else:
        with tempfile.TemporaryDirectory(prefix="campaign-demo-") as tmp:
            asyncio.run(play(Path(tmp), args.out))
    print(f"\nDemo finished in {time.perf_counter() - started:.1f} s; maps in {args.out}/")
    return 0
