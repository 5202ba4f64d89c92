"""Preview (same seed, same results, nothing committed), backups, rollback, resuming."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.rules.model import Phase
from bot.services import phases
from bot.services.errors import InvalidRequest
from bot.services.orders import OrderService
from bot.services.turn import AdvanceResult, TurnService
from db import backup as backups
from tests.pipeline.conftest import dump_file, dump_stable, open_db
from tests.pipeline.helpers import CONFLICT_ID, RULINGS, submit_conflict_turn, submit_quiet_turn
from tests.services.conftest import SeededCampaign
from tests.services.conftest import dump as dump_all


def _comparable(result: AdvanceResult) -> AdvanceResult:
    """Everything but the wall-clock time of each log line."""
    return dataclasses.replace(
        result, history=tuple(dataclasses.replace(e, created_at=None) for e in result.history)
    )


async def test_preview_shows_exactly_the_next_advance_and_commits_nothing(
    campaign: SeededCampaign, orders: OrderService, turns: TurnService
) -> None:
    await submit_conflict_turn(orders, campaign)
    for step in ("close orders", "continue after the ruling"):
        before = await dump_all(campaign.db)
        preview = await turns.preview("gm-1")
        assert await dump_all(campaign.db) == before, step
        real = await turns.advance("gm-1")
        assert _comparable(preview) == _comparable(real), step
        assert preview.history and preview.deliveries == real.deliveries
        if real.phase is Phase.CONFLICT_RESOLUTION:
            await turns.rule(CONFLICT_ID, RULINGS["draw"], "gm-1")
    assert (real.turn, real.phase) == (2, Phase.ASSIGNMENT)


async def test_a_backup_is_taken_before_each_advance(
    campaign: SeededCampaign, orders: OrderService, turns: TurnService
) -> None:
    await submit_conflict_turn(orders, campaign)
    states = []
    for _ in range(2):
        states.append(await dump_stable(campaign.db))
        await turns.advance("gm-1")
        if (await turns.status()).phase is Phase.CONFLICT_RESOLUTION:
            await turns.rule(CONFLICT_ID, RULINGS["loss"], "gm-1")
    async with campaign.db.read() as uow:
        logged = await uow.sql.fetchall("SELECT backup_path FROM advance_log ORDER BY id")
    paths = [Path(r[0]) for r in logged]
    assert len(paths) == 2 and all(p.parent == turns.backups_dir for p in paths)
    assert [p.name.split("-before-")[1] for p in paths] == [
        "T1-assignment.sqlite3",
        "T1-conflict_resolution.sqlite3",
    ]
    # Each backup is the campaign exactly as the advance found it.
    assert [dump_file(p) for p in paths] == states


async def test_rollback_restores_the_state_before_the_last_advance_once(
    campaign: SeededCampaign, orders: OrderService, turns: TurnService
) -> None:
    await submit_quiet_turn(orders, campaign)
    before = await dump_stable(campaign.db)
    assert not (await turns.status()).rollback_available
    await turns.advance("gm-1")
    assert (await turns.status()).rollback_available
    await orders.submit(campaign.grey, "agent", "a-grey-1", "monitor", "palace")  # turn 2

    undone = await turns.rollback_last("gm-1")

    assert (undone.turn, undone.phase, undone.from_turn) == (1, Phase.ASSIGNMENT, 2)
    after = await dump_stable(campaign.db)
    log = after.pop("advance_log")
    assert after.pop("sqlite_sequence") == [("advance_log", 1)]
    expected = dict(before)
    assert (expected.pop("advance_log"), expected.pop("sqlite_sequence")) == ([], [])
    assert after == expected  # the turn-2 order went with it
    assert [(r[0], r[2], r[3], r[4], r[5], r[-1]) for r in log] == [
        (1, 1, "assignment", 2, "assignment", "rolled_back")
    ]
    assert not (await turns.status()).rollback_available
    with pytest.raises(InvalidRequest, match="only the last advance can be rolled back, once"):
        await turns.rollback_last("gm-1")
    # The campaign plays on from the restored state, identically.
    again = await turns.advance("gm-1")
    assert (again.turn, again.phase) == (2, Phase.ASSIGNMENT)


async def test_rollback_undoes_only_the_last_of_several_advances(
    campaign: SeededCampaign, orders: OrderService, turns: TurnService
) -> None:
    await submit_conflict_turn(orders, campaign)
    await turns.advance("gm-1")  # stops for the ruling
    await turns.rule(CONFLICT_ID, RULINGS["win"], "gm-1")
    ruled = await dump_stable(campaign.db)
    await turns.advance("gm-1")
    await turns.rollback_last("gm-1")
    restored = await dump_stable(campaign.db)
    for state in (restored, ruled):  # the rollback itself is logged; compared below
        state.pop("advance_log")
        state["sqlite_sequence"] = [r for r in state["sqlite_sequence"] if r[0] != "advance_log"]
    assert restored == ruled  # the ruling kept, everything the continue wrote gone
    async with campaign.db.read() as uow:
        statuses = [tuple(r) for r in await uow.sql.fetchall(
            "SELECT id, from_phase, status FROM advance_log ORDER BY id"
        )]  # fmt: skip
    assert statuses == [(1, "assignment", "done"), (2, "conflict_resolution", "rolled_back")]
    with pytest.raises(InvalidRequest):
        await turns.rollback_last("gm-1")  # never the earlier advance


async def test_rollback_needs_backups_and_a_finished_advance(
    campaign: SeededCampaign, orders: OrderService, turns: TurnService
) -> None:
    with pytest.raises(InvalidRequest, match="no completed advance"):
        await turns.rollback_last("gm-1")
    await submit_quiet_turn(orders, campaign)
    await TurnService(campaign.db).advance("gm-1")  # backups off
    with pytest.raises(InvalidRequest, match="Backups are off"):
        await TurnService(campaign.db).rollback_last("gm-1")
    with pytest.raises(InvalidRequest, match="no completed advance with a backup"):
        await turns.rollback_last("gm-1")


async def test_an_interrupted_advance_resumes_where_it_stopped(
    campaign: SeededCampaign,
    orders: OrderService,
    turns: TurnService,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A failure inside a phase rolls that phase back; the next advance continues the same
    advance (same log row, same backup) and ends as an uninterrupted one would."""
    await submit_quiet_turn(orders, campaign)
    copy = tmp_path / "copy.sqlite3"
    await _clone(campaign, copy)

    walk = phases.AUTO_PHASES[Phase.RANDOM_WALK]

    async def broken(uow, ctx):
        await walk(uow, ctx)
        raise RuntimeError("power cut")

    monkeypatch.setitem(phases.AUTO_PHASES, Phase.RANDOM_WALK, broken)
    with pytest.raises(RuntimeError, match="power cut"):
        await turns.advance("gm-1")
    status = await turns.status()
    assert (status.turn, status.phase) == (1, Phase.RANDOM_WALK)
    monkeypatch.setitem(phases.AUTO_PHASES, Phase.RANDOM_WALK, walk)

    resumed = await turns.advance("gm-2")
    assert resumed.resumed and resumed.advance_id == 1
    assert resumed.phases_run[0] == "random_walk" and resumed.from_phase is Phase.RANDOM_WALK
    async with campaign.db.read() as uow:
        last = await uow.turns.last_advance()
    assert last is not None and (last.id, last.gm_id, last.from_phase, last.status) == (
        1,
        "gm-1",
        "assignment",
        "done",
    )
    # Same end state as the same turn played without the failure.
    other = await open_db(copy)
    try:
        await TurnService(other).advance("gm-1")
        expected = await dump_stable(other)
    finally:
        await other.close()
    assert await dump_stable(campaign.db) == expected


async def _clone(campaign: SeededCampaign, target: Path) -> None:
    made = await backups.backup_file(campaign.db.path, target.parent, "clone")
    made.rename(target)
