"""Database -> map data for bot/render/maps.py (RULES.md §10.2).

The GM map reads the true board; a faction's map reads ONLY the player half of
its latest report per district (``player_view``) plus its own true influence, so
nothing the faction has not perceived can reach its image. Reports of a turn still
being resolved are left out, so the newest report a map can show dates from the last
completed turn (``intel_turn``); older ones are marked stale. Every faction's colour
travels along (``palette``) only so colours are assigned exactly as on the GM map.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.render.maps import (
    DEFAULT_SIZE,
    FogMap,
    MapDistrict,
    MapFaction,
    MapShape,
    PerceivedDistrict,
    ShapeStyle,
    TrueMap,
)
from bot.rules.monitoring import player_view
from db.uow import UnitOfWork

MAX_BASE_IMAGE_BYTES = 20 * 1024 * 1024


def map_shape(data: dict[str, Any]) -> MapShape:
    """district_shapes JSON (the campaign file's shape table) -> the renderer's shape."""
    style = ShapeStyle(
        border_color=data.get("border"),
        border_width=2 if data.get("border_width") is None else int(data["border_width"]),
        fill_color=data.get("fill"),
    )
    kind = data["type"]
    if kind == "polygon":
        points = tuple((float(x), float(y)) for x, y in data["points"])
        return MapShape("polygon", points=points, style=style)
    if kind == "rectangle":
        box = (float(data["x"]), float(data["y"]), float(data["width"]), float(data["height"]))
        return MapShape("rectangle", box=box, style=style)
    return MapShape(
        "circle", circle=(float(data["cx"]), float(data["cy"]), float(data["r"])), style=style
    )


async def _districts(uow: UnitOfWork) -> tuple[MapDistrict, ...]:
    shapes = {s.district_id: map_shape(s.shape) for s in await uow.maps.list_shapes()}
    adjacency = await uow.districts.adjacency_map()
    return tuple(
        MapDistrict(d.id, d.name, shapes.get(d.id), adjacency.get(d.id, ()))
        for d in await uow.districts.list_all()
    )


async def _canvas(uow: UnitOfWork, assets_dir: Path | None) -> tuple[bytes | None, tuple[int, int]]:
    config = await uow.maps.get_config()
    size = (config.map_width or DEFAULT_SIZE[0], config.map_height or DEFAULT_SIZE[1])
    return base_image_bytes(config.base_map_path, assets_dir), size


def base_image_bytes(relative: str | None, assets_dir: Path | None) -> bytes | None:
    """The base map, resolved inside ``assets_dir`` only (the campaign file's folder).

    A missing or escaping file gives None: the map is then drawn on plain paper rather
    than failing a turn over a decoration.
    """
    if not relative or assets_dir is None:
        return None
    root = assets_dir.resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    if path.stat().st_size > MAX_BASE_IMAGE_BYTES:
        return None
    return path.read_bytes()


async def true_map_data(uow: UnitOfWork, *, assets_dir: Path | None = None) -> TrueMap:
    game = await uow.game.get()
    factions = [MapFaction(f.id, f.name, f.color) for f in await uow.factions.list_all()]
    rows = await uow.districts.list_influence()
    base, size = await _canvas(uow, assets_dir)
    return TrueMap(
        campaign_name=game.campaign_name,
        turn=game.turn,
        districts=await _districts(uow),
        factions=factions,
        influence={(r.district_id, r.faction_id): r.value for r in rows},
        strongholds=frozenset((r.district_id, r.faction_id) for r in rows if r.has_stronghold),
        base_image=base,
        size=size,
    )


async def fog_map_data(
    uow: UnitOfWork, faction_id: str, *, assets_dir: Path | None = None
) -> FogMap:
    game = await uow.game.get()
    viewer = await uow.factions.get(faction_id)
    perceived: dict[str, PerceivedDistrict] = {}
    seen: set[str] = {viewer.id}
    # A turn still being resolved has reports from phase 10 on; players see them at phase 13.
    latest = await uow.reports.latest_per_district(faction_id, before_turn=game.turn)
    for district_id, report in latest.items():
        player = player_view(report.report)
        entries = {
            e["faction_id"]: (int(e["influence"]), bool(e["stronghold"]))
            for e in player.get("factions", [])
        }
        seen.update(entries)
        perceived[district_id] = PerceivedDistrict(report.turn_number, entries)
    own = {
        r.district_id: (r.value, r.has_stronghold)
        for r in await uow.districts.list_influence(faction_id=faction_id)
    }
    everyone = await uow.factions.list_all()
    known = {f.id: f for f in everyone if f.id in seen}
    base, size = await _canvas(uow, assets_dir)
    return FogMap(
        campaign_name=game.campaign_name,
        turn=game.turn,
        viewer_faction_id=viewer.id,
        districts=await _districts(uow),
        factions=[MapFaction(f.id, f.name, f.color) for _, f in sorted(known.items())],
        perceived=perceived,
        own=own,
        base_image=base,
        size=size,
        intel_turn=game.turn - 1,  # the newest reports players may see: the last completed turn
        palette={f.id: f.color for f in everyone},
    )
