"""What one played turn writes, value by value (issue 6, "Results written").

The turn: the conflict of ``helpers.submit_conflict_turn`` ruled a red win, red's agent
gaining in the docks, grey watching its palace with a GM +10 (three rumors there) and
blue's squadron gaining in the temple. Expected values come from RULES.md's formulas
and the seeded streams (§9), computed here independently of the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from bot.rules import model as rm
from bot.rules import rng
from bot.rules.decay import resolve_decay
from bot.rules.monitoring import player_view
from bot.services import loader
from bot.services.orders import OrderService
from bot.services.turn import TurnService
from db import records as dbr
from tests.pipeline.conftest import CAMPAIGN_SEED, GM_CHANNEL
from tests.pipeline.helpers import CONFLICT_ID, RULINGS, submit_conflict_turn
from tests.services.conftest import MEMBERS, SeededCampaign

RUMORS = [
    dbr.Rumor("r-vault", "palace", "The vault is empty", 0, name="Empty Vault"),
    dbr.Rumor("r-heir", "palace", "The heir is a changeling", 14, name="Changeling Heir"),
    dbr.Rumor("r-crown", "palace", "The crown is paste", 60, name="Paste Crown"),
    dbr.Rumor("r-barge", "docks", "A barge of powder", 3, name="Powder Barge"),
]


@dataclass
class Played:
    start: rm.Board
    end: rm.Board  # after the advance (turn 2's decay included)
    acts: dict[str, dbr.Order]
    penalties: list[dbr.PenaltyAssignment]
    conflicts: list[dbr.Conflict]
    reports: dict[tuple[str, str], dbr.MonitoringReport]
    rumors: dict[str, dbr.Rumor]
    known: list[dbr.KnownRumor]
    snapshot1: dict[tuple[str, str], int]
    decay2: dict[tuple[str, str], int]
    history: list[dbr.HistoryEntry]
    outbox: list[dbr.Delivery]
    pieces: dict[str, dbr.Agent | dbr.Squadron]


async def play(c: SeededCampaign, orders: OrderService, turns: TurnService) -> Played:
    async with c.db.transaction() as uow:
        await uow.districts.create_rumors_many(RUMORS)
    await submit_conflict_turn(orders, c)
    await orders.submit(c.red, "agent", "a-red-1", "gain_influence", "docks")
    await orders.set_manual_modifier(c.gm, "agent", "a-grey-1", 10)
    async with c.db.read() as uow:
        start = await loader.load_board(uow)
    await turns.advance("gm-1")
    await turns.rule(CONFLICT_ID, RULINGS["loss"], "gm-1")  # red wins
    await turns.advance("gm-1")
    async with c.db.read() as uow:
        return Played(
            start=start,
            end=await loader.load_board(uow),
            acts={o.piece_id: o for o in await uow.orders.list_for_turn(1)},
            penalties=await uow.orders.list_penalties(1),
            conflicts=await uow.conflicts.list_for_turn(1),
            reports={(r.faction_id, r.district_id): r for r in await uow.reports.for_turn(1)},
            rumors={r.id: r for r in await uow.districts.list_rumors()},
            known=await uow.factions.known_rumors(),
            snapshot1={
                (s.district_id, s.faction_id): s.value for s in await uow.history.snapshots(turn=1)
            },
            decay2={
                (d.district_id, d.faction_id): d.influence_change
                for d in await uow.history.decay_for_turn(2)
            },
            history=await uow.history.for_turn(1),
            outbox=await uow.outbox.for_turn(1),
            pieces={p.id: p for p in await uow.pieces.list_all()},
        )


@pytest.fixture
async def played(campaign: SeededCampaign, orders: OrderService, turns: TurnService) -> Played:
    return await play(campaign, orders, turns)


def d20s(*parts: object) -> tuple[int, int]:
    stream = rng.stream(CAMPAIGN_SEED, *parts)
    return rng.d20(stream), rng.d20(stream)


def bonus(piece: dbr.Agent | dbr.Squadron, order: dbr.Order) -> int:
    if isinstance(piece, dbr.Agent):
        assert order.attribute_used and order.skill_used
        return piece.attribute(order.attribute_used) + piece.skill(order.skill_used)
    assert order.aptitude_used
    return piece.aptitude(order.aptitude_used)


# -- actions --------------------------------------------------------------------------------------


async def test_every_roll_is_d20_plus_stats_manual_and_enemy_penalty(played: Played) -> None:
    received: dict[str, int] = {}
    for p in played.penalties:
        received[p.target_piece_id] = received.get(p.target_piece_id, 0) + p.value
    assert received == {"a-red-2": -4, "a-green-1": -7}  # §5 from the seed; checked below
    for piece_id, order in played.acts.items():
        first, _second = d20s(1, "roll", f"{order.piece_type}:{piece_id}")
        piece = played.pieces[piece_id]
        assert order.enemy_penalty == received.get(piece_id, 0)
        expected = first + bonus(piece, order) + order.manual_modifier + order.enemy_penalty
        assert order.roll_result == expected, piece_id
    assert played.acts["a-grey-1"].manual_modifier == 10
    assert (played.acts["a-red-2"].manual_modifier, played.acts["a-green-1"].manual_modifier) == (
        10,
        10,
    )


async def test_dcs_tiers_and_conflict_flags(played: Played) -> None:
    acts = played.acts
    # §4.3/§4.4 by hand (see test_advance for market); docks: 11 - 2 (likeability)
    # - 1 (influence 3) - 2 (stronghold) + 1 (weekly) = 7; temple, blue: 11 + 3 = 14.
    assert {k: acts[k].dc for k in acts} == {
        "a-red-1": 7, "a-red-2": 16, "a-green-1": 15, "a-grey-1": None,
        "s-blue-1": 14, "s-red-1": None,
    }  # fmt: skip
    for order in acts.values():
        if order.dc is not None:
            assert order.outcome_tier == rm.action_tier(order.final_total, order.dc).value
        else:
            assert order.outcome_tier == rm.monitoring_tier(order.final_total).value
        in_it = order.piece_id in {"a-red-2", "a-green-1", "s-red-1"}
        assert (order.in_conflict, order.conflict_id) == (in_it, CONFLICT_ID if in_it else None)
        assert not order.forfeited
    assert acts["a-grey-1"].outcome_tier == "legendary"
    # The squadron that gained also watched, with disadvantage and no manual modifier (§3.1).
    low = min(d20s(1, "secondary", "squadron:s-blue-1"))
    blue_watch = played.pieces["s-blue-1"]
    assert isinstance(blue_watch, dbr.Squadron)
    [source] = played.reports[("blue", "temple")].report["gm"]["sources"]
    assert source["total"] == low + blue_watch.aptitude("monitoring")


async def test_influence_moves_exactly_as_the_orders_recorded(played: Played) -> None:
    moved: dict[tuple[str, str], int] = {}
    for o in played.acts.values():
        moved[(o.district_id, o.faction_id)] = moved.get((o.district_id, o.faction_id), 0) + (
            o.influence_gained - o.influence_lost
        )
        if o.target_faction_id:
            key = (o.district_id, o.target_faction_id)
            moved[key] = moved.get(key, 0) - o.target_lost + o.target_gained
    keys = set(played.start.influence) | set(moved) | set(played.snapshot1)
    for key in keys:
        assert played.snapshot1.get(key, 0) == played.start.influence_of(*key) + moved.get(key, 0)
    # Red's take (it won) moved a point from blue; red's docks gain and blue's temple gain
    # are what the seed gave them.
    assert moved[("market", "red")] == 1 and moved[("market", "blue")] == -1
    assert (played.acts["a-red-1"].influence_gained, played.acts["s-blue-1"].influence_gained) == (
        moved.get(("docks", "red"), 0),
        moved.get(("temple", "blue"), 0),
    )
    # Strongholds never change on their own [D-20]; the next turn's decay starts from here.
    assert played.end.strongholds == played.start.strongholds
    end_of_1 = rm.Board(
        played.start.factions,
        played.start.districts,
        {k: v for k, v in played.snapshot1.items() if v},
        played.start.strongholds,
    )
    assert played.decay2 == dict(resolve_decay(CAMPAIGN_SEED, 2, end_of_1).changes)
    for key, value in played.snapshot1.items():
        assert played.end.influence_of(*key) == value + played.decay2.get(key, 0)


async def test_conflict_records_carry_rolls_and_the_ruling(played: Played) -> None:
    [conflict] = played.conflicts
    assert (conflict.id, conflict.conflict_type, conflict.resolution_status) == (
        CONFLICT_ID,
        "target",
        "resolved",
    )
    assert conflict.detection_source == "target:green/red->blue"
    for p in conflict.pieces:
        order = played.acts[p.piece_id]
        assert (p.roll_result, p.original_action_type, p.original_action_id) == (
            order.roll_result,
            order.action_type,
            order.id,
        )
    tiers = {p.piece_id: p.outcome_tier for p in conflict.pieces}
    assert tiers == {"a-green-1": "failure", "a-red-2": "success", "s-red-1": "poor"}
    assert conflict.resolution is not None
    assert (
        conflict.resolution.resolution_type,
        conflict.resolution.resolved_by,
        conflict.resolution.resolution_notes,
    ) == ("loss", "gm-1", "red drives them out")


# -- the world: weekly modifiers, rumors, reports --------------------------------------------------


async def test_weekly_modifiers_take_one_seeded_step(played: Played) -> None:
    for district_id, district in played.start.districts.items():
        step = rng.walk_step(rng.stream(CAMPAIGN_SEED, 1, "walk", district_id))
        expected = max(-2, min(2, district.weekly_modifier + step))
        assert played.end.districts[district_id].weekly_modifier == expected, district_id


async def test_rumors_found_and_every_dc_down_by_one(played: Played) -> None:
    grey_total = played.acts["a-grey-1"].final_total
    # Beaten by 7 or more: found for sure (§8.13); the paste crown is out of reach.
    assert 14 + 7 <= grey_total < 60
    # Red's docks gain lifted it to 4 there: a passive source at phase 10 (§8.1), which
    # beats the powder barge's DC 3.
    assert played.acts["a-red-1"].influence_gained == 1
    assert {(k.faction_id, k.rumor_id, k.discovered_on) for k in played.known} == {
        ("grey", "r-vault", 1),
        ("grey", "r-heir", 1),
        ("red", "r-barge", 1),
    }
    assert {r.id: (r.discovery_dc, r.is_discovered) for r in played.rumors.values()} == {
        "r-vault": (0, True),  # floored at 0 [D-41]
        "r-heir": (13, True),
        "r-crown": (59, False),
        "r-barge": (2, True),
    }


async def test_monitoring_reports_hold_the_player_view_and_the_gm_truth(played: Played) -> None:
    assert set(played.reports) == {
        ("grey", "palace"),  # the agent and the passive source (grey holds 10)
        ("red", "slums"),  # red's squadron, on the winning side
        ("red", "docks"),  # red's passive: its gain made it 4 there
        ("blue", "temple"),  # blue's squadron's secondary monitoring
        ("green", "temple"),  # green's passive (5 there)
    }
    report = played.reports[("grey", "palace")]
    player, gm = report.report["player"], report.report["gm"]
    assert report.confidence_rating == player["confidence_rating"]
    assert 1 <= report.confidence_rating <= 10
    assert player["own"] == {"influence": 10, "stronghold": False}
    assert player["factions"] == []  # nobody else there; Legendary never shows phantoms
    assert sorted(r["id"] for r in player["rumors_discovered"]) == ["r-heir", "r-vault"]
    assert gm["tier"] == "legendary" and gm["true_influence"] == {"grey": 10}
    sources = {s["source_id"]: s["total"] for s in gm["sources"]}
    assert sources["agent:a-grey-1"] == played.acts["a-grey-1"].final_total
    assert gm["best_total"] == max(sources.values())
    secondary = played.reports[("blue", "temple")].report["gm"]["sources"]
    assert [(s["source_id"], s["kind"]) for s in secondary] == [
        ("squadron:s-blue-1", "squadron_secondary")
    ]


# -- the log and the deliveries ------------------------------------------------------------------


async def test_turn_history_reads_as_a_story(played: Played) -> None:
    lines = [(e.phase, e.action_description, e.result_description) for e in played.history]
    red = played.acts["a-red-2"]
    expected = [
        (
            "conflict_detection",
            "Conflict T1-market-1 in Market",
            "target: Green Hands, Red Company",
        ),
        (
            "conflict_detection",
            "Orders closed",
            "6 order(s), 4 enemy penalty assignment(s), 1 conflict(s)",
        ),
        ("action_roll", "Rolls", "6 action roll(s), 1 secondary monitoring roll(s)"),
        (
            "conflict_resolution",
            "Ruling recorded on conflict T1-market-1 in Market",
            "Green Hands loss, Red Company win (GM gm-1) — red drives them out",
        ),
        (
            "action_resolution",
            "Birch (Red Company): take influence against Blue Lanterns in Market",
            f"total {red.final_total} vs DC 16: success; +1, target -1",
        ),
        ("action_resolution", "Influence: Red Company in Market", "1 -> 2"),
        ("action_resolution", "Influence: Blue Lanterns in Market", "4 -> 3"),
        ("rumor_dc_update", "Rumor DCs", "3 rumor DC(s) -1"),  # the vault was at 0
        ("turn_completion", "Turn 1 complete", "6 delivery(ies) queued"),
    ]
    for line in expected:
        assert line in lines
    assert lines.index(expected[0]) < lines.index(expected[3]) < lines.index(expected[4])
    assert (
        "passive_monitoring",
        "Rumor discovered by Grey Council in Palace",
        "Changeling Heir (DC 14)",
    ) in lines


async def test_outbox_rows_for_every_member_and_the_gm(played: Played) -> None:
    rows = [(r.kind, r.faction_id, r.recipient_type, r.recipient_id) for r in played.outbox]
    members = sorted((f, u) for u, (f, _leader) in MEMBERS.items())
    assert sorted(rows) == sorted(
        [
            ("conflict_report", None, "channel", GM_CHANNEL),
            ("gm_summary", None, "channel", GM_CHANNEL),
        ]
        + [("faction_report", f, "user", u) for f, u in members]
    )
    assert len({r.dedupe_key for r in played.outbox}) == len(played.outbox)
    by_faction: dict[str, list[dict[str, Any]]] = {}
    for r in played.outbox:
        if r.kind == "faction_report":
            assert r.faction_id is not None
            by_faction.setdefault(r.faction_id, []).append(r.payload)
    for faction_id, payloads in by_faction.items():
        assert all(p == payloads[0] for p in payloads)  # every member gets the same report
        payload = payloads[0]
        own = sorted(
            (o for o in played.acts.values() if o.faction_id == faction_id),
            key=lambda o: (o.piece_type, o.piece_id),
        )
        assert [r["piece"] for r in payload["results"]] == [
            f"{o.piece_type}:{o.piece_id}" for o in own
        ]
        for result, order in zip(payload["results"], own, strict=True):
            assert (result["total"], result["dc"], result["influence_gained"]) == (
                order.final_total,
                order.dc,
                order.influence_gained,
            )
        assert payload["reports"] == [
            {"district_id": d, "report": player_view(played.reports[(f, d)].report)}
            for (f, d) in sorted(played.reports)
            if f == faction_id
        ]
    red_results = {r["piece"]: r for r in by_faction["red"][0]["results"]}
    assert (
        red_results["agent:a-red-2"]["status"],
        red_results["agent:a-red-2"]["conflict_outcome"],
    ) == (
        "applied",
        "win",
    )
    green_results = {r["piece"]: r for r in by_faction["green"][0]["results"]}
    assert green_results["agent:a-green-1"]["status"] == "lost"
    [summary] = [r.payload for r in played.outbox if r.kind == "gm_summary"]
    assert len(summary["actions"]) == len(played.acts)
    assert summary["rumors_discovered"] == [
        {"faction_id": "grey", "rumor_id": "r-heir"},
        {"faction_id": "grey", "rumor_id": "r-vault"},
        {"faction_id": "red", "rumor_id": "r-barge"},
    ]
    assert summary["influence"]["market"] == {"blue": 3, "red": 2}
    assert summary["conflicts"] == [
        {
            "id": CONFLICT_ID,
            "district_id": "market",
            "resolution_type": "loss",
            "notes": "red drives them out",
        }
    ]


async def test_an_initiated_conflict_without_opposition_says_so(
    campaign: SeededCampaign, orders: OrderService, turns: TurnService
) -> None:
    """§4.8 [D-12]: triggered, but grey has no piece in the docks."""
    await orders.submit(
        campaign.red, "agent", "a-red-1", "initiate_conflict", "docks",
        target_faction_id="grey", description="Raid the grey counting house",
        attribute="intellect", skill="infiltration",
    )  # fmt: skip
    await orders.set_dc(campaign.gm, "agent", "a-red-1", 5)
    await orders.set_manual_modifier(campaign.gm, "agent", "a-red-1", 10)
    result = await turns.advance("gm-1")
    assert result.phase is rm.Phase.ASSIGNMENT  # no conflict to rule
    lines = [(e.action_description, e.result_description) for e in result.history]
    assert ("Initiate conflict by agent:a-red-1", "no opposition found") in lines
    async with campaign.db.read() as uow:
        [row] = [r for r in await uow.outbox.for_turn(1) if r.recipient_id == 101]
        order = await uow.orders.get_for_piece(1, "agent", "a-red-1")
    [entry] = row.payload["results"]
    assert (entry["status"], entry["tier"], entry["conflict_id"]) == (
        "no_opposition",
        order.outcome_tier,
        None,
    )
    assert order.outcome_tier == "critical_success"
