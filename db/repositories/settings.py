"""Campaign settings (singleton, incl. the RNG seed), faction members and channels."""

from __future__ import annotations

from typing import Any

from db.dialect import NOW
from db.errors import InvalidValue, NotFound
from db.records import MAX_SEED, CampaignSettings, FactionChannel, Member
from db.repositories.base import Repository, b, check_int, check_text

_FIELDS = (
    "guild_id",
    "gm_role_id",
    "gm_channel_id",
    "news_channel_id",
    "campaign_name",
    "rng_seed",
    "turn_deadline",
)
_UNSET: Any = object()


def _settings(row: Any) -> CampaignSettings:
    seed = row["rng_seed"]
    return CampaignSettings(
        guild_id=row["guild_id"],
        gm_role_id=row["gm_role_id"],
        gm_channel_id=row["gm_channel_id"],
        news_channel_id=row["news_channel_id"],
        campaign_name=row["campaign_name"],
        rng_seed=None if seed is None else int(seed),
        turn_deadline=row["turn_deadline"],
    )


class SettingsRepository(Repository):
    async def get(self) -> CampaignSettings:
        """Defaults (all unset) until the first update."""
        row = await self.sql.fetchone(
            f"SELECT {', '.join(_FIELDS)} FROM campaign_settings WHERE id='current'"
        )
        return CampaignSettings() if row is None else _settings(row)

    async def update(
        self,
        *,
        guild_id: int | None = _UNSET,
        gm_role_id: int | None = _UNSET,
        gm_channel_id: int | None = _UNSET,
        news_channel_id: int | None = _UNSET,
        campaign_name: str = _UNSET,
        rng_seed: int | None = _UNSET,
        turn_deadline: str | None = _UNSET,
    ) -> CampaignSettings:
        """Only the arguments given change; pass None to clear a value."""
        given = {
            k: v
            for k, v in {
                "guild_id": guild_id,
                "gm_role_id": gm_role_id,
                "gm_channel_id": gm_channel_id,
                "news_channel_id": news_channel_id,
                "campaign_name": campaign_name,
                "rng_seed": rng_seed,
                "turn_deadline": turn_deadline,
            }.items()
            if v is not _UNSET
        }
        for name in ("guild_id", "gm_role_id", "gm_channel_id", "news_channel_id"):
            if given.get(name) is not None:
                check_int(name, given[name], 0, 2**63 - 1)
        if "campaign_name" in given:
            check_text("campaign name", given["campaign_name"], 100)
        if given.get("rng_seed") is not None:
            check_int("rng_seed", given["rng_seed"], 0, MAX_SEED)
            given["rng_seed"] = str(given["rng_seed"])
        current = await self.get()
        merged = {f: getattr(current, f) for f in _FIELDS}
        if merged["rng_seed"] is not None:
            merged["rng_seed"] = str(merged["rng_seed"])
        merged.update(given)
        await self._write(
            "update settings",
            f"INSERT INTO campaign_settings (id, {', '.join(_FIELDS)}) VALUES ('current', ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET "
            + ", ".join(f"{f}=excluded.{f}" for f in _FIELDS)
            + f", updated_at={NOW}",
            tuple(merged[f] for f in _FIELDS),
        )
        return await self.get()

    # -- members ------------------------------------------------------------------------------

    async def add_member(self, user_id: int, faction_id: str, leader: bool = False) -> Member:
        """A user belongs to at most one faction: joining another one is refused."""
        check_int("user id", user_id, 0, 2**63 - 1)
        existing = await self.faction_of(user_id)
        if existing is not None and existing != faction_id:
            raise InvalidValue("faction membership", faction_id, f"none: already in {existing}")
        await self._write(
            "add member",
            "INSERT INTO faction_members (user_id, faction_id, is_leader) VALUES (?, ?, ?) "
            "ON CONFLICT(user_id) DO UPDATE SET is_leader=excluded.is_leader, "
            f"updated_at={NOW}",
            (user_id, faction_id, b(leader)),
            entity="member",
        )
        return Member(user_id, faction_id, leader)

    async def remove_member(self, user_id: int) -> None:
        count = await self._write(
            "remove member", "DELETE FROM faction_members WHERE user_id=?", (user_id,)
        )
        if count == 0:
            raise NotFound("member", user_id)

    async def faction_of(self, user_id: int) -> str | None:
        return await self.sql.scalar(
            "SELECT faction_id FROM faction_members WHERE user_id=?", (user_id,)
        )

    async def member(self, user_id: int) -> Member | None:
        row = await self.sql.fetchone(
            "SELECT user_id, faction_id, is_leader FROM faction_members WHERE user_id=?", (user_id,)
        )
        return None if row is None else Member(row[0], row[1], bool(row[2]))

    async def members_of(self, faction_id: str) -> list[Member]:
        rows = await self.sql.fetchall(
            "SELECT user_id, faction_id, is_leader FROM faction_members WHERE faction_id=? ORDER BY user_id",
            (faction_id,),
        )
        return [Member(r[0], r[1], bool(r[2])) for r in rows]

    async def list_members(self) -> list[Member]:
        rows = await self.sql.fetchall(
            "SELECT user_id, faction_id, is_leader FROM faction_members ORDER BY faction_id, user_id"
        )
        return [Member(r[0], r[1], bool(r[2])) for r in rows]

    # -- private channels ---------------------------------------------------------------------

    async def set_faction_channel(self, faction_id: str, channel_id: int) -> None:
        check_int("channel id", channel_id, 0, 2**63 - 1)
        await self._write(
            "set faction channel",
            "INSERT INTO faction_channels (faction_id, channel_id) VALUES (?, ?) "
            "ON CONFLICT(faction_id) DO UPDATE SET channel_id=excluded.channel_id, "
            f"updated_at={NOW}",
            (faction_id, channel_id),
            entity="faction channel",
        )

    async def faction_channel(self, faction_id: str) -> int | None:
        return await self.sql.scalar(
            "SELECT channel_id FROM faction_channels WHERE faction_id=?", (faction_id,)
        )

    async def list_faction_channels(self) -> list[FactionChannel]:
        rows = await self.sql.fetchall(
            "SELECT faction_id, channel_id FROM faction_channels ORDER BY faction_id"
        )
        return [FactionChannel(r[0], r[1]) for r in rows]

    async def remove_faction_channel(self, faction_id: str) -> None:
        await self._write(
            "remove faction channel",
            "DELETE FROM faction_channels WHERE faction_id=?",
            (faction_id,),
        )
