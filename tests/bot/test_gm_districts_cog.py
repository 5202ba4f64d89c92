"""/gm-district through the real discord.py stack: payloads in, HTTP calls out."""

from __future__ import annotations

from typing import Any

import pytest

from bot.emulator import CommandInputError, Member
from bot.emulator.model import Message
from bot.emulator.results import InteractionResult
from db.records import KnownRumor, Rumor
from tests.bot.conftest import Table

DISTRICT = {
    "name": "Salt Quay",
    "gain_attribute": "presence",
    "gain_skill": "persuasion",
    "gain_aptitude": "labor",
    "monitor_attribute": "intellect",
    "monitor_skill": "streetwise",
}


def text_of(message: Message | None) -> str:
    """Content plus every embed's title, description and footer."""
    if message is None:
        return ""
    parts = [message.content or ""]
    for embed in message.embeds:
        parts += [embed.get("title", ""), embed.get("description", "")]
        parts.append(embed.get("footer", {}).get("text", ""))
    return "\n".join(parts)


async def gm(table: Table, command: str, **options: Any) -> InteractionResult:
    result = await table.emu.invoke(table.gm, command, **options)
    assert result.original is not None or result.modal is not None, f"/{command}: no answer"
    return result


async def refused(
    table: Table, member: Member, command: str, expected: str, **options: Any
) -> InteractionResult:
    """An ephemeral refusal naming ``expected`` that changed nothing."""
    before = await table.dump()
    result = await table.emu.invoke(member, command, **options)
    assert result.ephemeral, result.content
    assert expected in result.content, result.content
    assert await table.dump() == before
    return result


async def influence(table: Table, district: str) -> dict[str, tuple[int, bool]]:
    async with table.campaign.db.read() as uow:
        rows = await uow.districts.list_influence(district_id=district)
    return {r.faction_id: (r.value, r.has_stronghold) for r in rows if r.value or r.has_stronghold}


def button(message: Message, label: str) -> str:
    for row in message.components:
        for item in row.get("components", []):
            if item.get("label") == label:
                return item["custom_id"]
    raise AssertionError(f"no button {label!r} on the message")


NOT_GM = "Only the GM can do that"


# -- who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["player", "outsider", "admin"])
async def test_non_gms_are_refused_every_subcommand(table: Table, who: str) -> None:
    member = {
        "player": table.player("lantern_guild"),
        "outsider": table.outsider,
        "admin": table.admin,
    }[who]
    calls: list[tuple[str, dict[str, Any]]] = [
        ("gm-district create", DISTRICT),
        ("gm-district edit", {"district": "grand_bazaar", "commerce": 1}),
        ("gm-district delete", {"district": "grand_bazaar"}),
        ("gm-district show", {"district": "grand_bazaar"}),
        (
            "gm-district adjacent",
            {"district": "ropewalk", "other": "fishmarket", "connected": True},
        ),
        (
            "gm-district likeability",
            {"district": "ropewalk", "faction": "lantern_guild", "value": 5},
        ),
        ("gm-district influence", {"district": "ropewalk", "faction": "lantern_guild", "value": 1}),
        (
            "gm-district stronghold",
            {"district": "ropewalk", "faction": "lantern_guild", "on": True},
        ),
        ("gm-district weekly", {"district": "ropewalk", "value": 2}),
        ("gm-district modifier-add", {"district": "ropewalk", "type": "riot", "value": 1}),
        ("gm-district modifier-remove", {"modifier": "anything"}),
        ("gm-district rumor-add", {"district": "ropewalk", "name": "X", "dc": 3}),
        ("gm-district rumors", {}),
        ("gm-district rumor-delete", {"rumor": "black-barge"}),
    ]
    for command, options in calls:
        result = await refused(table, member, command, NOT_GM, **options)
        assert result.modal is None


async def test_gm_sources_offer_nothing_to_players(table: Table) -> None:
    alice = table.player("lantern_guild")
    assert await table.emu.autocomplete(alice, "gm-district rumor-delete", "rumor", "") == []
    assert await table.emu.autocomplete(alice, "gm-district modifier-remove", "modifier", "") == []


# -- create / edit / show / delete --------------------------------------------------------------


async def test_create_district_answers_and_stores_it(table: Table) -> None:
    result = await gm(
        table, "gm-district create", **DISTRICT, commerce=4, muster=2, description="Salt *and* tar"
    )
    assert result.ephemeral  # not in the GM channel
    assert "District **Salt Quay** (`salt-quay`) created" in result.content
    assert "Commerce 4 · Muster 2 · Aristocratic 0" in result.content
    assert "squadrons Labor" in result.content and "squadrons Monitoring" in result.content
    assert "Salt \\*and\\* tar" in result.content  # markdown escaped
    async with table.campaign.db.read() as uow:
        stored = await uow.districts.get("salt-quay")
    assert stored.name == "Salt Quay" and stored.commerce_value == 4 and stored.muster_value == 2
    assert stored.preferred_gain_squadron_aptitude == "labor"
    assert stored.preferred_monitor_squadron_aptitude == "monitoring"


async def test_answers_are_public_in_the_gm_channel(table: Table) -> None:
    result = await table.emu.invoke(
        table.gm, "gm-district weekly", district="ropewalk", value=-2, in_channel=table.gm_channel
    )
    assert not result.ephemeral and "Weekly DC modifier" in result.content


async def test_out_of_range_values_never_reach_the_bot(table: Table) -> None:
    before = await table.dump()
    for command, options in [
        ("gm-district create", {**DISTRICT, "commerce": 11}),
        ("gm-district create", {**DISTRICT, "gain_skill": "cooking"}),
        (
            "gm-district likeability",
            {"district": "ropewalk", "faction": "lantern_guild", "value": 6},
        ),
        (
            "gm-district influence",
            {"district": "ropewalk", "faction": "lantern_guild", "value": -1},
        ),
        ("gm-district weekly", {"district": "ropewalk", "value": 3}),
        ("gm-district rumor-add", {"district": "ropewalk", "name": "X", "dc": -1}),
        (
            "gm-district rumor-add",
            {"district": "ropewalk", "name": "X", "dc": 1, "newspaper_weight": -0.5},
        ),
    ]:
        with pytest.raises(CommandInputError):
            await table.emu.invoke(table.gm, command, **options)
    assert await table.dump() == before


async def test_edit_changes_only_the_given_fields(table: Table) -> None:
    result = await gm(
        table,
        "gm-district edit",
        district="ropewalk",
        name="The Long Ropewalk",
        monitor_aptitude="labor",
        aristocratic=7,
    )
    assert "District **The Long Ropewalk** (`ropewalk`) updated" in result.content
    async with table.campaign.db.read() as uow:
        d = await uow.districts.get("ropewalk")
    assert d.name == "The Long Ropewalk" and d.aristocratic_value == 7
    assert d.preferred_monitor_squadron_aptitude == "labor"
    assert d.preferred_gain_attribute != "" and d.description  # kept


async def test_edit_can_clear_the_description(table: Table) -> None:
    await gm(table, "gm-district edit", district="ropewalk", clear_description=True)
    async with table.campaign.db.read() as uow:
        assert (await uow.districts.get("ropewalk")).description is None


async def test_edit_refusals(table: Table) -> None:
    await refused(table, table.gm, "gm-district edit", "Nothing to change", district="ropewalk")
    await refused(
        table,
        table.gm,
        "gm-district edit",
        "Unknown district 'nowhere'",
        district="nowhere",
        commerce=1,
    )
    await refused(
        table,
        table.gm,
        "gm-district edit",
        "not both",
        district="ropewalk",
        description="x",
        clear_description=True,
    )


async def test_show_tells_the_gm_everything(table: Table) -> None:
    truth = await influence(table, "saltmarsh_docks")
    result = await gm(table, "gm-district show", district="saltmarsh_docks")
    shown = text_of(result.original)
    assert result.ephemeral
    assert "Saltmarsh Docks (saltmarsh_docks)" in shown
    assert "Adjacent:" in shown and "The Fishmarket" in shown
    for value, stronghold in truth.values():
        assert f": {value}" + (" · stronghold" if stronghold else "") in shown
    assert f"Pool (unheld): {10 - sum(v for v, _ in truth.values())} of 10" in shown
    assert "Likeability" in shown and "+2" in shown
    assert "Weekly DC modifier:" in shown
    assert "The Black Barge" in shown and "DC " in shown and "known by" in shown
    assert "Standing here:" in shown and "Mother Kettle" in shown


async def test_show_paginates_a_long_district(table: Table) -> None:
    async with table.campaign.db.transaction() as uow:
        await uow.districts.create_rumors_many(
            [
                Rumor(f"long-{i}", "ropewalk", f"Rumor number {i}: " + "word " * 300, 10 + i)
                for i in range(20)
            ]
        )
    result = await gm(table, "gm-district show", district="ropewalk")
    first = result.original
    assert first is not None and "1/" in " ".join(
        str(i.get("label")) for row in first.components for i in row.get("components", [])
    )
    next_id = button(first, "Next")
    turned = await table.emu.click(table.gm, first, next_id)
    assert turned.response_kind == "update_message"
    assert "Rumor number" in text_of(turned.original)
    # the pager belongs to whoever ran the command
    other = await table.emu.click(table.admin, first, next_id)
    assert other.ephemeral and "belong to whoever ran the command" in other.content


async def test_show_unknown_district(table: Table) -> None:
    await refused(
        table, table.gm, "gm-district show", "Unknown district 'nowhere'", district="nowhere"
    )


async def test_delete_asks_says_what_cascades_then_deletes(table: Table) -> None:
    result = await gm(table, "gm-district delete", district="lighthouse_point")
    shown = text_of(result.original)
    assert "Deleting **Lighthouse Point** (`lighthouse_point`) removes the following" in shown
    assert "rumor(s)" in shown and "adjacency" in shown and "now unplaced" in shown
    async with table.campaign.db.read() as uow:
        assert await uow.districts.find("lighthouse_point") is not None  # not yet
        standing = [
            p.id for p in await uow.pieces.list_all() if p.district_id == "lighthouse_point"
        ]
    assert standing  # Captain Dace Harrow stands there
    assert result.original is not None
    done = await table.emu.click(
        table.gm, result.original, button(result.original, "Delete the district")
    )
    assert done.response_kind == "update_message"
    assert "deleted" in text_of(done.original) and done.original.components == []
    async with table.campaign.db.read() as uow:
        assert await uow.districts.find("lighthouse_point") is None
        assert await uow.districts.list_rumors("lighthouse_point") == []
        assert "lighthouse_point" not in await uow.districts.adjacent_to("saltmarsh_docks")
        pieces = {p.id: p for p in await uow.pieces.list_all()}
    assert all(pieces[p].district_id is None for p in standing)


async def test_delete_can_be_called_off(table: Table) -> None:
    result = await gm(table, "gm-district delete", district="ropewalk")
    before = await table.dump()
    assert result.original is not None
    kept = await table.emu.click(table.gm, result.original, button(result.original, "Keep it"))
    assert "Nothing deleted" in text_of(kept.original)
    assert await table.dump() == before


async def test_delete_button_refuses_someone_else(table: Table) -> None:
    result = await gm(table, "gm-district delete", district="ropewalk")
    before = await table.dump()
    assert result.original is not None
    other = await table.emu.click(
        table.admin, result.original, button(result.original, "Delete the district")
    )
    assert other.ephemeral and "belong to whoever ran the command" in other.content
    assert await table.dump() == before


async def test_delete_unknown_district(table: Table) -> None:
    await refused(
        table, table.gm, "gm-district delete", "Unknown district 'nowhere'", district="nowhere"
    )


# -- adjacency, likeability, influence, strongholds, weekly -------------------------------------


async def test_adjacency_is_symmetric_both_ways(table: Table) -> None:
    result = await gm(
        table, "gm-district adjacent", district="ropewalk", other="fishmarket", connected=True
    )
    assert "are now adjacent (both ways)" in result.content
    async with table.campaign.db.read() as uow:
        assert "fishmarket" in await uow.districts.adjacent_to("ropewalk")
        assert "ropewalk" in await uow.districts.adjacent_to("fishmarket")
    again = await gm(
        table, "gm-district adjacent", district="fishmarket", other="ropewalk", connected=True
    )
    assert "were already adjacent" in again.content
    apart = await gm(
        table, "gm-district adjacent", district="fishmarket", other="ropewalk", connected=False
    )
    assert "**The Fishmarket** and **The Ropewalk** are no longer adjacent" in apart.content
    async with table.campaign.db.read() as uow:
        assert "fishmarket" not in await uow.districts.adjacent_to("ropewalk")
        assert "ropewalk" not in await uow.districts.adjacent_to("fishmarket")


async def test_adjacency_refusals(table: Table) -> None:
    base = {"district": "ropewalk"}
    await refused(
        table,
        table.gm,
        "gm-district adjacent",
        "cannot be adjacent to itself",
        **base,
        other="ropewalk",
        connected=True,
    )
    await refused(
        table,
        table.gm,
        "gm-district adjacent",
        "are not adjacent",
        **base,
        other="fishmarket",
        connected=False,
    )
    await refused(
        table,
        table.gm,
        "gm-district adjacent",
        "Unknown district 'nowhere'",
        **base,
        other="nowhere",
        connected=True,
    )


async def test_likeability(table: Table) -> None:
    result = await gm(
        table, "gm-district likeability", district="ropewalk", faction="brine_syndicate", value=-4
    )
    assert "Likeability of **The Brine Syndicate**" in result.content and "-4" in result.content
    async with table.campaign.db.read() as uow:
        assert await uow.districts.get_likeability("ropewalk", "brine_syndicate") == -4
    await refused(
        table,
        table.gm,
        "gm-district likeability",
        "Unknown faction 'pirates'",
        district="ropewalk",
        faction="pirates",
        value=1,
    )


async def test_influence_set_and_pool_shown(table: Table) -> None:
    before = await influence(table, "ropewalk")
    result = await gm(
        table, "gm-district influence", district="ropewalk", faction="lantern_guild", value=3
    )
    held = sum(v for f, (v, _) in before.items() if f != "lantern_guild") + 3
    assert "**The Lantern Guild** now holds 3" in result.content
    assert f"Held: {held} of 10, pool {10 - held}" in result.content
    assert (await influence(table, "ropewalk"))["lantern_guild"][0] == 3


async def test_influence_over_ten_in_a_district_is_refused_with_the_numbers(table: Table) -> None:
    truth = await influence(table, "saltmarsh_docks")
    others = sum(v for f, (v, _) in truth.items() if f != "lantern_guild")
    assert others > 0
    await refused(
        table,
        table.gm,
        "gm-district influence",
        f"other factions hold {others}: 'lantern_guild' can have at most {10 - others} there",
        district="saltmarsh_docks",
        faction="lantern_guild",
        value=10,
    )


async def test_influence_unknown_ids(table: Table) -> None:
    await refused(
        table,
        table.gm,
        "gm-district influence",
        "Unknown district 'nowhere'",
        district="nowhere",
        faction="lantern_guild",
        value=1,
    )
    await refused(
        table,
        table.gm,
        "gm-district influence",
        "Unknown faction 'pirates'",
        district="ropewalk",
        faction="pirates",
        value=1,
    )


async def test_stronghold_on_and_off(table: Table) -> None:
    on = await gm(
        table, "gm-district stronghold", district="ropewalk", faction="house_valcourt", on=True
    )
    assert "**House Valcourt** has a stronghold" in on.content
    assert (await influence(table, "ropewalk"))["house_valcourt"][1] is True
    off = await gm(
        table, "gm-district stronghold", district="ropewalk", faction="house_valcourt", on=False
    )
    assert "has no stronghold" in off.content
    assert "house_valcourt" not in await influence(table, "ropewalk")


async def test_weekly_modifier(table: Table) -> None:
    result = await gm(table, "gm-district weekly", district="ropewalk", value=2)
    assert "Weekly DC modifier of **The Ropewalk** (`ropewalk`): +2" in result.content
    async with table.campaign.db.read() as uow:
        assert await uow.districts.get_weekly("ropewalk") == 2
    await refused(
        table,
        table.gm,
        "gm-district weekly",
        "Unknown district 'nowhere'",
        district="nowhere",
        value=1,
    )


# -- modifiers ------------------------------------------------------------------------------------


async def test_modifier_add_then_remove(table: Table) -> None:
    added = await gm(
        table,
        "gm-district modifier-add",
        district="ropewalk",
        type="curfew",
        value=-2,
        expires_on=3,
    )
    assert "Modifier added to **The Ropewalk**" in added.content
    assert "curfew -2, until the end of turn 3 (`ropewalk-curfew`)" in added.content
    async with table.campaign.db.read() as uow:
        rows = [
            m for m in await uow.districts.list_modifiers("ropewalk") if m.modifier_type == "curfew"
        ]
    assert [(m.id, m.modifier_value, m.expires_on) for m in rows] == [("ropewalk-curfew", -2, 3)]
    choices = await table.emu.autocomplete(table.gm, "gm-district modifier-remove", "modifier", "")
    assert {"name": "The Ropewalk: curfew -2 (until turn 3)", "value": "ropewalk-curfew"} in choices
    assert not any(c["value"].startswith("weekly_dc") for c in choices)
    removed = await gm(table, "gm-district modifier-remove", modifier="ropewalk-curfew")
    assert "Modifier removed: curfew -2" in removed.content
    async with table.campaign.db.read() as uow:
        assert "ropewalk-curfew" not in {m.id for m in await uow.districts.list_modifiers()}


async def test_modifier_refusals(table: Table) -> None:
    await refused(
        table,
        table.gm,
        "gm-district modifier-add",
        "weekly modifier setting",
        district="ropewalk",
        type="weekly_dc",
        value=1,
    )
    await refused(
        table,
        table.gm,
        "gm-district modifier-add",
        "Unknown district 'nowhere'",
        district="nowhere",
        type="riot",
        value=1,
    )
    await refused(
        table,
        table.gm,
        "gm-district modifier-remove",
        "Unknown district modifier 'weekly_dc:ropewalk'",
        modifier="weekly_dc:ropewalk",
    )
    await refused(
        table,
        table.gm,
        "gm-district modifier-remove",
        "Unknown district modifier 'nope'",
        modifier="nope",
    )


# -- rumors ---------------------------------------------------------------------------------------


async def test_rumor_add_through_the_modal(table: Table) -> None:
    opened = await gm(
        table,
        "gm-district rumor-add",
        district="ropewalk",
        name="Cut Lines",
        dc=14,
        newspaper_weight=2.5,
    )
    assert opened.response_kind == "modal" and opened.modal is not None
    assert opened.modal["title"] == "Rumor: Cut Lines"
    async with table.campaign.db.read() as uow:
        assert "cut-lines" not in {r.id for r in await uow.districts.list_rumors()}  # not yet
    submitted = await table.emu.submit_modal(
        table.gm,
        opened,
        {"rumor-text": "Someone @everyone cuts the Guild's ropes.", "rumor-hint": "Frayed ends"},
    )
    assert submitted.ephemeral
    assert "Rumor **Cut Lines** (`cut-lines`) added to The Ropewalk: DC 14" in submitted.content
    assert "newspaper weight 2.5" in submitted.content and "hint: Frayed ends" in submitted.content
    assert "@\u200beveryone" in submitted.content  # never a ping
    async with table.campaign.db.read() as uow:
        rumor = await uow.districts.get_rumor("cut-lines")
    assert rumor.district_id == "ropewalk" and rumor.discovery_dc == 14
    assert rumor.rumor_text == "Someone @everyone cuts the Guild's ropes."
    assert rumor.newspaper_hint == "Frayed ends" and rumor.newspaper_weight == 2.5


async def test_rumor_add_without_a_hint(table: Table) -> None:
    opened = await gm(table, "gm-district rumor-add", district="ropewalk", name="Quiet", dc=0)
    await table.emu.submit_modal(table.gm, opened, {"rumor-text": "Nothing happens here."})
    async with table.campaign.db.read() as uow:
        rumor = await uow.districts.get_rumor("quiet")
    assert (
        rumor.newspaper_hint is None and rumor.newspaper_weight == 1.0 and rumor.discovery_dc == 0
    )


async def test_rumor_modal_caps_the_text_at_2000(table: Table) -> None:
    opened = await gm(table, "gm-district rumor-add", district="ropewalk", name="Long", dc=3)
    assert opened.modal is not None
    inputs = [row["components"][0] for row in opened.modal["components"]]
    assert inputs[0]["custom_id"] == "rumor-text" and inputs[0]["max_length"] == 2000
    before = await table.dump()
    with pytest.raises(CommandInputError):
        await table.emu.submit_modal(table.gm, opened, {"rumor-text": "x" * 2001})
    assert await table.dump() == before


async def test_rumor_add_refuses_an_unknown_district_before_the_modal(table: Table) -> None:
    result = await refused(
        table,
        table.gm,
        "gm-district rumor-add",
        "Unknown district 'nowhere'",
        district="nowhere",
        name="X",
        dc=1,
    )
    assert result.modal is None


async def test_rumor_modal_submitted_by_someone_no_longer_gm_is_refused(table: Table) -> None:
    opened = await gm(table, "gm-district rumor-add", district="ropewalk", name="Late", dc=3)
    async with table.campaign.db.transaction() as uow:  # the GM role moves away meanwhile
        await uow.settings.update(gm_role_id=int(table.admin.id))
    before = await table.dump()
    result = await table.emu.submit_modal(table.gm, opened, {"rumor-text": "Too late."})
    assert result.ephemeral and NOT_GM in result.content
    assert await table.dump() == before


async def test_rumors_list_with_dcs_and_who_knows(table: Table) -> None:
    async with table.campaign.db.transaction() as uow:
        await uow.factions.add_known_rumors_many([KnownRumor("brine_syndicate", "black-barge", 1)])
        barge = await uow.districts.get_rumor("black-barge")
    every = await gm(table, "gm-district rumors")
    shown = text_of(every.original)
    assert "Every rumor" in shown and "The Lantern Tithe" in shown
    assert "**The Black Barge** (`black-barge`) in Saltmarsh Docks" in shown
    assert f"DC {barge.discovery_dc}" in shown and "known by The Brine Syndicate" in shown
    one = await gm(table, "gm-district rumors", district="caravan_gate")
    shown = text_of(one.original)
    assert "Rumors of Caravan Gate (1)" in shown and "The Black Barge" not in shown
    assert "known by nobody" in shown
    await refused(
        table, table.gm, "gm-district rumors", "Unknown district 'nowhere'", district="nowhere"
    )


async def test_rumor_delete(table: Table) -> None:
    async with table.campaign.db.transaction() as uow:
        await uow.factions.add_known_rumors_many([KnownRumor("brine_syndicate", "black-barge", 1)])
    choices = await table.emu.autocomplete(table.gm, "gm-district rumor-delete", "rumor", "barge")
    assert [c["value"] for c in choices] == ["black-barge"]
    result = await gm(table, "gm-district rumor-delete", rumor="black-barge")
    assert "Rumor **The Black Barge** of Saltmarsh Docks deleted" in result.content
    assert "leaves the known rumors of The Brine Syndicate" in result.content
    async with table.campaign.db.read() as uow:
        assert "black-barge" not in {r.id for r in await uow.districts.list_rumors()}
        known = await uow.factions.known_rumors("brine_syndicate")
    assert "black-barge" not in {k.rumor_id for k in known}
    await refused(
        table,
        table.gm,
        "gm-district rumor-delete",
        "Unknown rumor 'black-barge'",
        rumor="black-barge",
    )
