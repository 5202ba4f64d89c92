"""Drawing a laid-out map: cells, hatching, labels, influence dots, strongholds, legend.

Knows nothing of truth or perception: the caller says what each district shows
(``DistrictView``) and which factions the legend lists. Faction colours are drawn
last and without anti-aliasing, after every other layer has been scrubbed of them,
so a faction's colour appears exactly where that faction's marks are.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from PIL import Image, ImageChops, ImageDraw

from bot.render import palette
from bot.render.fonts import fit_text, font
from bot.render.layout import Box, Cell, Point

MARGIN = 16
TITLE_BAND = 44
TITLE_SIZE = 22
LEGEND_SIZE = 14
LEGEND_ROW = 22
SWATCH = 14
HATCH_SPACING = 9


@dataclass(frozen=True)
class CellStyle:
    """A district's outline and fill as resolved from its shape's style."""

    border: palette.RGB = palette.BORDER
    border_width: int = 2
    fill: palette.RGB = palette.DISTRICT_FILL
    fill_opacity: float = 1.0


@dataclass(frozen=True)
class Mark:
    """One faction's presence in a district: its dots and maybe its stronghold."""

    faction_id: str
    value: int
    stronghold: bool


@dataclass(frozen=True)
class DistrictView:
    name: str
    marks: tuple[Mark, ...] = ()
    status: str | None = None
    hatched: bool = False


@dataclass(frozen=True)
class LegendEntry:
    label: str
    faction_id: str | None = None


@dataclass(frozen=True)
class Scene:
    """Everything one map image shows, already decided."""

    title: str
    canvas_size: tuple[int, int]
    map_box: Box
    cells: Mapping[str, Cell]
    styles: Mapping[str, CellStyle]
    views: Mapping[str, DistrictView]
    colors: Mapping[str, palette.RGB]
    legend: Sequence[LegendEntry]
    adjacency_lines: Sequence[tuple[Point, Point]] = ()
    base_image: Image.Image | None = None
    needs_scrub: bool = False
    key_notes: Sequence[str] = field(default_factory=tuple)


def _legend_rows(scene: Scene, width: int) -> list[list[tuple[LegendEntry, int]]]:
    face = font(LEGEND_SIZE)
    rows: list[list[tuple[LegendEntry, int]]] = [[]]
    x = MARGIN
    for entry in scene.legend:
        label = fit_text(entry.label, LEGEND_SIZE, 220)
        entry_width = SWATCH + 6 + int(face.getlength(label)) + 18
        if rows[-1] and x + entry_width > width - MARGIN:
            rows.append([])
            x = MARGIN
        rows[-1].append((LegendEntry(label, entry.faction_id), entry_width))
        x += entry_width
    return rows


def render(scene: Scene) -> bytes:
    width, map_bottom = scene.canvas_size
    legend_rows = _legend_rows(scene, width)
    notes_height = LEGEND_ROW if scene.key_notes else 0
    height = map_bottom + MARGIN + LEGEND_ROW * len(legend_rows) + notes_height + MARGIN
    image = Image.new("RGB", (width, height), palette.PAPER)
    if scene.base_image is not None:
        image.paste(scene.base_image, (int(scene.map_box[0]), int(scene.map_box[1])))
    _draw_fills(image, scene)
    draw = ImageDraw.Draw(image)
    _draw_borders(draw, scene)
    for start, end in scene.adjacency_lines:
        draw.line([start, end], fill=palette.ADJACENCY, width=1)
    layouts = {d: _mark_layout(scene.cells[d], scene.views[d]) for d in sorted(scene.views)}
    for district_id, layout in layouts.items():
        _draw_labels(draw, scene.views[district_id], layout)
    draw.text((MARGIN, 10), scene.title, fill=palette.TEXT, font=font(TITLE_SIZE))
    swatches = _draw_legend_text(draw, scene, legend_rows, map_bottom + MARGIN)
    if scene.needs_scrub:
        palette.scrub_colors(image, scene.colors.values())
    for district_id, layout in layouts.items():
        _draw_marks(draw, scene, scene.views[district_id], layout)
    for faction_id, (x, y) in swatches:
        draw.rectangle(
            (x, y, x + SWATCH - 1, y + SWATCH - 1),
            fill=scene.colors[faction_id],
            outline=palette.MARK_OUTLINE,
        )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=3)
    return buffer.getvalue()


def _draw_fills(image: Image.Image, scene: Scene) -> None:
    overlay = Image.new("RGB", image.size, palette.PAPER)
    alpha = Image.new("L", image.size, 0)
    hatch_area = Image.new("L", image.size, 0)
    overlay_draw, alpha_draw = ImageDraw.Draw(overlay), ImageDraw.Draw(alpha)
    hatch_draw = ImageDraw.Draw(hatch_area)
    for district_id in sorted(scene.views):
        polygon = scene.cells[district_id].polygon
        style = scene.styles[district_id]
        if scene.views[district_id].hatched:
            overlay_draw.polygon(polygon, fill=palette.UNKNOWN_FILL)
            alpha_draw.polygon(polygon, fill=255)
            hatch_draw.polygon(polygon, fill=255)
        else:
            overlay_draw.polygon(polygon, fill=style.fill)
            alpha_draw.polygon(polygon, fill=round(255 * style.fill_opacity))
    image.paste(overlay, (0, 0), alpha)
    if hatch_area.getbbox() is None:
        return
    lines = Image.new("L", image.size, 0)
    lines_draw = ImageDraw.Draw(lines)
    width, height = image.size
    for offset in range(-height, width, HATCH_SPACING):
        lines_draw.line([(offset, 0), (offset + height, height)], fill=255, width=2)
    image.paste(palette.HATCH, (0, 0, width, height), ImageChops.multiply(lines, hatch_area))


def _draw_borders(draw: ImageDraw.ImageDraw, scene: Scene) -> None:
    for district_id in sorted(scene.views):
        style = scene.styles[district_id]
        if style.border_width > 0:
            draw.polygon(
                scene.cells[district_id].polygon, outline=style.border, width=style.border_width
            )


@dataclass(frozen=True)
class _MarkLayout:
    """Where one district's label, status line, dots and strongholds go."""

    name_at: Point
    name_size: int
    name_width: float
    status_at: Point | None
    dot_size: int
    dots: tuple[tuple[str, Point], ...]
    castles: tuple[tuple[str, Point], ...]


def _mark_layout(cell: Cell, view: DistrictView) -> _MarkLayout:
    x0, y0, x1, y1 = cell.content
    content_w, content_h = max(x1 - x0, 8.0), max(y1 - y0, 8.0)
    name_size = int(max(9, min(14, content_h / 5, content_w / 6)))
    dot_size = int(max(5, min(12, content_w / 7, content_h / 6)))
    gap = max(2, dot_size // 3)
    dot_count = sum(max(0, m.value) for m in view.marks)
    castle_ids = [m.faction_id for m in view.marks if m.stronghold]
    per_row = max(1, min(5, int((content_w + gap) // (dot_size + gap))))
    dot_rows = math.ceil(dot_count / per_row) if dot_count else 0
    castle_size = dot_size + 4
    castles_per_row = max(1, int((content_w + gap) // (castle_size + gap)))
    castle_rows = math.ceil(len(castle_ids) / castles_per_row) if castle_ids else 0
    status_height = name_size + 2 if view.status else 0
    block = (
        name_size
        + 3
        + status_height
        + dot_rows * (dot_size + gap)
        + castle_rows * (castle_size + gap)
    )
    ax, ay = cell.anchor
    top = ay - block / 2
    name_at = (ax, top)
    status_at = (ax, top + name_size + 2) if view.status else None
    cursor = top + name_size + 3 + status_height
    dots: list[tuple[str, Point]] = []
    sequence = [m.faction_id for m in view.marks for _ in range(max(0, m.value))]
    for row in range(dot_rows):
        chunk = sequence[row * per_row : (row + 1) * per_row]
        row_width = len(chunk) * dot_size + (len(chunk) - 1) * gap
        left = ax - row_width / 2
        for index, faction_id in enumerate(chunk):
            dots.append((faction_id, (left + index * (dot_size + gap), cursor)))
        cursor += dot_size + gap
    castles: list[tuple[str, Point]] = []
    for row in range(castle_rows):
        chunk = castle_ids[row * castles_per_row : (row + 1) * castles_per_row]
        row_width = len(chunk) * castle_size + (len(chunk) - 1) * gap
        left = ax - row_width / 2
        for index, faction_id in enumerate(chunk):
            castles.append((faction_id, (left + index * (castle_size + gap), cursor)))
        cursor += castle_size + gap
    return _MarkLayout(
        name_at, name_size, content_w + 24, status_at, dot_size, tuple(dots), tuple(castles)
    )


def _draw_labels(draw: ImageDraw.ImageDraw, view: DistrictView, layout: _MarkLayout) -> None:
    name = fit_text(view.name, layout.name_size, layout.name_width)
    draw.text(layout.name_at, name, fill=palette.TEXT, font=font(layout.name_size), anchor="mt")
    if layout.status_at is not None and view.status:
        draw.text(
            layout.status_at,
            view.status,
            fill=palette.MUTED_TEXT,
            font=font(layout.name_size),
            anchor="mt",
        )


def castle_polygon(x: float, y: float, size: float) -> list[Point]:
    """A stronghold glyph: a square keep with three merlons on top."""
    merlon = size / 5
    top = y + merlon
    return [
        (x, y),
        (x + merlon, y),
        (x + merlon, top),
        (x + 2 * merlon, top),
        (x + 2 * merlon, y),
        (x + 3 * merlon, y),
        (x + 3 * merlon, top),
        (x + 4 * merlon, top),
        (x + 4 * merlon, y),
        (x + size, y),
        (x + size, y + size),
        (x, y + size),
    ]


def _draw_marks(
    draw: ImageDraw.ImageDraw, scene: Scene, view: DistrictView, layout: _MarkLayout
) -> None:
    size = layout.dot_size
    for faction_id, (x, y) in layout.dots:
        draw.ellipse(
            (x, y, x + size - 1, y + size - 1),
            fill=scene.colors[faction_id],
            outline=palette.MARK_OUTLINE,
        )
    castle_size = size + 4
    for faction_id, (x, y) in layout.castles:
        draw.polygon(
            castle_polygon(x, y, castle_size - 1),
            fill=scene.colors[faction_id],
            outline=palette.MARK_OUTLINE,
            width=1,
        )


def _draw_legend_text(
    draw: ImageDraw.ImageDraw,
    scene: Scene,
    rows: list[list[tuple[LegendEntry, int]]],
    top: float,
) -> list[tuple[str, Point]]:
    """Legend labels now, swatch positions for later (swatches carry faction colours)."""
    face = font(LEGEND_SIZE)
    swatches: list[tuple[str, Point]] = []
    y = top
    for row in rows:
        x = float(MARGIN)
        for entry, entry_width in row:
            if entry.faction_id is not None:
                swatches.append((entry.faction_id, (x, y + 2)))
            draw.text((x + SWATCH + 6, y + 1), entry.label, fill=palette.TEXT, font=face)
            x += entry_width
        y += LEGEND_ROW
    if scene.key_notes:
        castle = castle_polygon(MARGIN, y + 2, SWATCH - 1)
        draw.polygon(castle, fill=palette.UNKNOWN_FILL, outline=palette.MARK_OUTLINE, width=1)
        notes = "  |  ".join(scene.key_notes)
        draw.text((MARGIN + SWATCH + 6, y + 1), notes, fill=palette.MUTED_TEXT, font=face)
    return swatches
