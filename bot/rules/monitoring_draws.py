"""The draw steps of a report (RULES.md §8.4–§8.14), each on an injected stream.

Each step is separate so its probabilities can be sampled on its own; the order in
which ``monitoring.build_report`` calls them is the fixed order of §8.15.

Draw policy [M-1] (where §0's "a draw is made only when the rule reaches it" needs
precision): every chance check, bracket pick and weighted pick is drawn once its
step is reached, even at 0% or 100% or with one candidate; a uniform pick among
items (cap reduction, rumor, relationship pair) is §9's ``randrange(len(items))``,
drawn even for one item; a magnitude (or phantom value) is drawn only when its
bracket spans several (±1 has nothing to pick); an error sign is drawn only for a
non-zero error under the "random" mode (or outside Poor / Very poor); a confidence
sign only for a non-zero magnitude.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Mapping, Sequence

from bot.rules.model import DISTRICT_SLOTS, MonitoringTier
from bot.rules.monitoring_report import (
    ModifierReading,
    RelationshipIntel,
    ReportedChange,
    ReportedFaction,
    Rumor,
)
from bot.rules.monitoring_tables import (
    BIAS_MODES,
    CHANGE_RULES,
    EXCEPTIONAL_RELATIONSHIP_CHANCE,
    FALSE_DIRECTION,
    LEGENDARY_INTEL_CHANCE,
    PHANTOM_ADJACENCY_WEIGHT,
    PHANTOM_COUNT,
    PHANTOM_VALUES,
    STRONGHOLD_FALSE,
    STRONGHOLD_REAL,
    BiasMode,
    Bracket,
    ModifierOutcome,
    accuracy_brackets,
    confidence_error_range,
    detection_chance,
    inversion_applies,
    inversion_chance,
    inverted_value,
    modifier_outcomes,
    phantom_chance,
)
from bot.rules.rng import chance, pick, weighted_pick

MIN_VALUE, MAX_VALUE = 1, DISTRICT_SLOTS


def draw_bracket(rng: random.Random, brackets: Sequence[Bracket]) -> int:
    """Bracket by weight, then a uniform magnitude inside it (drawn only if several)."""
    _, choices = weighted_pick(rng, brackets, [share for share, _ in brackets])
    return choices[0] if len(choices) == 1 else pick(rng, choices)


def draw_sign(rng: random.Random, mode: BiasMode | None) -> int:
    if mode is BiasMode.DOWN:
        return -1
    if mode is BiasMode.UP:
        return 1
    return 1 if chance(rng, 50) else -1


def apply_error(true_value: int, sign: int, magnitude: int) -> int:
    """§8.7: try the sign, then the other sign, else clamp the first candidate."""
    first = true_value + sign * magnitude
    if MIN_VALUE <= first <= MAX_VALUE:
        return first
    second = true_value - sign * magnitude
    if MIN_VALUE <= second <= MAX_VALUE:
        return second
    return min(MAX_VALUE, max(MIN_VALUE, first))


def draw_bias_mode(rng: random.Random, tier: MonitoringTier) -> BiasMode | None:
    """One mode per report (Poor / Very poor); None elsewhere, without a draw."""
    modes = BIAS_MODES.get(tier)
    if modes is None:
        return None
    return weighted_pick(rng, [m for m, _ in modes], [w for _, w in modes])


def read_faction(
    rng: random.Random,
    tier: MonitoringTier,
    r: int,
    faction_id: str,
    influence: int,
    has_stronghold: bool,
    mode: BiasMode | None,
) -> ReportedFaction | None:
    """Detection, inversion, accuracy, sign and stronghold of one real faction."""
    if not chance(rng, detection_chance(tier, r, influence)):
        return None
    inverted = inversion_applies(tier, influence) and chance(
        rng, inversion_chance(tier, r, influence)
    )
    if inverted:
        value = inverted_value(influence)
    else:
        magnitude = draw_bracket(rng, accuracy_brackets(tier, r, influence))
        value = influence
        if magnitude:
            value = apply_error(influence, draw_sign(rng, mode), magnitude)
    shown = chance(rng, STRONGHOLD_REAL[tier] if has_stronghold else STRONGHOLD_FALSE[tier])
    return ReportedFaction(faction_id, value, shown, influence, has_stronghold, False, inverted)


def draw_phantoms(
    rng: random.Random,
    tier: MonitoringTier,
    r: int,
    candidates: Sequence[str],
    near: Collection[str],
    strongholds: Collection[str] = frozenset(),
) -> list[ReportedFaction]:
    """§8.9: the one phantom chance check, then ``draw_phantom_entries``."""
    if not chance(rng, phantom_chance(tier, r)):
        return []
    return draw_phantom_entries(rng, tier, candidates, near, strongholds)


def draw_phantom_entries(
    rng: random.Random,
    tier: MonitoringTier,
    candidates: Sequence[str],
    near: Collection[str],
    strongholds: Collection[str] = frozenset(),
) -> list[ReportedFaction]:
    """Count, then per phantom: weighted pick, value, stronghold (§8.15 step 3).

    ``candidates``: sorted ids with true influence 0 here, monitoring faction excluded;
    ``near``: factions holding ≥ 1 in an adjacent district; ``strongholds``: factions
    that truly keep a stronghold here at influence 0 (D-20), reported with the real
    identification chance of §8.8 instead of the false-positive one [M-3].
    """
    count = draw_bracket(rng, PHANTOM_COUNT)
    adjacency = PHANTOM_ADJACENCY_WEIGHT[tier]
    remaining = list(candidates)
    phantoms: list[ReportedFaction] = []
    for _ in range(count):
        if not remaining:
            break
        weights = [adjacency if f in near else 1.0 for f in remaining]
        chosen = weighted_pick(rng, remaining, weights)
        remaining.remove(chosen)
        value = draw_bracket(rng, PHANTOM_VALUES[tier])
        real = chosen in strongholds
        shown = chance(rng, STRONGHOLD_REAL[tier] if real else STRONGHOLD_FALSE[tier])
        phantoms.append(ReportedFaction(chosen, value, shown, 0, real, True))
    return phantoms


def adjust_to_cap(
    rng: random.Random, own_value: int, entries: list[ReportedFaction]
) -> list[ReportedFaction]:
    """§8.10, in place on ``entries`` (sorted by id); returns the entries removed."""
    removed: list[ReportedFaction] = []
    excess = own_value + sum(e.value for e in entries) - DISTRICT_SLOTS
    while excess > 0:
        reducible = [e for e in entries if e.value > 1]
        if reducible:
            pick(rng, reducible).value -= 1
            excess -= 1
            continue
        phantoms = [e for e in entries if e.phantom]
        victim = pick(rng, phantoms or entries)
        entries.remove(victim)
        removed.append(victim)
        excess -= victim.value
    return removed


def off_by_one(rng: random.Random, true_change: int) -> int:
    """§8.11: random sign; the other sign if the result would be 0."""
    sign = 1 if chance(rng, 50) else -1
    reported = true_change + sign
    return reported if reported != 0 else true_change - sign


def draw_changes(
    rng: random.Random,
    tier: MonitoringTier,
    covered: Sequence[str],
    true_changes: Mapping[str, Sequence[tuple[int, int]]],
) -> list[ReportedChange]:
    """§8.11 for each covered faction (sorted): ``true_changes[f]`` lists
    ``(turn, change)`` newest first for the turns the history allows."""
    rule = CHANGE_RULES.get(tier)
    if rule is None:
        return []
    reported: list[ReportedChange] = []
    for faction_id in covered:
        for turn, change in true_changes.get(faction_id, ())[: rule.turns]:
            if change == 0 or abs(change) < rule.min_magnitude:
                continue
            if rule.report_chance is not None and not chance(rng, rule.report_chance):
                continue
            shown = change
            if rule.exact_chance is not None and not chance(rng, rule.exact_chance):
                shown = off_by_one(rng, change)
            reported.append(ReportedChange(faction_id, turn, shown, change))
    return reported


def discover_modifier(
    rng: random.Random, tier: MonitoringTier, modifier: int
) -> ModifierReading | None:
    """§8.12: outcome, then the false-direction check or the off-by-one sign."""
    outcomes = modifier_outcomes(tier, modifier)
    outcome = weighted_pick(rng, [o for o, _ in outcomes], [w for _, w in outcomes])
    if outcome is ModifierOutcome.EXACT:
        return ModifierReading(modifier, False, (modifier > 0) - (modifier < 0))
    if outcome is ModifierOutcome.DIRECTION:
        return draw_direction(rng, tier, modifier)
    if outcome is ModifierOutcome.OFF_BY_ONE:
        return draw_off_by_one_modifier(rng, modifier)
    return None


def draw_direction(rng: random.Random, tier: MonitoringTier, modifier: int) -> ModifierReading:
    """A direction-only reading of a non-zero modifier: wrong sign with the tier's chance."""
    true_sign = (modifier > 0) - (modifier < 0)
    wrong = chance(rng, FALSE_DIRECTION[tier])
    return ModifierReading(None, True, -true_sign if wrong else true_sign)


def draw_off_by_one_modifier(rng: random.Random, modifier: int) -> ModifierReading:
    """A false exact value one away from the truth (only drawn for a true 0), sign 50/50."""
    sign = 1 if chance(rng, 50) else -1
    return ModifierReading(modifier + sign, False, sign)


def draw_confidence(rng: random.Random, r: int, base: int) -> int:
    """§8.14: uniform magnitude, then a 50/50 sign for a non-zero error; clamped 1..10."""
    low, high = confidence_error_range(r)
    magnitude = low if low == high else low + rng.randrange(high - low + 1)
    if magnitude == 0:
        return base
    sign = 1 if chance(rng, 50) else -1
    return min(10, max(1, base + sign * magnitude))


def draw_legendary_benefit(rng: random.Random) -> bool:
    return chance(rng, LEGENDARY_INTEL_CHANCE)


def draw_relationship_benefit(
    rng: random.Random,
    monitoring_faction: str,
    faction_ids: Sequence[str],
    present: Sequence[str],
    relationships: Mapping[tuple[str, str], int],
) -> RelationshipIntel | None:
    """Exceptional 25% [D-30]: a uniform pair A→B of other factions, A present if any is."""
    if not chance(rng, EXCEPTIONAL_RELATIONSHIP_CHANCE):
        return None
    others = [f for f in faction_ids if f != monitoring_faction]
    sources = [f for f in present if f != monitoring_faction] or others
    pairs = [(a, b) for a in sources for b in others if b != a]
    if not pairs:
        return None
    a, b = pick(rng, pairs)
    return RelationshipIntel(a, b, int(relationships.get((a, b), 0)))


def discover_rumors(rng: random.Random, total: int, available: Sequence[Rumor]) -> list[Rumor]:
    """§8.13 for one source: all beaten by ≥ 7, plus one uniform among those beaten by 0–6."""
    found = [r for r in available if total - r.discovery_dc >= 7]
    close = [r for r in available if 0 <= total - r.discovery_dc <= 6]
    if close:
        found.append(pick(rng, close))
    return sorted(found, key=lambda r: r.id)
