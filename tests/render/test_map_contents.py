"""What a map shows, checked by comparing renders that differ in one input (issue 10).

Without golden images, the way to prove "the name is drawn inside its district" or "a
stale report is marked" is to change exactly that input and check where, and only
where, the pixels change.
"""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw

from bot.campaign import load
from bot.render import palette
from bot.render.layout import point_in_polygon
from bot.render.map_canvas import MARGIN, TITLE_BAND
from bot.render.maps import (
    FogMap,
    MapFaction,
    PerceivedDistrict,
    TrueMap,
    compute_layout,
    render_fog_map,
    render_true_map,
)
from bot.services.campaign_io import import_campaign
from bot.services.maps import fog_map_data, true_map_data
from db.database import Database
from db.migrations import migrate
from db.records import MonitoringReport
from tests.render.conftest import FACTIONS, color_blobs, decode, pixels_in, region_mask
from tests.render.test_maps import SIZE, cells, fog_for_f1, shaped_city, true_map

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
COLORS = palette.drawn_colors({f.id: f.color for f in FACTIONS})


def changed_box(first: bytes, second: bytes) -> tuple[int, int, int, int] | None:
    return ImageChops.difference(decode(first), decode(second)).getbbox()


def inside(box: tuple[int, int, int, int], polygon) -> bool:  # noqa: ANN001 - test helper
    left, top, right, bottom = box
    corners = ((left, top), (right - 1, top), (left, bottom - 1), (right - 1, bottom - 1))
    return all(point_in_polygon(c, polygon) for c in corners)


# -- the true map -------------------------------------------------------------------------


def test_a_district_name_is_drawn_inside_that_district(city) -> None:
    base = render_true_map(true_map(city))
    renamed = tuple(replace(d, name="Quayside") if d.id == "d04" else d for d in city)
    box = changed_box(base, render_true_map(true_map(renamed)))
    assert box is not None and inside(box, cells(city)["d04"].polygon)
    text = pixels_in(decode(base), region_mask(decode(base).size, cells(city)["d04"].polygon))
    assert sum(p == palette.TEXT for p in text) > 20  # the label's solid text pixels


def test_the_title_carries_campaign_name_and_turn(city) -> None:
    base = render_true_map(true_map(city))
    for other in (
        replace(true_map(city), campaign_name="Saltmere"),
        replace(true_map(city), turn=5),
    ):
        box = changed_box(base, render_true_map(other))
        assert box is not None and box[3] <= TITLE_BAND  # only the title band changes


def test_legend_lists_every_faction_on_the_true_map_only_perceived_on_a_fog_map(city) -> None:
    map_bottom = compute_layout(tuple(city), SIZE).canvas_size[1]

    def legend_colors(png: bytes) -> set[tuple[int, int, int]]:
        image = decode(png)
        legend = image.crop((0, map_bottom, image.width, image.height))
        return {c for n, c in legend.getcolors(1 << 16) if n >= 100}

    assert {COLORS[f.id] for f in FACTIONS} <= legend_colors(render_true_map(true_map(city)))
    fog_legend = legend_colors(render_fog_map(fog_for_f1(city)))
    assert {COLORS["f1"], COLORS["f2"], COLORS["f3"]} <= fog_legend
    assert COLORS["f4"] not in fog_legend


# -- the fog-of-war map ----------------------------------------------------------------------


def test_a_stale_report_is_marked_with_its_turn_and_nothing_else_changes(city) -> None:
    fog = fog_for_f1(city)  # d02's report dates from turn 2, the map is turn 4
    fresh = replace(
        fog, perceived={**fog.perceived, "d02": PerceivedDistrict(4, {"f2": (1, False)})}
    )
    stale_png, fresh_png = render_fog_map(fog), render_fog_map(fresh)
    box = changed_box(stale_png, fresh_png)
    assert box is not None and inside(box, cells(city)["d02"].polygon)
    mask = region_mask(decode(stale_png).size, cells(city)["d02"].polygon)
    muted = [sum(p == palette.MUTED_TEXT for p in pixels_in(decode(png), mask))
             for png in (stale_png, fresh_png)]  # fmt: skip
    assert muted[0] > muted[1] + 10  # the "(turn 2)" line
    # Same dots either way: stale values are still shown.
    for png in (stale_png, fresh_png):
        assert color_blobs(decode(png), mask, COLORS["f2"]) == 1


def test_staleness_is_measured_against_the_last_completed_turn(city) -> None:
    """At turn 5 the freshest report possible dates from turn 4: it is not stale."""
    fog = replace(fog_for_f1(city), turn=5, intel_turn=4)
    as_if_now = replace(fog, turn=4, intel_turn=None)
    box = changed_box(render_fog_map(fog), render_fog_map(as_if_now))
    assert box is not None and box[3] <= TITLE_BAND  # only "Turn 5" vs "Turn 4" differs


def test_fog_over_a_base_image_differs_from_truth_only_where_perception_does() -> None:
    """The base image is painted in f4's colour, a faction f1 never perceived: both maps
    scrub it identically, so the background of the two maps is the same pixel for pixel."""
    districts = shaped_city()
    buffer = io.BytesIO()
    Image.new("RGB", (450, 300), COLORS["f4"]).save(buffer, format="PNG")
    base = buffer.getvalue()
    influence = {("a", "f2"): 2, ("b", "f4"): 3}
    truth = decode(
        render_true_map(TrueMap("C", 1, districts, FACTIONS, influence, size=SIZE, base_image=base))
    )
    fog = decode(
        render_fog_map(
            FogMap(
                "C", 1, "f1", districts, FACTIONS[:2],
                {"a": PerceivedDistrict(1, {"f2": (2, False)}), "c": PerceivedDistrict(1, {})},
                {}, base_image=base, size=SIZE, palette={f.id: f.color for f in FACTIONS},
            )
        )
    )  # fmt: skip
    layout = compute_layout(districts, SIZE)
    x0, y0, x1, y1 = (int(v) for v in layout.map_box)
    outside = Image.new("L", truth.size, 0)
    outside.paste(255, (x0, y0, x1, y1))
    draw = ImageDraw.Draw(outside)
    for cell in layout.cells.values():  # every district plus a band over its border
        draw.polygon(list(cell.polygon), fill=0)
        draw.line([*cell.polygon, cell.polygon[0]], fill=0, width=8)
    assert pixels_in(truth, outside) == pixels_in(fog, outside)
    for district_id, same in (("a", True), ("b", False), ("c", True)):
        mask = region_mask(truth.size, layout.cells[district_id].polygon)
        assert (pixels_in(truth, mask) == pixels_in(fog, mask)) is same, district_id
    assert COLORS["f4"] not in {c for _n, c in fog.getcolors(1 << 20)}


def test_factions_sharing_a_colour_keep_their_true_map_colour_on_every_fog_map(city) -> None:
    twins = (MapFaction("a", "Crimson", "#cc2222"), MapFaction("b", "Scarlet", "#cc2222"))
    influence = {("d00", "a"): 2, ("d01", "b"): 3}
    drawn = palette.drawn_colors({f.id: f.color for f in twins})
    assert drawn["a"] != drawn["b"]
    fog = FogMap(
        "C", 1, "b", city, twins[1:], {}, {"d01": (3, False)}, size=SIZE,
        palette={f.id: f.color for f in twins},
    )  # fmt: skip
    image = decode(render_fog_map(fog))
    truth = decode(render_true_map(TrueMap("C", 1, city, twins, influence, size=SIZE)))
    mask = region_mask(image.size, cells(city)["d01"].polygon)
    assert color_blobs(truth, mask, drawn["b"]) == 3
    assert color_blobs(image, mask, drawn["b"]) == 3  # the same colour as on the GM map
    assert drawn["a"] not in {c for _n, c in image.getcolors(1 << 20)}


# -- from the database -------------------------------------------------------------------------


async def _harbor_db(tmp_path: Path) -> Database:
    db = Database(tmp_path / "harbor.sqlite3")
    await db.open()
    await migrate(db)
    await import_campaign(db, load(EXAMPLES / "harbor_city.toml"))
    return db


async def test_sample_true_map_draws_every_shaped_district_over_the_base_image(
    tmp_path: Path,
) -> None:
    db = await _harbor_db(tmp_path)
    try:
        async with db.read() as uow:
            data = await true_map_data(uow, assets_dir=EXAMPLES)
            again = await true_map_data(uow, assets_dir=EXAMPLES)
        png = render_true_map(data)
        assert png == render_true_map(again)  # deterministic bytes through the service
    finally:
        await db.close()
    image = decode(png)
    layout = compute_layout(tuple(sorted(data.districts, key=lambda d: d.id)), data.size)
    assert image.width == data.size[0] + 2 * MARGIN
    with Image.open(EXAMPLES / "harbor_city.png") as raw:
        base = raw.convert("RGB").resize(data.size, Image.Resampling.BILINEAR)
    x0, y0 = int(layout.map_box[0]), int(layout.map_box[1])
    for district in data.districts:
        assert district.shape is not None
        mask = region_mask(image.size, layout.cells[district.id].polygon)
        box = mask.getbbox()
        assert box is not None
        inner = [
            (x, y)
            for x in range(box[0], box[2], 7)
            for y in range(box[1], box[3], 7)
            if mask.getpixel((x, y))
        ]
        tinted = sum(image.getpixel(p) != base.getpixel((p[0] - x0, p[1] - y0)) for p in inner)
        assert tinted > 0.9 * len(inner), district.id  # the district's fill lies on the base
    # The bay (below every district) is the base image itself.
    bay = (x0 + data.size[0] // 2, y0 + data.size[1] - 10)
    assert not any(point_in_polygon(bay, c.polygon) for c in layout.cells.values())
    assert image.getpixel(bay) == base.getpixel((bay[0] - x0, bay[1] - y0))


async def test_fog_data_reads_last_completed_turn_and_every_colour(tmp_path: Path) -> None:
    db = await _harbor_db(tmp_path)
    try:
        async with db.transaction() as uow:
            await uow.game.set_phase(3, "monitoring")  # turn 3 is being resolved
            await uow.reports.insert_many(
                [
                    MonitoringReport("lantern_guild", "old_town", 1, _report(1, 4), 5),
                    MonitoringReport("lantern_guild", "ropewalk", 2, _report(2, 1), 5),
                    MonitoringReport("lantern_guild", "ropewalk", 3, _report(3, 9), 5),
                ]
            )
        async with db.read() as uow:
            fog = await fog_map_data(uow, "lantern_guild", assets_dir=EXAMPLES)
            factions = await uow.factions.list_all()
    finally:
        await db.close()
    assert (fog.turn, fog.intel_turn) == (3, 2)
    assert {d: p.as_of_turn for d, p in fog.perceived.items()} == {"old_town": 1, "ropewalk": 2}
    assert dict(fog.perceived["ropewalk"].entries) == {"brine_syndicate": (1, False)}  # not 9
    assert [f.id for f in fog.factions] == ["brine_syndicate", "lantern_guild"]
    assert dict(fog.palette) == {f.id: f.color for f in factions}
    image = decode(render_fog_map(fog))
    hidden = palette.drawn_colors(dict(fog.palette))
    present = {c for _n, c in image.getcolors(1 << 22)}
    assert hidden["order_of_the_tide"] not in present and hidden["house_valcourt"] not in present
    assert hidden["brine_syndicate"] in present and hidden["lantern_guild"] in present


def _report(turn: int, value: int) -> dict:
    return {
        "player": {
            "turn": turn,
            "factions": [
                {"faction_id": "brine_syndicate", "influence": value, "stronghold": False}
            ],
        },
        "gm": {"true_influence": {"order_of_the_tide": 7}},
    }


def test_unknown_district_and_own_influence_of_a_shaped_map() -> None:
    """On drawn shapes too: a never-reported district is hatched, the viewer's own true
    influence is drawn there anyway (a faction knows itself)."""
    districts = shaped_city()
    fog = FogMap("C", 2, "f1", districts, FACTIONS[:1], {}, {"b": (2, True)}, size=SIZE)
    image = decode(render_fog_map(fog))
    layout = compute_layout(districts, SIZE)
    for district in districts:
        pixels = pixels_in(image, region_mask(image.size, layout.cells[district.id].polygon))
        assert sum(p == palette.HATCH for p in pixels) / len(pixels) > 0.1, district.id
    mask = region_mask(image.size, layout.cells["b"].polygon)
    assert color_blobs(image, mask, COLORS["f1"]) == 2 + 1
