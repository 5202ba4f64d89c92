"""Property-based fuzzing of every command's options, through the emulator.

The commands are enumerated from the tree the bot SYNCED (a command added tomorrow is
fuzzed tomorrow). For each one, hypothesis draws option values the Discord client could
send (it enforces choices, min/max length and value, option types; the emulator refuses the
rest exactly as the client would): text with unicode, zero-width and right-to-left
characters, markdown, @everyone and role/user mention syntax, SQL-looking text, strings of
the maximum length the option allows; integers and numbers up to Discord's ±2^53; members,
channels and roles of ANOTHER server; attachments that are not campaign files; and, for
autocompleted options, the real choices as well as anything typed. A command that opens a
modal gets the modal filled and submitted the same way.

Every example must: be answered (the emulator fails any 3-second deadline or Discord limit
violation), never with the error-id "Something went wrong" message, and never logged as
"failed"; a refusal must be an ephemeral message and leave every table unchanged (compared
after the delivery worker settled). Successful commands may change the campaign (that is
what they are for); the next examples run on whatever state that left.

Hypothesis runs in a worker thread (its engine is synchronous); each example is sent to
the bot's event loop, which the test leaves free while it waits. derandomize=True: the
same examples on every run.
"""

from __future__ import annotations

import asyncio
import string
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot.emulator import CommandInputError, Emulator, InteractionResult, Member
from bot.emulator.commands import (
    ATTACHMENT,
    BOOLEAN,
    CHANNEL,
    INTEGER,
    MENTIONABLE,
    NUMBER,
    ROLE,
    STRING,
    USER,
)
from tests.bot.conftest import Table
from tests.reliability.helpers import BUG_TEXT, CommandLog, answer_text, campaign_dump, leaves

EXAMPLES_PER_COMMAND = 12
DISCORD_INT = 2**53  # Discord: integer options are between -2^53 and 2^53
DISCORD_MAX_STRING = 6000
PLAYER_COMMANDS = ("orders", "faction", "turn", "news")

SPECIALS = (
    "\u200b",
    "a\u200bb\u200c\u200d\ufeff",
    "\u202eevil\u202c name",
    "\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",
    "**bold** __under__ ~~strike~~ ||spoiler|| `code` ```block```",
    "# heading\n> quote\n- list",
    "@everyone",
    "@here hello",
    "<@&{role}> and <@{user}> and <#{channel}>",
    "'; DROP TABLE agents; --",
    "Robert'); DELETE FROM factions WHERE ('1'='1",
    '" OR 1=1 --',
    "%s %d {0} {name} ${HOME}",
    "../../../../etc/passwd",
    "C:\\Windows\\system32",
    "null",
    "-1",
    "9" * 40,
    "\U0001f525" * 30,
    "e\u0301" * 20,
    " leading and trailing ",
    "line\nbreak\r\nand\ttab",
)


@dataclass
class World:
    """What the fuzzer may pick from: this server's objects and another server's."""

    table: Table
    other_member: Member
    members: list[Any]
    channels: list[Any]
    roles: list[Any]
    known: dict[tuple[str, str], list[str]]  # (command, option) -> autocomplete values


def bounded_text(low: int, high: int, world: World) -> st.SearchStrategy[str]:
    role, user = world.table.gm_role.id, world.table.player("lantern_guild").id
    channel = world.table.lobby.id
    specials = [
        s.replace("{role}", role).replace("{user}", user).replace("{channel}", channel)
        for s in SPECIALS
    ]
    specials += [world.other_member.id, world.table.emu.bot_user.id, str(DISCORD_INT)]
    filler = st.sampled_from(["x", "\u00e9", "\U0001f3f0", "\u05d0", "'"])
    return st.one_of(
        st.sampled_from(specials),
        st.text(st.characters(exclude_categories=("Cs",)), max_size=min(high, 60)),
        st.text(string.ascii_lowercase + "-_:", max_size=min(high, 30)),
        filler.map(lambda c: c * high),  # the longest text the option allows
    ).filter(lambda s: low <= len(s) <= high)


def option_values(path: str, option: dict[str, Any], world: World) -> st.SearchStrategy[Any]:
    kind = option["type"]
    if option.get("choices"):
        return st.sampled_from([c["value"] for c in option["choices"]])
    if kind == STRING:
        low = option.get("min_length", 0)
        high = min(option.get("max_length", DISCORD_MAX_STRING), DISCORD_MAX_STRING)
        typed = bounded_text(low, high, world)
        known = [v for v in world.known.get((path, option["name"]), []) if low <= len(v) <= high]
        return st.one_of(st.sampled_from(known), typed) if known else typed
    if kind == INTEGER:
        low = option.get("min_value", -DISCORD_INT)
        high = option.get("max_value", DISCORD_INT)
        return st.one_of(
            st.sampled_from(sorted({low, high, max(low, min(high, 0)), max(low, min(high, 1))})),
            st.integers(low, high),
        )
    if kind == NUMBER:
        low = option.get("min_value", -DISCORD_INT)
        high = option.get("max_value", DISCORD_INT)
        return st.floats(low, high, allow_nan=False, allow_infinity=False)
    if kind == BOOLEAN:
        return st.booleans()
    if kind in (USER, MENTIONABLE):
        return st.sampled_from(world.members)
    if kind == CHANNEL:
        allowed = option.get("channel_types")
        return st.sampled_from([c for c in world.channels if not allowed or c.type in allowed])
    if kind == ROLE:
        return st.sampled_from(world.roles)
    if kind == ATTACHMENT:
        return attachments(world.table.emu)
    raise AssertionError(f"/{path}: option type {kind} has no strategy")


def attachments(emu: Emulator) -> st.SearchStrategy[Any]:
    bodies = st.sampled_from(
        [
            b"",
            b"[campaign\nname = ",  # malformed TOML
            b'[campaign]\nname = 42\nseed = "many"\n',  # wrong types
            b"\xff\xfe\x00 not utf-8",
            b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,  # an image, not a campaign
            b'[campaign]\nname = "x"\n[map]\nbase_image = "../../../etc/passwd"\n',
            b'[campaign]\nname = "x"\n[map]\nbase_image = "/etc/shadow"\n',
            b"# " + b"a" * 100_000 + b"\n",
        ]
    )
    names = st.sampled_from(
        ["campaign.toml", "../../escape.toml", "C:\\evil.toml", "map.png", "\u202egnp.toml", "x"]
    )
    kinds = st.sampled_from(["application/toml", "text/plain", "image/png", None])
    return st.builds(emu.attachment, names, bodies, kinds)


def leaf_options(path: str, leaf: dict[str, Any], world: World) -> st.SearchStrategy[dict]:
    required = {
        o["name"]: option_values(path, o, world)
        for o in leaf.get("options") or []
        if o.get("required")
    }
    optional = {
        o["name"]: option_values(path, o, world)
        for o in leaf.get("options") or []
        if not o.get("required")
    }
    return st.fixed_dictionaries(required, optional=optional)


def modal_values(modal: dict[str, Any], world: World) -> st.SearchStrategy[dict[str, str]]:
    fields = {}
    for row in modal.get("components") or []:
        for item in row.get("components") or ([row["component"]] if "component" in row else []):
            low = max(item.get("min_length", 0), 1 if item.get("required", True) else 0)
            fields[item["custom_id"]] = bounded_text(low, item.get("max_length", 4000), world)
    return st.fixed_dictionaries(fields)


class Fuzzer:
    def __init__(self, world: World, log: CommandLog, loop: asyncio.AbstractEventLoop) -> None:
        self.world = world
        self.log = log
        self.loop = loop
        self.examples = 0
        self.refused = 0

    def on_loop(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=60)

    def persona(self, path: str) -> Member:
        t = self.world.table
        return t.player("lantern_guild") if path.split()[0] in PLAYER_COMMANDS else t.gm

    async def check(self, path: str, options: dict[str, Any]) -> InteractionResult | None:
        """Run one example; returns the interaction when it opened a modal."""
        t = self.world.table
        member = self.persona(path)
        await t.settle()
        before = await campaign_dump(t)
        lines = len(self.log.lines())
        try:
            result = await t.emu.invoke(member, path, in_channel=t.lobby, **options)
        except CommandInputError:
            assume(False)  # the Discord client would not send this
        await self.verify(result, f"/{path}", member, before, lines)
        self.examples += 1
        return result if result.modal is not None else None

    async def submit(self, path: str, opened: InteractionResult, values: dict[str, str]) -> None:
        t = self.world.table
        member = self.persona(path)
        await t.settle()
        before, lines = await campaign_dump(t), len(self.log.lines())
        submitted = await t.emu.submit_modal(member, opened, values)
        assert opened.modal is not None
        await self.verify(submitted, opened.modal["custom_id"], member, before, lines)

    async def verify(
        self, result: InteractionResult, name: str, member: Member, before: dict, lines: int
    ) -> None:
        t = self.world.table
        assert result.response_type is not None, f"{name}: no answer"
        prefix = f"{name} by user {member.id} "
        await t.emu.wait_for(
            lambda: any(line.startswith(prefix) for line in self.log.lines()[lines:]), timeout=15
        )
        outcome = next(
            line.split(": ", 1)[1] for line in self.log.lines()[lines:] if line.startswith(prefix)
        )
        if result.deferred:
            await result.wait_for(lambda: result.followups, timeout=15)
        text = answer_text(result)
        assert BUG_TEXT not in text and not outcome.startswith("failed"), (
            f"{name}: {outcome}\n{text}"
        )
        violations = t.emu.take_violations()
        assert violations == [], f"{name}: {[str(v) for v in violations]}"
        if outcome.startswith("refused"):
            self.refused += 1
            assert result.ephemeral and text.strip(), f"{name} refused without a private message"
            await t.settle()
            assert await campaign_dump(t) == before, f"{name} was refused but changed the campaign"

    def fuzz(self, path: str, leaf: dict[str, Any]) -> None:
        @settings(
            max_examples=EXAMPLES_PER_COMMAND, deadline=None, derandomize=True, database=None,
            suppress_health_check=list(HealthCheck), report_multiple_bugs=False,
        )  # fmt: skip
        @given(options=leaf_options(path, leaf, self.world), data=st.data())
        def example(options: dict[str, Any], data: Any) -> None:
            opened = self.on_loop(self.check(path, options))
            if opened is not None:  # the form, filled in the same way
                values = data.draw(modal_values(opened.modal, self.world), label="modal")
                self.on_loop(self.submit(path, opened, values))

        example()


async def known_values(table: Table, commands: list[tuple[str, dict[str, Any]]]) -> dict:
    """Every autocompleted option's real choices, as the GM and a member are offered them."""
    found: dict[tuple[str, str], list[str]] = {}
    for path, leaf in commands:
        for option in leaf.get("options") or []:
            if not option.get("autocomplete"):
                continue
            values: list[str] = []
            for member in (table.gm, table.player("lantern_guild")):
                choices = await table.emu.autocomplete(member, path, option["name"], "")
                values += [str(c["value"]) for c in choices]
            found[(path, option["name"])] = sorted(set(values))
    return found


async def test_every_command_survives_fuzzed_options(table: Table, caplog: Any) -> None:
    emu = table.emu
    log = CommandLog(caplog)
    other = emu.create_guild("Another server")
    other_channel = emu.add_text_channel(other, "elsewhere")
    other_role = emu.add_role(other, "Their GM", mentionable=True)
    other_member = emu.add_member(other, "stranger", roles=[other_role])
    guild = table.guild
    commands = list(leaves(emu.global_commands))
    assert len(commands) >= 60
    world = World(
        table=table,
        other_member=other_member,
        members=[table.gm, table.player("lantern_guild"), table.outsider, other_member],
        channels=[table.lobby, table.gm_channel, table.news, *table.faction_channels.values(),
                  other_channel],
        roles=[guild.everyone, table.gm_role, *guild.roles.values(), other_role],
        known=await known_values(table, commands),
    )  # fmt: skip
    fuzzer = Fuzzer(world, log, asyncio.get_running_loop())
    for path, leaf in commands:
        await asyncio.to_thread(fuzzer.fuzz, path, leaf)
    assert fuzzer.examples >= len(commands) * 3 and fuzzer.refused >= len(commands)
