from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.emulator import Channel, Emulator, Guild, Member, Role, running_bot
from tests.emulator.testbot import TestBot


@dataclass
class World:
    emu: Emulator
    bot: TestBot
    guild: Guild
    orders: Channel
    news: Channel
    gm: Role
    alice: Member
    bob: Member


@pytest.fixture
async def world(emulator: Emulator) -> AsyncIterator[World]:
    guild = emulator.create_guild("Campaign")
    game = emulator.add_category(guild, "Game")
    orders = emulator.add_text_channel(guild, "orders", category=game)
    news = emulator.add_text_channel(guild, "news", category=game)
    gm = emulator.add_role(guild, "GM", permissions=8, mentionable=True)
    alice = emulator.add_member(guild, "alice", roles=[gm])
    bob = emulator.add_member(guild, "bob")
    async with running_bot(emulator, TestBot()) as bot:
        yield World(emulator, bot, guild, orders, news, gm, alice, bob)
