"""Geometry of a map: district cells in pixels, from shapes or laid out automatically.

Campaigns without drawn shapes still need a readable map, so districts are placed on
a grid by walking the adjacency graph (neighbours end up near each other), jittered
by a hash of their id, relaxed twice (Lloyd) and cut into Voronoi cells. Voronoi
cells tile the area and never overlap. Everything is deterministic: no clock, no
unseeded randomness, iteration in id order.
"""

from __future__ import annotations

import hashlib
import math
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Point = tuple[float, float]
Box = tuple[float, float, float, float]

CIRCLE_VERTICES = 64
_JITTER = 0.28
_LLOYD_ROUNDS = 2


@dataclass(frozen=True)
class Cell:
    """One district in pixels: outline, the point it is labelled at, room for marks."""

    district_id: str
    polygon: tuple[Point, ...]
    anchor: Point
    content: Box


# --- polygon helpers -------------------------------------------------------------


def polygon_area(polygon: Sequence[Point]) -> float:
    total = 0.0
    for (x1, y1), (x2, y2) in zip(polygon, [*polygon[1:], polygon[0]], strict=True):
        total += x1 * y2 - x2 * y1
    return total / 2


def polygon_centroid(polygon: Sequence[Point]) -> Point:
    area = polygon_area(polygon)
    if abs(area) < 1e-9:
        xs, ys = zip(*polygon, strict=True)
        return sum(xs) / len(xs), sum(ys) / len(ys)
    cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(polygon, [*polygon[1:], polygon[0]], strict=True):
        cross = x1 * y2 - x2 * y1
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    return cx / (6 * area), cy / (6 * area)


def point_in_polygon(point: Point, polygon: Sequence[Point]) -> bool:
    """Even-odd rule; works for concave polygons drawn by a GM."""
    x, y = point
    inside = False
    count = len(polygon)
    for i in range(count):
        x1, y1 = polygon[i]
        x2, y2 = polygon[(i + 1) % count]
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _distance_to_edges(point: Point, polygon: Sequence[Point]) -> float:
    px, py = point
    best = math.inf
    count = len(polygon)
    for i in range(count):
        x1, y1 = polygon[i]
        x2, y2 = polygon[(i + 1) % count]
        dx, dy = x2 - x1, y2 - y1
        length_sq = dx * dx + dy * dy
        t = (
            0.0
            if length_sq == 0
            else max(0.0, min(1.0, ((px - x1) * dx + (py - y1) * dy) / length_sq))
        )
        best = min(best, math.hypot(px - (x1 + t * dx), py - (y1 + t * dy)))
    return best


def _bounds(polygon: Sequence[Point]) -> Box:
    xs = [p[0] for p in polygon]
    ys = [p[1] for p in polygon]
    return min(xs), min(ys), max(xs), max(ys)


def interior_anchor(polygon: Sequence[Point]) -> tuple[Point, float]:
    """An approximate pole of inaccessibility and its distance to the outline.

    The centroid of a concave district can fall outside it; labels need a point
    deep inside. Two rounds of grid sampling are accurate enough for labelling.
    """
    x0, y0, x1, y1 = _bounds(polygon)
    best = polygon_centroid(polygon)
    best_distance = _distance_to_edges(best, polygon) if point_in_polygon(best, polygon) else -1.0
    half_w, half_h = (x1 - x0) / 2, (y1 - y0) / 2
    center = ((x0 + x1) / 2, (y0 + y1) / 2)
    for _round in range(2):
        steps = 8
        for i in range(steps + 1):
            for j in range(steps + 1):
                candidate = (
                    center[0] - half_w + 2 * half_w * i / steps,
                    center[1] - half_h + 2 * half_h * j / steps,
                )
                if not point_in_polygon(candidate, polygon):
                    continue
                distance = _distance_to_edges(candidate, polygon)
                if distance > best_distance + 1e-9:
                    best, best_distance = candidate, distance
        center, half_w, half_h = best, half_w / 4, half_h / 4
    return best, max(best_distance, 0.0)


def content_box(polygon: Sequence[Point], anchor: Point, radius: float) -> Box:
    """The widest box around ``anchor`` whose corners and edge midpoints stay inside."""
    half_w = half_h = radius / math.sqrt(2)
    ax, ay = anchor

    def fits(hw: float, hh: float) -> bool:
        probes = [
            (ax + sx * hw, ay + sy * hh) for sx in (-1, 0, 1) for sy in (-1, 0, 1) if sx or sy
        ]
        return all(point_in_polygon(p, polygon) for p in probes)

    for _ in range(12):
        if not fits(half_w * 1.15, half_h):
            break
        half_w *= 1.15
    for _ in range(6):
        if not fits(half_w, half_h * 1.1):
            break
        half_h *= 1.1
    return ax - half_w, ay - half_h, ax + half_w, ay + half_h


def make_cell(district_id: str, polygon: Sequence[Point]) -> Cell:
    anchor, radius = interior_anchor(polygon)
    return Cell(district_id, tuple(polygon), anchor, content_box(polygon, anchor, radius))


# --- shapes ----------------------------------------------------------------------


def rectangle_polygon(x: float, y: float, w: float, h: float) -> list[Point]:
    return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


def circle_polygon(cx: float, cy: float, r: float) -> list[Point]:
    return [
        (
            cx + r * math.cos(2 * math.pi * k / CIRCLE_VERTICES),
            cy + r * math.sin(2 * math.pi * k / CIRCLE_VERTICES),
        )
        for k in range(CIRCLE_VERTICES)
    ]


# --- automatic layout ------------------------------------------------------------


def _unit(*parts: str) -> float:
    """A stable pseudo-random number in [0, 1) for presentation jitter only."""
    digest = hashlib.sha256("|".join(("map-layout", *parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _traversal_order(ids: Sequence[str], adjacency: Mapping[str, Sequence[str]]) -> list[str]:
    """Breadth-first from the lowest id, neighbours in id order, component by component."""
    known = set(ids)
    seen: set[str] = set()
    order: list[str] = []
    for start in ids:
        if start in seen:
            continue
        seen.add(start)
        queue = deque([start])
        while queue:
            current = queue.popleft()
            order.append(current)
            for neighbour in sorted(adjacency.get(current, ())):
                if neighbour in known and neighbour not in seen:
                    seen.add(neighbour)
                    queue.append(neighbour)
    return order


def _grid_sites(
    ids: Sequence[str], adjacency: Mapping[str, Sequence[str]], area: Box
) -> dict[str, Point]:
    """Each district on its own grid slot, close to its already placed neighbours."""
    x0, y0, x1, y1 = area
    width, height = x1 - x0, y1 - y0
    count = len(ids)
    cols = max(1, math.ceil(math.sqrt(count * width / height)))
    rows = max(1, math.ceil(count / cols))
    cell_w, cell_h = width / cols, height / rows
    free = {(c, r) for c in range(cols) for r in range(rows)}
    slot: dict[str, tuple[int, int]] = {}
    middle = ((cols - 1) / 2, (rows - 1) / 2)
    for district_id in _traversal_order(ids, adjacency):
        placed = [slot[n] for n in adjacency.get(district_id, ()) if n in slot]
        if placed:
            target = (
                sum(p[0] for p in placed) / len(placed),
                sum(p[1] for p in placed) / len(placed),
            )
        else:
            target = middle
        chosen = min(
            free,
            key=lambda s: ((s[0] - target[0]) ** 2 + (s[1] - target[1]) ** 2, s[1], s[0]),
        )
        free.remove(chosen)
        slot[district_id] = chosen
    sites: dict[str, Point] = {}
    for district_id, (c, r) in slot.items():
        jx = (_unit(district_id, "x") - 0.5) * 2 * _JITTER
        jy = (_unit(district_id, "y") - 0.5) * 2 * _JITTER
        sites[district_id] = (x0 + (c + 0.5 + jx) * cell_w, y0 + (r + 0.5 + jy) * cell_h)
    return sites


def _clip(polygon: list[Point], site: Point, other: Point) -> list[Point]:
    """Keep the part of ``polygon`` nearer to ``site`` than to ``other``."""
    nx, ny = other[0] - site[0], other[1] - site[1]
    mx, my = (site[0] + other[0]) / 2, (site[1] + other[1]) / 2

    def side(p: Point) -> float:
        return (p[0] - mx) * nx + (p[1] - my) * ny

    result: list[Point] = []
    count = len(polygon)
    for i in range(count):
        current, following = polygon[i], polygon[(i + 1) % count]
        s_current, s_following = side(current), side(following)
        if s_current <= 0:
            result.append(current)
        if (s_current <= 0) != (s_following <= 0):
            t = s_current / (s_current - s_following)
            result.append(
                (
                    current[0] + t * (following[0] - current[0]),
                    current[1] + t * (following[1] - current[1]),
                )
            )
    return result


def voronoi_cells(sites: Mapping[str, Point], area: Box) -> dict[str, list[Point]]:
    """Voronoi cells clipped to ``area``; neighbours are tried nearest first and the
    search stops once no farther site can reach the cell."""
    x0, y0, x1, y1 = area
    ids = sorted(sites)
    cells: dict[str, list[Point]] = {}
    for district_id in ids:
        site = sites[district_id]
        polygon = rectangle_polygon(x0, y0, x1 - x0, y1 - y0)
        others = sorted((math.dist(site, sites[o]), o) for o in ids if o != district_id)
        for distance, other in others:
            reach = max(math.dist(site, p) for p in polygon) if polygon else 0.0
            if distance > 2 * reach:
                break
            polygon = _clip(polygon, site, sites[other])
        cells[district_id] = polygon
    return cells


def auto_polygons(
    ids: Sequence[str], adjacency: Mapping[str, Sequence[str]], area: Box
) -> dict[str, list[Point]]:
    """Non-overlapping cells tiling ``area``, one per district, neighbours close."""
    ordered = sorted(ids)
    if not ordered:
        return {}
    sites = _grid_sites(ordered, adjacency, area)
    cells = voronoi_cells(sites, area)
    for _ in range(_LLOYD_ROUNDS):
        sites = {d: polygon_centroid(cells[d]) for d in ordered}
        cells = voronoi_cells(sites, area)
    return cells


def touching(first: Sequence[Point], second: Sequence[Point], tolerance: float = 0.5) -> bool:
    """Whether two cells share an edge (two common vertices): the border already shows
    their adjacency, so no connecting line is needed."""
    shared = 0
    for ax, ay in first:
        if any(abs(ax - bx) <= tolerance and abs(ay - by) <= tolerance for bx, by in second):
            shared += 1
            if shared >= 2:
                return True
    return False
