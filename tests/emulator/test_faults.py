"""Fault switches: 429 and 5xx recovered by discord.py, gateway resume replays exactly once."""

import asyncio

import pytest

from tests.emulator.conftest import World


async def test_rate_limit_429_is_retried_by_discord_py(world: World) -> None:
    fault = world.emu.faults.rate_limit("POST", "/channels/*/messages", times=2, retry_after=0.05)
    await world.emu.invoke(world.alice, "announce", channel=world.news, text="after limits")
    await world.emu.wait_for_message(world.news, lambda m: m.content == "after limits")
    statuses = [
        s
        for m, p, s in world.emu.requests
        if m == "POST" and p == f"/channels/{world.news.id}/messages"
    ]
    assert statuses == [429, 429, 200] and fault.hits == 2
    assert world.bot.send_errors == []


async def test_global_rate_limit_is_retried(world: World) -> None:
    world.emu.faults.rate_limit("POST", "/channels/*/messages", retry_after=0.05, is_global=True)
    await world.emu.invoke(world.alice, "announce", channel=world.news, text="global")
    await world.emu.wait_for_message(world.news, lambda m: m.content == "global")


async def test_server_error_is_retried(world: World) -> None:
    world.emu.faults.server_error("POST", "/channels/*/messages", times=1, status=502)
    result = await world.emu.invoke(world.alice, "announce", channel=world.news, text="survived")
    await world.emu.wait_for_message(world.news, lambda m: m.content == "survived", timeout=4)
    await result.wait_followups(1, timeout=4)
    statuses = [s for m, p, s in world.emu.requests if p == f"/channels/{world.news.id}/messages"]
    assert statuses == [502, 200]


async def test_gateway_resume_replays_missed_interaction_exactly_once(world: World) -> None:
    connections = world.emu.gateway.connections
    async with world.emu.gateway_outage():
        missed = await world.emu.invoke(world.alice, "count", label="missed", wait=False)
        assert missed.dispatched_at is None  # nobody connected: buffered
    await missed.wait_response()
    await asyncio.wait_for(world.bot.resumed.wait(), 5)
    assert world.emu.gateway.resumes == 1 and world.emu.gateway.identifies == 1
    assert world.emu.gateway.connections == connections + 1
    live = await world.emu.invoke(world.alice, "count", label="live")
    assert live.content == "counted live"
    assert world.bot.calls == [("count", "missed"), ("count", "live")]


async def test_unknown_route_is_recorded(world: World) -> None:
    import discord

    channel = world.bot.get_channel(int(world.news.id))
    with pytest.raises(discord.NotFound):
        await channel.create_invite()
    assert world.emu.unknown_routes == [f"POST /channels/{world.news.id}/invites"]
    world.emu.unknown_routes.clear()
