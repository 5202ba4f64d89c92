"""Errors the services raise for people, not programs.

Each carries a ``message`` written for the player or GM who caused it; cogs show
it ephemerally as is. They extend the persistence layer's ``DomainError`` so a
single ``except DomainError`` in the tree error handler covers both layers.
"""

from __future__ import annotations

from collections.abc import Sequence

from db.errors import DomainError


class ServiceError(DomainError):
    """A refused request; nothing was written."""


class NotAllowed(ServiceError):
    """The actor may not do this (wrong faction, not the GM)."""


class PhaseClosed(ServiceError):
    """The campaign is not in the phase this request needs."""


class InvalidRequest(ServiceError):
    """A value is missing, unknown or out of range for this request."""


class AdvanceBlocked(ServiceError):
    """The turn cannot advance yet; ``items`` names what blocks it."""

    def __init__(self, message: str, items: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.items = tuple(items)


class Busy(ServiceError):
    """Another advance or ruling is running on this campaign right now."""
