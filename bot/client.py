"""The bot process: campaigns, cogs, the command tree and the delivery worker."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path

import discord
from discord import app_commands
from discord.ext import commands

from bot.campaigns import CampaignHub
from bot.config import Settings
from bot.delivery_worker import DeliveryWorker
from bot.ui.errors import handle_error, log_invocation, mark_started
from db.registry import CampaignRegistry

log = logging.getLogger(__name__)

COGS: tuple[str, ...] = (
    "cogs.orders",
    "cogs.gm_turn",
    "cogs.gm_orders",
    "cogs.faction",
    "cogs.news",
    "cogs.campaign",
    "cogs.gm_factions",
    "cogs.gm_districts",
    "cogs.gm_pieces",
)


class CampaignTree(app_commands.CommandTree):
    """One error handler and one log line for every command."""

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        mark_started(interaction)
        return True

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await handle_error(interaction, error)


class CampaignBot(commands.Bot):
    def __init__(
        self,
        settings: Settings,
        *,
        sync_commands: bool = True,
        delivery_interval: float = 30.0,
        cogs: Sequence[str] = COGS,
    ) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            tree_cls=CampaignTree,
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
        )
        self.settings = settings
        self.sync_commands = sync_commands
        self.cog_modules = tuple(cogs)
        self.hub = CampaignHub(
            CampaignRegistry(
                settings.data_dir,
                slow_query_ms=settings.slow_query_ms,
                busy_timeout_ms=settings.busy_timeout_ms,
            ),
            backup_keep=settings.backup_keep,
        )
        self.deliveries = DeliveryWorker(self, interval=delivery_interval)

    async def setup_hook(self) -> None:
        for guild_id in self.hub.existing_guild_ids():
            await self.hub.get(guild_id)  # migrate every campaign before the first command
        for module in self.cog_modules:
            await self.load_extension(module)
        if self.sync_commands:
            await self._sync()
        self.deliveries.start()

    async def on_app_command_completion(
        self, interaction: discord.Interaction, command: app_commands.Command
    ) -> None:
        log_invocation(interaction, "ok")

    async def _sync(self) -> None:
        """Sync only when the command tree changed since the last sync (rate limits)."""
        targets = [discord.Object(id=g) for g in self.settings.sync_guild_ids] or [None]
        for guild in targets:
            if guild is not None:
                self.tree.copy_global_to(guild=guild)
            payload = [c.to_dict(self.tree) for c in self.tree.get_commands(guild=guild)]
            digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
            stamp = self._sync_stamp(guild)
            if stamp.is_file() and stamp.read_text() == digest:
                log.info("commands unchanged for %s; not syncing", guild or "global")
                continue
            synced = await self.tree.sync(guild=guild)
            stamp.parent.mkdir(parents=True, exist_ok=True)
            stamp.write_text(digest)
            log.info("synced %d commands to %s", len(synced), guild.id if guild else "global")

    def _sync_stamp(self, guild: discord.abc.Snowflake | None) -> Path:
        name = f"guild-{guild.id}" if guild else "global"
        return self.settings.data_dir / "command-sync" / f"{name}.sha256"

    async def close(self) -> None:
        """Stop sending, leave the gateway (no new interactions), then close the databases
        (each close waits for a write transaction in progress)."""
        await self.deliveries.stop()
        await super().close()
        await self.hub.close_all()
