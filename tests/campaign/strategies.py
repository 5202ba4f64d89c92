"""Hypothesis strategies producing valid campaigns in canonical model form."""

from __future__ import annotations

from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from bot.campaign.model import (
    MAX_SEED,
    AgentSpec,
    CampaignFile,
    DistrictModifierSpec,
    DistrictSpec,
    FactionModifierSpec,
    FactionSpec,
    MapSpec,
    MemberSpec,
    ModifierType,
    RumorSpec,
    ShapeKind,
    ShapeSpec,
    ShapeStyle,
    SquadronSpec,
)
from bot.campaign.shapes import polygon_area
from bot.rules.model import APTITUDES, ATTRIBUTES, SKILLS, Phase

keys = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,12}", fullmatch=True)
texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
names = texts.filter(lambda s: bool(s.strip()))
colors = st.from_regex(r"#[0-9a-f]{6}", fullmatch=True)
unit = st.floats(0.0, 1.0, allow_nan=False)
snowflakes = st.integers(1, 2**64 - 1)


def unique_names(count: int) -> st.SearchStrategy[list[str]]:
    return st.lists(names, min_size=count, max_size=count, unique_by=str.casefold)


def unique_keys(count: int) -> st.SearchStrategy[list[str]]:
    return st.lists(keys, min_size=count, max_size=count, unique=True)


@st.composite
def shapes(draw: Any) -> ShapeSpec:
    style = ShapeStyle(
        fill=draw(st.none() | colors),
        border=draw(st.none() | colors),
        border_width=draw(st.none() | st.integers(0, 20)),
    )
    kind = draw(st.sampled_from(ShapeKind))
    if kind is ShapeKind.POLYGON:
        points = tuple(draw(st.tuples(unit, unit)) for _ in range(3))  # triangles are simple
        assume(polygon_area(points) > 1e-6)
        return ShapeSpec(kind, points=points, style=style)
    if kind is ShapeKind.RECTANGLE:
        x, y = draw(st.floats(0.0, 0.9)), draw(st.floats(0.0, 0.9))
        width = draw(st.floats(0.01, 1.0 - x))
        height = draw(st.floats(0.01, 1.0 - y))
        return ShapeSpec(kind, x=x, y=y, width=width, height=height, style=style)
    r = draw(st.floats(0.01, 0.5))
    cx = draw(st.floats(r, 1.0 - r))
    cy = draw(st.floats(r, 1.0 - r))
    return ShapeSpec(kind, cx=cx, cy=cy, r=r, style=style)


@st.composite
def campaigns(draw: Any) -> CampaignFile:
    faction_keys = draw(unique_keys(draw(st.integers(1, 4))))
    faction_names = draw(unique_names(len(faction_keys)))
    relationships = {
        (a, b): draw(st.integers(-2, 2))
        for a in faction_keys
        for b in faction_keys
        if a != b and draw(st.booleans())
    }

    def allied(a: str, b: str) -> bool:
        return min(relationships.get((a, b), 0), relationships.get((b, a), 0)) == 2

    users = iter(draw(st.lists(snowflakes, max_size=6, unique=True)))
    factions = []
    for key, name in zip(faction_keys, faction_names, strict=True):
        members = tuple(
            MemberSpec(user_id, draw(st.booleans()))
            for user_id in [next(users, None) for _ in range(draw(st.integers(0, 2)))]
            if user_id is not None
        )
        factions.append(
            FactionSpec(
                key=key,
                name=name,
                description=draw(texts),
                color=draw(colors),
                monitoring_bonus=draw(st.integers(-5, 5)),
                resources=draw(
                    st.dictionaries(
                        names.filter(lambda s: len(s) <= 50),
                        st.integers(-(10**9), 10**9),
                        max_size=3,
                    )
                ),
                modifiers=tuple(
                    FactionModifierSpec(
                        draw(names), draw(st.sampled_from(ModifierType)), draw(st.integers(-50, 50))
                    )
                    for _ in range(draw(st.integers(0, 2)))
                ),
                members=members,
                channel_id=draw(st.none() | snowflakes),
                supports=tuple(
                    sorted(
                        o
                        for o in faction_keys
                        if o != key and allied(key, o) and draw(st.booleans())
                    )
                ),
            )
        )

    district_keys = draw(unique_keys(draw(st.integers(1, 5))))
    district_names = draw(unique_names(len(district_keys)))
    pairs = {
        frozenset((a, b))
        for i, a in enumerate(district_keys)
        for b in district_keys[i + 1 :]
        if draw(st.booleans())
    }
    districts = []
    for index, (key, name) in enumerate(zip(district_keys, district_names, strict=True)):
        influence: dict[str, int] = {}
        for faction in draw(st.lists(st.sampled_from(faction_keys), unique=True)):
            influence[faction] = draw(st.integers(0, 10 - sum(influence.values())))
        rumor_names = draw(unique_names(draw(st.integers(0, 2))))
        districts.append(
            DistrictSpec(
                key=key,
                name=name,
                description=draw(texts),
                commerce=draw(st.integers(0, 10)),
                muster=draw(st.integers(0, 10)),
                aristocratic=draw(st.integers(0, 10)),
                preferred_gain_attribute=draw(st.sampled_from(ATTRIBUTES)),
                preferred_gain_skill=draw(st.sampled_from(SKILLS)),
                preferred_gain_squadron_aptitude=draw(st.sampled_from(APTITUDES)),
                preferred_monitor_attribute=draw(st.sampled_from(ATTRIBUTES)),
                preferred_monitor_skill=draw(st.sampled_from(SKILLS)),
                preferred_monitor_squadron_aptitude=draw(st.sampled_from(APTITUDES)),
                adjacent=tuple(sorted(o for o in district_keys if frozenset((key, o)) in pairs)),
                shape=draw(st.none() | shapes()),
                weekly_modifier=draw(st.integers(-2, 2)),
                modifiers=tuple(
                    DistrictModifierSpec(
                        draw(names.filter(lambda s: len(s) <= 50 and s != "weekly_dc")),
                        draw(st.integers(-10, 10)),
                        draw(st.none() | st.integers(1, 1000)),
                    )
                    for _ in range(draw(st.integers(0, 2)))
                ),
                influence=influence,
                strongholds=tuple(sorted(draw(st.sets(st.sampled_from(faction_keys))))),
                likeability=draw(
                    st.dictionaries(st.sampled_from(faction_keys), st.integers(-5, 5))
                ),
                rumors=tuple(
                    RumorSpec(
                        key=f"r{index}-{position}",
                        name=rumor_name,
                        text=draw(names),
                        dc=draw(st.integers(0, 40)),
                        newspaper_hint=draw(st.none() | texts),
                        newspaper_weight=draw(st.floats(0.0, 1e6)),
                        known_by=tuple(sorted(draw(st.sets(st.sampled_from(faction_keys))))),
                    )
                    for position, rumor_name in enumerate(rumor_names)
                ),
            )
        )

    agent_keys = draw(unique_keys(draw(st.integers(0, 3))))
    agents = tuple(
        AgentSpec(
            key=key,
            name=name,
            faction=draw(st.none() | st.sampled_from(faction_keys)),
            district=draw(st.none() | st.sampled_from(district_keys)),
            attributes={a: draw(st.integers(0, 5)) for a in ATTRIBUTES},
            skills={s: draw(st.integers(0, 5)) for s in SKILLS},
        )
        for key, name in zip(agent_keys, draw(unique_names(len(agent_keys))), strict=True)
    )
    squadron_keys = draw(unique_keys(draw(st.integers(0, 3))))
    squadrons = tuple(
        SquadronSpec(
            key=key,
            name=name,
            faction=draw(st.sampled_from(faction_keys)),
            district=draw(st.none() | st.sampled_from(district_keys)),
            type=draw(texts.filter(lambda s: len(s) <= 50)),
            mobility=draw(st.integers(0, 5)),
            aptitudes={a: draw(st.integers(-3, 5)) for a in APTITUDES},
        )
        for key, name in zip(squadron_keys, draw(unique_names(len(squadron_keys))), strict=True)
    )
    return CampaignFile(
        name=draw(names.filter(lambda s: len(s) <= 100)),
        seed=draw(st.none() | st.integers(0, MAX_SEED)),
        turn=draw(st.none() | st.integers(1, 10**6)),
        phase=draw(st.none() | st.sampled_from([p.value for p in Phase])),
        factions=tuple(factions),
        relationships=relationships,
        districts=tuple(districts),
        agents=agents,
        squadrons=squadrons,
        map=draw(
            st.none()
            | st.builds(
                MapSpec,
                base_image=st.none() | st.sampled_from(["base.png", "maps/city map.svg"]),
                width=st.none() | st.integers(1, 10000),
                height=st.none() | st.integers(1, 10000),
            )
        ),
    )
