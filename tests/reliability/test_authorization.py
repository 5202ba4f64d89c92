"""Every synced command against every kind of person: allowed or refused as documented.

The matrix (docs/RELIABILITY.md, "Who may run what"): /gm, /campaign and every /gm-* command
are the GM's; players' commands (/orders, /faction, /turn, /news) are for everyone, with
what needs a faction refused to non-members and a faction's own things refused to other
factions. The people: the GM (holds the GM role), a member of faction A (the Lantern
Guild), a member of faction B (the Brine Syndicate), a server member of no faction, and an
administrator without the GM role (a GM role is set, so admin rights alone grant nothing).

Commands come from the synced tree: a new top-level command must be classified here or
the test fails, and a new /gm-* command is GM-only without anyone having to remember it.
Player commands are given faction A's objects, so "B is refused A's piece" is checked.
Autocomplete is part of the matrix: a GM-only option offers non-GMs nothing but public
names (factions, districts), and a player is offered their own faction's pieces only.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.emulator import Member
from bot.ui.autocomplete import NONE_VALUE
from tests.bot.conftest import Table
from tests.reliability.helpers import (
    BUG_TEXT,
    GM_REFUSAL,
    NOT_A_MEMBER,
    CommandLog,
    campaign_dump,
    leaves,
    settled_answer,
)

ALLOWED, GM_ONLY, NOT_MEMBER, OWN_ONLY = "allowed", "GM only", "not a member", "own faction only"
OWN_ONLY_TEXTS = ("belongs to another faction", "You can only look at your own faction.")
PERSONAS = ("gm", "a", "b", "none", "admin")
PLAYER_TOP = ("orders", "faction", "turn", "news")

A_PIECE = {"piece": "odo-brask", "task": "monitor", "district": "old_town"}
A_SQUADRON = {"piece": "lantern-wardens", "task": "monitor", "district": "old_town"}
A_FACTION = {"faction": "lantern_guild"}
FACTION_A = {"gm": ALLOWED, "a": ALLOWED, "b": OWN_ONLY, "none": OWN_ONLY, "admin": OWN_ONLY}
MEMBERS_ONLY = {"gm": ALLOWED, "a": ALLOWED, "b": ALLOWED, "none": NOT_MEMBER, "admin": NOT_MEMBER}
A_PIECES = {"gm": ALLOWED, "a": ALLOWED, "b": OWN_ONLY, "none": NOT_MEMBER, "admin": NOT_MEMBER}
EVERYONE = dict.fromkeys(PERSONAS, ALLOWED)

# Player commands: (options, expected outcome per person). Documented in docs/RELIABILITY.md.
PLAYER_MATRIX: dict[str, tuple[dict[str, Any], dict[str, str]]] = {
    "orders agent": (A_PIECE, A_PIECES),
    "orders squadron": (A_SQUADRON, A_PIECES),
    "orders cancel": ({"piece": "odo-brask"}, A_PIECES),
    "orders list": ({}, MEMBERS_ONLY),
    "orders support": (
        {"ally": "order_of_the_tide", "enabled": True},
        {**MEMBERS_ONLY, "gm": NOT_MEMBER},  # support is declared by a faction
    ),
    "faction overview": (A_FACTION, FACTION_A),
    "faction report": (A_FACTION, FACTION_A),
    "faction results": (A_FACTION, FACTION_A),
    "faction map": (A_FACTION, FACTION_A),
    "turn": ({}, EVERYONE),
    "news list": ({}, EVERYONE),
    "news read": ({"number": 1}, EVERYONE),
}
# Without naming a faction, /faction is about your own: nothing to show a non-member.
OWN_FACTION_MATRIX = {"none": NOT_MEMBER, "admin": NOT_MEMBER, "a": ALLOWED, "b": ALLOWED}


def is_gm_command(path: str) -> bool:
    top = path.split()[0]
    return top in ("gm", "campaign") or top.startswith("gm-")


def placeholder_options(table: Table, leaf: dict[str, Any]) -> dict[str, Any]:
    """A value for each required option; what matters here is who asks, not what."""
    values: dict[str, Any] = {}
    for option in leaf.get("options") or []:
        if not option.get("required"):
            continue
        kind, name = option["type"], option["name"]
        if option.get("choices"):
            values[name] = option["choices"][0]["value"]
        elif kind == 3:
            values[name] = "x" * max(1, option.get("min_length", 1))
        elif kind in (4, 10):
            values[name] = option.get("min_value", 1)
        elif kind == 5:
            values[name] = False
        elif kind == 6:
            values[name] = table.outsider
        elif kind == 7:
            values[name] = table.lobby
        elif kind == 8:
            values[name] = table.gm_role
        elif kind == 11:
            values[name] = table.emu.attachment("x.toml", b"x = 1\n", "application/toml")
        else:
            raise AssertionError(f"option type {kind} of {name} has no placeholder")
    return values


def outcome_of(text: str) -> str:
    assert BUG_TEXT not in text, text
    if GM_REFUSAL in text:
        return GM_ONLY
    if NOT_A_MEMBER in text:
        return NOT_MEMBER
    if any(t in text for t in OWN_ONLY_TEXTS):
        return OWN_ONLY
    return ALLOWED


def people(table: Table) -> dict[str, Member]:
    return {
        "gm": table.gm,
        "a": table.player("lantern_guild"),
        "b": table.player("brine_syndicate"),
        "none": table.outsider,
        "admin": table.admin,
    }


async def test_every_command_against_every_kind_of_person(
    table: Table, caplog: pytest.LogCaptureFixture
) -> None:
    log = CommandLog(caplog)
    emu, who = table.emu, people(table)
    commands = dict(leaves(emu.global_commands))
    unknown = sorted(p for p in commands if not is_gm_command(p) and p not in PLAYER_MATRIX)
    assert unknown == [], f"classify these commands in the matrix: {unknown}"
    assert {p.split()[0] for p in PLAYER_MATRIX} == set(PLAYER_TOP)
    expected: dict[str, tuple[dict[str, Any], dict[str, str]]] = {
        path: (
            PLAYER_MATRIX[path]
            if path in PLAYER_MATRIX
            else (
                placeholder_options(table, leaf),
                {**dict.fromkeys(PERSONAS, GM_ONLY), "gm": ALLOWED},
            )
        )
        for path, leaf in commands.items()
    }
    problems: list[str] = []

    async def run(path: str, persona: str, options: dict[str, Any]) -> str:
        result = await emu.invoke(who[persona], path, **options)
        return outcome_of(await settled_answer(result, timeout=15))

    # Everyone but the GM first (their refusals must change nothing), then the GM: GM
    # commands run with placeholder values change the campaign (an advance, a new GM
    # channel...), which must not colour the others' answers.
    order = sorted(expected, key=lambda p: (is_gm_command(p), p))
    for path in order:
        options, wanted = expected[path]
        refused = [p for p in PERSONAS if p != "gm" and wanted[p] != ALLOWED]
        await table.settle()
        before = await campaign_dump(table)
        for persona in refused:
            got = await run(path, persona, dict(options))
            if got != wanted[persona]:
                problems.append(f"/{path} as {persona}: {got}, documented {wanted[persona]}")
        await table.settle()
        if await campaign_dump(table) != before:
            problems.append(f"/{path}: a refusal changed the campaign")
        for persona in (p for p in PERSONAS if p != "gm" and wanted[p] == ALLOWED):
            got = await run(path, persona, dict(options))
            if got != ALLOWED:
                problems.append(f"/{path} as {persona}: {got}, documented allowed")
    for path in order:
        options, wanted = expected[path]
        got = await run(path, "gm", dict(options))
        if got != wanted["gm"]:
            problems.append(f"/{path} as gm: {got}, documented {wanted['gm']}")
    assert problems == []
    outcomes = [line for line in log.lines() if "failed (error" in line]
    assert outcomes == []


async def test_own_faction_views_refuse_non_members(table: Table) -> None:
    who = people(table)
    for path in ("faction overview", "faction report", "faction results", "faction map"):
        for persona, wanted in OWN_FACTION_MATRIX.items():
            result = await table.emu.invoke(who[persona], path)
            got = outcome_of(await settled_answer(result, timeout=15))
            assert got == wanted, f"/{path} as {persona}: {got}"


async def test_autocomplete_offers_gm_values_to_the_gm_only_and_pieces_to_their_owners(
    table: Table,
) -> None:
    emu, who = table.emu, people(table)
    gm_options = [
        (path, option["name"])
        for path, leaf in leaves(emu.global_commands)
        if is_gm_command(path)
        for option in leaf.get("options") or []
        if option.get("autocomplete")
    ]
    assert len(gm_options) >= 20
    async with table.campaign.db.read() as uow:
        owners = {p.id: p.faction_id for p in await uow.pieces.list_all()}
        # Public knowledge (bot/ui/autocomplete.py): factions' and districts' names.
        public = {f.id for f in await uow.factions.list_all()}
        public |= {d.id for d in await uow.districts.list_all()} | {NONE_VALUE}
    secret = set()
    for path, option in gm_options:
        for_gm = {c["value"] for c in await emu.autocomplete(table.gm, path, option, "")}
        if for_gm - public:
            secret.add((path, option))
        for persona in ("a", "b", "none", "admin"):
            offered = {c["value"] for c in await emu.autocomplete(who[persona], path, option, "")}
            assert offered <= public, f"/{path} {option} offered {persona}: {offered - public}"
    # Every piece (any faction's) and every rumor: offered to the GM, to nobody else.
    assert {
        ("gm-piece show", "piece"),
        ("gm-piece agent-edit", "agent"),
        ("gm-district rumor-delete", "rumor"),
    } <= secret
    for persona, faction in (("a", "lantern_guild"), ("b", "brine_syndicate")):
        for kind in ("agent", "squadron"):
            choices = await emu.autocomplete(who[persona], f"orders {kind}", "piece", "")
            assert choices and {owners[c["value"]] for c in choices} == {faction}
    for persona in ("none", "admin"):
        assert await emu.autocomplete(who[persona], "orders agent", "piece", "") == []
