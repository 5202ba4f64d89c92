"""Sampling helpers for the §8 statistical tests.

Tolerance: 4.5 standard errors of the expected rate, with at least N = 5,625 samples
(conditional rates are sampled until N conditional outcomes exist), so a
3-percentage-point error in any probability fails: 4.5·sqrt(0.25/5625) = 3.0 pp at
the worst case p = 0.5. A correct implementation misses one check with probability
~7e-6, so the ~3,000 checks of the suite stay clear of chance failures (at 4 SE one
would be expected every few reseedings); every stream is seeded, so each outcome
is fixed.

Samples of one test come from one seeded stream (draw after draw), which is as
independent as one stream per sample and about four times faster.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable, Hashable

from bot.rules.rng import stream

N = 5625
Z = 4.5
SEED = 987654321
MAX_TOLERANCE_PP = 3.0


def assert_rate(hits: int, n: int, percent: float, label: str = "") -> None:
    """``hits``/``n`` within Z standard errors of ``percent``; exact for 0% and 100%."""
    p = percent / 100
    if p <= 1e-12 or p >= 1 - 1e-12:
        assert hits == round(p * n), f"{label}: {hits}/{n}, expected exactly {percent}%"
        return
    tolerance = Z * math.sqrt(p * (1 - p) / n)
    assert tolerance * 100 <= MAX_TOLERANCE_PP + 1e-9, f"{label}: n={n} too small"
    observed = hits / n
    assert abs(observed - p) <= tolerance, (
        f"{label}: observed {observed:.4f} vs {p:.4f} (tolerance {tolerance:.4f}, n={n})"
    )


def sample(key: str, draw: Callable[[random.Random], Hashable], n: int = N) -> Counter:
    """Outcome counts of ``n`` successive calls of ``draw`` on the stream of ``key``."""
    rng = stream(SEED, key)
    return Counter(draw(rng) for _ in range(n))


def sample_given(
    key: str,
    draw: Callable[[random.Random], Hashable | None],
    n: int = N,
    limit: int = 200_000,
) -> Counter:
    """Counts of ``draw`` outcomes that are not None, until ``n`` of them are collected:
    conditional probabilities get the same power as unconditional ones."""
    rng = stream(SEED, key)
    counts: Counter = Counter()
    kept = 0
    for _ in range(limit):
        outcome = draw(rng)
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
