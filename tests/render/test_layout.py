"""Automatic layout: cells tile the map without overlapping, labels sit inside."""

from __future__ import annotations

import math

import pytest

from bot.render.layout import point_in_polygon, polygon_area
from bot.render.maps import compute_layout
from tests.render.conftest import grid_city

SIZE = (1000, 700)


@pytest.mark.parametrize("count", [1, 2, 12, 50])
def test_auto_layout_tiles_the_map_without_overlaps(count: int) -> None:
    districts = grid_city(count, columns=max(1, round(math.sqrt(count))))
    layout = compute_layout(districts, SIZE)
    cells = layout.cells
    assert sorted(cells) == sorted(d.id for d in districts)
    x0, y0, x1, y1 = layout.map_box
    total = sum(abs(polygon_area(c.polygon)) for c in cells.values())
    assert total == pytest.approx((x1 - x0) * (y1 - y0), rel=1e-6)
    # Sample points off any shared boundary: each lies in exactly one cell.
    for i in range(41):
        for j in range(29):
            point = (x0 + (i + 0.37) * (x1 - x0) / 41.3, y0 + (j + 0.41) * (y1 - y0) / 29.2)
            owners = [d for d, c in cells.items() if point_in_polygon(point, c.polygon)]
            assert len(owners) == 1, (point, owners)
    for cell in cells.values():
        assert point_in_polygon(cell.anchor, cell.polygon)
        left, top, right, bottom = cell.content
        for corner in ((left, top), (right, top), (left, bottom), (right, bottom)):
            assert point_in_polygon(corner, cell.polygon)
        assert abs(polygon_area(cell.polygon)) > 0.25 * total / count


def test_neighbours_are_placed_closer_than_strangers() -> None:
    districts = grid_city(50, columns=7)
    cells = compute_layout(districts, SIZE).cells
    neighbour = [
        math.dist(cells[d.id].anchor, cells[n].anchor) for d in districts for n in d.adjacent
    ]
    everyone = [
        math.dist(cells[a.id].anchor, cells[b.id].anchor)
        for a in districts
        for b in districts
        if a.id < b.id
    ]
    assert sum(neighbour) / len(neighbour) < 0.6 * sum(everyone) / len(everyone)


def test_layout_is_deterministic_and_order_independent() -> None:
    districts = grid_city(20, columns=5)
    first = compute_layout.__wrapped__(districts, SIZE)
    second = compute_layout.__wrapped__(tuple(sorted(districts, key=lambda d: d.id)), SIZE)
    assert first == second
