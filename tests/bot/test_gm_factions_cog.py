"""/gm-faction through the emulator: factions, members, channel, relationships, ledger."""

from __future__ import annotations

from typing import Any

import pytest

from bot.emulator import Member, Message
from bot.emulator.commands import CommandInputError
from tests.bot.conftest import Table


def button_id(message: Message, label: str) -> str:
    for row in message.components:
        for item in row.get("components", []):
            if item.get("label") == label:
                return item["custom_id"]
    raise AssertionError(f"no button {label!r} in {message.components}")


async def refused(table: Table, who: Member, command: str, text: str, **options: Any) -> str:
    """A refusal: ephemeral, naming what was wrong, nothing written."""
    before = await table.dump()
    result = await table.emu.invoke(who, command, **options)
    assert result.ephemeral, command
    assert text in result.content, result.content
    assert await table.dump() == before
    return result.content


async def faction(table: Table, faction_id: str):
    async with table.campaign.db.read() as uow:
        return await uow.factions.find(faction_id)


async def gm(table: Table, command: str, **options: Any) -> str:
    """Run as the GM in the GM channel: the answer is public there."""
    result = await table.emu.invoke(table.gm, command, in_channel=table.gm_channel, **options)
    assert not result.ephemeral, result.content
    return result.content


# -- who may ----------------------------------------------------------------------------------


async def test_every_command_refuses_non_gms(table: Table) -> None:
    calls: dict[str, dict[str, Any]] = {
        "gm-faction create": {"name": "Night Market"},
        "gm-faction edit": {"faction": "lantern_guild", "colour": "#000000"},
        "gm-faction delete": {"faction": "lantern_guild"},
        "gm-faction members": {},
        "gm-faction add-member": {"member": table.outsider, "faction": "lantern_guild"},
        "gm-faction remove-member": {"member": table.player("lantern_guild")},
        "gm-faction channel": {"faction": "lantern_guild", "clear": True},
        "gm-faction relationship": {
            "faction": "lantern_guild",
            "other": "brine_syndicate",
            "value": 2,
        },
        "gm-faction resource": {"faction": "lantern_guild", "name": "gold", "value": 5},
        "gm-faction modifier-add": {
            "faction": "lantern_guild",
            "name": "Patron",
            "type": "commerce",
            "value": 5,
        },
        "gm-faction modifier-remove": {"modifier": "lantern_guild:mod:0000"},
    }
    for who in (table.player("lantern_guild"), table.outsider, table.admin):
        for command, options in calls.items():
            await refused(table, who, command, "Only the GM", **options)
    # GM-only autocomplete sources give nothing to a player.
    assert (
        await table.emu.autocomplete(
            table.player("lantern_guild"), "gm-faction modifier-remove", "modifier"
        )
        == []
    )


# -- create / edit ----------------------------------------------------------------------------


async def test_create_then_edit(table: Table) -> None:
    text = await gm(
        table,
        "gm-faction create",
        name="Night Market",
        colour="#AA33CC",
        monitoring_bonus=2,
        description="Stalls that open at dusk",
    )
    assert (
        "Faction **Night Market** (`night-market`) created: colour #aa33cc, monitoring bonus +2."
        in text
    )
    created = await faction(table, "night-market")
    assert (created.name, created.color, created.monitoring_bonus, created.description) == (
        "Night Market",
        "#aa33cc",
        2,
        "Stalls that open at dusk",
    )
    text = await gm(
        table, "gm-faction edit", faction="night-market", colour="#112233", monitoring_bonus=-1
    )
    assert "updated: colour #112233, monitoring bonus -1." in text
    edited = await faction(table, "night-market")
    assert (edited.name, edited.color, edited.monitoring_bonus) == ("Night Market", "#112233", -1)
    text = await gm(table, "gm-faction edit", faction="night-market", name="Dusk Market")
    assert (await faction(table, "night-market")).name == "Dusk Market"  # the id stays


async def test_create_and_edit_refusals(table: Table) -> None:
    await refused(
        table, table.gm, "gm-faction create", "#RRGGBB", name="Night Market", colour="purple"
    )
    await refused(
        table,
        table.gm,
        "gm-faction create",
        "already called 'The Lantern Guild'",
        name="the lantern guild",
    )
    await refused(table, table.gm, "gm-faction edit", "Nothing to change", faction="lantern_guild")
    await refused(
        table,
        table.gm,
        "gm-faction edit",
        "Unknown faction 'nope'",
        faction="nope",
        colour="#123456",
    )
    await refused(
        table, table.gm, "gm-faction edit", "#RRGGBB", faction="lantern_guild", colour="#12345G"
    )
    await refused(
        table,
        table.gm,
        "gm-faction edit",
        "already called",
        faction="lantern_guild",
        name="The Brine Syndicate",
    )
    # Ranges are in the command definition: Discord's client never sends these.
    for options in ({"monitoring_bonus": 6}, {"monitoring_bonus": -6}, {"colour": "#1234567"}):
        with pytest.raises(CommandInputError):
            await table.emu.invoke(table.gm, "gm-faction create", name="X", **options)


# -- delete -----------------------------------------------------------------------------------


async def test_delete_asks_says_what_cascades_and_keeps_on_cancel(table: Table) -> None:
    async with table.campaign.db.read() as uow:
        agents = len(await uow.pieces.list_agents("lantern_guild"))
        squadrons = len(await uow.pieces.list_squadrons("lantern_guild"))
        influence = await uow.districts.list_influence(faction_id="lantern_guild")
    await table.emu.invoke(
        table.player("lantern_guild"),
        "orders agent",
        piece="odo-brask",
        task="monitor",
        district="grand_bazaar",
    )
    before = await table.dump()
    asked = await table.emu.invoke(table.gm, "gm-faction delete", faction="lantern_guild")
    assert asked.ephemeral and asked.original is not None
    prompt = asked.original
    text = prompt.embeds[0]["description"]
    assert prompt.embeds[0]["title"] == "Delete The Lantern Guild?"
    assert "2 member(s)" in text
    total = sum(r.value for r in influence)
    assert f"its influence: {total} in {sum(1 for r in influence if r.value)} district(s)" in text
    assert "1 order(s) of its pieces this turn" in text
    assert f"its {agents} agent(s) and {squadrons} squadron(s), now unaffiliated" in text
    assert f"private channel setting (<#{table.faction_channels['lantern_guild'].id}>" in text
    assert await table.dump() == before  # asking changes nothing

    kept = await table.emu.click(table.gm, prompt, button_id(prompt, "Keep it"))
    assert kept.response_kind == "update_message"
    assert "Nothing deleted" in kept.original.content and kept.original.components == []
    assert await table.dump() == before


async def test_delete_on_confirmation(table: Table) -> None:
    async with table.campaign.db.read() as uow:
        held = [
            r for r in await uow.districts.list_influence(faction_id="lantern_guild") if r.value
        ]
    ordered = await table.emu.invoke(
        table.player("brine_syndicate"),
        "orders agent",
        piece="mother-kettle",
        task="take_influence",
        district=held[0].district_id,
        target="lantern_guild",
    )
    assert "Order recorded" in ordered.content
    await table.emu.invoke(
        table.player("lantern_guild"),
        "orders agent",
        piece="odo-brask",
        task="monitor",
        district="grand_bazaar",
    )
    asked = await table.emu.invoke(
        table.gm, "gm-faction delete", faction="lantern_guild", in_channel=table.gm_channel
    )
    prompt = asked.original
    assert not asked.ephemeral
    assert (
        "1 order(s) of its pieces this turn and 1 take/initiate order(s) aimed at it"
        in (prompt.embeds[0]["description"])
    )
    before = await table.dump()
    other = await table.emu.click(
        table.player("lantern_guild"), prompt, button_id(prompt, "Delete the faction")
    )
    assert other.ephemeral and "belong to whoever ran the command" in other.content
    assert await table.dump() == before
    done = await table.emu.click(table.gm, prompt, button_id(prompt, "Delete the faction"))
    assert "Faction **The Lantern Guild** (`lantern_guild`) deleted" in done.original.content
    assert await faction(table, "lantern_guild") is None
    async with table.campaign.db.read() as uow:
        assert await uow.settings.members_of("lantern_guild") == []
        assert await uow.settings.faction_channel("lantern_guild") is None
        freed = (await uow.pieces.get_agents_many(["odo-brask"]))["odo-brask"]
        assert freed.faction_id is None
        assert await uow.orders.list_for_turn(1) == []  # its own order and the one aimed at it
    await refused(
        table,
        table.gm,
        "gm-faction delete",
        "Unknown faction 'lantern_guild'",
        faction="lantern_guild",
    )


# -- members ----------------------------------------------------------------------------------


async def test_members_listing(table: Table) -> None:
    everyone = await table.emu.invoke(table.gm, "gm-faction members")
    embeds = everyone.original.embeds
    titles = [e["title"] for e in embeds]
    assert "The Lantern Guild: 2 member(s)" in titles and "House Valcourt: 0 member(s)" in titles
    guild = next(e for e in embeds if e["title"].startswith("The Lantern Guild"))
    alice, bruno = table.players["lantern_guild"]
    assert guild["description"] == f"• <@{alice.id}> (leader)\n• <@{bruno.id}>"
    one = await table.emu.invoke(table.gm, "gm-faction members", faction="brine_syndicate")
    assert [e["title"] for e in one.original.embeds] == ["The Brine Syndicate: 1 member(s)"]
    await refused(table, table.gm, "gm-faction members", "Unknown faction 'nope'", faction="nope")


async def test_add_and_remove_members(table: Table) -> None:
    text = await gm(
        table, "gm-faction add-member", member=table.outsider, faction="house_valcourt", leader=True
    )
    assert f"<@{table.outsider.id}> is now a leader of **House Valcourt**" in text
    async with table.campaign.db.read() as uow:
        member = await uow.settings.member(int(table.outsider.id))
    assert member is not None and (member.faction_id, member.is_leader) == ("house_valcourt", True)
    # The new member now acts for the faction.
    status = await table.emu.invoke(table.outsider, "orders list")
    assert "House Valcourt" in status.original.embeds[0]["title"]

    await refused(
        table,
        table.gm,
        "gm-faction add-member",
        "already belongs to faction 'house_valcourt'",
        member=table.outsider,
        faction="brine_syndicate",
    )
    bot_member = table.guild.members[table.emu.bot_user.id]
    await refused(
        table,
        table.gm,
        "gm-faction add-member",
        "Bots cannot",
        member=bot_member,
        faction="brine_syndicate",
    )
    await refused(
        table,
        table.gm,
        "gm-faction add-member",
        "Unknown faction",
        member=table.admin,
        faction="nope",
    )

    text = await gm(table, "gm-faction remove-member", member=table.outsider)
    assert f"<@{table.outsider.id}> is no longer a member of **House Valcourt**" in text
    async with table.campaign.db.read() as uow:
        assert await uow.settings.member(int(table.outsider.id)) is None
    await refused(
        table,
        table.gm,
        "gm-faction remove-member",
        "not a member of any faction",
        member=table.outsider,
    )


# -- channel ----------------------------------------------------------------------------------


async def test_private_channel_set_and_clear(table: Table) -> None:
    hall = table.emu.add_text_channel(table.guild, "valcourt-hall")
    text = await gm(table, "gm-faction channel", faction="house_valcourt", channel=hall)
    assert f"Private channel of **House Valcourt** set to <#{hall.id}>" in text
    async with table.campaign.db.read() as uow:
        assert await uow.settings.faction_channel("house_valcourt") == int(hall.id)

    for channel, why in (
        (table.gm_channel, "already the GM channel"),
        (table.news, "already the news channel"),
        (table.faction_channels["lantern_guild"], "already the private channel of 'lantern_guild'"),
    ):
        await refused(
            table, table.gm, "gm-faction channel", why, faction="house_valcourt", channel=channel
        )
    await refused(
        table, table.gm, "gm-faction channel", "either a channel", faction="house_valcourt"
    )
    await refused(
        table,
        table.gm,
        "gm-faction channel",
        "not both",
        faction="house_valcourt",
        channel=hall,
        clear=True,
    )

    text = await gm(table, "gm-faction channel", faction="house_valcourt", clear=True)
    assert "**House Valcourt** has no private channel now" in text
    async with table.campaign.db.read() as uow:
        assert await uow.settings.faction_channel("house_valcourt") is None


# -- relationships ----------------------------------------------------------------------------


async def stored(table: Table, a: str, b: str) -> tuple[int, int]:
    async with table.campaign.db.read() as uow:
        return await uow.factions.get_relationship(a, b), await uow.factions.get_relationship(b, a)


async def test_relationship_both_ways_and_one_way(table: Table) -> None:
    text = await gm(
        table, "gm-faction relationship", faction="lantern_guild", other="brine_syndicate", value=1
    )
    assert await stored(table, "lantern_guild", "brine_syndicate") == (1, 1)
    assert "Effective relationship (the lower of both, RULES D-1): **+1** (friendly)" in text

    text = await gm(
        table,
        "gm-faction relationship",
        faction="lantern_guild",
        other="brine_syndicate",
        value=2,
        both_ways=False,
    )
    assert await stored(table, "lantern_guild", "brine_syndicate") == (2, 1)
    assert (
        "The Lantern Guild → The Brine Syndicate: +2; The Brine Syndicate → The Lantern Guild: +1."
        in text
    )
    assert "**+1** (friendly)" in text and "The directions differ" in text


async def test_breaking_an_alliance_says_support_lapses(table: Table) -> None:
    assert await stored(table, "order_of_the_tide", "house_valcourt") == (2, 2)
    text = await gm(
        table,
        "gm-faction relationship",
        faction="house_valcourt",
        other="order_of_the_tide",
        value=0,
    )
    assert "**+0** (neutral)" in text and "no longer allies" in text
    assert await stored(table, "order_of_the_tide", "house_valcourt") == (0, 0)


async def test_relationship_refusals(table: Table) -> None:
    await refused(
        table, table.gm, "gm-faction relationship", "no relationship with itself",
        faction="lantern_guild", other="lantern_guild", value=1,
    )  # fmt: skip
    await refused(
        table, table.gm, "gm-faction relationship", "Unknown faction 'nope'",
        faction="lantern_guild", other="nope", value=1,
    )  # fmt: skip
    with pytest.raises(CommandInputError):  # -2..2 only, as choices
        await table.emu.invoke(
            table.gm,
            "gm-faction relationship",
            faction="lantern_guild",
            other="brine_syndicate",
            value=3,
        )


# -- resources and modifiers ------------------------------------------------------------------


async def test_resources_set_offer_and_delete(table: Table) -> None:
    text = await gm(
        table, "gm-faction resource", faction="lantern_guild", name="lamp oil", value=120
    )
    assert "**The Lantern Guild**: lamp oil = 120" in text
    async with table.campaign.db.read() as uow:
        rows = {
            r.resource_type: r.value for r in await uow.factions.list_resources("lantern_guild")
        }
    assert rows["lamp oil"] == 120
    offered = await table.emu.autocomplete(
        table.gm, "gm-faction resource", "name", "oil", faction="lantern_guild"
    )
    assert {"name": "lamp oil: 120", "value": "lamp oil"} in offered

    text = await gm(table, "gm-faction resource", faction="lantern_guild", name="lamp oil")
    assert "Resource 'lamp oil' of **The Lantern Guild** deleted." in text
    async with table.campaign.db.read() as uow:
        assert "lamp oil" not in {
            r.resource_type for r in await uow.factions.list_resources("lantern_guild")
        }
    await refused(
        table,
        table.gm,
        "gm-faction resource",
        "has no resource 'lamp oil'",
        faction="lantern_guild",
        name="lamp oil",
    )
    await refused(
        table,
        table.gm,
        "gm-faction resource",
        "Unknown faction",
        faction="nope",
        name="gold",
        value=1,
    )


async def test_modifiers_add_offer_and_remove(table: Table) -> None:
    text = await gm(
        table,
        "gm-faction modifier-add",
        faction="house_valcourt",
        name="Wealthy Patron",
        type="commerce",
        value=10,
    )
    assert "Modifier added to **House Valcourt**: Wealthy Patron, commerce +10" in text
    async with table.campaign.db.read() as uow:
        (added,) = [
            m
            for m in await uow.factions.list_modifiers("house_valcourt")
            if m.name == "Wealthy Patron"
        ]
    assert (added.modifier_type, added.value) == ("commerce", 10)
    offered = await table.emu.autocomplete(
        table.gm, "gm-faction modifier-remove", "modifier", "patron"
    )
    assert offered == [{"name": "House Valcourt: Wealthy Patron (commerce +10)", "value": added.id}]

    await refused(
        table,
        table.gm,
        "gm-faction modifier-remove",
        "has no modifier",
        modifier=added.id,
        faction="lantern_guild",
    )
    text = await gm(table, "gm-faction modifier-remove", modifier=added.id)
    assert "Modifier removed from **House Valcourt**: Wealthy Patron (commerce +10)." in text
    async with table.campaign.db.read() as uow:
        assert added.id not in {m.id for m in await uow.factions.list_modifiers()}
    await refused(
        table, table.gm, "gm-faction modifier-remove", "Unknown faction modifier", modifier=added.id
    )
    for options in ({"type": "piety", "value": 1}, {"type": "muster", "value": 1001}):
        with pytest.raises(CommandInputError):
            await table.emu.invoke(
                table.gm, "gm-faction modifier-add", faction="house_valcourt", name="X", **options
            )
