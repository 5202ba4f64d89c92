"""Monitoring: sources, passive rolls and intelligence reports (RULES.md §8, §9).

Pure functions over ``Board`` snapshots. ``build_reports`` is what phase 10 calls:
one report per (faction, district) with at least one source, in canonical order,
each drawn from its own ``report`` stream so reports never depend on each other.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from bot.rules.model import Board, Faction, MonitoringTier, Order, monitoring_tier
from bot.rules.monitoring_draws import (
    adjust_to_cap,
    discover_modifier,
    discover_rumors,
    draw_bias_mode,
    draw_changes,
    draw_confidence,
    draw_legendary_benefit,
    draw_phantoms,
    draw_relationship_benefit,
    read_faction,
)
from bot.rules.monitoring_report import (
    ConflictEffect,
    LegendaryIntel,
    ModifierReading,
    MonitoringReport,
    MonitoringSource,
    RelationshipIntel,
    ReportedChange,
    ReportedFaction,
    Rumor,
    SourceKind,
    player_view,
    source_order,
)
from bot.rules.monitoring_tables import CHANGE_RULES, CONFIDENCE_BASE
from bot.rules.rng import d20, pick, stream

__all__ = [
    "PASSIVE_MIN_INFLUENCE",
    "ConflictEffect",
    "History",
    "LegendaryIntel",
    "ModifierReading",
    "MonitoringReport",
    "MonitoringSource",
    "RelationshipIntel",
    "ReportedChange",
    "ReportedFaction",
    "Rumor",
    "SourceKind",
    "apply_conflict_effects",
    "build_report",
    "build_reports",
    "passive_roll",
    "passive_sources",
    "pick_legendary_intel",
    "player_view",
    "source_order",
]

PASSIVE_MIN_INFLUENCE = 4

History = Mapping[int, Mapping[tuple[str, str], int]]
"""End-of-turn influence snapshots ``{turn: {(district, faction): value}}``; turn 0 = start."""


# Sources (§8.1) ---------------------------------------------------------------------


def passive_roll(
    seed: int, turn: int, faction: Faction, district_id: str, influence: int
) -> int | None:
    """d20 + floor(I/2) + monitoring bonus [D-5, D-46]; None below influence 4 (no draw)."""
    if influence < PASSIVE_MIN_INFLUENCE:
        return None
    roll = d20(stream(seed, turn, "passive", faction.id, district_id))
    return roll + influence // 2 + faction.monitoring_bonus


def passive_sources(seed: int, turn: int, board: Board) -> list[MonitoringSource]:
    """Every passive source of the turn, sorted by (faction, district)."""
    sources = []
    for (district_id, faction_id), influence in board.influence.items():
        if influence < PASSIVE_MIN_INFLUENCE:
            continue
        faction = board.factions.get(faction_id, Faction(faction_id))
        total = passive_roll(seed, turn, faction, district_id, influence)
        assert total is not None
        sources.append(MonitoringSource.passive(faction_id, district_id, total))
    return sorted(sources, key=lambda s: (s.faction_id, s.district_id))


def apply_conflict_effects(
    sources: Iterable[MonitoringSource], effects: Mapping[str, ConflictEffect]
) -> list[MonitoringSource]:
    """§6.7 / §8.1 on piece sources keyed by source id: suppressed ones vanish (loss, or a
    special "fail"), the rest get their penalty (a draw's −2). Passive sources are immune."""
    result = []
    for source in sources:
        effect = effects.get(source.source_id)
        if effect is None or source.kind is SourceKind.PASSIVE:
            result.append(source)
        elif not effect.suppressed:
            result.append(replace(source, total=source.total + effect.penalty))
    return result


# Reports (§8.2–§8.15) ----------------------------------------------------------------


@dataclass(frozen=True)
class _DistrictView:
    """What every report on one district shares, computed once per district."""

    district_id: str
    influence: dict[str, int]  # holders with ≥ 1, by faction id
    strongholds: frozenset[str]
    near: frozenset[str]  # factions with ≥ 1 in an adjacent district
    rumors: tuple[Rumor, ...]  # this district's, by id
    weekly_modifier: int


def _holders(board: Board) -> dict[str, dict[str, int]]:
    by_district: dict[str, dict[str, int]] = defaultdict(dict)
    for (district_id, faction_id), value in board.influence.items():
        if value >= 1:
            by_district[district_id][faction_id] = value
    return by_district


def _district_view(
    board: Board,
    district_id: str,
    holders: Mapping[str, Mapping[str, int]],
    strongholds: Mapping[str, set[str]],
    rumors: Sequence[Rumor],
    weekly_modifier: int | None,
) -> _DistrictView:
    district = board.districts.get(district_id)
    adjacent = district.adjacent if district else frozenset()
    near: set[str] = set()
    for other in adjacent:
        near.update(holders.get(other, ()))
    here = holders.get(district_id, {})
    return _DistrictView(
        district_id=district_id,
        influence={f: here[f] for f in sorted(here)},
        strongholds=frozenset(strongholds.get(district_id, ())),
        near=frozenset(near),
        rumors=tuple(sorted(rumors, key=lambda r: r.id)),
        weekly_modifier=(
            weekly_modifier
            if weekly_modifier is not None
            else (district.weekly_modifier if district else 0)
        ),
    )


def _true_changes(
    history: History, turn: int, district_id: str, faction_id: str, now: int, turns: int
) -> list[tuple[int, int]]:
    """(turn, net change) newest first, for turns whose two snapshots exist (§8.11)."""
    key = (district_id, faction_id)
    changes = []
    later = now
    for back in range(turns):
        earlier_snapshot = history.get(turn - back - 1)
        if earlier_snapshot is None:
            break
        earlier = int(earlier_snapshot.get(key, 0))
        changes.append((turn - back, later - earlier))
        later = earlier
    return changes


def _build(
    seed: int,
    turn: int,
    faction_id: str,
    view: _DistrictView,
    sources: Sequence[MonitoringSource],
    board: Board,
    faction_ids: Sequence[str],
    history: History,
    known_rumor_ids: Iterable[str],
) -> MonitoringReport:
    district_id = view.district_id
    ordered = tuple(sorted(sources, key=source_order))
    if not ordered:
        raise ValueError("a report needs at least one source")
    for source in ordered:
        if source.faction_id != faction_id or source.district_id != district_id:
            raise ValueError(f"source {source.source_id} is not {faction_id} in {district_id}")
    best = max(s.total for s in ordered)
    tier = monitoring_tier(best)
    rng = stream(seed, turn, "report", faction_id, district_id)

    # 1-2. bias mode, then each other holder in id order.
    mode = draw_bias_mode(rng, tier)
    entries: list[ReportedFaction] = []
    for other, value in view.influence.items():
        if other == faction_id:
            continue
        reading = read_faction(rng, tier, best, other, value, other in view.strongholds, mode)
        if reading is not None:
            entries.append(reading)
    # 3. phantoms among factions holding nothing here.
    candidates = [f for f in faction_ids if f != faction_id and f not in view.influence]
    phantoms = draw_phantoms(rng, tier, best, candidates, view.near, view.strongholds)
    if phantoms:
        entries = sorted(entries + phantoms, key=lambda e: e.faction_id)
    # 4. cap of 10, own value untouched [D-23].
    own = view.influence.get(faction_id, 0)
    removed = adjust_to_cap(rng, own, entries)
    # 5. recent changes of the real factions still in the report.
    changes: list[ReportedChange] = []
    rule = CHANGE_RULES.get(tier)
    if rule is not None:
        covered = [e.faction_id for e in entries if not e.phantom]
        true_changes = {
            f: _true_changes(history, turn, district_id, f, view.influence.get(f, 0), rule.turns)
            for f in covered
        }
        changes = draw_changes(rng, tier, covered, true_changes)
    # 6-8. modifier, confidence, special benefit.
    modifier = discover_modifier(rng, tier, view.weekly_modifier)
    base = CONFIDENCE_BASE[tier]
    confidence = draw_confidence(rng, best, base)
    legendary = tier is MonitoringTier.LEGENDARY and draw_legendary_benefit(rng)
    relationship = None
    if tier is MonitoringTier.EXCEPTIONAL:
        relationship = draw_relationship_benefit(
            rng, faction_id, faction_ids, list(view.influence), board.relationships
        )

    known = set(known_rumor_ids)
    found, found_ids = _rumors_for_sources(seed, turn, district_id, ordered, view.rumors, known)
    return MonitoringReport(
        turn=turn,
        faction_id=faction_id,
        district_id=district_id,
        sources=ordered,
        best_total=best,
        tier=tier,
        own_influence=own,
        own_stronghold=faction_id in view.strongholds,
        factions=tuple(entries),
        removed_by_cap=tuple(removed),
        bias_mode=mode.value if mode else None,
        changes=tuple(changes),
        true_modifier=view.weekly_modifier,
        modifier=modifier,
        confidence_base=base,
        confidence=confidence,
        legendary_intel_earned=legendary,
        relationship_intel=relationship,
        discovered_rumors=tuple(sorted(found, key=lambda r: r.id)),
        known_rumors=tuple(r for r in view.rumors if r.id in known and r.id not in found_ids),
        true_influence=dict(view.influence),
        true_strongholds=tuple(sorted(view.strongholds)),
    )


def _rumors_for_sources(
    seed: int,
    turn: int,
    district_id: str,
    sources: Sequence[MonitoringSource],
    rumors: Sequence[Rumor],
    known: set[str],
) -> tuple[list[Rumor], set[str]]:
    """§8.13 per source in canonical source order (``source_order``: agents, squadrons, then
    the passive source [M-2]); a source with nothing beaten draws nothing."""
    found: list[Rumor] = []
    found_ids: set[str] = set()
    for source in sources:
        available = [
            r
            for r in rumors
            if r.id not in known and r.id not in found_ids and source.total >= r.discovery_dc
        ]
        if not available:
            continue
        rng = stream(seed, turn, "rumor", source.source_id, district_id)
        for rumor in discover_rumors(rng, source.total, available):
            found.append(rumor)
            found_ids.add(rumor.id)
    return found, found_ids


def _strongholds(board: Board) -> dict[str, set[str]]:
    by_district: dict[str, set[str]] = defaultdict(set)
    for district_id, faction_id in board.strongholds:
        by_district[district_id].add(faction_id)
    return by_district


def build_report(
    seed: int,
    turn: int,
    faction_id: str,
    district_id: str,
    sources: Sequence[MonitoringSource],
    board: Board,
    history: History,
    known_rumor_ids: Iterable[str] = (),
    rumors: Iterable[Rumor] = (),
    weekly_modifier: int | None = None,
) -> MonitoringReport:
    """One report (§8.15). ``weekly_modifier`` overrides the board's district value;
    ``rumors`` may hold every district's rumors (others are ignored)."""
    here = [r for r in rumors if r.district_id == district_id]
    view = _district_view(
        board, district_id, _holders(board), _strongholds(board), here, weekly_modifier
    )
    return _build(
        seed,
        turn,
        faction_id,
        view,
        sources,
        board,
        _faction_ids(board),
        history,
        known_rumor_ids,
    )


def _faction_ids(board: Board) -> list[str]:
    """Every faction the rules know: the roster plus any id holding influence."""
    return sorted(set(board.factions) | {f for _, f in board.influence})


def build_reports(
    seed: int,
    turn: int,
    sources: Iterable[MonitoringSource],
    board: Board,
    history: History,
    known_rumors: Mapping[str, Iterable[str]] | None = None,
    rumors: Iterable[Rumor] = (),
) -> list[MonitoringReport]:
    """Every report of the turn, in canonical (faction, district) order.

    ``known_rumors`` maps a faction to the rumor ids it knew before this turn.
    """
    grouped: dict[tuple[str, str], list[MonitoringSource]] = defaultdict(list)
    for source in sources:
        grouped[(source.faction_id, source.district_id)].append(source)
    holders = _holders(board)
    strongholds = _strongholds(board)
    rumors_by_district: dict[str, list[Rumor]] = defaultdict(list)
    for rumor in rumors:
        rumors_by_district[rumor.district_id].append(rumor)
    faction_ids = _faction_ids(board)
    known_rumors = known_rumors or {}
    views: dict[str, _DistrictView] = {}
    reports = []
    for faction_id, district_id in sorted(grouped):
        view = views.get(district_id)
        if view is None:
            view = _district_view(
                board, district_id, holders, strongholds, rumors_by_district[district_id], None
            )
            views[district_id] = view
        reports.append(
            _build(
                seed,
                turn,
                faction_id,
                view,
                grouped[(faction_id, district_id)],
                board,
                faction_ids,
                history,
                known_rumors.get(faction_id, ()),
            )
        )
    return reports


# Legendary benefit delivery (§8.11, [D-29]) ------------------------------------------


def pick_legendary_intel(
    seed: int,
    turn_earned: int,
    faction_id: str,
    district_id: str,
    next_turn_orders: Iterable[Order],
) -> LegendaryIntel | None:
    """One order of another faction's piece in the district, picked when next turn's
    orders close from the ``intel`` stream; None (no draw) if there is none."""
    candidates = sorted(
        (
            o
            for o in next_turn_orders
            if o.district_id == district_id and o.faction_id != faction_id
        ),
        key=lambda o: o.piece,
    )
    if not candidates:
        return None
    order = pick(stream(seed, turn_earned, "intel", faction_id, district_id), candidates)
    return LegendaryIntel(
        order.faction_id, order.piece.type, order.action.value, order.target_faction_id
    )
