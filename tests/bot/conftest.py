"""The real bot against the local Discord emulator, on the sample campaign.

``table`` gives a guild with a GM role and GM/news/faction channels, the bot
running every cog, the sample campaign (examples/harbor_city.toml) imported and
parked at turn 1 with orders open, and members: a GM, two players of the Lantern
Guild, one of the Brine Syndicate, one of the Order of the Tide, a server member
of no faction, and an administrator without the GM role.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.campaign.parse import load
from bot.campaigns import Campaign
from bot.client import CampaignBot
from bot.config import Settings
from bot.emulator import Channel, Emulator, Guild, Member, Role, running_bot
from bot.services.access import Actor
from bot.services.campaign_io import import_campaign
from db import records as dbr

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "harbor_city.toml"
TABLE_SEED = 20261202
GUILD_FACTIONS = ("lantern_guild", "brine_syndicate", "order_of_the_tide")


@dataclass
class Table:
    emu: Emulator
    bot: CampaignBot
    guild: Guild
    campaign: Campaign
    gm_role: Role
    gm_channel: Channel
    news: Channel
    lobby: Channel
    faction_channels: dict[str, Channel]
    gm: Member
    players: dict[str, list[Member]]
    outsider: Member
    admin: Member
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def guild_id(self) -> int:
        return int(self.guild.id)

    def player(self, faction_id: str, index: int = 0) -> Member:
        return self.players[faction_id][index]

    @property
    def gm_actor(self) -> Actor:
        return Actor(user_id=int(self.gm.id), is_gm=True, faction_id=None)

    async def dump(self) -> dict[str, list[tuple]]:
        """Every game table's rows, for "nothing changed" assertions."""
        async with self.campaign.db.read() as uow:
            names = [
                r[0]
                for r in await uow.sql.fetchall(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
                    "ORDER BY name"
                )
            ]
            return {
                n: [tuple(r) for r in await uow.sql.fetchall(f'SELECT * FROM "{n}" ORDER BY 1')]
                for n in names
            }

    async def advance(self) -> None:
        """Advance through the service (as the GM) and wake the delivery worker, as /gm does."""
        await self.campaign.turn.advance(str(self.gm.id))
        self.bot.deliveries.kick()

    async def settle(self) -> None:
        """Let the delivery worker finish what is queued (its writes are not the test's)."""
        await self.bot.deliveries.drain(self.campaign)

    async def game(self) -> dbr.GameState:
        async with self.campaign.db.read() as uow:
            return await uow.game.get()


def settings_for(data_dir: Path) -> Settings:
    return Settings(token="emulator-bot-token", data_dir=data_dir, log_level="INFO")


async def build_table(
    emu: Emulator, data_dir: Path, *, imported: bool = True, **bot_kwargs: Any
) -> AsyncIterator[Table]:
    """``imported=False``: the same guild and members, but an empty campaign database (no
    campaign, no GM role, no channels configured), as a server looks before bootstrapping."""
    guild = emu.create_guild("Saltmere")
    gm_role = emu.add_role(guild, "Game Master", mentionable=True)
    admin_role = emu.add_role(guild, "Admin", permissions=8)
    game = emu.add_category(guild, "Campaign")
    lobby = emu.add_text_channel(guild, "lobby", category=game)
    gm_channel = emu.add_text_channel(guild, "gm-desk", category=game)
    news = emu.add_text_channel(guild, "the-saltmere-crier", category=game)
    faction_channels = {
        f: emu.add_text_channel(guild, f.replace("_", "-"), category=game) for f in GUILD_FACTIONS
    }
    gm = emu.add_member(guild, "gm", roles=[gm_role])
    players = {
        "lantern_guild": [emu.add_member(guild, "alice"), emu.add_member(guild, "bruno")],
        "brine_syndicate": [emu.add_member(guild, "carla")],
        "order_of_the_tide": [emu.add_member(guild, "dmitri")],
    }
    outsider = emu.add_member(guild, "visitor")
    admin = emu.add_member(guild, "moderator", roles=[admin_role])
    bot = CampaignBot(settings_for(data_dir), sync_commands=False, **bot_kwargs)
    async with running_bot(emu, bot):
        campaign = await bot.hub.get(int(guild.id))
        if imported:
            await import_campaign(campaign.db, load(SAMPLE), backup_dir=campaign.backups_dir)
            async with campaign.db.transaction() as uow:
                await uow.settings.update(
                    rng_seed=TABLE_SEED,  # the sample has no seed: fix it, tests replay exactly
                    guild_id=int(guild.id),
                    gm_role_id=int(gm_role.id),
                    gm_channel_id=int(gm_channel.id),
                    news_channel_id=int(news.id),
                )
                for faction_id, channel in faction_channels.items():
                    await uow.settings.set_faction_channel(faction_id, int(channel.id))
                for faction_id, members in players.items():
                    for index, member in enumerate(members):
                        await uow.settings.add_member(int(member.id), faction_id, leader=index == 0)
            await campaign.turn.advance(str(gm.id))  # turn 1: decay, then orders open
        yield Table(
            emu=emu,
            bot=bot,
            guild=guild,
            campaign=campaign,
            gm_role=gm_role,
            gm_channel=gm_channel,
            news=news,
            lobby=lobby,
            faction_channels=faction_channels,
            gm=gm,
            players=players,
            outsider=outsider,
            admin=admin,
        )


@pytest.fixture
async def table(emulator: Emulator, tmp_path: Path) -> AsyncIterator[Table]:
    async for t in build_table(emulator, tmp_path / "data"):
        yield t
