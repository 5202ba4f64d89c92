"""Phases 4–8 chained: penalties reach every roll, secondary monitoring, rulings, walk."""

from __future__ import annotations

from bot.rules.model import ActionType, Outcome, PieceType
from bot.rules.rulings import Ruling
from bot.rules.turn import resolve_phases_4_to_8
from tests.rules.helpers import agent, district, make_board, order, squadron


def _setup():
    board = make_board(
        [district("X", adjacent=["Y"], weekly_modifier=2), district("Y", adjacent=["X"])],
        factions=["V"],
        influence={("X", "V"): 5, ("X", "A"): 2},
        rel={("A", "B"): -2},
    )
    a_agent = agent("a1", "A", presence=2, persuasion=2)
    a_squad = squadron("a2", "A", mobility=3, social=2, monitoring=1)
    b_agent = agent("b1", "B")
    b_squad = squadron("b2", "B", mobility=1, monitoring=3)
    idle = squadron("idle", "B", mobility=5)
    pieces = [a_agent, a_squad, b_agent, b_squad, idle]
    orders = [
        order(a_agent, "X", ActionType.GAIN_INFLUENCE),
        order(a_squad, "Y", ActionType.TAKE_INFLUENCE, target_faction_id="V"),
        order(
            b_agent,
            "X",
            ActionType.INITIATE_CONFLICT,
            target_faction_id="A",
            dc=5,
            attribute="might",
            skill="combat",
            description="raid",
        ),
        order(b_squad, "X"),
    ]
    return board, pieces, orders


def _loser_b(conflict):
    return Ruling({f: Outcome.LOSS if f == "B" else Outcome.WIN for f in conflict.principals})


def test_penalties_feed_rolls_and_secondary_monitoring() -> None:
    board, pieces, orders = _setup()
    result = resolve_phases_4_to_8(11, 2, board, pieces, orders, set(), _loser_b)
    totals = result.conflict_phase.penalty_totals
    rolls = result.roll_phase.action_rolls
    assert set(rolls) == {o.piece for o in orders}  # the idle squadron is off the board
    for ref, roll in rolls.items():
        assert roll.enemy_penalty == totals.get(ref, 0)
        assert roll.total == roll.d20_kept + roll.stat_bonus + roll.manual + roll.enemy_penalty
    # b1 is an agent of B in X: its one target is a1 (agents prefer agents), −4.
    assert any(
        a.source.id == "b1" and a.target.id == "a1" and a.value == -4
        for a in result.conflict_phase.penalties
    )
    initiate = result.conflict_phase.detection.initiate_rolls
    b1 = pieces[2].ref
    assert rolls[b1] is initiate[b1].roll  # rolled once, in phase 4
    # secondary monitoring only for squadrons with a non-monitor order
    assert set(result.roll_phase.secondary_rolls) == {pieces[1].ref}
    assert result.roll_phase.secondary_rolls[pieces[1].ref].enemy_penalty == totals.get(
        pieces[1].ref, 0
    )
    assert [s.district_id for s in result.walk] == ["X", "Y"]
    assert result.walk[0].previous == 2


def test_losing_side_fails_and_winning_side_applies() -> None:
    board, pieces, orders = _setup()
    seen_conflicts = 0
    for seed in range(40):
        result = resolve_phases_4_to_8(seed, 2, board, pieces, orders, set(), _loser_b)
        detection = result.conflict_phase.detection
        seen_conflicts += len(detection.conflicts)
        finals = result.resolution_phase.actions
        in_conflict = detection.conflict_of()
        for ref, final in finals.items():
            if ref not in in_conflict:
                assert final.status == "applied" and final.conflict_penalty == 0
                continue
            faction = next(o.faction_id for o in orders if o.piece == ref)
            assert final.status == ("failed" if faction == "B" else "applied")
        for ref in result.resolution_phase.secondary:
            assert ref.type is PieceType.SQUADRON
            assert next(o.faction_id for o in orders if o.piece == ref) != "B" or (
                ref not in in_conflict
            )
        applied = {e.ref for e in result.resolution_phase.influence.effects}
        expected = {
            ref
            for ref, f in finals.items()
            if f.status == "applied"
            and f.action in (ActionType.GAIN_INFLUENCE, ActionType.TAKE_INFLUENCE)
        }
        assert applied == expected
    assert seen_conflicts >= 10
