"""Snowflake ids and tokens, so discord.py's snowflake_time() gives sane dates."""

from __future__ import annotations

import itertools
import secrets
import time

DISCORD_EPOCH_MS = 1420070400000
_counter = itertools.count(1)


def snowflake() -> str:
    """A fresh, strictly increasing snowflake id as Discord sends it (a string)."""
    millis = int(time.time() * 1000) - DISCORD_EPOCH_MS
    return str((millis << 22) | (next(_counter) & 0x3FFFFF))


def token() -> str:
    """An opaque interaction/session token."""
    return secrets.token_urlsafe(24)


def iso_now() -> str:
    """The ISO-8601 timestamp format Discord uses in payloads."""
    return time.strftime("%Y-%m-%dT%H:%M:%S.000000+00:00", time.gmtime())
