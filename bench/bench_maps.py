"""Map rendering speed: 50-district true/fog maps, and a 40-faction, 200-district turn.

Run: ``.venv/bin/python bench/bench_maps.py``. Target: < 300 ms per map. Inputs are
built from a seeded stream so every run renders the same campaign.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.render.maps import (  # noqa: E402
    FogMap,
    MapDistrict,
    MapFaction,
    PerceivedDistrict,
    TrueMap,
    compute_layout,
    render_fog_map,
    render_true_map,
)
from bot.rules.rng import stream  # noqa: E402


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


def timed(action: Callable[[], bytes]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def report(label: str, samples: list[float]) -> None:
    print(
        f"{label:<42} median {statistics.median(samples):7.1f} ms"
        f"  min {min(samples):7.1f}  max {max(samples):7.1f}  (n={len(samples)})"
    )


def main() -> None:
    fifty = campaign(50, 6, 8)
    fog = fog_of(fifty, "f00")
    compute_layout.cache_clear()
    print(
        f"50 districts, first render incl. layout: {timed(lambda: render_true_map(fifty)):.1f} ms"
    )
    report("50 districts, true map", [timed(lambda: render_true_map(fifty)) for _ in range(15)])
    report("50 districts, fog map", [timed(lambda: render_fog_map(fog)) for _ in range(15)])

    big = campaign(200, 40, 16)
    fogs = [fog_of(big, f.id) for f in big.factions]
    compute_layout.cache_clear()
    start = time.perf_counter()
    first = timed(lambda: render_true_map(big))
    per_faction = [timed(lambda f=f: render_fog_map(f)) for f in fogs]
    total = (time.perf_counter() - start) * 1000
    print(f"200 districts / 40 factions: GM map incl. layout {first:.1f} ms")
    report("200 districts, fog map per faction", per_faction)
    print(f"whole turn (1 GM + 40 faction maps): {total:.0f} ms, {total / 41:.1f} ms per map")


if __name__ == "__main__":
    main()
