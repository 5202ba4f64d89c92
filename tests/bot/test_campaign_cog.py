"""/campaign through the emulator: bootstrap, settings, import/export, health."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.campaign import load
from bot.emulator import Emulator, Member
from bot.emulator.commands import CommandInputError
from bot.services.campaign_io import canonical
from db.database import Database
from tests.bot.conftest import SAMPLE, Table, build_table

TIMESTAMPS = {"created_at", "updated_at", "last_updated", "applied_at"}
BROKEN = b"""
[campaign]
name = "Broken"

[[factions]]
key = "reds"
name = "Reds"
color = "crimson"
monitoring_bonus = 9

[[districts]]
key = "docks"
name = "Docks"
preferred_gain_attribute = "strength"
preferred_gain_skill = "persuasion"
preferred_gain_squadron_aptitude = "social"
preferred_monitor_attribute = "intellect"
preferred_monitor_skill = "streetwise"
influence = { reds = 11, ghosts = 1 }
"""


@pytest.fixture
async def bare(emulator: Emulator, tmp_path: Path) -> AsyncIterator[Table]:
    """The same server before any campaign exists: no GM role, nothing configured."""
    async for t in build_table(emulator, tmp_path / "data", imported=False):
        yield t


def toml(name: str, data: bytes, table: Table, content_type: str | None = "application/toml"):
    return table.emu.attachment(name, data, content_type)


async def game_tables(db: Database) -> dict[str, list[tuple]]:
    """Every game table without timestamps or the per-server settings."""
    result: dict[str, list[tuple]] = {}
    async with db.read() as uow:
        names = await uow.sql.fetchall(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT IN ('schema_migrations', 'campaign_settings') ORDER BY name"
        )
        for (name,) in names:
            columns = [
                r[1]
                for r in await uow.sql.fetchall(f'PRAGMA table_info("{name}")')
                if r[1] not in TIMESTAMPS
            ]
            rows = await uow.sql.fetchall(f'SELECT {", ".join(columns)} FROM "{name}"')
            result[name] = sorted((tuple(r) for r in rows), key=repr)
    return result


async def settings(table: Table):
    async with table.campaign.db.read() as uow:
        return await uow.settings.get()


async def refused(table: Table, who: Member, command: str, text: str, **options) -> str:
    """Runs a command that must be refused: ephemeral, with ``text``, nothing written."""
    before = await table.dump()
    result = await table.emu.invoke(who, command, **options)
    answer = result.content or (await result.wait_followups(1))[-1].content
    assert result.ephemeral, command
    assert text in answer, answer
    assert await table.dump() == before
    return answer


# -- bootstrap ------------------------------------------------------------------------------


async def test_admin_bootstraps_a_campaign_then_hands_over_to_the_gm_role(bare: Table) -> None:
    # Before a GM role exists only administrators are GM: not the future GM, not a visitor.
    for who in (bare.gm, bare.outsider):
        await refused(bare, who, "campaign new", "Only the GM", name="Saltmere Nights")
    created = await bare.emu.invoke(bare.admin, "campaign new", name="Saltmere Nights", seed="42")
    assert created.ephemeral
    assert "Campaign **Saltmere Nights** created: turn 1" in created.content
    assert "||42||" in created.content and "every server administrator is GM" in created.content
    game = await bare.game()
    assert (game.turn, game.phase, game.campaign_name) == (1, "preparation", "Saltmere Nights")
    assert (await settings(bare)).rng_seed == 42
    await refused(bare, bare.admin, "campaign new", "already has a campaign", name="Again")

    handed = await bare.emu.invoke(bare.admin, "campaign gm-role", role=bare.gm_role)
    assert handed.ephemeral
    assert f"GM role set to <@&{bare.gm_role.id}>" in handed.content
    assert "administrators without it are no longer GM" in handed.content
    assert "You do not have this role yourself" in handed.content
    assert (await settings(bare)).gm_role_id == int(bare.gm_role.id)
    # The admin lost GM powers; the role holder gained them.
    await refused(bare, bare.admin, "campaign show", "Only the GM")
    shown = await bare.emu.invoke(bare.gm, "campaign show")
    assert shown.ephemeral and shown.original is not None
    text = shown.original.embeds[0]["description"]
    assert "Seed: ||42||" in text and f"GM role: <@&{bare.gm_role.id}>" in text


async def test_gm_role_answer_for_an_admin_who_holds_the_role(bare: Table) -> None:
    admin_roles = [bare.guild.roles[r] for r in bare.admin.role_ids]
    admin_gm = bare.emu.add_member(bare.guild, "owner-gm", roles=[bare.gm_role, *admin_roles])
    done = await bare.emu.invoke(admin_gm, "campaign gm-role", role=bare.gm_role)
    assert "administrators without it are no longer GM" in done.content
    assert "do not have this role" not in done.content
    assert (await settings(bare)).gm_role_id == int(bare.gm_role.id)
    # Still GM through the role: a GM command works for them, not for the plain admin.
    assert (await bare.emu.invoke(admin_gm, "campaign health")).deferred
    await refused(bare, bare.admin, "campaign health", "Only the GM")


async def test_new_refuses_bad_seeds_and_everyone_as_gm_role(bare: Table) -> None:
    await refused(bare, bare.admin, "campaign new", "must be a whole number", name="X", seed="abc")
    await refused(
        bare, bare.admin, "campaign new", "from 0 to", name="X", seed=str(2**64)
    )  # one above the largest seed
    everyone = bare.guild.roles[bare.guild.id]
    await refused(bare, bare.admin, "campaign gm-role", "@everyone cannot", role=everyone)
    with pytest.raises(CommandInputError):  # Discord caps the name at 100 characters
        await bare.emu.invoke(bare.admin, "campaign new", name="x" * 101)


async def test_show_and_export_before_any_campaign(bare: Table) -> None:
    shown = await bare.emu.invoke(bare.admin, "campaign show")
    assert shown.original is not None
    embed = shown.original.embeds[0]
    assert embed["title"] == "No campaign yet" and "/campaign new" in embed["description"]
    assert "GM role: not set: server administrators act as GM" in embed["description"]
    await refused(bare, bare.admin, "campaign export", "holds no campaign yet")


# -- who may ----------------------------------------------------------------------------------


async def test_every_campaign_command_refuses_non_gms(table: Table) -> None:
    upload = toml("harbor.toml", SAMPLE.read_bytes(), table)
    calls = {
        "campaign new": {"name": "Other"},
        "campaign show": {},
        "campaign gm-role": {"role": table.gm_role},
        "campaign gm-channel": {"channel": table.lobby},
        "campaign news-channel": {"channel": table.lobby},
        "campaign import": {"file": upload, "replace": True},
        "campaign export": {},
        "campaign health": {},
    }
    # A faction member, a server member of no faction, an admin once a GM role is set.
    for who in (table.player("lantern_guild"), table.outsider, table.admin):
        for command, options in calls.items():
            await refused(table, who, command, "Only the GM", **options)


# -- settings ---------------------------------------------------------------------------------


async def test_show_lists_every_setting_publicly_only_in_the_gm_channel(table: Table) -> None:
    public = await table.emu.invoke(table.gm, "campaign show", in_channel=table.gm_channel)
    assert not public.ephemeral and public.original is not None
    head, factions = public.original.embeds[:2]
    assert head["title"] == "Campaign: Saltmere: The Drowned Crown"
    text = head["description"]
    seed = (await settings(table)).rng_seed
    assert f"Seed: ||{seed}||" in text and "Turn **1**" in text
    assert f"GM channel: <#{table.gm_channel.id}>" in text
    assert f"News channel: <#{table.news.id}>" in text
    assert "Members: 4 in 4 faction(s)" in text
    lines = factions["description"]
    guild_channel = table.faction_channels["lantern_guild"].id
    assert (
        f"(`lantern_guild`): 2 member(s), 1 leader(s), private channel <#{guild_channel}>" in lines
    )
    assert "(`house_valcourt`): 0 member(s), no private channel" in lines
    private = await table.emu.invoke(table.gm, "campaign show", in_channel=table.lobby)
    assert private.ephemeral


async def test_gm_and_news_channels(table: Table) -> None:
    desk = table.emu.add_text_channel(table.guild, "gm-annex")
    done = await table.emu.invoke(table.gm, "campaign gm-channel", channel=desk)
    assert done.ephemeral and f"GM channel set to <#{desk.id}>" in done.content
    assert (await settings(table)).gm_channel_id == int(desk.id)
    # Answers are now public in the new GM channel.
    shown = await table.emu.invoke(table.gm, "campaign show", in_channel=desk)
    assert not shown.ephemeral
    # Naming the channel one stands in answers there by the new setting already.
    annex = table.emu.add_text_channel(table.guild, "gm-annex-2")
    moved = await table.emu.invoke(table.gm, "campaign gm-channel", channel=annex, in_channel=annex)
    assert not moved.ephemeral
    await table.emu.invoke(table.gm, "campaign gm-channel", channel=desk, in_channel=annex)

    crier = table.emu.add_text_channel(table.guild, "crier-2")
    done = await table.emu.invoke(table.gm, "campaign news-channel", channel=crier, in_channel=desk)
    assert not done.ephemeral and f"News channel set to <#{crier.id}>" in done.content
    assert (await settings(table)).news_channel_id == int(crier.id)

    # One channel, one purpose: GM answers must never land where others read.
    await refused(table, table.gm, "campaign gm-channel", "already the news channel", channel=crier)
    await refused(table, table.gm, "campaign news-channel", "already the GM channel", channel=desk)
    await refused(
        table,
        table.gm,
        "campaign gm-channel",
        "already the private channel of 'lantern_guild'",
        channel=table.faction_channels["lantern_guild"],
    )
    category = table.emu.add_category(table.guild, "Archive")
    with pytest.raises(CommandInputError):  # text channels only (channel_types)
        await table.emu.invoke(table.gm, "campaign gm-channel", channel=category)


async def test_health(table: Table) -> None:
    result = await table.emu.invoke(table.gm, "campaign health", in_channel=table.gm_channel)
    assert result.deferred and not result.ephemeral
    embed = (await result.wait_followups(1))[0].embeds[0]
    assert embed["title"] == "Campaign database: healthy"
    version = await table.campaign.db.schema_version()
    assert "Integrity check: ok" in embed["description"]
    assert f"Schema version: {version}" in embed["description"]
    assert "Open connections:" in embed["description"] and "slow (over" in embed["description"]


# -- import -----------------------------------------------------------------------------------


async def test_broken_file_reports_every_problem_and_writes_nothing(table: Table) -> None:
    before = await table.dump()
    result = await table.emu.invoke(
        table.gm, "campaign import", file=toml("broken.toml", BROKEN, table), replace=True
    )
    assert result.deferred and result.ephemeral
    page = (await result.wait_followups(1))[0]
    assert "**broken.toml** has 5 problem(s); nothing was imported" in page.content
    text = page.embeds[0]["description"]
    assert "`factions[0] 'reds'` · `color`: 'crimson' is not a colour" in text
    assert "`monitoring_bonus`: 9 is out of range; allowed: an integer -5..5" in text
    assert "`districts[0] 'docks'` · `influence.reds`: 11 is out of range" in text
    assert "`influence.ghosts`: unknown faction 'ghosts'; known: reds" in text
    assert "`preferred_gain_attribute`: 'strength' is not allowed; use one of" in text
    assert await table.dump() == before
    assert list(table.campaign.backups_dir.glob("*pre-import*")) == []


async def test_many_problems_are_paginated(table: Table) -> None:
    factions = "".join(
        f'[[factions]]\nkey = "f{i}"\nname = "Faction {i} with a long enough name"\n'
        f'color = "not-a-colour-{i}"\n\n'
        for i in range(120)
    )
    data = f'[campaign]\nname = "Many"\n\n{factions}'.encode()
    before = await table.dump()
    result = await table.emu.invoke(
        table.gm, "campaign import", file=toml("many.toml", data, table)
    )
    page = (await result.wait_followups(1))[0]
    assert "has 120 problem(s)" in page.content
    previous_id, counter_id, next_id = page.custom_ids()
    pages = int(page.components[0]["components"][1]["label"].split("/")[1])
    assert pages > 1
    seen = [page.embeds[0]["description"]]
    for number in range(2, pages + 1):
        turned = await table.emu.click(table.gm, page, next_id)
        assert turned.response_kind == "update_message" and turned.original is not None
        page = turned.original
        assert page.components[0]["components"][1]["label"] == f"{number}/{pages}"
        assert page.embeds[0]["title"] == "Problems in many.toml (continued)"
        seen.append(page.embeds[0]["description"])
    with pytest.raises(CommandInputError):  # Next is disabled on the last page
        await table.emu.click(table.gm, page, next_id)
    lines = "\n".join(seen).splitlines()
    assert len(lines) == 120
    assert all(f"`factions[{i}] 'f{i}'` · `color`" in lines[i] for i in range(120))
    # Someone else cannot turn the GM's pages.
    other = await table.emu.click(table.outsider, page, previous_id)
    assert other.ephemeral and "belong to whoever ran the command" in other.content
    assert await table.dump() == before


@pytest.mark.parametrize(
    ("name", "content_type", "size", "text"),
    [
        ("campaign.json", "application/json", 10, "attach a `.toml` file"),
        ("map.toml", "image/png", 10, "is image/png, not TOML text"),
        ("huge.toml", "application/toml", 2 * 1024 * 1024 + 1, "at most 2 MB"),
    ],
)
async def test_uploads_that_are_not_campaign_files_are_refused(
    table: Table, name: str, content_type: str, size: int, text: str
) -> None:
    data = (b"#" * (size - 1)) + b"\n"
    before = await table.dump()
    result = await table.emu.invoke(
        table.gm, "campaign import", file=toml(name, data, table, content_type), replace=True
    )
    assert result.response_kind == "message" and result.ephemeral  # refused before deferring
    assert text in result.content
    assert await table.dump() == before


async def test_import_over_a_game_in_progress_needs_replace_and_backs_up(table: Table) -> None:
    data = SAMPLE.read_bytes()
    before = await table.dump()
    result = await table.emu.invoke(
        table.gm, "campaign import", file=toml("harbor.toml", data, table)
    )
    answer = (await result.wait_followups(1))[0].content
    assert result.ephemeral and "A campaign is in progress here (turn 1, phase assignment" in answer
    assert "replace set to True" in answer
    assert await table.dump() == before
    assert list(table.campaign.backups_dir.glob("*pre-import*")) == []

    result = await table.emu.invoke(
        table.gm,
        "campaign import",
        file=toml("harbor.toml", data, table),
        replace=True,
        in_channel=table.gm_channel,
    )
    done = (await result.wait_followups(1))[0]
    assert not result.ephemeral
    assert "**Imported** " in done.content and "4 faction(s), " in done.content
    assert "The campaign that was here is replaced" in done.content
    # The sample names a base map that this server's assets folder does not hold.
    assert "The base map `harbor_city.png` is read from the bot's assets folder" in done.content
    assert f"Seed: {(await settings(table)).rng_seed}" in done.embeds[0]["description"]
    backups = list(table.campaign.backups_dir.glob("*pre-import*"))
    assert len(backups) == 1 and f"`{backups[0].name}`" in done.content
    game = await table.game()
    assert (game.turn, game.phase) == (1, "preparation")
    kept = await settings(table)
    assert kept.gm_role_id == int(table.gm_role.id)  # the server's configuration stays
    async with table.campaign.db.read() as uow:
        assert await uow.settings.list_members() == []  # the file names no members


async def test_export_round_trip_into_a_fresh_campaign(bare: Table) -> None:
    imported = await bare.emu.invoke(
        bare.admin, "campaign import", file=toml("harbor.toml", SAMPLE.read_bytes(), bare)
    )
    assert "**Imported**" in (await imported.wait_followups(1))[0].content
    exported = await bare.emu.invoke(bare.admin, "campaign export", in_channel=bare.gm_channel)
    message = (await exported.wait_followups(1))[0]
    assert exported.ephemeral  # always private, even in a GM channel
    assert "keep it private" in message.content
    (file,) = message.files
    assert file.filename.endswith("-turn-1.toml")
    sample = load(SAMPLE)
    again = load(file.data)
    assert again == canonical(
        dataclasses.replace(sample, seed=again.seed, turn=1, phase="preparation")
    )

    # A second server imports the exported file: identical game tables.
    other = bare.emu.create_guild("Elsewhere")
    bare.emu.add_text_channel(other, "general")
    other_admin = bare.emu.add_member(
        other, "other-admin", roles=[bare.emu.add_role(other, "Admin", permissions=8)]
    )
    second = await bare.emu.invoke(
        other_admin, "campaign import", file=toml(file.filename, file.data, bare, content_type=None)
    )
    assert "**Imported**" in (await second.wait_followups(1))[0].content
    other_campaign = await bare.bot.hub.get(int(other.id))
    assert await game_tables(other_campaign.db) == await game_tables(bare.campaign.db)
    re_exported = await bare.emu.invoke(other_admin, "campaign export")
    assert (await re_exported.wait_followups(1))[0].files[0].data == file.data


async def test_export_of_a_game_in_progress_imports_back_unchanged(table: Table) -> None:
    first = await table.emu.invoke(table.gm, "campaign export")
    (file,) = (await first.wait_followups(1))[0].files
    assert file.filename.endswith("-turn-1.toml") and b'phase = "assignment"' in file.data
    back = await table.emu.invoke(
        table.gm, "campaign import", file=toml(file.filename, file.data, table), replace=True
    )
    assert "**Imported**" in (await back.wait_followups(1))[0].content
    again = await table.emu.invoke(table.gm, "campaign export")
    assert (await again.wait_followups(1))[0].files[0].data == file.data
