"""Every d20 roll of RULES.md §3.1 except passive monitoring.

Draw layout (§9): action rolls draw two d20 from ``(turn, "roll", piece)`` even
without advantage, initiate rolls draw two d20 then the trigger chance from
``(turn, "initiate", piece)``, secondary monitoring two d20 from
``(turn, "secondary", piece)``. Keeping both d20 in the result lets the GM report
and the monitoring helper show exactly what was rolled.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from bot.rules import rng
from bot.rules.dc import gain_dc, take_dc
from bot.rules.model import (
    GM_DC_ACTIONS,
    ActionType,
    Agent,
    Board,
    District,
    MonitoringTier,
    Order,
    Piece,
    PieceRef,
    Squadron,
    Tier,
    action_tier,
    monitoring_tier,
)

INITIATE_TRIGGER_CHANCE: dict[Tier, int] = {
    Tier.CRITICAL_SUCCESS: 95,
    Tier.SUCCESS: 70,
    Tier.FAILURE: 0,
    Tier.CRITICAL_FAILURE: 0,
}


class InvalidOrder(ValueError):
    """An order that the assignment phase should never have let through."""


@dataclass(frozen=True)
class UsedStats:
    """The stat names a roll used (``actions.attribute_used/skill_used/aptitude_used``)."""

    attribute: str | None = None
    skill: str | None = None
    aptitude: str | None = None


@dataclass(frozen=True)
class ActionRoll:
    """One piece's action (or initiate) roll before any conflict penalty."""

    piece: PieceRef
    action: ActionType
    d20_first: int
    d20_second: int
    d20_kept: int
    stat_bonus: int
    manual: int
    enemy_penalty: int
    total: int
    dc: int | None
    tier: Tier | None
    used: UsedStats

    @property
    def monitoring_tier(self) -> MonitoringTier | None:
        """§8.3 tier for monitor orders (None for actions with a DC)."""
        return monitoring_tier(self.total) if self.dc is None else None


@dataclass(frozen=True)
class InitiateRoll:
    """The phase-4 initiate-conflict roll (§4.8) and whether it triggered a conflict."""

    roll: ActionRoll
    trigger_chance: int
    triggered: bool


@dataclass(frozen=True)
class SecondaryRoll:
    """Squadron secondary monitoring: min(d20, d20) + monitor aptitude + penalty (§3.1)."""

    piece: PieceRef
    d20_first: int
    d20_second: int
    d20_kept: int
    aptitude: str
    stat_bonus: int
    enemy_penalty: int
    total: int

    @property
    def monitoring_tier(self) -> MonitoringTier:
        return monitoring_tier(self.total)


@dataclass(frozen=True)
class PenalizedTotal:
    """A total after the phase-7 conflict penalty, with its recomputed tier (§6.7)."""

    total: int
    penalty: int
    tier: Tier | None
    monitoring_tier: MonitoringTier | None


def resolve_stats(order: Order, piece: Piece, district: District) -> UsedStats:
    """Which stats the roll uses: district preferences unless overridden, or the chosen ones."""
    is_agent = isinstance(piece, Agent)
    if order.action in GM_DC_ACTIONS:
        if is_agent and (order.attribute is None or order.skill is None):
            raise InvalidOrder(f"{order.action} by {piece.ref} needs an attribute and a skill")
        if not is_agent and order.aptitude is None:
            raise InvalidOrder(f"{order.action} by {piece.ref} needs an aptitude")
        if is_agent:
            return UsedStats(attribute=order.attribute, skill=order.skill)
        return UsedStats(aptitude=order.aptitude)
    if order.action is ActionType.MONITOR:
        attribute, skill = district.preferred_monitor_attribute, district.preferred_monitor_skill
        aptitude = district.preferred_monitor_squadron_aptitude
    else:
        attribute, skill = district.preferred_gain_attribute, district.preferred_gain_skill
        aptitude = district.preferred_gain_squadron_aptitude
    if is_agent:
        return UsedStats(attribute=order.attribute or attribute, skill=order.skill or skill)
    return UsedStats(aptitude=order.aptitude or aptitude)


def stat_bonus(piece: Piece, used: UsedStats) -> int:
    if isinstance(piece, Agent):
        return piece.attribute(used.attribute or "") + piece.skill(used.skill or "")
    return piece.aptitude(used.aptitude or "")


def order_dc(order: Order, board: Board) -> int | None:
    """The DC of an order: None for monitor, §4.3/§4.4 for influence, the GM's otherwise."""
    if order.action is ActionType.MONITOR:
        return None
    if order.action is ActionType.GAIN_INFLUENCE:
        return gain_dc(board, order.district_id, order.faction_id)
    if order.action is ActionType.TAKE_INFLUENCE:
        if order.target_faction_id is None:
            raise InvalidOrder(f"take_influence by {order.piece} needs a target faction")
        return take_dc(board, order.district_id, order.faction_id, order.target_faction_id)
    if order.dc is None:
        raise InvalidOrder(f"{order.action} by {order.piece} has no DC set by the GM")
    return order.dc


def roll_action(
    seed: int,
    turn: int,
    order: Order,
    piece: Piece,
    district: District,
    board: Board,
    enemy_penalty: int,
    stream_purpose: str = "roll",
) -> ActionRoll:
    """§3.1–§3.3: two d20 always drawn, kept by the GM flags, then stats, manual, penalty."""
    stream = rng.stream(seed, turn, stream_purpose, order.piece.key)
    return _roll_from(stream, order, piece, district, board, enemy_penalty)


def _roll_from(
    stream: random.Random,
    order: Order,
    piece: Piece,
    district: District,
    board: Board,
    enemy_penalty: int,
) -> ActionRoll:
    if piece.ref != order.piece:
        raise ValueError(f"order for {order.piece} rolled with piece {piece.ref}")
    first, second = rng.d20(stream), rng.d20(stream)
    kept = rng.keep_d20(first, second, order.advantage, order.disadvantage)
    used = resolve_stats(order, piece, district)
    bonus = stat_bonus(piece, used)
    total = kept + bonus + order.manual_modifier + enemy_penalty
    dc = order_dc(order, board)
    return ActionRoll(
        piece=order.piece,
        action=order.action,
        d20_first=first,
        d20_second=second,
        d20_kept=kept,
        stat_bonus=bonus,
        manual=order.manual_modifier,
        enemy_penalty=enemy_penalty,
        total=total,
        dc=dc,
        tier=None if dc is None else action_tier(total, dc),
        used=used,
    )


def roll_initiate(
    seed: int,
    turn: int,
    order: Order,
    piece: Piece,
    district: District,
    board: Board,
    enemy_penalty: int,
) -> InitiateRoll:
    """§4.8: d20, d20, then the trigger chance (drawn only on a success) from one stream."""
    if order.action is not ActionType.INITIATE_CONFLICT:
        raise InvalidOrder(f"{order.piece} is not initiating a conflict")
    stream = rng.stream(seed, turn, "initiate", order.piece.key)
    roll = _roll_from(stream, order, piece, district, board, enemy_penalty)
    assert roll.tier is not None
    percent = INITIATE_TRIGGER_CHANCE[roll.tier]
    triggered = percent > 0 and rng.chance(stream, percent)
    return InitiateRoll(roll=roll, trigger_chance=percent, triggered=triggered)


def roll_secondary_monitoring(
    seed: int, turn: int, squadron: Squadron, district: District, enemy_penalty: int
) -> SecondaryRoll:
    """Always disadvantage; no manual modifier or GM override applies [D-42]."""
    stream = rng.stream(seed, turn, "secondary", squadron.ref.key)
    first, second = rng.d20(stream), rng.d20(stream)
    kept = rng.keep_d20(first, second, advantage=False, disadvantage=True)
    aptitude = district.preferred_monitor_squadron_aptitude
    bonus = squadron.aptitude(aptitude)
    return SecondaryRoll(
        piece=squadron.ref,
        d20_first=first,
        d20_second=second,
        d20_kept=kept,
        aptitude=aptitude,
        stat_bonus=bonus,
        enemy_penalty=enemy_penalty,
        total=kept + bonus + enemy_penalty,
    )


def apply_conflict_penalty(roll: ActionRoll | SecondaryRoll, penalty: int) -> PenalizedTotal:
    """§3.2 step 5: add the (negative) draw/special penalty and recompute the tier."""
    total = roll.total + penalty
    dc = roll.dc if isinstance(roll, ActionRoll) else None
    if dc is not None:
        return PenalizedTotal(total, penalty, action_tier(total, dc), None)
    return PenalizedTotal(total, penalty, None, monitoring_tier(total))
