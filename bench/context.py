"""What one invocation of the runner measures: sizes and repeats per scale, shared caches.

``full`` is the documented run (targets apply to it); ``quick`` is a smoke run of a few
seconds; ``tiny`` exists for the test suite (it proves the command works, nothing more).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.campaigns import CampaignCache


@dataclass(frozen=True)
class Scale:
    name: str
    repeats: int  # default repeats for a pure-CPU figure
    turn_sizes: tuple[str, ...]
    turn_repeats: dict[str, int]
    persist_size: str  # campaign the persistence workloads run against
    persist_rows: int  # order inserts / reads by id
    persist_repeats: int
    memory_size: str
    memory_campaigns: int
    rules_shape: tuple[int, int, int, int]  # grid rows, grid columns, factions, pieces
    monitoring_shape: tuple[int, int]  # factions, districts
    small_map: tuple[int, int, int]  # districts, factions, grid columns
    big_map: tuple[int, int, int]
    maps_size: str  # campaign whose GM and faction maps are drawn from the database
    interaction_size: str  # campaign the emulator players give orders in
    interaction_players: int  # concurrent players, 4 orders (and 4 pings) each per round
    interaction_rounds: int  # timed rounds, after one warm-up round


SCALES: dict[str, Scale] = {
    "full": Scale(
        name="full",
        repeats=7,
        turn_sizes=("S", "M", "L"),
        turn_repeats={"S": 7, "M": 5, "L": 3},
        persist_size="L",
        persist_rows=10_000,
        persist_repeats=5,
        memory_size="M",
        memory_campaigns=100,
        rules_shape=(10, 20, 20, 2000),
        monitoring_shape=(20, 200),
        small_map=(50, 6, 8),
        big_map=(200, 40, 16),
        maps_size="L",
        interaction_size="M",
        interaction_players=50,
        interaction_rounds=7,
    ),
    "quick": Scale(
        name="quick",
        repeats=3,
        turn_sizes=("S", "M"),
        turn_repeats={"S": 3, "M": 2},
        persist_size="M",
        persist_rows=2_000,
        persist_repeats=3,
        memory_size="S",
        memory_campaigns=10,
        rules_shape=(10, 20, 20, 2000),
        monitoring_shape=(20, 200),
        small_map=(50, 6, 8),
        big_map=(60, 12, 8),
        maps_size="M",
        interaction_size="M",
        interaction_players=50,
        interaction_rounds=3,
    ),
    "tiny": Scale(
        name="tiny",
        repeats=1,
        turn_sizes=("S",),
        turn_repeats={"S": 1},
        persist_size="S",
        persist_rows=100,
        persist_repeats=1,
        memory_size="S",
        memory_campaigns=2,
        rules_shape=(3, 4, 4, 40),
        monitoring_shape=(4, 12),
        small_map=(12, 4, 4),
        big_map=(12, 4, 4),
        maps_size="S",
        interaction_size="S",
        interaction_players=4,
        interaction_rounds=1,
    ),
}


@dataclass
class Context:
    scale: Scale
    campaigns: CampaignCache = field(default_factory=CampaignCache)
    turn_budget_s: float = 30.0  # a turn run longer than this is cut short (0: never)
