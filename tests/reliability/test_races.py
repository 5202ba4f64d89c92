"""Races through Discord: players' orders against the GM closing the turn, and two GMs at
the same moment (the service-level versions are tests/pipeline/test_concurrency.py).

"At the same moment" is made exact rather than hoped for: the first GM's advance (or
ruling) is held inside its write transaction, holding the campaign lock, until the second
GM's request has been answered. Last, a rollback and a replayed advance land while the
delivery worker is sending the turn's reports.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.emulator import Emulator, InteractionResult
from bot.rules.model import Phase
from bot.services import phases
from bot.services.synthetic import CampaignSize, create_campaign
from bot.services.turn import BUSY_MESSAGE
from db import records as dbr
from tests.bot.conftest import Table, build_table
from tests.pipeline.crash_driver import ruling_for
from tests.reliability.helpers import BUG_TEXT, settled_answer
from tests.reliability.test_discord_faults import CONFLICT_ORDERS

RACERS = 100
CLOSED = "Orders are closed: the turn is being resolved"


class Hold:
    """Wraps an async function so its first call waits, once entered, until released."""

    def __init__(self) -> None:
        self.entered = asyncio.Event()
        self.release = asyncio.Event()

    def wrap(self, function: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def held(*args: Any, **kwargs: Any) -> Any:
            if not self.entered.is_set():
                self.entered.set()
                await self.release.wait()
            return await function(*args, **kwargs)

        return held


async def advance_log(table: Table) -> list[tuple]:
    async with table.campaign.db.read() as uow:
        rows = await uow.sql.fetchall(
            "SELECT from_turn, from_phase, to_turn, to_phase, status FROM advance_log"
        )
    return [tuple(r) for r in rows]


# -- 100 orders racing the close ---------------------------------------------------------------


@pytest.fixture
async def crowd(emulator: Emulator, tmp_path: Path) -> AsyncIterator[Table]:
    """A synthetic campaign of 100 pieces in four factions, one table member in each."""
    async for t in build_table(emulator, tmp_path / "data", imported=False):
        db = t.campaign.db
        await create_campaign(db, CampaignSize(factions=4, districts=12, pieces=RACERS), seed=5)
        members = [t.player("lantern_guild"), t.player("brine_syndicate"),
                   t.player("order_of_the_tide"), t.player("lantern_guild", 1)]  # fmt: skip
        async with db.transaction() as uow:
            await uow.settings.update(
                guild_id=int(t.guild.id), gm_role_id=int(t.gm_role.id),
                gm_channel_id=int(t.gm_channel.id),
            )  # fmt: skip
            for i, member in enumerate(members):
                await uow.settings.add_member(int(member.id), f"f{i:02d}", leader=True)
        await t.campaign.turn.advance(str(t.gm.id))
        t.extra["members"] = {f"f{i:02d}": m for i, m in enumerate(members)}
        yield t


async def test_a_hundred_orders_racing_the_advance_are_each_included_or_refused(
    crowd: Table, monkeypatch: pytest.MonkeyPatch
) -> None:
    table, emu = crowd, crowd.emu
    async with table.campaign.db.read() as uow:
        pieces = await uow.pieces.list_all()
    assert len(pieces) == RACERS
    members = table.extra["members"]

    async def submit(piece: dbr.Agent | dbr.Squadron) -> InteractionResult:
        kind = "agent" if isinstance(piece, dbr.Agent) else "squadron"
        return await emu.invoke(
            members[piece.faction_id], f"orders {kind}", piece=piece.id, task="monitor",
            district=piece.district_id, wait=False,
        )  # fmt: skip

    # 40 answered before the GM advances; 20 sent right behind the advance, racing it; 40
    # sent while the advance holds the write lock inside the transaction closing orders.
    first, racing, closing = pieces[:40], pieces[40:60], pieces[60:]
    early = [await submit(p) for p in first]
    for result in early:
        await result.wait_response(timeout=10)
    hold = Hold()
    detect = phases.AUTO_PHASES[Phase.CONFLICT_DETECTION]
    monkeypatch.setitem(phases.AUTO_PHASES, Phase.CONFLICT_DETECTION, hold.wrap(detect))
    advance = await emu.invoke(table.gm, "gm advance", in_channel=table.gm_channel, wait=False)
    raced = [await submit(p) for p in racing]
    await emu.wait_for(hold.entered.is_set, timeout=5)
    late = [await submit(p) for p in closing]
    await emu.wait_for(lambda: all(r.dispatched_at is not None for r in late), timeout=5)
    hold.release.set()
    for result in [advance, *raced, *late]:
        await result.wait_response(timeout=10)
    assert "stopped for your rulings" in await settled_answer(advance, timeout=20)
    async with table.campaign.db.read() as uow:
        conflicts = await uow.conflicts.list_for_turn(1)
    for conflict in conflicts:  # the GM rules; the turn resolves
        await table.campaign.turn.rule(conflict.id, ruling_for(1, conflict), str(table.gm.id))
    assert (await table.campaign.turn.advance(str(table.gm.id))).turn == 2

    async with table.campaign.db.read() as uow:
        stored = {o.piece_id: o for o in await uow.orders.list_for_turn(1)}
        next_turn = {o.piece_id for o in await uow.orders.list_for_turn(2)}
    outcomes: dict[str, str] = {}
    for piece, result in zip(pieces, [*early, *raced, *late], strict=True):
        assert result.ephemeral and BUG_TEXT not in result.content, result.content
        if "Order recorded" in result.content:
            outcomes[piece.id] = "turn 2" if "for turn 2" in result.content else "turn 1"
        else:
            assert CLOSED in result.content, result.content
            outcomes[piece.id] = "refused"
    accepted = {p for p, o in outcomes.items() if o == "turn 1"}
    assert set(stored) == accepted  # recorded before the close = in the turn, nothing lost
    assert next_turn == {p for p, o in outcomes.items() if o == "turn 2"}
    for order in stored.values():  # ... and resolved in it
        assert order.roll_result is not None and order.outcome_tier is not None
        assert order.final_total is not None
    assert {p.id for p in first} <= accepted  # answered before the advance was sent
    assert {p.id for p in closing} == {p for p, o in outcomes.items() if o == "refused"} - {
        p.id for p in racing
    }  # sent while orders were closing: refused, each with the message
    async with table.campaign.db.read() as uow:
        closing = [
            e.result_description
            for e in await uow.history.for_turn(1, "conflict_detection")
            if e.action_description == "Orders closed"
        ]
    assert len(closing) == 1 and closing[0].startswith(f"{len(accepted)} order(s)")


# -- two GMs at the same moment -----------------------------------------------------------------


@pytest.fixture
def second_gm(table: Table):  # type: ignore[no-untyped-def]
    return table.emu.add_member(table.guild, "co-gm", roles=[table.gm_role])


async def test_two_gms_advancing_at_once_advance_once_and_the_other_is_told(
    table: Table,
    second_gm,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    emu, desk = table.emu, table.gm_channel
    earlier = await advance_log(table)
    hold = Hold()
    detect = phases.AUTO_PHASES[Phase.CONFLICT_DETECTION]
    monkeypatch.setitem(phases.AUTO_PHASES, Phase.CONFLICT_DETECTION, hold.wrap(detect))
    first = await emu.invoke(table.gm, "gm advance", in_channel=desk)
    await emu.wait_for(hold.entered.is_set, timeout=5)
    second = await emu.invoke(second_gm, "gm advance", in_channel=desk)
    busy = await settled_answer(second)
    assert BUSY_MESSAGE in busy and BUG_TEXT not in busy
    rollback = await emu.invoke(second_gm, "gm rollback", in_channel=desk)
    confirm = rollback.original.custom_ids()[0]  # "Roll back the last advance"
    refused = await emu.click(second_gm, rollback.original, confirm)
    assert refused.ephemeral and BUSY_MESSAGE in refused.content
    hold.release.set()
    assert "Turn 1 is complete" in await settled_answer(first, timeout=15)
    assert await advance_log(table) == [*earlier, (1, "assignment", 2, "assignment", "done")]


async def test_two_gms_ruling_at_once_record_one_ruling_and_the_other_is_told(
    table: Table,
    second_gm,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    emu, desk = table.emu, table.gm_channel
    for faction, index, piece, district in CONFLICT_ORDERS:
        await emu.invoke(
            table.player(faction, index), "orders agent", piece=piece, task="take_influence",
            district=district, target="house_valcourt",
        )  # fmt: skip
    stopped = await emu.invoke(table.gm, "gm advance", in_channel=desk)
    assert "stopped for your rulings on 1 conflict" in await settled_answer(stopped, timeout=15)
    report = await emu.wait_for_message(
        desk, lambda m: any("Conflict" in str(e.get("title")) for e in m.embeds), timeout=10
    )
    draw = next(c for c in report.custom_ids() if c.endswith(":draw"))
    win = next(c for c in report.custom_ids() if c.endswith(":w0"))
    hold = Hold()
    monkeypatch.setattr(phases, "load_inputs", hold.wrap(phases.load_inputs))
    first = await emu.click(table.gm, report, draw, wait=False)
    await emu.wait_for(hold.entered.is_set, timeout=5)
    second = await emu.click(second_gm, report, win)
    assert second.ephemeral and BUSY_MESSAGE in second.content
    hold.release.set()
    await first.wait_response(timeout=5)
    assert "Ruling recorded" in first.original.content and "draw" in first.original.content
    async with table.campaign.db.read() as uow:
        lines = [e.action_description for e in await uow.history.for_turn(1, "conflict_resolution")]
        (conflict,) = await uow.conflicts.list_for_turn(1)
    assert sum("Ruling" in line for line in lines) == 1
    assert {f.outcome for f in conflict.factions if f.role != "ally"} == {"draw"}


# -- a rollback while the reports go out --------------------------------------------------------


class RollbackDuringFirstSend:
    """The delivery Transport of the bot, except that while its first message is on its way
    the GM rolls the turn back, alice changes her order and the GM advances again: the rows
    the drain listed are replaced by rows with the same ids and keys, some with other text."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.inner = table.bot.deliveries.transport
        self.raced = False

    async def race(self) -> None:
        if self.raced:
            return
        self.raced = True
        t = self.table
        await t.campaign.turn.rollback_last(str(t.gm.id))
        await monitor(t, "customs_house")
        await t.campaign.turn.advance(str(t.gm.id))

    async def send_to_user(self, user_id: int, messages: Any) -> None:
        await self.race()
        await self.inner.send_to_user(user_id, messages)

    async def send_to_channel(self, channel_id: int, messages: Any) -> None:
        await self.race()
        await self.inner.send_to_channel(channel_id, messages)


async def monitor(table: Table, district: str) -> None:
    result = await table.emu.invoke(
        table.player("lantern_guild"), "orders agent", piece="odo-brask", task="monitor",
        district=district,
    )  # fmt: skip
    assert "Order recorded" in result.content


def turn_reports(table: Table, member: Any, turn: int) -> list[set[str]]:
    """The section titles of each turn report a member received by DM."""
    header = f"Turn {turn} intelligence report"
    return [
        {str(e.get("title")) for e in m.embeds}
        for m in table.emu.dms(member)
        if any(e.get("title") == header for e in m.embeds)
    ]


async def test_a_rollback_while_reports_go_out_loses_no_report(table: Table) -> None:
    await monitor(table, "grand_bazaar")
    await table.campaign.turn.advance(str(table.gm.id))  # queued; the worker is not woken
    transport = RollbackDuringFirstSend(table)
    await table.campaign.deliveries.drain(transport)
    assert transport.raced
    await table.settle()
    alice = table.player("lantern_guild")
    reports = turn_reports(table, alice, 1)
    assert any("Customs House" in titles for titles in reports), reports  # the replayed turn's
    assert len(reports) == 1  # the listed, replaced report was not sent
    async with table.campaign.db.read() as uow:
        rows = await uow.outbox.for_turn(1)
    assert {r.status for r in rows if r.recipient_type == "user"} == {"delivered"}
    for members in table.players.values():
        for member in members:
            assert len(turn_reports(table, member, 1)) == 1, member.name
