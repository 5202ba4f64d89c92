"""OrderService: submitting, replacing, cancelling and listing orders; GM adjustments."""

from __future__ import annotations

from typing import Any

import pytest

from bot.services.errors import InvalidRequest, NotAllowed, PhaseClosed, ServiceError
from bot.services.orders import DC_AWAITING, DC_ESTIMATED, DC_NONE, OrderService
from db.database import Database
from tests.services.conftest import SeededCampaign, dump

ORDER_TABLES = ("actions", "agents", "squadrons", "faction_support_status")


@pytest.fixture
def svc(campaign: SeededCampaign) -> OrderService:
    return OrderService(campaign.db)


async def _piece_row(db: Database, table: str, piece_id: str) -> tuple[str | None, str | None]:
    async with db.read() as uow:
        row = await uow.sql.fetchone(
            f"SELECT district_id, assignment FROM {table} WHERE id=?", (piece_id,)
        )
    return row[0], row[1]


async def _set_phase(db: Database, phase: str) -> None:
    async with db.transaction() as uow:
        await uow.game.set_phase(1, phase)


# -- submit: happy paths -----------------------------------------------------------------------


async def test_gain_records_preferences_dc_and_moves_piece(
    campaign: SeededCampaign, svc: OrderService
) -> None:
    result = await svc.submit(campaign.red, "agent", "a-red-1", "gain_influence", "docks")
    # Example-6 shape: 11 - likeability 2 + influence_mod(3) -1 + stronghold -2 + weekly +1.
    assert (result.dc, result.dc_status, result.weekly_modifier) == (7, DC_ESTIMATED, 1)
    assert result.dc_without_weekly == 6
    assert (result.attribute, result.skill, result.aptitude) == ("presence", "persuasion", None)
    assert result.order.faction_id == "red" and result.order.dc is None
    assert (result.order.attribute_used, result.order.skill_used) == ("presence", "persuasion")
    assert result.replaced is None
    assert await _piece_row(campaign.db, "agents", "a-red-1") == ("docks", "gain_influence")
    assert (result.piece.district_id, result.piece.assignment) == ("docks", "gain_influence")


async def test_take_dc_includes_relationship(campaign: SeededCampaign, svc: OrderService) -> None:
    result = await svc.submit(
        campaign.red, "agent", "a-red-2", "take_influence", "docks", target_faction_id="green"
    )
    assert result.dc == 7 + 3 - 2  # hot war with green
    ally = await svc.submit(
        campaign.red, "agent", "a-red-2", "take_influence", "market", target_faction_id="blue"
    )
    # market: likeability 0, influence 1 -> +1, weekly -1: gain 11; take +3 +2 (allied).
    assert ally.dc == 11 + 3 + 2


async def test_squadron_monitor_uses_district_aptitude(
    campaign: SeededCampaign, svc: OrderService
) -> None:
    result = await svc.submit(campaign.red, "squadron", "s-red-1", "monitor", "slums")
    assert (result.dc, result.dc_status) == (None, DC_NONE)
    assert (result.attribute, result.skill, result.aptitude) == (None, None, "monitoring")
    gain = await svc.submit(campaign.red, "squadron", "s-red-1", "gain_influence", "docks")
    assert gain.order.aptitude_used == "labor"


async def test_freeform_awaits_gm_dc_and_target_is_optional(
    campaign: SeededCampaign, svc: OrderService
) -> None:
    plain = await svc.submit(
        campaign.blue,
        "agent",
        "a-blue-1",
        "freeform",
        "temple",
        description="Bribe the priests",
        attribute="presence",
        skill="persuasion",
    )
    assert (plain.dc, plain.dc_status) == (None, DC_AWAITING)
    assert plain.order.target_faction_id is None
    assert any("GM still has to set" in n for n in plain.notes)
    squad = await svc.submit(
        campaign.blue,
        "squadron",
        "s-blue-1",
        "initiate_conflict",
        "temple",
        target_faction_id="green",
        description="Break their shrine",
        aptitude="combat",
    )
    assert squad.order.aptitude_used == "combat" and squad.order.target_faction_id == "green"


async def test_gm_may_order_any_piece_and_override_stats(
    campaign: SeededCampaign, svc: OrderService
) -> None:
    result = await svc.submit(
        campaign.gm, "agent", "a-green-1", "monitor", "docks", attribute="finesse"
    )
    assert result.order.faction_id == "green"
    assert (result.attribute, result.skill) == ("finesse", "streetwise")


async def test_player_may_restate_the_district_preference(
    campaign: SeededCampaign, svc: OrderService
) -> None:
    result = await svc.submit(
        campaign.red, "agent", "a-red-1", "monitor", "docks", attribute="intellect"
    )
    assert result.attribute == "intellect"


async def test_resubmit_replaces_and_resets_gm_fields(
    campaign: SeededCampaign, svc: OrderService
) -> None:
    first = await svc.submit(
        campaign.red,
        "agent",
        "a-red-1",
        "freeform",
        "docks",
        description="Scout",
        attribute="intellect",
        skill="infiltration",
    )
    await svc.set_dc(campaign.gm, "agent", "a-red-1", 15)
    await svc.set_manual_modifier(campaign.gm, "agent", "a-red-1", 2)
    await svc.set_flags(campaign.gm, "agent", "a-red-1", True, False)
    second = await svc.submit(campaign.red, "agent", "a-red-1", "monitor", "market")
    assert second.replaced is not None and second.replaced.dc == 15
    assert second.order.id == first.order.id
    assert (second.order.dc, second.order.manual_modifier, second.order.advantage) == (
        None,
        0,
        False,
    )
    assert any("DC 15" in n and "manual modifier +2" in n for n in second.notes)
    async with campaign.db.read() as uow:
        orders = await uow.orders.list_for_turn(1)
    assert [(o.piece_id, o.action_type, o.district_id) for o in orders] == [
        ("a-red-1", "monitor", "market")
    ]
    assert await _piece_row(campaign.db, "agents", "a-red-1") == ("market", "monitor")


# -- submit: refusals leave the database untouched ---------------------------------------------

REFUSALS: list[tuple[str, str, dict[str, Any], type[ServiceError], str]] = [
    ("red", "agent:a-blue-1", dict(action="monitor", district_id="docks"), NotAllowed,
     "belongs to another faction"),
    ("outsider", "agent:a-red-1", dict(action="monitor", district_id="docks"), NotAllowed,
     "not a member"),
    ("gm", "agent:a-free", dict(action="monitor", district_id="docks"), InvalidRequest,
     "belongs to no faction"),
    ("red", "agent:nobody", dict(action="monitor", district_id="docks"), InvalidRequest,
     "Unknown agent 'nobody'"),
    ("red", "tank:a-red-1", dict(action="monitor", district_id="docks"), InvalidRequest,
     "Unknown piece type"),
    ("red", "agent:a-red-1", dict(action="monitor", district_id="atlantis"), InvalidRequest,
     "Unknown district 'atlantis'"),
    ("red", "agent:a-red-1", dict(action="dance", district_id="docks"), InvalidRequest,
     "Unknown action 'dance'"),
    ("red", "agent:a-red-1", dict(action="take_influence", district_id="docks"), InvalidRequest,
     "needs a target faction"),
    ("red", "agent:a-red-1", dict(action="take_influence", district_id="docks",
     target_faction_id="red"), InvalidRequest, "cannot be your own"),
    ("red", "agent:a-red-1", dict(action="take_influence", district_id="docks",
     target_faction_id="purple"), InvalidRequest, "Unknown faction 'purple'"),
    ("red", "agent:a-red-1", dict(action="gain_influence", district_id="docks",
     target_faction_id="blue"), InvalidRequest, "takes no target"),
    ("red", "agent:a-red-1", dict(action="initiate_conflict", district_id="docks",
     description="x", attribute="might", skill="combat"), InvalidRequest, "needs a target"),
    ("red", "agent:a-red-1", dict(action="freeform", district_id="docks", attribute="might",
     skill="combat"), InvalidRequest, "needs a description"),
    ("red", "agent:a-red-1", dict(action="freeform", district_id="docks", description="   ",
     attribute="might", skill="combat"), InvalidRequest, "needs a description"),
    ("red", "agent:a-red-1", dict(action="freeform", district_id="docks", description="x",
     attribute="might"), InvalidRequest, "both an attribute and a skill"),
    ("red", "squadron:s-red-1", dict(action="freeform", district_id="docks",
     description="x"), InvalidRequest, "needs an aptitude"),
    ("red", "agent:a-red-1", dict(action="freeform", district_id="docks", description="x",
     attribute="charm", skill="combat"), InvalidRequest, "Unknown attribute 'charm'"),
    ("red", "agent:a-red-1", dict(action="freeform", district_id="docks", description="x",
     attribute="might", skill="combat", target_faction_id="red"), InvalidRequest,
     "cannot be your own"),
    ("red", "agent:a-red-1", dict(action="monitor", district_id="docks", aptitude="social"),
     InvalidRequest, "aptitudes are for squadrons"),
    ("red", "squadron:s-red-1", dict(action="monitor", district_id="docks", skill="combat"),
     InvalidRequest, "attributes and skills are for agents"),
    ("red", "agent:a-red-1", dict(action="monitor", district_id="docks", description="y" * 501),
     InvalidRequest, "at most 500"),
    ("red", "agent:a-red-1", dict(action="gain_influence", district_id="docks",
     attribute="might"), NotAllowed, "only the GM can change the stats"),
    ("grey", "agent:a-grey-1", dict(action="gain_influence", district_id="palace"),
     InvalidRequest, "already holds all 10"),
    ("grey", "squadron:s-grey-1", dict(action="take_influence", district_id="palace",
     target_faction_id="red"), InvalidRequest, "already holds all 10"),
]  # fmt: skip


@pytest.mark.parametrize(("who", "piece", "kwargs", "error", "text"), REFUSALS)
async def test_submit_refusals_write_nothing(
    campaign: SeededCampaign,
    svc: OrderService,
    who: str,
    piece: str,
    kwargs: dict[str, Any],
    error: type[ServiceError],
    text: str,
) -> None:
    await svc.submit(campaign.red, "agent", "a-red-1", "monitor", "market")  # an existing order
    before = await dump(campaign.db, *ORDER_TABLES)
    piece_type, _, piece_id = piece.partition(":")
    with pytest.raises(error, match=text):
        await svc.submit(getattr(campaign, who), piece_type, piece_id, **kwargs)
    assert await dump(campaign.db, *ORDER_TABLES) == before


@pytest.mark.parametrize("phase", ["preparation", "conflict_detection", "conflict_resolution"])
async def test_orders_closed_outside_assignment(
    campaign: SeededCampaign, svc: OrderService, phase: str
) -> None:
    await svc.submit(campaign.red, "agent", "a-red-1", "monitor", "market")
    await _set_phase(campaign.db, phase)
    before = await dump(campaign.db)
    with pytest.raises(PhaseClosed, match=f"Orders are closed.*phase {phase}"):
        await svc.submit(campaign.red, "agent", "a-red-2", "monitor", "docks")
    with pytest.raises(PhaseClosed):
        await svc.cancel(campaign.red, "agent", "a-red-1")
    with pytest.raises(PhaseClosed):
        await svc.set_support(campaign.red, "blue", True)
    with pytest.raises(PhaseClosed):
        await svc.set_manual_modifier(campaign.gm, "agent", "a-red-1", 1)
    assert await dump(campaign.db) == before


async def test_no_campaign_means_closed(db: Database) -> None:
    from bot.services.access import Actor

    with pytest.raises(PhaseClosed, match="No campaign"):
        await OrderService(db).submit(Actor(1, True, None), "agent", "x", "monitor", "d")


# -- cancel and listing --------------------------------------------------------------------------


async def test_cancel_removes_order_and_takes_piece_off_board(
    campaign: SeededCampaign, svc: OrderService
) -> None:
    await svc.submit(campaign.red, "agent", "a-red-1", "monitor", "market")
    cancelled = await svc.cancel(campaign.red, "agent", "a-red-1")
    assert cancelled.action_type == "monitor"
    assert await _piece_row(campaign.db, "agents", "a-red-1") == ("market", None)
    listing = await svc.list_for_faction(campaign.red)
    assert all(e.order is None for e in listing.entries)


async def test_cancel_refusals(campaign: SeededCampaign, svc: OrderService) -> None:
    await svc.submit(campaign.red, "agent", "a-red-1", "monitor", "market")
    before = await dump(campaign.db, *ORDER_TABLES)
    with pytest.raises(InvalidRequest, match="has no order this turn"):
        await svc.cancel(campaign.red, "agent", "a-red-2")
    with pytest.raises(NotAllowed, match="another faction"):
        await svc.cancel(campaign.blue, "agent", "a-red-1")
    with pytest.raises(InvalidRequest, match="Unknown squadron"):
        await svc.cancel(campaign.red, "squadron", "ghost")
    assert await dump(campaign.db, *ORDER_TABLES) == before


async def test_list_for_faction(campaign: SeededCampaign, svc: OrderService) -> None:
    await svc.submit(campaign.red, "squadron", "s-red-1", "monitor", "docks")
    listing = await svc.list_for_faction(campaign.red)
    assert listing.faction_id == "red" and listing.turn == 1
    assert [(e.piece.id, e.order is not None) for e in listing.entries] == [
        ("a-red-1", False),
        ("a-red-2", False),
        ("s-red-1", True),
    ]
    assert listing.unordered == 2
    gm_view = await svc.list_for_faction(campaign.gm, "red")
    assert gm_view == listing
    with pytest.raises(NotAllowed, match="own faction"):
        await svc.list_for_faction(campaign.red, "blue")
    with pytest.raises(InvalidRequest, match="Name the faction"):
        await svc.list_for_faction(campaign.gm)
    with pytest.raises(InvalidRequest, match="Unknown faction"):
        await svc.list_for_faction(campaign.gm, "purple")
    with pytest.raises(NotAllowed, match="not a member"):
        await svc.list_for_faction(campaign.outsider)


async def test_list_all_and_status(campaign: SeededCampaign, svc: OrderService) -> None:
    await svc.submit(campaign.red, "agent", "a-red-1", "monitor", "docks")
    await svc.submit(
        campaign.blue,
        "agent",
        "a-blue-1",
        "freeform",
        "temple",
        description="Parley",
        attribute="presence",
        skill="persuasion",
    )
    everything = await svc.list_all(campaign.gm)
    assert [f.faction_id for f in everything] == ["blue", "green", "grey", "red"]
    assert [f.unordered for f in everything] == [2, 3, 2, 2]
    status = await svc.status(campaign.gm)
    assert status.factions_without_orders == ("green", "grey")
    assert [p.id for p in status.unordered["red"]] == ["a-red-2", "s-red-1"]
    assert [o.piece_id for o in status.awaiting_dc] == ["a-blue-1"]
    assert [o.piece_id for o in await svc.awaiting_dc(campaign.gm)] == ["a-blue-1"]
    for call in (svc.list_all, svc.status, svc.awaiting_dc):
        with pytest.raises(NotAllowed, match="Only the GM"):
            await call(campaign.red)


# -- GM adjustments ------------------------------------------------------------------------------


async def _freeform(campaign: SeededCampaign, svc: OrderService) -> None:
    await svc.submit(
        campaign.red,
        "agent",
        "a-red-2",
        "freeform",
        "docks",
        description="Steal the ledger",
        attribute="finesse",
        skill="infiltration",
    )


async def test_gm_sets_dc_modifier_flags_and_stats(
    campaign: SeededCampaign, svc: OrderService
) -> None:
    await _freeform(campaign, svc)
    assert (await svc.set_dc(campaign.gm, "agent", "a-red-2", 16)).dc == 16
    assert await svc.awaiting_dc(campaign.gm) == []
    assert (
        await svc.set_manual_modifier(campaign.gm, "agent", "a-red-2", -10)
    ).manual_modifier == -10
    flagged = await svc.set_flags(campaign.gm, "agent", "a-red-2", False, True)
    assert (flagged.advantage, flagged.disadvantage) == (False, True)
    stats = await svc.override_stats(campaign.gm, "agent", "a-red-2", skill="streetwise")
    assert (stats.attribute_used, stats.skill_used) == ("finesse", "streetwise")
    await svc.submit(campaign.red, "squadron", "s-red-1", "monitor", "docks")
    squad = await svc.override_stats(campaign.gm, "squadron", "s-red-1", aptitude="underworld")
    assert squad.aptitude_used == "underworld"


@pytest.mark.parametrize(
    ("call", "args", "error", "text"),
    [
        ("set_dc", (4,), InvalidRequest, "from 5 to 30"),
        ("set_dc", (31,), InvalidRequest, "from 5 to 30"),
        ("set_manual_modifier", (11,), InvalidRequest, "from -10 to 10"),
        ("set_manual_modifier", (-11,), InvalidRequest, "from -10 to 10"),
    ],
)
async def test_gm_value_ranges(
    campaign: SeededCampaign,
    svc: OrderService,
    call: str,
    args: tuple[int, ...],
    error: type[ServiceError],
    text: str,
) -> None:
    await _freeform(campaign, svc)
    before = await dump(campaign.db, "actions")
    with pytest.raises(error, match=text):
        await getattr(svc, call)(campaign.gm, "agent", "a-red-2", *args)
    assert await dump(campaign.db, "actions") == before


async def test_gm_adjustment_refusals(campaign: SeededCampaign, svc: OrderService) -> None:
    await _freeform(campaign, svc)
    await svc.submit(campaign.red, "agent", "a-red-1", "gain_influence", "docks")
    before = await dump(campaign.db, "actions")
    with pytest.raises(NotAllowed, match="Only the GM"):
        await svc.set_dc(campaign.red, "agent", "a-red-2", 12)
    with pytest.raises(NotAllowed, match="Only the GM"):
        await svc.override_stats(campaign.red, "agent", "a-red-2", attribute="might")
    with pytest.raises(InvalidRequest, match="computed by the rules"):
        await svc.set_dc(campaign.gm, "agent", "a-red-1", 12)
    with pytest.raises(InvalidRequest, match="has no order"):
        await svc.set_dc(campaign.gm, "agent", "a-blue-1", 12)
    with pytest.raises(InvalidRequest, match="aptitudes are for squadrons"):
        await svc.override_stats(campaign.gm, "agent", "a-red-2", aptitude="social")
    with pytest.raises(InvalidRequest, match="Unknown skill"):
        await svc.override_stats(campaign.gm, "agent", "a-red-2", skill="juggling")
    with pytest.raises(InvalidRequest, match="at least one stat"):
        await svc.override_stats(campaign.gm, "agent", "a-red-2")
    assert await dump(campaign.db, "actions") == before


# -- support -------------------------------------------------------------------------------------


async def test_support_only_toward_plus_two_ally(
    campaign: SeededCampaign, svc: OrderService
) -> None:
    declared = await svc.set_support(campaign.red, "blue", True)
    assert (declared.declaring_faction_id, declared.target_faction_id, declared.will_support) == (
        "red",
        "blue",
        True,
    )
    assert [s.target_faction_id for s in await svc.list_support(campaign.red)] == ["blue"]
    assert await svc.list_support(campaign.blue) == []
    before = await dump(campaign.db, "faction_support_status")
    with pytest.raises(InvalidRequest, match=r"ally at \+2.*stand at -2"):
        await svc.set_support(campaign.red, "green", True)
    with pytest.raises(InvalidRequest, match=r"stand at \+0"):
        await svc.set_support(campaign.red, "grey", True)
    with pytest.raises(InvalidRequest, match="itself"):
        await svc.set_support(campaign.red, "red", True)
    with pytest.raises(InvalidRequest, match="Unknown faction"):
        await svc.set_support(campaign.red, "purple", True)
    with pytest.raises(NotAllowed, match="not a member"):
        await svc.set_support(campaign.outsider, "blue", True)
    with pytest.raises(NotAllowed, match="own faction"):
        await svc.set_support(campaign.green, "blue", True, faction_id="red")
    assert await dump(campaign.db, "faction_support_status") == before
    await svc.set_support(campaign.red, "blue", False)
    assert await svc.list_support(campaign.red) == []


async def test_support_when_alliance_is_one_sided(
    campaign: SeededCampaign, svc: OrderService
) -> None:
    async with campaign.db.transaction() as uow:
        await uow.factions.set_relationship("blue", "red", 1)
    with pytest.raises(InvalidRequest, match=r"stand at \+1"):
        await svc.set_support(campaign.red, "blue", True)


async def test_gm_declares_support_for_a_faction(
    campaign: SeededCampaign, svc: OrderService
) -> None:
    await svc.set_support(campaign.gm, "red", True, faction_id="blue")
    rows = await svc.list_support(campaign.gm)
    assert [(r.declaring_faction_id, r.target_faction_id) for r in rows] == [("blue", "red")]
    with pytest.raises(NotAllowed, match="not a member"):
        await svc.set_support(campaign.gm, "red", True)


async def test_submission_returns_the_district_and_target_it_validated(
    campaign: SeededCampaign, svc: OrderService
) -> None:
    take = await svc.submit(
        campaign.red, "agent", "a-red-2", "take_influence", "docks", target_faction_id="green"
    )
    assert take.district is not None and (take.district.id, take.district.name) == (
        "docks",
        "Docks",
    )
    assert take.target is not None and take.target.id == "green"
    monitor = await svc.submit(campaign.red, "squadron", "s-red-1", "monitor", "slums")
    assert monitor.district is not None and monitor.district.id == "slums"
    assert monitor.target is None
