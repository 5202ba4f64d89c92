"""§6.7 rulings, and Examples 4 and 5 carried through rulings and phase 7.

Statistical checks (Example 5's 80% take): within 4 standard errors with n = 5,000,
so a 3-percentage-point error fails (tests/rules/helpers.assert_rate).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.rules import rng
from bot.rules.conflicts import detect_conflicts
from bot.rules.model import ActionType, MonitoringTier, Outcome, Tier, action_tier
from bot.rules.rolls import ActionRoll, order_dc, roll_action, roll_secondary_monitoring
from bot.rules.rulings import (
    EffectKind,
    InvalidRuling,
    PieceEffect,
    Ruling,
    SecondaryEffect,
    SpecialChoice,
    faction_outcomes,
    piece_effects,
    resolution_type,
    validate_ruling,
)
from bot.rules.turn import ConflictPhase, RollPhase, phase_action_resolution
from tests.rules.helpers import agent, assert_rate, district, make_board, order, squadron
from tests.rules.test_conflicts import example_4, example_4_seed


def recorded(roll: ActionRoll, total: int) -> ActionRoll:
    """The roll with the worked example's total (its d20 comes from a real stream)."""
    tier = None if roll.dc is None else action_tier(total, roll.dc)
    return replace(roll, total=total, tier=tier)


def test_example_4_ruling_and_effects() -> None:
    seed = example_4_seed()
    board, pieces, orders, detection = example_4(seed)
    a1, bx, by, c1 = pieces
    (conflict,) = detection.conflicts
    ruling = Ruling.winner(conflict, "A")
    assert resolution_type(conflict, ruling) == "win"
    assert faction_outcomes(conflict, ruling) == {
        "A": Outcome.WIN,
        "B": Outcome.LOSS,
        "C": Outcome.WIN,
    }
    effects = piece_effects(conflict, ruling)
    assert effects[a1.ref] == PieceEffect(EffectKind.PROCEED, 0, SecondaryEffect.NORMAL)
    assert (
        effects[bx.ref] == effects[by.ref] == PieceEffect(EffectKind.FAIL, 0, SecondaryEffect.NONE)
    )
    assert effects[c1.ref] == PieceEffect(EffectKind.FORFEIT, 0, SecondaryEffect.NORMAL)

    by_order = {o.piece: o for o in orders}
    by_piece = {p.ref: p for p in pieces}
    rolls = {a1.ref: detection.initiate_rolls[a1.ref].roll}
    for ref, total in ((bx.ref, 22), (by.ref, 15), (c1.ref, 13)):
        o = by_order[ref]
        rolls[ref] = recorded(
            roll_action(seed, 1, o, by_piece[ref], board.districts[o.district_id], board, 0),
            total,
        )
    assert rolls[bx.ref].monitoring_tier is MonitoringTier.VERY_GOOD
    assert (rolls[by.ref].dc, rolls[by.ref].tier) == (14, Tier.SUCCESS)
    assert rolls[c1.ref].tier is Tier.FAILURE
    # by (gain influence in Y) also monitors Y secondarily; losing suppresses it.
    secondary = {by.ref: roll_secondary_monitoring(seed, 1, by, board.districts["Y"], 0)}
    phase = ConflictPhase((), {}, detection)
    result = phase_action_resolution(
        seed, 1, board, orders, phase, RollPhase(rolls, secondary), {conflict.id: ruling}
    )
    assert result.secondary == {}  # no secondary monitoring for the losing side
    final = result.actions
    assert (final[a1.ref].status, final[a1.ref].tier) == ("applied", Tier.SUCCESS)
    assert final[bx.ref].status == "failed" and final[bx.ref].monitoring_tier is None
    assert (final[by.ref].status, final[by.ref].tier) == ("failed", Tier.FAILURE)
    assert final[c1.ref].status == "forfeited"
    assert result.influence.effects == () and dict(result.influence.influence) == {}


def example_5(a_likeability: int = -5):
    board = make_board(
        [district("Z")],
        influence={("Z", "A"): 3},
        likeability={("Z", "A"): a_likeability, ("Z", "D"): -3},
        rel={("A", "D"): -2},
    )
    a1 = agent("a1", "A")
    d1 = squadron("d1", "D")
    orders = [
        order(a1, "Z", ActionType.GAIN_INFLUENCE),
        order(d1, "Z", ActionType.TAKE_INFLUENCE, target_faction_id="A"),
    ]
    seed = next(
        s for s in range(1000) if rng.stream(s, 1, "relationship", "Z", "A", "D").random() < 0.4
    )
    detection = detect_conflicts(seed, 1, board, [a1, d1], orders, {}, set())
    rolls = {
        o.piece: recorded(roll_action(seed, 1, o, p, board.districts["Z"], board, 0), total)
        for o, p, total in ((orders[0], a1, 18), (orders[1], d1, 21))
    }
    return board, orders, detection, RollPhase(rolls, {}), (a1, d1)


def test_example_5_draw() -> None:
    board, orders, detection, rolls, (a1, d1) = example_5()
    assert [order_dc(o, board) for o in orders] == [15, 18]
    (conflict,) = detection.conflicts
    assert conflict.type.value == "relationship" and conflict.initiator == "A"
    ruling = Ruling.draw(conflict)
    assert resolution_type(conflict, ruling) == "draw"
    effects = piece_effects(conflict, ruling)
    assert {e.penalty for e in effects.values()} == {-2}
    phase = ConflictPhase((), {}, detection)
    n, d_takes = 5000, 0
    for seed in range(n):
        result = phase_action_resolution(
            seed, 1, board, orders, phase, rolls, {conflict.id: ruling}
        )
        final = result.actions
        assert (final[a1.ref].total, final[a1.ref].tier) == (16, Tier.SUCCESS)
        assert (final[d1.ref].total, final[d1.ref].tier) == (19, Tier.SUCCESS)
        assert final[a1.ref].conflict_penalty == final[d1.ref].conflict_penalty == -2
        d_effect = result.influence.effect_of(d1.ref)
        a_effect = result.influence.effect_of(a1.ref)
        assert (d_effect.applied_index, a_effect.applied_index) == (0, 1)
        assert a_effect.gained == 1
        d_takes += d_effect.gained
        expected_a = 3 - d_effect.target_lost + 1
        assert result.influence.influence[("Z", "A")] == expected_a
    assert_rate(d_takes, n, 0.8, "Example 5: D takes 1 from A")


def test_example_5_with_dc_17_draw_turns_success_into_failure() -> None:
    board, orders, detection, rolls, (a1, _) = example_5(a_likeability=-7)
    assert order_dc(orders[0], board) == 17
    (conflict,) = detection.conflicts
    result = phase_action_resolution(
        3,
        1,
        board,
        orders,
        ConflictPhase((), {}, detection),
        rolls,
        {conflict.id: Ruling.draw(conflict)},
    )
    assert result.actions[a1.ref].tier is Tier.FAILURE
    assert result.influence.effect_of(a1.ref).gained == 0


def _two_sided_conflict():
    board = make_board([district("X")], factions=["V"], rel={("C", "A"): 2})
    a, b, c = agent("a", "A"), squadron("b", "B"), squadron("c", "C")
    orders = [
        order(a, "X", ActionType.TAKE_INFLUENCE, target_faction_id="V"),
        order(b, "X", ActionType.TAKE_INFLUENCE, target_faction_id="V"),
        order(c, "X", ActionType.GAIN_INFLUENCE),
    ]
    (conflict,) = detect_conflicts(1, 1, board, [a, b, c], orders, {}, {("C", "A")}).conflicts
    return conflict, (a, b, c)


def test_resolution_types_and_supporter_shares_side() -> None:
    conflict, (a, b, c) = _two_sided_conflict()
    loss = Ruling({"A": Outcome.LOSS, "B": Outcome.WIN})
    assert resolution_type(conflict, loss) == "loss"
    effects = piece_effects(conflict, loss)
    assert effects[c.ref] == PieceEffect(EffectKind.FORFEIT, 0, SecondaryEffect.NONE)
    draw = Ruling.draw(conflict)
    assert piece_effects(conflict, draw)[c.ref] == PieceEffect(
        EffectKind.FORFEIT, -2, SecondaryEffect.PENALTY
    )
    mixed = Ruling({"A": Outcome.DRAW, "B": Outcome.LOSS})
    assert resolution_type(conflict, mixed) == "draw"
    special = Ruling(
        special={
            a.ref: SpecialChoice(True, -3),
            b.ref: SpecialChoice(False),
            c.ref: SpecialChoice(True),
        }
    )
    assert resolution_type(conflict, special) == "special"
    effects = piece_effects(conflict, special)
    assert effects[a.ref] == PieceEffect(EffectKind.PROCEED, -3, SecondaryEffect.PENALTY)
    assert effects[b.ref] == PieceEffect(EffectKind.FAIL, 0, SecondaryEffect.NONE)
    assert effects[c.ref] == PieceEffect(EffectKind.FORFEIT, 0, SecondaryEffect.NORMAL)
    assert faction_outcomes(conflict, special) == {"A": None, "B": None, "C": None}


@pytest.mark.parametrize(
    "ruling",
    [
        Ruling({"A": Outcome.WIN}),
        Ruling({"A": Outcome.WIN, "B": Outcome.LOSS, "C": Outcome.WIN}),
        Ruling({"A": Outcome.WIN, "B": "victory"}),  # type: ignore[dict-item]
        Ruling({"A": Outcome.WIN, "B": Outcome.LOSS}, special={}),
        Ruling(special={}),
    ],
)
def test_invalid_rulings_are_refused(ruling: Ruling) -> None:
    conflict, _ = _two_sided_conflict()
    with pytest.raises(InvalidRuling):
        validate_ruling(conflict, ruling)


def test_special_fail_with_penalty_is_refused() -> None:
    conflict, (a, b, c) = _two_sided_conflict()
    ruling = Ruling(
        special={
            a.ref: SpecialChoice(False, -2),
            b.ref: SpecialChoice(True),
            c.ref: SpecialChoice(True),
        }
    )
    with pytest.raises(InvalidRuling):
        validate_ruling(conflict, ruling)
