"""Rendering benchmark: 50-district maps, and every map of a big turn (issue 10).

Two sources: in-memory maps built from a seeded stream (the 50-district true and fog
maps, a 200-district / 40-faction turn), and the real path for the ``maps_size`` campaign
after one played turn: map data read from the database (``bot.services.maps``) and
rendered, the GM map plus one fog map per faction. "first" figures clear the layout
cache first, so they include computing the district cells.

Target: under 300 ms per 50-district map; bigger maps get the same rate (300 ms per 50
districts), so a 200-district map must render in under 1.2 s.
"""

from __future__ import annotations

import time

from bench.context import Context
from bench.measure import Figure, Target
from bot.render.maps import (
    FogMap,
    MapDistrict,
    MapFaction,
    PerceivedDistrict,
    TrueMap,
    compute_layout,
    render_fog_map,
    render_true_map,
)
from bot.rules.rng import stream
from bot.services.maps import fog_map_data, true_map_data
from db.database import Database

TARGET_MS_PER_50 = 300.0
SMALL_REPEATS = 15


def campaign(districts: int, factions: int, columns: int) -> TrueMap:
    rng = stream(2024, "bench-maps", districts, factions)
    ids = [f"d{i:03d}" for i in range(districts)]
    adjacency: dict[str, set[str]] = {d: set() for d in ids}
    for index, district_id in enumerate(ids):
        for other in (index + 1 if (index + 1) % columns else None, index + columns):
            if other is not None and other < districts:
                adjacency[district_id].add(ids[other])
                adjacency[ids[other]].add(district_id)
    faction_list = [
        MapFaction(f"f{i:02d}", f"Faction {i}", f"#{rng.randrange(1 << 24):06x}")
        for i in range(factions)
    ]
    influence: dict[tuple[str, str], int] = {}
    strongholds: set[tuple[str, str]] = set()
    for district_id in ids:
        free = 10
        for faction in rng.sample(faction_list, k=min(4, factions)):
            value = rng.randint(0, min(free, 4))
            free -= value
            if value:
                influence[(district_id, faction.id)] = value
                if rng.random() < 0.15:
                    strongholds.add((district_id, faction.id))
    return TrueMap(
        "Bench City",
        5,
        tuple(MapDistrict(d, f"District {d}", None, tuple(sorted(adjacency[d]))) for d in ids),
        tuple(faction_list),
        influence,
        frozenset(strongholds),
        size=(1400, 1000),
    )


def fog_of(true_map: TrueMap, viewer: str) -> FogMap:
    rng = stream(2024, "bench-fog", viewer)
    perceived: dict[str, PerceivedDistrict] = {}
    for district in true_map.districts:
        if rng.random() < 0.35:
            continue
        entries = {
            faction_id: (
                max(1, value + rng.choice((-1, 0, 0, 1))),
                (d, faction_id) in true_map.strongholds,
            )
            for (d, faction_id), value in true_map.influence.items()
            if d == district.id and faction_id != viewer
        }
        perceived[district.id] = PerceivedDistrict(
            true_map.turn - rng.choice((0, 0, 1, 2)), entries
        )
    own = {
        d: (value, (d, f) in true_map.strongholds)
        for (d, f), value in true_map.influence.items()
        if f == viewer
    }
    return FogMap(
        true_map.campaign_name,
        true_map.turn,
        viewer,
        true_map.districts,
        true_map.factions,
        perceived,
        own,
        size=true_map.size,
    )


def target_for(districts: int) -> Target:
    """300 ms for a map of up to 50 districts, the same rate per district above that."""
    return Target(TARGET_MS_PER_50 * max(1.0, districts / 50))


def _ms(action) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def small_map_figures(ctx: Context) -> list[Figure]:
    districts, factions, columns = ctx.scale.small_map
    small = campaign(districts, factions, columns)
    fog = fog_of(small, "f00")
    repeats = SMALL_REPEATS if ctx.scale.name != "tiny" else 1
    first = []
    for _ in range(max(1, repeats // 3)):
        compute_layout.cache_clear()
        first.append(_ms(lambda: render_true_map(small)))
    true = [_ms(lambda: render_true_map(small)) for _ in range(repeats)]
    fogs = [_ms(lambda: render_fog_map(fog)) for _ in range(repeats)]
    label = f"{districts} districts, {factions} factions"
    target = target_for(districts)
    return [
        Figure(
            f"maps.{districts}.first", "ms", first, target=target, note=f"{label}, incl. layout"
        ),
        Figure(f"maps.{districts}.true", "ms", true, target=target, note=f"{label}, GM map"),
        Figure(f"maps.{districts}.fog", "ms", fogs, target=target, note=f"{label}, faction map"),
    ]


def big_map_figures(ctx: Context) -> list[Figure]:
    districts, factions, columns = ctx.scale.big_map
    big = campaign(districts, factions, columns)
    fogs = [fog_of(big, f.id) for f in big.factions]
    compute_layout.cache_clear()
    start = time.perf_counter()
    first = _ms(lambda: render_true_map(big))
    per_faction = [_ms(lambda f=f: render_fog_map(f)) for f in fogs]
    total = time.perf_counter() - start
    name = f"maps.{districts}x{factions}"
    target = target_for(districts)
    return [
        Figure(f"{name}.gm_first", "ms", [first], target=target, note="GM map incl. layout"),
        Figure(f"{name}.fog", "ms", per_faction, target=target, note="one per faction"),
        Figure(f"{name}.turn", "s", [total], note=f"GM map + {factions} faction maps"),
    ]


async def database_map_figures(ctx: Context) -> list[Figure]:
    size = ctx.scale.maps_size
    path = await ctx.campaigns.played(size)
    passes = 2 if ctx.scale.name == "full" else 1
    gm_first: list[float] = []
    gm: list[float] = []
    faction_ms: list[float] = []
    totals: list[float] = []
    async with Database(path) as db:
        async with db.read() as uow:
            faction_ids = [f.id for f in await uow.factions.list_all()]
            districts = len(await uow.districts.list_all())
        for _ in range(passes):
            compute_layout.cache_clear()
            pass_start = time.perf_counter()
            start = time.perf_counter()
            async with db.read() as uow:
                data = await true_map_data(uow)
            render_true_map(data)
            gm_first.append((time.perf_counter() - start) * 1000)
            for faction_id in faction_ids:
                start = time.perf_counter()
                async with db.read() as uow:
                    fog = await fog_map_data(uow, faction_id)
                render_fog_map(fog)
                faction_ms.append((time.perf_counter() - start) * 1000)
            totals.append(time.perf_counter() - pass_start)
            for _ in range(3):
                start = time.perf_counter()
                async with db.read() as uow:
                    data = await true_map_data(uow)
                render_true_map(data)
                gm.append((time.perf_counter() - start) * 1000)
    name = f"maps.{size}_db"
    target = target_for(districts)
    label = f"{districts} districts, {len(faction_ids)} factions, read from the database"
    return [
        Figure(f"{name}.gm_first", "ms", gm_first, target=target, note=f"{label}; incl. layout"),
        Figure(f"{name}.gm", "ms", gm, target=target, note="GM map, layout cached"),
        Figure(f"{name}.faction", "ms", faction_ms, target=target, note="one fog map per faction"),
        Figure(
            f"{name}.turn", "s", totals, note=f"GM map + {len(faction_ids)} faction maps of a turn"
        ),
    ]


async def run(ctx: Context) -> list[Figure]:
    return [*small_map_figures(ctx), *big_map_figures(ctx), *await database_map_figures(ctx)]
