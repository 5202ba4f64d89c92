"""Typed persistence errors.

Every error carries a ``message`` safe to show a player (cogs render it as an ephemeral
reply); details for operators stay in the attributes and the exception chain.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class DomainError(Exception):
    """Base of every error the persistence layer lets out."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    def __init__(self, entity: str, key: Any) -> None:
        super().__init__(f"No {entity} found for {key!r}.")
        self.entity = entity
        self.key = key


class AlreadyExists(DomainError):
    def __init__(self, entity: str, key: Any) -> None:
        super().__init__(f"That {entity} already exists ({key!r}).")
        self.entity = entity
        self.key = key


class InvalidValue(DomainError):
    """A value outside its allowed range or set; ``allowed`` says what would be accepted."""

    def __init__(self, field: str, value: Any, allowed: str | Iterable[Any]) -> None:
        allowed_text = allowed if isinstance(allowed, str) else ", ".join(map(str, allowed))
        super().__init__(f"Invalid {field}: {value!r} (allowed: {allowed_text}).")
        self.field = field
        self.value = value
        self.allowed = allowed_text


class ConstraintViolation(DomainError):
    """The database refused a write (CHECK, foreign key, trigger) that validation let through."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"That change breaks a campaign rule: {detail}.")
        self.detail = detail


class ReadOnlyError(DomainError):
    def __init__(self, operation: str) -> None:
        super().__init__(f"{operation} needs a write transaction, not a read.")
        self.operation = operation


class DatabaseError(DomainError):
    """Any other storage failure (I/O, corruption, exhausted retries)."""

    def __init__(self, detail: str) -> None:
        super().__init__("The campaign database could not complete that request.")
        self.detail = detail


class MigrationError(DomainError):
    """The schema cannot be brought to the wanted version (edited/missing/failed migration)."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"Database migration refused: {detail}")
        self.detail = detail


class BackupError(DomainError):
    def __init__(self, detail: str) -> None:
        super().__init__(f"Backup operation failed: {detail}")
        self.detail = detail
