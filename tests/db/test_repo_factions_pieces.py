"""FactionRepository and PieceRepository contracts."""

from __future__ import annotations

import pytest

from db.database import Database
from db.errors import AlreadyExists, InvalidValue, NotFound
from db.records import (
    APTITUDES,
    ATTRIBUTES,
    SKILLS,
    Agent,
    Faction,
    FactionModifier,
    KnownRumor,
    Order,
    PieceLocation,
    Relationship,
    Rumor,
    Squadron,
    SupportDeclaration,
)


async def test_faction_crud_and_validation(board: Database):
    async with board.transaction() as uow:
        assert [f.id for f in await uow.factions.list_all()] == ["f1", "f2", "f3"]
        assert (await uow.factions.get("f1")).color == "#ff0000"
        assert (await uow.factions.get("f2")).color == "#3498db"
        with pytest.raises(AlreadyExists):
            await uow.factions.create(Faction("f1", "Again"))
        await uow.factions.update(Faction("f2", "Azure", monitoring_bonus=-5, color="#0000FF"))
        assert (await uow.factions.get("f2")).monitoring_bonus == -5
        assert sorted(await uow.factions.get_many(["f2", "f3", "zz"])) == ["f2", "f3"]
        for bad in (Faction("fx", "X", monitoring_bonus=6), Faction("fx", "X", color="blue"),
                    Faction("fx", "X", color="#12345"), Faction("fx", "")):  # fmt: skip
            with pytest.raises(InvalidValue):
                await uow.factions.create(bad)
        with pytest.raises(NotFound):
            await uow.factions.get("zz")


async def test_relationships_pair_and_effective(board: Database):
    async with board.transaction() as uow:
        assert await uow.factions.get_relationship("f1", "f2") == 0
        await uow.factions.set_relationship_pair("f1", "f2", -2)
        assert await uow.factions.relationship_map() == {("f1", "f2"): -2, ("f2", "f1"): -2}
        await uow.factions.set_relationship("f1", "f3", 2)
        assert await uow.factions.effective_relationship("f1", "f3") == 0  # f3->f1 missing = 0
        await uow.factions.set_relationship("f3", "f1", 1)
        assert await uow.factions.effective_relationship("f3", "f1") == 1
        for bad in (-3, 3):
            with pytest.raises(InvalidValue):
                await uow.factions.set_relationship("f1", "f2", bad)
        with pytest.raises(InvalidValue):
            await uow.factions.set_relationship("f1", "f1", 0)
        assert Relationship("f1", "f3", 2) in await uow.factions.list_relationships()


async def test_support_only_toward_plus_two_ally(board: Database):
    async with board.transaction() as uow:
        await uow.factions.set_relationship("f1", "f2", 2)
        await uow.factions.set_relationship("f2", "f1", 1)
        with pytest.raises(InvalidValue, match="will_support"):
            await uow.factions.set_support(1, "f1", "f2", True)
        await uow.factions.set_support(1, "f1", "f2", False)  # declining is always allowed
        await uow.factions.set_relationship_pair("f1", "f2", 2)
        await uow.factions.set_support(1, "f1", "f2", True)
        assert await uow.factions.list_support(1) == [SupportDeclaration(1, "f1", "f2", True)]
        assert await uow.factions.list_support(2) == []
        with pytest.raises(InvalidValue):
            await uow.factions.set_support(1, "f1", "f1", False)


async def test_resources_modifiers_known_rumors(board: Database):
    async with board.transaction() as uow:
        await uow.factions.set_resource("f1", "gold", 10)
        await uow.factions.set_resource("f1", "gold", 12)
        assert [(r.resource_type, r.value) for r in await uow.factions.list_resources("f1")] == [
            ("gold", 12)
        ]
        await uow.factions.delete_resource("f1", "gold")
        with pytest.raises(NotFound):
            await uow.factions.delete_resource("f1", "gold")
        await uow.factions.add_modifier(
            FactionModifier("m1", "f1", "Wealthy Patron", "commerce", 10)
        )
        with pytest.raises(InvalidValue):
            await uow.factions.add_modifier(FactionModifier("m2", "f1", "Odd", "luck", 1))
        assert [m.name for m in await uow.factions.list_modifiers("f1")] == ["Wealthy Patron"]
        await uow.factions.remove_modifier("m1")
        assert await uow.factions.list_modifiers() == []
        await uow.districts.create_rumor(Rumor("r1", "d1", "x", 5))
        await uow.factions.add_known_rumors_many([KnownRumor("f1", "r1", 2)])
        await uow.factions.add_known_rumors_many(
            [KnownRumor("f1", "r1", 4)]
        )  # first discovery kept
        assert await uow.factions.known_rumors("f1") == [KnownRumor("f1", "r1", 2)]


async def test_delete_faction_cascades_and_unowns_pieces(board: Database):
    async with board.transaction() as uow:
        await uow.districts.set_influence("d1", "f1", 4)
        await uow.factions.set_relationship_pair("f1", "f2", -1)
        await uow.settings.add_member(111, "f1", leader=True)
        await uow.orders.upsert(Order(1, "agent", "a1", "f1", "d1", "monitor"))
        await uow.factions.delete("f1")
        assert await uow.districts.list_influence(faction_id="f1") == []
        assert await uow.factions.list_relationships() == []
        assert await uow.settings.faction_of(111) is None
        assert await uow.orders.list_for_turn(1) == []
        assert (await uow.pieces.get_agent("a1")).faction_id is None
        assert (await uow.pieces.get_squadron("s1")).faction_id is None


async def test_pieces_crud_bulk_and_validation(board: Database):
    async with board.transaction() as uow:
        agent = await uow.pieces.get_agent("a1")
        assert agent.attribute("might") == 0 and agent.skill("combat") == 0
        await uow.pieces.update_agent(Agent("a1", "Ann", "f1", might=5, arcana=5))
        assert (await uow.pieces.get("agent", "a1")).might == 5
        sq = await uow.pieces.get_squadron("s1")
        assert sq.mobility == 3 and sq.aptitude("monitoring") == -1
        await uow.pieces.upsert_squadrons_many(
            [Squadron(f"s{i}", f"S{i}", "f2", mobility=i % 6) for i in range(2, 12)]
        )
        assert len(await uow.pieces.list_squadrons("f2")) == 10
        assert len(await uow.pieces.get_squadrons_many([f"s{i}" for i in range(0, 20)])) == 11
        everything = await uow.pieces.list_all()
        assert [p.id for p in everything[:2]] == ["a1", "a2"]  # agents first, canonical order
        for bad in (Agent("ax", "X", might=6), Agent("ax", "X", survival=-1), Agent("ax", "")):
            with pytest.raises(InvalidValue):
                await uow.pieces.create_agent(bad)
        for bad in (Squadron("sx", "X", mobility=6), Squadron("sx", "X", labor_aptitude=-4),
                    Squadron("sx", "X", arcane_aptitude=6)):  # fmt: skip
            with pytest.raises(InvalidValue):
                await uow.pieces.create_squadron(bad)
        with pytest.raises(AlreadyExists):
            await uow.pieces.create_agent(Agent("a1", "Dup"))
        with pytest.raises(NotFound):
            await uow.pieces.update_squadron(Squadron("ghost", "G"))
        moved = await uow.pieces.set_locations_many(
            [
                PieceLocation("agent", "a1", "d2", "gain"),
                PieceLocation("squadron", "s1", "d3", "monitor"),
            ]
        )
        assert moved == 2
        assert (await uow.pieces.get_agent("a1")).district_id == "d2"
        assert (await uow.pieces.get_squadron("s1")).assignment == "monitor"
        assert await uow.pieces.clear_assignments() == 2
        assert (await uow.pieces.get_squadron("s1")).assignment is None
        with pytest.raises(NotFound):
            await uow.pieces.set_location("agent", "ghost", "d1")
        with pytest.raises(InvalidValue):
            await uow.pieces.set_locations_many([PieceLocation("dragon", "a1", "d1")])
        await uow.pieces.delete_agent("a2")
        await uow.pieces.delete_squadron("s1")
        with pytest.raises(NotFound):
            await uow.pieces.delete_agent("a2")


@pytest.mark.parametrize(
    ("field", "bad"),
    [(name, value) for name in ATTRIBUTES + SKILLS for value in (-1, 6)],
)
async def test_every_agent_stat_is_range_checked(board: Database, field: str, bad: int):
    async with board.transaction() as uow:
        with pytest.raises(InvalidValue):
            await uow.pieces.upsert_agents_many([Agent("ax", "X", **{field: bad})])
        await uow.pieces.upsert_agents_many([Agent("ax", "X", **{field: 5})])
        assert getattr(await uow.pieces.get_agent("ax"), field) == 5


@pytest.mark.parametrize(
    ("field", "bad"),
    [(f"{name}_aptitude", value) for name in APTITUDES for value in (-4, 6)]
    + [("mobility", -1), ("mobility", 6)],
)
async def test_every_squadron_stat_is_range_checked(board: Database, field: str, bad: int):
    async with board.transaction() as uow:
        with pytest.raises(InvalidValue):
            await uow.pieces.upsert_squadrons_many([Squadron("sx", "X", **{field: bad})])
        await uow.pieces.upsert_squadrons_many([Squadron("sx", "X", **{field: 5})])
        assert getattr(await uow.pieces.get_squadron("sx"), field) == 5


async def test_support_holds_only_while_the_alliance_does(board: Database):
    """A GM edit that lowers the relationship ends an active declaration (§1.2, §6.4)."""
    async with board.transaction() as uow:
        await uow.factions.set_relationship_pair("f1", "f2", 2)
        await uow.factions.set_support(1, "f1", "f2", True)
        assert await uow.factions.list_support(1) == [SupportDeclaration(1, "f1", "f2", True)]
        await uow.factions.set_relationship("f2", "f1", 1)  # one direction cools down
        assert await uow.factions.list_support(1) == []
        # the record itself is history and stays; only its effect ends
        assert await uow.factions.list_support(1, only_active=False) == [
            SupportDeclaration(1, "f1", "f2", True)
        ]
        await uow.factions.set_relationship("f2", "f1", 2)
        assert await uow.factions.list_support(1) == [SupportDeclaration(1, "f1", "f2", True)]
