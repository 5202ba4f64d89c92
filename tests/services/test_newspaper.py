"""NewspaperService: drafts, proposals, edits, publishing, archive (RULES.md §10.1)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.render.newspaper import NewspaperIssue as RenderedIssue
from bot.render.newspaper import render_issue
from bot.rules.newspaper import DEFAULT_SECTION, NewspaperRumor, propose_articles
from bot.services.access import Actor
from bot.services.deliveries import DeliveryService, Outgoing
from bot.services.errors import InvalidRequest, NotAllowed, PhaseClosed
from bot.services.newspaper import (
    MAX_CONTENT,
    NewspaperService,
    dedupe_key,
)
from db.database import Database
from db.errors import DomainError
from db.migrations import discover, migrate, rollback
from db.records import KnownRumor, NewDelivery, Rumor
from tests.services.conftest import CAMPAIGN_SEED, SeededCampaign, dump, seed_campaign

NEWS_CHANNEL = 5555
WHEN = datetime(2031, 3, 14, 9, 30, tzinfo=UTC)
FACTIONS = ("blue", "green", "grey", "red")
NEWS_TABLES = (
    "newspaper_issues",
    "newspaper_articles",
    "newspaper_distribution",
    "delivery_outbox",
    "faction_known_rumors",
)
SECRET = "The harbourmaster smuggles black powder in the fish barrels"


def rumor(rid: str, district: str = "docks", **kw: Any) -> Rumor:
    values: dict[str, Any] = dict(
        id=rid,
        district_id=district,
        rumor_text=f"{SECRET} ({rid}).",
        discovery_dc=12,
        name=f"Rumor {rid}",
        newspaper_hint=f"Fishmongers grumble about heavy barrels ({rid}).",
        newspaper_weight=1.0,
    )
    values.update(kw)
    return Rumor(**values)


class Clock:
    def __init__(self, now: datetime = WHEN) -> None:
        self.value = now

    def __call__(self) -> datetime:
        return self.value


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def svc(campaign: SeededCampaign, clock: Clock) -> NewspaperService:
    return NewspaperService(campaign.db, now=clock)


async def add_rumors(db: Database, *rumors: Rumor) -> None:
    async with db.transaction() as uow:
        await uow.districts.create_rumors_many(list(rumors))


async def set_news_channel(db: Database, channel: int | None = NEWS_CHANNEL) -> None:
    async with db.transaction() as uow:
        await uow.settings.update(news_channel_id=channel)


async def know(db: Database, rumor_id: str, *factions: str) -> None:
    async with db.transaction() as uow:
        await uow.factions.add_known_rumors_many([KnownRumor(f, rumor_id, 1) for f in factions])


async def set_phase(db: Database, turn: int, phase: str) -> None:
    async with db.transaction() as uow:
        await uow.game.set_phase(turn, phase)


async def outbox_rows(db: Database) -> list[Any]:
    async with db.read() as uow:
        return [d for d in await uow.outbox.undelivered() if d.kind == "newspaper"]


def rumor_ids(detail: Any) -> list[str | None]:
    return [a.related_rumor_id for a in detail.articles]


# -- creating an issue -------------------------------------------------------------------------


async def test_first_issue_is_number_one_with_turn_date_and_hint_articles(
    campaign: SeededCampaign, svc: NewspaperService
) -> None:
    await add_rumors(campaign.db, rumor("r1"), rumor("r2", "market"), rumor("r3", "temple"))
    detail = await svc.create_issue(campaign.gm, "  The Docks Gazette ")
    issue = detail.issue
    assert (issue.id, issue.number, issue.title) == ("issue-1", 1, "The Docks Gazette")
    assert (issue.turn, issue.date, issue.published) == (1, "2031-03-14", False)
    assert sorted(rumor_ids(detail)) == ["r1", "r2", "r3"]  # default count 3
    assert [a.position for a in detail.articles] == [1, 2, 3]
    for article in detail.articles:
        assert (
            article.content
            == f"Fishmongers grumble about heavy barrels ({article.related_rumor_id})."
        )
        assert SECRET not in article.content and SECRET not in article.headline
        assert article.contains_hint and not article.needs_rewrite
        assert article.section == DEFAULT_SECTION and article.length == len(article.content)
    assert {a.related_district_id for a in detail.articles} == {"docks", "market", "temple"}
    assert detail.problems == () and detail.publishable


async def test_numbers_follow_the_previous_issue(
    campaign: SeededCampaign, svc: NewspaperService
) -> None:
    await set_news_channel(campaign.db)
    first = await svc.create_issue(campaign.gm, "One", article_count=0)
    await svc.add_article(campaign.gm, first.issue.id, headline="Hello", content="World")
    await svc.publish(campaign.gm, first.issue.id)
    second = await svc.create_issue(campaign.gm, "Two", article_count=0)
    assert (second.issue.number, second.issue.id) == (2, "issue-2")


async def test_article_count_limits_and_changes_the_proposals(
    campaign: SeededCampaign, svc: NewspaperService
) -> None:
    await add_rumors(campaign.db, *(rumor(f"r{i}") for i in range(6)))
    assert len((await svc.create_issue(campaign.gm, "Five", article_count=5)).articles) == 5
    await svc.delete_draft(campaign.gm, "issue-1")
    assert (await svc.create_issue(campaign.gm, "None", article_count=0)).articles == ()
    await svc.delete_draft(campaign.gm, "issue-1")
    assert len((await svc.create_issue(campaign.gm, "All", article_count=10)).articles) == 6
    await svc.delete_draft(campaign.gm, "issue-1")
    for bad in (-1, 11, "3", True):
        with pytest.raises(InvalidRequest, match="number of proposed articles"):
            await svc.create_issue(campaign.gm, "Bad", article_count=bad)  # type: ignore[arg-type]


async def test_only_one_unpublished_draft_at_a_time(
    campaign: SeededCampaign, svc: NewspaperService
) -> None:
    await svc.create_issue(campaign.gm, "Draft", article_count=0)
    before = await dump(campaign.db, *NEWS_TABLES)
    with pytest.raises(InvalidRequest, match=r"Issue #1 \('Draft'\) is still an unpublished draft"):
        await svc.create_issue(campaign.gm, "Another")
    assert await dump(campaign.db, *NEWS_TABLES) == before


@pytest.mark.parametrize(
    "phase", ["preparation", "conflict_detection", "monitoring", "conflict_resolution"]
)
async def test_issues_are_made_and_published_only_between_turns(
    campaign: SeededCampaign, svc: NewspaperService, phase: str
) -> None:
    await set_news_channel(campaign.db)
    draft = await svc.create_issue(campaign.gm, "Draft", article_count=0)
    await svc.add_article(campaign.gm, draft.issue.id, headline="H", content="Body")
    await set_phase(campaign.db, 1, phase)
    before = await dump(campaign.db, *NEWS_TABLES)
    with pytest.raises(PhaseClosed, match="phase assignment"):
        await svc.publish(campaign.gm, draft.issue.id)
    await svc.delete_draft(campaign.gm, draft.issue.id)  # drafts can still be edited/thrown away
    with pytest.raises(PhaseClosed, match=f"in phase {phase}"):
        await svc.create_issue(campaign.gm, "Late")
    assert (await dump(campaign.db, "newspaper_issues"))["newspaper_issues"] == []
    assert (
        before["delivery_outbox"] == (await dump(campaign.db, "delivery_outbox"))["delivery_outbox"]
    )


async def test_no_campaign_and_no_seed_are_refused(tmp_path: Path) -> None:
    db = Database(tmp_path / "empty.sqlite3")
    await db.open()
    try:
        await migrate(db)
        svc = NewspaperService(db, now=Clock())
        gm = Actor(1, True, None)
        with pytest.raises(PhaseClosed, match="No campaign"):
            await svc.create_issue(gm, "Nothing")
        async with db.transaction() as uow:
            await uow.game.initialise("Seedless")
            await uow.game.set_phase(1, "assignment")
        with pytest.raises(InvalidRequest, match="no random seed"):
            await svc.create_issue(gm, "Nothing")
    finally:
        await db.close()


# -- candidate rules and the seeded draw ------------------------------------------------------


async def test_candidates_exclude_known_by_all_weightless_and_used_before(
    campaign: SeededCampaign, svc: NewspaperService
) -> None:
    await add_rumors(
        campaign.db,
        rumor("everyone-knows"),
        rumor("some-know"),
        rumor("weightless", newspaper_weight=0.0),
        rumor("printed"),
        rumor("fresh", "palace"),
    )
    await know(campaign.db, "everyone-knows", *FACTIONS)
    await know(campaign.db, "some-know", "red", "blue", "green")  # grey still does not
    await set_news_channel(campaign.db)
    first = await svc.create_issue(campaign.gm, "First", article_count=0)
    await svc.add_article(campaign.gm, first.issue.id, headline="Placeholder", content="Text")
    # An article of an earlier issue that used a rumor (as an auto proposal would).
    async with campaign.db.transaction() as uow:
        article = (await uow.newspaper.articles_for(first.issue.id))[0]
        await uow.newspaper.update_article(dataclasses.replace(article, related_rumor_id="printed"))
    await svc.publish(campaign.gm, first.issue.id)

    second = await svc.create_issue(campaign.gm, "Second", article_count=10)
    assert sorted(rumor_ids(second)) == ["fresh", "some-know"]


async def test_deleting_a_draft_returns_its_rumors_to_the_pool(
    campaign: SeededCampaign, svc: NewspaperService
) -> None:
    await add_rumors(campaign.db, rumor("r1"), rumor("r2"))
    draft = await svc.create_issue(campaign.gm, "Draft", article_count=2)
    await svc.delete_draft(campaign.gm, draft.issue.id)
    again = await svc.create_issue(campaign.gm, "Again", article_count=2)
    assert rumor_ids(again) == rumor_ids(draft)  # same seed, same number: same draw


async def test_proposals_are_those_of_the_rules_module_for_the_campaign_seed(
    campaign: SeededCampaign, svc: NewspaperService
) -> None:
    rumors = [rumor(f"r{i:02d}", newspaper_weight=float(1 + i % 4)) for i in range(12)]
    await add_rumors(campaign.db, *rumors)
    detail = await svc.create_issue(campaign.gm, "Seeded", article_count=4)
    expected = propose_articles(
        CAMPAIGN_SEED,
        1,
        [
            NewspaperRumor(r.id, r.district_id, "Docks", r.name, r.rumor_text, r.newspaper_hint,
                           r.newspaper_weight)
            for r in rumors
        ],
        {},
        FACTIONS,
        set(),
        count=4,
    )  # fmt: skip
    assert rumor_ids(detail) == [p.related_rumor_id for p in expected]
    assert [a.headline for a in detail.articles] == [p.headline for p in expected]


async def test_same_seed_gives_the_same_proposals_in_another_database(
    tmp_path: Path, clock: Clock
) -> None:
    picks = []
    for name in ("one", "two"):
        db = Database(tmp_path / f"{name}.sqlite3")
        await db.open()
        try:
            await migrate(db)
            await seed_campaign(db)
            await add_rumors(db, *(rumor(f"r{i:02d}", newspaper_weight=1.0 + i) for i in range(10)))
            detail = await NewspaperService(db, now=clock).create_issue(
                Actor(1, True, None), "Same", article_count=4
            )
            picks.append([(a.related_rumor_id, a.headline, a.content) for a in detail.articles])
        finally:
            await db.close()
    assert picks[0] == picks[1] and len(picks[0]) == 4


async def test_other_seeds_give_other_orders(
    campaign: SeededCampaign, svc: NewspaperService
) -> None:
    await add_rumors(campaign.db, *(rumor(f"r{i:02d}") for i in range(10)))
    seen = set()
    for seed in range(1, 9):
        async with campaign.db.transaction() as uow:
            await uow.settings.update(rng_seed=seed)
        detail = await svc.create_issue(campaign.gm, "Seed", article_count=3)
        seen.add(tuple(rumor_ids(detail)))
        await svc.delete_draft(campaign.gm, detail.issue.id)
    assert len(seen) > 1


async def test_higher_weight_is_preferred(campaign: SeededCampaign, svc: NewspaperService) -> None:
    """Weights 8:1:1 over 150 seeds: the heavy rumor leads ~80% of single-article issues."""
    await add_rumors(
        campaign.db,
        rumor("heavy", newspaper_weight=8.0),
        rumor("light-a", newspaper_weight=1.0),
        rumor("light-b", newspaper_weight=1.0),
    )
    counts = {"heavy": 0, "light-a": 0, "light-b": 0}
    for seed in range(150):
        async with campaign.db.transaction() as uow:
            await uow.settings.update(rng_seed=seed)
        detail = await svc.create_issue(campaign.gm, "Weighted", article_count=1)
        counts[detail.articles[0].related_rumor_id] += 1
        await svc.delete_draft(campaign.gm, detail.issue.id)
    assert counts["heavy"] > 100  # expected 120; a fair draw would give 50
    assert counts["light-a"] > 0 and counts["light-b"] > 0  # light ones still appear


# -- needs-rewrite drafts, empty articles ------------------------------------------------------


async def test_a_rumor_without_hint_yields_a_draft_that_blocks_publishing(
    campaign: SeededCampaign, svc: NewspaperService
) -> None:
    await set_news_channel(campaign.db)
    await add_rumors(campaign.db, rumor("nohint", newspaper_hint=None))
    detail = await svc.create_issue(campaign.gm, "Blocked")
    (article,) = detail.articles
    assert article.needs_rewrite and not article.contains_hint
    assert article.content.startswith("[DRAFT") and SECRET not in article.content
    assert not detail.publishable and "rewrite" in detail.problems[0]
    before = await dump(campaign.db, *NEWS_TABLES)
    with pytest.raises(InvalidRequest, match="cannot be published yet.*rewrite"):
        await svc.publish(campaign.gm, detail.issue.id)
    assert await dump(campaign.db, *NEWS_TABLES) == before

    # Editing only the headline does not count as rewriting it.
    still = await svc.edit_article(campaign.gm, article.id, headline="Barrels at dawn")
    assert still.needs_rewrite and still.headline == "Barrels at dawn"
    rewritten = await svc.edit_article(
        campaign.gm, article.id, content="Fishmongers say the barrels are strangely heavy."
    )
    assert not rewritten.needs_rewrite and rewritten.contains_hint
    assert rewritten.length == len(rewritten.content)
    result = await svc.publish(campaign.gm, detail.issue.id)
    assert result.issue.articles[0].content == "Fishmongers say the barrels are strangely heavy."


async def test_a_hint_that_repeats_the_rumor_is_not_printed(
    campaign: SeededCampaign, svc: NewspaperService
) -> None:
    await add_rumors(campaign.db, rumor("verbatim", newspaper_hint=f"Psst: {SECRET} (verbatim)."))
    (article,) = (await svc.create_issue(campaign.gm, "Leak?")).articles
    assert article.needs_rewrite and SECRET not in article.content


async def test_empty_articles_and_empty_issues_cannot_be_published(
    campaign: SeededCampaign, svc: NewspaperService
) -> None:
    await set_news_channel(campaign.db)
    draft = await svc.create_issue(campaign.gm, "Empty", article_count=0)
    with pytest.raises(InvalidRequest, match="no articles"):
        await svc.publish(campaign.gm, draft.issue.id)
    blank = await svc.add_article(campaign.gm, draft.issue.id, headline="Soon", content="   ")
    assert blank.content == ""
    with pytest.raises(InvalidRequest, match=r"Article 1 \('Soon'\) has no text"):
        await svc.publish(campaign.gm, draft.issue.id)
    await svc.edit_article(campaign.gm, blank.id, content="Now it has text.")
    assert (await svc.publish(campaign.gm, draft.issue.id)).issue.number == 1


async def test_every_problem_is_listed_at_once(
    campaign: SeededCampaign, svc: NewspaperService
) -> None:
    await set_news_channel(campaign.db)
    await add_rumors(campaign.db, rumor("nohint", newspaper_hint=None))
    draft = await svc.create_issue(campaign.gm, "Two problems")
    await svc.add_article(campaign.gm, draft.issue.id, headline="Blank", content="")
    with pytest.raises(InvalidRequest) as refused:
        await svc.publish(campaign.gm, draft.issue.id)
    assert "Article 1" in refused.value.message and "Article 2 ('Blank') has no text" in (
        refused.value.message
    )


# -- editing -----------------------------------------------------------------------------------


async def test_add_edit_reorder_remove_and_retitle(
    campaign: SeededCampaign, svc: NewspaperService
) -> None:
    draft = await svc.create_issue(campaign.gm, "Edits", article_count=0)
    iid = draft.issue.id
    a = await svc.add_article(campaign.gm, iid, headline="A", content="a", author=" Quill ")
    b = await svc.add_article(campaign.gm, iid, headline="B", content="b", section="Sport")
    c = await svc.add_article(campaign.gm, iid, headline="C", content="c", position=1)
    assert (a.author, b.section, a.section) == ("Quill", "Sport", DEFAULT_SECTION)
    detail = await svc.get_issue(campaign.gm, iid)
    assert [x.headline for x in detail.articles] == ["C", "A", "B"]
    assert [x.position for x in detail.articles] == [1, 2, 3]

    moved = await svc.edit_article(campaign.gm, b.id, position=1, author=None, content="b2")
    assert (moved.position, moved.author, moved.content, moved.length) == (1, None, "b2", 2)
    detail = await svc.get_issue(campaign.gm, iid)
    assert [x.headline for x in detail.articles] == ["B", "C", "A"]

    detail = await svc.reorder(campaign.gm, iid, [a.id, b.id, c.id])
    assert [x.headline for x in detail.articles] == ["A", "B", "C"]
    detail = await svc.remove_article(campaign.gm, b.id)
    assert [(x.headline, x.position) for x in detail.articles] == [("A", 1), ("C", 2)]
    detail = await svc.set_title(campaign.gm, iid, "Renamed")
    assert detail.issue.title == "Renamed" and detail.issue.article_count == 2
    new = await svc.add_article(campaign.gm, iid, headline="D", content="d")
    assert new.id not in {a.id, c.id} and new.position == 3


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"headline": "  "}, "headline cannot be empty"),
        ({"headline": "x" * 201}, "headline is 201 characters"),
        ({"section": ""}, "section cannot be empty"),
        ({"content": "x" * (MAX_CONTENT + 1)}, "article text is"),
        ({"author": "x" * 101}, "author is 101"),
        ({"position": 0}, "position must be from 1 to 2"),
        ({"position": 3}, "position must be from 1 to 2"),
    ],
)
async def test_bad_article_fields_are_refused(
    campaign: SeededCampaign, svc: NewspaperService, fields: dict[str, Any], message: str
) -> None:
    draft = await svc.create_issue(campaign.gm, "Checks", article_count=0)
    first = await svc.add_article(campaign.gm, draft.issue.id, headline="One", content="1")
    await svc.add_article(campaign.gm, draft.issue.id, headline="Two", content="2")
    before = await dump(campaign.db, *NEWS_TABLES)
    with pytest.raises(InvalidRequest, match=message):
        await svc.edit_article(campaign.gm, first.id, **fields)
    assert await dump(campaign.db, *NEWS_TABLES) == before


async def test_unknown_ids_and_bad_orders_are_refused(
    campaign: SeededCampaign, svc: NewspaperService
) -> None:
    draft = await svc.create_issue(campaign.gm, "Ids", article_count=0)
    one = await svc.add_article(campaign.gm, draft.issue.id, headline="One", content="1")
    with pytest.raises(InvalidRequest, match="no newspaper issue 'issue-9'"):
        await svc.get_issue(campaign.gm, "issue-9")
    with pytest.raises(InvalidRequest, match="no article 'nope'"):
        await svc.edit_article(campaign.gm, "nope", headline="x")
    with pytest.raises(InvalidRequest, match="no article"):
        await svc.remove_article(campaign.gm, "nope")
    for order in ([], [one.id, one.id], ["nope"]):
        with pytest.raises(InvalidRequest, match="exactly once"):
            await svc.reorder(campaign.gm, draft.issue.id, order)
    with pytest.raises(InvalidRequest, match="position must be from 1 to 2"):
        await svc.add_article(campaign.gm, draft.issue.id, headline="H", content="c", position=3)


async def test_an_issue_holds_at_most_25_articles(
    campaign: SeededCampaign, svc: NewspaperService
) -> None:
    draft = await svc.create_issue(campaign.gm, "Full", article_count=0)
    for n in range(25):
        await svc.add_article(campaign.gm, draft.issue.id, headline=f"H{n}", content="c")
    with pytest.raises(InvalidRequest, match="at most 25"):
        await svc.add_article(campaign.gm, draft.issue.id, headline="One more", content="c")


# -- preview and publishing --------------------------------------------------------------------


async def test_preview_is_exactly_what_publishing_sends(
    campaign: SeededCampaign, svc: NewspaperService, clock: Clock
) -> None:
    await set_news_channel(campaign.db)
    await add_rumors(campaign.db, rumor("r1"), rumor("r2"))
    draft = await svc.create_issue(campaign.gm, "Preview")
    for n in range(3):  # 3 x ~4000 characters: more than one 6000-character message
        await svc.add_article(
            campaign.gm, draft.issue.id, headline=f"Long read {n}", content="word " * 799,
            author="Ed",
        )  # fmt: skip
    clock.value = datetime(2031, 3, 20, 18, 0, tzinfo=UTC)  # published days after the draft
    await set_phase(campaign.db, 2, "assignment")
    preview = await svc.preview(campaign.gm, draft.issue.id)
    assert preview.issue.date == "2031-03-20" and preview.issue.turn == 2
    assert len(preview.messages) > 1 and all(len(m) > 0 for m in preview.messages)

    result = await svc.publish(campaign.gm, draft.issue.id)
    (row,) = await outbox_rows(campaign.db)
    assert [m["embeds"] for m in row.payload["messages"]] == [list(m) for m in preview.messages]
    assert result.issue.messages == preview.messages
    stored = await svc.open_issue(1)
    assert (stored.date, stored.turn) == ("2031-03-20", 2)
    assert stored.messages == preview.messages
    expected = render_issue(RenderedIssue("Preview", 1, "2031-03-20", 2, stored.articles))
    assert [list(m) for m in stored.messages] == expected


async def test_publish_freezes_queues_one_row_and_distributes_to_every_faction(
    campaign: SeededCampaign, svc: NewspaperService
) -> None:
    await set_news_channel(campaign.db)
    await add_rumors(campaign.db, rumor("r1"), rumor("r2"), rumor("r3"))
    await know(campaign.db, "r1", "red")
    known_before = await dump(campaign.db, "faction_known_rumors", "district_rumors")
    draft = await svc.create_issue(campaign.gm, "Morning Post")
    result = await svc.publish(campaign.gm, draft.issue.id)

    assert result.channel_id == NEWS_CHANNEL and result.enqueued
    assert result.distributed_to == FACTIONS
    (row,) = await outbox_rows(campaign.db)
    assert (row.kind, row.recipient_type, row.recipient_id, row.turn_number) == (
        "newspaper", "channel", NEWS_CHANNEL, 1)  # fmt: skip
    assert row.faction_id is None and row.status == "pending"
    assert row.payload["kind"] == "newspaper" and row.payload["issue_number"] == 1
    async with campaign.db.read() as uow:
        issue = await uow.newspaper.get_issue(draft.issue.id)
        assert issue.published and issue.published_at == "2031-03-14T09:30:00+00:00"
        assert row.dedupe_key == dedupe_key(issue)
        dist = await uow.newspaper.distribution_for(draft.issue.id)
        # The same dedupe key never makes a second row.
        again = await uow.outbox.for_turn(1)
    assert [d.faction_id for d in dist] == list(FACTIONS)
    assert {d.distributed_at for d in dist} == {"2031-03-14T09:30:00+00:00"}
    assert {d.turn_number for d in dist} == {1}
    assert len([d for d in again if d.kind == "newspaper"]) == 1
    async with campaign.db.transaction() as uow:
        added = await uow.outbox.enqueue_many(
            [NewDelivery(1, "newspaper", "channel", row.dedupe_key, {"kind": "newspaper"},
                         NEWS_CHANNEL)]
        )  # fmt: skip
    assert added == 0 and len(await outbox_rows(campaign.db)) == 1
    # Reading the paper is not discovering the rumor.
    assert await dump(campaign.db, "faction_known_rumors", "district_rumors") == known_before

    with pytest.raises(InvalidRequest, match="published"):
        await svc.publish(campaign.gm, draft.issue.id)
    assert len(await outbox_rows(campaign.db)) == 1


async def test_publishing_without_a_news_channel_is_refused(
    campaign: SeededCampaign, svc: NewspaperService
) -> None:
    draft = await svc.create_issue(campaign.gm, "Nowhere", article_count=0)
    await svc.add_article(campaign.gm, draft.issue.id, headline="H", content="c")
    before = await dump(campaign.db, *NEWS_TABLES)
    with pytest.raises(InvalidRequest, match="No news channel is set"):
        await svc.publish(campaign.gm, draft.issue.id)
    assert await dump(campaign.db, *NEWS_TABLES) == before
    await set_news_channel(campaign.db)
    assert (await svc.publish(campaign.gm, draft.issue.id)).channel_id == NEWS_CHANNEL


async def test_published_issues_never_change_through_the_service(
    campaign: SeededCampaign, svc: NewspaperService
) -> None:
    await set_news_channel(campaign.db)
    draft = await svc.create_issue(campaign.gm, "Frozen", article_count=0)
    article = await svc.add_article(campaign.gm, draft.issue.id, headline="H", content="c")
    await svc.publish(campaign.gm, draft.issue.id)
    iid = draft.issue.id
    before = await dump(campaign.db, *NEWS_TABLES)
    attempts = [
        svc.set_title(campaign.gm, iid, "New"),
        svc.add_article(campaign.gm, iid, headline="X", content="x"),
        svc.edit_article(campaign.gm, article.id, content="changed"),
        svc.edit_article(campaign.gm, article.id, position=1),
        svc.remove_article(campaign.gm, article.id),
        svc.reorder(campaign.gm, iid, [article.id]),
        svc.delete_draft(campaign.gm, iid),
        svc.publish(campaign.gm, iid),
    ]
    for attempt in attempts:
        with pytest.raises(InvalidRequest, match="Issue #1 is published; a published issue never"):
            await attempt
    assert await dump(campaign.db, *NEWS_TABLES) == before
    detail = await svc.get_issue(campaign.gm, iid)
    assert detail.issue.published and not detail.publishable and detail.problems == ()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE newspaper_issues SET title='Forged' WHERE id='issue-1'",
        "UPDATE newspaper_issues SET published=0 WHERE id='issue-1'",
        "DELETE FROM newspaper_issues WHERE id='issue-1'",
        "UPDATE newspaper_articles SET content='Forged' WHERE issue_id='issue-1'",
        "UPDATE newspaper_articles SET needs_rewrite=1 WHERE issue_id='issue-1'",
        "DELETE FROM newspaper_articles WHERE issue_id='issue-1'",
        "INSERT INTO newspaper_articles (id, issue_id, section, headline, content) "
        "VALUES ('x', 'issue-1', 's', 'h', 'c')",
        "UPDATE newspaper_distribution SET faction_id='red' WHERE faction_id='blue'",
        "INSERT INTO newspaper_distribution (issue_id, faction_id, distributed_at) "
        "VALUES ('issue-2', 'red', 'now')",
    ],
)
async def test_database_triggers_back_immutability(
    campaign: SeededCampaign, svc: NewspaperService, statement: str
) -> None:
    await set_news_channel(campaign.db)
    draft = await svc.create_issue(campaign.gm, "Frozen", article_count=0)
    await svc.add_article(campaign.gm, draft.issue.id, headline="H", content="c")
    await svc.publish(campaign.gm, draft.issue.id)
    await svc.create_issue(campaign.gm, "Unpublished draft #2", article_count=0)
    before = await dump(campaign.db, *NEWS_TABLES)
    with pytest.raises(DomainError, match="newspaper issue"):
        async with campaign.db.transaction() as uow:
            await uow.sql.execute(statement)
    assert await dump(campaign.db, *NEWS_TABLES) == before


async def test_the_delivery_worker_posts_the_issue_to_the_news_channel(
    campaign: SeededCampaign, svc: NewspaperService
) -> None:
    class Recorder:
        def __init__(self) -> None:
            self.sent: list[tuple[str, int, Sequence[Outgoing]]] = []

        async def send_to_user(self, user_id: int, messages: Sequence[Outgoing]) -> None:
            self.sent.append(("user", user_id, messages))

        async def send_to_channel(self, channel_id: int, messages: Sequence[Outgoing]) -> None:
            self.sent.append(("channel", channel_id, messages))

    await set_news_channel(campaign.db)
    draft = await svc.create_issue(campaign.gm, "Delivered", article_count=0)
    for n in range(3):
        await svc.add_article(campaign.gm, draft.issue.id, headline=f"H{n}", content="c " * 1999)
    result = await svc.publish(campaign.gm, draft.issue.id)
    transport = Recorder()
    drained = await DeliveryService(campaign.db).drain(transport)
    assert len(drained.delivered) == 1 and drained.failed == []
    ((kind, channel, messages),) = transport.sent
    assert len(messages) > 1  # split across messages, all to the news channel
    assert (kind, channel) == ("channel", NEWS_CHANNEL)
    assert [m.embeds for m in messages] == list(result.issue.messages)
    assert all(m.content is None for m in messages)
    assert (await DeliveryService(campaign.db).drain(transport)).attempted == 0  # exactly once


# -- the archive (anyone) -------------------------------------------------------------------------


async def test_archive_lists_published_issues_and_opens_them_by_number(
    campaign: SeededCampaign, svc: NewspaperService
) -> None:
    await set_news_channel(campaign.db)
    await add_rumors(campaign.db, rumor("r1"))
    first = await svc.create_issue(campaign.gm, "First", article_count=1)
    await svc.publish(campaign.gm, first.issue.id)
    await svc.create_issue(campaign.gm, "Secret draft", article_count=0)

    archive = await svc.archive()
    assert [(e.number, e.title, e.turn, e.date) for e in archive] == [
        (1, "First", 1, "2031-03-14")]  # fmt: skip
    issue = await svc.open_issue(1)
    (article,) = issue.articles
    assert article.content == "Fishmongers grumble about heavy barrels (r1)."
    assert not hasattr(article, "related_rumor_id") and not hasattr(article, "contains_hint")
    assert SECRET not in repr(issue)
    with pytest.raises(InvalidRequest, match="no published issue #2. The latest is #1") as draft:
        await svc.open_issue(2)  # the draft is invisible to readers
    with pytest.raises(InvalidRequest, match="no published issue #7. The latest is #1") as missing:
        await svc.open_issue(7)
    assert "Secret draft" not in draft.value.message + missing.value.message


async def test_empty_archive(svc: NewspaperService) -> None:
    assert await svc.archive() == []
    with pytest.raises(InvalidRequest, match="no published issue #1. None yet"):
        await svc.open_issue(1)
    with pytest.raises(InvalidRequest, match="issue number must be at least 1"):
        await svc.open_issue(0)


# -- access ------------------------------------------------------------------------------------


async def test_every_write_and_draft_read_is_gm_only(
    campaign: SeededCampaign, svc: NewspaperService
) -> None:
    await set_news_channel(campaign.db)
    await add_rumors(campaign.db, rumor("r1"))
    draft = await svc.create_issue(campaign.gm, "GM only", article_count=1)
    (article,) = draft.articles
    before = await dump(campaign.db)
    for actor in (campaign.red, campaign.outsider):
        calls = [
            svc.create_issue(actor, "Mine"),
            svc.list_issues(actor),
            svc.drafts(actor),
            svc.current_draft(actor),
            svc.get_issue(actor, draft.issue.id),
            svc.set_title(actor, draft.issue.id, "Mine"),
            svc.add_article(actor, draft.issue.id, headline="H", content="c"),
            svc.edit_article(actor, article.id, content="c"),
            svc.remove_article(actor, article.id),
            svc.reorder(actor, draft.issue.id, [article.id]),
            svc.delete_draft(actor, draft.issue.id),
            svc.publish(actor, draft.issue.id),
        ]
        for call in calls:
            with pytest.raises(NotAllowed) as refused:
                await call
            assert "Fishmongers" not in refused.value.message
            assert SECRET not in refused.value.message
    assert await dump(campaign.db) == before


async def test_gm_lists_and_current_draft(campaign: SeededCampaign, svc: NewspaperService) -> None:
    await set_news_channel(campaign.db)
    assert await svc.current_draft(campaign.gm) is None
    first = await svc.create_issue(campaign.gm, "First", article_count=0)
    await svc.add_article(campaign.gm, first.issue.id, headline="H", content="c")
    await svc.publish(campaign.gm, first.issue.id)
    await svc.create_issue(campaign.gm, "Second", article_count=0)
    listed = await svc.list_issues(campaign.gm)
    assert [(s.number, s.published, s.article_count) for s in listed] == [
        (1, True, 1), (2, False, 0)]  # fmt: skip
    assert [s.number for s in await svc.drafts(campaign.gm)] == [2]
    current = await svc.current_draft(campaign.gm)
    assert current is not None and current.issue.title == "Second"


# -- migration 0005 ----------------------------------------------------------------------------


async def test_migration_0005_rolls_back_and_reapplies(
    campaign: SeededCampaign, svc: NewspaperService, tmp_path: Path
) -> None:
    await set_news_channel(campaign.db)
    draft = await svc.create_issue(campaign.gm, "Kept", article_count=0)
    await svc.add_article(campaign.gm, draft.issue.id, headline="H", content="c")
    await svc.publish(campaign.gm, draft.issue.id)
    head = max(m.version for m in discover())
    await rollback(campaign.db, head - 4, backup_dir=tmp_path / "backups")
    async with campaign.db.read() as uow:
        tables = {r[0] for r in await uow.sql.fetchall("SELECT name FROM sqlite_master")}
        columns = {r[1] for r in await uow.sql.fetchall("PRAGMA table_info(newspaper_articles)")}
    assert "newspaper_distribution" not in tables and "needs_rewrite" not in columns
    await migrate(campaign.db, backup_dir=tmp_path / "backups")
    issue = await svc.open_issue(1)
    assert issue.articles[0].content == "c"  # the issue itself survived the round trip
