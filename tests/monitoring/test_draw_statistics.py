"""Statistical conformance of every §8 probability, at both ends of each tier.

Each step's draw function is sampled directly (the smallest pure function that makes
the draw), at the two ends of every tier (``ENDS``: Legendary 30 and 40, Exceptional
25 and 29, Very good 20 and 24, Good 15 and 19, Average 10 and 14, Poor 5 and 9,
Very poor 1 and 4, Abysmal 0 and −10). Tolerance: 4.5 standard errors with N = 5,625
(conditional rates sampled until 5,625 conditional outcomes exist), so a
3-percentage-point error fails; 0% and 100% must hold exactly (see stats.py).
"""

from __future__ import annotations

import pytest

from bot.rules.model import MonitoringTier as T
from bot.rules.model import monitoring_tier
from bot.rules.monitoring_draws import (
    adjust_to_cap,
    apply_error,
    discover_modifier,
    discover_rumors,
    draw_bias_mode,
    draw_bracket,
    draw_changes,
    draw_confidence,
    draw_direction,
    draw_legendary_benefit,
    draw_off_by_one_modifier,
    draw_phantom_entries,
    draw_phantoms,
    draw_relationship_benefit,
    draw_sign,
    read_faction,
)
from bot.rules.monitoring_report import ReportedFaction, Rumor
from bot.rules.monitoring_tables import (
    BIAS_MODES,
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
from bot.rules.rng import stream

from .stats import N, assert_distribution, assert_rate, sample, sample_given

ENDS = [30, 40, 25, 29, 20, 24, 15, 19, 10, 14, 5, 9, 1, 4, 0, -10]
PHANTOM_ENDS = [r for r in ENDS if r < 25]
POOR_ENDS = [5, 9, 1, 4]


def mode_for(tier: T) -> BiasMode | None:
    return BiasMode.RANDOM if tier in (T.POOR, T.VERY_POOR) else None


# §8.4 detection -------------------------------------------------------------------------


@pytest.mark.parametrize("r", ENDS)
def test_detection(r: int) -> None:
    tier = monitoring_tier(r)
    hits = dict.fromkeys(range(1, 11), 0)

    def draw_all(rng):  # ten checks per sample, one per true value
        for v in range(1, 11):
            if read_faction(rng, tier, r, "x", v, False, mode_for(tier)) is not None:
                hits[v] += 1

    sample(f"detect|{r}", draw_all)
    for v, count in hits.items():
        assert_rate(count, N, detection_chance(tier, r, v), f"r={r} influence={v}")


# §8.5 accuracy --------------------------------------------------------------------------


def expected_magnitudes(tier: T, r: int, influence: int) -> dict[int, float]:
    expected: dict[int, float] = {}
    for share, magnitudes in accuracy_brackets(tier, r, influence):
        for m in magnitudes:
            expected[m] = expected.get(m, 0) + share / len(magnitudes)
    return expected


@pytest.mark.parametrize("r", ENDS)
@pytest.mark.parametrize("influence", [1, 2, 3, 4, 5, 6, 7, 9])
def test_accuracy_magnitudes(r: int, influence: int) -> None:
    """Every bracket and its uniform magnitudes, for every influence bracket of §8.5."""
    tier = monitoring_tier(r)
    brackets = accuracy_brackets(tier, r, influence)
    counts = sample(f"acc|{r}|{influence}", lambda rng: draw_bracket(rng, brackets))
    assert_distribution(counts, expected_magnitudes(tier, r, influence), f"r={r} v={influence}")


@pytest.mark.parametrize("r", ENDS)
def test_exact_rate_through_read_faction(r: int) -> None:
    """The full per-faction path (true 5: never inverted, errors never clamp onto 5)."""
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


# §8.6 inversion and bias ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("r", "influence"),
    [
        (r, v)
        for r in POOR_ENDS
        for v in (2, 3, 4, 6, 8, 10)
        if detection_chance(monitoring_tier(r), r, v) > 0  # Very poor never sees 1-2
    ],
)
def test_inversion(r: int, influence: int) -> None:
    tier = monitoring_tier(r)

    def draw(rng):
        reading = read_faction(rng, tier, r, "x", influence, False, BiasMode.RANDOM)
        return None if reading is None else (reading.inverted, reading.value)

    counts = sample_given(f"inv|{r}|{influence}", draw)
    inverted = sum(c for (inv, _), c in counts.items() if inv)
    assert_rate(inverted, N, inversion_chance(tier, r, influence), f"inversion r={r}")
    assert {v for (inv, v), _ in counts.items() if inv} == {min(9, max(1, 10 - influence))}


@pytest.mark.parametrize("r", POOR_ENDS)
def test_true_five_is_never_inverted(r: int) -> None:
    tier = monitoring_tier(r)

    def draw(rng):
        reading = read_faction(rng, tier, r, "x", 5, False, BiasMode.RANDOM)
        return None if reading is None else reading.inverted

    assert sample_given(f"inv5|{r}", draw, n=1000)[True] == 0


@pytest.mark.parametrize("r", ENDS)
def test_bias_mode(r: int) -> None:
    tier = monitoring_tier(r)
    expected = {m: p for m, p in BIAS_MODES.get(tier, ((None, 100.0),))}
    if tier is T.POOR:
        assert expected == {BiasMode.RANDOM: 60, BiasMode.DOWN: 25, BiasMode.UP: 15}
    if tier is T.VERY_POOR:
        assert expected == {BiasMode.RANDOM: 40, BiasMode.DOWN: 40, BiasMode.UP: 20}
    assert_distribution(sample(f"bias|{r}", lambda rng: draw_bias_mode(rng, tier)), expected, r)


def test_error_signs() -> None:
    assert_distribution(
        sample("sign", lambda rng: draw_sign(rng, BiasMode.RANDOM)), {1: 50, -1: 50}, "sign"
    )
    assert_distribution(
        sample("sign-none", lambda rng: draw_sign(rng, None)), {1: 50, -1: 50}, "sign"
    )
    assert draw_sign(None, BiasMode.DOWN) == -1  # type: ignore[arg-type]
    assert draw_sign(None, BiasMode.UP) == 1  # type: ignore[arg-type]


@pytest.mark.parametrize("r", POOR_ENDS)
@pytest.mark.parametrize("mode", [BiasMode.DOWN, BiasMode.UP])
def test_biased_errors_point_one_way(r: int, mode: BiasMode) -> None:
    """Under a one-way mode every error takes the mode's sign unless 1..10 forbids it
    (§8.7): true 7 at Poor, true 5 at Very poor (5 − 5 = 0 flips to 10)."""
    tier = monitoring_tier(r)
    true = 7 if tier is T.POOR else 5
    sign = -1 if mode is BiasMode.DOWN else 1

    def draw(rng):
        reading = read_faction(rng, tier, r, "x", true, False, mode)
        return None if reading is None or reading.inverted else reading.value - true

    errors = sample_given(f"bias-dir|{r}|{mode}", draw, n=1500)
    possible = {m for m, share in expected_magnitudes(tier, r, true).items() if share > 0}
    assert set(errors) == {apply_error(true, sign, m) - true for m in possible}
    forced = {m for m in possible if not 1 <= true + sign * m <= 10}
    assert all(e * sign >= 0 for e in errors if abs(e) not in forced)


def test_apply_error_boundaries() -> None:
    assert apply_error(5, 1, 2) == 7
    assert apply_error(9, 1, 2) == 7  # 11 is out: the other sign
    assert apply_error(2, -1, 3) == 5
    assert apply_error(5, 1, 7) == 10  # 12 and -2 both out: the first candidate, clamped
    assert apply_error(5, -1, 7) == 1
    assert apply_error(4, 1, 9) == 10
    assert apply_error(1, -1, 1) == 2
    assert apply_error(10, 1, 1) == 9


# §8.8 strongholds -----------------------------------------------------------------------


@pytest.mark.parametrize("r", ENDS)
@pytest.mark.parametrize("real", [True, False])
def test_strongholds(r: int, real: bool) -> None:
    tier = monitoring_tier(r)

    def draw(rng):
        reading = read_faction(rng, tier, r, "x", 10, real, mode_for(tier))
        return None if reading is None else reading.stronghold

    counts = sample_given(f"sh|{r}|{real}", draw)
    assert_rate(counts[True], N, stronghold_chance(tier, real), f"r={r} real={real}")


# §8.9 phantoms --------------------------------------------------------------------------

CANDIDATES = ["c1", "c2", "c3", "c4", "c5"]


@pytest.mark.parametrize("r", ENDS + [-3])
def test_phantom_chance(r: int) -> None:
    tier = monitoring_tier(r)
    counts = sample(
        f"ph|{r}", lambda rng: len(draw_phantoms(rng, tier, r, CANDIDATES, frozenset()))
    )
    assert_rate(N - counts[0], N, phantom_chance(tier, r), f"phantom chance r={r}")


@pytest.mark.parametrize("r", PHANTOM_ENDS)
def test_phantom_count(r: int) -> None:
    tier = monitoring_tier(r)
    counts = sample(
        f"phc|{r}", lambda rng: len(draw_phantom_entries(rng, tier, CANDIDATES, frozenset()))
    )
    assert_distribution(counts, {1: 70, 2: 25, 3: 5}, f"phantom count r={r}")


@pytest.mark.parametrize("r", PHANTOM_ENDS)
def test_phantom_values_adjacency_and_strongholds(r: int) -> None:
    """First phantom among a (plain) and b (holds next door): value table, weight, stronghold."""
    tier = monitoring_tier(r)
    expected: dict[int, float] = {}
    for share, values in PHANTOM_VALUES[tier]:
        for v in values:
            expected[v] = share / len(values)

    def first(rng):
        p = draw_phantom_entries(rng, tier, ["a", "b"], frozenset({"b"}))[0]
        assert p.phantom and p.true_value == 0 and not p.true_stronghold
        return (p.faction_id, p.value, p.stronghold)

    firsts = sample(f"phv|{r}", first)
    values: dict[int, int] = {}
    picked_b = stronghold = 0
    for (faction, value, shown), c in firsts.items():
        values[value] = values.get(value, 0) + c
        picked_b += c if faction == "b" else 0
        stronghold += c if shown else 0
    assert set(values) <= set(expected)
    for v, share in expected.items():
        assert_rate(values.get(v, 0), N, share, f"r={r} phantom value {v}")
    weight = PHANTOM_ADJACENCY_WEIGHT[tier]
    assert_rate(picked_b, N, 100 * weight / (weight + 1), f"r={r} adjacency x{weight}")
    assert_rate(stronghold, N, stronghold_chance(tier, False), f"r={r} phantom stronghold")


@pytest.mark.parametrize("r", [20, 15, 10, 5, 1, 0])
def test_phantom_with_a_real_stronghold_uses_the_real_chance(r: int) -> None:
    """[M-3]: a faction at 0 that keeps its stronghold (D-20) is reported as in §8.8."""
    tier = monitoring_tier(r)

    def draw(rng):
        (p,) = draw_phantom_entries(rng, tier, ["a"], frozenset(), frozenset({"a"}))
        assert p.true_stronghold
        return p.stronghold

    counts = sample(f"phreal|{r}", draw)
    assert_rate(counts[True], N, stronghold_chance(tier, True), f"r={r}")


def test_phantoms_never_repeat_and_stop_when_candidates_run_out() -> None:
    rng = stream(1, "solo")
    for _ in range(300):
        assert len(draw_phantoms(rng, T.ABYSMAL, -10, ["only"], frozenset())) <= 1
        many = draw_phantoms(rng, T.ABYSMAL, -10, CANDIDATES, frozenset())
        assert len({p.faction_id for p in many}) == len(many)
        assert draw_phantom_entries(rng, T.GOOD, [], frozenset()) == []


# §8.10 cap ------------------------------------------------------------------------------


def test_cap_reductions_are_uniform() -> None:
    """9 + 3 = 12 (own 0): two reductions, each uniform over the values still > 1."""

    def draw(rng):
        entries = [
            ReportedFaction("a", 9, False, 9, False),
            ReportedFaction("b", 3, False, 0, False, phantom=True),
        ]
        assert adjust_to_cap(rng, 0, entries) == []
        return tuple(e.value for e in entries)

    counts = sample("cap|uniform", draw)
    assert_distribution(counts, {(7, 3): 25, (8, 2): 50, (9, 1): 25}, "cap")


def test_cap_removes_a_random_phantom_then_a_real_entry() -> None:
    """Own 8 + 1 + 1 + 1 = 11: every value is 1, so a phantom (uniformly) goes first."""

    def removal(rng):
        entries = [
            ReportedFaction("p1", 1, False, 0, False, phantom=True),
            ReportedFaction("r", 1, False, 1, False),
            ReportedFaction("p2", 1, False, 0, False, phantom=True),
        ]
        (removed,) = adjust_to_cap(rng, 8, entries)
        assert removed.phantom and len(entries) == 2
        return removed.faction_id

    assert_distribution(sample("cap|remove", removal), {"p1": 50, "p2": 50}, "removal")
    real = [ReportedFaction("r1", 1, False, 1, False), ReportedFaction("r2", 1, False, 1, False)]
    removed = adjust_to_cap(stream(1, "cap-real"), 9, real)
    assert len(removed) == 1 and not removed[0].phantom and len(real) == 1


# §8.11 recent changes -------------------------------------------------------------------

CHANGE_EXPECTATIONS = {
    T.LEGENDARY: [(3, {3: 100}), (-1, {-1: 100})],
    T.EXCEPTIONAL: [(3, {3: 90, 2: 5, 4: 5}), (-1, {-1: 90, -2: 10}), (1, {1: 90, 2: 10})],
    T.VERY_GOOD: [(2, {2: 80, 1: 10, 3: 10}), (1, {1: 80, 2: 20}), (-1, {-1: 80, -2: 20})],
    T.GOOD: [(2, {2: 50, None: 50}), (-3, {-3: 50, None: 50}), (1, {None: 100})],
    T.AVERAGE: [(4, {None: 100})],
    T.POOR: [(4, {None: 100})],
    T.VERY_POOR: [(4, {None: 100})],
    T.ABYSMAL: [(4, {None: 100})],
}


@pytest.mark.parametrize("r", ENDS)
def test_recent_change_accuracy(r: int) -> None:
    tier = monitoring_tier(r)
    for change, expected in CHANGE_EXPECTATIONS[tier]:

        def draw(rng, change=change):
            reported = draw_changes(rng, tier, ["x"], {"x": [(7, change)]})
            return reported[0].change if reported else None

        counts = sample(f"chg|{r}|{change}", draw)
        assert_distribution(counts, expected, f"r={r} change {change}")


def test_recent_change_turn_windows() -> None:
    history = {"x": [(7, 1), (6, -2), (5, 3), (4, 1)]}
    turns = {
        tier: {c.turn for c in draw_changes(stream(3, tier), tier, ["x"], history)}
        for tier in (T.LEGENDARY, T.EXCEPTIONAL, T.VERY_GOOD)
    }
    assert turns[T.LEGENDARY] == {7, 6, 5}
    assert turns[T.EXCEPTIONAL] == {7, 6}
    assert turns[T.VERY_GOOD] == {7}


# §8.12 DC modifier ----------------------------------------------------------------------


def classify(reading, value: int):
    if reading is None:
        return "nothing"
    if reading.direction_only:
        return "direction"
    return "exact" if reading.value == value else "off_by_one"


@pytest.mark.parametrize("r", ENDS)
@pytest.mark.parametrize("value", [-2, -1, 0, 1, 2])
def test_modifier_discovery(r: int, value: int) -> None:
    tier = monitoring_tier(r)
    counts = sample(
        f"mod|{r}|{value}", lambda rng: classify(discover_modifier(rng, tier, value), value)
    )
    expected = {o.value: p for o, p in modifier_outcomes(tier, value)}
    assert_distribution(counts, expected, f"modifier r={r} value={value}")


@pytest.mark.parametrize("r", ENDS)
@pytest.mark.parametrize("value", [-2, 1])
def test_false_direction(r: int, value: int) -> None:
    """Wrong sign: 0% at r ≥ 15, Average 5%, Poor 15%, Very poor 30%, Abysmal 50%."""
    tier = monitoring_tier(r)
    expected = {T.AVERAGE: 5, T.POOR: 15, T.VERY_POOR: 30, T.ABYSMAL: 50}.get(tier, 0)
    assert FALSE_DIRECTION[tier] == expected
    true_sign = 1 if value > 0 else -1

    def draw(rng):
        reading = draw_direction(rng, tier, value)
        assert reading.direction_only and reading.value is None
        return reading.sign

    counts = sample(f"dir|{r}|{value}", draw)
    assert_distribution(counts, {true_sign: 100 - expected, -true_sign: expected}, f"r={r}")


def test_direction_readings_come_from_discover_modifier() -> None:
    """The direction branch of discover_modifier is draw_direction on the same stream."""
    for i in range(300):
        a, b = stream(5, "dm", i), stream(5, "dm", i)
        reading = discover_modifier(a, T.VERY_POOR, -2)
        if reading is not None:
            b.random()  # the outcome draw
            assert reading == draw_direction(b, T.VERY_POOR, -2)


@pytest.mark.parametrize("r", [30, 40, 25, 29])
def test_off_by_one_modifier(r: int) -> None:
    tier = monitoring_tier(r)
    counts = sample(f"off|{r}", lambda rng: draw_off_by_one_modifier(rng, 0).value)
    assert_distribution(counts, {1: 50, -1: 50}, f"off by one r={r}")
    given = sample_given(
        f"off-full|{r}",
        lambda rng: (lambda m: None if m is None or m.value == 0 else m.value)(
            discover_modifier(rng, tier, 0)
        ),
        n=300,
    )
    assert set(given) == {1, -1}  # never more than one away


# §8.13 rumors ---------------------------------------------------------------------------


@pytest.mark.parametrize("total", ENDS)
def test_rumor_discovery(total: int) -> None:
    """Beaten by ≥ 7: always; one uniform among those beaten by 0..6; unbeaten: never.
    Margins 20, 7, 6, 3, 0, −1 (rumors whose DC would be negative are left out)."""
    margins = {"far": 20, "seven": 7, "six": 6, "three": 3, "zero": 0, "miss": -1}
    rumors = [Rumor(i, "d", total - m) for i, m in margins.items() if total - m >= 0]
    always = tuple(sorted(r.id for r in rumors if total - r.discovery_dc >= 7))
    close = [r.id for r in rumors if 0 <= total - r.discovery_dc <= 6]
    expected = (
        {tuple(sorted((*always, c))): 100 / len(close) for c in close} if close else {always: 100}
    )
    counts = sample(
        f"rumor|{total}", lambda rng: tuple(r.id for r in discover_rumors(rng, total, rumors))
    )
    assert_distribution(counts, expected, f"rumors total={total}")


# §8.14 confidence -----------------------------------------------------------------------


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


# §8.11 special benefits -----------------------------------------------------------------


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

    def nobody_present(rng):
        intel = draw_relationship_benefit(rng, "me", factions, ["me"], rels)
        return None if intel is None else (intel.from_faction, intel.to_faction)

    pairs = sample_given("exc-any", nobody_present)
    expected = {(a, b): 100 / 6 for a in "abc" for b in "abc" if a != b}
    assert_distribution(pairs, expected, "any pair when no other faction is present")
