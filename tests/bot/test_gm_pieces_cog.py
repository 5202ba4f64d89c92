"""/gm-piece through the real discord.py stack: payloads in, HTTP calls out."""

from __future__ import annotations

from typing import Any

import pytest

from bot.emulator import CommandInputError
from db import records as dbr
from tests.bot.conftest import Table
from tests.bot.test_gm_districts_cog import NOT_GM, button, gm, refused, text_of


async def agent(table: Table, agent_id: str) -> dbr.Agent:
    async with table.campaign.db.read() as uow:
        return await uow.pieces.get_agent(agent_id)


async def squadron(table: Table, squadron_id: str) -> dbr.Squadron:
    async with table.campaign.db.read() as uow:
        return await uow.pieces.get_squadron(squadron_id)


async def order_of(table: Table, kind: str, piece_id: str) -> dbr.Order | None:
    async with table.campaign.db.read() as uow:
        return await uow.orders.find_for_piece(1, kind, piece_id)


async def give_order(table: Table, kind: str, piece: str, district: str) -> None:
    result = await table.emu.invoke(
        table.player("lantern_guild"),
        f"orders {kind}",
        piece=piece,
        task="gain_influence",
        district=district,
    )
    assert "Order recorded" in result.content


# -- who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["player", "outsider", "admin"])
async def test_non_gms_are_refused_every_subcommand(table: Table, who: str) -> None:
    member = {
        "player": table.player("brine_syndicate"),
        "outsider": table.outsider,
        "admin": table.admin,
    }[who]
    calls: list[tuple[str, dict[str, Any]]] = [
        ("gm-piece agent-create", {"name": "Spy"}),
        ("gm-piece agent-edit", {"agent": "mother-kettle", "might": 5}),
        ("gm-piece agent-delete", {"agent": "mother-kettle"}),
        ("gm-piece squadron-create", {"name": "Rats", "faction": "brine_syndicate"}),
        ("gm-piece squadron-edit", {"squadron": "eel-crew", "mobility": 5}),
        ("gm-piece squadron-delete", {"squadron": "eel-crew"}),
        ("gm-piece list", {}),
        ("gm-piece show", {"piece": "agent:mother-kettle"}),
    ]
    for command, options in calls:
        await refused(table, member, command, NOT_GM, **options)
    assert await table.emu.autocomplete(member, "gm-piece show", "piece", "") == []


# -- agents -------------------------------------------------------------------------------------


async def test_agent_create_with_faction_district_and_stats(table: Table) -> None:
    result = await gm(
        table,
        "gm-piece agent-create",
        name="Vesna Tallow",
        district="ropewalk",
        faction="lantern_guild",
        finesse=4,
        infiltration=3,
        arcana=1,
    )
    assert result.ephemeral
    assert "**Vesna Tallow** (agent, `vesna-tallow`) created" in result.content
    assert (
        "The Lantern Guild, The Ropewalk — Finesse 4 · Infiltration 3, Arcana 1" in result.content
    )
    stored = await agent(table, "vesna-tallow")
    assert (stored.faction_id, stored.district_id) == ("lantern_guild", "ropewalk")
    assert (stored.finesse, stored.infiltration, stored.arcana, stored.might) == (4, 3, 1, 0)
    # the new agent is the faction's to order now
    choices = await table.emu.autocomplete(
        table.player("lantern_guild"), "orders agent", "piece", ""
    )
    assert "vesna-tallow" in {c["value"] for c in choices}


async def test_agent_create_unaffiliated_and_unplaced_by_default(table: Table) -> None:
    result = await gm(table, "gm-piece agent-create", name="Drifter")
    assert "unaffiliated, unplaced — every stat 0" in result.content
    stored = await agent(table, "drifter")
    assert stored.faction_id is None and stored.district_id is None


async def test_agent_create_refusals(table: Table) -> None:
    await refused(
        table,
        table.gm,
        "gm-piece agent-create",
        "Unknown faction 'pirates'",
        name="X",
        faction="pirates",
    )
    await refused(
        table,
        table.gm,
        "gm-piece agent-create",
        "Unknown district 'nowhere'",
        name="X",
        district="nowhere",
    )
    await refused(table, table.gm, "gm-piece agent-create", "cannot be empty", name="   ")
    before = await table.dump()
    for options in ({"name": "X", "might": 6}, {"name": "X", "arcana": -1}, {"name": "x" * 101}):
        with pytest.raises(CommandInputError):
            await table.emu.invoke(table.gm, "gm-piece agent-create", **options)
    assert await table.dump() == before


async def test_agent_edit_stats_name_and_owner(table: Table) -> None:
    result = await gm(
        table,
        "gm-piece agent-edit",
        agent="mirela",
        name="Mirela the Tidecaller",
        faction="order_of_the_tide",
        might=2,
    )
    assert (
        "**Mirela the Tidecaller** (agent, `mirela`) updated: The Order of the Tide"
        in result.content
    )
    stored = await agent(table, "mirela")
    assert stored.name == "Mirela the Tidecaller" and stored.faction_id == "order_of_the_tide"
    assert stored.might == 2 and stored.attunement == 5  # untouched stats stay
    back = await gm(table, "gm-piece agent-edit", agent="mirela", faction="-", district="-")
    assert "unaffiliated, unplaced" in back.content
    assert (await agent(table, "mirela")).faction_id is None


async def test_handing_an_agent_over_withdraws_its_order(table: Table) -> None:
    await give_order(table, "agent", "odo-brask", "grand_bazaar")
    result = await gm(table, "gm-piece agent-edit", agent="odo-brask", faction="house_valcourt")
    assert "Its order for turn 1 (gain influence in The Grand Bazaar" in result.content
    assert "was withdrawn" in result.content
    assert await order_of(table, "agent", "odo-brask") is None
    assert (await agent(table, "odo-brask")).faction_id == "house_valcourt"


async def test_moving_an_agent_off_its_order_withdraws_it_and_staying_keeps_it(
    table: Table,
) -> None:
    await give_order(table, "agent", "odo-brask", "grand_bazaar")
    kept = await gm(table, "gm-piece agent-edit", agent="odo-brask", district="grand_bazaar")
    assert "withdrawn" not in kept.content
    assert await order_of(table, "agent", "odo-brask") is not None
    moved = await gm(table, "gm-piece agent-edit", agent="odo-brask", district="ropewalk")
    assert "was withdrawn" in moved.content
    assert await order_of(table, "agent", "odo-brask") is None
    stored = await agent(table, "odo-brask")
    assert stored.district_id == "ropewalk" and stored.assignment is None


async def test_agent_edit_refusals(table: Table) -> None:
    await refused(table, table.gm, "gm-piece agent-edit", "Nothing to change", agent="mirela")
    await refused(
        table, table.gm, "gm-piece agent-edit", "Unknown agent 'ghost'", agent="ghost", might=1
    )
    await refused(
        table,
        table.gm,
        "gm-piece agent-edit",
        "Unknown faction 'pirates'",
        agent="mirela",
        faction="pirates",
    )
    await refused(
        table,
        table.gm,
        "gm-piece agent-edit",
        "Unknown district 'nowhere'",
        agent="mirela",
        district="nowhere",
    )
    with pytest.raises(CommandInputError):
        await table.emu.invoke(table.gm, "gm-piece agent-edit", agent="mirela", presence=9)


async def test_agent_autocomplete_lists_every_agent_for_the_gm(table: Table) -> None:
    choices = await table.emu.autocomplete(table.gm, "gm-piece agent-edit", "agent", "")
    values = {c["value"] for c in choices}
    assert {"mirela", "mother-kettle", "odo-brask"} <= values
    assert not values & {"eel-crew", "lantern-wardens"}
    owners = await table.emu.autocomplete(table.gm, "gm-piece agent-edit", "faction", "")
    assert owners[0] == {"name": "(unaffiliated)", "value": "-"}
    places = await table.emu.autocomplete(table.gm, "gm-piece agent-edit", "district", "")
    assert places[0] == {"name": "(unplaced)", "value": "-"}


async def test_agent_delete_confirms_then_removes_it_and_its_order(table: Table) -> None:
    await give_order(table, "agent", "odo-brask", "grand_bazaar")
    asked = await gm(table, "gm-piece agent-delete", agent="odo-brask")
    shown = text_of(asked.original)
    assert "Deleting **Odo Brask, Factor of Lamps** (agent, `odo-brask`)" in shown
    assert "Its order for turn 1 is removed too: gain influence in The Grand Bazaar" in shown
    assert (await agent(table, "odo-brask")).name  # still there
    assert asked.original is not None
    done = await table.emu.click(
        table.gm, asked.original, button(asked.original, "Delete the piece")
    )
    assert done.response_kind == "update_message"
    assert "deleted, with its order of this turn" in text_of(done.original)
    async with table.campaign.db.read() as uow:
        assert "odo-brask" not in await uow.pieces.get_agents_many(["odo-brask"])
    assert await order_of(table, "agent", "odo-brask") is None


async def test_agent_delete_kept_and_unknown(table: Table) -> None:
    asked = await gm(table, "gm-piece agent-delete", agent="mirela")
    before = await table.dump()
    assert asked.original is not None
    kept = await table.emu.click(table.gm, asked.original, button(asked.original, "Keep it"))
    assert "Nothing deleted" in text_of(kept.original)
    assert await table.dump() == before
    await refused(table, table.gm, "gm-piece agent-delete", "Unknown agent 'ghost'", agent="ghost")


# -- squadrons ----------------------------------------------------------------------------------


async def test_squadron_create(table: Table) -> None:
    result = await gm(
        table,
        "gm-piece squadron-create",
        name="Night Porters",
        faction="brine_syndicate",
        district="ropewalk",
        type="smugglers",
        mobility=3,
        underworld=4,
        combat=-3,
    )
    assert "**Night Porters** (squadron, `night-porters`) created" in result.content
    assert "smugglers, mobility 3 · Combat -3, Underworld +4; others -1" in result.content
    stored = await squadron(table, "night-porters")
    assert (stored.faction_id, stored.district_id, stored.type) == (
        "brine_syndicate",
        "ropewalk",
        "smugglers",
    )
    assert (stored.mobility, stored.underworld_aptitude, stored.combat_aptitude) == (3, 4, -3)
    assert stored.monitoring_aptitude == -1


async def test_squadron_create_refusals(table: Table) -> None:
    await refused(
        table,
        table.gm,
        "gm-piece squadron-create",
        "Unknown faction 'pirates'",
        name="X",
        faction="pirates",
    )
    await refused(
        table,
        table.gm,
        "gm-piece squadron-create",
        "Unknown district 'nowhere'",
        name="X",
        faction="brine_syndicate",
        district="nowhere",
    )
    before = await table.dump()
    for options in (
        {"name": "X", "faction": "brine_syndicate", "social": -4},
        {"name": "X", "faction": "brine_syndicate", "mobility": 6},
        {"name": "X"},  # the faction is required
    ):
        with pytest.raises(CommandInputError):
            await table.emu.invoke(table.gm, "gm-piece squadron-create", **options)
    assert await table.dump() == before


async def test_squadron_edit_and_move(table: Table) -> None:
    await give_order(table, "squadron", "lantern-wardens", "grand_bazaar")
    result = await gm(
        table,
        "gm-piece squadron-edit",
        squadron="lantern-wardens",
        social=5,
        type="city watch",
        district="ropewalk",
    )
    assert "**Lantern Wardens** (squadron, `lantern-wardens`) updated" in result.content
    assert "was withdrawn" in result.content
    stored = await squadron(table, "lantern-wardens")
    assert (stored.social_aptitude, stored.type, stored.district_id) == (
        5,
        "city watch",
        "ropewalk",
    )
    assert stored.combat_aptitude == 1  # untouched
    assert await order_of(table, "squadron", "lantern-wardens") is None
    handed = await gm(
        table, "gm-piece squadron-edit", squadron="lantern-wardens", faction="house_valcourt"
    )
    assert "House Valcourt" in handed.content
    assert (await squadron(table, "lantern-wardens")).faction_id == "house_valcourt"


async def test_squadron_edit_refusals(table: Table) -> None:
    await refused(
        table,
        table.gm,
        "gm-piece squadron-edit",
        "always belongs to a faction",
        squadron="eel-crew",
        faction="-",
    )
    await refused(
        table, table.gm, "gm-piece squadron-edit", "Nothing to change", squadron="eel-crew"
    )
    await refused(
        table,
        table.gm,
        "gm-piece squadron-edit",
        "Unknown squadron 'ghosts'",
        squadron="ghosts",
        mobility=1,
    )
    await refused(
        table,
        table.gm,
        "gm-piece squadron-edit",
        "Unknown district 'nowhere'",
        squadron="eel-crew",
        district="nowhere",
    )
    with pytest.raises(CommandInputError):
        await table.emu.invoke(table.gm, "gm-piece squadron-edit", squadron="eel-crew", arcane=6)


async def test_squadron_delete(table: Table) -> None:
    asked = await gm(table, "gm-piece squadron-delete", squadron="eel-crew")
    assert "It has no order this turn" in text_of(asked.original)
    assert asked.original is not None
    await table.emu.click(table.gm, asked.original, button(asked.original, "Delete the piece"))
    async with table.campaign.db.read() as uow:
        assert "eel-crew" not in await uow.pieces.get_squadrons_many(["eel-crew"])
    await refused(
        table,
        table.gm,
        "gm-piece squadron-delete",
        "Unknown squadron 'eel-crew'",
        squadron="eel-crew",
    )


async def test_delete_button_belongs_to_whoever_asked(table: Table) -> None:
    asked = await gm(table, "gm-piece squadron-delete", squadron="eel-crew")
    before = await table.dump()
    assert asked.original is not None
    other = await table.emu.click(
        table.admin, asked.original, button(asked.original, "Delete the piece")
    )
    assert other.ephemeral and "belong to whoever ran the command" in other.content
    assert await table.dump() == before


# -- reading ------------------------------------------------------------------------------------


async def test_list_every_piece_with_owner_place_and_stats(table: Table) -> None:
    result = await gm(table, "gm-piece list")
    shown = text_of(result.original)
    async with table.campaign.db.read() as uow:
        pieces = await uow.pieces.list_all()
    assert f"Agents ({sum(isinstance(p, dbr.Agent) for p in pieces)})" in shown
    assert "**Mirela of the Tides** (agent, `mirela`): unaffiliated, unplaced" in shown
    assert (
        "**Mother Kettle** (agent, `mother-kettle`): The Brine Syndicate, Saltmarsh Docks" in shown
    )
    assert "**The Eel Crew** (squadron, `eel-crew`)" in shown and "mobility 4" in shown


async def test_list_of_one_faction(table: Table) -> None:
    result = await gm(table, "gm-piece list", faction="brine_syndicate")
    shown = text_of(result.original)
    assert "Agents of The Brine Syndicate" in shown and "Mother Kettle" in shown
    assert "Odo Brask" not in shown and "Mirela" not in shown
    await refused(table, table.gm, "gm-piece list", "Unknown faction 'pirates'", faction="pirates")


async def test_list_paginates_when_long(table: Table) -> None:
    async with table.campaign.db.transaction() as uow:
        await uow.pieces.upsert_agents_many(
            [
                dbr.Agent(
                    f"extra-{i:03}", f"Extra agent number {i} " + "x" * 60, "lantern_guild", might=1
                )
                for i in range(150)
            ]
        )
    result = await gm(table, "gm-piece list")
    assert result.original is not None
    labels = [i.get("label") for row in result.original.components for i in row["components"]]
    assert "Next" in labels and any(str(label).startswith("1/") for label in labels)
    turned = await table.emu.click(table.gm, result.original, button(result.original, "Next"))
    assert "Extra agent number" in text_of(turned.original)


async def test_show_one_piece_in_full(table: Table) -> None:
    await give_order(table, "agent", "odo-brask", "grand_bazaar")
    choices = await table.emu.autocomplete(table.gm, "gm-piece show", "piece", "odo")
    assert [c["value"] for c in choices] == ["agent:odo-brask"]
    result = await gm(table, "gm-piece show", piece="agent:odo-brask")
    shown = text_of(result.original)
    assert "Odo Brask, Factor of Lamps (agent, odo-brask)" in shown
    assert "Owner: The Lantern Guild" in shown
    assert "Attributes: Intellect 2, Presence 3, Finesse 0, Might 0, Attunement 0" in shown
    assert "Order in turn 1: gain influence in The Grand Bazaar" in shown
    squad = await gm(table, "gm-piece show", piece="eel-crew")  # a bare id works too
    shown = text_of(squad.original)
    assert "The Eel Crew (squadron, eel-crew)" in shown and "Type: smugglers" in shown
    assert "Aptitudes: Combat +1, Underworld +4" in shown and "Order in turn 1: none" in shown


async def test_show_unknown_piece(table: Table) -> None:
    await refused(table, table.gm, "gm-piece show", "Unknown agent 'ghost'", piece="ghost")
    await refused(
        table, table.gm, "gm-piece show", "Unknown squadron 'mirela'", piece="squadron:mirela"
    )
