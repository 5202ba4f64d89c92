from bot.emulator import Emulator, running_bot
from tests.emulator.testbot import TestBot


async def test_login_ready_and_guild_cache(emulator: Emulator) -> None:
    guild = emulator.create_guild("Campaign")
    cat = emulator.add_category(guild, "Game")
    chan = emulator.add_text_channel(guild, "orders", category=cat)
    gm = emulator.add_role(guild, "GM", permissions=8)
    alice = emulator.add_member(guild, "alice", roles=[gm])
    async with running_bot(emulator, TestBot()) as bot:
        g = bot.get_guild(int(guild.id))
        assert g is not None and g.name == "Campaign"
        assert g.get_channel(int(chan.id)).category.id == int(cat.id)
        assert g.get_role(int(gm.id)).name == "GM"
        assert g.get_member(int(alice.id)).guild_permissions.administrator
        assert {c["name"] for c in emulator.global_commands} >= {"orders", "dm"}
        result = await emulator.invoke(alice, "orders submit", piece="agent-ash", task="monitor")
        assert result.content == "agent-ash will monitor x1"
        assert result.ephemeral
