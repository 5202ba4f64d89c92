"""``python -m bot``: read settings, configure logging, run the bot."""

from __future__ import annotations

import sys

from bot.config import SettingsError, load_settings

MISSING_TOKEN = (
    "DISCORD_TOKEN is not set: put DISCORD_TOKEN=<your bot token> in .env "
    "(see .env.example) or export it in the environment."
)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if argv and argv[0] == "demo":
        from bot.demo import run_demo

        return run_demo(argv[1:])
    if not settings.token:
        print(MISSING_TOKEN, file=sys.stderr)
        return 2
    from bot.runner import run_bot

    return run_bot(settings)


if __name__ == "__main__":
    raise SystemExit(main())
