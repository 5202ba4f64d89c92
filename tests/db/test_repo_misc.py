"""Contracts of the smaller repositories: reports, history, game, newspaper, maps,
settings and the outbox."""

from __future__ import annotations

import pytest

from db.database import Database
from db.errors import AlreadyExists, ConstraintViolation, InvalidValue, NotFound, ReadOnlyError
from db.records import (
    CampaignSettings,
    DecayResult,
    FactionChannel,
    InfluenceSnapshot,
    MapConfig,
    Member,
    MonitoringReport,
    NewDelivery,
    NewspaperArticle,
    NewspaperIssue,
    Order,
    PendingIntel,
    Rumor,
)


async def test_reports_latest_per_district_and_replacement(board: Database):
    async with board.transaction() as uow:
        await uow.reports.insert_many(
            [
                MonitoringReport("f1", "d1", 1, {"tier": "poor"}, 3),
                MonitoringReport("f1", "d2", 1, {"tier": "good"}, 6),
                MonitoringReport("f1", "d1", 2, {"tier": "legendary"}, 10),
                MonitoringReport("f2", "d1", 2, {"tier": "average"}, 5),
            ]
        )
        await uow.reports.insert_many([MonitoringReport("f1", "d1", 2, {"tier": "exceptional"}, 9)])
        latest = await uow.reports.latest_per_district("f1")
        assert {d: (r.turn_number, r.report["tier"]) for d, r in latest.items()} == {
            "d1": (2, "exceptional"),
            "d2": (1, "good"),
        }
        assert [r.district_id for r in await uow.reports.for_turn_and_faction(2, "f1")] == ["d1"]
        assert len(await uow.reports.for_turn(2)) == 2
        assert (await uow.reports.get("T2-f1-d1")).confidence_rating == 9
        for bad in (0, 11):
            with pytest.raises(InvalidValue):
                await uow.reports.insert_many([MonitoringReport("f1", "d3", 1, {}, bad)])
        assert await uow.reports.delete_for_turn(2) == 2


async def test_pending_intel(board: Database):
    async with board.transaction() as uow:
        await uow.reports.add_pending_intel_many(
            [PendingIntel(1, "f1", "d1"), PendingIntel(1, "f1", "d1")]
        )
        (intel,) = await uow.reports.pending_intel(1)
        await uow.reports.mark_intel_delivered(intel.id, {"piece": "agent", "action": "monitor"})
        assert await uow.reports.pending_intel() == []
        with pytest.raises(NotFound):
            await uow.reports.mark_intel_delivered(999)


async def test_history_decay_and_snapshots(board: Database):
    async with board.transaction() as uow:
        for i in range(5):  # same turn/phase/timestamp: the seed's key would collide here
            await uow.history.log(1, "preparation", f"line {i}", "ok")
        lines = await uow.history.for_turn(1)
        assert [e.action_description for e in lines] == [f"line {i}" for i in range(5)]
        assert await uow.history.for_turn(1, "influence_decay") == []
        await uow.history.insert_decay_many(
            [DecayResult(1, "d1", "f1", -1), DecayResult(1, "d1", "f2", -2)]
        )
        assert [
            (d.faction_id, d.influence_change) for d in await uow.history.decay_for_turn(1)
        ] == [
            ("f1", -1),
            ("f2", -2),
        ]
        with pytest.raises(InvalidValue):
            await uow.history.insert_decay_many([DecayResult(1, "d1", "f1", 1)])
        await uow.districts.set_influence("d1", "f1", 4, has_stronghold=True)
        assert await uow.history.snapshot_influence(0) == 1
        await uow.districts.set_influence("d1", "f1", 6)
        await uow.history.snapshot_influence(1)
        await uow.history.snapshot_influence(1)  # re-running phase 12 replaces, never duplicates
        assert await uow.history.snapshots(district_id="d1") == [
            InfluenceSnapshot(0, "d1", "f1", 4, True),
            InfluenceSnapshot(1, "d1", "f1", 6, True),
        ]
        assert len(await uow.history.snapshots(since_turn=1)) == 1


async def test_game_state_machine(db: Database):
    async with db.transaction() as uow:
        with pytest.raises(NotFound):
            await uow.game.get()
        state = await uow.game.initialise("Campaign")
        assert (state.turn, state.phase, state.campaign_name) == (1, "preparation", "Campaign")
        with pytest.raises(AlreadyExists):
            await uow.game.initialise("Again")
        state = await uow.game.set_phase(2, "assignment")
        assert (state.turn, state.phase) == (2, "assignment")
        with pytest.raises(InvalidValue):
            await uow.game.set_phase(2, "lunch")
        with pytest.raises(InvalidValue):
            await uow.game.set_phase(0, "assignment")
        await uow.game.rename("Renamed")
        assert (await uow.game.get()).campaign_name == "Renamed"


async def test_newspaper_lifecycle(board: Database):
    async with board.transaction() as uow:
        assert await uow.newspaper.next_issue_number() == 1
        await uow.districts.create_rumor(
            Rumor("r1", "d1", "secret", 5, newspaper_hint="odd lights")
        )
        await uow.newspaper.create_issue(
            NewspaperIssue("i1", 1, "Day 1", "The Gazette", turn_number=1)
        )
        with pytest.raises(AlreadyExists):
            await uow.newspaper.create_issue(NewspaperIssue("i2", 1, "Day 1", "Dup number"))
        await uow.newspaper.add_articles_many(
            [
                NewspaperArticle("a2", "i1", "rumors", "Lights", "odd lights", contains_hint=True,
                                 related_rumor_id="r1", related_district_id="d1", length=2, position=1),
                NewspaperArticle("a1", "i1", "front", "Hello", "World", author="Ed", position=0),
            ]
        )  # fmt: skip
        assert [a.id for a in await uow.newspaper.articles_for("i1")] == ["a1", "a2"]
        await uow.newspaper.update_article(NewspaperArticle("a1", "i1", "front", "Hi", "There"))
        assert await uow.newspaper.used_rumor_ids() == {"r1"}
        published = await uow.newspaper.publish("i1", "2026-01-01T00:00:00Z")
        assert published.published and published.published_at == "2026-01-01T00:00:00Z"
        with pytest.raises(ConstraintViolation):
            await uow.newspaper.update_article(NewspaperArticle("a1", "i1", "front", "X", "Y"))
        with pytest.raises(ConstraintViolation):
            await uow.newspaper.delete_article("a1")
        with pytest.raises(ConstraintViolation):
            await uow.newspaper.add_article(NewspaperArticle("a3", "i1", "s", "h", "c"))
        with pytest.raises(ConstraintViolation):
            await uow.newspaper.publish("i1", "again")
        # deleting a rumor used by an archived article only unlinks it
        await uow.districts.delete_rumor("r1")
        assert (await uow.newspaper.articles_for("i1"))[1].related_rumor_id is None
        assert await uow.newspaper.next_issue_number() == 2
        assert [i.id for i in await uow.newspaper.list_issues(published_only=True)] == ["i1"]


async def test_maps(board: Database):
    async with board.transaction() as uow:
        assert await uow.maps.get_config() == MapConfig()
        await uow.maps.set_config(MapConfig("base.png", 800, 600))
        assert await uow.maps.get_config() == MapConfig("base.png", 800, 600)
        with pytest.raises(InvalidValue):
            await uow.maps.set_config(MapConfig(None, 0, 10))
        await uow.maps.set_shapes_many({"d1": {"type": "rect", "x": 0.1}, "d2": {"type": "circle"}})
        assert (await uow.maps.get_shape("d1")).shape == {"type": "rect", "x": 0.1}
        assert [s.district_id for s in await uow.maps.list_shapes()] == ["d1", "d2"]
        await uow.maps.delete_shape("d2")
        with pytest.raises(NotFound):
            await uow.maps.get_shape("d2")


async def test_settings_members_channels(board: Database):
    seed = 2**64 - 1
    async with board.transaction() as uow:
        assert await uow.settings.get() == CampaignSettings()
        await uow.settings.update(guild_id=123, gm_role_id=7, rng_seed=seed, campaign_name="C")
        await uow.settings.update(news_channel_id=9, turn_deadline="2026-02-01T18:00:00Z")
        s = await uow.settings.get()
        assert (s.guild_id, s.gm_role_id, s.rng_seed, s.news_channel_id, s.campaign_name) == (
            123,
            7,
            seed,
            9,
            "C",
        )
        await uow.settings.update(gm_role_id=None)
        assert (await uow.settings.get()).gm_role_id is None
        for bad in (-1, 2**64):
            with pytest.raises(InvalidValue):
                await uow.settings.update(rng_seed=bad)
        await uow.settings.add_member(1001, "f1", leader=True)
        await uow.settings.add_member(1002, "f1")
        await uow.settings.add_member(1002, "f1", leader=True)  # re-adding updates the flag
        with pytest.raises(InvalidValue, match="already in f1"):
            await uow.settings.add_member(1001, "f2")
        assert await uow.settings.members_of("f1") == [
            Member(1001, "f1", True),
            Member(1002, "f1", True),
        ]
        assert await uow.settings.faction_of(1001) == "f1"
        await uow.settings.remove_member(1001)
        with pytest.raises(NotFound):
            await uow.settings.remove_member(1001)
        await uow.settings.set_faction_channel("f1", 555)
        await uow.settings.set_faction_channel("f1", 556)
        assert await uow.settings.faction_channel("f1") == 556
        with pytest.raises(AlreadyExists):
            await uow.settings.set_faction_channel("f2", 556)  # one channel per faction
        assert await uow.settings.list_faction_channels() == [FactionChannel("f1", 556)]


async def test_outbox_dedupe_and_status_flow(board: Database):
    async with board.transaction() as uow:
        items = [
            NewDelivery(1, "faction_report", "user", "T1:report:f1:1001", {"d1": 3}, 1001, "f1"),
            NewDelivery(1, "gm_summary", "channel", "T1:gm", {"text": "done"}, 42),
        ]
        assert await uow.outbox.enqueue_many(items) == 2
        assert await uow.outbox.enqueue_many(items) == 0  # a resumed turn inserts nothing twice
        pending = await uow.outbox.pending()
        assert [d.dedupe_key for d in pending] == ["T1:report:f1:1001", "T1:gm"]
        assert pending[0].payload == {"d1": 3}
        first, second = pending
        await uow.outbox.mark_failed(first.id, "Forbidden: DMs closed")
        assert (await uow.outbox.get(first.id)).attempts == 1
        assert [d.id for d in await uow.outbox.pending(max_attempts=1)] == [second.id]
        await uow.outbox.mark_delivered(second.id)
        delivered = await uow.outbox.get(second.id)
        assert delivered.status == "delivered" and delivered.delivered_at is not None
        await uow.outbox.mark_undeliverable(first.id, "no member reachable")
        assert await uow.outbox.counts() == {
            "pending": 0,
            "delivered": 1,
            "failed": 0,
            "undeliverable": 1,
        }
        assert len(await uow.outbox.for_turn(1)) == 2
        with pytest.raises(InvalidValue):
            await uow.outbox.enqueue_many([NewDelivery(1, "spam", "user", "k", {}, 1)])
        with pytest.raises(NotFound):
            await uow.outbox.mark_delivered(9999)


TRIGGERS = "SELECT name, sql FROM sqlite_master WHERE type='trigger' ORDER BY name"


async def test_map_config_is_absent_until_set(board: Database):
    async with board.transaction() as uow:
        assert await uow.maps.find_config() is None
        await uow.maps.set_config(MapConfig("base.png", 640, 480))
        assert await uow.maps.find_config() == MapConfig("base.png", 640, 480)


async def test_campaign_counts_and_wipe_keep_the_schema_and_chosen_tables(board: Database):
    async with board.transaction() as uow:
        await uow.settings.update(guild_id=42, rng_seed=7)
        await uow.orders.upsert(Order(1, "agent", "a1", "f1", "d1", "monitor"))
        await uow.reports.insert_many([MonitoringReport("f1", "d1", 1, {"t": 1}, 4)])
        await uow.history.log(1, "preparation", "x", "y")
        await uow.newspaper.create_issue(NewspaperIssue("i1", 1, "Day 1", "Gazette"))
        await uow.newspaper.add_article(NewspaperArticle("a1", "i1", "s", "h", "c"))
        await uow.newspaper.publish("i1", "2026-01-01T00:00:00Z")  # frozen by triggers
        counts = await uow.campaign.counts()
        assert (counts.factions, counts.districts, counts.orders, counts.reports) == (3, 3, 1, 1)
    async with board.read() as uow:
        triggers = [tuple(r) for r in await uow.sql.fetchall(TRIGGERS)]
        assert len(triggers) >= 7
    async with board.transaction() as uow:
        emptied = await uow.campaign.wipe(keep={"campaign_settings"})
        assert "factions" in emptied and "campaign_settings" not in emptied
        assert "schema_migrations" not in emptied
        assert (await uow.campaign.counts()).empty
        assert await uow.newspaper.list_issues() == []  # published issue gone too
        assert await uow.game.find() is None
        assert (await uow.settings.get()).guild_id == 42  # kept
        await uow.history.log(1, "preparation", "first line again", "ok")
        assert [e.id for e in await uow.history.for_turn(1)] == [1]  # counters restarted
    async with board.read() as uow:
        # every trigger is back, exactly as it was
        assert [tuple(r) for r in await uow.sql.fetchall(TRIGGERS)] == triggers
        assert await uow.sql.scalar("SELECT COUNT(*) FROM schema_migrations") > 0
    with pytest.raises(ReadOnlyError):
        async with board.read() as uow:
            await uow.campaign.wipe()


async def test_a_failed_wipe_leaves_everything(board: Database):
    with pytest.raises(RuntimeError):
        async with board.transaction() as uow:
            await uow.campaign.wipe()
            raise RuntimeError("import failed half way")
    async with board.read() as uow:
        assert (await uow.campaign.counts()).factions == 3
        assert await uow.sql.scalar("SELECT COUNT(*) FROM sqlite_master WHERE type='trigger'") > 0
