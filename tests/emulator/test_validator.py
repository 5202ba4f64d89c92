"""Every limit is caught: end to end through discord.py, and rule by rule on payloads."""

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from bot.emulator import Emulator, running_bot
from bot.emulator import validator as v
from tests.emulator.conftest import World


def rules(found: list[v.Violation]) -> set[str]:
    return {x.rule for x in found}


async def test_2001_chars_refused_and_recorded(world: World) -> None:
    channel = world.bot.get_channel(int(world.news.id))
    with pytest.raises(discord.HTTPException) as caught:
        await channel.send("x" * 2001)
    assert caught.value.status == 400 and caught.value.code == 50035
    assert rules(world.emu.take_violations()) == {"content-length"}
    await channel.send("x" * 2000)
    assert world.emu.messages(world.news)[-1].content == "x" * 2000


async def test_too_many_embeds_and_long_embed_fields(world: World) -> None:
    channel = world.bot.get_channel(int(world.news.id))
    route = discord.http.Route("POST", "/channels/{channel_id}/messages", channel_id=world.news.id)
    with pytest.raises(discord.HTTPException):  # discord.py itself refuses 11 embeds: go raw
        await world.bot.http.request(route, json={"embeds": [{"title": str(i)} for i in range(11)]})
    big = discord.Embed(title="t" * 257, description="d" * 4000)
    with pytest.raises(discord.HTTPException):
        await channel.send(embed=big)
    assert rules(world.emu.take_violations()) == {"embed-count", "embed-length"}


async def test_everyone_ping_recorded_but_delivered(world: World) -> None:
    result = await world.emu.invoke(world.alice, "ping-all")
    assert result.content == "@everyone wake up"
    assert rules(world.emu.take_violations()) == {"mass-mention"}


async def test_three_second_rule(world: World) -> None:
    world.emu.interaction_deadline = 0.2
    world.bot.slow_delay = 0.35
    result = await world.emu.invoke(world.alice, "slow", wait=False)
    await world.emu.wait_for(lambda: world.bot.send_errors == [404], timeout=3)
    found = world.emu.take_violations()
    assert [x.rule for x in found] == ["interaction-deadline"] and "/slow" in found[0].detail
    assert result.response_type is None


async def test_bad_command_tree_fails_sync(emulator: Emulator) -> None:
    emulator.create_guild("G")
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default())

    @bot.tree.command(name="report", description="x" * 100)
    @app_commands.describe(kind="k")
    async def report(interaction: discord.Interaction, kind: str) -> None:
        await interaction.response.send_message(kind)

    # 26 options: Discord refuses the whole sync.
    params = {f"opt{i}": app_commands.Choice(name=str(i), value=str(i)) for i in range(26)}
    report._params["kind"].choices = list(params.values())
    async with running_bot(emulator, bot, sync=False):
        with pytest.raises(discord.HTTPException):
            await bot.tree.sync()
    assert rules(emulator.take_violations()) == {"command-choices"}
    assert emulator.global_commands == []


def test_component_rules() -> None:
    button = {"type": 2, "style": 1, "label": "ok", "custom_id": "b"}
    assert rules(v.check_components([{"type": 1, "components": [button] * 6}])) == {
        "component-buttons"
    }
    assert rules(v.check_components([{"type": 1, "components": [button]}] * 6)) == {
        "component-rows"
    }
    long_id = {**button, "custom_id": "c" * 101, "label": "l" * 81}
    assert rules(v.check_components([{"type": 1, "components": [long_id]}])) == {
        "custom-id",
        "button-label",
    }
    select = {"type": 3, "custom_id": "s", "options": []}
    assert rules(v.check_components([{"type": 1, "components": [select]}])) == {"select-options"}
    many = {**select, "options": [{"label": str(i), "value": str(i)} for i in range(26)]}
    assert rules(v.check_components([{"type": 1, "components": [many]}])) == {"select-options"}


def test_embed_rules() -> None:
    fields = [{"name": "n", "value": "v"}] * 26
    assert rules(v.check_embeds([{"fields": fields}])) == {"embed-fields"}
    assert rules(v.check_embeds([{"fields": [{"name": "n" * 257, "value": "v" * 1025}]}])) == {
        "embed-length"
    }
    assert rules(
        v.check_embeds([{"footer": {"text": "f" * 2049}, "author": {"name": "a" * 257}}])
    ) == {"embed-length"}
    assert rules(v.check_embeds([{"description": "d" * 4000}, {"description": "d" * 2001}])) == {
        "embed-total"
    }
    assert v.check_embeds([{"description": "d" * 4000}, {"description": "d" * 2000}]) == []


def test_mention_rules() -> None:
    assert rules(v.check_mentions("hi @here", None)) == {"mass-mention"}
    assert v.check_mentions("hi @here", {"parse": []}) == []
    assert rules(v.check_mentions("<@&123> go", {"parse": ["roles"]})) == {"role-mention"}
    assert rules(v.check_mentions("<@&123> go", {"parse": [], "roles": ["123"]})) == {
        "role-mention"
    }
    assert v.check_mentions("<@&123> <@456>", {"parse": ["users"]}) == []


def test_modal_and_autocomplete_rules() -> None:
    text = {"type": 4, "custom_id": "a", "label": "L", "style": 1}
    ok = {"title": "T", "custom_id": "m", "components": [{"type": 1, "components": [text]}]}
    assert v.check_modal(ok) == []
    assert rules(v.check_modal({**ok, "title": "t" * 46})) == {"modal-title"}
    assert rules(v.check_modal({**ok, "components": ok["components"] * 6})) == {"modal-components"}
    long_label = {"type": 1, "components": [{**text, "label": "l" * 46, "value": "v" * 4001}]}
    assert rules(v.check_modal({**ok, "components": [long_label]})) == {
        "modal-label",
        "modal-input",
    }
    labelled = {
        "type": 18,
        "label": "x" * 46,
        "component": {"type": 4, "custom_id": "a", "style": 1},
    }
    assert rules(v.check_modal({**ok, "components": [labelled]})) == {"modal-label"}
    choices = [{"name": str(i), "value": str(i)} for i in range(26)]
    assert rules(v.check_autocomplete({"choices": choices})) == {"autocomplete-count"}
    assert rules(v.check_autocomplete({"choices": [{"name": "n" * 101, "value": "v" * 101}]})) == {
        "choice-name",
        "choice-value",
    }


def test_command_definition_rules() -> None:
    def cmd(**kw: object) -> dict:
        return {"name": "orders", "description": "d", "type": 1, "options": [], **kw}

    assert v.check_commands([cmd()], is_global=True) == []
    assert rules(v.check_commands([cmd(name="Orders")], is_global=True)) == {"command-name"}
    assert rules(v.check_commands([cmd(name="a b")], is_global=True)) == {"command-name"}
    assert rules(v.check_commands([cmd(name="x" * 33)], is_global=True)) == {"command-name"}
    assert v.check_commands([cmd(name="ordres-ü_2")], is_global=True) == []
    assert rules(v.check_commands([cmd(description="")], is_global=True)) == {"command-description"}
    assert rules(v.check_commands([cmd(description="d" * 101)], is_global=True)) == {
        "command-description"
    }
    opt = {"name": "o", "description": "d", "type": 3}
    many = [{**opt, "name": f"o{i}"} for i in range(26)]
    assert rules(v.check_commands([cmd(options=many)], is_global=True)) == {"command-options"}
    order = [{**opt, "name": "a"}, {**opt, "name": "b", "required": True}]
    assert rules(v.check_commands([cmd(options=order)], is_global=True)) == {"command-option-order"}
    assert rules(v.check_commands([cmd(name=f"c{i}") for i in range(101)], is_global=True)) == {
        "command-count"
    }
    huge = [
        {
            **opt,
            "name": f"o{i}",
            "description": "d" * 100,
            "choices": [{"name": "n" * 100, "value": "v" * 100}] * 2,
        }
        for i in range(10)
    ]
    assert "command-size" in rules(v.check_commands([cmd(options=huge)], is_global=True))
    sub = {
        "name": "s",
        "description": "d",
        "type": 1,
        "options": [{"name": "t", "description": "d", "type": 1}],
    }
    assert rules(v.check_commands([cmd(options=[sub])], is_global=True)) == {"command-nesting"}


async def test_plain_bot_ready_and_clean_close(emulator: Emulator) -> None:
    emulator.create_guild("G")
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default())
    async with running_bot(emulator, bot):
        assert bot.is_ready() and emulator.gateway.identifies == 1
    assert not emulator.gateway.live  # the bot's close() ended its socket
