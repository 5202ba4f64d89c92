"""Validation problems: each one says where, which field, and what is allowed."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a campaign file.

    ``where`` is the full location, e.g. ``districts[3] 'docks'.influence.red``
    (array indices count from 0); ``field`` is the part after the entity
    (``influence.red``), empty when the problem concerns the whole entity or file.
    """

    where: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class CampaignInvalid(ValueError):
    """Raised with every problem found, so a GM can fix the file in one pass."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        shown = "\n".join(f"- {p}" for p in self.problems[:50])
        more = len(self.problems) - 50
        tail = f"\n... and {more} more" if more > 0 else ""
        super().__init__(f"campaign file has {len(self.problems)} problem(s):\n{shown}{tail}")
