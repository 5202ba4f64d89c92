"""Campaign import/export against a real migrated SQLite file."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.campaign import CampaignFile, dump, load
from bot.campaign.model import DistrictModifierSpec, MemberSpec
from bot.cli_simulate import simulate
from bot.services.access import Actor
from bot.services.campaign_io import (
    canonical,
    export_campaign,
    import_campaign,
    open_campaign,
)
from bot.services.errors import ServiceError
from bot.services.newspaper import NewspaperService
from db import backup as backups
from db.database import Database
from db.migrations import migrate
from db.records import NewspaperIssue
from db.registry import CampaignRegistry

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TIMESTAMPS = {"created_at", "updated_at", "last_updated", "applied_at"}


async def open_db(path: Path) -> Database:
    database = Database(path)
    await database.open()
    await migrate(database)
    return database


@pytest.fixture
async def fresh_db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await open_db(tmp_path / "io.sqlite3")
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture(scope="module")
def harbor() -> CampaignFile:
    return load(EXAMPLES / "harbor_city.toml")


@pytest.fixture(scope="module")
def minimal() -> CampaignFile:
    return load(EXAMPLES / "minimal.toml")


async def dump_tables(db: Database) -> dict[str, list[tuple]]:
    """Every game table, rows sorted, timestamps left out."""
    result: dict[str, list[tuple]] = {}
    async with db.read() as uow:
        tables = await uow.sql.fetchall(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
            "AND name <> 'schema_migrations' ORDER BY name"
        )
        for (table,) in tables:
            columns = [
                r[1]
                for r in await uow.sql.fetchall(f'PRAGMA table_info("{table}")')
                if r[1] not in TIMESTAMPS
            ]
            rows = await uow.sql.fetchall(f'SELECT {", ".join(columns)} FROM "{table}"')
            result[table] = sorted((tuple(r) for r in rows), key=repr)
    return result


async def row_count(db: Database) -> int:
    return sum(len(rows) for rows in (await dump_tables(db)).values())


# -- import -----------------------------------------------------------------------------


async def test_import_sample_fills_every_table(fresh_db: Database, harbor: CampaignFile) -> None:
    summary = await import_campaign(fresh_db, harbor)
    assert (summary.factions, summary.districts, summary.agents, summary.squadrons) == (
        4,
        16,
        17,
        9,
    )
    assert summary.rumors == sum(len(d.rumors) for d in harbor.districts) > 0
    assert 0 <= summary.seed < 2**64 and (summary.turn, summary.phase) == (1, "preparation")
    tables = await dump_tables(fresh_db)
    for table in (
        "game_state", "campaign_settings", "factions", "faction_relationships",
        "faction_resources", "faction_modifiers", "districts", "district_adjacency",
        "district_influence", "district_likeability", "district_modifiers", "district_rumors",
        "faction_known_rumors", "agents", "squadrons", "district_shapes", "map_configuration",
        "faction_support_status", "influence_snapshots",
    ):  # fmt: skip
        assert tables[table], f"{table} is empty"
    async with fresh_db.read() as uow:
        settings = await uow.settings.get()
        assert settings.rng_seed == summary.seed and settings.campaign_name == harbor.name
        assert (await uow.game.get()).campaign_name == harbor.name
        assert await uow.factions.relationship_map() == harbor.relationships
        for spec in harbor.districts:
            rows = await uow.districts.list_influence(district_id=spec.key)
            assert {r.faction_id: r.value for r in rows if r.value} == {
                f: v for f, v in spec.influence.items() if v
            }
            assert sorted(r.faction_id for r in rows if r.has_stronghold) == sorted(
                spec.strongholds
            )
            assert await uow.districts.get_weekly(spec.key) == spec.weekly_modifier
            assert sorted(await uow.districts.adjacent_to(spec.key)) == sorted(spec.adjacent)
        lantern = harbor.faction("lantern_guild")
        assert lantern is not None
        resources = {
            r.resource_type: r.value for r in await uow.factions.list_resources("lantern_guild")
        }
        assert resources == dict(lantern.resources)
        mods = await uow.factions.list_modifiers("lantern_guild")
        assert [(m.name, m.modifier_type, m.value) for m in mods] == [
            (m.name, m.type.value, m.value) for m in lantern.modifiers
        ]
        support = await uow.factions.list_support(1)
        assert {(s.declaring_faction_id, s.target_faction_id) for s in support} == {
            (f.key, t) for f in harbor.factions for t in f.supports
        }
        known = await uow.factions.known_rumors()
        expected = {(f, r.key) for d in harbor.districts for r in d.rumors for f in r.known_by}
        assert {(k.faction_id, k.rumor_id) for k in known} == expected
        assert all(k.discovered_on == 0 for k in known)
        rumors = {r.id: r for r in await uow.districts.list_rumors()}
        for d in harbor.districts:
            for spec_rumor in d.rumors:
                stored = rumors[spec_rumor.key]
                assert (stored.name, stored.rumor_text, stored.discovery_dc, stored.initial_dc) == (
                    spec_rumor.name, spec_rumor.text, spec_rumor.dc, spec_rumor.dc,
                )  # fmt: skip
                assert stored.newspaper_hint == spec_rumor.newspaper_hint
                assert stored.newspaper_weight == spec_rumor.newspaper_weight
                assert stored.is_discovered == bool(spec_rumor.known_by)
        config = await uow.maps.get_config()
        assert harbor.map is not None
        assert (config.base_map_path, config.map_width, config.map_height) == (
            harbor.map.base_image, harbor.map.width, harbor.map.height,
        )  # fmt: skip
        shapes = {s.district_id: s.shape for s in await uow.maps.list_shapes()}
        assert set(shapes) == {d.key for d in harbor.districts if d.shape is not None}
        snapshot = await uow.history.snapshots(turn=0)
        assert sum(s.value for s in snapshot) == sum(
            sum(d.influence.values()) for d in harbor.districts
        )


async def test_members_channels_and_midgame_fields(
    fresh_db: Database, minimal: CampaignFile
) -> None:
    red, blue = minimal.factions
    campaign = dataclasses.replace(
        minimal,
        turn=4,
        phase="assignment",
        factions=(
            dataclasses.replace(red, members=(MemberSpec(11, True), MemberSpec(12)), channel_id=77),
            blue,
        ),
        districts=tuple(
            dataclasses.replace(
                d,
                rumors=tuple(dataclasses.replace(r, known_by=("blue",)) for r in d.rumors),
                modifiers=(DistrictModifierSpec("festival", 2, expires_on=5),),
            )
            for d in minimal.districts
        ),
    )
    await import_campaign(fresh_db, campaign)
    async with fresh_db.read() as uow:
        assert [(m.user_id, m.faction_id, m.is_leader) for m in await uow.settings.list_members()] == [
            (11, "red", True), (12, "red", False),
        ]  # fmt: skip
        assert await uow.settings.faction_channel("red") == 77
        assert [(k.rumor_id, k.discovered_on) for k in await uow.factions.known_rumors("blue")] == [
            ("loose-stone", 3)
        ]
        state = await uow.game.get()
        assert (state.turn, state.phase) == (4, "assignment")
        assert await uow.history.snapshots() == []  # not a new campaign: no turn-0 snapshot
    exported = await export_campaign(fresh_db)
    assert exported == canonical(campaign)


async def test_failure_at_database_level_writes_nothing(
    fresh_db: Database, minimal: CampaignFile
) -> None:
    # The file checker would catch this, but a campaign built in code reaches the DB as is.
    west, *rest = minimal.districts
    broken = dataclasses.replace(
        minimal, districts=(*rest, dataclasses.replace(west, influence={"red": 6, "blue": 5}))
    )
    with pytest.raises(ServiceError, match="nothing was written"):
        await import_campaign(fresh_db, broken)
    assert await row_count(fresh_db) == 0


async def test_injected_failure_after_every_write_rolls_back(
    fresh_db: Database, minimal: CampaignFile, harbor: CampaignFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    await import_campaign(fresh_db, minimal)
    before = await dump_tables(fresh_db)

    async def explode(self: object, config: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("db.repositories.maps.MapRepository.set_config", explode)
    with pytest.raises(RuntimeError, match="disk on fire"):
        await import_campaign(fresh_db, harbor)  # fails at the map, the very last table
    assert await dump_tables(fresh_db) == before


async def test_refuses_campaign_in_progress_then_replaces_after_backup(
    fresh_db: Database, minimal: CampaignFile, harbor: CampaignFile, tmp_path: Path
) -> None:
    await import_campaign(fresh_db, minimal)
    async with fresh_db.transaction() as uow:
        await uow.game.set_phase(2, "assignment")
        await uow.newspaper.create_issue(NewspaperIssue("n1", 1, "2024-06-01", "The Crier"))
        await uow.newspaper.publish("n1", "2024-06-01T00:00:00Z")
    before = await dump_tables(fresh_db)
    with pytest.raises(ServiceError, match="in progress"):
        await import_campaign(fresh_db, harbor)
    assert await dump_tables(fresh_db) == before

    folder = tmp_path / "backups"
    summary = await import_campaign(fresh_db, harbor, replace=True, backup_dir=folder)
    assert summary.replaced and summary.backup is not None and summary.backup.parent == folder
    assert [b.path for b in backups.list_backups(folder)] == [summary.backup]
    async with fresh_db.read() as uow:
        state = await uow.game.get()
        assert (state.turn, state.campaign_name) == (1, harbor.name)
        assert await uow.newspaper.list_issues() == []
        assert await uow.districts.find("west") is None  # nothing of the old campaign is left
    kept = await open_db(summary.backup)
    try:
        async with kept.read() as uow:
            assert (await uow.game.get()).turn == 2
            assert [i.id for i in await uow.newspaper.list_issues()] == ["n1"]
    finally:
        await kept.close()


async def test_fresh_campaign_is_replaced_without_flag(
    fresh_db: Database, minimal: CampaignFile, harbor: CampaignFile
) -> None:
    await import_campaign(fresh_db, harbor)
    summary = await import_campaign(fresh_db, minimal)
    assert summary.replaced and summary.backup is None
    assert await export_campaign(fresh_db) == dataclasses.replace(
        canonical(minimal), turn=1, phase="preparation"
    )


# -- export / round trip ----------------------------------------------------------------


async def test_export_gives_back_the_file(fresh_db: Database, harbor: CampaignFile) -> None:
    summary = await import_campaign(fresh_db, harbor)
    exported = await export_campaign(fresh_db)
    assert exported == dataclasses.replace(
        canonical(harbor), seed=summary.seed, turn=1, phase="preparation"
    )


async def test_round_trip_gives_identical_tables(
    fresh_db: Database, harbor: CampaignFile, tmp_path: Path
) -> None:
    await import_campaign(fresh_db, harbor)
    exported = await export_campaign(fresh_db)
    second = await open_db(tmp_path / "second.sqlite3")
    try:
        await import_campaign(second, exported)
        first_tables, second_tables = await dump_tables(fresh_db), await dump_tables(second)
        assert first_tables == second_tables
        assert await export_campaign(second) == exported
    finally:
        await second.close()


async def test_export_of_empty_database_is_refused(fresh_db: Database) -> None:
    with pytest.raises(ServiceError, match="no campaign"):
        await export_campaign(fresh_db)


async def test_open_campaign_by_guild_and_path(tmp_path: Path, minimal: CampaignFile) -> None:
    registry = CampaignRegistry(tmp_path / "data")
    try:
        with pytest.raises(ServiceError, match="No campaign database for guild 5"):
            await open_campaign(registry, guild_id="5")
        db = await open_campaign(registry, guild_id="5", create=True)
        assert db.path == tmp_path / "data" / "campaigns" / "5.sqlite3"
        await import_campaign(db, minimal)
        same = await open_campaign(registry, path=db.path)
        assert (await export_campaign(same)).name == minimal.name
        with pytest.raises(ServiceError, match="exactly one"):
            await open_campaign(registry)
    finally:
        await registry.close_all()


# -- round trips through the TOML text ----------------------------------------------------

SETUP_TABLES = (
    "factions", "faction_relationships", "faction_resources", "faction_modifiers",
    "faction_members", "faction_channels", "districts", "district_adjacency",
    "district_influence", "district_likeability", "district_modifiers", "agents", "squadrons",
    "district_shapes", "map_configuration", "game_state", "campaign_settings",
)  # fmt: skip


async def test_text_round_trip_gives_identical_tables_and_text(
    fresh_db: Database, harbor: CampaignFile, tmp_path: Path
) -> None:
    """File -> import -> export -> TOML text -> import into a fresh database: same tables."""
    await import_campaign(fresh_db, dataclasses.replace(harbor, seed=2**64 - 5))
    text = dump(await export_campaign(fresh_db))
    second = await open_db(tmp_path / "second.sqlite3")
    try:
        await import_campaign(second, load(text.encode(), base_dir=EXAMPLES))
        assert await dump_tables(second) == await dump_tables(fresh_db)
        assert dump(await export_campaign(second)) == text
    finally:
        await second.close()


async def test_a_played_campaign_exports_its_current_board(
    fresh_db: Database, harbor: CampaignFile, tmp_path: Path
) -> None:
    """After three simulated turns the export is the board as it stands; importing it
    elsewhere reproduces every setup table (history, orders and reports are not part of a
    campaign file, and a rumor's discovery turn restarts at the imported turn)."""
    await import_campaign(fresh_db, dataclasses.replace(harbor, seed=99))
    await simulate(fresh_db, 3, seed=5)
    exported = await export_campaign(fresh_db)
    assert (exported.turn, exported.phase) == (4, "assignment")
    text = dump(exported)
    second = await open_db(tmp_path / "second.sqlite3")
    try:
        await import_campaign(second, load(text.encode(), base_dir=EXAMPLES))
        first, again = await dump_tables(fresh_db), await dump_tables(second)
        for table in SETUP_TABLES:
            assert again[table] == first[table], table
        # Current DCs and who knows what survive; only the bookkeeping columns restart.
        assert [r[:5] for r in again["district_rumors"]] == [
            r[:5] for r in first["district_rumors"]
        ]
        assert [r[:2] for r in again["faction_known_rumors"]] == [
            r[:2] for r in first["faction_known_rumors"]
        ]
        assert dump(await export_campaign(second)) == text
    finally:
        await second.close()


async def test_replacing_wipes_published_newspapers_and_their_distribution(
    fresh_db: Database, minimal: CampaignFile, harbor: CampaignFile, tmp_path: Path
) -> None:
    await import_campaign(fresh_db, minimal)
    async with fresh_db.transaction() as uow:
        await uow.game.set_phase(2, "assignment")
        await uow.settings.update(news_channel_id=555)
    gm = Actor(1, True, None)
    papers = NewspaperService(fresh_db)
    draft = await papers.create_issue(gm, "The Crier", article_count=1)
    await papers.publish(gm, draft.issue.id)
    triggers_before = await trigger_names(fresh_db)
    assert {"trg_newspaper_distribution_no_update", "trg_newspaper_issue_published_update"} <= (
        triggers_before
    )
    with pytest.raises(ServiceError, match="in progress"):
        await import_campaign(fresh_db, harbor)
    summary = await import_campaign(fresh_db, harbor, replace=True, backup_dir=tmp_path / "backups")
    tables = await dump_tables(fresh_db)
    assert tables["newspaper_issues"] == tables["newspaper_articles"] == []
    assert tables["newspaper_distribution"] == [] and tables["delivery_outbox"] == []
    assert summary.backup is not None
    kept = await open_db(summary.backup)
    try:
        assert [e.number for e in await NewspaperService(kept).archive()] == [1]
    finally:
        await kept.close()
    # The triggers that freeze published issues are back after the wipe.
    assert await trigger_names(fresh_db) == triggers_before


async def trigger_names(db: Database) -> set[str]:
    async with db.read() as uow:
        rows = await uow.sql.fetchall("SELECT name FROM sqlite_master WHERE type='trigger'")
    return {r[0] for r in rows}
