"""Hypothesis properties of whole reports over random boards and sources."""

from __future__ import annotations

import random
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.rules.model import Board, MonitoringTier
from bot.rules.monitoring import (
    MonitoringReport,
    MonitoringSource,
    ReportedFaction,
    SourceKind,
    build_report,
    build_reports,
)

from .helpers import make_board

FACTIONS = ["f1", "f2", "f3", "f4", "f5", "f6"]
DISTRICTS = ["d1", "d2", "d3"]
PLAYER_KEYS = {
    "turn",
    "faction_id",
    "district_id",
    "own",
    "factions",
    "recent_changes",
    "dc_modifier",
    "special_benefits",
    "rumors_discovered",
    "rumors_known",
    "confidence_rating",
}


@st.composite
def boards(draw: st.DrawFn) -> Board:
    influence = {}
    strongholds = set()
    for d in DISTRICTS:
        left = 10
        for f in draw(st.permutations(FACTIONS)):
            value = draw(st.integers(0, left))
            if value:
                influence[(d, f)] = value
                left -= value
            if draw(st.booleans()):
                strongholds.add((d, f))
    modifiers = {d: draw(st.integers(-2, 2)) for d in DISTRICTS}
    return make_board(
        influence,
        FACTIONS,
        adjacency={"d1": {"d2"}, "d2": {"d1", "d3"}, "d3": {"d2"}},
        strongholds=strongholds,
        modifiers=modifiers,
    )


sources_strategy = st.lists(
    st.tuples(
        st.sampled_from(FACTIONS),
        st.sampled_from(DISTRICTS),
        st.sampled_from(["agent:a", "agent:b", "squadron:s", "passive"]),
        st.integers(-15, 40),
    ),
    min_size=1,
    max_size=12,
    unique_by=lambda t: (t[0], t[1], t[2]),
)


def to_sources(raw: list[tuple[str, str, str, int]]) -> list[MonitoringSource]:
    out = []
    for faction, district, kind, total in raw:
        if kind == "passive":
            out.append(MonitoringSource.passive(faction, district, total))
        else:
            piece_kind = (
                SourceKind.AGENT if kind.startswith("agent") else SourceKind.SQUADRON_PRIMARY
            )
            out.append(MonitoringSource(f"{kind}-{faction}", faction, district, piece_kind, total))
    return out


HISTORY = {0: {}, 1: {("d1", "f1"): 3, ("d2", "f2"): 5}}


@settings(max_examples=120, deadline=None)
@given(boards(), sources_strategy, st.integers(0, 2**64 - 1))
def test_report_invariants(board: Board, raw: list, seed: int) -> None:
    sources = to_sources(raw)
    for rep in build_reports(seed, 2, sources, board, HISTORY):
        own = board.influence_of(rep.district_id, rep.faction_id)
        values = [e.value for e in rep.factions]
        assert own + sum(values) <= 10
        assert all(1 <= v <= 10 for v in values)
        assert rep.own_influence == own
        assert rep.faction_id not in {e.faction_id for e in rep.factions}
        assert 1 <= rep.confidence <= 10
        for e in rep.factions:
            true_value = board.influence_of(rep.district_id, e.faction_id)
            assert (true_value == 0) == e.phantom  # only holders or phantoms appear
        player = rep.to_json()["player"]
        assert set(player) == PLAYER_KEYS
        assert all(set(f) == {"faction_id", "influence", "stronghold"} for f in player["factions"])
        assert all(set(c) == {"faction_id", "turn", "change"} for c in player["recent_changes"])
        text = repr(player)
        for secret in ("phantom", "true", "tier", "best_total", "sources", "inverted", "bias"):
            assert secret not in text
        assert player["own"] == {
            "influence": own,
            "stronghold": board.has_stronghold(rep.district_id, rep.faction_id),
        }
        if rep.relationship_intel is not None:
            assert rep.tier.value == "exceptional"
        # Nothing of an undetected faction: only reported entries (real or phantom) are
        # listed, and changes only for listed real factions (§8.11 "in the report").
        listed = {f["faction_id"] for f in player["factions"]}
        assert listed == {e.faction_id for e in rep.factions}
        assert not listed & {e.faction_id for e in rep.removed_by_cap}
        real_listed = {e.faction_id for e in rep.factions if not e.phantom}
        assert {c["faction_id"] for c in player["recent_changes"]} <= real_listed
        assert player_section_ignores_gm_data(rep)


def player_section_ignores_gm_data(rep: MonitoringReport) -> bool:
    """The player half is the same whatever the GM-only data says: scrambling every true
    value, phantom flag, bias, tier, total, source and the true confidence changes nothing."""
    scrambled = replace(
        rep,
        sources=(),
        best_total=-999,
        tier=MonitoringTier.LEGENDARY,
        factions=tuple(
            ReportedFaction(
                e.faction_id,
                e.value,
                e.stronghold,
                77,
                not e.true_stronghold,
                not e.phantom,
                not e.inverted,
            )
            for e in rep.factions
        ),
        removed_by_cap=(ReportedFaction("ghost", 5, True, 5, True, True),),
        bias_mode="up",
        changes=tuple(replace(c, true_change=99) for c in rep.changes),
        true_modifier=42,
        confidence_base=0 if rep.confidence else 1,
        true_influence={"ghost": 9},
        true_strongholds=("ghost",),
    )
    return scrambled.to_json()["player"] == rep.to_json()["player"]


@settings(max_examples=60, deadline=None)
@given(boards(), sources_strategy, st.integers(0, 2**64 - 1), st.randoms(use_true_random=False))
def test_deterministic_and_order_independent(
    board: Board, raw: list, seed: int, shuffler: random.Random
) -> None:
    sources = to_sources(raw)
    first = [r.to_json() for r in build_reports(seed, 2, sources, board, HISTORY)]
    assert first == [r.to_json() for r in build_reports(seed, 2, sources, board, HISTORY)]
    shuffled_sources = list(sources)
    shuffler.shuffle(shuffled_sources)
    factions = list(board.factions.items())
    shuffler.shuffle(factions)
    influence = list(board.influence.items())
    shuffler.shuffle(influence)
    reordered = Board(
        factions=dict(factions),
        districts=board.districts,
        influence=dict(influence),
        strongholds=board.strongholds,
        relationships=board.relationships,
    )
    assert first == [
        r.to_json() for r in build_reports(seed, 2, shuffled_sources, reordered, HISTORY)
    ]
    for rep_json in first:
        faction, district = rep_json["player"]["faction_id"], rep_json["player"]["district_id"]
        mine = [s for s in shuffled_sources if (s.faction_id, s.district_id) == (faction, district)]
        assert (
            build_report(seed, 2, faction, district, mine, reordered, HISTORY).to_json() == rep_json
        )
