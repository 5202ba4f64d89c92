"""True and fog-of-war maps, checked by sampling pixels (no golden images)."""

from __future__ import annotations

import io
from dataclasses import replace

from PIL import Image

from bot.render import palette
from bot.render.maps import (
    FogMap,
    MapDistrict,
    MapFaction,
    MapShape,
    PerceivedDistrict,
    ShapeStyle,
    TrueMap,
    compute_layout,
    render_fog_map,
    render_true_map,
)
from tests.render.conftest import FACTIONS, color_blobs, decode, pixels_in, region_mask

SIZE = (900, 600)
COLORS = palette.drawn_colors({f.id: f.color for f in FACTIONS})

INFLUENCE = {
    ("d00", "f1"): 3,
    ("d00", "f2"): 2,
    ("d01", "f3"): 5,
    ("d02", "f2"): 1,
    ("d03", "f1"): 4,
    ("d05", "f1"): 10,
    ("d07", "f4"): 2,
}
STRONGHOLDS = frozenset({("d00", "f1"), ("d07", "f4"), ("d09", "f3")})


def true_map(districts: tuple[MapDistrict, ...], **kw: object) -> TrueMap:
    return TrueMap(
        "Harbor City",
        4,
        districts,
        FACTIONS,
        INFLUENCE,
        STRONGHOLDS,
        size=SIZE,
        **kw,  # type: ignore[arg-type]
    )


def fog_for_f1(districts: tuple[MapDistrict, ...], **kw: object) -> FogMap:
    """f1 sees d00 and d03 exactly as they are, d01 wrongly, d02 stale, d05 its own.

    f4 is perceived nowhere (its d07 presence was never reported), f3 only as a
    wrong value in d01 plus a phantom in d06.
    """
    perceived = {
        "d00": PerceivedDistrict(4, {"f2": (2, False)}),
        "d03": PerceivedDistrict(4, {}),
        "d01": PerceivedDistrict(4, {"f3": (3, True)}),
        "d02": PerceivedDistrict(2, {"f2": (1, False)}),
        "d05": PerceivedDistrict(4, {}),
        "d06": PerceivedDistrict(4, {"f3": (2, False)}),
    }
    own = {"d00": (3, True), "d03": (4, False), "d05": (10, False)}
    return FogMap(
        "Harbor City",
        4,
        "f1",
        districts,
        FACTIONS,
        perceived,
        own,
        size=SIZE,
        **kw,  # type: ignore[arg-type]
    )


def cells(districts: tuple[MapDistrict, ...]):  # noqa: ANN201 - test helper
    return compute_layout(tuple(sorted(districts, key=lambda d: d.id)), SIZE).cells


def test_true_map_shows_one_dot_per_point_and_stronghold_markers(city) -> None:
    image = decode(render_true_map(true_map(city)))
    layout = cells(city)
    for district in city:
        mask = region_mask(image.size, layout[district.id].polygon)
        for faction in FACTIONS:
            dots = INFLUENCE.get((district.id, faction.id), 0)
            castle = (district.id, faction.id) in STRONGHOLDS
            expected = dots + (1 if castle else 0)
            assert color_blobs(image, mask, COLORS[faction.id]) == expected, (
                district.id,
                faction.id,
            )


def test_true_map_legend_has_a_swatch_per_faction(city) -> None:
    image = decode(render_true_map(true_map(city)))
    map_bottom = compute_layout(tuple(city), SIZE).canvas_size[1]
    legend = image.crop((0, map_bottom, image.width, image.height))
    counts = {color: n for n, color in legend.getcolors(1 << 16)}
    for faction in FACTIONS:
        assert counts.get(COLORS[faction.id], 0) >= 100  # a 14x14 swatch minus outline


def all_colors(image: Image.Image) -> set[tuple[int, int, int]]:
    return {color for _n, color in image.getcolors(image.width * image.height)}


def test_fog_map_has_no_pixel_of_unperceived_faction(city) -> None:
    image = decode(render_fog_map(fog_for_f1(city)))
    present = all_colors(image)
    assert COLORS["f4"] not in present  # never perceived
    assert {COLORS["f1"], COLORS["f2"], COLORS["f3"]} <= present


def test_fog_map_differs_from_truth_exactly_where_perception_does(city) -> None:
    truth = decode(render_true_map(true_map(city)))
    fog = decode(render_fog_map(fog_for_f1(city)))
    layout = cells(city)
    same = {"d00", "d03", "d05"}  # reported this turn, matching the truth
    for district in city:
        mask = region_mask(truth.size, layout[district.id].polygon)
        equal = pixels_in(truth, mask) == pixels_in(fog, mask)
        assert equal == (district.id in same), district.id


def test_unknown_districts_are_hatched_and_known_ones_not(city) -> None:
    image = decode(render_fog_map(fog_for_f1(city)))
    layout = cells(city)
    known = {"d00", "d01", "d02", "d03", "d05", "d06"}
    for district in city:
        pixels = pixels_in(image, region_mask(image.size, layout[district.id].polygon))
        hatch_share = sum(p == palette.HATCH for p in pixels) / len(pixels)
        if district.id in known:
            assert hatch_share < 0.01, district.id  # only anti-aliased label pixels
        else:
            assert hatch_share > 0.1, district.id


def test_fog_map_shows_own_true_values_stale_and_phantom_entries(city) -> None:
    image = decode(render_fog_map(fog_for_f1(city)))
    layout = cells(city)

    def blobs(district_id: str, faction_id: str) -> int:
        mask = region_mask(image.size, layout[district_id].polygon)
        return color_blobs(image, mask, COLORS[faction_id])

    assert blobs("d00", "f1") == 3 + 1  # own influence and stronghold, always true
    assert blobs("d01", "f3") == 3 + 1  # misinformation drawn as reported
    assert blobs("d02", "f2") == 1  # stale report still drawn
    assert blobs("d06", "f3") == 2  # phantom drawn like a real faction
    assert blobs("d07", "f4") == 0  # truth the viewer never learnt


def test_same_inputs_same_bytes(city) -> None:
    first_true, first_fog = render_true_map(true_map(city)), render_fog_map(fog_for_f1(city))
    compute_layout.cache_clear()
    assert render_true_map(true_map(city)) == first_true
    assert render_fog_map(fog_for_f1(city)) == first_fog
    assert Image.open(io.BytesIO(first_true)).info.keys() <= {"dpi", "gamma"}


def test_faction_colours_equal_to_ui_greys_or_each_other_are_nudged() -> None:
    colors = palette.drawn_colors({"a": "#ececec", "b": "#cc2222", "c": "#cc2222", "d": "#000000"})
    assert colors["a"] != palette.PAPER and colors["a"][:2] == (236, 236)
    assert colors["b"] == (204, 34, 34) and colors["c"] != colors["b"]
    assert len(set(colors.values())) == 4
    assert not any(c[0] == c[1] == c[2] for c in colors.values())


def test_grey_faction_is_still_drawn_distinctly(city) -> None:
    grey = (MapFaction("f1", "Grey Men", "#ececec"),)
    image = decode(render_true_map(TrueMap("C", 1, city, grey, {("d00", "f1"): 2}, size=SIZE)))
    nudged = palette.drawn_colors({"f1": "#ececec"})["f1"]
    mask = region_mask(image.size, cells(city)["d00"].polygon)
    assert color_blobs(image, mask, nudged) == 2


def shaped_city() -> tuple[MapDistrict, ...]:
    return (
        MapDistrict("a", "Harbor", MapShape("rectangle", box=(0.05, 0.05, 0.3, 0.4)), ("b",)),
        MapDistrict(
            "b",
            "Old Town",
            MapShape("polygon", points=((0.4, 0.05), (0.9, 0.1), (0.6, 0.5))),
            ("a",),
        ),
        MapDistrict(
            "c",
            "Temple Hill",
            MapShape(
                "circle",
                circle=(0.3, 0.75, 0.2),
                style=ShapeStyle(border_color="#2244cc", fill_color="#22aa44", fill_opacity=1.0),
            ),
        ),
    )


def base_png(color: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (450, 300), color).save(buffer, format="PNG")
    return buffer.getvalue()


def test_base_image_shows_in_empty_areas_and_shapes_are_placed() -> None:
    base_color = (12, 200, 180)
    districts = shaped_city()
    image = decode(
        render_true_map(
            TrueMap("C", 1, districts, FACTIONS, {}, size=SIZE, base_image=base_png(base_color))
        )
    )
    layout = compute_layout(districts, SIZE)
    x0, y0, _x1, _y1 = layout.map_box
    assert image.getpixel((int(x0 + 0.95 * SIZE[0]), int(y0 + 0.9 * SIZE[1]))) == base_color
    tinted = image.getpixel((int(x0 + 0.2 * SIZE[0]), int(y0 + 0.1 * SIZE[1])))
    assert tinted != base_color  # the harbor rectangle lightens the base under it
    corner_outside_circle = (int(x0 + 0.12 * SIZE[0]), int(y0 + 0.97 * SIZE[1]))
    assert image.getpixel(corner_outside_circle) == base_color


def test_custom_styles_and_base_image_never_leak_faction_colours() -> None:
    """The circle is styled in f3/f2 colours and the base image is f4's colour: none of
    them may survive outside the factions' marks."""
    districts = shaped_city()
    f4_base = base_png(COLORS["f4"])
    truth = decode(
        render_true_map(TrueMap("C", 1, districts, FACTIONS, {}, size=SIZE, base_image=f4_base))
    )
    map_area = truth.crop(tuple(int(v) for v in compute_layout(districts, SIZE).map_box))
    assert all_colors(map_area).isdisjoint({COLORS["f2"], COLORS["f3"], COLORS["f4"]})
    fog = FogMap(
        "C", 1, "f1", districts, FACTIONS, {"a": PerceivedDistrict(1, {"f2": (2, False)})}, {}
    )
    image = decode(render_fog_map(replace(fog, base_image=f4_base)))
    present = all_colors(image)
    assert COLORS["f4"] not in present and COLORS["f3"] not in present
    assert COLORS["f2"] in present


def test_unreadable_base_image_is_ignored(city) -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>'
    assert render_true_map(true_map(city, base_image=svg)) == render_true_map(true_map(city))


def test_unshaped_districts_on_a_drawn_map_get_a_strip_below() -> None:
    districts = (*shaped_city(), MapDistrict("z", "Outskirts"), MapDistrict("y", "Marsh"))
    layout = compute_layout(tuple(sorted(districts, key=lambda d: d.id)), SIZE)
    map_bottom = layout.map_box[3]
    for district_id in ("y", "z"):
        assert min(p[1] for p in layout.cells[district_id].polygon) > map_bottom
    image = decode(
        render_true_map(TrueMap("C", 1, districts, FACTIONS, {("z", "f2"): 3}, size=SIZE))
    )
    mask = region_mask(image.size, layout.cells["z"].polygon)
    assert color_blobs(image, mask, COLORS["f2"]) == 3
