"""The end-to-end tests share the bot suite's running table (tests/bot/conftest.py)."""

from tests.bot.conftest import table

__all__ = ["table"]
