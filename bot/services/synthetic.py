"""Reproducible synthetic campaigns and legal random orders.

Used by the crash/replay tests, the benchmarks (sizes S/M/L) and headless
simulation: the same (size, seed) always yields the same campaign and orders.
Game draws still come only from the campaign seed's streams; ``random.Random``
here only chooses the campaign's shape and the players' orders.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from bot.rules import model as rm
from bot.services.errors import PhaseClosed
from db import records as dbr
from db.database import Database

COLORS = ("#c0392b", "#2980b9", "#27ae60", "#8e44ad", "#d35400", "#16a085", "#f1c40f", "#e84393")


@dataclass(frozen=True)
class CampaignSize:
    factions: int
    districts: int
    pieces: int


SIZES = {
    "S": CampaignSize(4, 12, 40),
    "M": CampaignSize(12, 60, 400),
    "L": CampaignSize(40, 200, 4000),
}


async def create_campaign(
    db: Database, size: CampaignSize, seed: int, *, name: str = "Synthetic", rng_seed: int = 12345
) -> None:
    """A city of ``size.districts`` districts on a grid, factions with mixed relationships."""
    rng = random.Random(seed)
    fids = [f"f{i:02d}" for i in range(size.factions)]
    dids = [f"d{i:03d}" for i in range(size.districts)]
    width = max(1, math.isqrt(size.districts))
    async with db.transaction() as uow:
        await uow.game.initialise(name)
        await uow.settings.update(campaign_name=name, rng_seed=rng_seed)
        await uow.factions.upsert_many(
            [
                dbr.Faction(
                    fid,
                    f"Faction {i}",
                    monitoring_bonus=rng.randint(-1, 2),
                    color=COLORS[i % len(COLORS)] if i < len(COLORS) else _color(rng),
                )
                for i, fid in enumerate(fids)
            ]
        )
        await uow.districts.upsert_many(
            [
                dbr.District(
                    did,
                    f"District {i}",
                    preferred_gain_attribute=rng.choice(rm.ATTRIBUTES),
                    preferred_gain_skill=rng.choice(rm.SKILLS),
                    preferred_gain_squadron_aptitude=rng.choice(rm.APTITUDES),
                    preferred_monitor_attribute=rng.choice(rm.ATTRIBUTES),
                    preferred_monitor_skill=rng.choice(rm.SKILLS),
                    commerce_value=rng.randint(0, 5),
                )
                for i, did in enumerate(dids)
            ]
        )
        pairs = []
        for i, did in enumerate(dids):
            if (i + 1) % width and i + 1 < len(dids):
                pairs.append((did, dids[i + 1]))
            if i + width < len(dids):
                pairs.append((did, dids[i + width]))
        await uow.districts.add_adjacency_many(pairs)
        relationships = []
        for i, a in enumerate(fids):
            for b in fids[i + 1 :]:
                value = rng.choice((-2, -1, -1, 0, 0, 0, 1, 2))
                relationships += [dbr.Relationship(a, b, value), dbr.Relationship(b, a, value)]
        await uow.factions.set_relationships_many(relationships)
        influence = []
        for did in dids:
            free = 10
            for fid in rng.sample(fids, k=min(len(fids), rng.randint(0, 3))):
                value = rng.randint(0, min(free, 5))
                free -= value
                if value:
                    influence.append(dbr.InfluenceChange(did, fid, value, rng.random() < 0.1))
        await uow.districts.set_influence_many(influence)
        await uow.districts.set_likeability_many(
            [
                dbr.Likeability(did, rng.choice(fids), rng.randint(-3, 3))
                for did in rng.sample(dids, k=len(dids) // 3)
            ]
        )
        rumors = [
            dbr.Rumor(
                f"r{i:04d}",
                rng.choice(dids),
                rumor_text=f"Secret number {i}",
                discovery_dc=rng.randint(5, 25),
                name=f"Rumor {i}",
                newspaper_hint=f"Whispers of something, number {i}",
            )
            for i in range(size.districts)
        ]
        await uow.districts.create_rumors_many(rumors)
        agents, squadrons = [], []
        for i in range(size.pieces):
            fid = fids[i % len(fids)]
            home = rng.choice(dids)
            if i % 3 == 2:
                squadrons.append(
                    dbr.Squadron(
                        f"s{i:05d}",
                        f"Squadron {i}",
                        fid,
                        type="militia",
                        mobility=rng.randint(0, 5),
                        district_id=home,
                        **{f"{a}_aptitude": rng.randint(-1, 3) for a in rm.APTITUDES},
                    )
                )
            else:
                agents.append(
                    dbr.Agent(
                        f"a{i:05d}",
                        f"Agent {i}",
                        fid,
                        district_id=home,
                        **{a: rng.randint(0, 4) for a in rm.ATTRIBUTES},
                        **{s: rng.randint(0, 3) for s in rm.SKILLS},
                    )
                )
        await uow.pieces.upsert_agents_many(agents)
        await uow.pieces.upsert_squadrons_many(squadrons)
        await uow.history.snapshot_influence(0)


def _color(rng: random.Random) -> str:
    return "#" + "".join(f"{rng.randint(40, 215):02x}" for _ in range(3))


async def random_orders(db: Database, seed: int, *, freeform_dc: bool = True) -> list[dbr.Order]:
    """One legal order for every piece of the current turn (GM DCs set where needed)."""
    async with db.read() as uow:
        game = await uow.game.get()
        pieces = await uow.pieces.list_all()
        districts = [d.id for d in await uow.districts.list_all()]
        adjacency = await uow.districts.adjacency_map()
        factions = [f.id for f in await uow.factions.list_all()]
        influence = {
            (i.district_id, i.faction_id): i.value for i in await uow.districts.list_influence()
        }
    rng = random.Random(f"{seed}|{game.turn}")
    orders = []
    for p in pieces:
        if p.faction_id is None:
            continue
        kind = "agent" if isinstance(p, dbr.Agent) else "squadron"
        home = p.district_id or districts[0]
        district = rng.choice([home, *adjacency.get(home, ())])
        action = rng.choice(
            (
                "monitor",
                "monitor",
                "gain_influence",
                "gain_influence",
                "take_influence",
                "freeform",
                "initiate_conflict",
            )
        )
        others = [f for f in factions if f != p.faction_id]
        if (
            action in ("gain_influence", "take_influence")
            and influence.get((district, p.faction_id), 0) >= 10
        ):
            action = "monitor"
        fields: dict = {}
        if action in ("take_influence", "initiate_conflict"):
            fields["target_faction_id"] = rng.choice(others)
        if action in ("freeform", "initiate_conflict"):
            fields["description"] = f"{action} by {p.name}"
            if kind == "agent":
                fields["attribute_used"] = rng.choice(rm.ATTRIBUTES)
                fields["skill_used"] = rng.choice(rm.SKILLS)
            else:
                fields["aptitude_used"] = rng.choice(rm.APTITUDES)
            if freeform_dc:
                fields["dc"] = rng.randint(8, 20)
        orders.append(
            dbr.Order(
                turn_number=game.turn,
                piece_type=kind,
                piece_id=p.id,
                faction_id=p.faction_id,
                district_id=district,
                action_type=action,
                manual_modifier=rng.choice((0, 0, 0, 1, -1)),
                **fields,
            )
        )
    return orders


async def submit_orders(db: Database, orders: list[dbr.Order]) -> None:
    """All orders in one transaction, refused (nothing written) unless orders are open."""
    async with db.transaction() as uow:
        game = await uow.game.get()
        if game.phase != rm.Phase.ASSIGNMENT:
            raise PhaseClosed(f"Orders are closed (turn {game.turn}, phase {game.phase}).")
        await uow.orders.upsert_many(orders)
        await uow.pieces.set_locations_many(
            [
                dbr.PieceLocation(o.piece_type, o.piece_id, o.district_id, o.action_type)
                for o in orders
            ]
        )
