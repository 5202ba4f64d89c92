"""SetupService additions for /campaign and /gm-faction: channels, overview, files, health,
faction footprint, relationship state, ledger reads and unique faction names."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.campaign import load
from bot.services.access import Actor
from bot.services.errors import Busy, InvalidRequest, NotAllowed
from bot.services.setup import SetupService
from bot.services.turn import campaign_lock
from db.database import Database
from tests.services.conftest import CAMPAIGN_SEED, GM_ROLE_ID, SeededCampaign, dump

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def setup(campaign: SeededCampaign) -> SetupService:
    return SetupService(campaign.db)


@pytest.fixture
def backups(tmp_path: Path) -> Path:
    """Beside the database, empty: any file in it is a backup an import took."""
    folder = tmp_path / "backups"
    folder.mkdir()
    return folder


async def test_every_addition_requires_the_gm(
    campaign: SeededCampaign, setup: SetupService, backups: Path
) -> None:
    before = await dump(campaign.db)
    calls = [
        setup.set_gm_channel(campaign.red, 10),
        setup.set_news_channel(campaign.red, 10),
        setup.overview(campaign.red),
        setup.import_file(
            campaign.red, load(EXAMPLES / "minimal.toml"), backup_dir=backups, replace=True
        ),
        setup.export_file(campaign.red),
        setup.health(campaign.outsider),
        setup.faction_footprint(campaign.red, "red"),
        setup.relationship(campaign.red, "red", "blue"),
        setup.resources(campaign.red),
        setup.faction_modifiers(campaign.red),
    ]
    for call in calls:
        with pytest.raises(NotAllowed):
            await call
    assert await dump(campaign.db) == before
    assert not list(backups.iterdir())


# -- channels -------------------------------------------------------------------------------


async def test_one_channel_serves_one_purpose(
    campaign: SeededCampaign, setup: SetupService
) -> None:
    gm = campaign.gm
    assert (await setup.set_gm_channel(gm, 10)).gm_channel_id == 10
    assert (await setup.set_gm_channel(gm, 10)).gm_channel_id == 10  # same again: fine
    assert (await setup.set_news_channel(gm, 20)).news_channel_id == 20
    await setup.set_faction_channel(gm, "red", 30)
    before = await dump(campaign.db)
    refusals = [
        (setup.set_gm_channel(gm, 20), "already the news channel"),
        (setup.set_gm_channel(gm, 30), "already the private channel of 'red'"),
        (setup.set_news_channel(gm, 10), "already the GM channel"),
        (setup.set_faction_channel(gm, "blue", 10), "already the GM channel"),
        (setup.set_faction_channel(gm, "blue", 20), "already the news channel"),
        (setup.set_faction_channel(gm, "blue", 30), "already the private channel of 'red'"),
        (setup.set_gm_channel(gm, 0), "from 1 to"),
    ]
    for call, message in refusals:
        with pytest.raises(InvalidRequest, match=message):
            await call
    assert await dump(campaign.db) == before
    await setup.set_faction_channel(gm, "red", 30)  # its own channel again: fine
    await setup.set_faction_channel(gm, "red", None)
    await setup.set_gm_channel(gm, 30)  # freed by red


# -- overview, export, import, health -------------------------------------------------------


async def test_overview_counts_members_and_channels(
    campaign: SeededCampaign, setup: SetupService
) -> None:
    await setup.set_faction_channel(campaign.gm, "blue", 55)
    view = await setup.overview(campaign.gm)
    assert view.game is not None and (view.game.turn, view.game.phase) == (1, "assignment")
    assert (view.settings.rng_seed, view.settings.gm_role_id) == (CAMPAIGN_SEED, GM_ROLE_ID)
    assert view.members == {"red": 2, "blue": 1, "green": 1, "grey": 1}
    assert view.leaders == {"red": 1, "blue": 1, "green": 1, "grey": 1}
    assert view.member_total == 5
    assert view.faction_channels == {"blue": 55}
    assert [f.id for f in view.factions] == ["blue", "green", "grey", "red"]


async def test_overview_of_an_empty_database(db: Database) -> None:
    view = await SetupService(db).overview(Actor(1, True, None))
    assert view.game is None and view.factions == () and view.member_total == 0


async def test_export_file_loads_back(campaign: SeededCampaign, setup: SetupService) -> None:
    exported = await setup.export_file(campaign.gm)
    assert (exported.name, exported.turn) == ("Test campaign", 1)
    again = load(exported.text.encode())
    assert again.seed == CAMPAIGN_SEED and again.phase == "assignment"
    assert sorted(f.key for f in again.factions) == ["blue", "green", "grey", "red"]


async def test_import_over_a_game_in_progress(
    campaign: SeededCampaign, setup: SetupService, backups: Path
) -> None:
    minimal = load(EXAMPLES / "minimal.toml")
    before = await dump(campaign.db)
    with pytest.raises(
        InvalidRequest, match=r"in progress here \(turn 1, phase assignment.*replace set to True"
    ):
        await setup.import_file(campaign.gm, minimal, backup_dir=backups)
    assert await dump(campaign.db) == before and not list(backups.iterdir())

    # An advance, ruling or rollback in progress holds the turn lock: refused, not queued.
    async with campaign_lock(campaign.db):
        with pytest.raises(Busy):
            await setup.import_file(campaign.gm, minimal, backup_dir=backups, replace=True)
    assert await dump(campaign.db) == before

    summary = await setup.import_file(campaign.gm, minimal, backup_dir=backups, replace=True)
    assert summary.replaced and summary.backup is not None and summary.backup.parent == backups
    async with campaign.db.read() as uow:
        assert (await uow.game.get()).campaign_name == minimal.name
        assert (await uow.settings.get()).gm_role_id == GM_ROLE_ID  # the server's settings stay


async def test_health(campaign: SeededCampaign, setup: SetupService) -> None:
    report = await setup.health(campaign.gm)
    assert report.ok and report.schema_version == await campaign.db.schema_version()


# -- factions -------------------------------------------------------------------------------


async def test_faction_names_are_unique_ignoring_case(
    campaign: SeededCampaign, setup: SetupService
) -> None:
    before = await dump(campaign.db)
    with pytest.raises(InvalidRequest, match="'red' is already called 'Red Company'"):
        await setup.create_faction(campaign.gm, "  red company ")
    with pytest.raises(InvalidRequest, match="'blue' is already called 'Blue Lanterns'"):
        await setup.update_faction(campaign.gm, "red", name="BLUE LANTERNS")
    assert await dump(campaign.db) == before
    renamed = await setup.update_faction(campaign.gm, "red", name="RED COMPANY")  # its own name
    assert renamed.name == "RED COMPANY"


async def test_faction_footprint_counts_what_a_delete_removes(
    campaign: SeededCampaign, setup: SetupService
) -> None:
    async with campaign.db.transaction() as uow:
        await uow.factions.set_resource("red", "gold", 5)
    await setup.add_faction_modifier(campaign.gm, "red", "Patron", "commerce", 3)
    await setup.set_faction_channel(campaign.gm, "red", 77)
    fp = await setup.faction_footprint(campaign.gm, "red")
    assert (fp.faction.id, fp.members, fp.channel_id) == ("red", 2, 77)
    assert (fp.agents, fp.squadrons) == (2, 1)
    assert (fp.districts_held, fp.influence, fp.strongholds) == (2, 4, 1)
    assert (fp.orders, fp.orders_targeting) == (0, 0)
    assert fp.relationships == 4  # red<->blue and red<->green, both directions
    assert (fp.resources, fp.modifiers, fp.known_rumors) == (1, 1, 0)
    with pytest.raises(InvalidRequest, match="Unknown faction 'nope'"):
        await setup.faction_footprint(campaign.gm, "nope")


async def test_relationship_state_and_effective_value(
    campaign: SeededCampaign, setup: SetupService
) -> None:
    state = await setup.relationship(campaign.gm, "red", "blue")
    assert (state.forward, state.backward, state.effective) == (2, 2, 2)
    await setup.set_relationship(campaign.gm, "red", "blue", -1, both=False)
    state = await setup.relationship(campaign.gm, "blue", "red")
    assert (state.forward, state.backward, state.effective) == (2, -1, -1)
    missing = await setup.relationship(campaign.gm, "grey", "red")
    assert (missing.forward, missing.backward, missing.effective) == (0, 0, 0)
    with pytest.raises(InvalidRequest, match="itself"):
        await setup.relationship(campaign.gm, "red", "red")
    with pytest.raises(InvalidRequest, match="Unknown faction 'nope'"):
        await setup.relationship(campaign.gm, "red", "nope")


async def test_ledger_reads(campaign: SeededCampaign, setup: SetupService) -> None:
    await setup.set_resource(campaign.gm, "red", "gold", 5)
    await setup.set_resource(campaign.gm, "blue", "ships", 2)
    modifier = await setup.add_faction_modifier(campaign.gm, "blue", "Harbour Rights", "muster", 4)
    assert [(r.faction_id, r.resource_type) for r in await setup.resources(campaign.gm)] == [
        ("blue", "ships"),
        ("red", "gold"),
    ]
    assert [r.value for r in await setup.resources(campaign.gm, "red")] == [5]
    assert [m.id for m in await setup.faction_modifiers(campaign.gm, "blue")] == [modifier.id]
    assert await setup.faction_modifiers(campaign.gm, "red") == []
    for call in (
        setup.resources(campaign.gm, "nope"),
        setup.faction_modifiers(campaign.gm, "nope"),
    ):
        with pytest.raises(InvalidRequest, match="Unknown faction 'nope'"):
            await call
