"""Five scripted turns on harbor_city: the rule invariants after every turn, and every
faction's delivered report holding only what that faction perceived (RULES.md §8.14).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from bot.rules.model import Outcome, Phase, PieceRef
from bot.rules.monitoring import player_view
from bot.rules.rulings import Ruling, SpecialChoice
from bot.services.orders import OrderService
from bot.services.turn import TurnService
from db import records as dbr
from db.database import Database
from tests.pipeline.conftest import GM, HARBOR_MEMBERS

# Turns 2-4 each hold a target conflict, which always triggers [D-15]: two factions at
# odds taking from the same third one in one district (2: Guild and House in the Bazaar;
# 3: the same pair in the docks, where the Order's almsmen back the House; 4: Syndicate
# and House on Lantern Row). Turn 1 counts on the seed for a Lantern Row brawl.
# (piece, action, district, extras). Extras: target, stats (attribute+skill or aptitude),
# dc (GM), manual (GM). Unlisted pieces stay off the board that turn (§2.1).
Script = list[tuple[str, str, str, dict[str, Any]]]
SCRIPT: dict[int, Script] = {
    1: [
        ("agent:odo-brask", "gain_influence", "grand_bazaar", {}),
        ("agent:serafine-quill", "monitor", "customs_house", {}),
        ("squadron:lamp-eyes", "monitor", "lantern_row", {"manual": 2}),
        ("agent:pell-lamplighter", "take_influence", "lantern_row", {"target": "brine_syndicate"}),
        ("agent:jory-sixfingers", "initiate_conflict", "lantern_row",
         {"target": "lantern_guild", "stats": ("finesse", "infiltration"), "dc": 12}),
        ("agent:mother-kettle", "monitor", "saltmarsh_docks", {}),
        ("squadron:eel-crew", "gain_influence", "saltmarsh_docks", {}),
        ("agent:maren-vell", "gain_influence", "temple_hill", {}),
        ("agent:hild-gravewarden", "monitor", "mourners_rise", {}),
        ("agent:aurel-valcourt", "gain_influence", "gilded_terraces", {}),
        ("agent:grey-lady", "monitor", "scholars_close", {}),
        ("agent:cassia-renn", "freeform", "old_town",
         {"stats": ("might", "combat"), "dc": 14, "description": "Duel the Guild's bravo"}),
    ],
    2: [
        ("agent:odo-brask", "take_influence", "grand_bazaar", {"target": "brine_syndicate"}),
        ("squadron:lantern-wardens", "monitor", "grand_bazaar", {}),
        ("agent:little-wren", "take_influence", "tanners_warren", {"target": "order_of_the_tide"}),
        ("squadron:warren-rats", "monitor", "tanners_warren", {}),
        ("agent:sister-cato", "monitor", "tanners_warren", {"manual": -1}),
        ("agent:dace-harrow", "gain_influence", "lighthouse_point", {}),
        ("squadron:choir-militant", "gain_influence", "temple_hill", {}),
        ("agent:brother-ansel", "gain_influence", "fishmarket", {}),
        ("agent:benedikt-orm", "take_influence", "grand_bazaar", {"target": "brine_syndicate"}),
        ("agent:serafine-quill", "monitor", "customs_house", {}),
        ("squadron:household-guard", "monitor", "gilded_terraces", {}),
        ("agent:ysolde-marr", "freeform", "old_town",
         {"stats": ("presence", "persuasion"), "dc": 10, "description": "Host a lantern feast"}),
    ],
    3: [
        ("agent:pell-lamplighter", "initiate_conflict", "saltmarsh_docks",
         {"target": "brine_syndicate", "stats": ("finesse", "infiltration"), "dc": 13}),
        ("squadron:porters-fellowship", "take_influence", "saltmarsh_docks",
         {"target": "brine_syndicate"}),
        ("agent:mother-kettle", "take_influence", "saltmarsh_docks", {"target": "lantern_guild"}),
        ("squadron:eel-crew", "monitor", "saltmarsh_docks", {}),
        ("squadron:gull-marines", "take_influence", "saltmarsh_docks", {"target": "brine_syndicate"}),
        ("squadron:almsmen", "monitor", "saltmarsh_docks", {}),
        ("agent:grey-lady", "monitor", "grand_bazaar", {"manual": 3}),
        ("agent:maren-vell", "monitor", "temple_hill", {}),
        ("agent:hild-gravewarden", "gain_influence", "mourners_rise", {}),
        ("agent:aurel-valcourt", "gain_influence", "gilded_terraces", {}),
    ],
    4: [
        ("squadron:lamp-eyes", "monitor", "saltmarsh_docks", {}),
        ("agent:jory-sixfingers", "take_influence", "lantern_row", {"target": "lantern_guild"}),
        ("agent:pell-lamplighter", "monitor", "lantern_row", {}),
        ("agent:little-wren", "gain_influence", "tanners_warren", {}),
        ("agent:sister-cato", "take_influence", "tanners_warren", {"target": "brine_syndicate"}),
        ("agent:odo-brask", "gain_influence", "grand_bazaar", {}),
        ("agent:benedikt-orm", "monitor", "customs_house", {}),
        ("agent:cassia-renn", "take_influence", "lantern_row", {"target": "lantern_guild"}),
        ("agent:ysolde-marr", "monitor", "old_town", {}),
        ("squadron:choir-militant", "monitor", "temple_hill", {}),
    ],
    5: [
        ("agent:serafine-quill", "monitor", "lantern_row", {"manual": 5}),
        ("agent:mother-kettle", "monitor", "grand_bazaar", {}),
        ("agent:brother-ansel", "monitor", "saltmarsh_docks", {}),
        ("agent:grey-lady", "monitor", "tanners_warren", {}),
        ("squadron:warren-rats", "gain_influence", "tanners_warren", {}),
        ("squadron:household-guard", "take_influence", "old_town", {"target": "lantern_guild"}),
        ("squadron:lantern-wardens", "gain_influence", "old_town", {}),
        ("agent:hild-gravewarden", "monitor", "customs_house", {}),
    ],
}  # fmt: skip
SUPPORT = {3: True, 4: True}  # Order of the Tide and House Valcourt back each other

PLAYER_KEYS = {"kind", "turn", "campaign", "faction", "names", "reports", "results", "decay"}
# Names only the GM section of a stored report uses (monitoring_report._gm_json).
GM_ONLY_KEYS = {
    "gm", "phantom", "true", "true_influence", "true_strongholds", "inverted",
    "stronghold_true", "stronghold_reported", "entries", "removed_by_cap", "bias_mode",
    "best_total", "sources", "dc_modifier_true", "confidence_true", "confidence_reported",
    "legendary_intel_earned",
}  # fmt: skip


async def give_orders(orders: OrderService, turn: int) -> None:
    for ref, action, district, extra in SCRIPT[turn]:
        kind, piece_id = ref.split(":")
        stats = extra.get("stats", ())
        await orders.submit(
            GM, kind, piece_id, action, district,
            target_faction_id=extra.get("target"),
            description=extra.get("description", f"{action} ordered on turn {turn}")
            if action in ("freeform", "initiate_conflict") else "",
            attribute=stats[0] if kind == "agent" and stats else None,
            skill=stats[1] if kind == "agent" and stats else None,
            aptitude=stats[0] if kind == "squadron" and stats else None,
        )  # fmt: skip
        if "dc" in extra:
            await orders.set_dc(GM, kind, piece_id, extra["dc"])
        if "manual" in extra:
            await orders.set_manual_modifier(GM, kind, piece_id, extra["manual"])
    flag = SUPPORT.get(turn, False)
    await orders.set_support(GM, "house_valcourt", flag, faction_id="order_of_the_tide")
    await orders.set_support(GM, "order_of_the_tide", flag, faction_id="house_valcourt")


def scripted_ruling(index: int, conflict: dbr.Conflict) -> Ruling:
    principals = sorted(f.faction_id for f in conflict.factions if f.role != "ally")
    match index % 4:
        case 0:
            return Ruling(
                {f: Outcome.WIN if f == principals[0] else Outcome.LOSS for f in principals}
            )
        case 1:
            return Ruling(dict.fromkeys(principals, Outcome.DRAW), notes="neither side yields")
        case 2:
            return Ruling(
                special={
                    PieceRef(p.piece_type, p.piece_id): SpecialChoice(
                        i % 2 == 0, -1 if i % 2 == 0 else 0
                    )
                    for i, p in enumerate(conflict.pieces)
                },
                notes="the watch breaks it up",
            )
        case _:
            return Ruling(
                {f: Outcome.WIN if f == principals[-1] else Outcome.LOSS for f in principals}
            )


async def snapshot_world(db: Database) -> dict[str, Any]:
    async with db.read() as uow:
        return {
            "influence": [(i.district_id, i.faction_id, i.value, i.has_stronghold)
                          for i in await uow.districts.list_influence()],
            "likeability": await uow.districts.list_likeability(),
            "relationships": sorted((await uow.factions.relationship_map()).items()),
            "rumors": {r.id: r.discovery_dc for r in await uow.districts.list_rumors()},
            "game": await uow.game.get(),
        }  # fmt: skip


def keys_in(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from keys_in(v)
    elif isinstance(value, list):
        for v in value:
            yield from keys_in(v)


def check_influence(rows: list[tuple[str, str, int, bool]], strongholds: set) -> None:
    """0..10 per faction, at most 10 per district, strongholds untouched [D-20]."""
    totals: dict[str, int] = defaultdict(int)
    for district, _faction, value, _stronghold in rows:
        assert 0 <= value <= 10
        totals[district] += value
    assert all(total <= 10 for total in totals.values()), totals
    assert {(d, f) for d, f, _v, s in rows if s} == strongholds


def check_invariants(before: dict[str, Any], after: dict[str, Any]) -> None:
    """Results never touch likeability or relationships; every rumor DC drops by 1, floor 0."""
    assert after["likeability"] == before["likeability"]
    assert after["relationships"] == before["relationships"]
    assert after["rumors"] == {r: max(0, dc - 1) for r, dc in before["rumors"].items()}


async def check_perception(db: Database, turn: int) -> int:
    """Every faction's report payload of ``turn``; returns how many were checked."""
    async with db.read() as uow:
        rows = [r for r in await uow.outbox.for_turn(turn) if r.kind == "faction_report"]
        stored = {(r.faction_id, r.district_id): r.report for r in await uow.reports.for_turn(turn)}
        sources = {(s.faction_id, s.district_id) for s in await uow.turns.sources(turn)}
        end = {
            (s.district_id, s.faction_id): s.value for s in await uow.history.snapshots(turn=turn)
        }
        acts = await uow.orders.list_for_turn(turn)
        decay = await uow.history.decay_for_turn(turn)
        factions = [f.id for f in await uow.factions.list_all()]
    by_faction: dict[str, list[dbr.Delivery]] = defaultdict(list)
    for row in rows:
        assert row.faction_id is not None and row.recipient_type == "user"
        by_faction[row.faction_id].append(row)
    assert {f: sorted(r.recipient_id for r in rs) for f, rs in by_faction.items()} == {
        f: sorted(HARBOR_MEMBERS[f]) for f in factions
    }
    for faction_id, deliveries in by_faction.items():
        payload = deliveries[0].payload
        assert all(d.payload == payload for d in deliveries)
        assert set(payload) == PLAYER_KEYS
        assert payload["faction"]["id"] == faction_id and payload["turn"] == turn
        assert not GM_ONLY_KEYS & set(keys_in(payload)), faction_id
        # Reports: exactly the districts where the faction had a source (§8.1), each the
        # player half of the stored report and nothing else.
        passive = {d for (d, f), v in end.items() if f == faction_id and v >= 4}
        watched = {d for f, d in sources if f == faction_id} | passive
        assert [r["district_id"] for r in payload["reports"]] == sorted(watched)
        for entry in payload["reports"]:
            full = stored[(faction_id, entry["district_id"])]
            assert entry["report"] == player_view(full)
            assert entry["report"]["own"]["influence"] == end.get(
                (entry["district_id"], faction_id), 0
            )
            shown = {f["faction_id"] for f in entry["report"]["factions"]}
            # Phantoms are listed like real factions (never flagged); undetected ones absent.
            assert shown == {e["faction_id"] for e in full["gm"]["entries"]}
            assert faction_id not in shown
        # Results: its own pieces only; decay: its own losses only.
        own = sorted(f"{o.piece_type}:{o.piece_id}" for o in acts if o.faction_id == faction_id)
        assert sorted(r["piece"] for r in payload["results"]) == own
        assert all(r["faction_id"] == faction_id for r in payload["results"])
        assert payload["decay"] == [
            {"district_id": d.district_id, "change": d.influence_change}
            for d in decay
            if d.faction_id == faction_id
        ]
    return len(by_faction)


async def test_five_scripted_turns_keep_the_rules_and_the_secrets(harbor: Database) -> None:
    db = harbor
    orders, turns = OrderService(db), TurnService(db)
    opened = await turns.advance("gm")
    assert opened.orders_opened and opened.turn == 1
    conflicts_seen = phantoms_seen = 0
    for turn in range(1, 6):
        # Decay ran when this turn's orders opened; everything else happens from here.
        before = await snapshot_world(db)
        await give_orders(orders, turn)
        result = await turns.advance("gm")
        if result.phase is Phase.CONFLICT_RESOLUTION:
            async with db.read() as uow:
                pending = await uow.conflicts.list_for_turn(turn)
            for index, conflict in enumerate(pending):
                await turns.rule(conflict.id, scripted_ruling(turn + index, conflict), "gm")
            conflicts_seen += len(pending)
            result = await turns.advance("gm")
        assert (result.turn, result.phase, result.completed_turn) == (
            turn + 1,
            Phase.ASSIGNMENT,
            turn,
        )
        after = await snapshot_world(db)
        # Compare with the board before next turn's decay: the end-of-turn snapshot.
        async with db.read() as uow:
            end = [(s.district_id, s.faction_id, s.value, s.has_stronghold)
                   for s in await uow.history.snapshots(turn=turn)]  # fmt: skip
            reports = await uow.reports.for_turn(turn)
        phantoms_seen += sum(e["phantom"] for r in reports for e in r.report["gm"]["entries"])
        strongholds = {(d, f) for d, f, _v, s in before["influence"] if s}
        check_influence(end, strongholds)  # the turn's end state
        check_influence(after["influence"], strongholds)  # and after next turn's decay
        check_invariants(before, after)
        assert await check_perception(db, turn) == 4
    assert conflicts_seen >= 4
    assert phantoms_seen >= 1  # so the no-phantom-flag check had something to hide
    async with db.read() as uow:
        kinds = await uow.sql.fetchall("SELECT DISTINCT resolution_type FROM conflict_resolutions")
        supporters = await uow.sql.fetchall(
            "SELECT a.forfeited FROM conflict_pieces p JOIN actions a ON a.id = p.original_action_id "
            "WHERE p.participation_type = 'ally_support'"
        )
    assert {k[0] for k in kinds} >= {"draw", "special"}
    assert supporters and all(row[0] == 1 for row in supporters)  # they forfeit [D-18]
