"""Campaign files into and out of a campaign database.

The importer maps a validated ``CampaignFile`` onto the repositories in ONE
transaction, so a campaign is either wholly imported or not at all; the exporter
reads every table back into a ``CampaignFile``. The database has no notion of
the file's ordering, so an export lists entities in canonical (ascending key)
order: ``canonical(file)`` is what ``export_campaign(import_campaign(file))``
gives back.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.campaign.model import (
    AgentSpec,
    CampaignFile,
    DistrictModifierSpec,
    DistrictSpec,
    FactionModifierSpec,
    FactionSpec,
    MapSpec,
    MemberSpec,
    ModifierType,
    RumorSpec,
    ShapeKind,
    ShapeSpec,
    ShapeStyle,
    SquadronSpec,
    draw_seed,
)
from bot.rules.model import APTITUDES, ATTRIBUTES, SKILLS
from bot.services.errors import ServiceError
from db import backup as backups
from db import records as dbr
from db.database import Database
from db.errors import DomainError
from db.registry import CampaignRegistry
from db.uow import UnitOfWork

NEW_TURN = 1
NEW_PHASE = "preparation"
# Tables that survive a wipe: the schema's own bookkeeping.
_KEPT_TABLES = frozenset({"schema_migrations", "sqlite_sequence", "campaign_settings"})


@dataclass(frozen=True)
class ImportSummary:
    name: str
    seed: int
    turn: int
    phase: str
    factions: int
    districts: int
    agents: int
    squadrons: int
    rumors: int
    replaced: bool = False
    backup: Path | None = None


@dataclass(frozen=True)
class CampaignProgress:
    """What decides whether an import would destroy a game being played."""

    has_data: bool
    turn: int | None = None
    phase: str | None = None
    orders: int = 0
    reports: int = 0

    @property
    def in_progress(self) -> bool:
        return self.turn is not None and (
            self.turn > NEW_TURN or self.phase != NEW_PHASE or self.orders > 0 or self.reports > 0
        )

    def describe(self) -> str:
        return (
            f"turn {self.turn}, phase {self.phase}, {self.orders} order(s), "
            f"{self.reports} report(s)"
        )


# -- opening campaign databases ---------------------------------------------------------


async def open_campaign(
    registry: CampaignRegistry,
    *,
    guild_id: str | int | None = None,
    path: Path | str | None = None,
    create: bool = False,
) -> Database:
    """The migrated database of a guild (data_dir/campaigns/<guild>.sqlite3) or of a file.

    ``create=False`` refuses a campaign that does not exist yet, so a typo in a guild id
    never silently creates an empty campaign.
    """
    if (guild_id is None) == (path is None):
        raise ServiceError("Name exactly one campaign: a guild id or a database path.")
    target = registry.path_for(guild_id) if guild_id is not None else Path(path)  # type: ignore[arg-type]
    if not create and not target.is_file():
        what = f"guild {guild_id}" if guild_id is not None else str(target)
        raise ServiceError(f"No campaign database for {what} ({target}).")
    if create:
        target.parent.mkdir(parents=True, exist_ok=True)
    if guild_id is not None:
        return await registry.get(guild_id)
    return await registry.open_path(target)


def backup_dir_for(registry: CampaignRegistry, db: Database, guild_id: str | int | None) -> Path:
    """Where a campaign's backups go: the registry's per-guild folder, else beside the file."""
    return registry.backup_dir_for(guild_id) if guild_id is not None else db.path.parent / "backups"


# -- import -----------------------------------------------------------------------------


async def campaign_progress(uow: UnitOfWork) -> CampaignProgress:
    state = await uow.game.find()
    counts = await uow.campaign.counts()
    if state is None:
        return CampaignProgress(has_data=bool(counts.factions or counts.districts))
    return CampaignProgress(
        has_data=True,
        turn=state.turn,
        phase=state.phase,
        orders=counts.orders,
        reports=counts.reports,
    )


async def import_campaign(
    db: Database,
    campaign: CampaignFile,
    *,
    replace: bool = False,
    backup_dir: Path | None = None,
) -> ImportSummary:
    """Write ``campaign`` into ``db``, all or nothing.

    A campaign being played is only overwritten with ``replace=True``, after a backup.
    Any earlier content (e.g. a fresh campaign imported twice) is wiped in the same
    transaction as the import, so a failure leaves the database exactly as it was.
    """
    async with db.read() as uow:
        progress = await campaign_progress(uow)
    _refuse_if_in_progress(progress, replace)
    backup_path = None
    if progress.has_data and (replace or backup_dir is not None):
        folder = backup_dir or db.path.parent / "backups"
        backup_path = await backups.backup(db, folder, "pre-import")
    seed = draw_seed() if campaign.seed is None else campaign.seed
    try:
        async with db.transaction() as uow:
            current = await campaign_progress(uow)
            _refuse_if_in_progress(current, replace)
            if current.has_data:
                await wipe_campaign(uow)
            await _write_campaign(uow, campaign, seed, reset_settings=current.has_data)
    except ServiceError:
        raise
    except DomainError as exc:
        raise ServiceError(f"Import failed, nothing was written: {exc.message}") from exc
    return ImportSummary(
        name=campaign.name,
        seed=seed,
        turn=campaign.turn or NEW_TURN,
        phase=campaign.phase or NEW_PHASE,
        factions=len(campaign.factions),
        districts=len(campaign.districts),
        agents=len(campaign.agents),
        squadrons=len(campaign.squadrons),
        rumors=sum(len(d.rumors) for d in campaign.districts),
        replaced=progress.has_data,
        backup=backup_path,
    )


def _refuse_if_in_progress(progress: CampaignProgress, replace: bool) -> None:
    if progress.in_progress and not replace:
        raise ServiceError(
            f"A campaign is in progress here ({progress.describe()}); "
            "importing over it needs --replace (a backup is taken first)."
        )


async def wipe_campaign(uow: UnitOfWork) -> None:
    """Empty every game table inside the caller's transaction.

    The guild's Discord configuration (campaign_settings) is kept: the same guild keeps its
    GM role and channels when a GM replaces the campaign. Published newspaper issues are
    protected by triggers; they are dropped and recreated around the wipe, which is
    atomic because SQLite DDL is transactional.
    """
    await uow.campaign.wipe(keep=_KEPT_TABLES)


async def _write_campaign(
    uow: UnitOfWork, campaign: CampaignFile, seed: int, *, reset_settings: bool
) -> None:
    turn = campaign.turn or NEW_TURN
    phase = campaign.phase or NEW_PHASE
    await uow.game.initialise(campaign.name)
    if (turn, phase) != (NEW_TURN, NEW_PHASE):
        await uow.game.set_phase(turn, phase)
    if reset_settings:
        await uow.settings.update(campaign_name=campaign.name, rng_seed=seed, turn_deadline=None)
    else:
        await uow.settings.update(campaign_name=campaign.name, rng_seed=seed)
    await _write_factions(uow, campaign, turn)
    await _write_districts(uow, campaign, turn)
    await _write_pieces(uow, campaign)
    if campaign.map is not None:
        m = campaign.map
        await uow.maps.set_config(dbr.MapConfig(m.base_image, m.width, m.height))
    if turn == NEW_TURN and phase == NEW_PHASE:
        await uow.history.snapshot_influence(0)


async def _write_factions(uow: UnitOfWork, campaign: CampaignFile, turn: int) -> None:
    await uow.factions.upsert_many(
        [
            dbr.Faction(f.key, f.name, f.description, f.monitoring_bonus, f.color)
            for f in campaign.factions
        ]
    )
    for f in campaign.factions:
        for user in f.members:
            await uow.settings.add_member(user.user_id, f.key, user.leader)
        if f.channel_id is not None:
            await uow.settings.set_faction_channel(f.key, f.channel_id)
        for resource, value in sorted(f.resources.items()):
            await uow.factions.set_resource(f.key, resource, value)
        for index, mod in enumerate(f.modifiers):
            await uow.factions.add_modifier(
                dbr.FactionModifier(
                    modifier_id(f.key, index), f.key, mod.name, mod.type.value, mod.value
                )
            )
    await uow.factions.set_relationships_many(
        [dbr.Relationship(a, b, v) for (a, b), v in sorted(campaign.relationships.items())]
    )
    # Relationships first: a support declaration is checked against them (§6.4).
    for f in campaign.factions:
        for target in f.supports:
            await uow.factions.set_support(turn, f.key, target, True)


def modifier_id(owner: str, index: int) -> str:
    """Zero-padded so ascending ids keep the file's order of an owner's modifiers."""
    return f"{owner}:mod:{index:04d}"


async def _write_districts(uow: UnitOfWork, campaign: CampaignFile, turn: int) -> None:
    await uow.districts.upsert_many(
        [
            dbr.District(
                id=d.key,
                name=d.name,
                description=d.description,
                commerce_value=d.commerce,
                muster_value=d.muster,
                aristocratic_value=d.aristocratic,
                preferred_gain_attribute=d.preferred_gain_attribute,
                preferred_gain_skill=d.preferred_gain_skill,
                preferred_gain_squadron_aptitude=d.preferred_gain_squadron_aptitude,
                preferred_monitor_attribute=d.preferred_monitor_attribute,
                preferred_monitor_skill=d.preferred_monitor_skill,
                preferred_monitor_squadron_aptitude=d.preferred_monitor_squadron_aptitude,
            )
            for d in campaign.districts
        ]
    )
    await uow.districts.add_adjacency_many(
        sorted({(d.key, other) for d in campaign.districts for other in d.adjacent})
    )
    influence: list[dbr.InfluenceChange] = []
    likeability: list[dbr.Likeability] = []
    rumors: list[dbr.Rumor] = []
    known: list[dbr.KnownRumor] = []
    discovered_on = max(turn - 1, 0)
    for d in campaign.districts:
        for faction in sorted(set(d.influence) | set(d.strongholds)):
            influence.append(
                dbr.InfluenceChange(
                    d.key, faction, d.influence.get(faction, 0), faction in d.strongholds
                )
            )
        likeability += [dbr.Likeability(d.key, f, v) for f, v in sorted(d.likeability.items())]
        for index, mod in enumerate(d.modifiers):
            await uow.districts.add_modifier(
                dbr.DistrictModifier(
                    modifier_id(d.key, index), d.key, mod.type, mod.value, mod.expires_on
                )
            )
        for r in d.rumors:
            rumors.append(
                dbr.Rumor(
                    id=r.key,
                    district_id=d.key,
                    rumor_text=r.text,
                    discovery_dc=r.dc,
                    name=r.name,
                    initial_dc=r.dc,
                    newspaper_hint=r.newspaper_hint,
                    newspaper_weight=r.newspaper_weight,
                    is_discovered=bool(r.known_by),
                )
            )
            known += [dbr.KnownRumor(f, r.key, discovered_on) for f in r.known_by]
    await uow.districts.set_influence_many(influence)
    await uow.districts.set_likeability_many(likeability)
    await uow.districts.set_weekly_many({d.key: d.weekly_modifier for d in campaign.districts})
    await uow.districts.create_rumors_many(rumors)
    await uow.factions.add_known_rumors_many(known)
    await uow.maps.set_shapes_many(
        {d.key: shape_to_json(d.shape) for d in campaign.districts if d.shape is not None}
    )


async def _write_pieces(uow: UnitOfWork, campaign: CampaignFile) -> None:
    await uow.pieces.upsert_agents_many(
        [
            dbr.Agent(
                id=a.key,
                name=a.name,
                faction_id=a.faction,
                district_id=a.district,
                **{n: a.attributes.get(n, 0) for n in ATTRIBUTES},
                **{n: a.skills.get(n, 0) for n in SKILLS},
            )
            for a in campaign.agents
        ]
    )
    await uow.pieces.upsert_squadrons_many(
        [
            dbr.Squadron(
                id=s.key,
                name=s.name,
                faction_id=s.faction,
                type=s.type,
                mobility=s.mobility,
                district_id=s.district,
                **{f"{n}_aptitude": s.aptitudes.get(n, -1) for n in APTITUDES},
            )
            for s in campaign.squadrons
        ]
    )


# -- shapes -----------------------------------------------------------------------------


def shape_to_json(shape: ShapeSpec) -> dict[str, Any]:
    """district_shapes.shape_data: the TOML shape table, relative 0..1 coordinates."""
    data: dict[str, Any] = {"type": shape.kind.value}
    if shape.kind is ShapeKind.POLYGON:
        data["points"] = [[x, y] for x, y in shape.points]
    elif shape.kind is ShapeKind.RECTANGLE:
        data.update(x=shape.x, y=shape.y, width=shape.width, height=shape.height)
    else:
        data.update(cx=shape.cx, cy=shape.cy, r=shape.r)
    style = shape.style
    for key, value in (
        ("fill", style.fill),
        ("border", style.border),
        ("border_width", style.border_width),
    ):
        if value is not None:
            data[key] = value
    return data


def shape_from_json(data: dict[str, Any]) -> ShapeSpec:
    kind = ShapeKind(data["type"])
    style = ShapeStyle(data.get("fill"), data.get("border"), data.get("border_width"))
    if kind is ShapeKind.POLYGON:
        points = tuple((float(x), float(y)) for x, y in data["points"])
        return ShapeSpec(kind, points=points, style=style)
    if kind is ShapeKind.RECTANGLE:
        return ShapeSpec(
            kind, x=data["x"], y=data["y"], width=data["width"], height=data["height"], style=style
        )
    return ShapeSpec(kind, cx=data["cx"], cy=data["cy"], r=data["r"], style=style)


# -- export -----------------------------------------------------------------------------


async def export_campaign(db: Database) -> CampaignFile:
    """Everything a campaign file can hold, read back from one consistent snapshot."""
    async with db.read() as uow:
        state = await uow.game.find()
        if state is None:
            raise ServiceError("This database holds no campaign yet (import one first).")
        settings = await uow.settings.get()
        factions = await _export_factions(uow, state.turn)
        districts = await _export_districts(uow)
        agents = [
            AgentSpec(
                key=a.id,
                name=a.name,
                faction=a.faction_id,
                district=a.district_id,
                attributes={n: a.attribute(n) for n in ATTRIBUTES},
                skills={n: a.skill(n) for n in SKILLS},
            )
            for a in await uow.pieces.list_agents()
        ]
        squadrons = [
            SquadronSpec(
                key=s.id,
                name=s.name,
                faction=s.faction_id or "",
                district=s.district_id,
                type=s.type,
                mobility=s.mobility,
                aptitudes={n: s.aptitude(n) for n in APTITUDES},
            )
            for s in await uow.pieces.list_squadrons()
        ]
        relationships = await uow.factions.relationship_map()
        map_spec = None
        config = await uow.maps.find_config()
        if config is not None:
            map_spec = MapSpec(config.base_map_path, config.map_width, config.map_height)
    return CampaignFile(
        name=settings.campaign_name or state.campaign_name,
        seed=settings.rng_seed,
        turn=state.turn,
        phase=state.phase,
        factions=tuple(factions),
        relationships=dict(sorted(relationships.items())),
        districts=tuple(districts),
        agents=tuple(agents),
        squadrons=tuple(squadrons),
        map=map_spec,
    )


async def _export_factions(uow: UnitOfWork, turn: int) -> list[FactionSpec]:
    members: dict[str, list[MemberSpec]] = defaultdict(list)
    for m in await uow.settings.list_members():
        members[m.faction_id].append(MemberSpec(m.user_id, m.is_leader))
    channels = {c.faction_id: c.channel_id for c in await uow.settings.list_faction_channels()}
    resources: dict[str, dict[str, int]] = defaultdict(dict)
    for r in await uow.factions.list_resources():
        resources[r.faction_id][r.resource_type] = r.value
    modifiers: dict[str, list[FactionModifierSpec]] = defaultdict(list)
    for mod in await uow.factions.list_modifiers():
        modifiers[mod.faction_id].append(
            FactionModifierSpec(mod.name, ModifierType(mod.modifier_type), mod.value)
        )
    supports: dict[str, list[str]] = defaultdict(list)
    for s in await uow.factions.list_support(turn, only_active=True):
        supports[s.declaring_faction_id].append(s.target_faction_id)
    return [
        FactionSpec(
            key=f.id,
            name=f.name,
            description=f.description or "",
            color=f.color,
            monitoring_bonus=f.monitoring_bonus,
            resources=resources.get(f.id, {}),
            modifiers=tuple(modifiers.get(f.id, ())),
            members=tuple(sorted(members.get(f.id, ()), key=lambda m: m.user_id)),
            channel_id=channels.get(f.id),
            supports=tuple(sorted(supports.get(f.id, ()))),
        )
        for f in await uow.factions.list_all()
    ]


async def _export_districts(uow: UnitOfWork) -> list[DistrictSpec]:
    adjacency = await uow.districts.adjacency_map()
    shapes = {s.district_id: shape_from_json(s.shape) for s in await uow.maps.list_shapes()}
    weekly = await uow.districts.weekly_all()
    influence: dict[str, dict[str, int]] = defaultdict(dict)
    strongholds: dict[str, list[str]] = defaultdict(list)
    for inf in await uow.districts.list_influence():
        if inf.has_stronghold:
            strongholds[inf.district_id].append(inf.faction_id)
        # A 0 row exists either because the file said so or to hold a stronghold.
        if inf.value > 0 or not inf.has_stronghold:
            influence[inf.district_id][inf.faction_id] = inf.value
    likeability: dict[str, dict[str, int]] = defaultdict(dict)
    for like in await uow.districts.list_likeability():
        likeability[like.district_id][like.faction_id] = like.value
    modifiers: dict[str, list[DistrictModifierSpec]] = defaultdict(list)
    for mod in await uow.districts.list_modifiers():
        if mod.modifier_type != dbr.WEEKLY_DC:
            modifiers[mod.district_id].append(
                DistrictModifierSpec(mod.modifier_type, mod.modifier_value, mod.expires_on)
            )
    known: dict[str, list[str]] = defaultdict(list)
    for k in await uow.factions.known_rumors():
        known[k.rumor_id].append(k.faction_id)
    rumors: dict[str, list[RumorSpec]] = defaultdict(list)
    for r in await uow.districts.list_rumors():
        rumors[r.district_id].append(
            RumorSpec(
                key=r.id,
                name=r.name,
                text=r.rumor_text,
                dc=r.discovery_dc,
                newspaper_hint=r.newspaper_hint,
                newspaper_weight=float(r.newspaper_weight),
                known_by=tuple(sorted(known.get(r.id, ()))),
            )
        )
    return [
        DistrictSpec(
            key=d.id,
            name=d.name,
            preferred_gain_attribute=d.preferred_gain_attribute,
            preferred_gain_skill=d.preferred_gain_skill,
            preferred_gain_squadron_aptitude=d.preferred_gain_squadron_aptitude,
            preferred_monitor_attribute=d.preferred_monitor_attribute,
            preferred_monitor_skill=d.preferred_monitor_skill,
            preferred_monitor_squadron_aptitude=d.preferred_monitor_squadron_aptitude,
            description=d.description or "",
            commerce=d.commerce_value,
            muster=d.muster_value,
            aristocratic=d.aristocratic_value,
            adjacent=tuple(sorted(adjacency.get(d.id, ()))),
            shape=shapes.get(d.id),
            weekly_modifier=weekly.get(d.id, 0),
            modifiers=tuple(modifiers.get(d.id, ())),
            influence=influence.get(d.id, {}),
            strongholds=tuple(sorted(strongholds.get(d.id, ()))),
            likeability=likeability.get(d.id, {}),
            rumors=tuple(rumors.get(d.id, ())),
        )
        for d in await uow.districts.list_all()
    ]


def canonical(campaign: CampaignFile) -> CampaignFile:
    """The campaign as an export lists it: entities by key, members by user id, rumors of a
    district by key, and no explicit 0 influence beside a stronghold (the row holds both)."""

    def district(d: DistrictSpec) -> DistrictSpec:
        influence = {f: v for f, v in d.influence.items() if v > 0 or f not in set(d.strongholds)}
        return dataclasses.replace(
            d, influence=influence, rumors=tuple(sorted(d.rumors, key=lambda r: r.key))
        )

    def faction(f: FactionSpec) -> FactionSpec:
        return dataclasses.replace(f, members=tuple(sorted(f.members, key=lambda m: m.user_id)))

    return dataclasses.replace(
        campaign,
        factions=tuple(faction(f) for f in sorted(campaign.factions, key=lambda f: f.key)),
        relationships=dict(sorted(campaign.relationships.items())),
        districts=tuple(district(d) for d in sorted(campaign.districts, key=lambda d: d.key)),
        agents=tuple(sorted(campaign.agents, key=lambda a: a.key)),
        squadrons=tuple(sorted(campaign.squadrons, key=lambda s: s.key)),
    )
