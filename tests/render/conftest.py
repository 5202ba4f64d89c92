"""Map fixtures: a small connected city without shapes, factions in non-grey colours."""

from __future__ import annotations

import io
from collections.abc import Sequence

import pytest
from PIL import Image, ImageDraw

from bot.render.layout import Point
from bot.render.maps import MapDistrict, MapFaction

FACTIONS = (
    MapFaction("f1", "Red Hand", "#cc2222"),
    MapFaction("f2", "Blue Guild", "#2244cc"),
    MapFaction("f3", "Green Circle", "#22aa44"),
    MapFaction("f4", "Gold Syndicate", "#d4a017"),
)


def grid_city(count: int, columns: int = 4) -> tuple[MapDistrict, ...]:
    """Districts d00.. adjacent to their grid neighbours (symmetric)."""
    ids = [f"d{i:02d}" for i in range(count)]
    neighbours: dict[str, set[str]] = {i: set() for i in ids}
    for index, district_id in enumerate(ids):
        right = index + 1 if (index + 1) % columns else None
        for other in (right, index + columns):
            if other is not None and other < count:
                neighbours[district_id].add(ids[other])
                neighbours[ids[other]].add(district_id)
    return tuple(
        MapDistrict(d, f"District {d.upper()}", None, tuple(sorted(neighbours[d]))) for d in ids
    )


@pytest.fixture
def city() -> tuple[MapDistrict, ...]:
    return grid_city(12)


@pytest.fixture
def factions() -> tuple[MapFaction, ...]:
    return FACTIONS


def decode(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image.convert("RGB")


def region_mask(size: tuple[int, int], polygon: Sequence[Point], inset: int = 4) -> Image.Image:
    """The polygon's interior, minus a margin so shared borders are left out."""
    mask = Image.new("L", size, 0)
    draw = ImageDraw.Draw(mask)
    draw.polygon(list(polygon), fill=255)
    draw.polygon(list(polygon), outline=0, width=2 * inset)
    return mask


def pixels_in(image: Image.Image, mask: Image.Image) -> list[tuple[int, int, int]]:
    box = mask.getbbox()
    assert box is not None
    crop, crop_mask = image.crop(box), mask.crop(box)
    return [
        p
        for p, m in zip(crop.get_flattened_data(), crop_mask.get_flattened_data(), strict=True)
        if m
    ]


def color_blobs(image: Image.Image, mask: Image.Image, color: tuple[int, int, int]) -> int:
    """How many 4-connected blobs of exactly ``color`` lie inside ``mask``."""
    box = mask.getbbox()
    assert box is not None
    left, top, right, bottom = box
    pixels, mask_pixels = image.load(), mask.load()
    wanted = {
        (x, y)
        for x in range(left, right)
        for y in range(top, bottom)
        if mask_pixels[x, y] and pixels[x, y] == color
    }
    blobs = 0
    while wanted:
        blobs += 1
        stack = [wanted.pop()]
        while stack:
            x, y = stack.pop()
            for neighbour in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
                if neighbour in wanted:
                    wanted.remove(neighbour)
                    stack.append(neighbour)
    return blobs
