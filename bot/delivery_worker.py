"""Background task that empties every campaign's outbox through Discord.

Woken right after a turn completes (``kick``) and otherwise every ``interval``
seconds, so a Discord outage only delays reports: rows stay in the outbox until
they are delivered or the GM is told they cannot be.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from bot.render.maps import render_fog_map, render_true_map
from bot.services import maps
from bot.services.deliveries import DrainResult, OutgoingFile
from bot.transport import DiscordTransport
from db import records as dbr

if TYPE_CHECKING:
    from bot.campaigns import Campaign
    from bot.client import CampaignBot

log = logging.getLogger(__name__)


class DeliveryWorker:
    def __init__(self, bot: CampaignBot, *, interval: float = 30.0) -> None:
        self.bot = bot
        self.interval = interval
        self.transport = DiscordTransport(bot)
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="delivery-worker")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def kick(self) -> None:
        self._wake.set()

    async def _run(self) -> None:
        await self.bot.wait_until_ready()
        while True:
            self._wake.clear()
            try:
                await self.drain_all()
            except Exception:
                log.exception("delivery sweep failed; retrying at the next one")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)

    async def drain_all(self) -> dict[int, DrainResult]:
        results = {}
        for campaign in self.bot.hub.open_campaigns():
            results[campaign.guild_id] = await self.drain(campaign)
        return results

    async def drain(self, campaign: Campaign) -> DrainResult:
        """One campaign, until nothing new appears (forwarded copies are new rows)."""
        async with self._lock:
            total = DrainResult()
            maps_cache: dict[tuple[str, str | None], bytes] = {}

            async def attachments(row: dbr.Delivery) -> list[OutgoingFile]:
                return await self._map_for(campaign, row, maps_cache)

            while True:
                result = await campaign.deliveries.drain(self.transport, attachments=attachments)
                for name in ("delivered", "forwarded", "failed", "undeliverable"):
                    getattr(total, name).extend(getattr(result, name))
                if not result.forwarded:
                    return total

    async def _map_for(
        self, campaign: Campaign, row: dbr.Delivery, cache: dict[tuple[str, str | None], bytes]
    ) -> list[OutgoingFile]:
        """The faction's fog-of-war map with its report; the true map with the GM summary."""
        if row.kind == "faction_report" and row.faction_id is not None:
            key = ("fog", row.faction_id)
        elif row.kind == "gm_summary":
            key = ("true", None)
        else:
            return []
        if key not in cache:
            async with campaign.db.read() as uow:
                if key[0] == "fog":
                    data = await maps.fog_map_data(
                        uow, row.faction_id, assets_dir=campaign.assets_dir
                    )
                    render = render_fog_map
                else:
                    data = await maps.true_map_data(uow, assets_dir=campaign.assets_dir)
                    render = render_true_map
            cache[key] = await asyncio.to_thread(render, data)
        who = row.faction_id or "gm"
        return [OutgoingFile(f"map-turn-{row.turn_number}-{who}.png", cache[key])]
