"""Newspaper issues and articles (§10.1). Published issues are frozen by triggers too."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from db.dialect import NOW
from db.errors import ConstraintViolation, NotFound
from db.executor import Row
from db.records import NewspaperArticle, NewspaperIssue
from db.repositories.base import Repository, b, check_int, check_nonempty, placeholders

_ISSUE_COLS = "id, issue_number, publication_date, title, turn_number, published, published_at"
_ARTICLE_FIELDS = tuple(f.name for f in dataclasses.fields(NewspaperArticle))
_ARTICLE_COLS = ", ".join(_ARTICLE_FIELDS)


@dataclass(frozen=True, slots=True)
class Distribution:
    """One faction's copy of a published issue (§10.1: publishing sends it to every faction)."""

    issue_id: str
    faction_id: str
    turn_number: int | None
    distributed_at: str


def _issue(row: Row) -> NewspaperIssue:
    return NewspaperIssue(row[0], row[1], row[2], row[3], row[4], bool(row[5]), row[6])


def _article(row: Row) -> NewspaperArticle:
    values = {f: row[f] for f in _ARTICLE_FIELDS}
    values["contains_hint"] = bool(values["contains_hint"])
    return NewspaperArticle(**values)


def _validate_article(a: NewspaperArticle) -> None:
    check_nonempty("article id", a.id)
    check_nonempty("headline", a.headline)
    check_int("position", a.position, 0)
    if a.length is not None:
        check_int("length", a.length, 0)


class NewspaperRepository(Repository):
    async def next_issue_number(self) -> int:
        return int(
            await self.sql.scalar("SELECT COALESCE(MAX(issue_number), 0) + 1 FROM newspaper_issues")
        )

    async def create_issue(self, issue: NewspaperIssue) -> NewspaperIssue:
        check_nonempty("issue id", issue.id)
        check_nonempty("title", issue.title)
        check_int("issue number", issue.issue_number, 1)
        await self._write(
            "create issue",
            f"INSERT INTO newspaper_issues ({_ISSUE_COLS}) VALUES ({placeholders(7)})",
            (
                issue.id,
                issue.issue_number,
                issue.publication_date,
                issue.title,
                issue.turn_number,
                b(issue.published),
                issue.published_at,
            ),
            entity="newspaper issue",
        )
        return issue

    async def get_issue(self, issue_id: str) -> NewspaperIssue:
        row = await self.sql.fetchone(
            f"SELECT {_ISSUE_COLS} FROM newspaper_issues WHERE id=?", (issue_id,)
        )
        if row is None:
            raise NotFound("newspaper issue", issue_id)
        return _issue(row)

    async def list_issues(self, *, published_only: bool = False) -> list[NewspaperIssue]:
        clause = "WHERE published=1" if published_only else ""
        rows = await self.sql.fetchall(
            f"SELECT {_ISSUE_COLS} FROM newspaper_issues {clause} ORDER BY issue_number"
        )
        return [_issue(r) for r in rows]

    async def update_issue_title(self, issue_id: str, title: str) -> None:
        check_nonempty("title", title)
        await self._require_unpublished(issue_id)
        await self._write(
            "retitle issue",
            f"UPDATE newspaper_issues SET title=?, updated_at={NOW} WHERE id=?",
            (title, issue_id),
        )

    async def publish(self, issue_id: str, published_at: str) -> NewspaperIssue:
        await self._require_unpublished(issue_id)
        await self._write(
            "publish issue",
            f"UPDATE newspaper_issues SET published=1, published_at=?, updated_at={NOW} WHERE id=?",
            (published_at, issue_id),
        )
        return await self.get_issue(issue_id)

    async def delete_issue(self, issue_id: str) -> None:
        await self._require_unpublished(issue_id)
        await self._write("delete issue", "DELETE FROM newspaper_issues WHERE id=?", (issue_id,))

    async def _require_unpublished(self, issue_id: str) -> None:
        if (await self.get_issue(issue_id)).published:
            raise ConstraintViolation(f"issue {issue_id} is published and can no longer change")

    # -- articles ---------------------------------------------------------------------------

    async def add_articles_many(self, articles: Sequence[NewspaperArticle]) -> int:
        for a in articles:
            _validate_article(a)
        for issue_id in sorted({a.issue_id for a in articles}):
            await self._require_unpublished(issue_id)
        return await self._write_many(
            "add articles",
            f"INSERT INTO newspaper_articles ({_ARTICLE_COLS}) VALUES ({placeholders(len(_ARTICLE_FIELDS))})",
            [tuple(_db(getattr(a, f)) for f in _ARTICLE_FIELDS) for a in articles],
            entity="article",
        )

    async def add_article(self, article: NewspaperArticle) -> NewspaperArticle:
        await self.add_articles_many([article])
        return article

    async def update_article(self, article: NewspaperArticle) -> NewspaperArticle:
        _validate_article(article)
        await self._require_unpublished(article.issue_id)
        sets = ", ".join(f"{f}=?" for f in _ARTICLE_FIELDS if f != "id")
        count = await self._write(
            "edit article",
            f"UPDATE newspaper_articles SET {sets}, updated_at={NOW} WHERE id=?",
            (*(_db(getattr(article, f)) for f in _ARTICLE_FIELDS if f != "id"), article.id),
        )
        if count == 0:
            raise NotFound("article", article.id)
        return article

    async def delete_article(self, article_id: str) -> None:
        row = await self.sql.fetchone(
            "SELECT issue_id FROM newspaper_articles WHERE id=?", (article_id,)
        )
        if row is None:
            raise NotFound("article", article_id)
        await self._require_unpublished(row[0])
        await self._write(
            "delete article", "DELETE FROM newspaper_articles WHERE id=?", (article_id,)
        )

    async def articles_for(self, issue_id: str) -> list[NewspaperArticle]:
        rows = await self.sql.fetchall(
            f"SELECT {_ARTICLE_COLS} FROM newspaper_articles WHERE issue_id=? ORDER BY position, id",
            (issue_id,),
        )
        return [_article(r) for r in rows]

    async def used_rumor_ids(self) -> set[str]:
        """Rumors already used by an earlier issue are not proposed again (§10.1)."""
        rows = await self.sql.fetchall(
            "SELECT DISTINCT related_rumor_id FROM newspaper_articles WHERE related_rumor_id IS NOT NULL"
        )
        return {r[0] for r in rows}

    # -- added for the newspaper service (migration 0005) -----------------------------------

    async def get_article(self, article_id: str) -> NewspaperArticle:
        row = await self.sql.fetchone(
            f"SELECT {_ARTICLE_COLS} FROM newspaper_articles WHERE id=?", (article_id,)
        )
        if row is None:
            raise NotFound("article", article_id)
        return _article(row)

    async def find_issue_by_number(self, issue_number: int) -> NewspaperIssue | None:
        row = await self.sql.fetchone(
            f"SELECT {_ISSUE_COLS} FROM newspaper_issues WHERE issue_number=?", (issue_number,)
        )
        return None if row is None else _issue(row)

    async def update_issue_stamp(
        self, issue_id: str, publication_date: str, turn_number: int | None
    ) -> None:
        """The date and turn an unpublished issue will carry (refreshed when it is published)."""
        check_nonempty("publication date", publication_date)
        if turn_number is not None:
            check_int("turn", turn_number, 1)
        await self._require_unpublished(issue_id)
        await self._write(
            "restamp issue",
            "UPDATE newspaper_issues SET publication_date=?, turn_number=?, "
            f"updated_at={NOW} WHERE id=?",
            (publication_date, turn_number, issue_id),
        )

    async def set_needs_rewrite(self, article_ids: Sequence[str], needs_rewrite: bool) -> int:
        """Flag drafts the GM must rewrite before publishing ([D-33]); returns rows changed."""
        return await self._write_many(
            "flag articles",
            "UPDATE newspaper_articles SET needs_rewrite=?, "
            f"updated_at={NOW} WHERE id=? AND needs_rewrite<>?",
            [(b(needs_rewrite), a, b(needs_rewrite)) for a in article_ids],
        )

    async def needs_rewrite_ids(self, issue_id: str) -> set[str]:
        rows = await self.sql.fetchall(
            "SELECT id FROM newspaper_articles WHERE issue_id=? AND needs_rewrite=1", (issue_id,)
        )
        return {r[0] for r in rows}

    async def record_distribution(
        self, issue_id: str, faction_ids: Sequence[str], turn_number: int | None, at: str
    ) -> int:
        """One row per faction; the issue must already be published (a trigger checks)."""
        return await self._write_many(
            "distribute issue",
            "INSERT INTO newspaper_distribution (issue_id, faction_id, turn_number, distributed_at) "
            "VALUES (?, ?, ?, ?)",
            [(issue_id, f, turn_number, at) for f in faction_ids],
            entity="distribution",
        )

    async def distribution_for(self, issue_id: str) -> list[Distribution]:
        rows = await self.sql.fetchall(
            "SELECT issue_id, faction_id, turn_number, distributed_at FROM newspaper_distribution "
            "WHERE issue_id=? ORDER BY faction_id",
            (issue_id,),
        )
        return [Distribution(*r) for r in rows]


def _db(value: object) -> object:
    return int(value) if isinstance(value, bool) else value
