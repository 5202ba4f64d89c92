"""The GM's setup and editing operations (campaign, factions, districts, pieces, ledger).

Every method takes the acting ``Actor`` first, requires the GM, validates all its
input before the first write and runs in one transaction, so a refusal changes
nothing. Ids are readable slugs of the names (``red-company``, ``red-company-2``).
"""

from __future__ import annotations

import dataclasses
import secrets
from typing import Any

from bot.rules import model as rm
from bot.services.access import Actor, require_gm
from bot.services.errors import InvalidRequest
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
            taken = [f.id for f in await uow.factions.list_all()]
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
            faction = await _faction(uow, faction_id)
            with db_refusals():
                return await uow.factions.update(dataclasses.replace(faction, **changes))

    async def delete_faction(self, actor: Actor, faction_id: str) -> None:
        """Removes its influence, orders, members...; its pieces remain, unowned."""
        require_gm(actor)
        async with self.db.transaction() as uow:
            await _faction(uow, faction_id)
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
            faction = await _faction(uow, faction_id)
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
            await _faction(uow, faction_id)
            return await uow.settings.members_of(faction_id)

    async def set_faction_channel(
        self, actor: Actor, faction_id: str, channel_id: int | None
    ) -> None:
        """The private channel deliveries fall back to; None removes it."""
        require_gm(actor)
        channel = check_discord_id("channel id", channel_id)
        async with self.db.transaction() as uow:
            await _faction(uow, faction_id)
            if channel is not None:
                for existing in await uow.settings.list_faction_channels():
                    if existing.channel_id == channel and existing.faction_id != faction_id:
                        raise InvalidRequest(
                            f"That channel is already the private channel of '{existing.faction_id}'."
                        )
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
            district = await _district(uow, district_id)
            with db_refusals():
                return await uow.districts.update(dataclasses.replace(district, **checked))

    async def delete_district(self, actor: Actor, district_id: str) -> None:
        """Removes its influence, adjacency, rumors, orders...; pieces there become unplaced."""
        require_gm(actor)
        async with self.db.transaction() as uow:
            await _district(uow, district_id)
            with db_refusals():
                await uow.districts.delete(district_id)

    async def set_adjacency(self, actor: Actor, district_id: str, other_id: str) -> None:
        """Symmetric: both directions are stored (§1.1)."""
        require_gm(actor)
        if district_id == other_id:
            raise InvalidRequest("A district cannot be adjacent to itself.")
        async with self.db.transaction() as uow:
            await _district(uow, district_id)
            await _district(uow, other_id)
            with db_refusals():
                await uow.districts.add_adjacency(district_id, other_id)

    async def remove_adjacency(self, actor: Actor, district_id: str, other_id: str) -> None:
        require_gm(actor)
        async with self.db.transaction() as uow:
            await _district(uow, district_id)
            await _district(uow, other_id)
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
            await _district(uow, district_id)
            await _faction(uow, faction_id)
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
            district = await _district(uow, district_id)
            await _faction(uow, faction_id)
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
            await _district(uow, district_id)
            await _faction(uow, faction_id)
            with db_refusals():
                await uow.districts.set_stronghold(district_id, faction_id, bool(has_stronghold))
                return await uow.districts.get_influence(district_id, faction_id)

    async def set_weekly_modifier(self, actor: Actor, district_id: str, value: int) -> None:
        require_gm(actor)
        check_int("weekly DC modifier", value, -2, 2)
        async with self.db.transaction() as uow:
            await _district(uow, district_id)
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
            await _district(uow, district_id)
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
            await _district(uow, district_id)
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
                await _district(uow, district_id)
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
            await _faction(uow, faction_id)
            await _faction(uow, other_id)
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
            await _faction(uow, faction_id)
            with db_refusals():
                await uow.factions.set_resource(faction_id, kind, value)
        return dbr.Resource(faction_id, kind, value)

    async def delete_resource(self, actor: Actor, faction_id: str, resource_type: str) -> None:
        require_gm(actor)
        async with self.db.transaction() as uow:
            await _faction(uow, faction_id)
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
            await _faction(uow, faction_id)
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

    # -- pieces ----------------------------------------------------------------------------

    async def create_agent(
        self, actor: Actor, name: str, faction_id: str | None = None, **stats: int
    ) -> dbr.Agent:
        """Stats by name (intellect=3, infiltration=2, ...), each 0..5, default 0."""
        require_gm(actor)
        label = check_name("agent name", name)
        checked = _check_piece_stats(stats, AGENT_STATS, 0, 5, "agent")
        async with self.db.transaction() as uow:
            if faction_id is not None:
                await _faction(uow, faction_id)
            taken = [a.id for a in await uow.pieces.list_agents()]
            agent = dbr.Agent(
                id=unique_slug(label, taken, "agent"), name=label, faction_id=faction_id, **checked
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
        **aptitudes: int,
    ) -> dbr.Squadron:
        """Aptitudes by name (combat=2, monitoring=3, ...), each −3..5, default −1."""
        require_gm(actor)
        label = check_name("squadron name", name)
        kind = check_optional_text("squadron type", type, 50) or ""
        check_int("mobility", mobility, 0, 5)
        checked = _check_piece_stats(aptitudes, rm.APTITUDES, -3, 5, "squadron")
        async with self.db.transaction() as uow:
            if faction_id is not None:
                await _faction(uow, faction_id)
            taken = [s.id for s in await uow.pieces.list_squadrons()]
            squadron = dbr.Squadron(
                id=unique_slug(label, taken, "squadron"),
                name=label,
                faction_id=faction_id,
                type=kind,
                mobility=mobility,
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
        **stats: int,
    ) -> dbr.Agent:
        """Changing the faction hands the agent over and cancels its order of this turn."""
        require_gm(actor)
        changes = _check_piece_stats(stats, AGENT_STATS, 0, 5, "agent")
        if name is not UNSET:
            changes["name"] = check_name("agent name", name)
        async with self.db.transaction() as uow:
            agent = await _agent(uow, agent_id)
            if faction_id is not UNSET:
                if faction_id is not None:
                    await _faction(uow, faction_id)
                changes["faction_id"] = faction_id
            with db_refusals():
                if changes.get("faction_id", agent.faction_id) != agent.faction_id:
                    await _delete_orders_of(uow, "agent", agent_id)
                return await uow.pieces.update_agent(dataclasses.replace(agent, **changes))

    async def update_squadron(
        self,
        actor: Actor,
        squadron_id: str,
        *,
        name: str = UNSET,
        faction_id: str | None = UNSET,
        type: str = UNSET,  # noqa: A002 - the schema's name
        mobility: int = UNSET,
        **aptitudes: int,
    ) -> dbr.Squadron:
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
            squadron = await _squadron(uow, squadron_id)
            if faction_id is not UNSET:
                if faction_id is not None:
                    await _faction(uow, faction_id)
                changes["faction_id"] = faction_id
            with db_refusals():
                if changes.get("faction_id", squadron.faction_id) != squadron.faction_id:
                    await _delete_orders_of(uow, "squadron", squadron_id)
                return await uow.pieces.update_squadron(dataclasses.replace(squadron, **changes))

    async def delete_agent(self, actor: Actor, agent_id: str) -> None:
        require_gm(actor)
        async with self.db.transaction() as uow:
            await _agent(uow, agent_id)
            with db_refusals():
                await _delete_orders_of(uow, "agent", agent_id)
                await uow.pieces.delete_agent(agent_id)

    async def delete_squadron(self, actor: Actor, squadron_id: str) -> None:
        require_gm(actor)
        async with self.db.transaction() as uow:
            await _squadron(uow, squadron_id)
            with db_refusals():
                await _delete_orders_of(uow, "squadron", squadron_id)
                await uow.pieces.delete_squadron(squadron_id)


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


async def _delete_orders_targeting(uow: UnitOfWork, faction_id: str) -> None:
    """Take/initiate orders need their target: the schema would null it, phase 5 would fail."""
    game = await uow.game.find()
    if game is None:
        return
    for order in await uow.orders.list_for_turn(game.turn):
        if order.target_faction_id == faction_id and order.action_type in TARGET_REQUIRED:
            await uow.orders.delete(game.turn, order.piece_type, order.piece_id)


async def _faction(uow: UnitOfWork, faction_id: str) -> dbr.Faction:
    faction = await uow.factions.find(faction_id)
    if faction is None:
        raise InvalidRequest(f"Unknown faction '{faction_id}'.")
    return faction


async def _district(uow: UnitOfWork, district_id: str) -> dbr.District:
    district = await uow.districts.find(district_id)
    if district is None:
        raise InvalidRequest(f"Unknown district '{district_id}'.")
    return district


async def _agent(uow: UnitOfWork, agent_id: str) -> dbr.Agent:
    found = await uow.pieces.get_agents_many([agent_id])
    if agent_id not in found:
        raise InvalidRequest(f"Unknown agent '{agent_id}'.")
    return found[agent_id]


async def _squadron(uow: UnitOfWork, squadron_id: str) -> dbr.Squadron:
    found = await uow.pieces.get_squadrons_many([squadron_id])
    if squadron_id not in found:
        raise InvalidRequest(f"Unknown squadron '{squadron_id}'.")
    return found[squadron_id]
