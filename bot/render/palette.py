"""Colours of the map renderer and the guarantee that UI never wears a faction colour.

Every non-faction element (paper, borders, text, hatching, adjacency lines) is a pure
grey (r = g = b), and anti-aliased text blended between greys stays grey. A faction
colour that is itself a pure grey is drawn with its blue channel nudged by 1, and a
colour already taken by a lower-id faction is nudged further, so a pixel of a
faction's drawn colour can only come from that faction's marks. Base images and GM
shape styles can contain any colour; ``scrub_colors`` nudges such pixels away.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PIL import Image, ImageChops

RGB = tuple[int, int, int]

PAPER: RGB = (236, 236, 236)
DISTRICT_FILL: RGB = (250, 250, 250)
UNKNOWN_FILL: RGB = (214, 214, 214)
HATCH: RGB = (160, 160, 160)
BORDER: RGB = (70, 70, 70)
ADJACENCY: RGB = (190, 190, 190)
TEXT: RGB = (30, 30, 30)
MUTED_TEXT: RGB = (110, 110, 110)
MARK_OUTLINE: RGB = (20, 20, 20)

UI_COLORS: frozenset[RGB] = frozenset(
    {PAPER, DISTRICT_FILL, UNKNOWN_FILL, HATCH, BORDER, ADJACENCY, TEXT, MUTED_TEXT, MARK_OUTLINE}
)


def parse_hex(color: str) -> RGB:
    """``'#RRGGBB'`` to an RGB tuple; raises ValueError on anything else."""
    text = color.strip()
    if len(text) != 7 or text[0] != "#":
        raise ValueError(f"colour must look like #RRGGBB, got {color!r}")
    value = int(text[1:], 16)
    return (value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF


def _is_grey(rgb: RGB) -> bool:
    return rgb[0] == rgb[1] == rgb[2]


def _nudge(rgb: RGB, step: int) -> RGB:
    """A colour ``step`` away in the blue channel (green when blue is saturated)."""
    r, g, b = rgb
    if b + step <= 255:
        return r, g, b + step
    if b - step >= 0:
        return r, g, b - step
    return r, (g + step) % 256, b


def drawn_colors(colors: Mapping[str, str]) -> dict[str, RGB]:
    """The colour each faction is drawn in: never grey, never shared, id order decides."""
    taken: set[RGB] = set()
    result: dict[str, RGB] = {}
    for faction_id in sorted(colors):
        base = parse_hex(colors[faction_id])
        candidate, step = base, 0
        while _is_grey(candidate) or candidate in taken:
            step += 1
            candidate = _nudge(base, step)
        taken.add(candidate)
        result[faction_id] = candidate
    return result


def _equals_lut(values: set[int]) -> list[int]:
    return [255 if v in values else 0 for v in range(256)]


def scrub_colors(image: Image.Image, forbidden: Iterable[RGB]) -> None:
    """Nudge, in place, every pixel of ``image`` (RGB) that equals a forbidden colour.

    A per-channel lookup finds the few candidate pixels cheaply; only those are
    checked exactly, so a photo-like base image costs milliseconds, not a full scan.
    """
    colors = {c for c in forbidden if not _is_grey(c)}
    if not colors:
        return
    red, green, blue = image.split()
    mask = ImageChops.multiply(
        ImageChops.multiply(
            red.point(_equals_lut({c[0] for c in colors})),
            green.point(_equals_lut({c[1] for c in colors})),
        ),
        blue.point(_equals_lut({c[2] for c in colors})),
    )
    box = mask.getbbox()
    if box is None:
        return
    left, top, right, _bottom = box
    width = right - left
    data = mask.crop(box).tobytes()
    pixels = image.load()
    index = data.find(255)
    while index != -1:
        x, y = left + index % width, top + index // width
        current = pixels[x, y]
        if current in colors:
            replacement, step = current, 0
            while replacement in colors:
                step += 1
                replacement = _nudge(current, step)
            pixels[x, y] = replacement
        index = data.find(255, index + 1)
