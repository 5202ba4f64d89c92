"""``python -m bot.campaign FILE...``: check campaign files without a database."""

from __future__ import annotations

import sys
from pathlib import Path

from bot.campaign.parse import check
from bot.campaign.summary import summary


def main(argv: list[str] | None = None) -> int:
    paths = sys.argv[1:] if argv is None else argv
    if not paths:
        print("usage: python -m bot.campaign CAMPAIGN.toml [...]", file=sys.stderr)
        return 2
    status = 0
    for path in paths:
        result = check(Path(path))
        print(f"== {path}")
        for problem in result.problems:
            print(f"error: {problem}")
        for warning in result.warnings:
            print(f"warning: {warning}")
        if result.campaign is None:
            status = 1
        else:
            print(summary(result.campaign))
    return status


if __name__ == "__main__":
    raise SystemExit(main())
