"""Shared repository plumbing: write guard, validation helpers, error translation."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from db import dialect
from db.errors import AlreadyExists, ConstraintViolation, DomainError, InvalidValue, ReadOnlyError
from db.executor import Executor, Params


class Repository:
    def __init__(self, sql: Executor) -> None:
        self.sql = sql

    # -- writes ----------------------------------------------------------------------------

    def _require_write(self, operation: str) -> None:
        if not self.sql.writable:
            raise ReadOnlyError(operation)

    async def _write(
        self, operation: str, sql: str, params: Params = (), *, entity: str = ""
    ) -> int:
        self._require_write(operation)
        try:
            return await self.sql.execute(sql, params)
        except sqlite3.IntegrityError as exc:
            raise _integrity(exc, entity, params) from exc

    async def _write_many(
        self, operation: str, sql: str, rows: Iterable[Params], *, entity: str = ""
    ) -> int:
        self._require_write(operation)
        try:
            return await self.sql.executemany(sql, rows)
        except sqlite3.IntegrityError as exc:
            raise _integrity(exc, entity, None) from exc


def _integrity(exc: sqlite3.IntegrityError, entity: str, params: Any) -> DomainError:
    text = str(exc)
    if entity and (text.startswith("UNIQUE constraint failed") or "PRIMARY KEY" in text):
        key = params[0] if isinstance(params, Sequence) and params else params
        return AlreadyExists(entity, key)
    if "FOREIGN KEY" in text:
        return ConstraintViolation(f"{entity or 'record'} refers to something that does not exist")
    return dialect.translate(exc)


# -- validation ----------------------------------------------------------------------------


def check_range(field: str, value: Any, lo: int | float, hi: int | float | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidValue(field, value, f"a number {lo}..{'' if hi is None else hi}")
    if value < lo or (hi is not None and value > hi):
        raise InvalidValue(field, value, f"{lo}..{hi}" if hi is not None else f">= {lo}")


def check_int(field: str, value: Any, lo: int, hi: int | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValue(field, value, "a whole number")
    check_range(field, value, lo, hi)


def check_choice(field: str, value: Any, choices: Sequence[str], *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if value not in choices:
        raise InvalidValue(field, value, choices)


def check_text(field: str, value: Any, max_len: int, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str) or len(value) > max_len:
        raise InvalidValue(field, value, f"text of at most {max_len} characters")


def check_nonempty(field: str, value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue(field, value, "non-empty text")


def placeholders(n: int) -> str:
    return ", ".join("?" * n)


def chunks(items: Sequence[Any], size: int = 500) -> Iterable[Sequence[Any]]:
    """SQLite caps bound parameters; IN (...) lists are split into chunks."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def b(value: Any) -> int:
    return 1 if value else 0
