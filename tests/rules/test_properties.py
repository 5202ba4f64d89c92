"""Hypothesis properties: bounds, input-order independence, determinism, conflict membership."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.rules.conflicts import Conflict
from bot.rules.decay import resolve_decay
from bot.rules.influence import InfluenceAction, resolve_influence_actions
from bot.rules.model import (
    APTITUDES,
    ATTRIBUTES,
    SKILLS,
    ActionType,
    Board,
    Outcome,
    Tier,
)
from bot.rules.rulings import Ruling
from bot.rules.turn import resolve_phases_4_to_8
from tests.rules.helpers import agent, district, make_board, order, squadron

FACTIONS = ["A", "B", "C", "D"]
DISTRICTS = ["d1", "d2", "d3", "d4"]
SETTINGS = settings(max_examples=60, deadline=None)


@st.composite
def boards(draw: st.DrawFn) -> Board:
    districts = [
        district(
            d,
            adjacent=[DISTRICTS[j] for j in (i - 1, i + 1) if 0 <= j < len(DISTRICTS)],
            weekly_modifier=draw(st.integers(-2, 2)),
        )
        for i, d in enumerate(DISTRICTS)
    ]
    influence: dict[tuple[str, str], int] = {}
    for d in DISTRICTS:
        room = 10
        for f in FACTIONS:
            value = draw(st.integers(0, room))
            room -= value
            influence[(d, f)] = value
    strongholds = draw(st.sets(st.sampled_from([(d, f) for d in DISTRICTS for f in FACTIONS])))
    rel = {
        (a, b): draw(st.integers(-2, 2)) for i, a in enumerate(FACTIONS) for b in FACTIONS[i + 1 :]
    }
    likeability = {(d, f): draw(st.integers(-5, 5)) for d in DISTRICTS for f in FACTIONS}
    return make_board(districts, FACTIONS, influence, strongholds, likeability, rel)


@st.composite
def turns(draw: st.DrawFn):
    board = draw(boards())
    pieces, orders = [], []
    for n in range(draw(st.integers(0, 24))):
        faction = draw(st.sampled_from(FACTIONS))
        where = draw(st.sampled_from(DISTRICTS))
        if draw(st.booleans()):
            piece = agent(f"a{n}", faction, **{ATTRIBUTES[n % 5]: n % 6, SKILLS[n % 7]: 2})
        else:
            piece = squadron(
                f"s{n}", faction, mobility=draw(st.integers(0, 5)), **{APTITUDES[n % 8]: n % 5}
            )
        pieces.append(piece)
        action = draw(st.sampled_from(list(ActionType)))
        if action in (ActionType.GAIN_INFLUENCE, ActionType.TAKE_INFLUENCE) and (
            board.influence_of(where, faction) == 10
        ):
            action = ActionType.MONITOR
        target = draw(st.sampled_from([f for f in FACTIONS if f != faction]))
        gm = action in (ActionType.FREEFORM, ActionType.INITIATE_CONFLICT)
        is_agent = piece.ref.type.value == "agent"
        orders.append(
            order(
                piece,
                where,
                action,
                target_faction_id=None if action is ActionType.GAIN_INFLUENCE else target,
                dc=draw(st.integers(5, 30)) if gm else None,
                attribute="might" if gm and is_agent else None,
                skill="combat" if gm and is_agent else None,
                aptitude="combat" if gm and not is_agent else None,
                manual_modifier=draw(st.integers(-10, 10)),
                advantage=draw(st.booleans()),
            )
        )
    support = draw(st.sets(st.tuples(st.sampled_from(FACTIONS), st.sampled_from(FACTIONS))))
    seed = draw(st.integers(0, 2**64 - 1))
    return seed, board, pieces, orders, support


def ruling_for(conflict: Conflict) -> Ruling:
    kind = sum(map(ord, conflict.id)) % 3
    if kind == 0:
        return Ruling.draw(conflict)
    return Ruling.winner(conflict, conflict.principals[kind - 1])


def assert_bounded(influence) -> None:
    totals: Counter = Counter()
    for (d, _), value in influence.items():
        assert 0 <= value <= 10
        totals[d] += value
    assert all(total <= 10 for total in totals.values())


@SETTINGS
@given(boards(), st.integers(0, 2**64 - 1), st.integers(1, 50))
def test_decay_keeps_influence_bounded(board: Board, seed: int, turn: int) -> None:
    result = resolve_decay(seed, turn, board)
    assert all(-2 <= delta < 0 for delta in result.changes.values())
    assert_bounded(result.apply(board.influence))
    assert result == resolve_decay(seed, turn, board)


@SETTINGS
@given(
    boards(),
    st.integers(0, 2**64 - 1),
    st.lists(
        st.tuples(
            st.sampled_from(DISTRICTS),
            st.sampled_from(FACTIONS),
            st.booleans(),
            st.sampled_from(list(Tier)),
            st.integers(-10, 40),
            st.sampled_from(FACTIONS),
        ),
        max_size=25,
    ),
    st.randoms(use_true_random=False),
)
def test_influence_actions_bounded_and_order_independent(board, seed, raw, shuffler) -> None:
    actions = [
        InfluenceAction(
            agent(f"p{i}", f).ref,
            f,
            d,
            ActionType.TAKE_INFLUENCE if take and t != f else ActionType.GAIN_INFLUENCE,
            tier,
            total,
            t if take and t != f else None,
        )
        for i, (d, f, take, tier, total, t) in enumerate(raw)
    ]
    result = resolve_influence_actions(seed, 3, board, actions)
    assert_bounded(result.influence)
    shuffled = list(actions)
    shuffler.shuffle(shuffled)
    assert resolve_influence_actions(seed, 3, board, shuffled) == result


@SETTINGS
@given(turns(), st.randoms(use_true_random=False))
def test_turn_is_deterministic_and_input_order_free(turn_data, shuffler) -> None:
    seed, board, pieces, orders, support = turn_data
    result = resolve_phases_4_to_8(seed, 5, board, pieces, orders, support, ruling_for)
    again = resolve_phases_4_to_8(seed, 5, board, pieces, orders, support, ruling_for)
    assert result == again
    pieces2, orders2, support2 = list(pieces), list(orders), list(support)
    for items in (pieces2, orders2, support2):
        shuffler.shuffle(items)
    assert resolve_phases_4_to_8(seed, 5, board, pieces2, orders2, support2, ruling_for) == result
    assert_bounded(result.resolution_phase.influence.influence)

    detection = result.conflict_phase.detection
    memberships = Counter(p.ref for c in detection.conflicts for p in c.pieces)
    assert all(count == 1 for count in memberships.values())  # no piece in two conflicts
    for conflict in detection.conflicts:
        principals = set(conflict.principals)
        for member in conflict.pieces:
            if member.backs_faction is not None:
                assert member.backs_faction in principals
                assert member.faction_id not in principals
                assert (member.faction_id, member.backs_faction) in support
                assert board.rel(member.faction_id, member.backs_faction) == 2
            assert member.ref in {o.piece for o in orders}
        ruling = result.rulings[conflict.id]
        for member in conflict.pieces:
            final = result.resolution_phase.actions[member.ref]
            side = ruling.outcomes[conflict.side_of(member.faction_id)]
            if member.backs_faction is not None:
                assert final.status == "forfeited"
            elif side is Outcome.LOSS:
                assert final.status == "failed"
            else:
                assert final.conflict_penalty == (-2 if side is Outcome.DRAW else 0)
