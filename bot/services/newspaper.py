"""The campaign newspaper (RULES.md §10.1): GM drafts, previews, publishing, public archive.

The GM makes an issue between turns (assignment phase); the bot proposes articles from
rumors through ``bot.rules.newspaper`` (the seeded ``newspaper`` stream), the GM edits
them, and publishing freezes the issue, queues ONE outbox row for the news channel and
records the distribution to every faction, all in one transaction. At most one
unpublished draft exists at a time, so issue numbers stay contiguous.

Secrecy: every draft operation is GM-only; anyone else sees only published articles
(section, headline, text, author), never rumor ids, hints or drafts. Reading the paper
never adds a rumor to a faction's known rumors.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.render.newspaper import Embed, IssueArticle, render_issue
from bot.render.newspaper import NewspaperIssue as RenderedIssue
from bot.rules import model as rm
from bot.rules.newspaper import (
    DEFAULT_ARTICLE_COUNT,
    DEFAULT_SECTION,
    ArticleProposal,
    NewspaperRumor,
)
from bot.rules.newspaper import propose_articles as rules_propose
from bot.services.access import Actor, require_gm
from bot.services.errors import InvalidRequest, PhaseClosed
from bot.services.orders import db_refusals
from bot.services.setup_checks import check_int, check_name, check_optional_text
from db import records as dbr
from db.database import Database
from db.errors import NotFound
from db.uow import UnitOfWork

UNSET: Any = object()
MAX_PROPOSALS = 10
MAX_ARTICLES = 25
MAX_TITLE = 100
MAX_SECTION = 100
MAX_HEADLINE = 200
MAX_AUTHOR = 100
MAX_CONTENT = 4000  # a Discord Modal paragraph holds at most 4000 characters
DELIVERY_KIND = "newspaper"


@dataclass(frozen=True)
class ArticleView:
    """An article as the GM sees it (rumor links included)."""

    id: str
    issue_id: str
    position: int
    section: str
    headline: str
    content: str
    author: str | None
    contains_hint: bool
    related_rumor_id: str | None
    related_district_id: str | None
    needs_rewrite: bool

    @property
    def length(self) -> int:
        return len(self.content)


@dataclass(frozen=True)
class IssueSummary:
    id: str
    number: int
    title: str
    turn: int | None
    date: str
    published: bool
    published_at: str | None
    article_count: int


@dataclass(frozen=True)
class IssueDetail:
    """A GM's view of one issue; ``messages`` are exactly what publishing would send now."""

    issue: IssueSummary
    articles: tuple[ArticleView, ...]
    messages: tuple[tuple[Embed, ...], ...]
    problems: tuple[str, ...]

    @property
    def publishable(self) -> bool:
        return not self.issue.published and not self.problems


@dataclass(frozen=True)
class ArchiveEntry:
    number: int
    title: str
    turn: int | None
    date: str


@dataclass(frozen=True)
class PublishedIssue:
    """What anyone may read: no rumor ids, hint flags or drafts."""

    number: int
    title: str
    turn: int | None
    date: str
    articles: tuple[IssueArticle, ...]
    messages: tuple[tuple[Embed, ...], ...]


@dataclass(frozen=True)
class PublishResult:
    issue: PublishedIssue
    channel_id: int
    distributed_to: tuple[str, ...]
    enqueued: bool


def dedupe_key(issue: dbr.NewspaperIssue) -> str:
    return f"newspaper:{issue.id}:{issue.issue_number}"


class NewspaperService:
    def __init__(self, db: Database, *, now: Callable[[], datetime] | None = None) -> None:
        self.db = db
        self.now = now or (lambda: datetime.now(UTC))

    # -- creating --------------------------------------------------------------------------

    async def create_issue(
        self, actor: Actor, title: str, article_count: int = DEFAULT_ARTICLE_COUNT
    ) -> IssueDetail:
        """Issue previous+1 with up to ``article_count`` proposals (§10.1, [D-33])."""
        require_gm(actor)
        title = check_name("issue title", title, MAX_TITLE)
        count = check_int("number of proposed articles", article_count, 0, MAX_PROPOSALS)
        async with self.db.transaction() as uow:
            game = await _open_phase(uow, "make a newspaper issue")
            draft = await _current_draft(uow)
            if draft is not None:
                raise InvalidRequest(
                    f"Issue #{draft.issue_number} ('{draft.title}') is still an unpublished "
                    "draft. Publish or delete it before starting another issue (at most one "
                    "draft at a time)."
                )
            seed = await _seed(uow)
            number = await uow.newspaper.next_issue_number()
            issue = dbr.NewspaperIssue(
                id=f"issue-{number}",
                issue_number=number,
                publication_date=self._date(),
                title=title,
                turn_number=game.turn,
            )
            proposals = await _proposals(uow, seed, number, count)
            articles = [
                dbr.NewspaperArticle(
                    id=f"{issue.id}-{index}",
                    issue_id=issue.id,
                    section=p.section,
                    headline=p.headline,
                    content=p.content,
                    contains_hint=p.contains_hint,
                    related_rumor_id=p.related_rumor_id,
                    related_district_id=p.related_district_id,
                    length=p.length,
                    position=index,
                )
                for index, p in enumerate(proposals, start=1)
            ]
            with db_refusals():
                await uow.newspaper.create_issue(issue)
                if articles:
                    await uow.newspaper.add_articles_many(articles)
                flagged = [
                    a.id for a, p in zip(articles, proposals, strict=True) if p.needs_rewrite
                ]
                if flagged:
                    await uow.newspaper.set_needs_rewrite(flagged, True)
            return await self._detail(uow, issue.id)

    # -- the GM's reads --------------------------------------------------------------------

    async def list_issues(self, actor: Actor, *, drafts_only: bool = False) -> list[IssueSummary]:
        """Every issue, drafts included, by number (GM only)."""
        require_gm(actor)
        async with self.db.read() as uow:
            issues = await uow.newspaper.list_issues()
            summaries = [await _summary(uow, i) for i in issues]
        return [s for s in summaries if not (drafts_only and s.published)]

    async def drafts(self, actor: Actor) -> list[IssueSummary]:
        return await self.list_issues(actor, drafts_only=True)

    async def current_draft(self, actor: Actor) -> IssueDetail | None:
        """The one unpublished draft, if any (what the GM's commands usually act on)."""
        require_gm(actor)
        async with self.db.read() as uow:
            draft = await _current_draft(uow)
            return None if draft is None else await self._detail(uow, draft.id)

    async def get_issue(self, actor: Actor, issue_id: str) -> IssueDetail:
        """An issue with its articles and the exact embeds publishing would send (preview)."""
        require_gm(actor)
        async with self.db.read() as uow:
            await _issue(uow, issue_id)
            return await self._detail(uow, issue_id)

    preview = get_issue

    # -- the GM's edits --------------------------------------------------------------------

    async def set_title(self, actor: Actor, issue_id: str, title: str) -> IssueDetail:
        require_gm(actor)
        title = check_name("issue title", title, MAX_TITLE)
        async with self.db.transaction() as uow:
            await _draft(uow, issue_id)
            with db_refusals():
                await uow.newspaper.update_issue_title(issue_id, title)
            return await self._detail(uow, issue_id)

    async def add_article(
        self,
        actor: Actor,
        issue_id: str,
        *,
        headline: str,
        content: str,
        section: str = DEFAULT_SECTION,
        author: str | None = None,
        position: int | None = None,
    ) -> ArticleView:
        """A GM-written article; ``position`` 1 = first, default last. Text may be left blank
        for later (publishing refuses an empty article)."""
        require_gm(actor)
        fields = _check_fields(section=section, headline=headline, content=content, author=author)
        async with self.db.transaction() as uow:
            await _draft(uow, issue_id)
            existing = await _articles(uow, issue_id)
            if len(existing) >= MAX_ARTICLES:
                raise InvalidRequest(f"An issue holds at most {MAX_ARTICLES} articles.")
            slot = (
                len(existing) + 1
                if position is None
                else _check_position(position, len(existing) + 1)
            )
            article = dbr.NewspaperArticle(
                id=_next_article_id(issue_id, existing),
                issue_id=issue_id,
                section=fields["section"],
                headline=fields["headline"],
                content=fields["content"],
                author=fields["author"],
                length=len(fields["content"]),
                position=len(existing) + 1,
            )
            with db_refusals():
                await uow.newspaper.add_article(article)
                order = [a.id for a in existing]
                order.insert(slot - 1, article.id)
                await _apply_order(uow, issue_id, order)
            return await _article_view(uow, article.id)

    async def edit_article(
        self,
        actor: Actor,
        article_id: str,
        *,
        section: str = UNSET,
        headline: str = UNSET,
        content: str = UNSET,
        author: str | None = UNSET,
        position: int = UNSET,
    ) -> ArticleView:
        """Only the fields given change. New text clears a needs-rewrite flag ([D-33])."""
        require_gm(actor)
        given = {
            k: v
            for k, v in dict(
                section=section, headline=headline, content=content, author=author
            ).items()
            if v is not UNSET
        }
        fields = _check_fields(**given)
        async with self.db.transaction() as uow:
            old = await _find_article(uow, article_id)
            await _draft(uow, old.issue_id)
            flagged = article_id in await uow.newspaper.needs_rewrite_ids(old.issue_id)
            new = dataclasses.replace(old, **fields)
            rewritten = "content" in fields and new.content != old.content.strip()
            cleared = flagged and rewritten and bool(new.content)
            if rewritten:
                new = dataclasses.replace(new, length=len(new.content))
            if cleared:  # the GM's own clue now stands where the missing hint was
                new = dataclasses.replace(new, contains_hint=new.related_rumor_id is not None)
            with db_refusals():
                await uow.newspaper.update_article(new)
                if cleared:
                    await uow.newspaper.set_needs_rewrite([article_id], False)
                if position is not UNSET:
                    order = [a.id for a in await _articles(uow, old.issue_id)]
                    slot = _check_position(position, len(order))
                    order.remove(article_id)
                    order.insert(slot - 1, article_id)
                    await _apply_order(uow, old.issue_id, order)
            return await _article_view(uow, article_id)

    async def remove_article(self, actor: Actor, article_id: str) -> IssueDetail:
        require_gm(actor)
        async with self.db.transaction() as uow:
            article = await _find_article(uow, article_id)
            await _draft(uow, article.issue_id)
            with db_refusals():
                await uow.newspaper.delete_article(article_id)
                order = [a.id for a in await _articles(uow, article.issue_id)]
                await _apply_order(uow, article.issue_id, order)
            return await self._detail(uow, article.issue_id)

    async def reorder(self, actor: Actor, issue_id: str, article_ids: Sequence[str]) -> IssueDetail:
        """``article_ids`` must name every article of the issue once, in the new order."""
        require_gm(actor)
        async with self.db.transaction() as uow:
            await _draft(uow, issue_id)
            current = [a.id for a in await _articles(uow, issue_id)]
            wanted = [str(a) for a in article_ids]
            if sorted(wanted) != sorted(current):
                raise InvalidRequest(
                    "List every article of the issue exactly once in the new order "
                    f"(the issue has: {', '.join(current) or 'no articles'})."
                )
            with db_refusals():
                await _apply_order(uow, issue_id, wanted)
            return await self._detail(uow, issue_id)

    async def delete_draft(self, actor: Actor, issue_id: str) -> None:
        """Throws an unpublished draft away; its rumors become candidates again."""
        require_gm(actor)
        async with self.db.transaction() as uow:
            await _draft(uow, issue_id)
            with db_refusals():
                await uow.newspaper.delete_issue(issue_id)

    # -- publishing ------------------------------------------------------------------------

    async def publish(self, actor: Actor, issue_id: str) -> PublishResult:
        """Freeze the issue, queue it for the news channel, record it sent to every faction."""
        require_gm(actor)
        async with self.db.transaction() as uow:
            game = await _open_phase(uow, "publish the newspaper")
            await _draft(uow, issue_id)
            detail = await self._detail(uow, issue_id)
            if detail.problems:
                raise InvalidRequest(
                    f"Issue #{detail.issue.number} cannot be published yet: "
                    + " ".join(detail.problems)
                )
            channel = (await uow.settings.get()).news_channel_id
            if channel is None:
                raise InvalidRequest(
                    "No news channel is set for this campaign. Set one first "
                    "(the campaign's channel settings), then publish again."
                )
            at = self.now().astimezone(UTC).isoformat(timespec="seconds")
            factions = [f.id for f in await uow.factions.list_all()]
            with db_refusals():
                await uow.newspaper.update_issue_stamp(issue_id, self._date(), game.turn)
                issue = await uow.newspaper.publish(issue_id, at)
                await uow.newspaper.record_distribution(issue_id, factions, issue.turn_number, at)
                published = await _published(uow, issue)
                new_rows = await uow.outbox.enqueue_many(
                    [
                        dbr.NewDelivery(
                            turn_number=issue.turn_number or 0,
                            kind=DELIVERY_KIND,
                            recipient_type="channel",
                            recipient_id=channel,
                            dedupe_key=dedupe_key(issue),
                            payload=_payload(published),
                        )
                    ]
                )
        return PublishResult(published, channel, tuple(factions), new_rows == 1)

    # -- anyone ----------------------------------------------------------------------------

    async def archive(self) -> list[ArchiveEntry]:
        """Published issues by number; anyone may read them."""
        async with self.db.read() as uow:
            issues = await uow.newspaper.list_issues(published_only=True)
        return [
            ArchiveEntry(i.issue_number, i.title, i.turn_number, i.publication_date) for i in issues
        ]

    async def open_issue(self, number: int) -> PublishedIssue:
        """A published issue by number; drafts do not exist for readers."""
        number = check_int("issue number", number, 1, None)
        async with self.db.read() as uow:
            issue = await uow.newspaper.find_issue_by_number(number)
            if issue is None or not issue.published:
                latest = await uow.newspaper.list_issues(published_only=True)
                hint = f" The latest is #{latest[-1].issue_number}." if latest else " None yet."
                raise InvalidRequest(f"There is no published issue #{number}.{hint}")
            return await _published(uow, issue)

    # -- helpers ---------------------------------------------------------------------------

    def _date(self) -> str:
        return self.now().astimezone(UTC).date().isoformat()

    async def _detail(self, uow: UnitOfWork, issue_id: str) -> IssueDetail:
        """The issue as stored; a draft is rendered with the stamp publishing would give it."""
        issue = await uow.newspaper.get_issue(issue_id)
        articles = await _articles(uow, issue_id)
        if not issue.published:
            game = await uow.game.find()
            issue = dataclasses.replace(
                issue,
                publication_date=self._date(),
                turn_number=game.turn if game is not None else issue.turn_number,
            )
        messages = _render(issue, articles)
        return IssueDetail(
            issue=await _summary(uow, issue),
            articles=tuple(articles),
            messages=messages,
            problems=() if issue.published else _problems(articles),
        )


# -- module helpers -------------------------------------------------------------------------


async def _open_phase(uow: UnitOfWork, what: str) -> dbr.GameState:
    game = await uow.game.find()
    if game is None:
        raise PhaseClosed("No campaign has been started yet: the GM has to create one first.")
    if game.phase != rm.Phase.ASSIGNMENT:
        raise PhaseClosed(
            f"You can only {what} between turns, while orders are open (phase assignment); "
            f"the campaign is in phase {game.phase}."
        )
    return game


async def _seed(uow: UnitOfWork) -> int:
    seed = (await uow.settings.get()).rng_seed
    if seed is None:
        raise InvalidRequest(
            "This campaign has no random seed yet, so no articles can be proposed. "
            "Create or import the campaign first."
        )
    return seed


async def _current_draft(uow: UnitOfWork) -> dbr.NewspaperIssue | None:
    drafts = [i for i in await uow.newspaper.list_issues() if not i.published]
    return drafts[-1] if drafts else None


async def _issue(uow: UnitOfWork, issue_id: str) -> dbr.NewspaperIssue:
    try:
        return await uow.newspaper.get_issue(str(issue_id))
    except NotFound:
        raise InvalidRequest(f"There is no newspaper issue '{issue_id}'.") from None


async def _draft(uow: UnitOfWork, issue_id: str) -> dbr.NewspaperIssue:
    issue = await _issue(uow, issue_id)
    if issue.published:
        raise InvalidRequest(
            f"Issue #{issue.issue_number} is published; a published issue never changes."
        )
    return issue


async def _find_article(uow: UnitOfWork, article_id: str) -> dbr.NewspaperArticle:
    try:
        return await uow.newspaper.get_article(str(article_id))
    except NotFound:
        raise InvalidRequest(f"There is no article '{article_id}'.") from None


async def _articles(uow: UnitOfWork, issue_id: str) -> list[ArticleView]:
    flagged = await uow.newspaper.needs_rewrite_ids(issue_id)
    return [
        ArticleView(
            id=a.id,
            issue_id=a.issue_id,
            position=a.position,
            section=a.section,
            headline=a.headline,
            content=a.content,
            author=a.author,
            contains_hint=a.contains_hint,
            related_rumor_id=a.related_rumor_id,
            related_district_id=a.related_district_id,
            needs_rewrite=a.id in flagged,
        )
        for a in await uow.newspaper.articles_for(issue_id)
    ]


async def _article_view(uow: UnitOfWork, article_id: str) -> ArticleView:
    article = await uow.newspaper.get_article(article_id)
    return next(a for a in await _articles(uow, article.issue_id) if a.id == article_id)


async def _summary(uow: UnitOfWork, issue: dbr.NewspaperIssue) -> IssueSummary:
    count = len(await uow.newspaper.articles_for(issue.id))
    return IssueSummary(
        id=issue.id,
        number=issue.issue_number,
        title=issue.title,
        turn=issue.turn_number,
        date=issue.publication_date,
        published=issue.published,
        published_at=issue.published_at,
        article_count=count,
    )


async def _published(uow: UnitOfWork, issue: dbr.NewspaperIssue) -> PublishedIssue:
    articles = await _articles(uow, issue.id)
    return PublishedIssue(
        number=issue.issue_number,
        title=issue.title,
        turn=issue.turn_number,
        date=issue.publication_date,
        articles=tuple(_public(a) for a in articles),
        messages=_render(issue, articles),
    )


async def _proposals(uow: UnitOfWork, seed: int, number: int, count: int) -> list[ArticleProposal]:
    """§10.1 candidates from the database, drawn by ``bot.rules.newspaper``."""
    districts = {d.id: d.name for d in await uow.districts.list_all()}
    rumors = [
        NewspaperRumor(
            id=r.id,
            district_id=r.district_id,
            district_name=districts.get(r.district_id, r.district_id),
            name=r.name or districts.get(r.district_id, r.district_id),
            text=r.rumor_text,
            newspaper_hint=r.newspaper_hint,
            newspaper_weight=r.newspaper_weight,
        )
        for r in await uow.districts.list_rumors()
    ]
    known_by: dict[str, set[str]] = defaultdict(set)
    for known in await uow.factions.known_rumors():
        known_by[known.rumor_id].add(known.faction_id)
    factions = [f.id for f in await uow.factions.list_all()]
    used = await uow.newspaper.used_rumor_ids()
    return rules_propose(seed, number, rumors, known_by, factions, used, count=count)


def _public(article: ArticleView) -> IssueArticle:
    return IssueArticle(
        position=article.position,
        section=article.section,
        headline=article.headline,
        content=article.content,
        author=article.author,
    )


def _render(
    issue: dbr.NewspaperIssue, articles: Sequence[ArticleView]
) -> tuple[tuple[Embed, ...], ...]:
    rendered = RenderedIssue(
        title=issue.title,
        number=issue.issue_number,
        date=issue.publication_date,
        turn=issue.turn_number or 0,
        articles=[_public(a) for a in articles],
    )
    return tuple(tuple(message) for message in render_issue(rendered))


def _payload(issue: PublishedIssue) -> dict[str, Any]:
    """The outbox payload: the rendered messages themselves, so what was previewed and
    published is exactly what the channel receives, whenever the row is delivered."""
    return {
        "kind": DELIVERY_KIND,
        "issue_number": issue.number,
        "title": issue.title,
        "messages": [{"content": None, "embeds": list(m)} for m in issue.messages],
    }


def _problems(articles: Sequence[ArticleView]) -> tuple[str, ...]:
    """Why a draft cannot be published yet, one sentence each, in article order."""
    if not articles:
        return ("It has no articles: add at least one.",)
    problems: list[str] = []
    for a in articles:
        label = f"Article {a.position} ('{a.headline}')"
        if a.needs_rewrite:
            problems.append(
                f"{label} is a draft to rewrite: its rumor has no newspaper hint, so write the "
                "clue yourself (edit its text)."
            )
        elif not a.content.strip():
            problems.append(f"{label} has no text.")
    return tuple(problems)


def _check_fields(**fields: Any) -> dict[str, Any]:
    checked: dict[str, Any] = {}
    if "section" in fields:
        checked["section"] = check_name("section", fields["section"], MAX_SECTION)
    if "headline" in fields:
        checked["headline"] = check_name("headline", fields["headline"], MAX_HEADLINE)
    if "content" in fields:
        content = check_optional_text("article text", fields["content"], MAX_CONTENT)
        checked["content"] = (content or "").strip()
    if "author" in fields:
        author = check_optional_text("author", fields["author"], MAX_AUTHOR)
        checked["author"] = (author.strip() or None) if author is not None else None
    return checked


def _check_position(position: object, highest: int) -> int:
    return check_int("position", position, 1, highest)


def _next_article_id(issue_id: str, existing: Sequence[ArticleView]) -> str:
    prefix = f"{issue_id}-"
    numbers = [int(a.id[len(prefix) :]) for a in existing if a.id[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1}"


async def _apply_order(uow: UnitOfWork, issue_id: str, order: Sequence[str]) -> None:
    """Positions 1..n in ``order``; only rows whose position changes are written."""
    for article in await uow.newspaper.articles_for(issue_id):
        wanted = order.index(article.id) + 1
        if article.position != wanted:
            await uow.newspaper.update_article(dataclasses.replace(article, position=wanted))
