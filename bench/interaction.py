"""Benchmark 3: interaction latency through the local Discord emulator (target p99 < 250 ms).

The real ``CampaignBot`` (every cog, plus ``bench.ping_cog``) runs against ``bot.emulator``
in this process, on a copy of the scale's ``ready`` campaign (size M at full scale: 12
factions, 60 districts, 400 pieces, turn 1 with orders open) placed in the bot's data dir
before it starts, so ``setup_hook`` opens and migrates it as in production. Each of the
players is an emulator member written into the campaign as a member of a faction, with 4
pieces of that faction of its own.

One round: every player at once (``asyncio.gather``), each giving its 4 orders one after
another with ``/orders agent`` or ``/orders squadron`` (monitor or gain influence, a
district drawn per round, so every round after the first replaces the orders); then the
floor, the same players invoking ``/bench-ping`` 4 times each (no database, answers
"pong"). The two halves swap places every round. Latency = ``InteractionResult.latency``:
gateway dispatch of the interaction to the bot's first callback. A warm-up round is
discarded; every later round gives one p50 and one p99 per series, and the figures are
the median, min and max of those over rounds. Any refusal, any non-ephemeral answer and
any emulator violation (Discord limit, 3 s deadline, unknown route) fails the run.
"""

from __future__ import annotations

import asyncio
import gc
import random
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.campaigns import CAMPAIGN_SEED
from bench.context import Context
from bench.measure import Figure, Ratio, Target, percentile
from bench.ping_cog import COMMAND as PING
from bot.client import COGS, CampaignBot
from bot.config import Settings
from bot.emulator import Emulator, InteractionResult, Member, running_bot
from db import records as dbr
from db.dialect import backup_file

NAME = "interaction.orders"
FLOOR = "interaction.floor"
P99_TARGET_MS = 250.0
ORDERS_PER_PLAYER = 4
TASKS = ("monitor", "gain_influence")
BENCH_COGS = (*COGS, "bench.ping_cog")


@dataclass(frozen=True)
class Player:
    member: Member
    pieces: tuple[tuple[str, str], ...]  # (agent|squadron, piece id), ORDERS_PER_PLAYER of them


@dataclass(frozen=True)
class Round:
    orders_ms: list[float]
    floor_ms: list[float]


def assign_pieces(
    pieces: Sequence[dbr.Agent | dbr.Squadron], players: int
) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    """(faction, its pieces) per player: factions in turn, 4 distinct pieces per player."""
    by_faction: dict[str, list[tuple[str, str]]] = {}
    for p in sorted(pieces, key=lambda p: p.id):
        if p.faction_id is not None:
            kind = "agent" if isinstance(p, dbr.Agent) else "squadron"
            by_faction.setdefault(p.faction_id, []).append((kind, p.id))
    factions = sorted(by_faction)
    taken = dict.fromkeys(factions, 0)
    out = []
    for index in range(players):
        faction = factions[index % len(factions)]
        start = taken[faction]
        mine = by_faction[faction][start : start + ORDERS_PER_PLAYER]
        if len(mine) < ORDERS_PER_PLAYER:
            raise RuntimeError(f"faction {faction} has too few pieces for {players} players")
        taken[faction] = start + ORDERS_PER_PLAYER
        out.append((faction, tuple(mine)))
    return out


def order_options(player: Player, districts: Sequence[str], rng: random.Random) -> list[dict]:
    return [
        {
            "command": f"orders {kind}",
            "piece": piece_id,
            "task": rng.choice(TASKS),
            "district": rng.choice(districts),
        }
        for kind, piece_id in player.pieces
    ]


def _ms(result: InteractionResult) -> float:
    if result.latency is None:
        raise RuntimeError(f"/{result.name} was never answered")
    return result.latency * 1000


async def _orders(emu: Emulator, player: Player, options: list[dict]) -> list[float]:
    latencies = []
    for opts in options:
        opts = dict(opts)
        result = await emu.invoke(player.member, opts.pop("command"), **opts)
        if not (result.ephemeral and result.content.startswith("**Order recorded**")):
            raise RuntimeError(f"order refused for {opts}: {result.content!r}")
        latencies.append(_ms(result))
    return latencies


async def _pings(emu: Emulator, player: Player) -> list[float]:
    latencies = []
    for _ in range(ORDERS_PER_PLAYER):
        result = await emu.invoke(player.member, PING)
        if not (result.ephemeral and result.content == "pong"):
            raise RuntimeError(f"/{PING} answered {result.content!r}")
        latencies.append(_ms(result))
    return latencies


async def _concurrently(
    players: Sequence[Player], one: Callable[[Player], Awaitable[list[float]]]
) -> list[float]:
    gc.collect()  # the previous half's garbage must not be collected on this half's clock
    per_player = await asyncio.gather(*(one(p) for p in players))
    return [ms for latencies in per_player for ms in latencies]


async def _check_stored(bot: CampaignBot, guild_id: int, expected: dict[str, dict]) -> None:
    """The last round's orders are the ones in the database (nothing silently dropped)."""
    campaign = await bot.hub.get(guild_id)
    async with campaign.db.read() as uow:
        turn = (await uow.game.get()).turn
        stored = {o.piece_id: o for o in await uow.orders.list_for_turn(turn)}
    for piece_id, opts in expected.items():
        order = stored.get(piece_id)
        if order is None or (order.action_type, order.district_id) != (
            opts["task"],
            opts["district"],
        ):
            raise RuntimeError(f"order of {piece_id} not stored as submitted: {order}")


async def run_rounds(
    source: Path, data_dir: Path, players: int, rounds: int, *, warmup: int = 1
) -> list[Round]:
    """The measurement proper, on a copy of the campaign database ``source``."""
    async with Emulator() as emu:
        guild = emu.create_guild("Bench city")
        emu.add_text_channel(guild, "orders")
        (data_dir / "campaigns").mkdir(parents=True, exist_ok=True)
        backup_file(source, data_dir / "campaigns" / f"{guild.id}.sqlite3")
        settings = Settings(token=emu.bot_token, data_dir=data_dir, log_level="WARNING")
        bot = CampaignBot(settings, sync_commands=False, cogs=BENCH_COGS)
        async with running_bot(emu, bot):
            campaign = await bot.hub.get(int(guild.id))
            async with campaign.db.read() as uow:
                pieces = await uow.pieces.list_all()
                districts = sorted(d.id for d in await uow.districts.list_all())
            cast = []
            async with campaign.db.transaction() as uow:
                for index, (faction, mine) in enumerate(assign_pieces(pieces, players)):
                    member = emu.add_member(guild, f"player-{index:02d}")
                    await uow.settings.add_member(int(member.id), faction)
                    cast.append(Player(member, mine))
            rng = random.Random(CAMPAIGN_SEED)
            results: list[Round] = []
            options: dict[str, list[dict]] = {}
            for index in range(warmup + rounds):
                options = {
                    player.member.id: order_options(player, districts, rng) for player in cast
                }
                halves = [
                    _concurrently(cast, lambda p, o=options: _orders(emu, p, o[p.member.id])),
                    _concurrently(cast, lambda p: _pings(emu, p)),
                ]
                # Alternate which half goes first: neither always runs on a warmer machine.
                if index % 2:
                    floor_ms, orders_ms = await halves[1], await halves[0]
                else:
                    orders_ms, floor_ms = await halves[0], await halves[1]
                if index >= warmup:
                    results.append(Round(orders_ms, floor_ms))
            await _check_stored(
                bot, int(guild.id), {o["piece"]: o for opts in options.values() for o in opts}
            )
        emu.assert_clean()  # a Discord-limit violation, a missed deadline, an unknown route
    return results


async def measure(ctx: Context) -> list[Round]:
    scale = ctx.scale
    campaign = await ctx.campaigns.ready(scale.interaction_size)
    data_dir = Path(tempfile.mkdtemp(prefix="interaction-", dir=ctx.campaigns.root))
    return await run_rounds(
        campaign.ready, data_dir, scale.interaction_players, scale.interaction_rounds
    )


def latency_figures(rounds: Sequence[Round], *, players: int, size: str) -> list[Figure]:
    """Per round p50 / p99 of both series; the orders' p99 carries the target and the ratio."""
    p50 = [percentile(r.orders_ms, 50) for r in rounds]
    p99 = [percentile(r.orders_ms, 99) for r in rounds]
    floor_p50 = [percentile(r.floor_ms, 50) for r in rounds]
    floor_p99 = [percentile(r.floor_ms, 99) for r in rounds]
    every = [ms for r in rounds for ms in r.orders_ms]
    per_round = len(rounds[0].orders_ms)
    note = (
        f"{players} players x {ORDERS_PER_PLAYER} orders concurrently, campaign {size}; "
        f"{len(rounds)} rounds of {per_round}; slowest order {max(every):.0f} ms"
    )
    return [
        Figure(f"{NAME}.p50", "ms", p50, note=note),
        Figure(
            f"{NAME}.p99",
            "ms",
            p99,
            target=Target(P99_TARGET_MS),
            ratio=Ratio("floor p99", [a / b for a, b in zip(p99, floor_p99, strict=True)]),
            extra={"pooled_p99_ms": percentile(every, 99), "samples_per_round": per_round},
        ),
        Figure(f"{FLOOR}.p50", "ms", floor_p50, note=f"/{PING}: no database, same stack"),
        Figure(f"{FLOOR}.p99", "ms", floor_p99),
    ]


async def run(ctx: Context) -> list[Figure]:
    rounds = await measure(ctx)
    return latency_figures(
        rounds, players=ctx.scale.interaction_players, size=ctx.scale.interaction_size
    )
