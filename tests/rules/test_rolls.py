"""§3 rolls: stream keys and draw order of §9, stat selection, penalties, advantage.

Statistical checks: observed rate within 4 standard errors of the rule's
probability with n ≥ 4,445 samples (n = 5,000 here), so a 3-percentage-point
error fails (tests/rules/helpers.assert_rate).
"""

from __future__ import annotations

import random

import pytest

from bot.rules import rng
from bot.rules.model import ActionType, MonitoringTier, Tier, action_tier
from bot.rules.rolls import (
    InvalidOrder,
    apply_conflict_penalty,
    resolve_stats,
    roll_action,
    roll_initiate,
    roll_secondary_monitoring,
)
from tests.rules.helpers import agent, assert_rate, district, make_board, order, squadron

D = district(
    "X",
    preferred_gain_attribute="presence",
    preferred_gain_skill="persuasion",
    preferred_gain_squadron_aptitude="social",
    preferred_monitor_attribute="intellect",
    preferred_monitor_skill="infiltration",
    preferred_monitor_squadron_aptitude="monitoring",
)
BOARD = make_board([D], factions=["A", "B"], influence={("X", "A"): 4})


def _hand_stream(seed: int, *parts: object) -> random.Random:
    """Recompute §9's stream from its definition, independently of bot.rules.rng."""
    import hashlib

    key = "|".join([str(seed), *map(str, parts)])
    return random.Random(int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big"))


def test_action_roll_matches_hand_computed_stream() -> None:
    piece = agent("x", "A", intellect=3, infiltration=2)
    for seed in (1, 99, 2**63 + 5):
        roll = roll_action(seed, 4, order(piece, "X"), piece, D, BOARD, 0)
        hand = _hand_stream(seed, 4, "roll", "agent:x")
        first, second = hand.randint(1, 20), hand.randint(1, 20)
        assert (roll.d20_first, roll.d20_second, roll.d20_kept) == (first, second, first)
        assert roll.total == first + 5


def test_secondary_and_initiate_streams_match_section_9() -> None:
    sq = squadron("s", "A", monitoring=2)
    sec = roll_secondary_monitoring(7, 2, sq, D, -1)
    hand = _hand_stream(7, 2, "secondary", "squadron:s")
    first, second = hand.randint(1, 20), hand.randint(1, 20)
    assert (sec.d20_first, sec.d20_second, sec.d20_kept) == (first, second, min(first, second))
    assert sec.total == min(first, second) + 2 - 1

    piece = agent("i", "A", finesse=3, infiltration=4)
    init = order(
        piece,
        "X",
        ActionType.INITIATE_CONFLICT,
        target_faction_id="B",
        dc=1,
        attribute="finesse",
        skill="infiltration",
    )
    result = roll_initiate(7, 2, init, piece, D, BOARD, 0)
    hand = _hand_stream(7, 2, "initiate", "agent:i")
    first, second = hand.randint(1, 20), hand.randint(1, 20)
    trigger = hand.random() < result.trigger_chance / 100
    assert result.roll.d20_first == first and result.roll.d20_second == second
    assert result.triggered is trigger


def test_example_1_and_3_totals() -> None:
    """Example 1 (monitor 12+3+2 = 17 → Good) and Example 3 (freeform 17+4+3 = 24 → success)."""
    monitor_piece = agent("m", "A", intellect=3, infiltration=2)
    seed = next(
        s for s in range(10_000) if rng.stream(s, 1, "roll", "agent:m").randint(1, 20) == 12
    )
    roll = roll_action(seed, 1, order(monitor_piece, "X"), monitor_piece, D, BOARD, 0)
    assert roll.total == 17 and roll.dc is None and roll.tier is None
    assert roll.monitoring_tier is MonitoringTier.GOOD

    free_piece = agent("f", "A", finesse=4, infiltration=3)
    seed = next(
        s for s in range(10_000) if rng.stream(s, 1, "roll", "agent:f").randint(1, 20) == 17
    )
    free = order(
        free_piece,
        "X",
        ActionType.FREEFORM,
        dc=16,
        attribute="finesse",
        skill="infiltration",
        description="steal the ledger",
    )
    roll = roll_action(seed, 1, free, free_piece, D, BOARD, 0)
    assert (roll.total, roll.dc, roll.tier) == (24, 16, Tier.SUCCESS)  # [D-34]
    assert action_tier(25, 16) is Tier.SUCCESS and action_tier(26, 16) is Tier.CRITICAL_SUCCESS


def test_stats_follow_preferences_overrides_and_required_choices() -> None:
    a = agent("a", "A")
    s = squadron("s", "A")
    assert resolve_stats(order(a, "X"), a, D).attribute == "intellect"
    assert resolve_stats(order(a, "X", ActionType.GAIN_INFLUENCE), a, D).skill == "persuasion"
    assert resolve_stats(order(s, "X", ActionType.TAKE_INFLUENCE), s, D).aptitude == "social"
    assert resolve_stats(order(s, "X"), s, D).aptitude == "monitoring"
    override = order(a, "X", ActionType.GAIN_INFLUENCE, attribute="might")
    assert resolve_stats(override, a, D).attribute == "might"
    with pytest.raises(InvalidOrder):
        resolve_stats(order(a, "X", ActionType.FREEFORM, dc=10, attribute="might"), a, D)
    with pytest.raises(InvalidOrder):
        resolve_stats(order(s, "X", ActionType.INITIATE_CONFLICT, dc=10), s, D)
    with pytest.raises(InvalidOrder):
        roll_action(
            1,
            1,
            order(a, "X", ActionType.FREEFORM, attribute="might", skill="arcana"),
            a,
            D,
            BOARD,
            0,
        )


def test_total_applies_manual_and_penalty_and_gain_dc() -> None:
    piece = squadron("s", "A", social=3)
    gain = order(piece, "X", ActionType.GAIN_INFLUENCE, manual_modifier=-4)
    roll = roll_action(5, 3, gain, piece, D, BOARD, -3)
    assert roll.total == roll.d20_kept + 3 - 4 - 3
    assert roll.dc == 11  # influence 4 -> +0
    assert roll.tier is not None and roll.enemy_penalty == -3 and roll.manual == -4


def test_advantage_disadvantage_and_cancel_keep_both_draws() -> None:
    piece = agent("a", "A")
    for seed in range(40):
        plain = roll_action(seed, 1, order(piece, "X"), piece, D, BOARD, 0)
        adv = roll_action(seed, 1, order(piece, "X", advantage=True), piece, D, BOARD, 0)
        dis = roll_action(seed, 1, order(piece, "X", disadvantage=True), piece, D, BOARD, 0)
        both = roll_action(
            seed, 1, order(piece, "X", advantage=True, disadvantage=True), piece, D, BOARD, 0
        )
        pair = (plain.d20_first, plain.d20_second)
        assert (adv.d20_first, adv.d20_second) == pair == (dis.d20_first, dis.d20_second)
        assert adv.d20_kept == max(pair) and dis.d20_kept == min(pair)
        assert both.d20_kept == plain.d20_kept == pair[0]


def test_conflict_penalty_recomputes_tiers() -> None:
    piece = agent("a", "A")
    base = roll_action(3, 1, order(piece, "X", ActionType.GAIN_INFLUENCE), piece, D, BOARD, 0)
    assert base.dc is not None
    edge = type(base)(**{**base.__dict__, "total": base.dc, "tier": Tier.SUCCESS})
    assert apply_conflict_penalty(edge, -2).tier is Tier.FAILURE
    assert apply_conflict_penalty(edge, 0).tier is Tier.SUCCESS
    sec = roll_secondary_monitoring(3, 1, squadron("s", "A", monitoring=0), D, 0)
    lowered = apply_conflict_penalty(sec, -2)
    assert lowered.total == sec.total - 2 and lowered.tier is None
    assert lowered.monitoring_tier is not None


def test_initiate_trigger_chances_95_and_70() -> None:
    """Statistical (§4.8): 5,000 rolls per tier, within 4 SE (a 3 pp error fails)."""
    piece = agent("i", "A", finesse=0, infiltration=0)
    n = 5000
    # DC −100: always critical. DC 21 with manual +10: totals 11..30, success on d20 ≥ 11.
    for dc, tier, percent in ((-100, Tier.CRITICAL_SUCCESS, 95), (21, Tier.SUCCESS, 70)):
        init = order(
            piece,
            "X",
            ActionType.INITIATE_CONFLICT,
            target_faction_id="B",
            dc=dc,
            attribute="finesse",
            skill="infiltration",
            manual_modifier=0 if dc < 0 else 10,
        )
        samples = hits = 0
        seed = 0
        while samples < n:
            result = roll_initiate(seed, 1, init, piece, D, BOARD, 0)
            seed += 1
            if result.roll.tier is not tier:
                assert result.trigger_chance == 0 and not result.triggered
                continue
            assert result.trigger_chance == percent
            samples += 1
            hits += result.triggered
        assert_rate(hits, n, percent / 100, f"trigger {percent}%")


def test_initiate_failure_never_triggers_and_draws_nothing_more() -> None:
    piece = agent("i", "A")
    init = order(
        piece,
        "X",
        ActionType.INITIATE_CONFLICT,
        target_faction_id="B",
        dc=30,
        attribute="finesse",
        skill="infiltration",
    )
    results = [roll_initiate(seed, 1, init, piece, D, BOARD, 0) for seed in range(200)]
    assert all(not r.triggered and r.trigger_chance == 0 for r in results)
