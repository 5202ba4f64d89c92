"""What each delivery says, written to the outbox with the turn's results.

Payloads are self-contained JSON (names included) so a delivery can be sent, or
re-sent, long after the turn without reading live state. One outbox row per
recipient with a dedupe key: a resumed turn never queues the same thing twice.
Only the player half of a monitoring report ever enters a faction's payload.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from typing import Any

from bot.rules import model as rm
from bot.rules.monitoring import player_view
from db import records as dbr
from db.uow import UnitOfWork

SUCCESS_TIERS = {"success", "critical_success"}


def names_of(board: rm.Board) -> dict[str, dict[str, str]]:
    return {
        "factions": {f.id: f.name or f.id for f in board.factions.values()},
        "districts": {d.id: d.name or d.id for d in board.districts.values()},
    }


async def fan_out(
    uow: UnitOfWork, turn: int, kind: str, faction_id: str, payload: dict[str, Any], key: str = ""
) -> list[dbr.NewDelivery]:
    """One row per member of the faction; with no member, its private channel (or a row the
    delivery worker reports as undeliverable until someone joins)."""
    base = f"T{turn}:{kind}:{faction_id}:{key}"
    members = await uow.settings.members_of(faction_id)
    if members:
        return [
            dbr.NewDelivery(
                turn_number=turn,
                kind=kind,
                recipient_type="user",
                recipient_id=m.user_id,
                faction_id=faction_id,
                dedupe_key=f"{base}:user:{m.user_id}",
                payload=payload,
            )
            for m in sorted(members, key=lambda m: m.user_id)
        ]
    channel = await uow.settings.faction_channel(faction_id)
    return [
        dbr.NewDelivery(
            turn_number=turn,
            kind=kind,
            recipient_type="channel" if channel else "faction",
            recipient_id=channel,
            faction_id=faction_id,
            dedupe_key=f"{base}:{'channel' if channel else 'faction'}",
            payload=payload,
        )
    ]


async def to_gm(
    uow: UnitOfWork, turn: int, kind: str, payload: dict[str, Any]
) -> list[dbr.NewDelivery]:
    settings = await uow.settings.get()
    channel = settings.gm_channel_id
    return [
        dbr.NewDelivery(
            turn_number=turn,
            kind=kind,
            recipient_type="channel" if channel else "faction",
            recipient_id=channel,
            faction_id=None,
            dedupe_key=f"T{turn}:{kind}:gm",
            payload=payload,
        )
    ]


async def orders_open_notice(uow: UnitOfWork, turn: int) -> list[dbr.NewDelivery]:
    """A public word in the news channel that a turn's orders are open (no secret in it)."""
    settings = await uow.settings.get()
    if settings.news_channel_id is None:
        return []
    return [
        dbr.NewDelivery(
            turn_number=turn,
            kind="notice",
            recipient_type="channel",
            recipient_id=settings.news_channel_id,
            dedupe_key=f"T{turn}:notice:orders_open",
            payload={
                "kind": "notice",
                "notice": "orders_open",
                "turn": turn,
                "campaign": settings.campaign_name,
            },
        )
    ]


def legendary_intel(
    turn: int, intel: dbr.PendingIntel, found: dict[str, Any] | None, names: Any
) -> dict[str, Any]:
    return {
        "kind": "legendary_intel",
        "turn": turn,
        "faction": {"id": intel.faction_id, "name": names.faction(intel.faction_id)},
        "names": names.to_json(),
        "district_id": intel.district_id,
        "intel": found,
    }


def _result(
    order: dbr.Order,
    outcomes: dict[tuple[str, str], str | None],
    names: Any,
    no_opposition: Collection[tuple[str, str]] = (),
) -> dict:
    tier = order.outcome_tier
    action_tier = tier if tier in {*SUCCESS_TIERS, "failure", "critical_failure"} else None
    outcome = outcomes.get((order.conflict_id, order.faction_id)) if order.conflict_id else None
    if order.forfeited:
        status = "forfeited"
    elif outcome == "loss":
        status = "lost"
    elif order.action_type == "monitor":
        status = "applied"
    elif (order.piece_type, order.piece_id) in no_opposition:
        status = "no_opposition"  # triggered, but the target had no piece there [D-12]
    else:
        status = "applied" if tier in SUCCESS_TIERS else "failed"
    pool_exhausted = (
        order.action_type == "gain_influence"
        and status == "applied"
        and order.influence_gained == 0
    )
    return {
        "piece": f"{order.piece_type}:{order.piece_id}",
        "piece_name": names.get(order.piece_id, order.piece_id),
        "piece_type": order.piece_type,
        "faction_id": order.faction_id,
        "district_id": order.district_id,
        "action": order.action_type,
        "target_faction_id": order.target_faction_id,
        "description": order.description,
        "status": status,
        "dc": order.dc,
        "total": order.final_total,
        "tier": action_tier,
        "monitoring_tier": None if action_tier else tier,
        "influence_gained": order.influence_gained,
        "influence_lost": order.influence_lost,
        "target_gained": order.target_gained,
        "target_lost": order.target_lost,
        "pool_exhausted": pool_exhausted,
        "conflict_id": order.conflict_id,
        "conflict_outcome": outcome,
        "note": order.gm_notes or "",
    }


async def _piece_names(uow: UnitOfWork) -> dict[str, str]:
    return {p.id: p.name for p in await uow.pieces.list_all()}


async def _conflict_outcomes(uow: UnitOfWork, turn: int) -> dict[tuple[str, str], str | None]:
    outcomes: dict[tuple[str, str], str | None] = {}
    for c in await uow.conflicts.list_for_turn(turn):
        special = c.resolution is not None and c.resolution.resolution_type == "special"
        for f in c.factions:
            outcomes[(c.id, f.faction_id)] = "special" if special else f.outcome
    return outcomes


async def conflict_report(uow: UnitOfWork, turn: int, board: rm.Board) -> dict[str, Any]:
    """The GM's view of every conflict of the turn (§6.6)."""
    orders = {(o.piece_type, o.piece_id): o for o in await uow.orders.list_for_turn(turn)}
    conflicts = await uow.conflicts.list_for_turn(turn)
    return {
        "kind": "conflict_report",
        "turn": turn,
        "names": names_of(board),
        "conflicts": [conflict_view(c, orders) for c in conflicts],
        "piece_names": await _piece_names(uow),
    }


def conflict_view(c: dbr.Conflict, orders: dict[tuple[str, str], dbr.Order]) -> dict[str, Any]:
    pieces = []
    for p in c.pieces:
        o = orders.get((p.piece_type, p.piece_id))
        pieces.append(
            {
                "piece": f"{p.piece_type}:{p.piece_id}",
                "faction_id": p.faction_id,
                "participation": p.participation_type,
                "action": p.original_action_type,
                "target_faction_id": o.target_faction_id if o else None,
                "description": o.description if o else "",
                "dc": o.dc if o else None,
                "total": p.roll_result,
                "tier": p.outcome_tier,
                "conflict_penalty": p.conflict_penalty,
                "ruling": p.ruling,
            }
        )
    return {
        "id": c.id,
        "district_id": c.district_id,
        "type": c.conflict_type,
        "detection_source": c.detection_source,
        "status": c.resolution_status,
        "factions": [
            {"faction_id": f.faction_id, "role": f.role, "outcome": f.outcome} for f in c.factions
        ],
        "pieces": pieces,
        "resolution": None
        if c.resolution is None
        else {
            "resolution_type": c.resolution.resolution_type,
            "notes": c.resolution.resolution_notes,
            "resolved_by": c.resolution.resolved_by,
        },
    }


async def turn_deliveries(
    uow: UnitOfWork,
    turn: int,
    board: rm.Board,
    no_opposition: Collection[tuple[str, str]] = (),
) -> list[dbr.NewDelivery]:
    """Phase 13: each faction's report and results, and the GM's summary.

    ``no_opposition``: (piece type, id) of initiate-conflict orders that triggered but
    found no target piece in the district (§4.8), so their result says so.
    """
    names = names_of(board)
    piece_names = await _piece_names(uow)
    outcomes = await _conflict_outcomes(uow, turn)
    orders = await uow.orders.list_for_turn(turn)
    results_by_faction: dict[str, list[dict]] = defaultdict(list)
    for o in sorted(orders, key=lambda o: (o.faction_id, o.piece_type, o.piece_id)):
        results_by_faction[o.faction_id].append(_result(o, outcomes, piece_names, no_opposition))
    reports_by_faction: dict[str, list[dbr.MonitoringReport]] = defaultdict(list)
    for r in await uow.reports.for_turn(turn):
        reports_by_faction[r.faction_id].append(r)
    decay = await uow.history.decay_for_turn(turn)
    decay_by_faction: dict[str, list[dict]] = defaultdict(list)
    for d in decay:
        decay_by_faction[d.faction_id].append(
            {"district_id": d.district_id, "change": d.influence_change}
        )
    settings = await uow.settings.get()
    campaign = settings.campaign_name
    deliveries: list[dbr.NewDelivery] = []
    for faction in sorted(board.factions.values(), key=lambda f: f.id):
        payload = {
            "kind": "faction_report",
            "turn": turn,
            "campaign": campaign,
            "faction": {"id": faction.id, "name": faction.name, "color": faction.color},
            "names": names,
            "reports": [
                {"district_id": r.district_id, "report": player_view(r.report)}
                for r in sorted(reports_by_faction[faction.id], key=lambda r: r.district_id)
            ],
            "results": results_by_faction[faction.id],
            "decay": decay_by_faction[faction.id],
        }
        deliveries += await fan_out(uow, turn, "faction_report", faction.id, payload)
    summary = {
        "kind": "gm_summary",
        "turn": turn,
        "campaign": campaign,
        "names": names,
        "decay": [
            {"district_id": d.district_id, "faction_id": d.faction_id, "change": d.influence_change}
            for d in decay
        ],
        "actions": [r for f in sorted(results_by_faction) for r in results_by_faction[f]],
        "conflicts": [
            {
                "id": c.id,
                "district_id": c.district_id,
                "resolution_type": c.resolution.resolution_type if c.resolution else None,
                "notes": c.resolution.resolution_notes if c.resolution else None,
            }
            for c in await uow.conflicts.list_for_turn(turn)
        ],
        "rumors_discovered": [
            {"faction_id": k.faction_id, "rumor_id": k.rumor_id}
            for k in await uow.factions.known_rumors()
            if k.discovered_on == turn
        ],
        "reports": {f: len(rs) for f, rs in sorted(reports_by_faction.items())},
        "influence": _influence_table(board),
    }
    deliveries += await to_gm(uow, turn, "gm_summary", summary)
    return deliveries


def _influence_table(board: rm.Board) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = defaultdict(dict)
    for (d, f), v in sorted(board.influence.items()):
        if v:
            table[d][f] = v
    return dict(table)
