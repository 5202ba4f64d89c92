"""Map images (RULES.md §10.2): the GM's true map and each faction's fog-of-war map.

Pure: dataclasses in, PNG bytes out; no database, no discord, no clock. The same
inputs give the same bytes. Both maps share one layout, so a faction map differs
from the true map only where the faction's perception differs from the truth.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from PIL import Image, UnidentifiedImageError

from bot.render import palette
from bot.render.layout import (
    Box,
    Cell,
    Point,
    auto_polygons,
    circle_polygon,
    make_cell,
    rectangle_polygon,
    touching,
)
from bot.render.map_canvas import (
    MARGIN,
    TITLE_BAND,
    CellStyle,
    DistrictView,
    LegendEntry,
    Mark,
    Scene,
    render,
)

DEFAULT_SIZE = (1200, 900)
UNSHAPED_ROW_HEIGHT = 150
ShapeKind = Literal["polygon", "rectangle", "circle"]


@dataclass(frozen=True)
class MapFaction:
    id: str
    name: str
    color: str  # '#RRGGBB'


@dataclass(frozen=True)
class ShapeStyle:
    """§10.2 border/fill style; ``None`` colours fall back to the map's greys."""

    border_color: str | None = None
    border_width: int = 2
    fill_color: str | None = None
    fill_opacity: float | None = None  # None: opaque without a base image, 0.35 over one


@dataclass(frozen=True)
class MapShape:
    """A district outline in coordinates relative to the map (0..1 on both axes).

    ``polygon``: ``points``; ``rectangle``: ``box`` = (x, y, w, h); ``circle``:
    ``circle`` = (cx, cy, r) with r relative to the shorter side, so circles stay round.
    """

    kind: ShapeKind
    points: tuple[tuple[float, float], ...] = ()
    box: tuple[float, float, float, float] | None = None
    circle: tuple[float, float, float] | None = None
    style: ShapeStyle = ShapeStyle()

    def __post_init__(self) -> None:
        if self.kind == "polygon" and len(self.points) < 3:
            raise ValueError("a polygon shape needs at least 3 points")
        if self.kind == "rectangle" and self.box is None:
            raise ValueError("a rectangle shape needs box=(x, y, w, h)")
        if self.kind == "circle" and self.circle is None:
            raise ValueError("a circle shape needs circle=(cx, cy, r)")

    def pixel_polygon(self, area: Box) -> list[Point]:
        x0, y0, x1, y1 = area
        width, height = x1 - x0, y1 - y0
        if self.kind == "polygon":
            return [(x0 + x * width, y0 + y * height) for x, y in self.points]
        if self.kind == "rectangle":
            assert self.box is not None
            x, y, w, h = self.box
            return rectangle_polygon(x0 + x * width, y0 + y * height, w * width, h * height)
        assert self.circle is not None
        cx, cy, r = self.circle
        return circle_polygon(x0 + cx * width, y0 + cy * height, r * min(width, height))


@dataclass(frozen=True)
class MapDistrict:
    id: str
    name: str
    shape: MapShape | None = None
    adjacent: tuple[str, ...] = ()


@dataclass(frozen=True)
class TrueMap:
    campaign_name: str
    turn: int
    districts: Sequence[MapDistrict]
    factions: Sequence[MapFaction]
    influence: Mapping[tuple[str, str], int]  # (district_id, faction_id) -> value
    strongholds: frozenset[tuple[str, str]] = frozenset()  # (district_id, faction_id)
    base_image: bytes | None = None
    size: tuple[int, int] = DEFAULT_SIZE


@dataclass(frozen=True)
class PerceivedDistrict:
    """The viewer's latest report on a district: faction -> (value, stronghold reported)."""

    as_of_turn: int
    entries: Mapping[str, tuple[int, bool]] = field(default_factory=dict)


@dataclass(frozen=True)
class FogMap:
    """One faction's belief. ``intel_turn`` is the newest turn a report can date from (the
    last completed turn; None = ``turn``): older reports are marked stale. ``palette``
    holds every faction's colour (id -> '#RRGGBB') so colours are assigned and scrubbed
    exactly as on the true map; only ``factions`` are ever drawn or listed."""

    campaign_name: str
    turn: int
    viewer_faction_id: str
    districts: Sequence[MapDistrict]
    factions: Sequence[MapFaction]  # viewer + every faction it may have perceived
    perceived: Mapping[str, PerceivedDistrict]  # absent district: never reported
    own: Mapping[str, tuple[int, bool]]  # the viewer's true (value, stronghold)
    base_image: bytes | None = None
    size: tuple[int, int] = DEFAULT_SIZE
    intel_turn: int | None = None
    palette: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MapLayout:
    canvas_size: tuple[int, int]  # width, bottom of the map area (legend goes below)
    map_box: Box
    cells: Mapping[str, Cell]
    adjacency_lines: tuple[tuple[Point, Point], ...]


@lru_cache(maxsize=8)
def compute_layout(districts: tuple[MapDistrict, ...], size: tuple[int, int]) -> MapLayout:
    """Cells for every district: drawn shapes where given, automatic cells otherwise.

    Cached because one turn renders the GM map and every faction map from the same
    geometry. Districts without a shape on an otherwise drawn map get a strip of
    automatic cells under it, so a half-drawn map still shows every district.
    """
    width, height = size
    map_box: Box = (MARGIN, TITLE_BAND, MARGIN + width, TITLE_BAND + height)
    shaped = [d for d in districts if d.shape is not None]
    unshaped = sorted((d for d in districts if d.shape is None), key=lambda d: d.id)
    adjacency = {d.id: d.adjacent for d in districts}
    cells: dict[str, Cell] = {}
    for district in shaped:
        assert district.shape is not None
        cells[district.id] = make_cell(district.id, district.shape.pixel_polygon(map_box))
    bottom = map_box[3]
    if unshaped and shaped:
        rows = max(1, round(len(unshaped) / max(1, width // 170) + 0.49))
        auto_box: Box = (
            MARGIN,
            bottom + MARGIN,
            MARGIN + width,
            bottom + MARGIN + rows * UNSHAPED_ROW_HEIGHT,
        )
        bottom = auto_box[3]
    else:
        auto_box = map_box
    polygons = auto_polygons([d.id for d in unshaped], adjacency, auto_box)
    for district_id, polygon in polygons.items():
        cells[district_id] = make_cell(district_id, polygon)
    auto_ids = set(polygons)
    lines = tuple(
        (cells[a].anchor, cells[b].anchor)
        for a in sorted(auto_ids)
        for b in sorted(set(adjacency[a]) & auto_ids)
        if a < b and not touching(cells[a].polygon, cells[b].polygon)
    )
    return MapLayout((width + 2 * MARGIN, int(bottom)), map_box, cells, lines)


@lru_cache(maxsize=4)
def _decoded_base(data: bytes, size: tuple[int, int]) -> Image.Image | None:
    """The base image at map size, or None when Pillow cannot read it (e.g. SVG)."""
    try:
        with Image.open(io.BytesIO(data)) as opened:
            opened.load()
            if opened.mode in ("RGBA", "LA", "P"):
                rgba = opened.convert("RGBA")
                flat = Image.new("RGBA", rgba.size, (*palette.PAPER, 255))
                flat.alpha_composite(rgba)
                source = flat.convert("RGB")
            else:
                source = opened.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    return source.resize(size, Image.Resampling.BILINEAR)


def _styles(districts: Sequence[MapDistrict], has_base: bool) -> tuple[dict[str, CellStyle], bool]:
    """Each district's resolved style, and whether any non-grey GM colour is involved."""
    styles: dict[str, CellStyle] = {}
    custom = False
    default_opacity = 0.35 if has_base else 1.0
    for district in districts:
        style = district.shape.style if district.shape is not None else ShapeStyle()
        border = palette.parse_hex(style.border_color) if style.border_color else palette.BORDER
        fill = palette.parse_hex(style.fill_color) if style.fill_color else palette.DISTRICT_FILL
        custom = custom or bool(style.border_color or style.fill_color)
        opacity = default_opacity if style.fill_opacity is None else style.fill_opacity
        styles[district.id] = CellStyle(
            border, max(0, style.border_width), fill, min(1.0, max(0.0, opacity))
        )
    return styles, custom


def _scene(
    title: str,
    districts: Sequence[MapDistrict],
    size: tuple[int, int],
    base_image: bytes | None,
    views: dict[str, DistrictView],
    colors: dict[str, palette.RGB],
    legend: list[LegendEntry],
    key_notes: tuple[str, ...],
) -> Scene:
    ordered = tuple(sorted(districts, key=lambda d: d.id))
    layout = compute_layout(ordered, tuple(size))
    base = _decoded_base(base_image, tuple(size)) if base_image else None
    styles, custom = _styles(ordered, base is not None)
    return Scene(
        title=title,
        canvas_size=layout.canvas_size,
        map_box=layout.map_box,
        cells=layout.cells,
        styles=styles,
        views=views,
        colors=colors,
        legend=legend,
        adjacency_lines=layout.adjacency_lines,
        base_image=base,
        needs_scrub=base is not None or custom,
        key_notes=key_notes,
    )


def _marks(entries: Mapping[str, tuple[int, bool]]) -> tuple[Mark, ...]:
    return tuple(
        Mark(faction_id, value, stronghold)
        for faction_id, (value, stronghold) in sorted(entries.items())
        if value > 0 or stronghold
    )


def render_true_map(true_map: TrueMap) -> bytes:
    """The GM map: every faction's real influence and strongholds."""
    factions = sorted(true_map.factions, key=lambda f: f.id)
    colors = palette.drawn_colors({f.id: f.color for f in factions})
    views: dict[str, DistrictView] = {}
    for district in true_map.districts:
        entries = {
            f.id: (
                true_map.influence.get((district.id, f.id), 0),
                (district.id, f.id) in true_map.strongholds,
            )
            for f in factions
        }
        views[district.id] = DistrictView(district.name, _marks(entries))
    return render(
        _scene(
            f"{true_map.campaign_name} - Turn {true_map.turn} - GM map",
            true_map.districts,
            true_map.size,
            true_map.base_image,
            views,
            colors,
            [LegendEntry(f.name, f.id) for f in factions],
            ("stronghold",),
        )
    )


def render_fog_map(fog: FogMap) -> bytes:
    """A faction's map: its latest perception per district, its own truth, nothing more.

    Unknown districts are hatched with "?"; reports older than ``intel_turn`` say which
    turn they date from. Factions the viewer never perceived are neither drawn nor
    listed, so no pixel carries their colour.
    """
    factions = {f.id: f for f in fog.factions}
    if fog.viewer_faction_id not in factions:
        raise ValueError("the viewer must be among the map's factions")
    views: dict[str, DistrictView] = {}
    shown: set[str] = {fog.viewer_faction_id}
    fresh = fog.turn if fog.intel_turn is None else fog.intel_turn
    for district in fog.districts:
        report = fog.perceived.get(district.id)
        entries: dict[str, tuple[int, bool]] = {}
        if report is not None:
            entries.update(
                (fid, entry)
                for fid, entry in report.entries.items()
                if fid != fog.viewer_faction_id and fid in factions
            )
        own_value, own_stronghold = fog.own.get(district.id, (0, False))
        entries[fog.viewer_faction_id] = (own_value, own_stronghold)
        marks = _marks(entries)
        shown.update(m.faction_id for m in marks)
        if report is None:
            status, hatched = "?", True
        elif report.as_of_turn < fresh:
            status, hatched = f"(turn {report.as_of_turn})", False
        else:
            status, hatched = None, False
        views[district.id] = DistrictView(district.name, marks, status, hatched)
    # Colours are assigned over every faction, as on the true map, and all of them are
    # scrubbed from the background; only shown factions get marks and swatches.
    colors = palette.drawn_colors({**dict(fog.palette), **{f.id: f.color for f in fog.factions}})
    viewer = factions[fog.viewer_faction_id]
    legend = [LegendEntry(factions[fid].name, fid) for fid in sorted(shown)]
    return render(
        _scene(
            f"{fog.campaign_name} - Turn {fog.turn} - {viewer.name}: intelligence",
            fog.districts,
            fog.size,
            fog.base_image,
            views,
            colors,
            legend,
            ("stronghold", "hatched ? = never reported", "(turn N) = last report"),
        )
    )
