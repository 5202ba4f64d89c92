"""Domain vocabulary shared by every rules module (RULES.md §0–§1).

Plain frozen dataclasses and string enums: the services build them from the
database, the rules read them, nothing here does I/O. Ids are strings (the
schema's TEXT primary keys); canonical order is ascending id, pieces agents first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

ATTRIBUTES: tuple[str, ...] = ("intellect", "presence", "finesse", "might", "attunement")
SKILLS: tuple[str, ...] = (
    "infiltration",
    "persuasion",
    "combat",
    "streetwise",
    "survival",
    "artifice",
    "arcana",
)
APTITUDES: tuple[str, ...] = (
    "combat",
    "underworld",
    "social",
    "technical",
    "labor",
    "arcane",
    "wilderness",
    "monitoring",
)

DISTRICT_SLOTS = 10
MAX_INFLUENCE = 10


class PieceType(StrEnum):
    AGENT = "agent"
    SQUADRON = "squadron"


class ActionType(StrEnum):
    MONITOR = "monitor"
    GAIN_INFLUENCE = "gain_influence"
    TAKE_INFLUENCE = "take_influence"
    FREEFORM = "freeform"
    INITIATE_CONFLICT = "initiate_conflict"


INFLUENCE_ACTIONS = frozenset({ActionType.GAIN_INFLUENCE, ActionType.TAKE_INFLUENCE})
GM_DC_ACTIONS = frozenset({ActionType.FREEFORM, ActionType.INITIATE_CONFLICT})


class Tier(StrEnum):
    CRITICAL_FAILURE = "critical_failure"
    FAILURE = "failure"
    SUCCESS = "success"
    CRITICAL_SUCCESS = "critical_success"

    @property
    def rank(self) -> int:
        """Higher is better; used for §4.6 ordering."""
        return _TIER_RANK[self]


_TIER_RANK = {
    Tier.CRITICAL_FAILURE: 0,
    Tier.FAILURE: 1,
    Tier.SUCCESS: 2,
    Tier.CRITICAL_SUCCESS: 3,
}


class MonitoringTier(StrEnum):
    LEGENDARY = "legendary"
    EXCEPTIONAL = "exceptional"
    VERY_GOOD = "very_good"
    GOOD = "good"
    AVERAGE = "average"
    POOR = "poor"
    VERY_POOR = "very_poor"
    ABYSMAL = "abysmal"


class ConflictType(StrEnum):
    MANUAL_INITIATE = "manual_initiate"
    RELATIONSHIP = "relationship"
    TARGET = "target"


class ConflictRole(StrEnum):
    INITIATOR = "initiator"
    TARGET = "target"
    ALLY = "ally"


class Participation(StrEnum):
    DIRECT = "direct"
    ADJACENT = "adjacent"
    ALLY_SUPPORT = "ally_support"


class Outcome(StrEnum):
    WIN = "win"
    LOSS = "loss"
    DRAW = "draw"


class Phase(StrEnum):
    """The persisted turn phases of RULES.md §2.2, in order."""

    PREPARATION = "preparation"
    INFLUENCE_DECAY = "influence_decay"
    ASSIGNMENT = "assignment"
    CONFLICT_DETECTION = "conflict_detection"
    ACTION_ROLL = "action_roll"
    CONFLICT_RESOLUTION = "conflict_resolution"
    ACTION_RESOLUTION = "action_resolution"
    RANDOM_WALK = "random_walk"
    MONITORING = "monitoring"
    PASSIVE_MONITORING = "passive_monitoring"
    RUMOR_DC_UPDATE = "rumor_dc_update"
    MAP_UPDATE = "map_update"
    TURN_COMPLETION = "turn_completion"


PHASE_ORDER: tuple[Phase, ...] = tuple(Phase)
WAIT_PHASES = frozenset({Phase.ASSIGNMENT, Phase.CONFLICT_RESOLUTION})


def action_tier(total: int, dc: int) -> Tier:
    """§3.5, the inequality form [D-8]."""
    if total >= dc + 10:
        return Tier.CRITICAL_SUCCESS
    if total >= dc:
        return Tier.SUCCESS
    if total > dc - 10:
        return Tier.FAILURE
    return Tier.CRITICAL_FAILURE


def monitoring_tier(total: int) -> MonitoringTier:
    """§8.3."""
    if total >= 30:
        return MonitoringTier.LEGENDARY
    if total >= 25:
        return MonitoringTier.EXCEPTIONAL
    if total >= 20:
        return MonitoringTier.VERY_GOOD
    if total >= 15:
        return MonitoringTier.GOOD
    if total >= 10:
        return MonitoringTier.AVERAGE
    if total >= 5:
        return MonitoringTier.POOR
    if total >= 1:
        return MonitoringTier.VERY_POOR
    return MonitoringTier.ABYSMAL


@dataclass(frozen=True, order=True)
class PieceRef:
    """Identity of a piece. Sorting gives the canonical order: agents first, then by id."""

    sort_group: int = field(init=False, repr=False, compare=True)
    type: PieceType = field(compare=False)
    id: str = field(compare=True)

    def __init__(self, type: PieceType | str, id: str) -> None:  # noqa: A002 - schema names
        object.__setattr__(self, "type", PieceType(type))
        object.__setattr__(self, "id", id)
        object.__setattr__(self, "sort_group", 0 if self.type is PieceType.AGENT else 1)

    @property
    def key(self) -> str:
        """Stream key form, e.g. ``agent:abc`` (§9)."""
        return f"{self.type.value}:{self.id}"

    @classmethod
    def parse(cls, key: str) -> PieceRef:
        kind, _, piece_id = key.partition(":")
        return cls(PieceType(kind), piece_id)

    def __str__(self) -> str:
        return self.key


@dataclass(frozen=True)
class Agent:
    id: str
    faction_id: str | None
    name: str = ""
    attributes: Mapping[str, int] = field(default_factory=dict)
    skills: Mapping[str, int] = field(default_factory=dict)

    @property
    def ref(self) -> PieceRef:
        return PieceRef(PieceType.AGENT, self.id)

    def attribute(self, name: str) -> int:
        return int(self.attributes.get(name, 0))

    def skill(self, name: str) -> int:
        return int(self.skills.get(name, 0))


@dataclass(frozen=True)
class Squadron:
    id: str
    faction_id: str | None
    name: str = ""
    mobility: int = 0
    aptitudes: Mapping[str, int] = field(default_factory=dict)

    @property
    def ref(self) -> PieceRef:
        return PieceRef(PieceType.SQUADRON, self.id)

    def aptitude(self, name: str) -> int:
        return int(self.aptitudes.get(name, -1))


Piece = Agent | Squadron


@dataclass(frozen=True)
class Faction:
    id: str
    name: str = ""
    monitoring_bonus: int = 0
    color: str = "#3498db"


@dataclass(frozen=True)
class District:
    id: str
    name: str = ""
    preferred_gain_attribute: str = "presence"
    preferred_gain_skill: str = "persuasion"
    preferred_gain_squadron_aptitude: str = "social"
    preferred_monitor_attribute: str = "intellect"
    preferred_monitor_skill: str = "streetwise"
    preferred_monitor_squadron_aptitude: str = "monitoring"
    weekly_modifier: int = 0
    adjacent: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Order:
    """One piece's task this turn (an ``actions`` row before resolution).

    ``attribute``/``skill``/``aptitude`` are the GM override for monitor/gain/take
    (None = the district's preference) and the required stats for freeform and
    initiate-conflict. ``dc`` is only set for freeform/initiate-conflict (by the GM).
    """

    piece: PieceRef
    faction_id: str
    district_id: str
    action: ActionType
    target_faction_id: str | None = None
    dc: int | None = None
    attribute: str | None = None
    skill: str | None = None
    aptitude: str | None = None
    manual_modifier: int = 0
    advantage: bool = False
    disadvantage: bool = False
    description: str = ""


@dataclass(frozen=True)
class Board:
    """The world state the rules read: who holds what, where, and who hates whom.

    Mappings are keyed ``(district_id, faction_id)`` for influence/likeability and
    ``(from_faction, to_faction)`` for stored directed relationships.
    """

    factions: Mapping[str, Faction]
    districts: Mapping[str, District]
    influence: Mapping[tuple[str, str], int] = field(default_factory=dict)
    strongholds: frozenset[tuple[str, str]] = frozenset()
    likeability: Mapping[tuple[str, str], int] = field(default_factory=dict)
    relationships: Mapping[tuple[str, str], int] = field(default_factory=dict)

    def rel(self, a: str, b: str) -> int:
        """Effective relationship: min of both stored directions, missing = 0 [D-1]."""
        return min(self.relationships.get((a, b), 0), self.relationships.get((b, a), 0))

    def influence_of(self, district_id: str, faction_id: str) -> int:
        return int(self.influence.get((district_id, faction_id), 0))

    def has_stronghold(self, district_id: str, faction_id: str) -> bool:
        return (district_id, faction_id) in self.strongholds

    def pool(self, district_id: str) -> int:
        """Unheld slots: 10 − Σ influence (§1.1)."""
        held = sum(v for (d, _), v in self.influence.items() if d == district_id)
        return DISTRICT_SLOTS - held

    def faction_ids(self) -> list[str]:
        return sorted(self.factions)

    def district_ids(self) -> list[str]:
        return sorted(self.districts)

    def adjacent(self, district_id: str) -> list[str]:
        return sorted(self.districts[district_id].adjacent)


def sorted_pieces(pieces: Iterable[Piece]) -> list[Piece]:
    """Canonical piece order (§0): agents first, each kind by id."""
    return sorted(pieces, key=lambda p: p.ref)
