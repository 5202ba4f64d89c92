"""``campaign-cli check``: the checks and their SQL live in ``db.checks`` (SQL stays in db/)."""

from __future__ import annotations

from db.checks import (
    ADJACENCY_CHECKS,
    ORPHAN_CHECKS,
    RANGE_CHECKS,
    CheckReport,
    check_campaign,
)

__all__ = ["ADJACENCY_CHECKS", "ORPHAN_CHECKS", "RANGE_CHECKS", "CheckReport", "check_campaign"]
