"""SetupService's GM reads (district detail, rumors, pieces) and piece placement."""

from __future__ import annotations

import pytest

from bot.services.errors import InvalidRequest, NotAllowed
from bot.services.orders import OrderService
from bot.services.setup import SetupService
from db.records import KnownRumor
from tests.services.conftest import SeededCampaign, dump


@pytest.fixture
def setup(campaign: SeededCampaign) -> SetupService:
    return SetupService(campaign.db)


async def _rumors(campaign: SeededCampaign, setup: SetupService) -> None:
    await setup.add_rumor(campaign.gm, "docks", "The harbormaster is paid.", 12, name="Bribe")
    await setup.add_rumor(campaign.gm, "market", "Scales are rigged.", 5, name="Scales")
    async with campaign.db.transaction() as uow:
        await uow.factions.add_known_rumors_many(
            [KnownRumor("red", "bribe", 1), KnownRumor("blue", "bribe", 1)]
        )


async def test_district_detail_holds_every_true_value(
    campaign: SeededCampaign, setup: SetupService
) -> None:
    await _rumors(campaign, setup)
    await setup.add_district_modifier(campaign.gm, "docks", "curfew", -2, expires_on=3)
    async with campaign.db.transaction() as uow:
        await uow.pieces.set_location("agent", "a-green-1", "docks")
    await OrderService(campaign.db).submit(campaign.red, "agent", "a-red-1", "monitor", "docks")

    detail = await setup.district_detail(campaign.gm, "docks")

    assert detail.district.id == "docks" and detail.turn == 1
    assert [d.id for d in detail.adjacent] == ["market", "slums"]
    assert [(r.faction_id, r.value, r.has_stronghold) for r in detail.influence] == [
        ("red", 3, True),
        ("green", 2, False),
    ]
    assert detail.held == 5 and detail.pool == 5
    assert [(row.faction_id, row.value) for row in detail.likeability] == [("red", 2)]
    assert detail.weekly == 1
    assert [(m.modifier_type, m.modifier_value, m.expires_on) for m in detail.modifiers] == [
        ("curfew", -2, 3)
    ]
    assert [(r.rumor.id, r.known_by) for r in detail.rumors] == [("bribe", ("blue", "red"))]
    assert {p.id for p in detail.pieces} == {"a-green-1", "a-red-1"}
    assert [(o.piece_id, o.action_type) for o in detail.orders] == [("a-red-1", "monitor")]
    assert detail.faction_names["red"] == "Red Company"


async def test_rumor_lines_of_one_district_or_all(
    campaign: SeededCampaign, setup: SetupService
) -> None:
    await _rumors(campaign, setup)
    every = await setup.rumor_lines(campaign.gm)
    assert [(r.rumor.id, r.district_name, r.known_by) for r in every] == [
        ("bribe", "Docks", ("blue", "red")),
        ("scales", "Market", ()),
    ]
    market = await setup.rumor_lines(campaign.gm, "market")
    assert [r.rumor.id for r in market] == ["scales"]
    with pytest.raises(InvalidRequest, match="Unknown district 'nowhere'"):
        await setup.rumor_lines(campaign.gm, "nowhere")


async def test_all_pieces_include_unaffiliated_and_filter_by_faction(
    campaign: SeededCampaign, setup: SetupService
) -> None:
    every = await setup.all_pieces(campaign.gm)
    assert ("agent", "a-free") in {(t, p.id) for t, p in every}
    assert [t for t, _ in every] == sorted((t for t, _ in every), key=lambda t: t != "agent")
    red = await setup.all_pieces(campaign.gm, "red")
    assert {p.id for _, p in red} == {"a-red-1", "a-red-2", "s-red-1"}
    with pytest.raises(InvalidRequest, match="Unknown faction"):
        await setup.all_pieces(campaign.gm, "purple")


async def test_piece_detail_names_owner_place_and_order(
    campaign: SeededCampaign, setup: SetupService
) -> None:
    await OrderService(campaign.db).submit(
        campaign.blue, "squadron", "s-blue-1", "gain_influence", "market"
    )
    detail = await setup.piece_detail(campaign.gm, "squadron", "s-blue-1")
    assert detail.faction_name == "Blue Lanterns" and detail.district_name == "Market"
    assert detail.order is not None and detail.order.action_type == "gain_influence"
    free = await setup.piece_detail(campaign.gm, "agent", "a-free")
    assert free.faction_name is None and free.district_name is None and free.order is None
    with pytest.raises(InvalidRequest, match="Unknown squadron 'a-free'"):
        await setup.piece_detail(campaign.gm, "squadron", "a-free")


async def test_district_modifiers_never_list_the_weekly_row(
    campaign: SeededCampaign, setup: SetupService
) -> None:
    await setup.add_district_modifier(campaign.gm, "market", "festival", 1)
    rows = await setup.district_modifiers(campaign.gm)
    assert [(m.district_id, m.modifier_type) for m in rows] == [("market", "festival")]


async def test_every_read_refuses_non_gms(campaign: SeededCampaign, setup: SetupService) -> None:
    for actor in (campaign.red, campaign.outsider):
        with pytest.raises(NotAllowed):
            await setup.district_detail(actor, "docks")
        with pytest.raises(NotAllowed):
            await setup.rumor_lines(actor)
        with pytest.raises(NotAllowed):
            await setup.district_modifiers(actor)
        with pytest.raises(NotAllowed):
            await setup.all_pieces(actor)
        with pytest.raises(NotAllowed):
            await setup.piece_detail(actor, "agent", "a-red-1")
    with pytest.raises(InvalidRequest, match="Unknown district 'nowhere'"):
        await setup.district_detail(campaign.gm, "nowhere")


# -- placement ------------------------------------------------------------------------------


async def test_pieces_are_created_where_the_gm_says(
    campaign: SeededCampaign, setup: SetupService
) -> None:
    agent = await setup.create_agent(campaign.gm, "Iris", "red", district_id="docks", finesse=2)
    squadron = await setup.create_squadron(
        campaign.gm, "Harbor Rats", "green", district_id="slums", mobility=2
    )
    async with campaign.db.read() as uow:
        assert (await uow.pieces.get_agent(agent.id)).district_id == "docks"
        assert (await uow.pieces.get_squadron(squadron.id)).district_id == "slums"


async def test_creating_in_an_unknown_district_changes_nothing(
    campaign: SeededCampaign, setup: SetupService
) -> None:
    before = await dump(campaign.db)
    with pytest.raises(InvalidRequest, match="Unknown district 'nowhere'"):
        await setup.create_agent(campaign.gm, "Iris", "red", district_id="nowhere")
    with pytest.raises(InvalidRequest, match="Unknown district 'nowhere'"):
        await setup.create_squadron(campaign.gm, "Rats", "red", district_id="nowhere")
    with pytest.raises(InvalidRequest, match="Unknown district 'nowhere'"):
        await setup.update_agent(campaign.gm, "a-red-1", district_id="nowhere")
    assert await dump(campaign.db) == before


async def test_moving_a_piece_off_its_order_withdraws_the_order(
    campaign: SeededCampaign, setup: SetupService
) -> None:
    orders = OrderService(campaign.db)
    await orders.submit(campaign.red, "agent", "a-red-1", "monitor", "docks")
    await orders.submit(campaign.red, "squadron", "s-red-1", "monitor", "market")

    moved = await setup.update_agent(campaign.gm, "a-red-1", district_id="market")
    same = await setup.update_squadron(campaign.gm, "s-red-1", district_id="market", mobility=1)

    assert moved.district_id == "market" and moved.assignment is None
    assert same.district_id == "market" and same.assignment == "monitor"
    async with campaign.db.read() as uow:
        assert await uow.orders.find_for_piece(1, "agent", "a-red-1") is None
        assert await uow.orders.find_for_piece(1, "squadron", "s-red-1") is not None


async def test_unplacing_a_piece(campaign: SeededCampaign, setup: SetupService) -> None:
    await OrderService(campaign.db).submit(campaign.red, "agent", "a-red-2", "monitor", "docks")
    agent = await setup.update_agent(campaign.gm, "a-red-2", district_id=None)
    assert agent.district_id is None
    async with campaign.db.read() as uow:
        assert await uow.orders.find_for_piece(1, "agent", "a-red-2") is None
