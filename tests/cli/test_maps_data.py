"""bot/services/maps.py: what the GM map and a faction's fog-of-war map are built from."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.campaign import load
from bot.render.maps import render_fog_map
from bot.services.campaign_io import import_campaign
from bot.services.maps import base_image_bytes, fog_map_data, true_map_data
from db.database import Database
from db.migrations import migrate
from db.records import MonitoringReport
from tests.cli.conftest import EXAMPLES, HARBOR, MINIMAL


@pytest.fixture
async def minimal_db(tmp_path: Path) -> AsyncIterator[Database]:
    db = Database(tmp_path / "maps.sqlite3")
    await db.open()
    await migrate(db)
    await import_campaign(db, load(MINIMAL))
    try:
        yield db
    finally:
        await db.close()


def report(turn: int, viewer: str, district: str, player_entries: list[dict]) -> MonitoringReport:
    """A stored report whose GM half says something else than its player half."""
    return MonitoringReport(
        faction_id=viewer,
        district_id=district,
        turn_number=turn,
        confidence_rating=6,
        report={
            "player": {"turn": turn, "factions": player_entries, "confidence_rating": 6},
            "gm": {"true_influence": {"blue": 1, "red": 1}, "entries": [], "phantom": True},
        },
    )


async def test_true_map_reads_the_board(minimal_db: Database) -> None:
    async with minimal_db.read() as uow:
        data = await true_map_data(uow)
    assert (data.campaign_name, data.turn) == ("Two Towers", 1)
    assert [d.id for d in data.districts] == ["bridge", "east", "west"]
    assert data.influence == {
        ("bridge", "blue"): 1, ("bridge", "red"): 1, ("east", "blue"): 4, ("west", "red"): 4,
    }  # fmt: skip
    assert data.strongholds == {("west", "red"), ("east", "blue")}
    shapes = {d.id: d.shape for d in data.districts}
    assert shapes["west"] is not None and shapes["west"].box == (0.0, 0.0, 0.4, 1.0)
    assert shapes["bridge"] is not None and shapes["bridge"].circle == (0.5, 0.5, 0.1)
    assert {d.id: d.adjacent for d in data.districts}["bridge"] == ("east", "west")
    assert data.base_image is None


async def test_fog_map_uses_only_the_player_half_of_the_latest_report(
    minimal_db: Database,
) -> None:
    async with minimal_db.transaction() as uow:
        await uow.game.set_phase(3, "assignment")
        await uow.reports.insert_many(
            [
                report(
                    1,
                    "red",
                    "bridge",
                    [{"faction_id": "blue", "influence": 5, "stronghold": False}],
                ),
                report(
                    2, "red", "bridge", [{"faction_id": "blue", "influence": 3, "stronghold": True}]
                ),
                report(2, "red", "east", []),
            ]
        )
    async with minimal_db.read() as uow:
        red = await fog_map_data(uow, "red")
        blue = await fog_map_data(uow, "blue")
    assert red.turn == 3 and red.viewer_faction_id == "red"
    assert set(red.perceived) == {"bridge", "east"}
    assert red.perceived["bridge"].as_of_turn == 2
    assert dict(red.perceived["bridge"].entries) == {"blue": (3, True)}  # reported, not true
    assert dict(red.perceived["east"].entries) == {}
    assert dict(red.own) == {"west": (4, True), "bridge": (1, False)}
    assert [f.id for f in red.factions] == ["blue", "red"]
    # Blue has no report at all: it knows only itself.
    assert blue.perceived == {} and [f.id for f in blue.factions] == ["blue"]
    assert render_fog_map(red).startswith(b"\x89PNG")


async def test_base_image_resolves_inside_the_assets_folder(tmp_path: Path) -> None:
    db = Database(tmp_path / "harbor.sqlite3")
    await db.open()
    try:
        await migrate(db)
        await import_campaign(db, load(HARBOR))
        async with db.read() as uow:
            with_assets = await true_map_data(uow, assets_dir=EXAMPLES)
            without = await true_map_data(uow)
        assert with_assets.base_image == (EXAMPLES / "harbor_city.png").read_bytes()
        assert with_assets.size == (1200, 900)
        assert without.base_image is None
    finally:
        await db.close()
    (tmp_path / "secret.png").write_bytes(b"x")
    inner = tmp_path / "assets"
    inner.mkdir()
    assert base_image_bytes("../secret.png", inner) is None
    assert base_image_bytes("missing.png", inner) is None
