"""DistrictRepository contract: CRUD, influence invariants, adjacency, modifiers, rumors."""

from __future__ import annotations

import pytest

from db.database import Database
from db.errors import AlreadyExists, InvalidValue, NotFound, ReadOnlyError
from db.records import (
    DistrictModifier,
    Faction,
    Influence,
    InfluenceChange,
    KnownRumor,
    Likeability,
    Rumor,
)

from .conftest import make_district


async def test_district_crud(board: Database):
    async with board.transaction() as uow:
        created = await uow.districts.create(
            make_district("d9", commerce_value=7, description="docks")
        )
        assert await uow.districts.get("d9") == created
        with pytest.raises(AlreadyExists):
            await uow.districts.create(make_district("d9"))
        updated = make_district("d9", name="Harbour", muster_value=3)
        await uow.districts.update(updated)
        assert (await uow.districts.get("d9")).name == "Harbour"
        many = await uow.districts.get_many(["d1", "d9", "nope"])
        assert sorted(many) == ["d1", "d9"]
        assert [d.id for d in await uow.districts.list_all()] == ["d1", "d2", "d3", "d9"]
        await uow.districts.delete("d9")
        with pytest.raises(NotFound):
            await uow.districts.get("d9")
        with pytest.raises(NotFound):
            await uow.districts.delete("d9")
        with pytest.raises(NotFound):
            await uow.districts.update(make_district("ghost"))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("commerce_value", 11),
        ("muster_value", -1),
        ("aristocratic_value", 12),
        ("preferred_gain_attribute", "luck"),
        ("preferred_gain_skill", "dance"),
        ("preferred_monitor_squadron_aptitude", "flying"),
        ("name", "  "),
    ],
)
async def test_district_validation(board: Database, field: str, value: object):
    async with board.transaction() as uow:
        with pytest.raises(InvalidValue) as err:
            await uow.districts.create(make_district("dx", **{field: value}))
    assert err.value.value == value


async def test_influence_set_get_and_bulk_total_check(board: Database):
    async with board.transaction() as uow:
        assert await uow.districts.get_influence("d1", "f1") == Influence("d1", "f1", 0, False)
        await uow.districts.set_influence("d1", "f1", 6, has_stronghold=True)
        await uow.districts.set_influence("d1", "f2", 4)
        assert await uow.districts.pool("d1") == 0
        with pytest.raises(InvalidValue, match="total influence in d1"):
            await uow.districts.set_influence("d1", "f3", 1)
        with pytest.raises(InvalidValue):
            await uow.districts.set_influence("d2", "f1", 11)
        with pytest.raises(InvalidValue):
            await uow.districts.set_influence("d2", "f1", -1)
        # a transfer (f1 -> f2) passes although increasing first would momentarily exceed 10
        await uow.districts.set_influence_many(
            [InfluenceChange("d1", "f2", 7), InfluenceChange("d1", "f1", 3)]
        )
        assert [
            (i.faction_id, i.value, i.has_stronghold)
            for i in await uow.districts.list_influence("d1")
        ] == [
            ("f1", 3, True),  # stronghold kept when None is passed
            ("f2", 7, False),
        ]
        with pytest.raises(InvalidValue):
            await uow.districts.set_influence_many(
                [InfluenceChange("d2", "f1", 6), InfluenceChange("d2", "f2", 5)]
            )
        assert await uow.districts.list_influence("d2") == []
        await uow.districts.set_stronghold("d2", "f3", True)
        board_map = await uow.districts.influence_map()
        assert board_map["d2"]["f3"] == Influence("d2", "f3", 0, True)
        assert [i.district_id for i in await uow.districts.list_influence(faction_id="f1")] == [
            "d1"
        ]


async def test_likeability(board: Database):
    async with board.transaction() as uow:
        assert await uow.districts.get_likeability("d1", "f1") == 0
        await uow.districts.set_likeability("d1", "f1", -5)
        await uow.districts.set_likeability_many([Likeability("d1", "f2", 5)])
        assert await uow.districts.list_likeability("d1") == [
            Likeability("d1", "f1", -5),
            Likeability("d1", "f2", 5),
        ]
        for bad in (-6, 6):
            with pytest.raises(InvalidValue):
                await uow.districts.set_likeability("d1", "f1", bad)


async def test_adjacency_is_symmetric(board: Database):
    async with board.transaction() as uow:
        assert await uow.districts.adjacency_map() == {
            "d1": ("d2",),
            "d2": ("d1", "d3"),
            "d3": ("d2",),
        }
        await uow.districts.add_adjacency("d3", "d1")
        assert await uow.districts.adjacent_to("d1") == ["d2", "d3"]
        await uow.districts.remove_adjacency("d1", "d2")
        assert await uow.districts.adjacent_to("d2") == ["d3"]
        assert await uow.districts.adjacent_to("d1") == ["d3"]
        with pytest.raises(InvalidValue):
            await uow.districts.add_adjacency("d1", "d1")


async def test_modifiers_weekly_and_expiry(board: Database):
    async with board.transaction() as uow:
        assert await uow.districts.weekly_all() == {"d1": 0, "d2": 0, "d3": 0}
        await uow.districts.set_weekly_many({"d1": 2, "d2": -2})
        await uow.districts.set_weekly("d1", 1)
        assert await uow.districts.get_weekly("d1") == 1
        with pytest.raises(InvalidValue):
            await uow.districts.set_weekly("d3", 3)
        await uow.districts.add_modifier(DistrictModifier("m1", "d1", "riot", 2, expires_on=1))
        await uow.districts.add_modifier(DistrictModifier("m2", "d1", "fair", -1, expires_on=3))
        with pytest.raises(InvalidValue):
            await uow.districts.add_modifier(DistrictModifier("m3", "d1", "weekly_dc", 1))
        assert await uow.districts.delete_expired_modifiers(current_turn=2) == 1
        remaining = {m.id for m in await uow.districts.list_modifiers("d1")}
        assert remaining == {"m2", "weekly_dc:d1"}
        await uow.districts.delete_modifier("m2")
        with pytest.raises(NotFound):
            await uow.districts.delete_modifier("m2")


async def test_rumors(board: Database):
    async with board.transaction() as uow:
        await uow.districts.create_rumors_many(
            [
                Rumor("r1", "d1", "The mayor is a ghost", 1, name="Ghost"),
                Rumor("r2", "d2", "Gold", 0),
            ]
        )
        r1 = await uow.districts.get_rumor("r1")
        assert r1.initial_dc == 1 and r1.newspaper_weight == 1.0 and not r1.is_discovered
        with pytest.raises(InvalidValue):
            await uow.districts.create_rumor(Rumor("r3", "d1", "x", -1))
        with pytest.raises(InvalidValue):
            await uow.districts.create_rumor(Rumor("r3", "d1", "x", 3, newspaper_weight=-1))
        assert await uow.districts.decrement_rumor_dcs() == 1
        assert await uow.districts.decrement_rumor_dcs() == 0
        assert [r.discovery_dc for r in await uow.districts.list_rumors()] == [0, 0]
        await uow.districts.mark_rumors_discovered(["r2"])
        assert (await uow.districts.get_rumor("r2")).is_discovered
        await uow.districts.set_rumor_dc("r2", 12)
        assert (await uow.districts.get_rumor("r2")).initial_dc == 0
        with pytest.raises(InvalidValue):
            await uow.districts.set_rumor_dc("r2", -3)
        await uow.districts.update_rumor(Rumor("r1", "d1", "New text", 4, newspaper_hint="hint"))
        assert (await uow.districts.get_rumor("r1")).newspaper_hint == "hint"


async def test_delete_district_cascades(board: Database):
    async with board.transaction() as uow:
        await uow.districts.set_influence("d1", "f1", 3)
        await uow.districts.set_likeability("d1", "f1", 2)
        await uow.districts.create_rumor(Rumor("r1", "d1", "x", 3))
        await uow.factions.add_known_rumors_many([KnownRumor("f1", "r1", 1)])
        await uow.maps.set_shape("d1", {"type": "circle", "x": 0.5, "y": 0.5, "r": 0.1})
        await uow.pieces.set_location("agent", "a1", "d1")
        await uow.districts.delete("d1")
        assert await uow.districts.list_influence("d1") == []
        assert await uow.districts.list_likeability("d1") == []
        assert await uow.districts.list_rumors("d1") == []
        assert await uow.factions.known_rumors("f1") == []
        assert await uow.districts.adjacent_to("d2") == ["d3"]
        assert await uow.maps.list_shapes() == []
        assert (await uow.pieces.get_agent("a1")).district_id is None  # SET NULL, piece survives


async def test_read_uow_refuses_writes(board: Database):
    async with board.read() as uow:
        assert len(await uow.districts.list_all()) == 3
        with pytest.raises(ReadOnlyError):
            await uow.districts.set_influence("d1", "f1", 1)
        with pytest.raises(ReadOnlyError):
            await uow.factions.create(Faction("fx", "X"))
