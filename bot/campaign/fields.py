"""A lenient reader for one TOML table that records problems instead of raising.

Every getter returns a usable fallback (the default, or a neutral value) when the
field is missing or wrong, and appends a Problem. That lets the parser carry on
and report every mistake in the file at once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable
from typing import Any

from bot.campaign.problems import Problem

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
COLOR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")
MAX_SNOWFLAKE = 2**64 - 1
KEY_RULE = "a slug of 1-40 characters: lower-case letters, digits, '-' or '_', starting with a letter or digit"


def type_name(value: object) -> str:
    """The TOML name of a Python value, for messages."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "table"
    return type(value).__name__


class Fields:
    """The fields of one table at ``where``; unknown field names are problems too."""

    def __init__(
        self,
        table: object,
        where: str,
        problems: list[Problem],
        allowed: Collection[str],
        *,
        entity: str | None = None,
    ) -> None:
        self.where = where
        self.entity = where if entity is None else entity
        self.problems = problems
        # A non-table entity is one problem, not one per required field.
        self.broken = not isinstance(table, dict)
        if not isinstance(table, dict):
            self._add("", f"must be a table, not {type_name(table)}")
            table = {}
        self.table: dict[str, Any] = table
        for name in table:
            if name not in allowed:
                self._add(name, f"unknown field; allowed: {', '.join(sorted(allowed))}")

    # -- plumbing ---------------------------------------------------------------
    def location(self, name: str) -> str:
        if not self.where:
            return name
        return f"{self.where}.{name}" if name else self.where

    def field_path(self, name: str) -> str:
        prefix = self.where[len(self.entity) :].lstrip(".")
        return ".".join(p for p in (prefix, name) if p)

    def _add(self, name: str, message: str) -> None:
        self.problems.append(Problem(self.location(name), self.field_path(name), message))

    def problem(self, name: str, message: str) -> None:
        """Record a problem found by the caller about field ``name``."""
        self._add(name, message)

    def has(self, name: str) -> bool:
        return name in self.table

    def raw(self, name: str) -> Any:
        return self.table.get(name)

    def child(self, name: str, allowed: Collection[str]) -> Fields | None:
        """A sub-table reader, or None when the field is absent."""
        if name not in self.table:
            return None
        return Fields(
            self.table[name], self.location(name), self.problems, allowed, entity=self.entity
        )

    def _missing(self, name: str, required: bool, what: str) -> bool:
        if name in self.table:
            return False
        if required and not self.broken:
            self._add(name, f"is required ({what})")
        return True

    # -- scalars ----------------------------------------------------------------
    def text(
        self, name: str, *, required: bool = False, default: str = "", max_len: int = 1000
    ) -> str:
        what = (
            f"text of 1-{max_len} characters"
            if required
            else f"text of at most {max_len} characters"
        )
        if self._missing(name, required, what):
            return default
        value = self.table[name]
        if not isinstance(value, str):
            self._add(name, f"must be {what}, not {type_name(value)}")
            return default
        if required and not value.strip():
            self._add(name, f"must not be empty ({what})")
        elif len(value) > max_len:
            self._add(name, f"is {len(value)} characters long; at most {max_len} allowed")
        return value

    def optional_text(self, name: str, *, max_len: int) -> str | None:
        if name not in self.table:
            return None
        return self.text(name, max_len=max_len)

    def key(self, name: str, *, required: bool = True) -> str:
        if self._missing(name, required, KEY_RULE):
            return ""
        value = self.table[name]
        if not isinstance(value, str) or not KEY_PATTERN.match(value):
            shown = repr(value) if isinstance(value, str) else type_name(value)
            self._add(name, f"{shown} is not a valid key: use {KEY_RULE}")
            return ""
        return value

    def optional_key(self, name: str) -> str | None:
        return self.key(name, required=False) or None if name in self.table else None

    def integer(
        self,
        name: str,
        lo: int | None,
        hi: int | None,
        *,
        default: int = 0,
        required: bool = False,
    ) -> int:
        what = _range_text(lo, hi)
        if self._missing(name, required, f"an integer {what}"):
            return default
        return self.check_integer(name, self.table[name], lo, hi, default=default)

    def check_integer(
        self, name: str, value: object, lo: int | None, hi: int | None, *, default: int = 0
    ) -> int:
        """Validate an integer found under ``name`` (also used for map values)."""
        what = _range_text(lo, hi)
        if isinstance(value, bool) or not isinstance(value, int):
            self._add(name, f"must be an integer {what}, not {type_name(value)}")
            return default
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            self._add(name, f"{value} is out of range; allowed: an integer {what}")
            return default
        return value

    def optional_integer(self, name: str, lo: int | None, hi: int | None) -> int | None:
        if name not in self.table:
            return None
        value = self.table[name]
        checked = self.check_integer(name, value, lo, hi, default=-1)
        return value if checked == value and not isinstance(value, bool) else None

    def number(
        self,
        name: str,
        lo: float,
        hi: float | None,
        *,
        default: float = 0.0,
        required: bool = False,
        lo_inclusive: bool = True,
    ) -> float:
        what = _number_range_text(lo, hi, lo_inclusive)
        if self._missing(name, required, f"a number {what}"):
            return default
        return self.check_number(name, self.table[name], lo, hi, default, lo_inclusive)

    def check_number(
        self,
        name: str,
        value: object,
        lo: float,
        hi: float | None,
        default: float,
        lo_inclusive: bool = True,
    ) -> float:
        what = _number_range_text(lo, hi, lo_inclusive)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self._add(name, f"must be a number {what}, not {type_name(value)}")
            return default
        number = float(value)
        above = number >= lo if lo_inclusive else number > lo
        if not math.isfinite(number) or not above or (hi is not None and number > hi):
            self._add(name, f"{value} is out of range; allowed: a number {what}")
            return default
        return number

    def boolean(self, name: str, *, default: bool = False) -> bool:
        if name not in self.table:
            return default
        value = self.table[name]
        if not isinstance(value, bool):
            self._add(name, f"must be true or false, not {type_name(value)}")
            return default
        return value

    def choice(
        self, name: str, options: Iterable[str], *, default: str = "", required: bool = False
    ) -> str:
        allowed = tuple(options)
        what = "one of " + ", ".join(allowed)
        if self._missing(name, required, what):
            return default
        value = self.table[name]
        if not isinstance(value, str) or value not in allowed:
            shown = repr(value) if isinstance(value, str) else type_name(value)
            self._add(name, f"{shown} is not allowed; use {what}")
            return default
        return value

    def color(self, name: str, *, default: str | None) -> str | None:
        if name not in self.table:
            return default
        value = self.table[name]
        if not isinstance(value, str) or not COLOR_PATTERN.match(value):
            shown = repr(value) if isinstance(value, str) else type_name(value)
            self._add(name, f"{shown} is not a colour; use '#RRGGBB' (hex digits)")
            return default
        return value.lower()

    def snowflake(self, name: str, *, required: bool = False) -> int | None:
        """A Discord id, written as an integer or a string of digits."""
        what = "a Discord id (integer or string of digits)"
        if self._missing(name, required, what):
            return None
        value = self.table[name]
        if isinstance(value, str) and value.isascii() and value.isdigit():
            number = int(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            self._add(name, f"must be {what}, not {type_name(value)}")
            return None
        if not 0 < number <= MAX_SNOWFLAKE:
            self._add(name, f"{number} is out of range; allowed: 1..{MAX_SNOWFLAKE}")
            return None
        return number

    # -- collections ------------------------------------------------------------
    def array(self, name: str) -> list[Any]:
        if name not in self.table:
            return []
        value = self.table[name]
        if not isinstance(value, list):
            self._add(name, f"must be an array, not {type_name(value)}")
            return []
        return value

    def mapping(self, name: str) -> dict[str, Any]:
        if name not in self.table:
            return {}
        value = self.table[name]
        if not isinstance(value, dict):
            self._add(name, f"must be a table, not {type_name(value)}")
            return {}
        return value

    def key_list(self, name: str) -> tuple[str, ...]:
        """An array of distinct keys (references are checked by the caller)."""
        keys: list[str] = []
        for index, item in enumerate(self.array(name)):
            spot = f"{name}[{index}]"
            if not isinstance(item, str) or not KEY_PATTERN.match(item):
                shown = repr(item) if isinstance(item, str) else type_name(item)
                self._add(spot, f"{shown} is not a valid key: use {KEY_RULE}")
            elif item in keys:
                self._add(spot, f"'{item}' is listed twice")
            else:
                keys.append(item)
        return tuple(keys)


def _range_text(lo: int | None, hi: int | None) -> str:
    if lo is not None and hi is not None:
        return f"{lo}..{hi}"
    if lo is not None:
        return f">= {lo}"
    if hi is not None:
        return f"<= {hi}"
    return ""


def _number_range_text(lo: float, hi: float | None, lo_inclusive: bool) -> str:
    low = f">= {lo:g}" if lo_inclusive else f"> {lo:g}"
    return f"{low} and <= {hi:g}" if hi is not None else low
