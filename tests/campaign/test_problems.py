"""Each kind of mistake is reported once, at its exact location, saying what is allowed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import tomli_w

from bot.campaign import CampaignInvalid, check, load
from tests.campaign.conftest import minimal_doc, only_problem, problems_of

Doc = dict[str, Any]


def _set(path: str, value: object) -> Callable[[Doc], None]:
    """Mutator setting ``districts.1.commerce``-style paths."""

    def mutate(doc: Doc) -> None:
        *parents, last = path.split(".")
        node: Any = doc
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return mutate


def _delete(path: str) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        *parents, last = path.split(".")
        node: Any = doc
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        del node[last]

    return mutate


def _self_crossing(doc: Doc) -> None:
    doc["districts"][0]["shape"] = {
        "type": "polygon",
        "points": [[0.0, 0.0], [0.4, 1.0], [0.4, 0.0], [0.0, 0.5]],
    }


SINGLE_PROBLEMS: list[tuple[str, Callable[[Doc], None], str, str]] = [
    # (id, mutation, expected where, expected words in the message)
    (
        "wrong type",
        _set("districts.1.commerce", "high"),
        "districts[1] 'bridge'.commerce",
        "must be an integer 0..10, not string",
    ),
    ("bool is not int", _set("agents.0.might", True), "agents[0] 'scarlet'.might", "not boolean"),
    (
        "agent stat range",
        _set("agents.0.presence", 6),
        "agents[0] 'scarlet'.presence",
        "out of range; allowed: an integer 0..5",
    ),
    ("aptitude range", _set("squadrons.0.combat", -4), "squadrons[0] 'red-guard'.combat", "-3..5"),
    (
        "mobility range",
        _set("squadrons.0.mobility", 6),
        "squadrons[0] 'red-guard'.mobility",
        "0..5",
    ),
    (
        "district value range",
        _set("districts.0.aristocratic", 11),
        "districts[0] 'west'.aristocratic",
        "0..10",
    ),
    (
        "monitoring bonus",
        _set("factions.0.monitoring_bonus", 6),
        "factions[0] 'red'.monitoring_bonus",
        "-5..5",
    ),
    (
        "weekly modifier",
        _set("districts.0.weekly_modifier", 3),
        "districts[0] 'west'.weekly_modifier",
        "-2..2",
    ),
    (
        "likeability",
        _set("districts.0.likeability", {"red": -6}),
        "districts[0] 'west'.likeability.red",
        "-5..5",
    ),
    (
        "influence value",
        _set("districts.0.influence", {"red": 11}),
        "districts[0] 'west'.influence.red",
        "0..10",
    ),
    (
        "influence total",
        _set("districts.1.influence", {"red": 6, "blue": 5}),
        "districts[1] 'bridge'.influence",
        "totals 11",
    ),
    (
        "unknown faction in influence",
        _set("districts.0.influence", {"green": 1}),
        "districts[0] 'west'.influence.green",
        "unknown faction 'green'; known: blue, red",
    ),
    (
        "unknown faction in stronghold",
        _set("districts.0.strongholds", ["red", "green"]),
        "districts[0] 'west'.strongholds[1]",
        "unknown faction 'green'",
    ),
    (
        "unknown district for agent",
        _set("agents.0.district", "north"),
        "agents[0] 'scarlet'.district",
        "unknown district 'north'",
    ),
    (
        "unknown faction for squadron",
        _set("squadrons.1.faction", "green"),
        "squadrons[1] 'blue-watch'.faction",
        "unknown faction 'green'",
    ),
    (
        "unknown adjacency",
        _set("districts.0.adjacent", ["bridge", "moon"]),
        "districts[0] 'west'.adjacent[1]",
        "unknown district 'moon'",
    ),
    (
        "asymmetric adjacency",
        _set("districts.2.adjacent", []),
        "districts[1] 'bridge'.adjacent",
        "symmetric: 'bridge' lists 'east', but 'east' does not list 'bridge'",
    ),
    (
        "self adjacency",
        _set("districts.0.adjacent", ["bridge", "west"]),
        "districts[0] 'west'.adjacent",
        "cannot be adjacent to itself",
    ),
    (
        "duplicate adjacency entry",
        _set("districts.0.adjacent", ["bridge", "bridge"]),
        "districts[0] 'west'.adjacent[1]",
        "listed twice",
    ),
    (
        "duplicate faction name",
        _set("factions.1.name", "the red tower"),
        "factions[1] 'blue'.name",
        "duplicate name 'the red tower': already used by factions[0]",
    ),
    (
        "duplicate district name",
        _set("districts.2.name", "West Bank"),
        "districts[2] 'east'.name",
        "duplicate name",
    ),
    (
        "duplicate agent key",
        _set("agents.1.key", "scarlet"),
        "agents[1] 'scarlet'.key",
        "duplicate key 'scarlet'",
    ),
    (
        "duplicate squadron key",
        _set("squadrons.1.key", "red-guard"),
        "squadrons[1] 'red-guard'.key",
        "duplicate key",
    ),
    ("invalid key", _set("agents.0.key", "Bad Key"), "agents[0].key", "not a valid key"),
    (
        "missing required",
        _delete("districts.0.preferred_monitor_skill"),
        "districts[0] 'west'.preferred_monitor_skill",
        "is required (one of infiltration",
    ),
    ("missing name", _delete("agents.1.name"), "agents[1] 'azure'.name", "is required"),
    (
        "unknown attribute name",
        _set("districts.0.preferred_gain_attribute", "charisma"),
        "districts[0] 'west'.preferred_gain_attribute",
        "'charisma' is not allowed; use one of intellect, presence, finesse, might, attunement",
    ),
    (
        "unknown aptitude name",
        _set("districts.0.preferred_monitor_squadron_aptitude", "stealth"),
        "districts[0] 'west'.preferred_monitor_squadron_aptitude",
        "one of combat, underworld",
    ),
    (
        "unknown field",
        _set("agents.0.charisma", 3),
        "agents[0] 'scarlet'.charisma",
        "unknown field",
    ),
    ("unknown table", _set("weather", {"rain": True}), "weather", "unknown field"),
    (
        "bad color",
        _set("factions.0.color", "red"),
        "factions[0] 'red'.color",
        "'red' is not a colour; use '#RRGGBB'",
    ),
    (
        "bad shape color",
        _set("districts.0.shape.fill", "#12345"),
        "districts[0] 'west'.shape.fill",
        "not a colour",
    ),
    (
        "polygon point out of 0..1",
        _set("districts.0.shape", {"type": "polygon", "points": [[0, 0], [1.2, 0], [0, 1]]}),
        "districts[0] 'west'.shape.points[1][0]",
        "allowed: a number >= 0 and <= 1",
    ),
    (
        "polygon too few points",
        _set("districts.0.shape", {"type": "polygon", "points": [[0, 0], [1, 0]]}),
        "districts[0] 'west'.shape.points",
        "needs 3..200",
    ),
    (
        "polygon self-crossing",
        _self_crossing,
        "districts[0] 'west'.shape.points",
        "crosses or touches itself",
    ),
    (
        "rectangle past the edge",
        _set("districts.0.shape.x", 0.7),
        "districts[0] 'west'.shape",
        "x + width and y + height must be <= 1",
    ),
    (
        "circle past the edge",
        _set("districts.1.shape.cx", 0.95),
        "districts[1] 'bridge'.shape",
        "cx ± r and cy ± r must stay in 0..1",
    ),
    (
        "field of another shape kind",
        _set("districts.1.shape.width", 0.1),
        "districts[1] 'bridge'.shape.width",
        "not used by a circle",
    ),
    ("relationship value", _set("relationships.0.value", 3), "relationships[0].value", "-2..2"),
    (
        "relationship unknown faction",
        _set("relationships.0.b", "green"),
        "relationships[0].b",
        "unknown faction 'green'",
    ),
    (
        "relationship with itself",
        _set("relationships.0.b", "red"),
        "relationships[0].b",
        "no relationship with itself",
    ),
    (
        "relationship mixed forms",
        _set("relationships.0.from", "red"),
        "relationships[0]",
        "either a/b",
    ),
    (
        "support toward non-ally",
        _set("factions.0.supports", ["blue"]),
        "factions[0] 'red'.supports",
        "only toward allies (relationship +2 both ways); the relationship with 'blue' is -1",
    ),
    (
        "support toward itself",
        _set("factions.0.supports", ["red"]),
        "factions[0] 'red'.supports",
        "cannot support itself",
    ),
    (
        "rumor dc",
        _set("districts.1.rumors.0.dc", -1),
        "districts[1] 'bridge'.rumors[0] 'loose-stone'.dc",
        "allowed: an integer >= 0",
    ),
    (
        "rumor weight",
        _set("districts.1.rumors.0.newspaper_weight", -0.5),
        "districts[1] 'bridge'.rumors[0] 'loose-stone'.newspaper_weight",
        ">= 0",
    ),
    (
        "rumor known by unknown",
        _set("districts.1.rumors.0.known_by", ["green"]),
        "districts[1] 'bridge'.rumors[0] 'loose-stone'.known_by[0]",
        "unknown faction",
    ),
    (
        "rumor missing text",
        _delete("districts.1.rumors.0.text"),
        "districts[1] 'bridge'.rumors[0] 'loose-stone'.text",
        "is required",
    ),
    (
        "district weekly_dc modifier",
        _set("districts.0.modifiers", [{"type": "weekly_dc", "value": 1}]),
        "districts[0] 'west'.modifiers[0].type",
        "weekly_modifier",
    ),
    (
        "faction modifier type",
        _set("factions.0.modifiers", [{"name": "Gold", "type": "gold", "value": 1}]),
        "factions[0] 'red'.modifiers[0].type",
        "one of commerce, muster, aristocratic",
    ),
    (
        "member id",
        _set("factions.0.members", [{"user_id": "abc"}]),
        "factions[0] 'red'.members[0].user_id",
        "Discord id",
    ),
    ("seed range", _set("campaign.seed", -1), "campaign.seed", "0..18446744073709551615"),
    ("seed type", _set("campaign.seed", 1.5), "campaign.seed", "unsigned 64-bit integer"),
    ("phase", _set("campaign.phase", "lunch"), "campaign.phase", "one of preparation"),
    ("turn", _set("campaign.turn", 0), "campaign.turn", ">= 1"),
    ("missing campaign", _delete("campaign"), "campaign", "the [campaign] table is required"),
    ("map size", _set("map", {"width": 0}), "map.width", "1..10000"),
    ("array expected", _set("agents", {"key": "x"}), "agents", "must be an array, not table"),
    (
        "table expected",
        _set("squadrons.0", "red-guard"),
        "squadrons[0]",
        "must be a table, not string",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "where", "words"),
    [pytest.param(m, w, words, id=name) for name, m, w, words in SINGLE_PROBLEMS],
)
def test_each_problem_is_reported_where_it_is(
    mutate: Callable[[Doc], None], where: str, words: str
) -> None:
    doc = minimal_doc()
    mutate(doc)
    problem = only_problem(doc)
    assert problem.where == where
    assert words in problem.message
    assert str(problem) == f"{where}: {problem.message}"


def test_field_is_relative_to_the_entity() -> None:
    doc = minimal_doc()
    doc["districts"][1]["influence"] = {"red": 6, "blue": 5}
    doc["districts"][1]["rumors"][0]["dc"] = -1
    fields = {p.where: p.field for p in problems_of(doc)}
    assert fields["districts[1] 'bridge'.influence"] == "influence"
    assert fields["districts[1] 'bridge'.rumors[0] 'loose-stone'.dc"] == "dc"


def test_duplicate_faction_key_is_reported() -> None:
    doc = minimal_doc()
    doc["factions"][1]["key"] = "red"
    wheres = [p.where for p in problems_of(doc)]
    assert "factions[1] 'red'.key" in wheres


def test_duplicate_rumor_key_across_districts() -> None:
    doc = minimal_doc()
    rumor = dict(doc["districts"][1]["rumors"][0], name="Another Stone")
    doc["districts"][0]["rumors"] = [rumor]
    problem = only_problem(doc)
    assert problem.where == "districts[1] 'bridge'.rumors[0] 'loose-stone'.key"
    assert "duplicate rumor key 'loose-stone'" in problem.message


def test_user_in_two_factions() -> None:
    doc = minimal_doc()
    doc["factions"][0]["members"] = [{"user_id": 123456789012345678, "leader": True}]
    doc["factions"][1]["members"] = [{"user_id": "123456789012345678"}]
    problem = only_problem(doc)
    assert problem.where == "factions[1] 'blue'.members[0].user_id"
    assert "at most one faction" in problem.message


def test_relationship_set_twice() -> None:
    doc = minimal_doc()
    doc["relationships"].append({"from": "blue", "to": "red", "value": 0})
    problem = only_problem(doc)
    assert problem.where == "relationships[1]"
    assert "blue -> red is already set by relationships[0]" in problem.message


def test_stronghold_without_influence_is_allowed() -> None:
    doc = minimal_doc()
    doc["districts"][1]["strongholds"] = ["red", "blue"]
    doc["districts"][1]["influence"] = {}
    assert problems_of(doc) == []


def test_support_toward_ally_is_allowed() -> None:
    doc = minimal_doc()
    doc["relationships"][0]["value"] = 2
    doc["factions"][0]["supports"] = ["blue"]
    campaign = load(tomli_w.dumps(doc).encode())
    assert campaign.faction("red").supports == ("blue",)


def test_support_needs_alliance_in_both_directions() -> None:
    doc = minimal_doc()
    doc["relationships"] = [
        {"from": "red", "to": "blue", "value": 2},
        {"from": "blue", "to": "red", "value": 1},
    ]
    doc["factions"][0]["supports"] = ["blue"]
    assert "the relationship with 'blue' is +1" in only_problem(doc).message


def test_asymmetric_relationships_are_kept_directed() -> None:
    doc = minimal_doc()
    doc["relationships"] = [
        {"from": "red", "to": "blue", "value": 1},
        {"from": "blue", "to": "red", "value": -2},
    ]
    campaign = load(tomli_w.dumps(doc).encode())
    assert campaign.relationships == {("red", "blue"): 1, ("blue", "red"): -2}


def test_snowflakes_as_int_or_string() -> None:
    doc = minimal_doc()
    doc["factions"][0]["members"] = [{"user_id": "987654321098765432", "leader": True}]
    doc["factions"][0]["channel_id"] = 111111111111111111
    red = load(tomli_w.dumps(doc).encode()).faction("red")
    assert red.members[0].user_id == 987654321098765432 and red.members[0].leader
    assert red.channel_id == 111111111111111111


def test_many_problems_are_reported_at_once() -> None:
    doc = minimal_doc()
    doc["campaign"]["seed"] = "minus one"
    doc["factions"][0]["color"] = "#GGGGGG"
    doc["factions"][1]["supports"] = ["red"]
    doc["relationships"][0]["value"] = -3
    doc["districts"][0]["influence"] = {"red": 7, "blue": 4}
    doc["districts"][0]["preferred_gain_skill"] = "charm"
    doc["districts"][2]["adjacent"] = []
    doc["districts"][1]["rumors"][0]["dc"] = "hard"
    doc["agents"][0]["faction"] = "green"
    doc["squadrons"][1]["monitoring"] = 9
    doc["districts"][2]["shape"]["x"] = 1.5
    with pytest.raises(CampaignInvalid) as caught:
        load(tomli_w.dumps(doc).encode())
    wheres = {p.where for p in caught.value.problems}
    assert wheres >= {
        "campaign.seed",
        "factions[0] 'red'.color",
        "factions[1] 'blue'.supports",
        "relationships[0].value",
        "districts[0] 'west'.influence",
        "districts[0] 'west'.preferred_gain_skill",
        "districts[1] 'bridge'.adjacent",
        "districts[1] 'bridge'.rumors[0] 'loose-stone'.dc",
        "agents[0] 'scarlet'.faction",
        "squadrons[1] 'blue-watch'.monitoring",
        "districts[2] 'east'.shape.x",
    }
    assert "problem(s)" in str(caught.value) and "agents[0] 'scarlet'.faction" in str(caught.value)


def test_check_returns_warnings_without_failing() -> None:
    doc = minimal_doc()
    doc["factions"][1]["color"] = doc["factions"][0]["color"]
    rumor = doc["districts"][1]["rumors"][0]
    rumor["newspaper_hint"] = rumor["text"]
    result = check(tomli_w.dumps(doc).encode())
    assert result.ok and result.campaign is not None
    assert {w.where for w in result.warnings} == {
        "factions[1] 'blue'.color",
        "districts[1] 'bridge'.rumors[0] 'loose-stone'.newspaper_hint",
    }
