"""Turn deliveries and GM views rendered for Discord, on realistic payloads."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Sequence
from typing import Any

import discord
import pytest

from bot.render.report_labels import Names
from bot.render.report_layout import Section, render_sections, render_single_message
from bot.render.reports import (
    Message,
    effect_on_win,
    embed_length,
    render_conflict,
    render_conflict_report,
    render_delivery,
    render_faction_report,
    render_gm_summary,
    render_intel,
    result_line,
)
from bot.render.text import ZERO_WIDTH_SPACE, text_length
from bot.rules.model import Board, District, Faction
from bot.rules.monitoring import MonitoringSource, Rumor, SourceKind, build_report, player_view

SEED = 20240607
FACTIONS = {"red": "Red Hand", "blue": "Blue Guild", "green": "Green Circle", "gold": "Gold Syn"}


# Discord limits ------------------------------------------------------------------------


def assert_within_discord_limits(messages: Sequence[Message]) -> None:
    """Every limit of a sent message, checked on our dicts and on discord.py's Embed."""
    assert messages, "a renderer must say something"
    for message in messages:
        assert set(message) == {"content", "embeds"}
        content = message["content"]
        embeds = message["embeds"]
        assert content is not None or embeds, "an empty message cannot be sent"
        if content is not None:
            assert 0 < text_length(content) <= 2000
        assert len(embeds) <= 10
        total = 0
        for embed in embeds:
            assert text_length(embed.get("title", "")) <= 256
            assert text_length(embed.get("description", "")) <= 4096
            assert len(embed.get("fields", [])) <= 25
            for item in embed.get("fields", []):
                assert 0 < text_length(item["name"]) <= 256
                assert 0 < text_length(item["value"]) <= 1024
            assert text_length(embed.get("footer", {}).get("text", "")) <= 2048
            assert embed.get("title") or embed.get("description")
            total += embed_length(embed)
            real = discord.Embed.from_dict(copy.deepcopy(embed))
            assert len(real) <= embed_length(embed)  # discord.py counts code points
            assert real.to_dict().get("title") == embed.get("title")
        assert total <= 6000


def every_text(messages: Sequence[Message]) -> str:
    parts: list[str] = []
    for message in messages:
        parts.append(message["content"] or "")
        for embed in message["embeds"]:
            parts += [embed.get("title", ""), embed.get("description", "")]
            parts.append(embed.get("footer", {}).get("text", ""))
            for item in embed.get("fields", []):
                parts += [item["name"], item["value"]]
    return "\n".join(parts)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_limit_checker_catches_an_oversized_message() -> None:
    too_many = [{"content": None, "embeds": [{"title": "x"}] * 11}]
    with pytest.raises(AssertionError):
        assert_within_discord_limits(too_many)
    too_long = [{"content": None, "embeds": [{"description": "x" * 4000}] * 2}]
    with pytest.raises(AssertionError):
        assert_within_discord_limits(too_long)


# Payload builders -----------------------------------------------------------------------


def names_block(faction_names: dict[str, str], district_names: dict[str, str]) -> dict:
    return {"factions": dict(faction_names), "districts": dict(district_names)}


def city(count: int) -> tuple[Board, list[Rumor], dict[int, dict[tuple[str, str], int]]]:
    """``count`` districts in a ring, four factions, influence varying by district."""
    ids = [f"d{i:02d}" for i in range(count)]
    districts = {
        d: District(
            d,
            name=f"District {i}",
            weekly_modifier=(i % 5) - 2,
            adjacent=frozenset({ids[(i - 1) % count], ids[(i + 1) % count]}),
        )
        for i, d in enumerate(ids)
    }
    influence: dict[tuple[str, str], int] = {}
    for i, d in enumerate(ids):
        influence[(d, "red")] = i % 4
        influence[(d, "blue")] = (i * 3) % 5
        influence[(d, "green")] = 1 + i % 2
        influence[(d, "gold")] = 0 if i % 3 else 2
    strongholds = frozenset({(d, "blue") for d in ids[::4]} | {(d, "red") for d in ids[1::5]})
    relationships = {("blue", "green"): -2, ("green", "blue"): -1, ("gold", "red"): 2}
    board = Board(
        factions={f: Faction(f, name=n) for f, n in FACTIONS.items()},
        districts=districts,
        influence=influence,
        strongholds=strongholds,
        relationships=relationships,
    )
    long_text = (
        "Dockworkers whisper that the harbor master keeps two ledgers, one for the crown "
        "and one for the smugglers who pay him in pearls and favours. "
    ) * 7
    rumors = [
        Rumor(f"r{d}{k}", d, discovery_dc=0, title=f"Ledger {d}-{k}", text=f"{long_text} ({d}/{k})")
        for d in ids
        for k in range(2)
    ]
    history = {k: {key: max(0, v - (3 - k)) for key, v in influence.items()} for k in range(3)}
    return board, rumors, history


def player_reports(count: int, totals: Sequence[int]) -> tuple[list[dict], Board]:
    board, rumors, history = city(count)
    reports = []
    for i, district_id in enumerate(sorted(board.districts)):
        total = totals[i % len(totals)]
        source = MonitoringSource("agent:a1", "red", district_id, SourceKind.AGENT, total)
        report = build_report(
            SEED,
            3,
            "red",
            district_id,
            [source],
            board,
            history,
            known_rumor_ids=[f"r{district_id}1"] if i % 2 else [],
            rumors=rumors,
        )
        reports.append({"district_id": district_id, "report": player_view(report.to_json())})
    return reports, board


def result(**overrides: Any) -> dict[str, Any]:
    base = {
        "piece": "agent:a1",
        "piece_name": "Mara",
        "piece_type": "agent",
        "district_id": "d00",
        "action": "gain_influence",
        "target_faction_id": None,
        "description": "",
        "status": "applied",
        "dc": 12,
        "total": 15,
        "tier": "success",
        "monitoring_tier": None,
        "influence_gained": 1,
        "influence_lost": 0,
        "target_gained": 0,
        "target_lost": 0,
        "pool_exhausted": False,
        "conflict_id": None,
        "conflict_outcome": None,
        "note": "",
    }
    base.update(overrides)
    return base


def faction_payload(count: int, totals: Sequence[int]) -> dict[str, Any]:
    reports, board = player_reports(count, totals)
    return {
        "kind": "faction_report",
        "turn": 3,
        "campaign": "Harbor City",
        "faction": {"id": "red", "name": "Red Hand", "color": "#c0392b"},
        "names": names_block(FACTIONS, {d.id: d.name for d in board.districts.values()}),
        "reports": reports,
        "results": [
            result(),
            result(
                piece="squadron:s1",
                piece_name="Night Watch",
                piece_type="squadron",
                action="monitor",
                dc=None,
                total=21,
                tier=None,
                monitoring_tier="very_good",
                influence_gained=0,
            ),
        ],
        "decay": [{"district_id": "d01", "change": -1}],
    }


# Faction report -------------------------------------------------------------------------


def test_small_report_reads_as_the_rules_describe() -> None:
    payload = faction_payload(2, [22])
    messages = render_faction_report(payload)
    assert_within_discord_limits(messages)
    header = messages[0]["embeds"][0]
    assert header["title"] == "Turn 3 intelligence report"
    assert header["color"] == 0xC0392B
    text = every_text(messages)
    first = payload["reports"][0]["report"]
    district = messages[0]["embeds"][1]
    assert district["title"] == "District 0"
    own = first["own"]
    assert f"Your influence: {own['influence']}" in district["description"]
    for entry in first["factions"]:
        line = f"{FACTIONS[entry['faction_id']]} ~ {entry['influence']}"
        if entry["stronghold"]:
            line += " (stronghold reported)"
        assert f"- {line}\n" in district["description"] + "\n"
    assert f"Confidence: {first['confidence_rating']}/10" in district["description"]
    assert (
        "Mara (agent) - gain influence in District 0: 15 vs DC 12 - success: +1 influence" in text
    )
    assert "Night Watch (squadron) - monitor in District 0: 21 - very good monitoring" in text
    assert "- District 1: -1 influence" in text
    assert "Campaign: Harbor City" in text


def test_dc_modifier_rumors_and_benefits_are_shown() -> None:
    reports, _ = player_reports(1, [30])
    report = reports[0]["report"]
    report["dc_modifier"] = {"value": 2, "direction_only": False, "sign": 1}
    report["special_benefits"] = {
        "legendary_intel_pending": True,
        "relationship": {"from": "blue", "to": "green", "value": -2},
    }
    report["rumors_known"] = [{"id": "old", "title": "The old mill"}]
    payload = faction_payload(1, [30]) | {"reports": reports}
    text = every_text(render_faction_report(payload))
    assert "DC modifier: +2 (DCs harder)" in text
    assert "Relationship learned: Blue Guild toward Green Circle is hot war (-2)" in text
    assert "revealed" in text
    assert "Rumors already known: The old mill" in text
    for rumor in report["rumors_discovered"]:
        assert f"**{rumor['title']}**" in text
        assert squash(rumor["text"]) in squash(text)
    report["dc_modifier"] = {"value": None, "direction_only": True, "sign": -1}
    text = every_text(render_faction_report(payload))
    assert "DCs are easier here (exact value unknown)" in text
    report["dc_modifier"] = None
    assert "DC modifier: not discovered" in every_text(render_faction_report(payload))


def test_thirty_districts_with_long_rumors_split_without_loss() -> None:
    payload = faction_payload(30, [3, 8, 12, 17, 22, 27, 33])
    messages = render_faction_report(payload)
    assert len(messages) > 3
    assert_within_discord_limits(messages)
    text = squash(every_text(messages))
    rumor_count = changes = 0
    for entry in payload["reports"]:
        for rumor in entry["report"]["rumors_discovered"]:
            rumor_count += 1
            assert squash(rumor["text"]) in text
        assert f"Confidence: {entry['report']['confidence_rating']}/10" in text
        for change in entry["report"]["recent_changes"]:
            changes += 1
            shown = (
                f"{FACTIONS[change['faction_id']]}: {change['change']:+d} (turn {change['turn']})"
            )
            assert shown in text
    assert rumor_count >= 30 and changes >= 5
    titles = [e["title"] for m in messages for e in m["embeds"]]
    for district in range(30):
        assert f"District {district}" in titles
    assert titles[-2:] == ["Your pieces", "Influence decay"]


def test_one_huge_district_continues_in_further_embeds() -> None:
    payload = faction_payload(1, [35])
    report = payload["reports"][0]["report"]
    report["rumors_discovered"] = [
        {"id": f"x{i}", "title": f"Tale {i}", "text": ("long tale " * 500) + f"end{i}"}
        for i in range(4)
    ]
    messages = render_faction_report(payload)
    assert_within_discord_limits(messages)
    titles = [e["title"] for m in messages for e in m["embeds"]]
    assert "District 0 (continued)" in titles
    text = every_text(messages)
    for i in range(4):
        assert f"end{i}" in text


GM_ONLY = re.compile(r"phantom|\btrue\b|\bgm\b|best_total|bias|sources?\b", re.IGNORECASE)


def test_player_report_shows_nothing_gm_only() -> None:
    payload = faction_payload(30, [-4, 2, 7, 11, 16, 21, 26, 31])
    messages = render_faction_report(payload)
    text = every_text(messages)
    assert not GM_ONLY.search(text), GM_ONLY.search(text)
    assert "False" not in text and "None" not in text


def test_phantoms_render_like_real_factions() -> None:
    board, rumors, history = city(30)
    found = None
    for i, district_id in enumerate(sorted(board.districts)):
        for total in (1, 3, 6, 9):
            source = MonitoringSource(f"agent:p{i}", "red", district_id, SourceKind.AGENT, total)
            report = build_report(SEED, 3, "red", district_id, [source], board, history)
            phantoms = [e for e in report.factions if e.phantom]
            if phantoms:
                found = (report, phantoms[0])
                break
        if found:
            break
    assert found is not None, "the seeded city yields a phantom at a poor tier"
    report, phantom = found
    payload = faction_payload(1, [10]) | {
        "reports": [{"district_id": report.district_id, "report": player_view(report.to_json())}]
    }
    text = every_text(render_faction_report(payload))
    assert f"{FACTIONS[phantom.faction_id]} ~ {phantom.value}" in text
    assert not GM_ONLY.search(text)


def test_user_text_cannot_ping_or_format() -> None:
    payload = faction_payload(3, [31])
    payload["faction"]["name"] = "@everyone **Red**"
    payload["campaign"] = "<@&123456789012345678> city"
    payload["names"]["factions"]["blue"] = "@here <@123456789012345678>"
    payload["names"]["districts"]["d00"] = "<#123456789012345678> __Docks__"
    report = payload["reports"][0]["report"]
    report["rumors_discovered"] = [{"id": "z", "title": "@everyone", "text": "# big\n<@1> *x*"}]
    payload["results"][0]["piece_name"] = "`Mara`@here"
    payload["results"][0]["note"] = "ping <@!42>"
    messages = render_faction_report(payload)
    assert_within_discord_limits(messages)
    text = every_text(messages)
    for raw in ("@everyone", "@here", "<@", "<#", "<@&", "__Docks__", "`Mara`", "\n# big"):
        assert raw not in text
    assert f"@{ZERO_WIDTH_SPACE}everyone" in text
    assert "\\_\\_Docks\\_\\_" in text


def test_empty_report_still_says_something() -> None:
    payload = {
        "kind": "faction_report",
        "turn": 1,
        "campaign": "",
        "faction": {"id": "red", "name": "Red Hand", "color": None},
        "names": names_block(FACTIONS, {}),
        "reports": [],
        "results": [],
        "decay": [],
    }
    messages = render_faction_report(payload)
    assert_within_discord_limits(messages)
    assert "No district was watched this turn." in every_text(messages)
    assert "color" not in messages[0]["embeds"][0]


def test_rendering_is_deterministic_and_json_safe() -> None:
    payload = faction_payload(12, [5, 15, 25])
    first = render_faction_report(payload)
    second = render_faction_report(json.loads(json.dumps(payload)))
    assert first == second
    assert json.loads(json.dumps(first)) == first


# Result lines ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, "Mara (agent) - gain influence in Docks: 15 vs DC 12 - success: +1 influence"),
        (
            {"action": "take_influence", "target_faction_id": "blue", "target_lost": 1},
            "Mara (agent) - take influence against Blue Guild in Docks: 15 vs DC 12 - "
            "success: +1 influence, Blue Guild -1",
        ),
        (
            {"influence_gained": 0, "pool_exhausted": True},
            "Mara (agent) - gain influence in Docks: 15 vs DC 12 - "
            "success: nothing gained, the district's pool is exhausted",
        ),
        (
            {
                "status": "failed",
                "tier": "critical_failure",
                "total": 1,
                "influence_gained": 0,
                "influence_lost": 1,
            },
            "Mara (agent) - gain influence in Docks: 1 vs DC 12 - critical failure: -1 influence",
        ),
        (
            {"status": "failed", "tier": "failure", "total": 9, "influence_gained": 0},
            "Mara (agent) - gain influence in Docks: 9 vs DC 12 - failure: no effect",
        ),
        (
            {
                "status": "forfeited",
                "influence_gained": 0,
                "conflict_id": "T3-docks-1",
                "conflict_outcome": "win",
            },
            "Mara (agent) - gain influence in Docks: 15 vs DC 12 - forfeited: the piece backed "
            "an ally in a conflict [conflict T3-docks-1: win]",
        ),
        (
            {
                "status": "lost",
                "influence_gained": 0,
                "conflict_id": "T3-docks-1",
                "conflict_outcome": "loss",
            },
            "Mara (agent) - gain influence in Docks: 15 vs DC 12 - lost the conflict: no effect "
            "[conflict T3-docks-1: loss]",
        ),
        (
            {
                "status": "no_opposition",
                "action": "initiate_conflict",
                "target_faction_id": "blue",
                "influence_gained": 0,
                "description": "Burn their *warehouse*",
            },
            "Mara (agent) - initiate conflict against Blue Guild in Docks "
            '("Burn their \\*warehouse\\*"): 15 vs DC 12 - success: no opposition found',
        ),
        (
            {
                "action": "freeform",
                "influence_gained": 0,
                "description": "Bribe the clerk",
                "note": "The clerk talks.",
            },
            'Mara (agent) - freeform action in Docks ("Bribe the clerk"): 15 vs DC 12 - '
            "success\n  Note: The clerk talks.",
        ),
        (
            {"total": None, "dc": None, "tier": None, "influence_gained": 0, "status": "failed"},
            "Mara (agent) - gain influence in Docks: not rolled - not rolled: no effect",
        ),
    ],
)
def test_result_lines(overrides: dict[str, Any], expected: str) -> None:
    names = Names(names_block(FACTIONS, {"d00": "Docks"}))
    assert result_line(result(**overrides), names) == expected


def test_long_descriptions_are_quoted_with_a_visible_cut() -> None:
    names = Names(names_block(FACTIONS, {"d00": "Docks"}))
    line = result_line(result(action="freeform", description="w" * 500), names)
    assert '("' + "w" * 200 + '...")' in line


# Legendary intel ---------------------------------------------------------------------------


def test_intel_reveals_the_order() -> None:
    payload = {
        "kind": "legendary_intel",
        "turn": 4,
        "faction": {"id": "red", "name": "Red Hand", "color": "#c0392b"},
        "names": names_block(FACTIONS, {"docks": "Docks"}),
        "district_id": "docks",
        "intel": {
            "faction_id": "blue",
            "piece_type": "squadron",
            "action": "take_influence",
            "target_faction_id": "red",
        },
    }
    messages = render_intel(payload)
    assert_within_discord_limits(messages)
    assert messages[0]["embeds"][0]["description"] == (
        "In Docks, a squadron of Blue Guild is ordered to take influence against Red Hand."
    )
    payload["intel"] = None
    text = every_text(render_intel(payload))
    assert "found no order of another faction" in text
    assert render_delivery(payload) == render_intel(payload)


# GM summary ---------------------------------------------------------------------------------


def gm_payload(actions: int) -> dict[str, Any]:
    districts = {f"d{i:02d}": f"District {i}" for i in range(30)}
    factions = list(FACTIONS)
    return {
        "kind": "gm_summary",
        "turn": 3,
        "campaign": "Harbor City",
        "names": names_block(FACTIONS, districts),
        "decay": [
            {"district_id": d, "faction_id": "blue", "change": -1} for d in list(districts)[:5]
        ],
        "actions": [
            result(
                piece=f"agent:a{i}",
                piece_name=f"Agent {i}",
                faction_id=factions[i % 4],
                district_id=f"d{i % 30:02d}",
                description="Work the crowd at the fish market " * 4,
            )
            for i in range(actions)
        ],
        "conflicts": [
            {"id": "T3-d01-1", "district_id": "d01", "resolution_type": "win", "notes": "Red"},
            {"id": "T3-d02-1", "district_id": "d02", "resolution_type": None, "notes": None},
        ],
        "walk": [
            {"district_id": "d00", "previous": 2, "new": 2, "step": 1, "roll_type": "blocked"},
            {"district_id": "d01", "previous": 0, "new": -1, "step": -1, "roll_type": "down"},
        ],
        "rumors_discovered": [
            {"faction_id": "red", "district_id": "d00", "rumor_name": "The ledgers"},
            {"faction_id": "blue", "rumor_id": "r7"},
        ],
        "reports": {"red": 4, "blue": 2},
        "influence": {"d00": {"red": 4, "blue": 3}, "d01": {"green": 2}},
    }


def test_gm_summary_lists_everything() -> None:
    payload = gm_payload(8)
    messages = render_gm_summary(payload)
    assert_within_discord_limits(messages)
    text = every_text(messages)
    assert messages[0]["embeds"][0]["title"] == "Turn 3 GM summary"
    assert "Actions: 8 | Conflicts: 2 | Reports: 6" in text
    assert "- District 0: Blue Guild -1" in text
    assert "- T3-d01-1 in District 1: win - Red" in text
    assert "- T3-d02-1 in District 2: not ruled" in text
    assert "- District 0: +2 -> +2 (blocked)" in text
    assert "- District 1: 0 -> -1 (down)" in text
    assert "- Red Hand discovered The ledgers in District 0" in text
    assert "- Blue Guild discovered r7" in text
    assert "- District 0: Red Hand 4, Blue Guild 3 (pool 3)" in text
    titles = [e["title"] for m in messages for e in m["embeds"]]
    assert [t for t in titles if t.startswith("Actions: ")] == [
        "Actions: Blue Guild",
        "Actions: Gold Syn",
        "Actions: Green Circle",
        "Actions: Red Hand",
    ]


def test_gm_summary_of_a_big_turn_splits() -> None:
    payload = gm_payload(400)
    messages = render_gm_summary(payload)
    assert len(messages) > 1
    assert_within_discord_limits(messages)
    text = every_text(messages)
    for i in range(400):
        assert f"Agent {i} (agent)" in text
    assert render_delivery(payload) == messages


# Conflicts ----------------------------------------------------------------------------------


def conflict(pieces_per_side: int = 1) -> dict[str, Any]:
    pieces = []
    for i in range(pieces_per_side):
        pieces += [
            {
                "piece": f"agent:a{i}",
                "piece_name": f"Mara {i}",
                "faction_id": "red",
                "participation": "direct",
                "action": "take_influence",
                "target_faction_id": "blue",
                "description": "Lean on the harbor master " * 3,
                "dc": 14,
                "total": 17,
                "tier": "success",
                "monitoring_tier": None,
                "effect_on_win": "80%: Blue Guild -1, Red Hand +1",
            },
            {
                "piece": f"squadron:s{i}",
                "piece_name": f"Tide Wardens {i}",
                "faction_id": "blue",
                "participation": "adjacent",
                "action": "monitor",
                "target_faction_id": None,
                "description": "",
                "dc": None,
                "total": 19,
                "tier": None,
                "monitoring_tier": "good",
                "effect_on_win": "monitors normally",
            },
        ]
    return {
        "id": "T3-docks-1",
        "district_id": "docks",
        "type": "relationship",
        "detection_source": "relationship red-blue (-2)",
        "status": "pending",
        "factions": [
            {"faction_id": "red", "role": "initiator", "outcome": None},
            {"faction_id": "blue", "role": "target", "outcome": None},
        ],
        "pieces": pieces,
        "resolution": None,
        "names": names_block(FACTIONS, {"docks": "Docks"}),
    }


def test_conflict_groups_sides_with_roles_and_rolls() -> None:
    message = render_conflict(conflict())
    assert_within_discord_limits([message])
    embeds = message["embeds"]
    assert [e["title"] for e in embeds] == [
        "Conflict T3-docks-1",
        "Red Hand - initiator",
        "Blue Guild - target",
    ]
    assert "District: Docks" in embeds[0]["description"]
    assert "Detected by: relationship red-blue (-2)" in embeds[0]["description"]
    assert "Status: pending" in embeds[0]["description"]
    red = embeds[1]["description"]
    assert red.startswith(
        "- Mara 0 (agent), direct: take influence against Blue Guild - 17 vs DC 14 - success"
    )
    assert "On a win: 80%: Blue Guild -1, Red Hand +1" in red
    blue = embeds[2]["description"]
    assert blue.startswith(
        "- Tide Wardens 0 (squadron), from an adjacent district: monitor - 19 - good monitoring"
    )


def test_ruled_conflict_shows_outcomes_and_notes() -> None:
    payload = conflict()
    payload["status"] = "resolved"
    payload["factions"][0]["outcome"] = "win"
    payload["factions"][1]["outcome"] = "loss"
    payload["resolution"] = {"resolution_type": "win", "notes": "@everyone lost", "resolved_by": 7}
    message = render_conflict(payload)
    titles = [e["title"] for e in message["embeds"]]
    assert titles[1:] == ["Red Hand - initiator (win)", "Blue Guild - target (loss)"]
    header = message["embeds"][0]["description"]
    assert "Ruling: win by 7" in header
    assert f"Notes: @{ZERO_WIDTH_SPACE}everyone lost" in header


def test_huge_conflict_stays_one_message_and_counts_what_it_left_out() -> None:
    message = render_conflict(conflict(pieces_per_side=60))
    assert_within_discord_limits([message])
    text = every_text([message])
    assert re.search(r"\(\d+ more\.\.\.\)", text)
    assert "Mara 0 (agent)" in text and "Tide Wardens 0 (squadron)" in text


def test_conflict_from_the_pipelines_conflict_report() -> None:
    """The lead's ``conflict_report`` payload: no piece names or effects inside conflicts."""
    bare = conflict()
    del bare["names"]
    for piece in bare["pieces"]:
        del piece["piece_name"], piece["effect_on_win"], piece["monitoring_tier"]
    bare["pieces"][1]["tier"] = "good"
    bare["pieces"][0]["conflict_penalty"] = -2
    payload = {
        "kind": "conflict_report",
        "turn": 3,
        "names": names_block(FACTIONS, {"docks": "Docks"}),
        "conflicts": [bare, {**conflict(), "id": "T3-docks-0"}],
        "piece_names": {"a0": "Mara", "s0": "Tide Wardens"},
    }
    messages = render_conflict_report(payload)
    assert len(messages) == 2
    assert_within_discord_limits(messages)
    assert messages[0]["embeds"][0]["title"] == "Conflict T3-docks-0"
    text = every_text(messages[1:])
    assert "- Mara (agent), direct: take influence against Blue Guild - 17 vs DC 14" in text
    assert f"On a win: {effect_on_win('take_influence', 'success', 'Blue Guild')}" in text
    assert "penalty -2" in text
    assert "Tide Wardens (squadron), from an adjacent district: monitor - 19 - good monitoring" in (
        text
    )
    empty = render_conflict_report({"kind": "conflict_report", "turn": 5, "conflicts": []})
    assert_within_discord_limits(empty)
    assert empty[0]["embeds"][0]["title"] == "Turn 5: no conflicts"


def test_effect_on_win_follows_the_influence_tables() -> None:
    assert effect_on_win("gain_influence", "success", "X") == (
        "+1 from the pool (fails if the pool is empty)"
    )
    assert effect_on_win("take_influence", "success", "Blue") == (
        "80%: Blue -1, actor +1; 20%: nothing"
    )
    assert effect_on_win("gain_influence", "failure", "X") == "nothing"
    assert effect_on_win("freeform", "success", "X") == "as the GM rules"


# Layout --------------------------------------------------------------------------------------


def test_many_small_sections_pack_ten_embeds_per_message() -> None:
    messages = render_sections([Section(f"S{i}", [f"line {i}"]) for i in range(23)])
    assert [len(m["embeds"]) for m in messages] == [10, 10, 3]
    assert_within_discord_limits(messages)


def test_single_message_merges_sections_beyond_ten() -> None:
    message = render_single_message([Section(f"S{i}", [f"line {i}"]) for i in range(14)])
    assert_within_discord_limits([message])
    assert len(message["embeds"]) == 10
    assert message["embeds"][-1]["title"] == "S9 and 4 more"
    assert "**S13**\nline 13" in message["embeds"][-1]["description"]


def test_unknown_payload_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="no renderer"):
        render_delivery({"kind": "frobnicate"})
    with pytest.raises(ValueError, match="needs its rendered messages"):
        render_delivery({"kind": "newspaper"})


def test_newspaper_payloads_carry_their_rendered_messages() -> None:
    embeds = [{"title": "The Crier - Issue #1"}, {"title": "Barrels", "description": "Heavy."}]
    payload = {"kind": "newspaper", "messages": [{"content": None, "embeds": embeds}]}
    assert render_delivery(payload) == [{"content": None, "embeds": embeds}]
