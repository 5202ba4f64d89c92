"""Sampling helpers: tolerance is 4 standard errors, with at least N samples so that a
3-percentage-point error in any probability fails (4·sqrt(0.25/4500) = 2.98 pp)."""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable, Hashable

from bot.rules.rng import stream

N = 4500
SEED = 987654321


def assert_rate(hits: int, n: int, percent: float, label: str = "") -> None:
    p = percent / 100
    if p <= 0 or p >= 1:
        assert hits == round(p * n), f"{label}: {hits}/{n}, expected exactly {percent}%"
        return
    tolerance = 4 * math.sqrt(p * (1 - p) / n)
    observed = hits / n
    assert abs(observed - p) <= tolerance, (
        f"{label}: observed {observed:.4f} vs {p:.4f} (tolerance {tolerance:.4f}, n={n})"
    )


def sample(key: str, draw: Callable[[random.Random], Hashable], n: int = N) -> Counter:
    """Outcome counts of ``draw`` over ``n`` independent streams."""
    return Counter(draw(stream(SEED, key, i)) for i in range(n))


def sample_given(
    key: str,
    draw: Callable[[random.Random], Hashable | None],
    n: int = N,
    limit: int = 100_000,
) -> Counter:
    """Counts of ``draw`` outcomes that are not None, until ``n`` of them are collected:
    conditional probabilities get the same power as unconditional ones."""
    counts: Counter = Counter()
    kept = 0
    for i in range(limit):
        outcome = draw(stream(SEED, key, i))
        if outcome is not None:
            counts[outcome] += 1
            kept += 1
            if kept == n:
                return counts
    raise AssertionError(f"{key}: only {kept} conditional samples in {limit}")


def assert_distribution(counts: Counter, expected: dict[Hashable, float], label: str) -> None:
    """Every expected outcome (percent) matches, and nothing unexpected occurs."""
    n = sum(counts.values())
    unexpected = set(counts) - {k for k, v in expected.items() if v > 0}
    assert not unexpected, f"{label}: unexpected outcomes {unexpected}"
    for outcome, percent in expected.items():
        assert_rate(counts[outcome], n, percent, f"{label} [{outcome}]")
