"""A three-turn game on the sample campaign, played only through Discord (the emulator), with
secrets planted where a leak would show.

Every free-text order carries a marker naming its faction (``QX<code><turn><n>QX``); every
rumor's text becomes ``QR<nnn>QR`` and every rumor is made easy to find, so factions learn
different rumors. Each turn: the players order (two conflicts: an initiated one and two
take-influence orders meeting), look at everything a player can look at, the GM sets DCs,
lists the orders, advances, rules every conflict with its buttons, continues, writes and
publishes a newspaper issue; the reports go out. ``Play`` keeps the autocomplete answers,
which the emulator does not store as messages.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from bot.emulator import InteractionResult, Member
from tests.bot.conftest import Table
from tests.reliability.helpers import BUG_TEXT, settled_answer

TURNS = 3
CODES = {
    "lantern_guild": "LAN",
    "brine_syndicate": "BRI",
    "order_of_the_tide": "TID",
    "house_valcourt": "VAL",
}


def marker(faction_id: str, turn: int, n: int) -> str:
    return f"QX{CODES[faction_id]}{turn}{n}QX"


def rumor_marker(index: int) -> str:
    return f"QR{index:03d}QR"


@dataclass
class Play:
    table: Table
    rumor_markers: dict[str, str] = field(default_factory=dict)  # rumor id -> marker
    order_markers: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    choices: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    async def run(self, member: Member, command: str, **options: Any) -> str:
        result = await self.table.emu.invoke(member, command, **options)
        return await self._text(result)

    async def gm(self, command: str, **options: Any) -> str:
        return await self.run(self.table.gm, command, in_channel=self.table.gm_channel, **options)

    async def complete(self, member: Member, command: str, focused: str, **options: Any) -> None:
        found = await self.table.emu.autocomplete(member, command, focused, "", **options)
        self.choices[member.id] += [f"{c['name']} {c['value']}" for c in found]

    async def _text(self, result: InteractionResult) -> str:
        text = await settled_answer(result, timeout=15)
        assert BUG_TEXT not in text, text
        return text


async def plant_secrets(play: Play) -> None:
    """Rumor texts become markers, every rumor is easy to discover."""
    db = play.table.campaign.db
    async with db.transaction() as uow:
        for index, rumor in enumerate(
            sorted(await uow.districts.list_rumors(), key=lambda r: r.id)
        ):
            text = f"It is whispered that {rumor_marker(index)} is true."
            await uow.districts.update_rumor(dataclasses.replace(rumor, rumor_text=text))
            await uow.districts.set_rumor_dc(rumor.id, 1)
            play.rumor_markers[rumor.id] = rumor_marker(index)


def orders_for(turn: int) -> list[tuple[str, int, str, dict[str, Any]]]:
    """(faction, member index, command, options); free text carries the markers."""
    return [
        ("lantern_guild", 0, "orders agent", {
            "piece": "odo-brask", "task": "freeform", "district": "grand_bazaar",
            "attribute": "might", "skill": "combat",
            "description": f"Guard the lamps {marker('lantern_guild', turn, 1)}",
        }),
        ("lantern_guild", 1, "orders agent", {
            "piece": "pell-lamplighter", "task": "take_influence", "district": "gilded_terraces",
            "target": "house_valcourt",
        }),
        ("lantern_guild", 1, "orders agent", {
            "piece": "serafine-quill", "task": "monitor", "district": "customs_house",
        }),
        ("lantern_guild", 1, "orders squadron", {
            "piece": "lantern-wardens", "task": "monitor", "district": "lantern_row",
        }),
        ("brine_syndicate", 0, "orders agent", {
            "piece": "mother-kettle", "task": "initiate_conflict", "district": "grand_bazaar",
            "target": "lantern_guild", "attribute": "presence", "skill": "persuasion",
            "description": f"Drown their lamps {marker('brine_syndicate', turn, 1)}",
        }),
        ("brine_syndicate", 0, "orders agent", {
            "piece": "little-wren", "task": "take_influence", "district": "gilded_terraces",
            "target": "house_valcourt",
        }),
        ("brine_syndicate", 0, "orders agent", {
            "piece": "jory-sixfingers", "task": "monitor", "district": "saltmarsh_docks",
        }),
        ("order_of_the_tide", 0, "orders agent", {
            "piece": "brother-ansel", "task": "freeform", "district": "temple_hill",
            "attribute": "attunement", "skill": "arcana",
            "description": f"Bless the tide {marker('order_of_the_tide', turn, 1)}",
        }),
        ("order_of_the_tide", 0, "orders agent", {
            "piece": "maren-vell", "task": "monitor", "district": "old_town",
        }),
    ]  # fmt: skip


async def look_around(play: Play, member: Member, turn: int) -> None:
    """Everything a player can look at."""
    t = play.table
    for command, options in (
        ("orders list", {}),
        ("faction overview", {}),
        ("faction report", {"turn": turn}),
        ("faction results", {"turn": turn}),
        ("faction map", {}),
        ("turn", {}),
        ("news list", {}),
        ("news read", {"number": turn}),
    ):
        await play.run(member, command, **options)
    await play.complete(member, "orders agent", "piece", task="monitor", district="old_town")
    await play.complete(member, "orders agent", "target", piece="x", task="take_influence",
                        district="old_town")  # fmt: skip
    await play.complete(member, "orders support", "ally", enabled=True)
    await t.emu.autocomplete(member, "gm-piece show", "piece", "")  # a GM source: no choices


async def play_turn(play: Play, turn: int) -> None:
    t = play.table
    for faction, index, command, options in orders_for(turn):
        text = await play.run(t.player(faction, index), command, **options)
        assert "Order recorded" in text, text
        if "description" in options:
            play.order_markers[faction].add(marker(faction, turn, 1))
    await play.gm("gm-order pending")
    for piece in ("odo-brask", "mother-kettle", "brother-ansel"):
        text = await play.gm("gm-order dc", piece=piece, dc=12 + turn)
        assert f"DC {12 + turn}" in text, text
    await play.gm("gm-order list")
    await play.run(t.gm, "gm status")  # outside the GM channel: private
    stopped = await play.gm("gm advance")
    if "stopped for your rulings" in stopped:
        conflicts = await t.emu.invoke(t.gm, "gm conflicts", in_channel=t.gm_channel)
        await settled_answer(conflicts, timeout=15)
        await conflicts.wait_for(lambda: len(conflicts.followups) >= 1, timeout=10)
        for index, message in enumerate(list(conflicts.followups)):
            choice = "draw" if (turn + index) % 2 else "w0"
            button = next(c for c in message.custom_ids() if c.endswith(f":{choice}"))
            clicked = await t.emu.click(t.gm, message, button)
            assert "Ruling recorded" in clicked.content, clicked.content
        done = await play.gm("gm continue")
    else:
        done = stopped
    assert f"Turn {turn} is complete" in done, done
    await t.settle()
    await play.gm("gm-news create", title=f"The Crier, turn {turn}", articles=3)
    await play.gm("gm-news publish")
    await t.settle()
    await play.gm("gm-district rumors")
    for members in t.players.values():
        for member in members:
            await look_around(play, member, turn)
    await look_around(play, t.outsider, turn)


async def play_game(table: Table) -> Play:
    play = Play(table)
    await plant_secrets(play)
    for turn in range(1, TURNS + 1):
        await play_turn(play, turn)
    return play
