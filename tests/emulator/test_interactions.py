"""Slash commands, autocomplete, components, modals, defer/followup, DMs, files."""

import pytest

from bot.emulator import CommandInputError
from tests.emulator.conftest import World


async def test_command_sync_stored_with_groups_and_choices(world: World) -> None:
    orders = next(c for c in world.emu.global_commands if c["name"] == "orders")
    subs = {o["name"]: o for o in orders["options"]}
    assert subs["admin"]["type"] == 2 and subs["admin"]["options"][0]["name"] == "resolve"
    task = next(o for o in subs["submit"]["options"] if o["name"] == "task")
    assert [c["value"] for c in task["choices"]] == ["monitor", "attack"]


async def test_slash_command_with_options_reaches_callback(world: World) -> None:
    result = await world.emu.invoke(
        world.alice, "orders submit", piece="agent-ash", task="attack", dice=3
    )
    assert world.bot.calls == [("submit", "agent-ash", "attack", 3)]
    assert result.response_kind == "message" and result.ephemeral
    assert result.content == "agent-ash will attack x3"
    assert world.emu.messages(world.orders) == []  # ephemeral: not in the public channel
    assert result.latency is not None and result.latency < 3.0


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"piece": "agent-ash", "job": "monitor"}, "no option"),  # renamed option
        ({"piece": "agent-ash"}, "required option 'task' missing"),
        ({"piece": "agent-ash", "task": "sleep"}, "not among choices"),
        ({"piece": "agent-ash", "task": "monitor", "dice": "3"}, "wants an integer"),
    ],
)
async def test_invalid_invocations_refused_like_discord(
    world: World, options: dict, error: str
) -> None:
    with pytest.raises(CommandInputError, match=error):
        await world.emu.invoke(world.alice, "orders submit", **options)
    assert world.bot.calls == []


async def test_unknown_command_and_group_refused(world: World) -> None:
    with pytest.raises(CommandInputError, match="no synced command"):
        await world.emu.invoke(world.alice, "order submit", piece="x", task="monitor")
    with pytest.raises(CommandInputError, match="is a group"):
        await world.emu.invoke(world.alice, "orders admin")


async def test_autocomplete(world: World) -> None:
    choices = await world.emu.autocomplete(world.alice, "orders submit", "piece", "agent")
    assert [c["value"] for c in choices] == ["agent-ash", "agent-birch"]


async def test_defer_followup_and_edit_with_resolved_member_and_channel(world: World) -> None:
    result = await world.emu.invoke(
        world.alice, "orders admin resolve", target=world.bob, channel=world.news
    )
    assert result.deferred and result.response_kind == "deferred_message"
    followups = await result.wait_followups(1)
    assert followups[0].content == "resolved for bob in news"
    original = await result.wait_original(lambda m: m.content == "turn resolved")
    assert not original.ephemeral and original.webhook_id == world.emu.application_id


async def test_button_and_select(world: World) -> None:
    result = await world.emu.invoke(world.alice, "orders panel")
    panel = result.original
    assert panel is not None and panel.custom_ids() == ["confirm", "pick"]
    picked = await world.emu.select(world.alice, panel, "pick", ["agent-ash", "squad-cedar"])
    assert picked.content == "picked agent-ash,squad-cedar" and picked.ephemeral
    with pytest.raises(CommandInputError, match="not among"):
        await world.emu.select(world.alice, panel, "pick", ["nope"])
    clicked = await world.emu.click(world.alice, panel, "confirm")
    assert clicked.response_kind == "update_message"
    assert panel.content == "confirmed" and panel.components == []
    with pytest.raises(CommandInputError, match="no component"):
        await world.emu.click(world.alice, panel, "confirm")


async def test_modal_open_and_submit(world: World) -> None:
    opened = await world.emu.invoke(world.alice, "orders report")
    assert opened.response_kind == "modal" and opened.modal["title"] == "File a report"
    with pytest.raises(CommandInputError, match="required"):
        await world.emu.submit_modal(world.alice, opened, {"details": "x"})
    submitted = await world.emu.submit_modal(
        world.alice, opened, {"summary": "spies", "details": "many"}
    )
    assert submitted.content == "report: spies / many"


async def test_dm_and_closed_dms(world: World) -> None:
    result = await world.emu.invoke(world.alice, "dm", member=world.bob)
    assert result.content == "sent"
    assert [m.content for m in world.emu.dms(world.bob)] == ["secret intelligence"]
    world.emu.close_dms(world.bob)
    result = await world.emu.invoke(world.alice, "dm", member=world.bob)
    assert result.content == "DMs closed"
    assert world.bot.dm_errors == [50007]
    assert len(world.emu.dms(world.bob)) == 1


async def test_channel_send_via_defer(world: World) -> None:
    result = await world.emu.invoke(
        world.alice, "announce", channel=world.news, text="turn 2 begins"
    )
    assert result.ephemeral and result.deferred
    message = await world.emu.wait_for_message(world.news, lambda m: m.content == "turn 2 begins")
    assert (
        message.allowed_mentions == {"parse": [], "replied_user": False} or message.allowed_mentions
    )
    assert (await result.wait_followups(1))[0].content == "done"


async def test_attachment_upload_and_download(world: World) -> None:
    upload = world.emu.attachment("map.bin", bytes(range(256)) * 4, "application/octet-stream")
    result = await world.emu.invoke(world.alice, "upload", file=upload)
    assert result.content == "got 1024 bytes"
    stored = result.original.file_named("reversed-map.bin")
    assert stored.data == (bytes(range(256)) * 4)[::-1]
    assert world.emu.messages(world.orders)[-1].files[0].filename == "reversed-map.bin"
