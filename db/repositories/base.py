"""Shared repository plumbing: write guard, validation helpers, error translation."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager
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
        except (AlreadyExists, ConstraintViolation) as exc:
            raise _refine(exc, entity, params) from exc.__cause__

    async def _write_many(
        self, operation: str, sql: str, rows: Iterable[Params], *, entity: str = ""
    ) -> int:
        """All rows or none: a refused row undoes the rows written before it."""
        self._require_write(operation)
        rows = list(rows)
        try:
            if len(rows) <= 1:
                return await self.sql.executemany(sql, rows)
            async with self.sql.atomic():
                return await self.sql.executemany(sql, rows)
        except (AlreadyExists, ConstraintViolation) as exc:
            raise _refine(exc, entity, None) from exc.__cause__

    def atomic(self) -> AbstractAsyncContextManager[None]:
        """For a repository method of several statements: all of them or none."""
        return self.sql.atomic()


def _refine(exc: DomainError, entity: str, params: Any) -> DomainError:
    """Name the entity in a driver-level integrity error (the executor already typed it)."""
    kind = dialect.integrity_kind(exc.__cause__)
    if entity and kind == "unique":
        key = params[0] if isinstance(params, Sequence) and params else params
        return AlreadyExists(entity, key)
    if kind == "foreign_key":
        return ConstraintViolation(f"{entity or 'record'} refers to something that does not exist")
    return exc


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


def to_json(field: str, value: Any, *, compact: bool = False) -> str:
    """Canonical JSON text (sorted keys) for a JSON column; refuses what JSON cannot hold."""
    separators = (",", ":") if compact else None
    try:
        return json.dumps(value, sort_keys=True, allow_nan=False, separators=separators)
    except (TypeError, ValueError) as exc:
        raise InvalidValue(field, type(value).__name__, "JSON-serialisable data") from exc


def placeholders(n: int) -> str:
    return ", ".join("?" * n)


def chunks(items: Sequence[Any], size: int = 500) -> Iterable[Sequence[Any]]:
    """SQLite caps bound parameters; IN (...) lists are split into chunks."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def b(value: Any) -> int:
    return 1 if value else 0
