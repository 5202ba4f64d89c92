"""The one font of every rendered image: Pillow's bundled FreeType default.

Bundled with Pillow, so the same Pillow version draws the same glyphs everywhere and
map bytes stay reproducible without shipping a font file.
"""

from __future__ import annotations

from functools import lru_cache

from PIL import ImageFont


@lru_cache(maxsize=16)
def font(size: int) -> ImageFont.FreeTypeFont:
    loaded = ImageFont.load_default(size=size)
    if not isinstance(loaded, ImageFont.FreeTypeFont):
        raise RuntimeError("Pillow was built without FreeType; maps need its default font")
    return loaded


def fit_text(text: str, size: int, max_width: float) -> str:
    """``text`` shortened with an ellipsis until it fits ``max_width`` pixels."""
    face = font(size)
    if face.getlength(text) <= max_width:
        return text
    shortened = text
    while shortened and face.getlength(shortened + "...") > max_width:
        shortened = shortened[:-1]
    return shortened + "..." if shortened else ""
