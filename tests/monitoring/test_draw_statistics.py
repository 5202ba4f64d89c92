"""Statistical conformance of every §8 probability, at both ends of each tier.

Each step's draw function is sampled over independent streams (key varies); the
tolerance is 4 standard errors with N = 4500 (conditional rates are sampled until
N conditional outcomes exist), so a 3-percentage-point error fails (see stats.py).
"""

from __future__ import annotations

import pytest

from bot.rules.model import MonitoringTier as T
from bot.rules.model import monitoring_tier
from bot.rules.monitoring_draws import (
    apply_error,
    discover_modifier,
    discover_rumors,
    draw_bias_mode,
    draw_bracket,
    draw_changes,
    draw_confidence,
    draw_legendary_benefit,
    draw_phantoms,
    draw_relationship_benefit,
    draw_sign,
    read_faction,
)
from bot.rules.monitoring_report import Rumor
from bot.rules.monitoring_tables import (
    CONFIDENCE_BASE,
    FALSE_DIRECTION,
    PHANTOM_ADJACENCY_WEIGHT,
    PHANTOM_VALUES,
    BiasMode,
    accuracy_brackets,
    confidence_error_range,
    detection_chance,
    inversion_chance,
    modifier_outcomes,
    phantom_chance,
    stronghold_chance,
)

from .stats import N, assert_distribution, assert_rate, sample, sample_given

ENDS = [30, 40, 25, 29, 20, 24, 15, 19, 10, 14, 5, 9, 1, 4, 0, -10]


def mode_for(tier: T) -> BiasMode | None:
    return BiasMode.RANDOM if tier in (T.POOR, T.VERY_POOR) else None


@pytest.mark.parametrize("r", ENDS)
def test_detection(r: int) -> None:
    tier = monitoring_tier(r)
    hits = dict.fromkeys(range(1, 11), 0)

    def draw_all(rng):  # ten independent checks per stream, one per true value
        for v in range(1, 11):
            if read_faction(rng, tier, r, "x", v, False, mode_for(tier)) is not None:
                hits[v] += 1

    sample(f"detect|{r}", draw_all)
    for v, count in hits.items():
        assert_rate(count, N, detection_chance(tier, r, v), f"r={r} influence={v}")


def expected_magnitudes(tier: T, r: int, influence: int) -> dict[int, float]:
    expected: dict[int, float] = {}
    for share, magnitudes in accuracy_brackets(tier, r, influence):
        for m in magnitudes:
            expected[m] = expected.get(m, 0) + share / len(magnitudes)
    return expected


@pytest.mark.parametrize("r", ENDS)
@pytest.mark.parametrize("influence", [1, 2, 3, 5, 7, 10])
def test_accuracy_magnitudes(r: int, influence: int) -> None:
    tier = monitoring_tier(r)
    counts = sample(
        f"acc|{r}|{influence}", lambda rng: draw_bracket(rng, accuracy_brackets(tier, r, influence))
    )
    assert_distribution(counts, expected_magnitudes(tier, r, influence), f"r={r} v={influence}")


@pytest.mark.parametrize("r", ENDS)
def test_exact_rate_through_read_faction(r: int) -> None:
    """The full per-faction path (true 5: never inverted, never clamped into itself)."""
    tier = monitoring_tier(r)
    influence = 5 if detection_chance(tier, r, 5) > 0 else 10
    if detection_chance(tier, r, influence) == 0:
        pytest.skip("nothing detectable")

    def draw(rng):
        reading = read_faction(rng, tier, r, "x", influence, False, mode_for(tier))
        return None if reading is None or reading.inverted else reading.value == influence

    counts = sample_given(f"exact|{r}", draw)
    exact = accuracy_brackets(tier, r, influence)[0][0]
    assert_rate(counts[True], N, exact, f"exact r={r}")


@pytest.mark.parametrize("r", [5, 9, 1, 4])
@pytest.mark.parametrize("influence", [3, 8])
def test_inversion(r: int, influence: int) -> None:
    tier = monitoring_tier(r)

    def draw(rng):
        reading = read_faction(rng, tier, r, "x", influence, False, BiasMode.RANDOM)
        return None if reading is None else (reading.inverted, reading.value)

    counts = sample_given(f"inv|{r}|{influence}", draw)
    inverted = sum(c for (inv, _), c in counts.items() if inv)
    assert_rate(inverted, N, inversion_chance(tier, r, influence), f"inversion r={r}")
    assert {v for (inv, v), _ in counts.items() if inv} == {10 - influence}
    five = sample_given(
        f"inv5|{r}",
        lambda rng: (lambda x: None if x is None else x.inverted)(
            read_faction(rng, tier, r, "x", 5, False, BiasMode.RANDOM)
        ),
        n=500,
    )
    assert five[True] == 0


@pytest.mark.parametrize(
    ("tier", "expected"),
    [
        (T.POOR, {BiasMode.RANDOM: 60, BiasMode.DOWN: 25, BiasMode.UP: 15}),
        (T.VERY_POOR, {BiasMode.RANDOM: 40, BiasMode.DOWN: 40, BiasMode.UP: 20}),
        (T.GOOD, {None: 100}),
    ],
)
def test_bias_mode(tier: T, expected: dict) -> None:
    assert_distribution(
        sample(f"bias|{tier}", lambda rng: draw_bias_mode(rng, tier)), expected, tier
    )


def test_error_signs() -> None:
    assert_distribution(
        sample("sign", lambda rng: draw_sign(rng, BiasMode.RANDOM)), {1: 50, -1: 50}, "sign"
    )
    assert_distribution(
        sample("sign-none", lambda rng: draw_sign(rng, None)), {1: 50, -1: 50}, "sign"
    )
    assert draw_sign(None, BiasMode.DOWN) == -1  # type: ignore[arg-type]
    assert draw_sign(None, BiasMode.UP) == 1  # type: ignore[arg-type]


def test_biased_errors_point_one_way() -> None:
    """Under "all errors downward" a non-inverted error lowers the value unless 1..10 forbids."""

    def draw(rng):
        reading = read_faction(rng, T.POOR, 5, "x", 8, False, BiasMode.DOWN)
        return None if reading is None or reading.inverted else reading.value

    values = sample_given("down", draw, n=1000)
    assert set(values) <= {8, 7, 6, 5, 4}
    assert values[8] > 0 and values[4] > 0


def test_apply_error_boundaries() -> None:
    assert apply_error(5, 1, 2) == 7
    assert apply_error(9, 1, 2) == 7  # 11 is out: the other sign
    assert apply_error(2, -1, 3) == 5
    assert apply_error(5, 1, 7) == 10  # 12 and -2 both out: the first candidate, clamped
    assert apply_error(5, -1, 7) == 1
    assert apply_error(4, 1, 9) == 10


@pytest.mark.parametrize("tier", list(T))
@pytest.mark.parametrize("real", [True, False])
def test_strongholds(tier: T, real: bool) -> None:
    r = {T.LEGENDARY: 30, T.EXCEPTIONAL: 25, T.VERY_GOOD: 20, T.GOOD: 15, T.AVERAGE: 10}.get(
        tier, {T.POOR: 5, T.VERY_POOR: 1, T.ABYSMAL: 0}.get(tier)
    )

    def draw(rng):
        reading = read_faction(rng, tier, r, "x", 10, real, mode_for(tier))
        return None if reading is None else reading.stronghold

    counts = sample_given(f"sh|{tier}|{real}", draw)
    assert_rate(counts[True], N, stronghold_chance(tier, real), f"{tier} real={real}")


CANDIDATES = ["c1", "c2", "c3", "c4", "c5"]


@pytest.mark.parametrize("r", ENDS + [-3])
def test_phantom_chance_and_count(r: int) -> None:
    tier = monitoring_tier(r)
    counts = sample(
        f"ph|{r}", lambda rng: len(draw_phantoms(rng, tier, r, CANDIDATES, frozenset()))
    )
    appear = N - counts[0]
    assert_rate(appear, N, phantom_chance(tier, r), f"phantom chance r={r}")
    if phantom_chance(tier, r) == 0:
        return
    given = sample_given(
        f"phc|{r}", lambda rng: len(draw_phantoms(rng, tier, r, CANDIDATES, frozenset())) or None
    )
    assert_distribution(given, {1: 70, 2: 25, 3: 5}, f"phantom count r={r}")


@pytest.mark.parametrize("tier", [T.VERY_GOOD, T.GOOD, T.AVERAGE, T.POOR, T.VERY_POOR, T.ABYSMAL])
def test_phantom_values_weights_and_strongholds(tier: T) -> None:
    r = {T.VERY_GOOD: 20, T.GOOD: 15, T.AVERAGE: 10, T.POOR: 5, T.VERY_POOR: 1, T.ABYSMAL: 0}[tier]
    expected: dict[int, float] = {}
    for share, values in PHANTOM_VALUES[tier]:
        for v in values:
            expected[v] = share / len(values)

    def first(rng):
        phantoms = draw_phantoms(rng, tier, r, ["a", "b"], frozenset({"b"}))
        return phantoms[0] if phantoms else None

    firsts = sample_given(
        f"phv|{tier}",
        lambda rng: (lambda p: p and (p.faction_id, p.value, p.stronghold))(first(rng)),
    )
    values: dict[int, int] = {}
    picked_b = stronghold = 0
    for (faction, value, shown), c in firsts.items():
        values[value] = values.get(value, 0) + c
        picked_b += c if faction == "b" else 0
        stronghold += c if shown else 0
    for v, share in expected.items():
        assert_rate(values.get(v, 0), N, share, f"{tier} phantom value {v}")
    assert set(values) <= set(expected)
    weight = PHANTOM_ADJACENCY_WEIGHT[tier]
    assert_rate(picked_b, N, 100 * weight / (weight + 1), f"{tier} adjacency")
    assert_rate(stronghold, N, stronghold_chance(tier, False), f"{tier} phantom stronghold")


def test_phantoms_never_repeat_and_stop_when_candidates_run_out() -> None:
    for i in range(300):
        from bot.rules.rng import stream

        phantoms = draw_phantoms(stream(1, "solo", i), T.ABYSMAL, -10, ["only"], frozenset())
        assert len(phantoms) <= 1
        many = draw_phantoms(stream(1, "many", i), T.ABYSMAL, -10, CANDIDATES, frozenset())
        assert len({p.faction_id for p in many}) == len(many)


@pytest.mark.parametrize(
    ("tier", "change", "expected"),
    [
        (T.LEGENDARY, 3, {3: 100}),
        (T.EXCEPTIONAL, 3, {3: 90, 2: 5, 4: 5}),
        (T.EXCEPTIONAL, -1, {-1: 90, -2: 10}),
        (T.VERY_GOOD, 2, {2: 80, 1: 10, 3: 10}),
        (T.VERY_GOOD, 1, {1: 80, 2: 20}),
        (T.GOOD, 2, {2: 50, None: 50}),
        (T.GOOD, -3, {-3: 50, None: 50}),
        (T.GOOD, 1, {None: 100}),
        (T.AVERAGE, 4, {None: 100}),
    ],
)
def test_recent_changes(tier: T, change: int, expected: dict) -> None:
    def draw(rng):
        reported = draw_changes(rng, tier, ["x"], {"x": [(7, change)]})
        return reported[0].change if reported else None

    assert_distribution(sample(f"chg|{tier}|{change}", draw), expected, f"{tier} change {change}")


def test_recent_change_turn_windows() -> None:
    from bot.rules.rng import stream

    history = {"x": [(7, 1), (6, -2), (5, 3), (4, 1)]}
    turns = {
        tier: {c.turn for c in draw_changes(stream(3, tier), tier, ["x"], history)}
        for tier in (T.LEGENDARY, T.EXCEPTIONAL, T.VERY_GOOD)
    }
    assert turns[T.LEGENDARY] == {7, 6, 5}
    assert turns[T.EXCEPTIONAL] == {7, 6}
    assert turns[T.VERY_GOOD] == {7}


def classify(reading, value: int):
    if reading is None:
        return "nothing"
    if reading.direction_only:
        return "direction"
    return "exact" if reading.value == value else "off_by_one"


@pytest.mark.parametrize("r", [30, 25, 29, 20, 24, 15, 19, 10, 14, 5, 9, 1, 4, 0])
@pytest.mark.parametrize("value", [-2, -1, 0, 1, 2])
def test_modifier_discovery(r: int, value: int) -> None:
    tier = monitoring_tier(r)
    counts = sample(
        f"mod|{r}|{value}", lambda rng: classify(discover_modifier(rng, tier, value), value)
    )
    expected = {o.value: p for o, p in modifier_outcomes(tier, value)}
    assert_distribution(counts, expected, f"modifier r={r} value={value}")


@pytest.mark.parametrize(
    "tier", [T.EXCEPTIONAL, T.VERY_GOOD, T.GOOD, T.AVERAGE, T.POOR, T.VERY_POOR, T.ABYSMAL]
)
def test_false_direction(tier: T) -> None:
    def draw(rng):
        reading = discover_modifier(rng, tier, 1)
        return None if reading is None or not reading.direction_only else reading.sign

    counts = sample_given(f"dir|{tier}", draw)
    assert_rate(counts[-1], N, FALSE_DIRECTION[tier], f"false direction {tier}")


@pytest.mark.parametrize("tier", [T.LEGENDARY, T.EXCEPTIONAL])
def test_off_by_one_modifier(tier: T) -> None:
    def draw(rng):
        reading = discover_modifier(rng, tier, 0)
        return None if reading is None or reading.value == 0 else reading.value

    assert_distribution(sample_given(f"off|{tier}", draw), {1: 50, -1: 50}, f"off by one {tier}")


@pytest.mark.parametrize("r", ENDS)
def test_confidence(r: int) -> None:
    base = CONFIDENCE_BASE[monitoring_tier(r)]
    low, high = confidence_error_range(r)
    expected: dict[int, float] = {}
    for m in range(low, high + 1):
        share = 100 / (high - low + 1)
        for sign in (1,) if m == 0 else (1, -1):
            v = min(10, max(1, base + sign * m))
            expected[v] = expected.get(v, 0) + share / (1 if m == 0 else 2)
    counts = sample(f"conf|{r}", lambda rng: draw_confidence(rng, r, base))
    assert_distribution(counts, expected, f"confidence r={r}")


def test_rumor_discovery() -> None:
    total = 17
    rumors = [
        Rumor("far", "d", 10),  # beaten by 7: always
        Rumor("gone", "d", 2),  # beaten by 15: always
        Rumor("near1", "d", 11),  # beaten by 6
        Rumor("near2", "d", 14),
        Rumor("near3", "d", 17),  # beaten by 0
        Rumor("miss", "d", 18),  # not beaten
    ]
    counts = sample("rumor", lambda rng: tuple(r.id for r in discover_rumors(rng, total, rumors)))
    expected = {
        ("far", "gone", "near1"): 100 / 3,
        ("far", "gone", "near2"): 100 / 3,
        ("far", "gone", "near3"): 100 / 3,
    }
    assert_distribution(counts, expected, "rumors")


def test_special_benefit_chances() -> None:
    assert_rate(sample("leg", draw_legendary_benefit)[True], N, 75, "legendary intel")
    factions = ["a", "b", "c", "me"]
    rels = {("a", "b"): -2, ("a", "c"): 1}

    def draw(rng):
        intel = draw_relationship_benefit(rng, "me", factions, ["a", "me"], rels)
        return None if intel is None else (intel.from_faction, intel.to_faction, intel.value)

    counts = sample("exc", draw)
    assert_distribution(
        counts, {None: 75, ("a", "b", -2): 12.5, ("a", "c", 1): 12.5}, "exceptional relationship"
    )
