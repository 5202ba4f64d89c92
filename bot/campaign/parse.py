"""Read a campaign TOML file into a validated CampaignFile, reporting every problem.

Parsing is lenient on purpose: a bad field is recorded and replaced by a neutral
value so the rest of the file is still checked. Only when nothing is wrong does
``load`` return the campaign; otherwise it raises CampaignInvalid with the full
list, each problem naming its location and what would be allowed.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.campaign.fields import KEY_PATTERN, Fields
from bot.campaign.images import file_problem, path_problem
from bot.campaign.model import (
    DEFAULT_APTITUDE,
    DEFAULT_COLOR,
    DEFAULT_MONITOR_APTITUDE,
    DEFAULT_NEWSPAPER_WEIGHT,
    MAX_SEED,
    AgentSpec,
    CampaignFile,
    DistrictModifierSpec,
    DistrictSpec,
    FactionModifierSpec,
    FactionSpec,
    MapSpec,
    MemberSpec,
    ModifierType,
    RumorSpec,
    ShapeKind,
    ShapeSpec,
    ShapeStyle,
    SquadronSpec,
)
from bot.campaign.problems import CampaignInvalid, Problem
from bot.campaign.shapes import EPSILON, is_simple_polygon, polygon_area
from bot.campaign.validate import cross_check, label
from bot.rules.model import APTITUDES, ATTRIBUTES, MAX_INFLUENCE, SKILLS, Phase

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_POLYGON_POINTS = 200
WEEKLY_DC = "weekly_dc"

# Every field the parser accepts, per table. docs/campaign-format.md documents each.
FIELDS: dict[str, frozenset[str]] = {
    "": frozenset(
        {"campaign", "factions", "relationships", "districts", "agents", "squadrons", "map"}
    ),
    "campaign": frozenset({"name", "seed", "turn", "phase"}),
    "factions": frozenset(
        {
            "key",
            "name",
            "description",
            "color",
            "monitoring_bonus",
            "resources",
            "modifiers",
            "members",
            "channel_id",
            "supports",
        }
    ),
    "factions.modifiers": frozenset({"name", "type", "value"}),
    "factions.members": frozenset({"user_id", "leader"}),
    "relationships": frozenset({"a", "b", "from", "to", "value"}),
    "districts": frozenset(
        {
            "key",
            "name",
            "description",
            "commerce",
            "muster",
            "aristocratic",
            "preferred_gain_attribute",
            "preferred_gain_skill",
            "preferred_gain_squadron_aptitude",
            "preferred_monitor_attribute",
            "preferred_monitor_skill",
            "preferred_monitor_squadron_aptitude",
            "adjacent",
            "shape",
            "weekly_modifier",
            "modifiers",
            "influence",
            "strongholds",
            "likeability",
            "rumors",
        }
    ),
    "districts.shape": frozenset(
        {
            "type",
            "points",
            "x",
            "y",
            "width",
            "height",
            "cx",
            "cy",
            "r",
            "fill",
            "border",
            "border_width",
        }
    ),
    "districts.modifiers": frozenset({"type", "value", "expires_on"}),
    "districts.rumors": frozenset(
        {"key", "name", "text", "dc", "newspaper_hint", "newspaper_weight", "known_by"}
    ),
    "agents": frozenset({"key", "name", "faction", "district", *ATTRIBUTES, *SKILLS}),
    "squadrons": frozenset({"key", "name", "faction", "district", "type", "mobility", *APTITUDES}),
    "map": frozenset({"base_image", "width", "height"}),
}

SHAPE_FIELDS: dict[ShapeKind, frozenset[str]] = {
    ShapeKind.POLYGON: frozenset({"points"}),
    ShapeKind.RECTANGLE: frozenset({"x", "y", "width", "height"}),
    ShapeKind.CIRCLE: frozenset({"cx", "cy", "r"}),
}
SHAPE_STYLE_FIELDS = frozenset({"type", "fill", "border", "border_width"})

_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


@dataclass
class LoadResult:
    """The outcome of checking a file: the campaign only when there is no problem."""

    campaign: CampaignFile | None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def load(source: bytes | str | Path, *, base_dir: Path | None = None) -> CampaignFile:
    """Parse and validate; raise CampaignInvalid listing every problem.

    ``source`` is the file's bytes, or a path (then ``base_dir`` defaults to its
    folder and the base map image is checked on disk too).
    """
    result = check(source, base_dir=base_dir)
    if result.campaign is None:
        raise CampaignInvalid(result.problems)
    return result.campaign


def loads(text: str, *, base_dir: Path | None = None) -> CampaignFile:
    """``load`` for TOML text already in memory."""
    return load(text.encode("utf-8"), base_dir=base_dir)


def check(source: bytes | str | Path, *, base_dir: Path | None = None) -> LoadResult:
    """Parse and validate without raising."""
    if isinstance(source, bytes):
        data = source
    else:
        path = Path(source)
        if base_dir is None:
            base_dir = path.parent
        refused = _size_problem(path)
        if refused is not None:
            return LoadResult(None, [refused])
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        return LoadResult(None, [_too_big(len(data))])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return LoadResult(None, [Problem("file", "", f"is not UTF-8 text: {error}")])
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return LoadResult(None, [_syntax_problem(error)])
    return parse_document(document, base_dir=base_dir)


def parse_document(document: dict[str, Any], *, base_dir: Path | None = None) -> LoadResult:
    """Validate an already-decoded TOML document."""
    parser = _Parser(document, base_dir)
    campaign = parser.run()
    problems = parser.problems
    warnings: list[Problem] = []
    cross_check(campaign, problems, warnings)
    return LoadResult(None if problems else campaign, problems, warnings)


def _size_problem(path: Path) -> Problem | None:
    try:
        size = path.stat().st_size
    except OSError as error:
        return Problem("file", "", f"cannot be read: {error.strerror or error}")
    return _too_big(size) if size > MAX_FILE_BYTES else None


def _too_big(size: int) -> Problem:
    return Problem(
        "file", "", f"is {size} bytes; campaign files may be at most {MAX_FILE_BYTES} bytes (5 MB)"
    )


def _syntax_problem(error: tomllib.TOMLDecodeError) -> Problem:
    message = str(error)
    match = _TOML_POSITION.search(message)
    where = f"line {match.group(1)}, column {match.group(2)}" if match else "file"
    return Problem(where, "", f"malformed TOML: {message}")


def _raw_key(item: object) -> str:
    """The entity's key if it is valid, for labels and the set of known keys."""
    if isinstance(item, dict):
        key = item.get("key")
        if isinstance(key, str) and KEY_PATTERN.match(key):
            return key
    return ""


class _Parser:
    """One pass over a decoded document; references are checked against known keys."""

    def __init__(self, document: dict[str, Any], base_dir: Path | None) -> None:
        self.problems: list[Problem] = []
        self.base_dir = base_dir
        self.top = Fields(document, "", self.problems, FIELDS[""])
        self.raw_factions = self._tables("factions")
        self.raw_districts = self._tables("districts")
        self.faction_keys = {k for k in map(_raw_key, self.raw_factions) if k}
        self.district_keys = {k for k in map(_raw_key, self.raw_districts) if k}

    def _tables(self, name: str) -> list[Any]:
        return self.top.array(name)

    def run(self) -> CampaignFile:
        head = self._campaign()
        return CampaignFile(
            name=head[0],
            seed=head[1],
            turn=head[2],
            phase=head[3],
            factions=tuple(self._faction(i, t) for i, t in enumerate(self.raw_factions)),
            relationships=self._relationships(),
            districts=tuple(self._district(i, t) for i, t in enumerate(self.raw_districts)),
            agents=tuple(self._agent(i, t) for i, t in enumerate(self._tables("agents"))),
            squadrons=tuple(self._squadron(i, t) for i, t in enumerate(self._tables("squadrons"))),
            map=self._map(),
        )

    # -- references -------------------------------------------------------------
    def _faction_ref(self, f: Fields, name: str, value: str) -> str:
        if value and value not in self.faction_keys:
            f.problem(name, f"unknown faction '{value}'; known: {_known(self.faction_keys)}")
        return value

    def _district_ref(self, f: Fields, name: str, value: str) -> str:
        if value and value not in self.district_keys:
            f.problem(name, f"unknown district '{value}'; known: {_known(self.district_keys)}")
        return value

    # -- [campaign] ---------------------------------------------------------------
    def _campaign(self) -> tuple[str, int | None, int | None, str | None]:
        if not self.top.has("campaign"):
            self.top.problem("campaign", "the [campaign] table is required (with at least a name)")
            return "", None, None, None
        f = Fields(self.top.raw("campaign"), "campaign", self.problems, FIELDS["campaign"])
        name = f.text("name", required=True, max_len=100)
        seed = self._seed(f)
        turn = f.optional_integer("turn", 1, None)
        phase = f.choice("phase", (p.value for p in Phase)) or None
        return name, seed, turn, phase

    def _seed(self, f: Fields) -> int | None:
        """Unsigned 64-bit: TOML integers stop at 2**63-1, so larger seeds are strings."""
        if not f.has("seed"):
            return None
        value = f.raw("seed")
        if isinstance(value, str) and value.isascii() and value.isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            f.problem("seed", "must be an unsigned 64-bit integer (or a string of digits)")
            return None
        if not 0 <= value <= MAX_SEED:
            f.problem("seed", f"{value} is out of range; allowed: 0..{MAX_SEED}")
            return None
        return value

    # -- [[factions]] -------------------------------------------------------------
    def _faction(self, index: int, table: object) -> FactionSpec:
        f = Fields(
            table, label("factions", index, _raw_key(table)), self.problems, FIELDS["factions"]
        )
        resources: dict[str, int] = {}
        for name, value in f.mapping("resources").items():
            if not name.strip() or len(name) > 50:
                f.problem(f"resources.{name}", "resource names must be 1-50 characters")
            resources[name] = f.check_integer(f"resources.{name}", value, None, None)
        return FactionSpec(
            key=f.key("key"),
            name=f.text("name", required=True, max_len=100),
            description=f.text("description", max_len=2000),
            color=f.color("color", default=DEFAULT_COLOR) or DEFAULT_COLOR,
            monitoring_bonus=f.integer("monitoring_bonus", -5, 5),
            resources=resources,
            modifiers=tuple(
                self._faction_modifier(f, i, t) for i, t in enumerate(f.array("modifiers"))
            ),
            members=tuple(self._member(f, i, t) for i, t in enumerate(f.array("members"))),
            channel_id=f.snowflake("channel_id"),
            supports=_sorted_refs(f, "supports", self._faction_ref),
        )

    def _faction_modifier(self, parent: Fields, index: int, table: object) -> FactionModifierSpec:
        where = f"{parent.where}.modifiers[{index}]"
        f = Fields(table, where, self.problems, FIELDS["factions.modifiers"], entity=parent.where)
        kind = f.choice("type", (t.value for t in ModifierType), required=True)
        return FactionModifierSpec(
            name=f.text("name", required=True, max_len=100),
            type=ModifierType(kind) if kind else ModifierType.COMMERCE,
            value=f.integer("value", None, None, required=True),
        )

    def _member(self, parent: Fields, index: int, table: object) -> MemberSpec:
        where = f"{parent.where}.members[{index}]"
        f = Fields(table, where, self.problems, FIELDS["factions.members"], entity=parent.where)
        return MemberSpec(
            user_id=f.snowflake("user_id", required=True) or 0,
            leader=f.boolean("leader"),
        )

    # -- [[relationships]] --------------------------------------------------------
    def _relationships(self) -> dict[tuple[str, str], int]:
        directed: dict[tuple[str, str], int] = {}
        set_by: dict[tuple[str, str], int] = {}
        for index, table in enumerate(self._tables("relationships")):
            f = Fields(table, f"relationships[{index}]", self.problems, FIELDS["relationships"])
            value = f.integer("value", -2, 2, required=True)
            symmetric = f.has("a") or f.has("b")
            if symmetric and (f.has("from") or f.has("to")):
                f.problem(
                    "", "use either a/b (both directions) or from/to (one direction), not both"
                )
                continue
            first, second = ("a", "b") if symmetric else ("from", "to")
            left = self._faction_ref(f, first, f.key(first))
            right = self._faction_ref(f, second, f.key(second))
            if not left or not right:
                continue
            if left == right:
                f.problem(second, f"a faction has no relationship with itself ('{left}')")
                continue
            pairs = [(left, right), (right, left)] if symmetric else [(left, right)]
            for pair in pairs:
                if pair in set_by:
                    f.problem(
                        "",
                        f"{pair[0]} -> {pair[1]} is already set by relationships[{set_by[pair]}]",
                    )
                    continue
                set_by[pair] = index
                directed[pair] = value
        return directed

    # -- [[districts]] ------------------------------------------------------------
    def _district(self, index: int, table: object) -> DistrictSpec:
        f = Fields(
            table, label("districts", index, _raw_key(table)), self.problems, FIELDS["districts"]
        )
        influence = self._faction_map(f, "influence", 0, MAX_INFLUENCE)
        total = sum(influence.values())
        if total > MAX_INFLUENCE:
            f.problem(
                "influence",
                f"totals {total}; a district has {MAX_INFLUENCE} slots, so the sum may be at most {MAX_INFLUENCE}",
            )
        return DistrictSpec(
            key=f.key("key"),
            name=f.text("name", required=True, max_len=100),
            description=f.text("description", max_len=2000),
            commerce=f.integer("commerce", 0, 10),
            muster=f.integer("muster", 0, 10),
            aristocratic=f.integer("aristocratic", 0, 10),
            preferred_gain_attribute=f.choice(
                "preferred_gain_attribute", ATTRIBUTES, required=True
            ),
            preferred_gain_skill=f.choice("preferred_gain_skill", SKILLS, required=True),
            preferred_gain_squadron_aptitude=f.choice(
                "preferred_gain_squadron_aptitude", APTITUDES, required=True
            ),
            preferred_monitor_attribute=f.choice(
                "preferred_monitor_attribute", ATTRIBUTES, required=True
            ),
            preferred_monitor_skill=f.choice("preferred_monitor_skill", SKILLS, required=True),
            preferred_monitor_squadron_aptitude=f.choice(
                "preferred_monitor_squadron_aptitude", APTITUDES, default=DEFAULT_MONITOR_APTITUDE
            ),
            adjacent=_sorted_refs(f, "adjacent", self._district_ref),
            shape=self._shape(f),
            weekly_modifier=f.integer("weekly_modifier", -2, 2),
            modifiers=tuple(
                self._district_modifier(f, i, t) for i, t in enumerate(f.array("modifiers"))
            ),
            influence=influence,
            strongholds=_sorted_refs(f, "strongholds", self._faction_ref),
            likeability=self._faction_map(f, "likeability", -5, 5),
            rumors=tuple(self._rumor(f, i, t) for i, t in enumerate(f.array("rumors"))),
        )

    def _faction_map(self, f: Fields, name: str, lo: int, hi: int) -> dict[str, int]:
        result: dict[str, int] = {}
        for faction, value in f.mapping(name).items():
            spot = f"{name}.{faction}"
            if faction not in self.faction_keys:
                f.problem(spot, f"unknown faction '{faction}'; known: {_known(self.faction_keys)}")
                continue
            result[faction] = f.check_integer(spot, value, lo, hi)
        return result

    def _district_modifier(self, parent: Fields, index: int, table: object) -> DistrictModifierSpec:
        where = f"{parent.where}.modifiers[{index}]"
        f = Fields(table, where, self.problems, FIELDS["districts.modifiers"], entity=parent.where)
        kind = f.text("type", required=True, max_len=50)
        if kind == WEEKLY_DC:
            f.problem(
                "type", "'weekly_dc' is set with the district's weekly_modifier field instead"
            )
        return DistrictModifierSpec(
            type=kind,
            value=f.integer("value", -10, 10, required=True),
            expires_on=f.optional_integer("expires_on", 1, None),
        )

    def _rumor(self, parent: Fields, index: int, table: object) -> RumorSpec:
        where = f"{parent.where}.rumors[{index}]"
        if _raw_key(table):
            where += f" '{_raw_key(table)}'"
        f = Fields(table, where, self.problems, FIELDS["districts.rumors"])
        return RumorSpec(
            key=f.key("key"),
            name=f.text("name", required=True, max_len=100),
            text=f.text("text", required=True, max_len=1500),
            dc=f.integer("dc", 0, None, required=True),
            newspaper_hint=f.optional_text("newspaper_hint", max_len=1000),
            newspaper_weight=f.number(
                "newspaper_weight", 0.0, None, default=DEFAULT_NEWSPAPER_WEIGHT
            ),
            known_by=_sorted_refs(f, "known_by", self._faction_ref),
        )

    def _shape(self, parent: Fields) -> ShapeSpec | None:
        f = parent.child("shape", FIELDS["districts.shape"])
        if f is None:
            return None
        kind_text = f.choice("type", (k.value for k in ShapeKind), required=True)
        style = ShapeStyle(
            fill=f.color("fill", default=None),
            border=f.color("border", default=None),
            border_width=f.optional_integer("border_width", 0, 20),
        )
        if not kind_text:
            return None
        kind = ShapeKind(kind_text)
        for name in f.table:
            if name not in SHAPE_FIELDS[kind] | SHAPE_STYLE_FIELDS:
                f.problem(
                    name, f"is not used by a {kind.value}; it takes {_known(SHAPE_FIELDS[kind])}"
                )
        if kind is ShapeKind.POLYGON:
            return ShapeSpec(kind, points=self._points(f), style=style)
        if kind is ShapeKind.RECTANGLE:
            x, y = _coord(f, "x"), _coord(f, "y")
            width = f.number("width", 0.0, 1.0, required=True, lo_inclusive=False)
            height = f.number("height", 0.0, 1.0, required=True, lo_inclusive=False)
            if x + width > 1 + EPSILON or y + height > 1 + EPSILON:
                f.problem(
                    "", "the rectangle reaches past the map: x + width and y + height must be <= 1"
                )
            return ShapeSpec(kind, x=x, y=y, width=width, height=height, style=style)
        cx, cy = _coord(f, "cx"), _coord(f, "cy")
        r = f.number("r", 0.0, 0.5, required=True, lo_inclusive=False)
        if min(cx - r, cy - r) < -EPSILON or max(cx + r, cy + r) > 1 + EPSILON:
            f.problem("", "the circle reaches past the map: cx ± r and cy ± r must stay in 0..1")
        return ShapeSpec(kind, cx=cx, cy=cy, r=r, style=style)

    def _points(self, f: Fields) -> tuple[tuple[float, float], ...]:
        if not f.has("points"):
            f.problem("points", "is required: an array of at least 3 [x, y] pairs in 0..1")
            return ()
        points: list[tuple[float, float]] = []
        raw = f.array("points")
        before = len(self.problems)
        for index, pair in enumerate(raw):
            spot = f"points[{index}]"
            if not isinstance(pair, list) or len(pair) != 2:
                f.problem(spot, "must be an [x, y] pair of numbers in 0..1")
                continue
            x = f.check_number(f"{spot}[0]", pair[0], 0.0, 1.0, 0.0)
            y = f.check_number(f"{spot}[1]", pair[1], 0.0, 1.0, 0.0)
            points.append((x, y))
        if not 3 <= len(raw) <= MAX_POLYGON_POINTS:
            f.problem("points", f"has {len(raw)} points; a polygon needs 3..{MAX_POLYGON_POINTS}")
        elif len(self.problems) == before:  # geometry only makes sense on valid points
            if not is_simple_polygon(points):
                f.problem("points", "the polygon's outline crosses or touches itself")
            elif polygon_area(points) <= EPSILON:
                f.problem(
                    "points", "the polygon has no area (its points are collinear or repeated)"
                )
        return tuple(points)

    # -- pieces -------------------------------------------------------------------
    def _agent(self, index: int, table: object) -> AgentSpec:
        f = Fields(table, label("agents", index, _raw_key(table)), self.problems, FIELDS["agents"])
        faction = f.optional_key("faction")
        district = f.optional_key("district")
        return AgentSpec(
            key=f.key("key"),
            name=f.text("name", required=True, max_len=100),
            faction=self._faction_ref(f, "faction", faction or "") or None,
            district=self._district_ref(f, "district", district or "") or None,
            attributes={name: f.integer(name, 0, 5) for name in ATTRIBUTES},
            skills={name: f.integer(name, 0, 5) for name in SKILLS},
        )

    def _squadron(self, index: int, table: object) -> SquadronSpec:
        f = Fields(
            table, label("squadrons", index, _raw_key(table)), self.problems, FIELDS["squadrons"]
        )
        district = f.optional_key("district")
        return SquadronSpec(
            key=f.key("key"),
            name=f.text("name", required=True, max_len=100),
            faction=self._faction_ref(f, "faction", f.key("faction")),
            district=self._district_ref(f, "district", district or "") or None,
            type=f.text("type", max_len=50),
            mobility=f.integer("mobility", 0, 5),
            aptitudes={
                name: f.integer(name, -3, 5, default=DEFAULT_APTITUDE) for name in APTITUDES
            },
        )

    # -- [map] ----------------------------------------------------------------------
    def _map(self) -> MapSpec | None:
        f = self.top.child("map", FIELDS["map"])
        if f is None:
            return None
        base_image = f.optional_text("base_image", max_len=500)
        if base_image is not None:
            why = path_problem(base_image)
            if why is None and self.base_dir is not None:
                why = file_problem(self.base_dir, base_image)
            if why is not None:
                f.problem("base_image", why)
        return MapSpec(
            base_image=base_image,
            width=f.optional_integer("width", 1, 10000),
            height=f.optional_integer("height", 1, 10000),
        )


def _sorted_refs(f: Fields, name: str, check: Callable[[Fields, str, str], str]) -> tuple[str, ...]:
    """A set-like key list, each reference checked, kept sorted so models compare equal."""
    return tuple(sorted(check(f, f"{name}[{i}]", k) for i, k in enumerate(f.key_list(name))))


def _coord(f: Fields, name: str) -> float:
    return f.number(name, 0.0, 1.0, required=True)


def _known(keys: set[str] | frozenset[str]) -> str:
    return ", ".join(sorted(keys)) if keys else "(none)"
