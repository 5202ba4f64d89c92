"""Newspaper article proposals (RULES.md §10.1, [D-33]).

The paper prints subtle clues, never secrets: an article carries the rumor's
``newspaper_hint``, and a rumor without a usable hint yields a draft the GM must
rewrite. Picks come from the seeded newspaper stream, so a preview and the real
issue propose the same articles.
"""

from __future__ import annotations

import zlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.rules.rng import stream, weighted_pick

DEFAULT_ARTICLE_COUNT = 3
HEADLINE_LIMIT = 120
DEFAULT_SECTION = "Rumours & Whispers"

_HEADLINE_TEMPLATES: tuple[str, ...] = (
    "{district}: {rumor}?",
    "Whispers in {district}: {rumor}",
    "{district} Abuzz Over {rumor}",
    "What Is Happening in {district}? {rumor}",
)


@dataclass(frozen=True)
class NewspaperRumor:
    """What the newspaper needs to know about one rumor."""

    id: str
    district_id: str
    district_name: str
    name: str
    text: str
    newspaper_hint: str | None = None
    newspaper_weight: float = 1.0


@dataclass(frozen=True)
class ArticleProposal:
    section: str
    headline: str
    content: str
    contains_hint: bool
    related_rumor_id: str
    related_district_id: str
    needs_rewrite: bool

    @property
    def length(self) -> int:
        return len(self.content)


def candidate_rumors(
    rumors: Iterable[NewspaperRumor],
    known_by: Mapping[str, Collection[str]],
    all_faction_ids: Collection[str],
    used_rumor_ids: Collection[str],
) -> list[NewspaperRumor]:
    """Rumors some faction still does not know, with weight > 0, never printed before.

    Canonical id order, as the weighted draw requires. With no factions at all every
    rumor is (vacuously) known by every faction, so nothing is a candidate.
    """
    everyone = set(all_faction_ids)
    return sorted(
        (
            rumor
            for rumor in rumors
            if rumor.newspaper_weight > 0
            and rumor.id not in used_rumor_ids
            and not everyone <= set(known_by.get(rumor.id, ()))
        ),
        key=lambda rumor: rumor.id,
    )


def headline_for(rumor: NewspaperRumor) -> str:
    """A short headline from the district and rumor names; the template is chosen by a
    checksum of the rumor id so it is stable and draws nothing from the stream."""
    template = _HEADLINE_TEMPLATES[zlib.crc32(rumor.id.encode()) % len(_HEADLINE_TEMPLATES)]
    headline = " ".join(
        template.format(district=rumor.district_name.strip(), rumor=rumor.name.strip()).split()
    )
    if len(headline) > HEADLINE_LIMIT:
        headline = headline[: HEADLINE_LIMIT - 3].rstrip() + "..."
    return headline


def _usable_hint(rumor: NewspaperRumor) -> str | None:
    """The hint, unless it is missing, blank, or gives the rumor away verbatim."""
    hint = (rumor.newspaper_hint or "").strip()
    secret = rumor.text.strip()
    if not hint or (secret and secret.casefold() in hint.casefold()):
        return None
    return hint


def _draft_placeholder(rumor: NewspaperRumor) -> str:
    draft = (
        f"[DRAFT - the GM must rewrite this before publishing] Write a subtle clue about "
        f"a rumor in {rumor.district_name.strip()} without stating it outright."
    )
    secret = rumor.text.strip()
    if secret and secret.casefold() in draft.casefold():
        draft = "[DRAFT - the GM must rewrite this before publishing] Write a subtle clue."
    return draft


def make_proposal(rumor: NewspaperRumor) -> ArticleProposal:
    hint = _usable_hint(rumor)
    return ArticleProposal(
        section=DEFAULT_SECTION,
        headline=headline_for(rumor),
        content=hint if hint is not None else _draft_placeholder(rumor),
        contains_hint=hint is not None,
        related_rumor_id=rumor.id,
        related_district_id=rumor.district_id,
        needs_rewrite=hint is None,
    )


def propose_articles(
    seed: int,
    issue_number: int,
    rumors: Sequence[NewspaperRumor],
    known_by: Mapping[str, Collection[str]],
    all_faction_ids: Collection[str],
    used_rumor_ids: Collection[str],
    count: int = DEFAULT_ARTICLE_COUNT,
) -> list[ArticleProposal]:
    """Up to ``count`` proposals drawn by weight without replacement (§10.1).

    ``known_by`` maps rumor id -> ids of factions that know it. Each draw is one
    ``random()`` from ``stream(seed, "newspaper", issue_number)`` over the remaining
    candidates in id order.
    """
    remaining = candidate_rumors(rumors, known_by, all_faction_ids, used_rumor_ids)
    rng = stream(seed, "newspaper", issue_number)
    proposals: list[ArticleProposal] = []
    while remaining and len(proposals) < max(0, count):
        chosen = weighted_pick(rng, remaining, [r.newspaper_weight for r in remaining])
        remaining.remove(chosen)
        proposals.append(make_proposal(chosen))
    return proposals
