"""The GM's setup and editing operations (campaign, factions, districts, pieces, ledger).

Every method takes the acting ``Actor`` first, requires the GM, validates all its
input before the first write and runs in one transaction, so a refusal changes
nothing. Ids are readable slugs of the names (``red-company``, ``red-company-2``).
"""

from __future__ import annotations

import dataclasses
import secrets
from pathlib import Path
from typing import Any

from bot.campaign.model import CampaignFile
from bot.campaign.write import dump as dump_campaign
from bot.rules import model as rm
from bot.services.access import Actor, require_gm
from bot.services.campaign_io import (
    ImportSummary,
    campaign_progress,
    export_campaign,
    import_campaign,
)
from bot.services.errors import Busy, InvalidRequest
from bot.services.lookups import require_agent, require_district, require_faction, require_squadron
from bot.services.orders import TARGET_REQUIRED, db_refusals
from bot.services.setup_checks import (
    MAX_NAME,
    check_choice,
    check_color,
    check_discord_id,
    check_int,
    check_name,
    check_number,
    check_optional_text,
    unique_slug,
)
from bot.services.turn import BUSY_MESSAGE, campaign_lock
from db import records as dbr
from db.database import Database
from db.uow import UnitOfWork

UNSET: Any = object()
MAX_SEED = 2**64 - 1
AGENT_STATS = (*rm.ATTRIBUTES, *rm.SKILLS)
APTITUDE_FIELDS = tuple(f"{a}_aptitude" for a in rm.APTITUDES)
DISTRICT_PREFERENCES = {
    "preferred_gain_attribute": rm.ATTRIBUTES,
    "preferred_gain_skill": rm.SKILLS,
    "preferred_gain_squadron_aptitude": rm.APTITUDES,
    "preferred_monitor_attribute": rm.ATTRIBUTES,
    "preferred_monitor_skill": rm.SKILLS,
    "preferred_monitor_squadron_aptitude": rm.APTITUDES,
}
DISTRICT_VALUES = ("commerce_value", "muster_value", "aristocratic_value")
FACTION_MODIFIER_TYPES = ("commerce", "muster", "aristocratic")

Piece = dbr.Agent | dbr.Squadron


@dataclasses.dataclass(frozen=True)
class RumorLine:
    """A rumor as the GM sees it: with the factions that already know it."""

    rumor: dbr.Rumor
    district_name: str
    known_by: tuple[str, ...]  # faction ids, ascending


@dataclasses.dataclass(frozen=True)
class DistrictDetail:
    """Everything true about one district, for the GM's eyes only."""

    district: dbr.District
    turn: int | None
    adjacent: tuple[dbr.District, ...]
    influence: tuple[dbr.Influence, ...]  # rows with influence or a stronghold
    likeability: tuple[dbr.Likeability, ...]
    weekly: int
    modifiers: tuple[dbr.DistrictModifier, ...]  # the GM's named ones, never the weekly row
    rumors: tuple[RumorLine, ...]
    pieces: tuple[Piece, ...]  # standing there
    orders: tuple[dbr.Order, ...]  # this turn's orders located there
    faction_names: dict[str, str]

    @property
    def held(self) -> int:
        return sum(row.value for row in self.influence)

    @property
    def pool(self) -> int:
        return rm.DISTRICT_SLOTS - self.held


@dataclasses.dataclass(frozen=True)
class PieceDetail:
    """One piece in full: owner, place and this turn's order, names resolved."""

    piece_type: str
    piece: Piece
    faction_name: str | None
    district_name: str | None
    order: dbr.Order | None
    turn: int | None


@dataclasses.dataclass(frozen=True)
class CampaignOverview:
    """The campaign's settings and size at a glance (``game`` None: no campaign yet)."""

    settings: dbr.CampaignSettings
    game: dbr.GameState | None
    factions: tuple[dbr.Faction, ...]
    faction_channels: dict[str, int]  # faction id -> channel id
    members: dict[str, int]  # faction id -> member count
    leaders: dict[str, int]  # faction id -> leader count

    @property
    def member_total(self) -> int:
        return sum(self.members.values())


@dataclasses.dataclass(frozen=True)
class RelationshipState:
    """Both stored directions of a pair; the rules use the lower one (D-1)."""

    faction_id: str
    other_id: str
    forward: int  # faction -> other
    backward: int  # other -> faction

    @property
    def effective(self) -> int:
        return min(self.forward, self.backward)


@dataclasses.dataclass(frozen=True)
class FactionFootprint:
    """What deleting a faction removes or changes, counted for the GM's confirmation."""

    faction: dbr.Faction
    members: int
    channel_id: int | None
    agents: int  # they stay, unaffiliated
    squadrons: int
    districts_held: int
    influence: int
    strongholds: int
    orders: int  # this turn's orders of its pieces (deleted)
    orders_targeting: int  # this turn's take/initiate orders aimed at it (deleted)
    relationships: int  # stored rows, either direction
    resources: int
    modifiers: int
    known_rumors: int


@dataclasses.dataclass(frozen=True)
class ExportedCampaign:
    """A campaign file's text, with what a file name needs."""

    name: str
    turn: int
    text: str


def _given(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not UNSET}


class SetupService:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- campaign --------------------------------------------------------------------------

    async def new_campaign(
        self, actor: Actor, name: str, seed: int | None = None
    ) -> dbr.CampaignSettings:
        """Turn 1, phase preparation (§2.2); the seed is drawn once and never changes (§9)."""
        require_gm(actor)
        name = check_name("campaign name", name)
        if seed is None:
            seed = secrets.randbits(64)
        check_int("seed", seed, 0, MAX_SEED)
        async with self.db.transaction() as uow:
            if await uow.game.find() is not None:
                raise InvalidRequest(
                    "This server already has a campaign; it cannot be created twice."
                )
            with db_refusals():
                await uow.game.initialise(name)
                return await uow.settings.update(campaign_name=name, rng_seed=seed)

    async def configure(
        self,
        actor: Actor,
        *,
        gm_role_id: int | None = UNSET,
        gm_channel_id: int | None = UNSET,
        news_channel_id: int | None = UNSET,
        turn_deadline: str | None = UNSET,
        campaign_name: str = UNSET,
    ) -> dbr.CampaignSettings:
        """Only the settings passed change; None clears one (never the seed)."""
        require_gm(actor)
        changes = _given(
            gm_role_id=gm_role_id,
            gm_channel_id=gm_channel_id,
            news_channel_id=news_channel_id,
            turn_deadline=turn_deadline,
            campaign_name=campaign_name,
        )
        for key in ("gm_role_id", "gm_channel_id", "news_channel_id"):
            if key in changes:
                changes[key] = check_discord_id(key.replace("_", " "), changes[key])
        if "turn_deadline" in changes:
            changes["turn_deadline"] = check_optional_text("turn deadline", turn_deadline, MAX_NAME)
        if "campaign_name" in changes:
            changes["campaign_name"] = check_name("campaign name", campaign_name)
        async with self.db.transaction() as uow:
            with db_refusals():
                if "campaign_name" in changes and await uow.game.find() is not None:
                    await uow.game.rename(changes["campaign_name"])
                return await uow.settings.update(**changes)

    async def set_gm_channel(self, actor: Actor, channel_id: int) -> dbr.CampaignSettings:
        """GM answers are public there, so it cannot be the news channel or a faction's."""
        return await self._set_channel(actor, "gm_channel_id", channel_id)

    async def set_news_channel(self, actor: Actor, channel_id: int) -> dbr.CampaignSettings:
        """Everyone reads it, so it cannot be the GM channel or a faction's private one."""
        return await self._set_channel(actor, "news_channel_id", channel_id)

    async def _set_channel(self, actor: Actor, key: str, channel_id: int) -> dbr.CampaignSettings:
        require_gm(actor)
        channel = check_discord_id(key.removesuffix("_id").replace("_", " "), channel_id)
        if channel is None:
            raise InvalidRequest("Name a channel.")
        async with self.db.transaction() as uow:
            use = (await _channel_uses(uow, setting=key)).get(channel)
            if use is not None:
                raise InvalidRequest(f"That channel is already {use}; pick another one.")
            with db_refusals():
                return await uow.settings.update(**{key: channel})

    async def overview(self, actor: Actor) -> CampaignOverview:
        """Settings, turn and member counts: GM only (the seed is among them)."""
        require_gm(actor)
        async with self.db.read() as uow:
            members: dict[str, int] = {}
            leaders: dict[str, int] = {}
            for m in await uow.settings.list_members():
                members[m.faction_id] = members.get(m.faction_id, 0) + 1
                leaders[m.faction_id] = leaders.get(m.faction_id, 0) + int(m.is_leader)
            return CampaignOverview(
                settings=await uow.settings.get(),
                game=await uow.game.find(),
                factions=tuple(await uow.factions.list_all()),
                faction_channels={
                    c.faction_id: c.channel_id for c in await uow.settings.list_faction_channels()
                },
                members=members,
                leaders=leaders,
            )

    async def import_file(
        self, actor: Actor, campaign: CampaignFile, *, backup_dir: Path, replace: bool = False
    ) -> ImportSummary:
        """All or nothing; over a game in progress only with ``replace``, after a backup.

        Holds the campaign's turn lock, so an import never interleaves with an advance,
        a ruling or a rollback (the turn pipeline would write into a half-replaced game).
        """
        require_gm(actor)
        lock = campaign_lock(self.db)
        if lock.locked():
            raise Busy(BUSY_MESSAGE)
        async with lock:
            async with self.db.read() as uow:
                progress = await campaign_progress(uow)
            if progress.in_progress and not replace:
                raise InvalidRequest(
                    f"A campaign is in progress here ({progress.describe()}). Importing "
                    "replaces all of it: run the import again with replace set to True "
                    "(a backup is taken first)."
                )
            return await import_campaign(self.db, campaign, replace=replace, backup_dir=backup_dir)

    async def export_file(self, actor: Actor) -> ExportedCampaign:
        """The whole campaign as campaign-file TOML (true values, seed included): GM only."""
        require_gm(actor)
        campaign = await export_campaign(self.db)
        return ExportedCampaign(campaign.name, campaign.turn or 1, dump_campaign(campaign))

    async def health(self, actor: Actor) -> dbr.HealthReport:
        require_gm(actor)
        return await self.db.health()

    # -- factions --------------------------------------------------------------------------

    async def create_faction(
        self,
        actor: Actor,
        name: str,
        *,
        color: str = "#3498db",
        monitoring_bonus: int = 0,
        description: str | None = None,
    ) -> dbr.Faction:
        require_gm(actor)
        faction = dbr.Faction(
            id="",
            name=check_name("faction name", name),
            description=check_optional_text("description", description),
            monitoring_bonus=check_int("monitoring bonus", monitoring_bonus, -5, 5),
            color=check_color(color),
        )
        async with self.db.transaction() as uow:
            existing = await uow.factions.list_all()
            _refuse_taken_name(existing, faction.name)
            taken = [f.id for f in existing]
            faction = dataclasses.replace(faction, id=unique_slug(name, taken, "faction"))
            with db_refusals():
                return await uow.factions.create(faction)

    async def update_faction(
        self,
        actor: Actor,
        faction_id: str,
        *,
        name: str = UNSET,
        color: str = UNSET,
        monitoring_bonus: int = UNSET,
        description: str | None = UNSET,
    ) -> dbr.Faction:
        """The id stays (it is referenced everywhere); only the shown fields change."""
        require_gm(actor)
        changes = _given(
            name=name, color=color, monitoring_bonus=monitoring_bonus, description=description
        )
        if "name" in changes:
            changes["name"] = check_name("faction name", name)
        if "color" in changes:
            changes["color"] = check_color(color)
        if "monitoring_bonus" in changes:
            check_int("monitoring bonus", monitoring_bonus, -5, 5)
        if "description" in changes:
            check_optional_text("description", description)
        async with self.db.transaction() as uow:
            faction = await require_faction(uow, faction_id)
            if "name" in changes:
                _refuse_taken_name(await uow.factions.list_all(), changes["name"], faction_id)
            with db_refusals():
                return await uow.factions.update(dataclasses.replace(faction, **changes))

    async def delete_faction(self, actor: Actor, faction_id: str) -> None:
        """Removes its influence, orders, members...; its pieces remain, unowned."""
        require_gm(actor)
        async with self.db.transaction() as uow:
            await require_faction(uow, faction_id)
            with db_refusals():
                await _delete_orders_targeting(uow, faction_id)
                await uow.factions.delete(faction_id)

    async def add_member(
        self, actor: Actor, user_id: int, faction_id: str, *, leader: bool = False
    ) -> dbr.Member:
        """A user belongs to one faction at most; re-adding to the same one updates ``leader``."""
        require_gm(actor)
        check_discord_id("user id", user_id)
        async with self.db.transaction() as uow:
            faction = await require_faction(uow, faction_id)
            current = await uow.settings.faction_of(user_id)
            if current is not None and current != faction.id:
                raise InvalidRequest(
                    f"That user already belongs to faction '{current}'; remove them from it first."
                )
            with db_refusals():
                return await uow.settings.add_member(user_id, faction.id, bool(leader))

    async def remove_member(self, actor: Actor, user_id: int) -> None:
        require_gm(actor)
        async with self.db.transaction() as uow:
            if await uow.settings.member(user_id) is None:
                raise InvalidRequest("That user is not a member of any faction.")
            with db_refusals():
                await uow.settings.remove_member(user_id)

    async def list_members(self, actor: Actor, faction_id: str | None = None) -> list[dbr.Member]:
        require_gm(actor)
        async with self.db.read() as uow:
            if faction_id is None:
                return await uow.settings.list_members()
            await require_faction(uow, faction_id)
            return await uow.settings.members_of(faction_id)

    async def set_faction_channel(
        self, actor: Actor, faction_id: str, channel_id: int | None
    ) -> None:
        """The private channel deliveries fall back to; None removes it."""
        require_gm(actor)
        channel = check_discord_id("channel id", channel_id)
        async with self.db.transaction() as uow:
            await require_faction(uow, faction_id)
            if channel is not None:
                use = (await _channel_uses(uow, faction_id=faction_id)).get(channel)
                if use is not None:
                    raise InvalidRequest(f"That channel is already {use}.")
            with db_refusals():
                if channel is None:
                    await uow.settings.remove_faction_channel(faction_id)
                else:
                    await uow.settings.set_faction_channel(faction_id, channel)

    # -- districts -------------------------------------------------------------------------

    async def create_district(
        self,
        actor: Actor,
        name: str,
        *,
        preferred_gain_attribute: str,
        preferred_gain_skill: str,
        preferred_gain_squadron_aptitude: str,
        preferred_monitor_attribute: str,
        preferred_monitor_skill: str,
        preferred_monitor_squadron_aptitude: str = "monitoring",
        commerce_value: int = 0,
        muster_value: int = 0,
        aristocratic_value: int = 0,
        description: str | None = None,
    ) -> dbr.District:
        require_gm(actor)
        fields = _check_district_fields(
            {
                "name": name,
                "description": description,
                "preferred_gain_attribute": preferred_gain_attribute,
                "preferred_gain_skill": preferred_gain_skill,
                "preferred_gain_squadron_aptitude": preferred_gain_squadron_aptitude,
                "preferred_monitor_attribute": preferred_monitor_attribute,
                "preferred_monitor_skill": preferred_monitor_skill,
                "preferred_monitor_squadron_aptitude": preferred_monitor_squadron_aptitude,
                "commerce_value": commerce_value,
                "muster_value": muster_value,
                "aristocratic_value": aristocratic_value,
            }
        )
        async with self.db.transaction() as uow:
            taken = [d.id for d in await uow.districts.list_all()]
            district = dbr.District(id=unique_slug(fields["name"], taken, "district"), **fields)
            with db_refusals():
                return await uow.districts.create(district)

    async def update_district(self, actor: Actor, district_id: str, **changes: Any) -> dbr.District:
        """Keyword changes among name, description, the six preferences and the three values."""
        require_gm(actor)
        allowed = {"name", "description", *DISTRICT_PREFERENCES, *DISTRICT_VALUES}
        unknown = sorted(set(changes) - allowed)
        if unknown:
            raise InvalidRequest(
                f"Unknown district field(s): {', '.join(unknown)}. "
                f"Editable: {', '.join(sorted(allowed))}."
            )
        checked = _check_district_fields(changes)
        async with self.db.transaction() as uow:
            district = await require_district(uow, district_id)
            with db_refusals():
                return await uow.districts.update(dataclasses.replace(district, **checked))

    async def delete_district(self, actor: Actor, district_id: str) -> None:
        """Removes its influence, adjacency, rumors, orders...; pieces there become unplaced."""
        require_gm(actor)
        async with self.db.transaction() as uow:
            await require_district(uow, district_id)
            with db_refusals():
                await uow.districts.delete(district_id)

    async def set_adjacency(self, actor: Actor, district_id: str, other_id: str) -> None:
        """Symmetric: both directions are stored (§1.1)."""
        require_gm(actor)
        if district_id == other_id:
            raise InvalidRequest("A district cannot be adjacent to itself.")
        async with self.db.transaction() as uow:
            await require_district(uow, district_id)
            await require_district(uow, other_id)
            with db_refusals():
                await uow.districts.add_adjacency(district_id, other_id)

    async def remove_adjacency(self, actor: Actor, district_id: str, other_id: str) -> None:
        require_gm(actor)
        async with self.db.transaction() as uow:
            await require_district(uow, district_id)
            await require_district(uow, other_id)
            if other_id not in await uow.districts.adjacent_to(district_id):
                raise InvalidRequest(f"'{district_id}' and '{other_id}' are not adjacent.")
            with db_refusals():
                await uow.districts.remove_adjacency(district_id, other_id)

    async def set_likeability(
        self, actor: Actor, district_id: str, faction_id: str, value: int
    ) -> None:
        require_gm(actor)
        check_int("likeability", value, -5, 5)
        async with self.db.transaction() as uow:
            await require_district(uow, district_id)
            await require_faction(uow, faction_id)
            with db_refusals():
                await uow.districts.set_likeability(district_id, faction_id, value)

    async def set_influence(
        self,
        actor: Actor,
        district_id: str,
        faction_id: str,
        value: int,
        *,
        stronghold: bool | None = None,
    ) -> dbr.Influence:
        """Refused when the district's total would exceed 10 (§1.2), saying what is free."""
        require_gm(actor)
        check_int("influence", value, 0, rm.DISTRICT_SLOTS)
        async with self.db.transaction() as uow:
            district = await require_district(uow, district_id)
            await require_faction(uow, faction_id)
            others = sum(
                row.value
                for row in await uow.districts.list_influence(district_id=district_id)
                if row.faction_id != faction_id
            )
            if others + value > rm.DISTRICT_SLOTS:
                raise InvalidRequest(
                    f"{district.name} has {rm.DISTRICT_SLOTS} slots and other factions hold "
                    f"{others}: '{faction_id}' can have at most {rm.DISTRICT_SLOTS - others} there."
                )
            with db_refusals():
                return await uow.districts.set_influence(
                    district_id, faction_id, value, None if stronghold is None else bool(stronghold)
                )

    async def set_stronghold(
        self, actor: Actor, district_id: str, faction_id: str, has_stronghold: bool
    ) -> dbr.Influence:
        require_gm(actor)
        async with self.db.transaction() as uow:
            await require_district(uow, district_id)
            await require_faction(uow, faction_id)
            with db_refusals():
                await uow.districts.set_stronghold(district_id, faction_id, bool(has_stronghold))
                return await uow.districts.get_influence(district_id, faction_id)

    async def set_weekly_modifier(self, actor: Actor, district_id: str, value: int) -> None:
        require_gm(actor)
        check_int("weekly DC modifier", value, -2, 2)
        async with self.db.transaction() as uow:
            await require_district(uow, district_id)
            with db_refusals():
                await uow.districts.set_weekly(district_id, value)

    async def add_district_modifier(
        self,
        actor: Actor,
        district_id: str,
        modifier_type: str,
        value: int,
        *,
        expires_on: int | None = None,
    ) -> dbr.DistrictModifier:
        """A named GM modifier; it is deleted in phase 1 once ``expires_on`` < the turn."""
        require_gm(actor)
        kind = check_name("modifier type", modifier_type, 50)
        if kind == dbr.WEEKLY_DC:
            raise InvalidRequest("Use the weekly modifier setting for the weekly DC modifier.")
        check_int("modifier value", value, -1000, 1000)
        if expires_on is not None:
            check_int("expiry turn", expires_on, 1, None)
        async with self.db.transaction() as uow:
            await require_district(uow, district_id)
            taken = [m.id for m in await uow.districts.list_modifiers()]
            modifier = dbr.DistrictModifier(
                id=unique_slug(f"{district_id}-{kind}", taken, "modifier"),
                district_id=district_id,
                modifier_type=kind,
                modifier_value=value,
                expires_on=expires_on,
            )
            with db_refusals():
                return await uow.districts.add_modifier(modifier)

    async def remove_district_modifier(self, actor: Actor, modifier_id: str) -> None:
        require_gm(actor)
        async with self.db.transaction() as uow:
            found = [m for m in await uow.districts.list_modifiers() if m.id == modifier_id]
            if not found or found[0].modifier_type == dbr.WEEKLY_DC:
                raise InvalidRequest(f"Unknown district modifier '{modifier_id}'.")
            with db_refusals():
                await uow.districts.delete_modifier(modifier_id)

    # -- rumors ----------------------------------------------------------------------------

    async def add_rumor(
        self,
        actor: Actor,
        district_id: str,
        text: str,
        discovery_dc: int,
        *,
        name: str = "",
        newspaper_hint: str | None = None,
        newspaper_weight: float = 1.0,
    ) -> dbr.Rumor:
        require_gm(actor)
        text = check_name("rumor text", text, MAX_NAME * 20)
        check_int("discovery DC", discovery_dc, 0, None)
        label = check_name("rumor name", name) if name else ""
        hint = check_optional_text("newspaper hint", newspaper_hint)
        weight = check_number("newspaper weight", newspaper_weight, 0)
        async with self.db.transaction() as uow:
            await require_district(uow, district_id)
            taken = [r.id for r in await uow.districts.list_rumors()]
            rumor = dbr.Rumor(
                id=unique_slug(label or f"{district_id}-rumor", taken, "rumor"),
                district_id=district_id,
                rumor_text=text,
                discovery_dc=discovery_dc,
                name=label,
                newspaper_hint=hint,
                newspaper_weight=weight,
            )
            with db_refusals():
                await uow.districts.create_rumor(rumor)
                return await uow.districts.get_rumor(rumor.id)

    async def list_rumors(self, actor: Actor, district_id: str | None = None) -> list[dbr.Rumor]:
        require_gm(actor)
        async with self.db.read() as uow:
            if district_id is not None:
                await require_district(uow, district_id)
            return await uow.districts.list_rumors(district_id)

    async def delete_rumor(self, actor: Actor, rumor_id: str) -> None:
        require_gm(actor)
        async with self.db.transaction() as uow:
            if rumor_id not in {r.id for r in await uow.districts.list_rumors()}:
                raise InvalidRequest(f"Unknown rumor '{rumor_id}'.")
            with db_refusals():
                await uow.districts.delete_rumor(rumor_id)

    # -- faction ledger --------------------------------------------------------------------

    async def set_relationship(
        self, actor: Actor, faction_id: str, other_id: str, value: int, *, both: bool = True
    ) -> None:
        """``both`` sets the pair symmetrically (the usual GM tool, D-1); else one direction."""
        require_gm(actor)
        check_int("relationship", value, -2, 2)
        if faction_id == other_id:
            raise InvalidRequest("A faction has no relationship with itself.")
        async with self.db.transaction() as uow:
            await require_faction(uow, faction_id)
            await require_faction(uow, other_id)
            with db_refusals():
                if both:
                    await uow.factions.set_relationship_pair(faction_id, other_id, value)
                else:
                    await uow.factions.set_relationship(faction_id, other_id, value)

    async def set_resource(
        self, actor: Actor, faction_id: str, resource_type: str, value: int
    ) -> dbr.Resource:
        """A free GM ledger: no rule reads or spends it (D-2)."""
        require_gm(actor)
        kind = check_name("resource type", resource_type, 50)
        check_int("resource value", value, -(2**62), 2**62)
        async with self.db.transaction() as uow:
            await require_faction(uow, faction_id)
            with db_refusals():
                await uow.factions.set_resource(faction_id, kind, value)
        return dbr.Resource(faction_id, kind, value)

    async def delete_resource(self, actor: Actor, faction_id: str, resource_type: str) -> None:
        require_gm(actor)
        async with self.db.transaction() as uow:
            await require_faction(uow, faction_id)
            kinds = {r.resource_type for r in await uow.factions.list_resources(faction_id)}
            if resource_type not in kinds:
                raise InvalidRequest(f"'{faction_id}' has no resource '{resource_type}'.")
            with db_refusals():
                await uow.factions.delete_resource(faction_id, resource_type)

    async def add_faction_modifier(
        self, actor: Actor, faction_id: str, name: str, modifier_type: str, value: int
    ) -> dbr.FactionModifier:
        """Named commerce/muster/aristocratic modifier (§1.4), e.g. "Wealthy Patron" +10."""
        require_gm(actor)
        label = check_name("modifier name", name)
        kind = check_choice("modifier type", modifier_type, FACTION_MODIFIER_TYPES)
        check_int("modifier value", value, -1000, 1000)
        async with self.db.transaction() as uow:
            await require_faction(uow, faction_id)
            taken = [m.id for m in await uow.factions.list_modifiers()]
            modifier = dbr.FactionModifier(
                id=unique_slug(f"{faction_id}-{label}", taken, "modifier"),
                faction_id=faction_id,
                name=label,
                modifier_type=kind,
                value=value,
            )
            with db_refusals():
                return await uow.factions.add_modifier(modifier)

    async def remove_faction_modifier(self, actor: Actor, modifier_id: str) -> None:
        require_gm(actor)
        async with self.db.transaction() as uow:
            if modifier_id not in {m.id for m in await uow.factions.list_modifiers()}:
                raise InvalidRequest(f"Unknown faction modifier '{modifier_id}'.")
            with db_refusals():
                await uow.factions.remove_modifier(modifier_id)

    async def faction_footprint(self, actor: Actor, faction_id: str) -> FactionFootprint:
        """Counts of what ``delete_faction`` would remove, so the GM confirms knowingly."""
        require_gm(actor)
        async with self.db.read() as uow:
            faction = await require_faction(uow, faction_id)
            game = await uow.game.find()
            orders = await uow.orders.list_for_turn(game.turn) if game else []
            influence = await uow.districts.list_influence(faction_id=faction_id)
            return FactionFootprint(
                faction=faction,
                members=len(await uow.settings.members_of(faction_id)),
                channel_id=await uow.settings.faction_channel(faction_id),
                agents=len(await uow.pieces.list_agents(faction_id)),
                squadrons=len(await uow.pieces.list_squadrons(faction_id)),
                districts_held=sum(1 for row in influence if row.value > 0),
                influence=sum(row.value for row in influence),
                strongholds=sum(1 for row in influence if row.has_stronghold),
                orders=sum(1 for o in orders if o.faction_id == faction_id),
                orders_targeting=sum(
                    1
                    for o in orders
                    if o.target_faction_id == faction_id and o.action_type in TARGET_REQUIRED
                ),
                relationships=sum(
                    1
                    for r in await uow.factions.list_relationships()
                    if faction_id in (r.faction_id, r.target_faction_id)
                ),
                resources=len(await uow.factions.list_resources(faction_id)),
                modifiers=len(await uow.factions.list_modifiers(faction_id)),
                known_rumors=len(await uow.factions.known_rumors(faction_id)),
            )

    async def relationship(self, actor: Actor, faction_id: str, other_id: str) -> RelationshipState:
        """Both stored directions (a missing row counts as 0) and so the effective value."""
        require_gm(actor)
        if faction_id == other_id:
            raise InvalidRequest("A faction has no relationship with itself.")
        async with self.db.read() as uow:
            await require_faction(uow, faction_id)
            await require_faction(uow, other_id)
            return RelationshipState(
                faction_id,
                other_id,
                await uow.factions.get_relationship(faction_id, other_id),
                await uow.factions.get_relationship(other_id, faction_id),
            )

    async def resources(self, actor: Actor, faction_id: str | None = None) -> list[dbr.Resource]:
        require_gm(actor)
        async with self.db.read() as uow:
            if faction_id is not None:
                await require_faction(uow, faction_id)
            return await uow.factions.list_resources(faction_id)

    async def faction_modifiers(
        self, actor: Actor, faction_id: str | None = None
    ) -> list[dbr.FactionModifier]:
        require_gm(actor)
        async with self.db.read() as uow:
            if faction_id is not None:
                await require_faction(uow, faction_id)
            return await uow.factions.list_modifiers(faction_id)

    # -- pieces ----------------------------------------------------------------------------

    async def create_agent(
        self,
        actor: Actor,
        name: str,
        faction_id: str | None = None,
        *,
        district_id: str | None = None,
        **stats: int,
    ) -> dbr.Agent:
        """Stats by name (intellect=3, infiltration=2, ...), each 0..5, default 0;
        ``district_id`` is where it stands (None: unplaced, D-4)."""
        require_gm(actor)
        label = check_name("agent name", name)
        checked = _check_piece_stats(stats, AGENT_STATS, 0, 5, "agent")
        async with self.db.transaction() as uow:
            if faction_id is not None:
                await require_faction(uow, faction_id)
            if district_id is not None:
                await require_district(uow, district_id)
            taken = [a.id for a in await uow.pieces.list_agents()]
            agent = dbr.Agent(
                id=unique_slug(label, taken, "agent"),
                name=label,
                faction_id=faction_id,
                district_id=district_id,
                **checked,
            )
            with db_refusals():
                return await uow.pieces.create_agent(agent)

    async def create_squadron(
        self,
        actor: Actor,
        name: str,
        faction_id: str | None = None,
        *,
        type: str = "",  # noqa: A002 - the schema's name
        mobility: int = 0,
        district_id: str | None = None,
        **aptitudes: int,
    ) -> dbr.Squadron:
        """Aptitudes by name (combat=2, monitoring=3, ...), each −3..5, default −1;
        ``district_id`` is where it stands (None: unplaced, D-4)."""
        require_gm(actor)
        label = check_name("squadron name", name)
        kind = check_optional_text("squadron type", type, 50) or ""
        check_int("mobility", mobility, 0, 5)
        checked = _check_piece_stats(aptitudes, rm.APTITUDES, -3, 5, "squadron")
        async with self.db.transaction() as uow:
            if faction_id is not None:
                await require_faction(uow, faction_id)
            if district_id is not None:
                await require_district(uow, district_id)
            taken = [s.id for s in await uow.pieces.list_squadrons()]
            squadron = dbr.Squadron(
                id=unique_slug(label, taken, "squadron"),
                name=label,
                faction_id=faction_id,
                type=kind,
                mobility=mobility,
                district_id=district_id,
                **{f"{k}_aptitude": v for k, v in checked.items()},
            )
            with db_refusals():
                return await uow.pieces.create_squadron(squadron)

    async def update_agent(
        self,
        actor: Actor,
        agent_id: str,
        *,
        name: str = UNSET,
        faction_id: str | None = UNSET,
        district_id: str | None = UNSET,
        **stats: int,
    ) -> dbr.Agent:
        """Changing the faction hands the agent over and cancels its order of this turn;
        moving it (``district_id``, None: unplaced) away from its order's district does too."""
        require_gm(actor)
        changes = _check_piece_stats(stats, AGENT_STATS, 0, 5, "agent")
        if name is not UNSET:
            changes["name"] = check_name("agent name", name)
        async with self.db.transaction() as uow:
            agent = await require_agent(uow, agent_id)
            saved = await _save_piece_changes(uow, agent, faction_id, district_id, changes)
            assert isinstance(saved, dbr.Agent)
            return saved

    async def update_squadron(
        self,
        actor: Actor,
        squadron_id: str,
        *,
        name: str = UNSET,
        faction_id: str | None = UNSET,
        type: str = UNSET,  # noqa: A002 - the schema's name
        mobility: int = UNSET,
        district_id: str | None = UNSET,
        **aptitudes: int,
    ) -> dbr.Squadron:
        """As ``update_agent``: a new owner or a move off its order's district drops the order."""
        require_gm(actor)
        checked = _check_piece_stats(aptitudes, rm.APTITUDES, -3, 5, "squadron")
        changes: dict[str, Any] = {f"{k}_aptitude": v for k, v in checked.items()}
        if name is not UNSET:
            changes["name"] = check_name("squadron name", name)
        if type is not UNSET:
            changes["type"] = check_optional_text("squadron type", type, 50) or ""
        if mobility is not UNSET:
            changes["mobility"] = check_int("mobility", mobility, 0, 5)
        async with self.db.transaction() as uow:
            squadron = await require_squadron(uow, squadron_id)
            saved = await _save_piece_changes(uow, squadron, faction_id, district_id, changes)
            assert isinstance(saved, dbr.Squadron)
            return saved

    async def delete_agent(self, actor: Actor, agent_id: str) -> None:
        require_gm(actor)
        async with self.db.transaction() as uow:
            await require_agent(uow, agent_id)
            with db_refusals():
                await _delete_orders_of(uow, "agent", agent_id)
                await uow.pieces.delete_agent(agent_id)

    async def delete_squadron(self, actor: Actor, squadron_id: str) -> None:
        require_gm(actor)
        async with self.db.transaction() as uow:
            await require_squadron(uow, squadron_id)
            with db_refusals():
                await _delete_orders_of(uow, "squadron", squadron_id)
                await uow.pieces.delete_squadron(squadron_id)

    # -- GM reads --------------------------------------------------------------------------

    async def district_detail(self, actor: Actor, district_id: str) -> DistrictDetail:
        """The true state of one district (influence, likeability, rumors...): GM only."""
        require_gm(actor)
        async with self.db.read() as uow:
            district = await require_district(uow, district_id)
            game = await uow.game.find()
            adjacent = await uow.districts.get_many(await uow.districts.adjacent_to(district_id))
            influence = [
                row
                for row in await uow.districts.list_influence(district_id=district_id)
                if row.value or row.has_stronghold
            ]
            likeability = [
                row for row in await uow.districts.list_likeability(district_id) if row.value
            ]
            pieces = [p for p in await uow.pieces.list_all() if p.district_id == district_id]
            orders = await uow.orders.list_for_district(game.turn, district_id) if game else []
            return DistrictDetail(
                district=district,
                turn=game.turn if game else None,
                adjacent=tuple(sorted(adjacent.values(), key=lambda d: d.id)),
                influence=tuple(sorted(influence, key=lambda r: (-r.value, r.faction_id))),
                likeability=tuple(likeability),
                weekly=await uow.districts.get_weekly(district_id),
                modifiers=tuple(
                    m
                    for m in await uow.districts.list_modifiers(district_id)
                    if m.modifier_type != dbr.WEEKLY_DC
                ),
                rumors=tuple(await _rumor_lines(uow, district_id)),
                pieces=tuple(pieces),
                orders=tuple(orders),
                faction_names={f.id: f.name for f in await uow.factions.list_all()},
            )

    async def rumor_lines(self, actor: Actor, district_id: str | None = None) -> list[RumorLine]:
        """Rumors (one district's or all) with their DCs and who knows them: GM only."""
        require_gm(actor)
        async with self.db.read() as uow:
            if district_id is not None:
                await require_district(uow, district_id)
            return await _rumor_lines(uow, district_id)

    async def district_modifiers(
        self, actor: Actor, district_id: str | None = None
    ) -> list[dbr.DistrictModifier]:
        """The GM's named district modifiers (never the weekly row), canonical order."""
        require_gm(actor)
        async with self.db.read() as uow:
            return [
                m
                for m in await uow.districts.list_modifiers(district_id)
                if m.modifier_type != dbr.WEEKLY_DC
            ]

    async def all_pieces(
        self, actor: Actor, faction_id: str | None = None
    ) -> list[tuple[str, Piece]]:
        """Every piece, unaffiliated ones too (or one faction's), canonical order: GM only."""
        require_gm(actor)
        async with self.db.read() as uow:
            if faction_id is not None:
                await require_faction(uow, faction_id)
            pieces = await uow.pieces.list_all(faction_id)
        return [("agent" if isinstance(p, dbr.Agent) else "squadron", p) for p in pieces]

    async def piece_detail(self, actor: Actor, piece_type: str, piece_id: str) -> PieceDetail:
        """One piece with its owner, district and this turn's order: GM only."""
        require_gm(actor)
        check_choice("piece type", piece_type, dbr.PIECE_TYPES)
        async with self.db.read() as uow:
            piece: Piece = await (
                require_agent(uow, piece_id)
                if piece_type == "agent"
                else require_squadron(uow, piece_id)
            )
            game = await uow.game.find()
            order = (
                await uow.orders.find_for_piece(game.turn, piece_type, piece_id) if game else None
            )
            faction = await uow.factions.find(piece.faction_id) if piece.faction_id else None
            district = await uow.districts.find(piece.district_id) if piece.district_id else None
            return PieceDetail(
                piece_type=piece_type,
                piece=piece,
                faction_name=faction.name if faction else None,
                district_name=district.name if district else None,
                order=order,
                turn=game.turn if game else None,
            )


async def _rumor_lines(uow: UnitOfWork, district_id: str | None) -> list[RumorLine]:
    names = {d.id: d.name for d in await uow.districts.list_all()}
    known: dict[str, list[str]] = {}
    for k in await uow.factions.known_rumors():
        known.setdefault(k.rumor_id, []).append(k.faction_id)
    return [
        RumorLine(r, names.get(r.district_id, r.district_id), tuple(sorted(known.get(r.id, ()))))
        for r in await uow.districts.list_rumors(district_id)
    ]


# -- helpers -------------------------------------------------------------------------------


def _check_district_fields(fields: dict[str, Any]) -> dict[str, Any]:
    checked: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "name":
            checked[key] = check_name("district name", value)
        elif key == "description":
            checked[key] = check_optional_text("description", value)
        elif key in DISTRICT_PREFERENCES:
            checked[key] = check_choice(key.replace("_", " "), value, DISTRICT_PREFERENCES[key])
        elif key in DISTRICT_VALUES:
            checked[key] = check_int(key.replace("_", " "), value, 0, 10)
    return checked


def _check_piece_stats(
    stats: dict[str, Any], allowed: tuple[str, ...], lo: int, hi: int, kind: str
) -> dict[str, int]:
    unknown = sorted(set(stats) - set(allowed))
    if unknown:
        raise InvalidRequest(
            f"Unknown {kind} stat(s): {', '.join(unknown)}. Known: {', '.join(allowed)}."
        )
    return {name: check_int(name, value, lo, hi) for name, value in stats.items()}


async def _delete_orders_of(uow: UnitOfWork, piece_type: str, piece_id: str) -> None:
    """actions has no foreign key to the piece tables: drop the current turn's order by hand."""
    game = await uow.game.find()
    if game is not None and await uow.orders.find_for_piece(game.turn, piece_type, piece_id):
        await uow.orders.delete(game.turn, piece_type, piece_id)


async def _save_piece_changes(
    uow: UnitOfWork,
    piece: dbr.Agent | dbr.Squadron,
    faction_id: str | None,
    district_id: str | None,
    changes: dict[str, Any],
) -> dbr.Agent | dbr.Squadron:
    """A new owner drops the piece's order of this turn; so does a move off its district."""
    kind = "agent" if isinstance(piece, dbr.Agent) else "squadron"
    if faction_id is not UNSET:
        if faction_id is not None:
            await require_faction(uow, faction_id)
        changes["faction_id"] = faction_id
    await _check_move(uow, district_id, changes)
    with db_refusals():
        if changes.get("faction_id", piece.faction_id) != piece.faction_id:
            await _delete_orders_of(uow, kind, piece.id)
        elif await _moved_off_order(uow, kind, piece.id, changes):
            changes["assignment"] = None
        updated = dataclasses.replace(piece, **changes)
        if isinstance(updated, dbr.Agent):
            return await uow.pieces.update_agent(updated)
        return await uow.pieces.update_squadron(updated)


async def _check_move(uow: UnitOfWork, district_id: str | None, changes: dict[str, Any]) -> None:
    """A requested move (UNSET: none) names a real district or None (unplaced)."""
    if district_id is UNSET:
        return
    if district_id is not None:
        await require_district(uow, district_id)
    changes["district_id"] = district_id


async def _moved_off_order(
    uow: UnitOfWork, piece_type: str, piece_id: str, changes: dict[str, Any]
) -> bool:
    """A piece stands where its order is (§2.1): moved elsewhere, this turn's order goes."""
    if "district_id" not in changes:
        return False
    game = await uow.game.find()
    if game is None:
        return False
    order = await uow.orders.find_for_piece(game.turn, piece_type, piece_id)
    if order is None or order.district_id == changes["district_id"]:
        return False
    await uow.orders.delete(game.turn, piece_type, piece_id)
    return True


async def _delete_orders_targeting(uow: UnitOfWork, faction_id: str) -> None:
    """Take/initiate orders need their target: the schema would null it, phase 5 would fail."""
    game = await uow.game.find()
    if game is None:
        return
    for order in await uow.orders.list_for_turn(game.turn):
        if order.target_faction_id == faction_id and order.action_type in TARGET_REQUIRED:
            await uow.orders.delete(game.turn, order.piece_type, order.piece_id)


def _refuse_taken_name(factions: list[dbr.Faction], name: str, own_id: str | None = None) -> None:
    """Names are unique ignoring case, as in campaign files: players pick factions by name,
    and an export with two equal names would not import again."""
    for other in factions:
        if other.id != own_id and other.name.casefold() == name.casefold():
            raise InvalidRequest(
                f"The faction '{other.id}' is already called '{other.name}'; pick another name."
            )


async def _channel_uses(
    uow: UnitOfWork, *, setting: str | None = None, faction_id: str | None = None
) -> dict[int, str]:
    """What each configured channel is for, leaving out the one being (re)assigned: one
    channel serving two purposes would show GM answers or a faction's secrets to others."""
    settings = await uow.settings.get()
    uses: dict[int, str] = {}
    for key, label in (
        ("gm_channel_id", "the GM channel"),
        ("news_channel_id", "the news channel"),
    ):
        channel = getattr(settings, key)
        if channel is not None and key != setting:
            uses[channel] = label
    for existing in await uow.settings.list_faction_channels():
        if existing.faction_id != faction_id:
            uses[existing.channel_id] = f"the private channel of '{existing.faction_id}'"
    return uses
