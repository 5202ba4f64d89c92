"""The campaign file as plain data: what a GM writes in TOML, after validation.

These dataclasses are the canonical, validated form of a campaign file. The
parser builds them (normalising e.g. colours to lower case and relationships to a
directed map), the writer renders them back, and ``load(dump(c)) == c`` holds for
every valid campaign. They know nothing of the database: the importer maps them
onto repositories later.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

DEFAULT_COLOR = "#3498db"
DEFAULT_MONITOR_APTITUDE = "monitoring"
DEFAULT_APTITUDE = -1
DEFAULT_NEWSPAPER_WEIGHT = 1.0
MAX_SEED = 2**64 - 1


class ModifierType(StrEnum):
    """The three derived totals a faction modifier feeds (RULES.md §1.4)."""

    COMMERCE = "commerce"
    MUSTER = "muster"
    ARISTOCRATIC = "aristocratic"


class ShapeKind(StrEnum):
    POLYGON = "polygon"
    RECTANGLE = "rectangle"
    CIRCLE = "circle"


@dataclass(frozen=True)
class FactionModifierSpec:
    name: str
    type: ModifierType
    value: int


@dataclass(frozen=True)
class MemberSpec:
    """A Discord user playing for a faction (snowflake kept as int)."""

    user_id: int
    leader: bool = False


@dataclass(frozen=True)
class FactionSpec:
    key: str
    name: str
    description: str = ""
    color: str = DEFAULT_COLOR
    monitoring_bonus: int = 0
    resources: Mapping[str, int] = field(default_factory=dict)
    modifiers: tuple[FactionModifierSpec, ...] = ()
    members: tuple[MemberSpec, ...] = ()
    channel_id: int | None = None
    # Factions this one declares support for this turn (RULES.md §6.4: allies only).
    supports: tuple[str, ...] = ()


@dataclass(frozen=True)
class ShapeStyle:
    """Optional drawing hints for a district outline (RULES.md §10.2)."""

    fill: str | None = None
    border: str | None = None
    border_width: int | None = None


@dataclass(frozen=True)
class ShapeSpec:
    """A district outline in relative 0..1 map coordinates (x right, y down).

    Only the fields of ``kind`` are meaningful: ``points`` for a polygon,
    ``x, y, width, height`` for a rectangle, ``cx, cy, r`` for a circle.
    """

    kind: ShapeKind
    points: tuple[tuple[float, float], ...] = ()
    x: float = 0.0
    y: float = 0.0
    width: float = 0.0
    height: float = 0.0
    cx: float = 0.0
    cy: float = 0.0
    r: float = 0.0
    style: ShapeStyle = field(default_factory=ShapeStyle)


@dataclass(frozen=True)
class DistrictModifierSpec:
    """A named GM modifier on a district; removed in preparation once expired."""

    type: str
    value: int
    expires_on: int | None = None


@dataclass(frozen=True)
class RumorSpec:
    key: str
    name: str
    text: str
    dc: int
    newspaper_hint: str | None = None
    newspaper_weight: float = DEFAULT_NEWSPAPER_WEIGHT
    known_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class DistrictSpec:
    key: str
    name: str
    preferred_gain_attribute: str
    preferred_gain_skill: str
    preferred_gain_squadron_aptitude: str
    preferred_monitor_attribute: str
    preferred_monitor_skill: str
    preferred_monitor_squadron_aptitude: str = DEFAULT_MONITOR_APTITUDE
    description: str = ""
    commerce: int = 0
    muster: int = 0
    aristocratic: int = 0
    adjacent: tuple[str, ...] = ()
    shape: ShapeSpec | None = None
    weekly_modifier: int = 0
    modifiers: tuple[DistrictModifierSpec, ...] = ()
    influence: Mapping[str, int] = field(default_factory=dict)
    strongholds: tuple[str, ...] = ()
    likeability: Mapping[str, int] = field(default_factory=dict)
    rumors: tuple[RumorSpec, ...] = ()


@dataclass(frozen=True)
class AgentSpec:
    key: str
    name: str
    faction: str | None = None
    district: str | None = None
    attributes: Mapping[str, int] = field(default_factory=dict)
    skills: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class SquadronSpec:
    key: str
    name: str
    faction: str
    district: str | None = None
    type: str = ""
    mobility: int = 0
    aptitudes: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class MapSpec:
    """Base image path is relative to the campaign file's folder, never outside it."""

    base_image: str | None = None
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class CampaignFile:
    """A whole campaign.

    ``relationships`` is directed: ``(from, to) -> value``; a symmetric TOML entry
    sets both directions. Attribute, skill and aptitude mappings always hold every
    name of ``bot.rules.model`` (defaults filled in), so equal campaigns compare equal.
    """

    name: str
    seed: int | None = None
    turn: int | None = None
    phase: str | None = None
    factions: tuple[FactionSpec, ...] = ()
    relationships: Mapping[tuple[str, str], int] = field(default_factory=dict)
    districts: tuple[DistrictSpec, ...] = ()
    agents: tuple[AgentSpec, ...] = ()
    squadrons: tuple[SquadronSpec, ...] = ()
    map: MapSpec | None = None

    def faction(self, key: str) -> FactionSpec | None:
        return next((f for f in self.factions if f.key == key), None)

    def district(self, key: str) -> DistrictSpec | None:
        return next((d for d in self.districts if d.key == key), None)


def draw_seed() -> int:
    """A fresh campaign seed from OS randomness (RULES.md §9), for imports without one."""
    return secrets.randbits(64)
