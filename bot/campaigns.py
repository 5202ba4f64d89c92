"""One Campaign per guild: its database and the services bound to it.

Services that hold per-campaign state (the TurnService's advance lock) must exist
once per campaign, so the hub builds them once and hands the same objects to every
cog. Databases open lazily on first use (and are migrated then) and all close at
shutdown.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.services.deliveries import DeliveryService
from bot.services.newspaper import NewspaperService
from bot.services.orders import OrderService
from bot.services.queries import QueryService
from bot.services.setup import SetupService
from bot.services.turn import TurnService
from db.database import Database
from db.registry import CampaignRegistry


@dataclass(frozen=True)
class Campaign:
    guild_id: int
    db: Database
    orders: OrderService
    queries: QueryService
    turn: TurnService
    setup: SetupService
    newspaper: NewspaperService
    deliveries: DeliveryService
    backups_dir: Path
    assets_dir: Path


class CampaignHub:
    def __init__(
        self,
        registry: CampaignRegistry,
        *,
        backup_keep: int = 20,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.registry = registry
        self.backup_keep = backup_keep
        self.clock = clock
        self._campaigns: dict[int, Campaign] = {}
        self._lock = asyncio.Lock()

    @property
    def data_dir(self) -> Path:
        return self.registry.data_dir

    async def get(self, guild_id: int) -> Campaign:
        campaign = self._campaigns.get(guild_id)
        if campaign is not None:
            return campaign
        async with self._lock:
            campaign = self._campaigns.get(guild_id)
            if campaign is None:
                campaign = self._build(guild_id, await self.registry.get(guild_id))
                self._campaigns[guild_id] = campaign
            return campaign

    def _build(self, guild_id: int, db: Database) -> Campaign:
        backups_dir = self.registry.backup_dir_for(guild_id)
        return Campaign(
            guild_id=guild_id,
            db=db,
            orders=OrderService(db),
            queries=QueryService(db),
            turn=TurnService(db, backups_dir=backups_dir, backup_keep=self.backup_keep),
            setup=SetupService(db),
            newspaper=NewspaperService(db, now=self.clock),
            deliveries=DeliveryService(db, nonce_scope=str(guild_id)),
            backups_dir=backups_dir,
            assets_dir=self.data_dir / "assets" / str(guild_id),
        )

    def open_campaigns(self) -> list[Campaign]:
        return list(self._campaigns.values())

    def existing_guild_ids(self) -> list[int]:
        """Guilds with a campaign database on disk (opened or not), for the delivery sweep."""
        folder = self.data_dir / "campaigns"
        if not folder.is_dir():
            return []
        return sorted(int(p.stem) for p in folder.glob("*.sqlite3") if p.stem.isdigit())

    async def close_all(self) -> None:
        self._campaigns.clear()
        await self.registry.close_all()
