"""Builders and the statistical assertion shared by the rules tests."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from bot.rules.model import (
    ATTRIBUTES,
    ActionType,
    Agent,
    Board,
    District,
    Faction,
    Order,
    Piece,
    Squadron,
)

MAX_TOLERANCE = 0.03


def assert_rate(hits: int, n: int, p: float, label: str = "") -> None:
    """Observed rate within 4 standard errors of ``p``; 4 SE must be ≤ 3 pp.

    With n ≥ 4,445 even p = 0.5 gives 4·SE ≤ 0.03, so an implementation off by
    3 percentage points fails while a correct one fails with probability ~6e-5
    (and the seeds are fixed, so the outcome is deterministic).
    """
    tolerance = 4 * math.sqrt(p * (1 - p) / n) if 0 < p < 1 else 0.0
    assert tolerance <= MAX_TOLERANCE + 1e-12, f"{label}: n={n} too small for p={p}"
    rate = hits / n
    assert abs(rate - p) <= tolerance, (
        f"{label}: observed {rate:.4f}, expected {p} ± {tolerance:.4f}"
    )


def district(district_id: str, adjacent: Iterable[str] = (), **fields: object) -> District:
    return District(id=district_id, adjacent=frozenset(adjacent), **fields)  # type: ignore[arg-type]


def make_board(
    districts: Iterable[District],
    factions: Iterable[str] = (),
    influence: Mapping[tuple[str, str], int] | None = None,
    strongholds: Iterable[tuple[str, str]] = (),
    likeability: Mapping[tuple[str, str], int] | None = None,
    rel: Mapping[tuple[str, str], int] | None = None,
) -> Board:
    """A board; ``rel`` values are stored in both directions."""
    rel = dict(rel or {})
    influence = dict(influence or {})
    names = set(factions) | {f for _, f in influence} | {f for pair in rel for f in pair}
    relationships = {}
    for (a, b), value in rel.items():
        relationships[(a, b)] = relationships[(b, a)] = value
    return Board(
        factions={f: Faction(f) for f in sorted(names)},
        districts={d.id: d for d in districts},
        influence=influence,
        strongholds=frozenset(strongholds),
        likeability=dict(likeability or {}),
        relationships=relationships,
    )


def agent(agent_id: str, faction: str, **stats: int) -> Agent:
    attributes = {k: v for k, v in stats.items() if k in ATTRIBUTES}
    skills = {k: v for k, v in stats.items() if k not in ATTRIBUTES}
    return Agent(agent_id, faction, attributes=attributes, skills=skills)


def squadron(squadron_id: str, faction: str, mobility: int = 0, **aptitudes: int) -> Squadron:
    return Squadron(squadron_id, faction, mobility=mobility, aptitudes=aptitudes)


def order(
    piece: Piece, district_id: str, action: ActionType = ActionType.MONITOR, **fields: object
) -> Order:
    assert piece.faction_id is not None
    return Order(
        piece=piece.ref,
        faction_id=piece.faction_id,
        district_id=district_id,
        action=action,
        **fields,  # type: ignore[arg-type]
    )
