"""§8.15 draw order and the §9 ``report`` stream, replayed by hand.

Each replay recomputes the stream from §9's definition (sha256 of
``"S|turn|report|faction|district"``) and walks §8.15 with raw ``random()`` /
``randrange`` calls, using only the rulebook's numbers, so a draw made out of order,
a draw skipped or added, or a wrong key makes the report differ for some seed.
"""

from __future__ import annotations

import hashlib
import random

from bot.rules.monitoring import MonitoringReport, build_report

from .helpers import agent_source, make_board


def hand_stream(*parts: object) -> random.Random:
    key = "|".join(str(p) for p in parts)
    return random.Random(int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big"))


def weighted(rng: random.Random, items: list, weights: list[float]):
    threshold = rng.random() * sum(weights)
    running = 0.0
    for item, weight in zip(items, weights, strict=True):
        running += weight
        if running > threshold:
            return item
    raise AssertionError("unreachable")


def with_error(true: int, sign: int, magnitude: int) -> int:
    for candidate in (true + sign * magnitude, true - sign * magnitude):
        if 1 <= candidate <= 10:
            return candidate
    return min(10, max(1, true + sign * magnitude))


def summary(rep: MonitoringReport) -> dict:
    return {
        "bias": rep.bias_mode,
        "entries": [(e.faction_id, e.value, e.stronghold, e.phantom) for e in rep.factions],
        "removed": sorted(e.faction_id for e in rep.removed_by_cap),
        "changes": [(c.faction_id, c.turn, c.change) for c in rep.changes],
        "modifier": None if rep.modifier is None else rep.modifier.to_json(),
        "confidence": rep.confidence,
        "relationship": None
        if rep.relationship_intel is None
        else rep.relationship_intel.to_json(),
        "legendary": rep.legendary_intel_earned,
    }


# Poor, r = 7: bias, inversion, brackets with two magnitudes, phantoms, cap, direction.
POOR_BOARD = make_board(
    {("D", "M"): 2, ("D", "F"): 6, ("D", "G"): 3, ("E", "H"): 1},
    ["F", "G", "H", "J", "M"],
    adjacency={"D": {"E"}, "E": {"D"}},
    strongholds={("D", "F")},
    modifiers={"D": 1},
)


def replay_poor(seed: int, turn: int) -> dict:
    rng = hand_stream(seed, turn, "report", "M", "D")
    r = 7
    u = rng.random() * 100
    mode = "random" if u < 60 else "down" if u < 85 else "up"
    shown: dict[str, tuple[int, bool, bool]] = {}
    for faction, true, stronghold in (("F", 6, True), ("G", 3, False)):
        detect = {6: 70 + 3 * (r - 5), 3: 50 + 4 * (r - 5)}[true]
        if not rng.random() < detect / 100:
            continue
        if rng.random() < (40 - 4 * (r - 5)) / 100:
            value = 10 - true
        else:
            exact, small = {6: (10 + 3 * (r - 5), 30), 3: (5 + 3 * (r - 5), 25)}[true]
            u = rng.random() * 100
            if u < exact:
                value = true
            else:
                magnitudes = (1, 2) if u < exact + small else (3, 4)
                magnitude = magnitudes[rng.randrange(2)]
                if mode == "random":
                    sign = 1 if rng.random() < 0.5 else -1
                else:
                    sign = -1 if mode == "down" else 1
                value = with_error(true, sign, magnitude)
        seen = rng.random() < (0.5 if stronghold else 0.1)
        shown[faction] = (value, seen, False)
    if rng.random() < (35 - (r - 5)) / 100:
        u = rng.random() * 100
        count = 1 if u < 70 else 2 if u < 95 else 3
        remaining = ["H", "J"]  # H holds next door: weight ×1.5
        for _ in range(count):
            if not remaining:
                break
            chosen = weighted(rng, remaining, [1.5 if f == "H" else 1.0 for f in remaining])
            remaining.remove(chosen)
            u = rng.random() * 100
            values = (1, 2) if u < 60 else (3, 4) if u < 90 else (5, 6)
            value = values[rng.randrange(2)]
            shown[chosen] = (value, rng.random() < 0.10, True)
    entries = [[f, *shown[f]] for f in sorted(shown)]
    removed = []
    while 2 + sum(e[1] for e in entries) > 10:
        reducible = [e for e in entries if e[1] > 1]
        if reducible:
            reducible[rng.randrange(len(reducible))][1] -= 1
            continue
        pool = [e for e in entries if e[3]] or entries
        victim = pool[rng.randrange(len(pool))]
        entries.remove(victim)
        removed.append(victim[0])
    modifier = None
    if rng.random() * 100 < 20:  # +1 at Poor: direction 20, nothing 80
        wrong = rng.random() < 0.15
        modifier = {"value": None, "direction_only": True, "sign": -1 if wrong else 1}
    magnitude = 1 + rng.randrange(3)  # r 5–9: 1..3
    sign = 1 if rng.random() < 0.5 else -1
    return {
        "bias": mode,
        "entries": [tuple(e) for e in entries],
        "removed": sorted(removed),
        "changes": [],
        "modifier": modifier,
        "confidence": min(10, max(1, 3 + sign * magnitude)),
        "relationship": None,
        "legendary": False,
    }


def test_poor_report_replays_by_hand() -> None:
    kinds = set()
    for seed in range(400):
        rep = build_report(seed, 3, "M", "D", [agent_source("M", "D", 7)], POOR_BOARD, {})
        assert summary(rep) == replay_poor(seed, 3), seed
        kinds.update(e.faction_id for e in rep.factions if e.phantom)
        kinds.update(f"removed:{e.faction_id}" for e in rep.removed_by_cap)
        kinds.add(rep.bias_mode)
    assert {"H", "J", "random", "down", "up"} <= kinds


# Exceptional, r = 27: 100% checks still drawn, ±1 errors, two turns of changes,
# off-by-one modifier for a true 0, no confidence draw, the relationship benefit.
EXC_BOARD = make_board(
    {("D", "M"): 1, ("D", "F"): 4, ("D", "G"): 2},
    ["F", "G", "H", "M"],
    strongholds={("D", "F")},
    modifiers={"D": 0},
    relationships={("F", "G"): -2, ("G", "H"): 1},
)
EXC_HISTORY = {
    3: {("D", "M"): 1, ("D", "F"): 3, ("D", "G"): 2},
    4: {("D", "M"): 1, ("D", "F"): 2, ("D", "G"): 3},
}


def replay_exceptional(seed: int, turn: int) -> dict:
    rng = hand_stream(seed, turn, "report", "M", "D")
    r = 27
    entries = []
    for faction, true, stronghold in (("F", 4, True), ("G", 2, False)):
        assert rng.random() < 1.0  # detection 100%, drawn
        exact = 90 + 2 * (r - 25)
        value = true
        if rng.random() * 100 >= exact:
            value = with_error(true, 1 if rng.random() < 0.5 else -1, 1)
        seen = rng.random() < (1.0 if stronghold else 0.0)
        entries.append((faction, value, seen, False))
    assert not rng.random() < 0.0  # phantom chance 0%, drawn
    changes = []
    now = {"F": 4, "G": 2}
    for faction in ("F", "G"):
        history = [(5, now[faction] - EXC_HISTORY[4][("D", faction)])]
        history.append((4, EXC_HISTORY[4][("D", faction)] - EXC_HISTORY[3][("D", faction)]))
        for when, change in history:
            if change == 0:
                continue
            reported = change
            if not rng.random() < 0.9:
                sign = 1 if rng.random() < 0.5 else -1
                reported = change + sign if change + sign != 0 else change - sign
            changes.append((faction, when, reported))
    modifier = {"value": 0, "direction_only": False, "sign": 0}
    if rng.random() * 100 >= 85:
        sign = 1 if rng.random() < 0.5 else -1
        modifier = {"value": sign, "direction_only": False, "sign": sign}
    relationship = None
    if rng.random() < 0.25:
        pairs = [("F", "G"), ("F", "H"), ("G", "F"), ("G", "H")]
        a, b = pairs[rng.randrange(len(pairs))]
        value = EXC_BOARD.relationships.get((a, b), 0)
        relationship = {"from": a, "to": b, "value": value}
    return {
        "bias": None,
        "entries": entries,
        "removed": [],
        "changes": changes,
        "modifier": modifier,
        "confidence": 9,
        "relationship": relationship,
        "legendary": False,
    }


def test_exceptional_report_replays_by_hand() -> None:
    seen_off, seen_rel = False, False
    for seed in range(400):
        rep = build_report(seed, 5, "M", "D", [agent_source("M", "D", 27)], EXC_BOARD, EXC_HISTORY)
        assert summary(rep) == replay_exceptional(seed, 5), seed
        seen_off |= any(c.change != c.true_change for c in rep.changes)
        seen_rel |= rep.relationship_intel is not None
    assert seen_off and seen_rel


def test_legendary_benefit_is_the_last_draw() -> None:
    """Legendary r = 30 with nothing else random-sized: detection/bracket/stronghold per
    faction, phantom 0%, changes exact (no draw), modifier outcome, no confidence draw,
    then the 75% benefit check."""
    board = make_board({("D", "F"): 3}, ["F", "M"], modifiers={"D": -2})
    for seed in range(300):
        rep = build_report(seed, 2, "M", "D", [agent_source("M", "D", 30)], board, {1: {}})
        rng = hand_stream(seed, 2, "report", "M", "D")
        for _ in range(3):  # detection, the single exact bracket, stronghold (0%)
            rng.random()
        rng.random()  # phantom chance 0%
        rng.random()  # modifier outcome (exact 100%)
        assert rep.legendary_intel_earned is (rng.random() < 0.75)
        assert [(c.faction_id, c.change) for c in rep.changes] == [("F", 3)]
