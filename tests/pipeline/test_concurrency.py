"""Advances racing each other and racing the players' orders (issue 6, "Concurrency").

Two advances at once must run the turn exactly once; an order submitted while the turn
closes is either part of the turn (frozen, rolled, resolved) or refused with
``PhaseClosed`` — never accepted and then lost.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.rules.model import Phase
from bot.services import phases, snapshot
from bot.services.errors import Busy, PhaseClosed
from bot.services.orders import OrderService
from bot.services.synthetic import CampaignSize, create_campaign
from bot.services.turn import TurnService
from db import records as dbr
from db.database import Database
from tests.pipeline.conftest import GM, open_db
from tests.pipeline.helpers import submit_quiet_turn
from tests.services.conftest import SeededCampaign

RACERS = 100


async def _closings(db: Database) -> list[str]:
    """Every 'Orders closed' line: one per turn that was really closed."""
    async with db.read() as uow:
        return [
            e.result_description
            for t in (1, 2)
            for e in await uow.history.for_turn(t, "conflict_detection")
            if e.action_description == "Orders closed"
        ]


async def _advance_log(db: Database) -> list[tuple]:
    async with db.read() as uow:
        rows = await uow.sql.fetchall(
            "SELECT id, from_turn, from_phase, to_turn, to_phase, status FROM advance_log ORDER BY id"
        )
    return [tuple(r) for r in rows]


def _split(results: list) -> tuple[list, list]:
    done = [r for r in results if not isinstance(r, BaseException)]
    failed = [r for r in results if isinstance(r, BaseException)]
    return done, failed


async def test_two_advances_at_the_same_moment_run_once(
    campaign: SeededCampaign, orders: OrderService, turns: TurnService
) -> None:
    await submit_quiet_turn(orders, campaign)
    done, failed = _split(
        await asyncio.gather(turns.advance("gm-1"), turns.advance("gm-2"), return_exceptions=True)
    )
    assert len(done) == 1 and len(failed) == 1
    assert isinstance(failed[0], Busy)
    assert "Another advance, ruling or rollback is running" in failed[0].message
    assert (done[0].turn, done[0].phase) == (2, Phase.ASSIGNMENT)
    assert await _closings(campaign.db) == [
        "2 order(s), 0 enemy penalty assignment(s), 0 conflict(s)"
    ]
    assert await _advance_log(campaign.db) == [(1, 1, "assignment", 2, "assignment", "done")]


async def test_two_turn_services_on_one_database_share_the_lock(
    campaign: SeededCampaign, orders: OrderService, tmp_path: Path
) -> None:
    await submit_quiet_turn(orders, campaign)
    first = TurnService(campaign.db, backups_dir=tmp_path / "a")
    second = TurnService(campaign.db, backups_dir=tmp_path / "b")
    done, failed = _split(
        await asyncio.gather(first.advance("gm-1"), second.advance("gm-2"), return_exceptions=True)
    )
    assert len(done) == 1 and [type(f) for f in failed] == [Busy]
    assert len(await _closings(campaign.db)) == 1
    assert len(await _advance_log(campaign.db)) == 1
    # Rulings, previews and rollbacks wait for nobody either.
    blocked = await asyncio.gather(
        first.advance("gm-1"), second.preview("gm-2"), second.rollback_last("gm-2"),
        return_exceptions=True,
    )  # fmt: skip
    assert [type(r) for r in blocked[1:]] == [Busy, Busy]


async def test_an_advance_from_another_process_cannot_run_the_turn_twice(
    campaign: SeededCampaign, orders: OrderService, tmp_path: Path
) -> None:
    """Two connections to one file (a second bot process, the CLI): no shared lock, so the
    clock re-read inside the write transaction is what refuses the late advance."""
    await submit_quiet_turn(orders, campaign)
    other_db = await open_db(campaign.db.path)
    try:
        mine = TurnService(campaign.db, backups_dir=tmp_path / "mine")
        theirs = TurnService(other_db, backups_dir=tmp_path / "theirs")
        original = other_db.read
        fired = False

        @asynccontextmanager
        async def read_then_lose_the_race():
            nonlocal fired
            async with original() as uow:
                yield uow
            if not fired:  # their check passed; the whole turn runs before they write
                fired = True
                await mine.advance("gm-1")

        other_db.read = read_then_lose_the_race  # type: ignore[method-assign]
        with pytest.raises(Busy, match="moved on to turn 2, phase assignment"):
            await theirs.advance("gm-2")
        assert len(await _closings(campaign.db)) == 1
        assert await _advance_log(campaign.db) == [(1, 1, "assignment", 2, "assignment", "done")]
        assert not (tmp_path / "theirs").exists()  # refused before its backup
    finally:
        await other_db.close()


# -- orders racing the close --------------------------------------------------------------------


async def _racing_campaign(db: Database) -> list[dbr.Agent | dbr.Squadron]:
    await create_campaign(db, CampaignSize(factions=4, districts=12, pieces=RACERS), seed=5)
    result = await TurnService(db).advance("gm-1")
    assert result.phase is Phase.ASSIGNMENT
    async with db.read() as uow:
        return await uow.pieces.list_all()


async def _submit(orders: OrderService, piece: dbr.Agent | dbr.Squadron) -> str:
    """'accepted T<n>' (the turn the order was stored for) or 'refused'."""
    kind = "agent" if isinstance(piece, dbr.Agent) else "squadron"
    try:
        done = await orders.submit(GM, kind, piece.id, "monitor", piece.district_id or "d000")
    except PhaseClosed:
        return "refused"
    return f"accepted T{done.order.turn_number}"


async def _check_none_dropped(db: Database, pieces: list, outcomes: list[str]) -> set[str]:
    """Accepted for turn 1 = frozen into it and resolved; accepted later = waiting in the
    next turn's open orders (the advance ran on past turn 1 first); refused = no order."""
    async with db.read() as uow:
        stored = {o.piece_id: o for o in await uow.orders.list_for_turn(1)}
        frozen = {o.piece.id for o in snapshot.decode(await uow.turns.load_inputs(1)).orders}
        next_turn = {o.piece_id for o in await uow.orders.list_for_turn(2)}
    by_outcome = {p.id: out for p, out in zip(pieces, outcomes, strict=True)}
    accepted = {p for p, out in by_outcome.items() if out == "accepted T1"}
    assert set(stored) == accepted == frozen
    assert next_turn == {p for p, out in by_outcome.items() if out == "accepted T2"}
    assert set(by_outcome.values()) <= {"accepted T1", "accepted T2", "refused"}
    for order in stored.values():
        assert order.roll_result is not None and order.final_total is not None
        assert order.outcome_tier is not None
    return accepted


async def test_orders_racing_the_close_are_included_or_refused(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    pieces = await _racing_campaign(db)
    orders, turns = OrderService(db), TurnService(db)
    closing = asyncio.Event()
    close_orders = phases.AUTO_PHASES[Phase.CONFLICT_DETECTION]

    async def close_and_signal(uow, ctx):
        closing.set()  # this transaction holds the write lock and has re-read the phase
        await asyncio.sleep(0)
        return await close_orders(uow, ctx)

    monkeypatch.setitem(phases.AUTO_PHASES, Phase.CONFLICT_DETECTION, close_and_signal)

    async def late(piece: dbr.Agent | dbr.Squadron) -> str:
        await closing.wait()
        return await _submit(orders, piece)

    early, during = pieces[: RACERS // 2], pieces[RACERS // 2 :]
    results = await asyncio.gather(
        *(_submit(orders, p) for p in early),
        turns.advance("gm-1"),
        *(late(p) for p in during),
    )
    outcomes = [*results[: len(early)], *results[len(early) + 1 :]]
    accepted = await _check_none_dropped(db, pieces, outcomes)
    # Queued for the write lock before the close: in the turn. Sent during it: refused.
    assert accepted == {p.id for p in early}
    assert outcomes.count("refused") == len(during)


async def test_orders_from_another_connection_racing_the_close(db: Database) -> None:
    pieces = await _racing_campaign(db)
    other_db = await open_db(db.path)
    try:
        orders = OrderService(other_db)
        results = await asyncio.gather(
            *(_submit(orders, p) for p in pieces[:60]),
            TurnService(db).advance("gm-1"),
            *(_submit(orders, p) for p in pieces[60:]),
        )
    finally:
        await other_db.close()
    outcomes = [*results[:60], *results[61:]]
    await _check_none_dropped(db, pieces, outcomes)
