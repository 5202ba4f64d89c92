"""A whole campaign driven only through Discord (the emulator), from an empty server.

An administrator bootstraps the server (imports the sample campaign, names the GM role
and channels); the GM adds five players in three factions; they order their pieces; the
GM closes orders, rules the conflict with its buttons and continues; every member gets
exactly their own faction's report by DM, and the member whose DMs are closed gets it in
the faction channel; a second turn runs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.emulator import Emulator, Member, Message
from tests.bot.conftest import SAMPLE, Table, build_table

FACTION_NAMES = {
    "lantern_guild": "The Lantern Guild",
    "brine_syndicate": "The Brine Syndicate",
    "order_of_the_tide": "The Order of the Tide",
}


@pytest.fixture
async def empty(emulator: Emulator, tmp_path: Path) -> AsyncIterator[Table]:
    async for t in build_table(emulator, tmp_path / "data", imported=False):
        yield t


def report_titles(messages: list[Message]) -> list[str]:
    return [str(e.get("title")) for m in messages for e in m.embeds]


def faction_header(messages: list[Message]) -> str:
    """The faction name a report is addressed to (first line of its first embed)."""
    first = next(e for m in messages for e in m.embeds)
    return first["description"].splitlines()[0].strip("*")


async def ok(table: Table, who: Member, command: str, **options: object) -> str:
    result = await table.emu.invoke(who, command, **options)
    if result.deferred:
        followups = await result.wait_followups(1, timeout=15)
        return followups[0].content + " ".join(str(e) for e in followups[0].embeds)
    assert result.original is not None, f"/{command} gave no answer"
    text = result.original.content + " ".join(str(e) for e in result.original.embeds)
    assert "Only the GM" not in text and "went wrong" not in text, text
    return text


async def test_campaign_from_nothing_two_turns(empty: Table) -> None:
    t = empty
    emu = t.emu
    erin = emu.add_member(t.guild, "erin")
    players = {
        "lantern_guild": t.players["lantern_guild"],  # alice, bruno
        "brine_syndicate": [*t.players["brine_syndicate"], erin],  # carla, erin
        "order_of_the_tide": t.players["order_of_the_tide"],  # dmitri
    }
    # -- bootstrap by an administrator, then the GM role takes over -------------------------
    upload = emu.attachment("harbor_city.toml", SAMPLE.read_bytes(), "application/toml")
    assert "Imported" in await ok(t, t.admin, "campaign import", file=upload)
    await ok(t, t.admin, "campaign gm-role", role=t.gm_role)
    refused = await emu.invoke(t.admin, "campaign gm-channel", channel=t.gm_channel)
    assert refused.ephemeral and "Only the GM" in refused.content  # admins are not GM now
    await ok(t, t.gm, "campaign gm-channel", channel=t.gm_channel)
    await ok(t, t.gm, "campaign news-channel", channel=t.news)
    for faction, members in players.items():
        for index, member in enumerate(members):
            await ok(
                t, t.gm, "gm-faction add-member", member=member, faction=faction, leader=index == 0
            )
        await ok(
            t, t.gm, "gm-faction channel", faction=faction, channel=t.faction_channels[faction]
        )
    assert "orders" in await ok(t, t.gm, "gm advance", in_channel=t.gm_channel)

    # -- turn 1: orders --------------------------------------------------------------------
    alice, bruno = players["lantern_guild"]
    carla, _ = players["brine_syndicate"]
    (dmitri,) = players["order_of_the_tide"]
    for who, piece, task, district, extra in (
        (alice, "odo-brask", "take_influence", "gilded_terraces", {"target": "house_valcourt"}),
        (bruno, "serafine-quill", "monitor", "customs_house", {}),
        (carla, "mother-kettle", "take_influence", "gilded_terraces", {"target": "house_valcourt"}),
        (erin, "jory-sixfingers", "monitor", "saltmarsh_docks", {}),
        (dmitri, "brother-ansel", "gain_influence", "temple_hill", {}),
    ):
        text = await ok(t, who, "orders agent", piece=piece, task=task, district=district, **extra)
        assert "Order recorded" in text
    squadron = await emu.invoke(
        bruno, "orders squadron", piece="lantern-wardens", task="monitor", district="lantern_row"
    )
    assert squadron.ephemeral and "Order recorded" in squadron.content
    emu.close_dms(dmitri)

    # -- the GM closes orders, rules with buttons, continues ----------------------------------
    stopped = await ok(t, t.gm, "gm advance", in_channel=t.gm_channel)
    assert "stopped for your rulings on 1 conflict" in stopped
    posted = await emu.wait_for_message(
        t.gm_channel,
        lambda m: any("Conflict" in str(e.get("title")) for e in m.embeds),
        timeout=10,
    )
    draw = next(c for c in posted.custom_ids() if c.endswith(":draw"))
    await emu.click(t.gm, posted, draw)
    assert "Every conflict is ruled" in posted.content
    assert "Turn 1 is complete" in await ok(t, t.gm, "gm continue", in_channel=t.gm_channel)

    # -- every member gets exactly their faction's report ------------------------------------
    for faction, members in players.items():
        for member in members:
            if member is dmitri:
                continue
            await emu.wait_for_dm(member, lambda m: bool(m.files), timeout=10)
            dms = emu.dms(member)
            assert report_titles(dms).count("Turn 1 intelligence report") == 1
            assert faction_header(dms) == FACTION_NAMES[faction]
            assert [f.filename for m in dms for f in m.files] == [f"map-turn-1-{faction}.png"]
    order_channel = t.faction_channels["order_of_the_tide"]
    await emu.wait_for_message(order_channel, lambda m: bool(m.files), timeout=10)
    assert faction_header(emu.messages(order_channel)) == "The Order of the Tide"
    assert emu.dms(dmitri) == []
    for faction in ("lantern_guild", "brine_syndicate"):  # DMs open: nothing in the channel
        assert emu.messages(t.faction_channels[faction]) == []

    # -- turn 2 runs -------------------------------------------------------------------------
    await ok(t, alice, "orders agent", piece="odo-brask", task="monitor", district="grand_bazaar")
    done = await ok(t, t.gm, "gm advance", in_channel=t.gm_channel)
    assert "Turn 2 is complete; turn 3 orders are open" in done
    await emu.wait_for_dm(
        alice,
        lambda m: any(e.get("title") == "Turn 2 intelligence report" for e in m.embeds),
        timeout=10,
    )
    assert (await t.game()).turn == 3
