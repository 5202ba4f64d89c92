"""Validation and id helpers for the GM's setup operations.

Each check raises ``InvalidRequest`` naming the field and the allowed values, so
the GM learns what to type instead of meeting a database constraint.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

from bot.services.errors import InvalidRequest

MAX_NAME = 100
MAX_TEXT = 2000
_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(name: str, fallback: str) -> str:
    """Readable id: lowercase ``[a-z0-9-]``; ``fallback`` when nothing readable is left."""
    slug = _NON_SLUG.sub("-", name.lower()).strip("-")
    return slug[:60].rstrip("-") or fallback


def unique_slug(name: str, taken: Iterable[str], fallback: str) -> str:
    """``slug``, else ``slug-2``, ``slug-3``... the first one not taken."""
    base = slugify(name, fallback)
    used = set(taken)
    if base not in used:
        return base
    n = 2
    while f"{base}-{n}" in used:
        n += 1
    return f"{base}-{n}"


def check_name(label: str, value: object, max_len: int = MAX_NAME) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequest(f"The {label} cannot be empty.")
    text = value.strip()
    if len(text) > max_len:
        raise InvalidRequest(
            f"The {label} is {len(text)} characters long; at most {max_len} are allowed."
        )
    return text


def check_optional_text(label: str, value: object, max_len: int = MAX_TEXT) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidRequest(f"The {label} must be text.")
    if len(value) > max_len:
        raise InvalidRequest(
            f"The {label} is {len(value)} characters long; at most {max_len} are allowed."
        )
    return value


def check_int(label: str, value: object, lo: int | None, hi: int | None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidRequest(f"The {label} must be a whole number (got {value!r}).")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        if hi is None:
            allowed = f"at least {lo}"
        elif lo is None:
            allowed = f"at most {hi}"
        else:
            allowed = f"from {lo} to {hi}"
        raise InvalidRequest(f"The {label} must be {allowed} (got {value}).")
    return value


def check_number(label: str, value: object, lo: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < lo:
        raise InvalidRequest(f"The {label} must be a number of at least {lo} (got {value!r}).")
    return float(value)


def check_choice(label: str, value: object, allowed: Collection[str]) -> str:
    if value not in allowed:
        raise InvalidRequest(f"Unknown {label} '{value}'. Choose one of: {', '.join(allowed)}.")
    return str(value)


def check_color(value: object) -> str:
    if not isinstance(value, str) or not _COLOR.match(value):
        raise InvalidRequest(f"The colour must look like #RRGGBB, e.g. #3498db (got {value!r}).")
    return value.lower()


def check_discord_id(label: str, value: object) -> int | None:
    """Discord snowflakes are positive 64-bit integers; None clears the setting."""
    if value is None:
        return None
    return check_int(label, value, 1, 2**63 - 1)
