"""docs/campaign-format.md documents every field the parser accepts, with range and default,
and the documented integer ranges and defaults are the ones the parser applies."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from bot.campaign import FIELDS, load
from bot.campaign.model import (
    DEFAULT_APTITUDE,
    DEFAULT_COLOR,
    DEFAULT_MONITOR_APTITUDE,
    DEFAULT_NEWSPAPER_WEIGHT,
)
from bot.rules.model import APTITUDES
from tests.campaign.conftest import minimal_doc, problems_of

DOC = Path(__file__).resolve().parents[2] / "docs" / "campaign-format.md"
TEXT = DOC.read_text(encoding="utf-8")
_HEADING = re.compile(r"^(##+) `\[*([a-z_.]+)\]*`", re.M)


def sections() -> dict[str, str]:
    """Table name (``districts.rumors``) -> the text under its heading."""
    marks = list(_HEADING.finditer(TEXT))
    result = {}
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(TEXT)
        result[mark.group(2)] = TEXT[mark.end() : end]
    return result


def field_rows(section: str) -> dict[str, dict[str, str]]:
    """field name -> {column: cell} of the first markdown table of a section."""
    lines = [line for line in section.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    rows: dict[str, dict[str, str]] = {}
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        row = dict(zip(header, cells, strict=True))
        for name in re.findall(r"`([a-z_]+)`", row["Field"]):
            rows[name] = row
    return rows


NESTED = [table for table in FIELDS if table]


def test_every_table_has_a_section() -> None:
    assert set(sections()) == set(NESTED)


@pytest.mark.parametrize("table", NESTED)
def test_every_field_has_a_row_with_range_and_default(table: str) -> None:
    rows = field_rows(sections()[table])
    documented_children = {t.split(".", 1)[1] for t in NESTED if t.startswith(f"{table}.")}
    for name in FIELDS[table]:
        assert name in rows, f"{table}.{name} is not documented"
        row = rows[name]
        assert row["Range / values"], f"{table}.{name} has no range"
        assert row["Default"], f"{table}.{name} has no default"
        assert row["Required"], f"{table}.{name} does not say whether it is required"
        if name in documented_children:
            assert "see below" in row["Range / values"] or name == "shape"
    assert set(rows) <= set(FIELDS[table]), "the doc lists a field the parser refuses"


def _integer_ranges() -> list[tuple[str, str, int, int]]:
    found = []
    for table, section in sections().items():
        for name, row in field_rows(section).items():
            match = re.match(r"^([−-]?\d+)\.\.([−-]?\d+)", row["Range / values"])
            if match and row["Type"] in ("integer", "table faction key → integer"):
                lo, hi = (int(g.replace("−", "-")) for g in match.groups())
                found.append((table, name, lo, hi))
    return found


INTEGER_RANGES = _integer_ranges()


def _target(doc: dict[str, Any], table: str) -> dict[str, Any]:
    """One instance of ``table`` in (a copy of) the minimal campaign, created if needed."""
    if table == "factions":
        return doc["factions"][0]
    if table == "districts":
        return doc["districts"][0]
    if table == "agents":
        return doc["agents"][0]
    if table == "squadrons":
        return doc["squadrons"][0]
    if table == "relationships":
        return doc["relationships"][0]
    if table == "map":
        doc["map"] = {}
        return doc["map"]
    if table == "districts.modifiers":
        doc["districts"][0]["modifiers"] = [{"type": "festival", "value": 0}]
        return doc["districts"][0]["modifiers"][0]
    if table == "districts.shape":
        return doc["districts"][0]["shape"]
    raise AssertionError(f"no instance for {table}")


def test_integer_ranges_are_found() -> None:
    names = {(t, n) for t, n, _, _ in INTEGER_RANGES}
    assert {("factions", "monitoring_bonus"), ("districts", "commerce"), ("agents", "might"),
            ("squadrons", "combat"), ("squadrons", "mobility"), ("relationships", "value"),
            ("districts", "weekly_modifier"), ("districts.modifiers", "value"), ("map", "width"),
            ("districts", "likeability"),
            ("districts.shape", "border_width")} <= names  # fmt: skip


@pytest.mark.parametrize(("table", "name", "lo", "hi"), INTEGER_RANGES,
                         ids=[f"{t}.{n}" for t, n, _, _ in INTEGER_RANGES])  # fmt: skip
def test_documented_integer_ranges_are_the_parsers(table: str, name: str, lo: int, hi: int) -> None:
    for value, accepted in ((lo, True), (hi, True), (lo - 1, False), (hi + 1, False)):
        doc = minimal_doc()
        per_faction = field_rows(sections()[table])[name]["Type"].startswith("table")
        _target(doc, table)[name] = {"red": value} if per_faction else value
        spot = f".{name}.red" if per_faction else f".{name}"
        problems = [p for p in problems_of(doc) if p.where.endswith(spot)]
        assert (problems == []) is accepted, (table, name, value, [str(p) for p in problems])
        if not accepted:
            assert f"{lo}..{hi}" in problems[0].message  # the message says what is allowed


def test_documented_defaults_are_the_models() -> None:
    rows = {t: field_rows(s) for t, s in sections().items()}
    assert rows["factions"]["color"]["Default"] == f"`{DEFAULT_COLOR}`"
    assert rows["factions"]["monitoring_bonus"]["Default"] == "0"
    assert rows["squadrons"]["combat"]["Default"] == str(DEFAULT_APTITUDE).replace("-", "−")
    assert rows["districts.rumors"]["newspaper_weight"]["Default"] == str(DEFAULT_NEWSPAPER_WEIGHT)
    assert (
        rows["districts"]["preferred_monitor_squadron_aptitude"]["Default"]
        == f"`{DEFAULT_MONITOR_APTITUDE}`"
    )
    # And the parser really applies them when the fields are left out.
    doc = minimal_doc()
    del doc["factions"][0]["color"]
    doc["squadrons"][0].pop("combat")
    campaign = load(tomli_w.dumps(doc).encode())
    red = campaign.faction("red")
    assert red is not None and red.color == DEFAULT_COLOR and red.monitoring_bonus == 0
    assert campaign.squadrons[0].aptitudes == {
        a: DEFAULT_APTITUDE for a in APTITUDES
    }  # every aptitude defaults, combat included
    assert campaign.districts[0].preferred_monitor_squadron_aptitude == DEFAULT_MONITOR_APTITUDE
    assert campaign.districts[1].rumors[0].newspaper_weight == DEFAULT_NEWSPAPER_WEIGHT


def test_the_documented_example_is_a_valid_campaign() -> None:
    example = re.search(r"## Example\n\n```toml\n(.*?)```", TEXT, re.S)
    assert example is not None
    campaign = load(example.group(1).encode())
    assert campaign.name == "Two Towers" and len(campaign.districts) == 1
