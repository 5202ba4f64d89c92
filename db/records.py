"""Typed records the repositories return and accept.

Plain dataclasses mirroring the tables; timestamps are left to the database. The name lists
repeat RULES.md §1.2 because db must not import bot.*.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ATTRIBUTES = ("intellect", "presence", "finesse", "might", "attunement")
SKILLS = ("infiltration", "persuasion", "combat", "streetwise", "survival", "artifice", "arcana")
APTITUDES = (
    "combat",
    "underworld",
    "social",
    "technical",
    "labor",
    "arcane",
    "wilderness",
    "monitoring",
)
PIECE_TYPES = ("agent", "squadron")
ACTION_TYPES = ("monitor", "gain_influence", "take_influence", "freeform", "initiate_conflict")
GM_DC_ACTIONS = ("freeform", "initiate_conflict")
ACTION_TIERS = ("critical_failure", "failure", "success", "critical_success")
MONITORING_TIERS = (
    "legendary",
    "exceptional",
    "very_good",
    "good",
    "average",
    "poor",
    "very_poor",
    "abysmal",
)
PHASES = (
    "preparation",
    "influence_decay",
    "assignment",
    "conflict_detection",
    "action_roll",
    "conflict_resolution",
    "action_resolution",
    "random_walk",
    "monitoring",
    "passive_monitoring",
    "rumor_dc_update",
    "map_update",
    "turn_completion",
)
CONFLICT_TYPES = ("manual_initiate", "relationship", "target", "adjacent")
CONFLICT_ROLES = ("initiator", "target", "ally", "adjacent")
PARTICIPATIONS = ("direct", "adjacent", "ally_support")
OUTCOMES = ("win", "loss", "draw")
RESOLUTION_TYPES = ("win", "loss", "draw", "special")
PIECE_RULINGS = ("proceed", "fail")
FACTION_MODIFIER_TYPES = ("commerce", "muster", "aristocratic")
DELIVERY_KINDS = (
    "faction_report",
    "piece_results",
    "gm_summary",
    "legendary_intel",
    "faction_map",
    "conflict_report",
    "newspaper",
    "notice",
)
RECIPIENT_TYPES = ("user", "channel", "faction")
DELIVERY_STATUSES = ("pending", "delivered", "failed", "undeliverable")
WEEKLY_DC = "weekly_dc"
DISTRICT_SLOTS = 10
MAX_SEED = 2**64 - 1


@dataclass(frozen=True, slots=True)
class District:
    id: str
    name: str
    preferred_gain_attribute: str
    preferred_gain_skill: str
    preferred_gain_squadron_aptitude: str
    preferred_monitor_attribute: str
    preferred_monitor_skill: str
    preferred_monitor_squadron_aptitude: str = "monitoring"
    description: str | None = None
    commerce_value: int = 0
    muster_value: int = 0
    aristocratic_value: int = 0


@dataclass(frozen=True, slots=True)
class Faction:
    id: str
    name: str
    description: str | None = None
    monitoring_bonus: int = 0
    color: str = "#3498db"


@dataclass(frozen=True, slots=True)
class Influence:
    district_id: str
    faction_id: str
    value: int
    has_stronghold: bool = False


@dataclass(frozen=True, slots=True)
class InfluenceChange:
    """A target value for set_influence_many; ``has_stronghold=None`` keeps the current flag."""

    district_id: str
    faction_id: str
    value: int
    has_stronghold: bool | None = None


@dataclass(frozen=True, slots=True)
class Likeability:
    district_id: str
    faction_id: str
    value: int


@dataclass(frozen=True, slots=True)
class Relationship:
    faction_id: str
    target_faction_id: str
    value: int


@dataclass(frozen=True, slots=True)
class DistrictModifier:
    id: str
    district_id: str
    modifier_type: str
    modifier_value: int
    expires_on: int | None = None


@dataclass(frozen=True, slots=True)
class Rumor:
    id: str
    district_id: str
    rumor_text: str
    discovery_dc: int
    name: str = ""
    initial_dc: int | None = None
    newspaper_hint: str | None = None
    newspaper_weight: float = 1.0
    is_discovered: bool = False


@dataclass(frozen=True, slots=True)
class KnownRumor:
    faction_id: str
    rumor_id: str
    discovered_on: int


@dataclass(frozen=True, slots=True)
class Resource:
    faction_id: str
    resource_type: str
    value: int


@dataclass(frozen=True, slots=True)
class FactionModifier:
    id: str
    faction_id: str
    name: str
    modifier_type: str
    value: int


@dataclass(frozen=True, slots=True)
class SupportDeclaration:
    turn_number: int
    declaring_faction_id: str
    target_faction_id: str
    will_support: bool


@dataclass(frozen=True, slots=True)
class Agent:
    id: str
    name: str
    faction_id: str | None = None
    intellect: int = 0
    presence: int = 0
    finesse: int = 0
    might: int = 0
    attunement: int = 0
    infiltration: int = 0
    persuasion: int = 0
    combat: int = 0
    streetwise: int = 0
    survival: int = 0
    artifice: int = 0
    arcana: int = 0
    district_id: str | None = None
    assignment: str | None = None

    def attribute(self, name: str) -> int:
        if name not in ATTRIBUTES:
            raise KeyError(name)
        return int(getattr(self, name))

    def skill(self, name: str) -> int:
        if name not in SKILLS:
            raise KeyError(name)
        return int(getattr(self, name))


@dataclass(frozen=True, slots=True)
class Squadron:
    id: str
    name: str
    faction_id: str | None = None
    type: str = ""
    mobility: int = 0
    combat_aptitude: int = -1
    underworld_aptitude: int = -1
    social_aptitude: int = -1
    technical_aptitude: int = -1
    labor_aptitude: int = -1
    arcane_aptitude: int = -1
    wilderness_aptitude: int = -1
    monitoring_aptitude: int = -1
    district_id: str | None = None
    assignment: str | None = None

    def aptitude(self, name: str) -> int:
        if name not in APTITUDES:
            raise KeyError(name)
        return int(getattr(self, f"{name}_aptitude"))


@dataclass(frozen=True, slots=True)
class PieceLocation:
    piece_type: str
    piece_id: str
    district_id: str | None
    assignment: str | None = None


@dataclass(frozen=True, slots=True)
class Order:
    """One ``actions`` row. ``id`` defaults to ``T{turn}-{piece_type}-{piece_id}``."""

    turn_number: int
    piece_type: str
    piece_id: str
    faction_id: str
    district_id: str
    action_type: str
    target_faction_id: str | None = None
    description: str = ""
    attribute_used: str | None = None
    skill_used: str | None = None
    aptitude_used: str | None = None
    dc: int | None = None
    manual_modifier: int = 0
    advantage: bool = False
    disadvantage: bool = False
    roll_result: int | None = None
    outcome_tier: str | None = None
    enemy_penalty: int = 0
    final_total: int | None = None
    in_conflict: bool = False
    conflict_id: str | None = None
    forfeited: bool = False
    influence_gained: int = 0
    influence_lost: int = 0
    target_gained: int = 0
    target_lost: int = 0
    gm_notes: str | None = None
    id: str = ""

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.turn_number, self.piece_type, self.piece_id)


@dataclass(frozen=True, slots=True)
class OrderResult:
    """Bulk result update for one order. ``None`` leaves a column unchanged."""

    order_id: str
    dc: int | None = None
    roll_result: int | None = None
    outcome_tier: str | None = None
    attribute_used: str | None = None
    skill_used: str | None = None
    aptitude_used: str | None = None
    enemy_penalty: int | None = None
    final_total: int | None = None
    in_conflict: bool | None = None
    conflict_id: str | None = None
    forfeited: bool | None = None
    influence_gained: int | None = None
    influence_lost: int | None = None
    target_gained: int | None = None
    target_lost: int | None = None
    gm_notes: str | None = None


@dataclass(frozen=True, slots=True)
class PenaltyAssignment:
    turn_number: int
    source_piece_type: str
    source_piece_id: str
    target_piece_type: str
    target_piece_id: str
    value: int


@dataclass(frozen=True, slots=True)
class ConflictFaction:
    faction_id: str
    role: str
    outcome: str | None = None


@dataclass(frozen=True, slots=True)
class ConflictPiece:
    piece_type: str
    piece_id: str
    faction_id: str
    participation_type: str
    original_action_type: str
    original_action_id: str
    roll_result: int | None = None
    outcome_tier: str | None = None
    conflict_penalty: int = 0
    ruling: str | None = None


@dataclass(frozen=True, slots=True)
class ConflictResolution:
    conflict_id: str
    resolution_type: str
    resolved_by: str
    resolved_at: str
    resolution_notes: str | None = None


@dataclass(frozen=True, slots=True)
class Conflict:
    id: str
    turn_number: int
    district_id: str
    conflict_type: str
    detection_source: str
    resolution_status: str = "pending"
    factions: tuple[ConflictFaction, ...] = ()
    pieces: tuple[ConflictPiece, ...] = ()
    resolution: ConflictResolution | None = None


@dataclass(frozen=True, slots=True)
class PieceRuling:
    """Special-ruling choice for one piece (§6.7): proceed / fail, optional penalty."""

    piece_type: str
    piece_id: str
    ruling: str | None = None
    conflict_penalty: int = 0


@dataclass(frozen=True, slots=True)
class ConflictRollUpdate:
    conflict_id: str
    piece_type: str
    piece_id: str
    roll_result: int | None
    outcome_tier: str | None


@dataclass(frozen=True, slots=True)
class MonitoringReport:
    faction_id: str
    district_id: str
    turn_number: int
    report: dict[str, Any]
    confidence_rating: int
    id: str = ""


@dataclass(frozen=True, slots=True)
class PendingIntel:
    earned_turn: int
    faction_id: str
    district_id: str
    delivered: bool = False
    payload: dict[str, Any] | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    turn_number: int
    phase: str
    action_description: str
    result_description: str
    id: int | None = None
    created_at: str | None = None


@dataclass(frozen=True, slots=True)
class DecayResult:
    turn_number: int
    district_id: str
    faction_id: str
    influence_change: int
    id: str = ""


@dataclass(frozen=True, slots=True)
class InfluenceSnapshot:
    turn_number: int
    district_id: str
    faction_id: str
    value: int
    has_stronghold: bool


@dataclass(frozen=True, slots=True)
class GameState:
    turn: int
    phase: str
    campaign_name: str
    last_updated: str


@dataclass(frozen=True, slots=True)
class NewspaperIssue:
    id: str
    issue_number: int
    publication_date: str
    title: str
    turn_number: int | None = None
    published: bool = False
    published_at: str | None = None


@dataclass(frozen=True, slots=True)
class NewspaperArticle:
    id: str
    issue_id: str
    section: str
    headline: str
    content: str
    author: str | None = None
    contains_hint: bool = False
    related_rumor_id: str | None = None
    related_district_id: str | None = None
    length: int | None = None
    position: int = 0


@dataclass(frozen=True, slots=True)
class MapConfig:
    base_map_path: str | None = None
    map_width: int | None = None
    map_height: int | None = None


@dataclass(frozen=True, slots=True)
class DistrictShape:
    district_id: str
    shape: dict[str, Any]


@dataclass(frozen=True, slots=True)
class CampaignSettings:
    guild_id: int | None = None
    gm_role_id: int | None = None
    gm_channel_id: int | None = None
    news_channel_id: int | None = None
    campaign_name: str = ""
    rng_seed: int | None = None
    turn_deadline: str | None = None


@dataclass(frozen=True, slots=True)
class Member:
    user_id: int
    faction_id: str
    is_leader: bool = False


@dataclass(frozen=True, slots=True)
class FactionChannel:
    faction_id: str
    channel_id: int


@dataclass(frozen=True, slots=True)
class NewDelivery:
    """An outbox row to enqueue; ``dedupe_key`` makes re-enqueueing a no-op."""

    turn_number: int
    kind: str
    recipient_type: str
    dedupe_key: str
    payload: dict[str, Any] = field(default_factory=dict)
    recipient_id: int | None = None
    faction_id: str | None = None


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    turn_number: int
    kind: str
    faction_id: str | None
    recipient_type: str
    recipient_id: int | None
    payload: dict[str, Any]
    status: str
    attempts: int
    last_error: str | None
    dedupe_key: str
    created_at: str
    updated_at: str
    delivered_at: str | None


@dataclass(frozen=True, slots=True)
class HealthReport:
    integrity: str
    wal_bytes: int
    schema_version: int
    open_connections: int
    slow_statements: int
    statements: int = 0  # every statement run since the database was opened
    slow_threshold_ms: float = 0.0

    @property
    def ok(self) -> bool:
        return self.integrity == "ok"
