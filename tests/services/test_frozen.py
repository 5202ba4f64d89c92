"""The frozen-turn cache: one decode and one detection per stored inputs, never stale."""

from __future__ import annotations

from bot.services import phases
from bot.services.frozen import FrozenTurns
from bot.services.orders import OrderService
from bot.services.turn import TurnService
from tests.services.conftest import CAMPAIGN_SEED, SeededCampaign


async def test_same_stored_inputs_share_one_computation(
    campaign: SeededCampaign, monkeypatch
) -> None:
    cache = FrozenTurns()
    monkeypatch.setattr(phases, "FROZEN", cache)
    orders = OrderService(campaign.db)
    await orders.submit(campaign.red, "agent", "a-red-1", "monitor", "docks")
    await TurnService(campaign.db).advance("gm")  # freezes turn 1 and runs phases 4..
    ctx = phases.PhaseContext(CAMPAIGN_SEED, 1)
    calls = []
    async with campaign.db.read() as uow:
        first = await phases.load_inputs(uow, 1)
        again = await phases.load_inputs(uow, 1)
    assert first is again  # decoded once
    one = cache.detection(
        CAMPAIGN_SEED, first, lambda: calls.append(1) or phases.detect(ctx, first)
    )
    two = phases.detect(ctx, first)
    assert one is two and calls == []  # already computed by the advance's phases


EMPTY = (
    '{"factions": [], "districts": [], "influence": [], "strongholds": [], "likeability": [], '
    '"relationships": [], "pieces": [], "orders": [], "support": []}'
)


async def test_inputs_frozen_again_are_a_new_entry(campaign: SeededCampaign) -> None:
    cache = FrozenTurns(size=2)
    a = cache.store(
        1,
        "a" * 64,
        EMPTY,
    )
    assert cache.cached(1, "a" * 64) is a
    assert cache.cached(1, "b" * 64) is None  # other digest: never the old object
    cache.store(
        2,
        "b" * 64,
        EMPTY,
    )
    cache.store(
        3,
        "c" * 64,
        EMPTY,
    )
    assert cache.cached(1, "a" * 64) is None  # bounded: the oldest entry is gone
    computed = cache.detection(1, a, lambda: "fresh")  # evicted inputs are just recomputed
    assert computed == "fresh"
