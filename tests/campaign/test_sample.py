"""The sample campaigns are valid, playable and their map is geometrically sound."""

from __future__ import annotations

import itertools

from bot.campaign import check, load, summary
from bot.campaign.model import CampaignFile, ShapeKind
from bot.campaign.shapes import is_simple_polygon, point_in_polygon
from bot.campaign.validate import effective_relationship
from tests.campaign.conftest import MINIMAL, SAMPLE

GRID = 120  # sample points per axis for the overlap check


def _sample() -> CampaignFile:
    return load(SAMPLE)


def _polygons(campaign: CampaignFile) -> dict[str, tuple[tuple[float, float], ...]]:
    polygons = {}
    for district in campaign.districts:
        assert district.shape is not None and district.shape.kind is ShapeKind.POLYGON
        polygons[district.key] = district.shape.points
    return polygons


def _edges(points: tuple[tuple[float, float], ...]) -> set[frozenset[tuple[float, float]]]:
    return {frozenset((points[i], points[(i + 1) % len(points)])) for i in range(len(points))}


def test_sample_loads_without_problems_or_warnings() -> None:
    result = check(SAMPLE)
    assert result.problems == [] and result.warnings == []


def test_minimal_loads_without_problems_or_warnings() -> None:
    result = check(MINIMAL)
    assert result.problems == [] and result.warnings == []
    assert len(result.campaign.factions) == 2 and len(result.campaign.districts) == 3


def test_sample_has_the_promised_size() -> None:
    campaign = _sample()
    assert len(campaign.districts) >= 14
    assert len(campaign.factions) == 4
    assert len(campaign.agents) >= 16
    assert len(campaign.squadrons) >= 8
    assert all(a.faction for a in campaign.agents[:16])


def test_faction_colors_distinct_and_not_grey() -> None:
    colors = [f.color for f in _sample().factions]
    assert len(set(colors)) == len(colors)
    for color in colors:
        r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
        assert max(r, g, b) - min(r, g, b) >= 60, color


def test_relationships_include_alliance_and_hot_war() -> None:
    campaign = _sample()
    keys = [f.key for f in campaign.factions]
    values = {effective_relationship(campaign, a, b) for a, b in itertools.combinations(keys, 2)}
    assert {2, -2} <= values
    allied = [
        (a, b)
        for a, b in itertools.permutations(keys, 2)
        if campaign.relationships.get((a, b)) == 2
    ]
    assert all(campaign.relationships.get((b, a)) == 2 for a, b in allied) and allied


def test_influence_strongholds_and_likeability_present() -> None:
    campaign = _sample()
    assert all(sum(d.influence.values()) <= 10 for d in campaign.districts)
    assert sum(1 for d in campaign.districts if d.strongholds) >= 4
    assert sum(1 for d in campaign.districts if d.likeability) >= 5
    assert any(not d.influence for d in campaign.districts)  # an open district to fight over


def test_rumors_span_low_mid_and_high_dcs_with_hints() -> None:
    rumors = [r for d in _sample().districts for r in d.rumors]
    dcs = [r.dc for r in rumors]
    assert min(dcs) <= 8 and any(11 <= dc <= 17 for dc in dcs) and max(dcs) >= 20
    assert sum(1 for r in rumors if r.newspaper_hint) >= len(rumors) - 2
    for rumor in rumors:
        assert rumor.newspaper_hint != rumor.text


def test_pieces_have_varied_stats() -> None:
    campaign = _sample()
    agent_profiles = {tuple(sorted({**a.attributes, **a.skills}.items())) for a in campaign.agents}
    squadron_profiles = {(s.mobility, *sorted(s.aptitudes.items())) for s in campaign.squadrons}
    assert len(agent_profiles) == len(campaign.agents)
    assert len(squadron_profiles) == len(campaign.squadrons)
    assert {s.mobility for s in campaign.squadrons} >= {1, 2, 3, 4, 5}


def test_shapes_are_simple_and_do_not_overlap() -> None:
    polygons = _polygons(_sample())
    assert all(is_simple_polygon(points) for points in polygons.values())
    covered = 0
    for i, j in itertools.product(range(GRID), repeat=2):
        point = ((i + 0.37) / GRID, (j + 0.61) / GRID)  # offsets keep points off the edges
        inside = [key for key, points in polygons.items() if point_in_polygon(point, points)]
        assert len(inside) <= 1, (point, inside)
        covered += len(inside)
    assert covered / GRID**2 > 0.8  # the city fills the map; the rest is the bay


def test_adjacency_matches_shared_borders() -> None:
    campaign = _sample()
    polygons = _polygons(campaign)
    edges = {key: _edges(points) for key, points in polygons.items()}
    for district in campaign.districts:
        touching = {
            other for other in edges if other != district.key and edges[district.key] & edges[other]
        }
        assert set(district.adjacent) == touching, district.key


def test_summary_mentions_every_faction() -> None:
    campaign = _sample()
    text = summary(campaign)
    assert "16 districts (16 with shapes)" in text
    assert all(f.name in text for f in campaign.factions)
    assert "allied (+2)" in text and "hot war (-2)" in text


def test_sample_meets_the_issue_minimums() -> None:
    """Issue 9: >= 12 shaped districts, 4 distinct colours, >= 16 agents and >= 8 squadrons
    owned by factions, rumors at several DCs, an alliance and a hot war, a real base map."""
    from PIL import Image

    campaign = _sample()
    assert sum(1 for d in campaign.districts if d.shape is not None) >= 12
    assert len({f.color for f in campaign.factions}) == len(campaign.factions) == 4
    assert sum(1 for a in campaign.agents if a.faction) >= 16
    assert sum(1 for s in campaign.squadrons if s.faction) >= 8
    assert all(a.district for a in campaign.agents if a.faction)
    assert all(s.district for s in campaign.squadrons)
    assert len({r.dc for d in campaign.districts for r in d.rumors}) >= 3
    pairs = {
        effective_relationship(campaign, a.key, b.key)
        for a, b in itertools.combinations(campaign.factions, 2)
    }
    assert 2 in pairs and -2 in pairs
    assert campaign.map is not None and campaign.map.base_image is not None
    with Image.open(SAMPLE.parent / campaign.map.base_image) as image:
        assert image.format == "PNG"
        assert image.size == (campaign.map.width, campaign.map.height)
