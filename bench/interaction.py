"""Benchmark 3 (slot): interaction latency through the local Discord emulator.

What belongs here (issue 11): 50 simulated players submitting orders concurrently, 4 each,
through ``bot.emulator`` against the real bot; latency = gateway dispatch of the interaction
to the bot's first response (``InteractionResult.latency``); p50 and p99 of those, and the
same for a trivial command through the same stack (the floor). Target: p99 < 250 ms, and
the ratio p99 / floor p99 reported.

The measurement is the lead's to write once the bot's commands exist: implement
``measure(ctx)`` returning ``(order_latencies_ms, floor_latencies_ms)`` and the figures
come from ``latency_figures``. Until then this benchmark reports "not run" with the reason,
never a number.
"""

from __future__ import annotations

import importlib.util

from bench.context import Context
from bench.measure import Figure, Ratio, Target, percentile, skipped

NAME = "interaction.orders"
P99_TARGET_MS = 250.0
PLAYERS = 50
ORDERS_PER_PLAYER = 4


def bot_available() -> bool:
    return all(importlib.util.find_spec(m) is not None for m in ("bot.client", "bot.emulator"))


async def measure(ctx: Context) -> tuple[list[float], list[float]] | None:
    """The slot: (order latencies, trivial-command latencies) in ms, or None if not written."""
    return None


def latency_figures(orders_ms: list[float], floor_ms: list[float]) -> list[Figure]:
    """p50 / p99 of both series; the orders' p99 carries the target and the ratio to the floor."""
    p99, floor_p99 = percentile(orders_ms, 99), percentile(floor_ms, 99)
    note = f"{PLAYERS} players x {ORDERS_PER_PLAYER} orders, concurrent; {len(orders_ms)} samples"
    return [
        Figure(f"{NAME}.p50", "ms", [percentile(orders_ms, 50)], note=note),
        Figure(
            f"{NAME}.p99",
            "ms",
            [p99],
            target=Target(P99_TARGET_MS),
            ratio=Ratio("floor p99", [p99 / floor_p99]),
        ),
        Figure("interaction.floor.p50", "ms", [percentile(floor_ms, 50)], note="trivial command"),
        Figure("interaction.floor.p99", "ms", [floor_p99]),
    ]


async def run(ctx: Context) -> list[Figure]:
    if not bot_available():
        return [skipped(NAME, "bot not available")]
    measured = await measure(ctx)
    if measured is None:
        return [skipped(NAME, "slot empty", note="bot present; measure() in bench/interaction.py")]
    return latency_figures(*measured)
