"""Article proposals: candidates, weighted draws without replacement, hints only."""

from __future__ import annotations

import math

from bot.rules.newspaper import (
    NewspaperRumor,
    candidate_rumors,
    propose_articles,
)
from bot.rules.rng import stream

FACTIONS = ("f1", "f2", "f3")


def rumor(rid: str, weight: float = 1.0, hint: str | None = "A clue.", **kw: str) -> NewspaperRumor:
    return NewspaperRumor(
        id=rid,
        district_id=kw.get("district_id", "docks"),
        district_name=kw.get("district_name", "The Docks"),
        name=kw.get("name", f"Rumor {rid}"),
        text=kw.get("text", f"The secret truth about {rid} is that the mayor smuggles gold."),
        newspaper_hint=hint,
        newspaper_weight=weight,
    )


def test_candidates_exclude_known_by_all_used_and_weightless() -> None:
    rumors = [rumor("r1"), rumor("r2"), rumor("r3", weight=0.0), rumor("r4"), rumor("r5")]
    known_by = {"r1": {"f1", "f2", "f3"}, "r2": {"f1", "f2"}}
    chosen = candidate_rumors(rumors, known_by, FACTIONS, used_rumor_ids={"r4"})
    assert [r.id for r in chosen] == ["r2", "r5"]


def test_proposals_never_include_excluded_rumors_across_many_seeds() -> None:
    rumors = [rumor("r1"), rumor("r2"), rumor("r3", weight=0.0), rumor("r4"), rumor("r5")]
    known_by = {"r1": set(FACTIONS)}
    for seed in range(200):
        proposals = propose_articles(seed, 4, rumors, known_by, FACTIONS, {"r4"}, count=3)
        ids = [p.related_rumor_id for p in proposals]
        assert sorted(ids) == ["r2", "r5"]  # only two candidates: both, once each


def test_draw_without_replacement_returns_distinct_rumors() -> None:
    rumors = [rumor(f"r{i:02d}", weight=1 + i) for i in range(10)]
    proposals = propose_articles(7, 1, rumors, {}, FACTIONS, set(), count=5)
    ids = [p.related_rumor_id for p in proposals]
    assert len(ids) == 5 and len(set(ids)) == 5


def test_first_pick_follows_the_rule_of_section_9() -> None:
    """First item in id order whose running weight exceeds random() * sum(w)."""
    rumors = [rumor("b", 2.0), rumor("a", 1.0), rumor("c", 5.0)]
    for seed in range(50):
        threshold = stream(seed, "newspaper", 3).random() * 8.0
        running, expected = 0.0, None
        for rid, weight in (("a", 1.0), ("b", 2.0), ("c", 5.0)):
            running += weight
            if running > threshold:
                expected = rid
                break
        first = propose_articles(seed, 3, rumors, {}, FACTIONS, set(), count=1)[0]
        assert first.related_rumor_id == expected


def test_higher_weight_is_proposed_proportionally_more_often() -> None:
    # p = 0.75; 3400 draws give 4 standard errors of 2.97 pp, so a 3-pp error fails.
    rumors = [rumor("heavy", 3.0), rumor("light", 1.0)]
    samples = 3400
    heavy = sum(
        propose_articles(seed, 1, rumors, {}, FACTIONS, set(), count=1)[0].related_rumor_id
        == "heavy"
        for seed in range(samples)
    )
    expected = 0.75
    standard_error = math.sqrt(expected * (1 - expected) / samples)
    assert abs(heavy / samples - expected) < 4 * standard_error


def test_same_seed_same_proposals_and_issue_number_matters() -> None:
    rumors = [rumor(f"r{i}", weight=1.0) for i in range(8)]
    first = propose_articles(99, 2, rumors, {}, FACTIONS, set())
    assert first == propose_articles(99, 2, list(reversed(rumors)), {}, FACTIONS, set())
    others = {
        tuple(p.related_rumor_id for p in propose_articles(99, n, rumors, {}, FACTIONS, set()))
        for n in range(3, 13)
    }
    assert len(others) > 1


def test_article_carries_the_hint_never_the_rumor_text() -> None:
    rumors = [rumor(f"r{i}", hint=f"Odd lights were seen near pier {i}.") for i in range(6)]
    for seed in range(30):
        for proposal in propose_articles(seed, 1, rumors, {}, FACTIONS, set()):
            source = next(r for r in rumors if r.id == proposal.related_rumor_id)
            assert proposal.content == source.newspaper_hint
            assert source.text not in proposal.content
            assert proposal.contains_hint and not proposal.needs_rewrite
            assert proposal.related_district_id == source.district_id


def test_rumor_without_hint_yields_a_draft_to_rewrite() -> None:
    secret = "The harbourmaster takes bribes from the Red Hand."
    proposals = propose_articles(1, 1, [rumor("r1", hint=None, text=secret)], {}, FACTIONS, set())
    assert len(proposals) == 1
    draft = proposals[0]
    assert draft.needs_rewrite and not draft.contains_hint
    assert "DRAFT" in draft.content and secret not in draft.content


def test_hint_that_repeats_the_secret_is_treated_as_missing() -> None:
    secret = "The bridge is mined."
    leaky = rumor("r1", hint=f"Readers report: {secret.upper()} Stay away.", text=secret)
    proposal = propose_articles(5, 1, [leaky], {}, FACTIONS, set())[0]
    assert proposal.needs_rewrite
    assert secret.casefold() not in proposal.content.casefold()


def test_headline_names_district_and_rumor_and_is_stable() -> None:
    source = rumor("r7", district_name="Temple Hill", name="The Silent Bell")
    first = propose_articles(3, 1, [source], {}, FACTIONS, set())[0]
    again = propose_articles(4, 9, [source], {}, FACTIONS, set())[0]
    assert "Temple Hill" in first.headline and "The Silent Bell" in first.headline
    assert first.headline == again.headline
    assert len(first.headline) <= 120
    assert first.length == len(first.content)


def test_no_factions_means_no_candidates_and_count_zero_means_none() -> None:
    assert propose_articles(1, 1, [rumor("r1")], {}, (), set()) == []
    assert propose_articles(1, 1, [rumor("r1")], {}, FACTIONS, set(), count=0) == []
