"""TurnService.advance: wait points, refusals, rulings (RULES.md §2.2, §2.3, §6.7)."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.rules import model as rm
from bot.rules.decay import resolve_decay
from bot.rules.model import Outcome, Phase
from bot.rules.rulings import Ruling
from bot.services import loader
from bot.services.errors import AdvanceBlocked, InvalidRequest, PhaseClosed
from bot.services.orders import OrderService
from bot.services.setup import SetupService
from bot.services.turn import TurnService
from db.database import Database
from tests.pipeline.conftest import CAMPAIGN_SEED, GM_CHANNEL
from tests.pipeline.helpers import (
    CONFLICT_ID,
    RULINGS,
    submit_conflict_turn,
    submit_quiet_turn,
)
from tests.services.conftest import SeededCampaign
from tests.services.conftest import dump as dump_all

AFTER_ORDERS = ("conflict_detection", "action_roll")
AFTER_RULINGS = (
    "action_resolution",
    "random_walk",
    "monitoring",
    "passive_monitoring",
    "rumor_dc_update",
    "map_update",
    "turn_completion",
    "preparation",
    "influence_decay",
)


def backups_of(turns: TurnService) -> list[Path]:
    assert turns.backups_dir is not None
    return sorted(turns.backups_dir.glob("*.sqlite3")) if turns.backups_dir.exists() else []


# -- wait points ------------------------------------------------------------------------------


async def test_first_advance_of_a_new_campaign_runs_decay_and_opens_orders(
    fresh: SeededCampaign, orders: OrderService, turns: TurnService
) -> None:
    db = fresh.db
    with pytest.raises(PhaseClosed, match="Orders are closed"):
        await orders.submit(fresh.grey, "agent", "a-grey-1", "monitor", "palace")
    async with db.read() as uow:
        start = await loader.load_board(uow)
    expected = resolve_decay(CAMPAIGN_SEED, 1, start).changes

    result = await turns.advance("gm-1")

    assert result.phases_run == ("preparation", "influence_decay")
    assert (result.turn, result.phase, result.from_phase) == (
        1,
        Phase.ASSIGNMENT,
        Phase.PREPARATION,
    )
    assert result.orders_opened and result.completed_turn is None and result.waiting_for == "orders"
    async with db.read() as uow:
        decay = {
            (d.district_id, d.faction_id): d.influence_change
            for d in await uow.history.decay_for_turn(1)
        }
        now = await loader.load_board(uow)
        start_snapshot = {
            (s.district_id, s.faction_id): s.value for s in await uow.history.snapshots(turn=0)
        }
        last = await uow.turns.last_advance()
    assert decay == dict(expected)
    for key, value in start.influence.items():
        assert now.influence_of(*key) == value + expected.get(key, 0)
        assert start_snapshot[key] == value  # turn 0 = the starting state (§8.11)
    assert last is not None and (last.status, last.from_phase, last.to_turn, last.to_phase) == (
        "done",
        "preparation",
        1,
        "assignment",
    )
    assert [(e.phase, e.action_description) for e in result.history][0] == (
        "preparation",
        "Turn 1 begins",
    )
    # Orders are open now.
    submitted = await orders.submit(fresh.grey, "agent", "a-grey-1", "monitor", "palace")
    assert submitted.order.turn_number == 1


async def test_an_advance_with_a_conflict_stops_for_the_gms_rulings(
    campaign: SeededCampaign, orders: OrderService, turns: TurnService
) -> None:
    await submit_conflict_turn(orders, campaign)
    result = await turns.advance("gm-1")

    assert result.phases_run == AFTER_ORDERS
    assert (result.turn, result.phase, result.conflicts) == (1, Phase.CONFLICT_RESOLUTION, 1)
    assert result.waiting_for == "the GM's conflict rulings" and not result.orders_opened
    status = await turns.status()
    assert (status.phase, status.pending_conflicts) == (Phase.CONFLICT_RESOLUTION, 1)

    [view] = await turns.conflicts()
    assert (view["id"], view["district_id"], view["type"], view["status"]) == (
        CONFLICT_ID,
        "market",
        "target",
        "pending",
    )
    assert [(f["faction_id"], f["role"], f["outcome"]) for f in view["factions"]] == [
        ("green", "initiator", None),
        ("red", "target", None),
    ]
    pieces = {p["piece"]: p for p in view["pieces"]}
    assert {
        k: (p["participation"], p["action"], p["target_faction_id"]) for k, p in pieces.items()
    } == {
        "agent:a-green-1": ("direct", "take_influence", "blue"),
        "agent:a-red-2": ("direct", "take_influence", "blue"),
        "squadron:s-red-1": ("adjacent", "monitor", None),
    }
    # §4.3/§4.4 by hand. red in market: 11 - 0 (likeability) + 1 (influence 1) - 1 (weekly)
    # = 11, take from blue (+2 allies): 11 + 3 + 2 = 16. green: influence 0 -> +3: 13, and
    # rel(green, blue) = -1: 13 + 3 - 1 = 15.
    assert (pieces["agent:a-red-2"]["dc"], pieces["agent:a-green-1"]["dc"]) == (16, 15)
    assert pieces["agent:a-red-2"]["tier"] == "success"  # total == DC
    assert pieces["agent:a-green-1"]["tier"] == "failure"
    async with campaign.db.read() as uow:
        rows = [r for r in await uow.outbox.for_turn(1) if r.kind == "conflict_report"]
    assert [(r.recipient_type, r.recipient_id, r.faction_id) for r in rows] == [
        ("channel", GM_CHANNEL, None)
    ]
    assert rows[0].payload["conflicts"] == [view]
    with pytest.raises(PhaseClosed):
        await orders.submit(campaign.grey, "agent", "a-grey-1", "monitor", "market")


async def test_an_advance_without_conflict_runs_to_the_next_turns_orders(
    campaign: SeededCampaign, orders: OrderService, turns: TurnService
) -> None:
    await submit_quiet_turn(orders, campaign)
    result = await turns.advance("gm-1")

    assert result.phases_run == AFTER_ORDERS + AFTER_RULINGS
    assert (result.turn, result.phase, result.conflicts) == (2, Phase.ASSIGNMENT, 0)
    assert result.completed_turn == 1 and result.orders_opened
    assert result.deliveries == 6  # red x2 members, blue, green, grey, GM summary
    assert {e.phase for e in result.history} == set(result.phases_run)
    status = await turns.status()
    assert (status.turn, status.phase) == (2, Phase.ASSIGNMENT)
    # The new turn's orders are open, the old turn's stay as they were resolved.
    await orders.submit(campaign.grey, "agent", "a-grey-1", "monitor", "palace")


async def test_an_advance_from_the_conflict_wait_runs_to_the_next_turns_orders(
    campaign: SeededCampaign, orders: OrderService, turns: TurnService
) -> None:
    await submit_conflict_turn(orders, campaign)
    await turns.advance("gm-1")
    await turns.rule(CONFLICT_ID, RULINGS["draw"], "gm-1")
    result = await turns.advance("gm-1")
    assert result.phases_run == AFTER_RULINGS
    assert (result.turn, result.phase, result.from_phase) == (
        2,
        Phase.ASSIGNMENT,
        Phase.CONFLICT_RESOLUTION,
    )


# -- orders waiting for a DC ------------------------------------------------------------------


async def _freeform_orders(orders: OrderService, c: SeededCampaign) -> None:
    await orders.submit(
        c.blue, "agent", "a-blue-1", "freeform", "temple",
        description="Bribe the acolytes", attribute="presence", skill="persuasion",
    )  # fmt: skip
    await orders.submit(
        c.red, "squadron", "s-red-1", "initiate_conflict", "docks", target_faction_id="green",
        description="Burn the green warehouses", aptitude="combat",
    )  # fmt: skip


async def test_closing_orders_is_refused_while_an_order_lacks_a_dc(
    campaign: SeededCampaign, orders: OrderService, turns: TurnService
) -> None:
    await _freeform_orders(orders, campaign)
    await submit_quiet_turn(orders, campaign)
    before = await dump_all(campaign.db)

    with pytest.raises(AdvanceBlocked) as refused:
        await turns.advance("gm-1")

    assert refused.value.items == (
        "agent a-blue-1 (freeform)",
        "squadron s-red-1 (initiate_conflict)",
    )
    assert (
        "agent a-blue-1 (freeform), squadron s-red-1 (initiate_conflict)" in refused.value.message
    )
    assert await dump_all(campaign.db) == before
    assert backups_of(turns) == []
    with pytest.raises(AdvanceBlocked):
        await turns.preview("gm-1")

    await orders.set_dc(campaign.gm, "agent", "a-blue-1", 12)
    with pytest.raises(AdvanceBlocked) as still:
        await turns.advance("gm-1")
    assert still.value.items == ("squadron s-red-1 (initiate_conflict)",)
    await orders.set_dc(campaign.gm, "squadron", "s-red-1", 14)
    result = await turns.advance("gm-1")
    assert result.phases_run[0] == "conflict_detection"


def _after_first_read(db: Database, action) -> None:
    """Run ``action`` right after the next read snapshot closes: between the advance's
    cheap check and its closing transaction, where a player's command could land."""
    original = db.read
    fired = False

    @asynccontextmanager
    async def read():
        nonlocal fired
        async with original() as uow:
            yield uow
        if not fired:
            fired = True
            await action()

    db.read = read  # type: ignore[method-assign]


@pytest.mark.parametrize("late", ["new order", "dc cleared"])
async def test_the_dc_check_runs_in_the_transaction_that_closes_orders(
    late: str, campaign: SeededCampaign, orders: OrderService, turns: TurnService
) -> None:
    await submit_quiet_turn(orders, campaign)
    if late == "dc cleared":
        await _freeform_orders(orders, campaign)
        await orders.set_dc(campaign.gm, "agent", "a-blue-1", 12)
        await orders.set_dc(campaign.gm, "squadron", "s-red-1", 14)

    async def player_command() -> None:
        # A resubmitted order is a new order: the GM's DC is gone (OrderService notes it).
        await orders.submit(
            campaign.blue, "agent", "a-blue-1", "freeform", "temple",
            description="Bribe the acolytes again", attribute="presence", skill="persuasion",
        )  # fmt: skip

    _after_first_read(campaign.db, player_command)
    with pytest.raises(AdvanceBlocked) as refused:
        await turns.advance("gm-1")
    assert refused.value.items == ("agent a-blue-1 (freeform)",)
    async with campaign.db.read() as uow:
        game = await uow.game.get()
        assert (game.turn, game.phase) == (1, "assignment")
        assert await uow.turns.last_advance() is None
        assert await uow.conflicts.list_for_turn(1) == []
        order = await uow.orders.get_for_piece(1, "agent", "a-blue-1")
        assert (order.description, order.dc, order.roll_result) == (
            "Bribe the acolytes again",
            None,
            None,
        )
    assert backups_of(turns) == []


# -- rulings ------------------------------------------------------------------------------------


async def test_continuing_is_refused_while_a_conflict_is_unruled(
    campaign: SeededCampaign, orders: OrderService, turns: TurnService
) -> None:
    await submit_conflict_turn(orders, campaign)
    await turns.advance("gm-1")
    before = await dump_all(campaign.db)
    with pytest.raises(AdvanceBlocked) as refused:
        await turns.advance("gm-1")
    assert refused.value.items == (CONFLICT_ID,)
    assert CONFLICT_ID in refused.value.message
    assert await dump_all(campaign.db) == before


async def test_a_ruling_can_change_until_the_turn_continues(
    campaign: SeededCampaign, orders: OrderService, turns: TurnService
) -> None:
    await submit_conflict_turn(orders, campaign)
    await turns.advance("gm-1")

    first = await turns.rule(CONFLICT_ID, RULINGS["loss"], "gm-1")
    assert first.resolution is not None and first.resolution.resolution_type == "loss"
    assert {f.faction_id: f.outcome for f in first.factions} == {"green": "loss", "red": "win"}
    changed = await turns.rule(CONFLICT_ID, RULINGS["draw"], "gm-2")
    assert changed.resolution is not None
    assert (changed.resolution.resolution_type, changed.resolution.resolved_by) == ("draw", "gm-2")
    assert {p.piece_id: p.conflict_penalty for p in changed.pieces} == {
        "a-green-1": -2,
        "a-red-2": -2,
        "s-red-1": -2,
    }
    [view] = await turns.conflicts()
    assert view["status"] == "resolved" and view["resolution"]["notes"] == "a brawl, no winner"
    async with campaign.db.read() as uow:
        lines = [
            (e.action_description, e.result_description)
            for e in await uow.history.for_turn(1, "conflict_resolution")
        ]
    assert lines == [
        (
            "Ruling recorded on conflict T1-market-1 in Market",
            "Green Hands loss, Red Company win (GM gm-1) — red drives them out",
        ),
        (
            "Ruling changed on conflict T1-market-1 in Market",
            "Green Hands draw, Red Company draw (GM gm-2) — a brawl, no winner",
        ),
    ]

    await turns.advance("gm-1")
    with pytest.raises(PhaseClosed, match="only be ruled while the turn waits"):
        await turns.rule(CONFLICT_ID, RULINGS["win"], "gm-1")
    async with campaign.db.read() as uow:
        red = await uow.orders.get_for_piece(1, "agent", "a-red-2")
    assert (red.final_total, red.outcome_tier) == (red.roll_result - 2, "failure")  # the draw won


async def test_a_ruling_must_fit_its_conflict(
    campaign: SeededCampaign, orders: OrderService, turns: TurnService
) -> None:
    await submit_conflict_turn(orders, campaign)
    await turns.advance("gm-1")
    before = await dump_all(campaign.db)
    with pytest.raises(
        InvalidRequest, match="No conflict 'T1-docks-1' this turn. Known: T1-market-1"
    ):
        await turns.rule("T1-docks-1", RULINGS["draw"], "gm-1")
    with pytest.raises(InvalidRequest, match="does not fit conflict T1-market-1"):
        await turns.rule(CONFLICT_ID, Ruling({"red": Outcome.WIN}), "gm-1")
    assert await dump_all(campaign.db) == before


async def _ruled_turn(
    c: SeededCampaign, orders: OrderService, turns: TurnService, kind: str
) -> dict:
    await submit_conflict_turn(orders, c)
    await turns.advance("gm-1")
    await turns.rule(CONFLICT_ID, RULINGS[kind], "gm-1")
    await turns.advance("gm-1")
    async with c.db.read() as uow:
        acts = {o.piece_id: o for o in await uow.orders.list_for_turn(1)}
        [conflict] = await uow.conflicts.list_for_turn(1)
        end = {(s.district_id, s.faction_id): s.value for s in await uow.history.snapshots(turn=1)}
        reports = {(r.faction_id, r.district_id) for r in await uow.reports.for_turn(1)}
        sources = {(s.source_id, s.district_id) for s in await uow.turns.sources(1)}
    return {"acts": acts, "conflict": conflict, "end": end, "reports": reports, "sources": sources}


@pytest.mark.parametrize("kind", ["win", "loss", "draw", "special"])
async def test_each_ruling_applies_its_effects(
    kind: str, campaign: SeededCampaign, orders: OrderService, turns: TurnService
) -> None:
    out = await _ruled_turn(campaign, orders, turns, kind)
    acts, conflict = out["acts"], out["conflict"]
    red, green = acts["a-red-2"], acts["a-green-1"]
    assert conflict.resolution is not None
    outcomes = {f.faction_id: f.outcome for f in conflict.factions}
    penalties = {p.piece_id: (p.conflict_penalty, p.ruling) for p in conflict.pieces}
    red_scout_reports = ("red", "slums") in out["reports"]
    if kind == "win":  # green (the initiator) wins: red's pieces fail
        assert conflict.resolution.resolution_type == "win"
        assert outcomes == {"green": "win", "red": "loss"}
        assert (red.final_total, red.outcome_tier) == (red.roll_result, "failure")
        assert (green.final_total, green.outcome_tier) == (green.roll_result, "failure")
        assert not red_scout_reports  # a loss gives no monitoring report [D-37]
    elif kind == "loss":  # red wins: its take stands with its recorded total
        assert conflict.resolution.resolution_type == "loss"
        assert outcomes == {"green": "loss", "red": "win"}
        assert (red.final_total, red.outcome_tier) == (red.roll_result, "success")
        assert (red.influence_gained, red.target_lost) == (1, 1)  # this seed: the 80% branch
        assert red_scout_reports and ("squadron:s-red-1", "slums") in out["sources"]
    elif kind == "draw":
        assert conflict.resolution.resolution_type == "draw"
        assert outcomes == {"green": "draw", "red": "draw"}
        assert penalties == {"a-green-1": (-2, None), "a-red-2": (-2, None), "s-red-1": (-2, None)}
        assert (red.final_total, red.outcome_tier) == (red.roll_result - 2, "failure")
        assert green.final_total == green.roll_result - 2
        scout = acts["s-red-1"]
        assert scout.final_total == scout.roll_result - 2  # the draw hits monitoring too
        assert red_scout_reports
    else:
        assert conflict.resolution.resolution_type == "special"
        assert outcomes == {"green": None, "red": None}
        assert penalties == {
            "a-green-1": (0, "proceed"),
            "a-red-2": (-3, "proceed"),
            "s-red-1": (0, "fail"),
        }
        assert (red.final_total, red.outcome_tier) == (red.roll_result - 3, "failure")
        assert (green.final_total, green.outcome_tier) == (green.roll_result, "failure")
        assert not red_scout_reports
    # Only a red win can move influence in the market; every move is the recorded effect.
    if kind != "loss":
        assert (red.influence_gained, red.target_lost) == (0, 0)
    assert (green.influence_gained, green.target_lost) == (0, 0)
    assert out["end"].get(("market", "red"), 0) == 1 + red.influence_gained - red.influence_lost
    assert out["end"].get(("market", "blue"), 0) == 4 - red.target_lost + red.target_gained
    assert out["end"].get(("market", "green"), 0) == 0


async def test_an_unseeded_campaign_cannot_advance(db: Database, turns: TurnService) -> None:
    async with db.transaction() as uow:
        await uow.game.initialise("No seed")
    with pytest.raises(InvalidRequest, match="no RNG seed"):
        await turns.advance("gm-1")
    async with db.read() as uow:
        assert (await uow.game.get()).phase == rm.Phase.PREPARATION
        assert await uow.turns.last_advance() is None


async def test_gain_order_made_impossible_by_a_gm_edit_blocks_the_close(
    campaign: SeededCampaign,
) -> None:
    """D-47: a faction at 10 cannot gain or take there; an edit after ordering is caught at
    the close (named, nothing written) instead of crashing phase 5."""
    setup = SetupService(campaign.db)
    await OrderService(campaign.db).submit(
        campaign.red, "agent", "a-red-1", "gain_influence", "market"
    )
    await setup.set_influence(campaign.gm, "market", "blue", 0)
    await setup.set_influence(campaign.gm, "market", "red", 10)
    service = TurnService(campaign.db)
    before = await dump_all(campaign.db)
    with pytest.raises(AdvanceBlocked, match=r"agent a-red-1 \(gain_influence in market\)"):
        await service.advance("gm")
    assert await dump_all(campaign.db) == before
    await setup.set_influence(campaign.gm, "market", "red", 9)
    assert (await service.advance("gm")).turn == 2
