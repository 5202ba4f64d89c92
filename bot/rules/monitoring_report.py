"""Value types of monitoring (RULES.md §8.1, §8.13, §8.14) and the report's JSON.

The JSON keeps the player and GM halves apart at the top level, and renderers
get the player half only through ``player_view``, so a template mistake can
never print a true value, a phantom flag or the true confidence.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.rules.model import MonitoringTier, Outcome, PieceRef, PieceType


class SourceKind(StrEnum):
    AGENT = "agent"
    SQUADRON_PRIMARY = "squadron_primary"
    SQUADRON_SECONDARY = "squadron_secondary"
    PASSIVE = "passive"


@dataclass(frozen=True, order=True)
class MonitoringSource:
    """One monitoring roll of one faction in one district (§8.1).

    ``source_id`` is the stream key of the roller: ``agent:a1``, ``squadron:s1`` or
    ``passive:f1``. Plain sorting is by ``source_id`` (a stable storage order); the
    rules walk sources in ``source_order``.
    """

    source_id: str
    faction_id: str
    district_id: str
    kind: SourceKind
    total: int

    @classmethod
    def for_piece(
        cls, piece: PieceRef, faction_id: str, district_id: str, total: int, *, secondary: bool
    ) -> MonitoringSource:
        if piece.type is PieceType.AGENT:
            if secondary:
                raise ValueError("agents never monitor secondarily")
            kind = SourceKind.AGENT
        else:
            kind = SourceKind.SQUADRON_SECONDARY if secondary else SourceKind.SQUADRON_PRIMARY
        return cls(piece.key, faction_id, district_id, kind, total)

    @classmethod
    def passive(cls, faction_id: str, district_id: str, total: int) -> MonitoringSource:
        return cls(f"passive:{faction_id}", faction_id, district_id, SourceKind.PASSIVE, total)


_SOURCE_GROUP: dict[str, int] = {PieceType.AGENT.value: 0, PieceType.SQUADRON.value: 1}


def source_order(source: MonitoringSource) -> tuple[int, str, MonitoringSource]:
    """Canonical source order (§0 extended [M-2]): agents by id, squadrons by id, then the
    faction's passive source, which is not a piece. Plain string order of ``source_id``
    would put ``passive:`` between agents and squadrons. The source itself breaks any
    remaining tie, so the order never depends on input order."""
    kind, _, ident = source.source_id.partition(":")
    return (_SOURCE_GROUP.get(kind, 2), ident, source)


@dataclass(frozen=True)
class ConflictEffect:
    """What a conflict ruling does to one piece's monitoring (§6.7).

    ``penalty`` is added to the total, so a draw carries −2 (as
    ``conflict_pieces.conflict_penalty`` records it).
    """

    suppressed: bool = False
    penalty: int = 0

    @classmethod
    def for_outcome(cls, outcome: Outcome) -> ConflictEffect:
        if outcome is Outcome.LOSS:
            return cls(suppressed=True)
        if outcome is Outcome.DRAW:
            return cls(penalty=-2)
        return cls()


@dataclass(frozen=True)
class Rumor:
    id: str
    district_id: str
    discovery_dc: int
    title: str = ""
    text: str = ""


@dataclass(slots=True)
class ReportedFaction:
    """One other faction (real or phantom) as the report shows it, with the truth beside."""

    faction_id: str
    value: int
    stronghold: bool
    true_value: int
    true_stronghold: bool
    phantom: bool = False
    inverted: bool = False

    def player_json(self) -> dict[str, Any]:
        return {
            "faction_id": self.faction_id,
            "influence": self.value,
            "stronghold": self.stronghold,
        }

    def gm_json(self) -> dict[str, Any]:
        return {
            "faction_id": self.faction_id,
            "reported": self.value,
            "true": self.true_value,
            "phantom": self.phantom,
            "inverted": self.inverted,
            "stronghold_reported": self.stronghold,
            "stronghold_true": self.true_stronghold,
        }


@dataclass(frozen=True)
class ReportedChange:
    faction_id: str
    turn: int
    change: int
    true_change: int


@dataclass(frozen=True)
class ModifierReading:
    """§8.12 storage form: ``value`` None when only the direction (``sign``) is known."""

    value: int | None
    direction_only: bool
    sign: int

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "direction_only": self.direction_only, "sign": self.sign}


@dataclass(frozen=True)
class RelationshipIntel:
    """Exceptional benefit: the stored relationship ``from_faction`` → ``to_faction``."""

    from_faction: str
    to_faction: str
    value: int

    def to_json(self) -> dict[str, Any]:
        return {"from": self.from_faction, "to": self.to_faction, "value": self.value}


@dataclass(frozen=True)
class LegendaryIntel:
    """Legendary benefit, delivered when next turn's orders close [D-29]."""

    faction_id: str
    piece_type: PieceType
    action: str
    target_faction_id: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "faction_id": self.faction_id,
            "piece_type": self.piece_type.value,
            "action": self.action,
            "target_faction_id": self.target_faction_id,
        }


@dataclass(frozen=True)
class MonitoringReport:
    """One faction's intelligence on one district for one turn (§8.14)."""

    turn: int
    faction_id: str
    district_id: str
    sources: tuple[MonitoringSource, ...]
    best_total: int
    tier: MonitoringTier
    own_influence: int
    own_stronghold: bool
    factions: tuple[ReportedFaction, ...]
    removed_by_cap: tuple[ReportedFaction, ...]
    bias_mode: str | None
    changes: tuple[ReportedChange, ...]
    true_modifier: int
    modifier: ModifierReading | None
    confidence_base: int
    confidence: int
    legendary_intel_earned: bool
    relationship_intel: RelationshipIntel | None
    discovered_rumors: tuple[Rumor, ...]
    known_rumors: tuple[Rumor, ...]
    true_influence: dict[str, int] = field(default_factory=dict)
    true_strongholds: tuple[str, ...] = ()

    @property
    def discovered_rumor_ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.discovered_rumors)

    def to_json(self) -> dict[str, Any]:
        return {"player": self._player_json(), "gm": self._gm_json()}

    def _player_json(self) -> dict[str, Any]:
        return {
            "turn": self.turn,
            "faction_id": self.faction_id,
            "district_id": self.district_id,
            "own": {"influence": self.own_influence, "stronghold": self.own_stronghold},
            "factions": [f.player_json() for f in self.factions],
            "recent_changes": [
                {"faction_id": c.faction_id, "turn": c.turn, "change": c.change}
                for c in self.changes
            ],
            "dc_modifier": self.modifier.to_json() if self.modifier else None,
            "special_benefits": {
                "legendary_intel_pending": self.legendary_intel_earned,
                "relationship": (
                    self.relationship_intel.to_json() if self.relationship_intel else None
                ),
            },
            "rumors_discovered": [
                {"id": r.id, "title": r.title, "text": r.text} for r in self.discovered_rumors
            ],
            "rumors_known": [{"id": r.id, "title": r.title} for r in self.known_rumors],
            "confidence_rating": self.confidence,
        }

    def _gm_json(self) -> dict[str, Any]:
        return {
            "tier": self.tier.value,
            "best_total": self.best_total,
            "sources": [
                {"source_id": s.source_id, "kind": s.kind.value, "total": s.total}
                for s in self.sources
            ],
            "bias_mode": self.bias_mode,
            "true_influence": dict(sorted(self.true_influence.items())),
            "true_strongholds": list(self.true_strongholds),
            "entries": [f.gm_json() for f in self.factions],
            "removed_by_cap": [f.gm_json() for f in self.removed_by_cap],
            "recent_changes": [
                {
                    "faction_id": c.faction_id,
                    "turn": c.turn,
                    "reported": c.change,
                    "true": c.true_change,
                }
                for c in self.changes
            ],
            "dc_modifier_true": self.true_modifier,
            "confidence_true": self.confidence_base,
            "confidence_reported": self.confidence,
            "legendary_intel_earned": self.legendary_intel_earned,
        }


def player_view(report_json: dict[str, Any]) -> dict[str, Any]:
    """The only part of a stored report a renderer for players may see (a copy)."""
    return copy.deepcopy(report_json["player"])
