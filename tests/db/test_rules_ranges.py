"""RULES.md §1.2, row by row: every ranged value is refused out of range by the database
itself (raw SQL on a separate connection, no repository in the way), and every stated
default is the schema's default.

``SECTION_1_2`` is the table copied verbatim from RULES.md; when the rulebook sits beside the
repository (../shared/RULES.md) a test checks the copy is still exact, so a new or changed
row fails here until it is mapped to a probe.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from db.database import Database

RULES_MD = Path(__file__).resolve().parents[3] / "shared" / "RULES.md"

SECTION_1_2 = """\
| Owner | Field | Range | Default |
|---|---|---|---|
| District | `commerce_value`, `muster_value`, `aristocratic_value` | 0–10 | 0 |
| District | `preferred_gain_attribute`, `preferred_gain_skill`, `preferred_gain_squadron_aptitude` | one name from the lists below | required |
| District | `preferred_monitor_attribute`, `preferred_monitor_skill` | attribute / skill name | required |
| District | `preferred_monitor_squadron_aptitude` | aptitude name | `monitoring` |
| District × faction | `influence_value` | 0–10, and Σ over factions ≤ 10 | 0 |
| District × faction | `has_stronghold` | boolean | false |
| District × faction | `likeability_value` | −5..+5 | 0 |
| District | weekly DC modifier | −2..+2 | 0 |
| Faction pair (directed) | `relationship_value` | −2..+2 | 0 |
| Faction | `monitoring_bonus` (faction-wide information-gathering bonus) | −5..+5 **[D-3]** | 0 |
| Faction | `color` | `#RRGGBB` | `#3498db` |
| Agent | attributes `intellect`, `presence`, `finesse`, `might`, `attunement` | 0–5 | 0 |
| Agent | skills `infiltration`, `persuasion`, `combat`, `streetwise`, `survival`, `artifice`, `arcana` | 0–5 | 0 |
| Squadron | `mobility` | 0–5 | 0 |
| Squadron | aptitudes `combat`, `underworld`, `social`, `technical`, `labor`, `arcane`, `wilderness`, `monitoring` | −3..+5 | −1 |
| Squadron | `type` | free label, no rule effect | — |
| Rumor | `discovery_dc` | integer ≥ 0 (never lowered below 0) | required |
| Rumor | `newspaper_weight` | real ≥ 0 | 1.0 |
| Order | manual modifier | −10..+10 | 0 |
| Order | DC of `freeform` / `initiate_conflict` | 5–30 | none: must be set before orders close |
| Order | description | ≤ 500 characters | empty |
| Order | advantage / disadvantage flags | boolean each | false |
| Support | `will_support` | boolean; may be true only while `rel = +2` | false |
| Report | `confidence_rating` | 1–10 | — |
| Game | `current_turn` | ≥ 1 | 1 |
| Game | campaign seed | unsigned 64-bit integer, drawn once at campaign creation | — |
"""

ATTRIBUTES = ("intellect", "presence", "finesse", "might", "attunement")
SKILLS = ("infiltration", "persuasion", "combat", "streetwise", "survival", "artifice", "arcana")
APTITUDES = ("combat", "underworld", "social", "technical", "labor", "arcane", "wilderness",
             "monitoring")  # fmt: skip
ORDER = "id='T1-agent-a1'"  # the freeform order of full_board
INFLUENCE = "district_id='d1' AND faction_id='f1'"


def _probe(table: str, column: str, where: str, bad: list, good: list) -> tuple:
    return (table, column, where, bad, good)


# (owner, field cell) -> the probes that enforce it. Values just outside the range must be
# refused, the range's ends accepted.
PROBES: dict[tuple[str, str], list[tuple]] = {
    ("District", "`commerce_value`, `muster_value`, `aristocratic_value`"): [
        _probe("districts", c, "id='d1'", [-1, 11], [0, 10])
        for c in ("commerce_value", "muster_value", "aristocratic_value")
    ],
    ("District", "`preferred_gain_attribute`, `preferred_gain_skill`, "
                 "`preferred_gain_squadron_aptitude`"): [
        _probe("districts", "preferred_gain_attribute", "id='d1'", ["luck", "combat"], list(ATTRIBUTES)),
        _probe("districts", "preferred_gain_skill", "id='d1'", ["luck", "might"], list(SKILLS)),
        _probe("districts", "preferred_gain_squadron_aptitude", "id='d1'", ["luck", "might"],
               list(APTITUDES)),
    ],
    ("District", "`preferred_monitor_attribute`, `preferred_monitor_skill`"): [
        _probe("districts", "preferred_monitor_attribute", "id='d1'", ["luck", ""], list(ATTRIBUTES)),
        _probe("districts", "preferred_monitor_skill", "id='d1'", ["luck", None], list(SKILLS)),
    ],
    ("District", "`preferred_monitor_squadron_aptitude`"): [
        _probe("districts", "preferred_monitor_squadron_aptitude", "id='d1'", ["luck", None],
               list(APTITUDES)),
    ],
    ("District × faction", "`influence_value`"): [
        _probe("district_influence", "influence_value", INFLUENCE, [-1, 11, None], [0, 10]),
    ],
    ("District × faction", "`has_stronghold`"): [
        _probe("district_influence", "has_stronghold", INFLUENCE, [2, -1, None], [0, 1]),
    ],
    ("District × faction", "`likeability_value`"): [
        _probe("district_likeability", "likeability_value", "district_id='d1'", [-6, 6], [-5, 5]),
    ],
    ("District", "weekly DC modifier"): [
        _probe("district_modifiers", "modifier_value", "modifier_type='weekly_dc'", [-3, 3],
               [-2, 2]),
    ],
    ("Faction pair (directed)", "`relationship_value`"): [
        _probe("faction_relationships", "relationship_value", "faction_id='f1'", [-3, 3], [-2, 2]),
    ],
    ("Faction", "`monitoring_bonus` (faction-wide information-gathering bonus)"): [
        _probe("factions", "monitoring_bonus", "id='f1'", [-6, 6], [-5, 5]),
    ],
    ("Faction", "`color`"): [
        _probe("factions", "color", "id='f1'", ["red", "#12345G", "#1234567", "#12345", "123456#"],
               ["#A1b2C3", "#000000"]),
    ],
    ("Agent", "attributes `intellect`, `presence`, `finesse`, `might`, `attunement`"): [
        _probe("agents", a, "id='a1'", [-1, 6], [0, 5]) for a in ATTRIBUTES
    ],
    ("Agent", "skills `infiltration`, `persuasion`, `combat`, `streetwise`, `survival`, "
              "`artifice`, `arcana`"): [
        _probe("agents", s, "id='a1'", [-1, 6], [0, 5]) for s in SKILLS
    ],
    ("Squadron", "`mobility`"): [_probe("squadrons", "mobility", "id='s1'", [-1, 6], [0, 5])],
    ("Squadron", "aptitudes `combat`, `underworld`, `social`, `technical`, `labor`, `arcane`, "
                 "`wilderness`, `monitoring`"): [
        _probe("squadrons", f"{a}_aptitude", "id='s1'", [-4, 6], [-3, 5]) for a in APTITUDES
    ],
    ("Squadron", "`type`"): [],  # a free label: nothing to refuse
    ("Rumor", "`discovery_dc`"): [
        _probe("district_rumors", "discovery_dc", "id='r1'", [-1, None], [0, 40]),
    ],
    ("Rumor", "`newspaper_weight`"): [
        _probe("district_rumors", "newspaper_weight", "id='r1'", [-0.5, -1], [0.0, 2.5]),
    ],
    ("Order", "manual modifier"): [
        _probe("actions", "manual_modifier", ORDER, [-11, 11], [-10, 10]),
    ],
    ("Order", "DC of `freeform` / `initiate_conflict`"): [
        _probe("actions", "dc", ORDER, [4, 31, 0], [5, 30, None]),
        _probe("actions", "dc", "id='T1-agent-a2'", [4, 31], [5, 30]),  # initiate_conflict
    ],
    ("Order", "description"): [
        _probe("actions", "description", ORDER, ["x" * 501], ["", "x" * 500]),
    ],
    ("Order", "advantage / disadvantage flags"): [
        _probe("actions", "advantage", ORDER, [2, -1], [0, 1]),
        _probe("actions", "disadvantage", ORDER, [2, -1], [0, 1]),
    ],
    # f1 -> f2 is 0 in full_board: declaring support toward a non-ally is refused.
    ("Support", "`will_support`"): [
        _probe("faction_support_status", "will_support", "turn_number=1", [1, 2], [0]),
    ],
    ("Report", "`confidence_rating`"): [
        _probe("faction_monitoring_reports", "confidence_rating", "faction_id='f1'", [0, 11],
               [1, 10]),
    ],
    ("Game", "`current_turn`"): [
        _probe("game_state", "current_turn", "id='current'", [0, -1], [1, 500]),
    ],
    ("Game", "campaign seed"): [
        _probe("campaign_settings", "rng_seed", "id='current'",
               ["18446744073709551616", "99999999999999999999", "-1", "1.5", "abc", ""],
               ["0", "18446744073709551615", "12345"]),
    ],
}  # fmt: skip


def _rows() -> list[tuple[str, str, str, str]]:
    rows = []
    for line in SECTION_1_2.splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        assert len(cells) == 4, line
        rows.append((cells[0], cells[1], cells[2], cells[3]))
    return rows


def _raw(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def test_embedded_table_is_the_rulebooks():
    if not RULES_MD.is_file():
        pytest.skip(f"{RULES_MD} is not beside the repository")
    text = RULES_MD.read_text(encoding="utf-8")
    section = text[text.index("### 1.2 ") : text.index("### 1.3 ")]
    table = "\n".join(line for line in section.splitlines() if line.startswith("|"))
    assert table + "\n" == SECTION_1_2


def test_every_row_of_section_1_2_has_its_probes():
    rows = _rows()
    assert len(rows) == 26
    keys = {(owner, field) for owner, field, _, _ in rows}
    assert keys == set(PROBES), keys ^ set(PROBES)
    for owner, field, range_, _ in rows:
        if range_.startswith("free label"):
            assert PROBES[(owner, field)] == []
        else:
            assert PROBES[(owner, field)], f"{owner} {field}: {range_} has no probe"


@pytest.fixture
async def allied_order_board(full_board: Database) -> Database:
    """full_board plus an initiate-conflict order for a2 (the second GM-DC action type)."""
    conn = _raw(full_board.path)
    try:
        conn.execute(
            "INSERT INTO actions (id, turn_number, piece_id, piece_type, faction_id, district_id, "
            "action_type, target_faction_id, dc) "
            "VALUES ('T1-agent-a2', 1, 'a2', 'agent', 'f2', 'd2', 'initiate_conflict', 'f1', 12)"
        )
    finally:
        conn.close()
    return full_board


@pytest.mark.parametrize(
    ("owner", "field"), [(o, f) for o, f, r, _ in _rows() if not r.startswith("free label")]
)
async def test_out_of_range_values_are_refused_by_the_database(
    allied_order_board: Database, owner: str, field: str
):
    conn = _raw(allied_order_board.path)
    try:
        for table, column, where, bad, good in PROBES[(owner, field)]:
            sql = f"UPDATE {table} SET {column} = ? WHERE {where}"
            for value in bad:
                with pytest.raises(sqlite3.IntegrityError):
                    conn.execute(sql, (value,))
                    pytest.fail(f"{table}.{column} accepted {value!r}")
            for value in good:
                assert conn.execute(sql, (value,)).rowcount == 1, f"{table}.{column}={value!r}"
    finally:
        conn.close()


async def test_influence_total_over_ten_is_refused_by_the_database(full_board: Database):
    """Influence is "0–10, and Σ over factions ≤ 10": the row CHECK cannot see the sum."""
    conn = _raw(full_board.path)
    try:
        insert = (
            "INSERT INTO district_influence (district_id, faction_id, influence_value) "
            "VALUES ('d1', ?, ?)"
        )
        conn.execute(insert, ("f2", 5))  # 5 + 5 = 10: full, allowed
        with pytest.raises(sqlite3.IntegrityError, match="exceeds 10"):
            conn.execute(insert, ("f3", 1))
        with pytest.raises(sqlite3.IntegrityError, match="exceeds 10"):
            conn.execute(f"UPDATE district_influence SET influence_value = 6 WHERE {INFLUENCE}")
        conn.execute(
            "INSERT INTO district_influence (district_id, faction_id, influence_value) "
            "VALUES ('d2', 'f3', 1)"
        )
        with pytest.raises(sqlite3.IntegrityError, match="exceeds 10"):  # moving rows counts too
            conn.execute(
                "UPDATE district_influence SET district_id = 'd1' "
                "WHERE district_id = 'd2' AND faction_id = 'f3'"
            )
        total = conn.execute(
            "SELECT SUM(influence_value) FROM district_influence WHERE district_id = 'd1'"
        ).fetchone()
        assert total == (10,)
    finally:
        conn.close()


async def test_support_is_accepted_only_toward_a_plus_two_ally(full_board: Database):
    """Support "may be true only while rel = +2": one direction at +2 is not enough."""
    conn = _raw(full_board.path)
    try:
        set_rel = (
            "INSERT INTO faction_relationships (faction_id, target_faction_id, relationship_value)"
            " VALUES (?, ?, ?) ON CONFLICT(faction_id, target_faction_id) DO UPDATE SET "
            "relationship_value = excluded.relationship_value"
        )
        support = "UPDATE faction_support_status SET will_support = 1 WHERE turn_number = 1"
        conn.execute(set_rel, ("f1", "f2", 2))
        with pytest.raises(sqlite3.IntegrityError, match=r"\+2 ally"):
            conn.execute(support)
        conn.execute(set_rel, ("f2", "f1", 2))
        assert conn.execute(support).rowcount == 1
        with pytest.raises(sqlite3.IntegrityError, match=r"\+2 ally"):  # inserts too
            conn.execute(
                "INSERT INTO faction_support_status (turn_number, declaring_faction_id, "
                "target_faction_id, will_support) VALUES (1, 'f1', 'f3', 1)"
            )
    finally:
        conn.close()


def _default(conn: sqlite3.Connection, table: str, column: str, where: str) -> object:
    return conn.execute(f"SELECT {column} FROM {table} WHERE {where}").fetchone()[0]


async def test_stated_defaults_are_the_schemas_defaults(board: Database):
    """Rows inserted with only their required columns take §1.2's defaults."""
    conn = _raw(board.path)
    try:
        conn.execute(
            "INSERT INTO districts (id, name, preferred_gain_attribute, preferred_gain_skill, "
            "preferred_gain_squadron_aptitude, preferred_monitor_attribute, "
            "preferred_monitor_skill) VALUES ('dz', 'Z', 'might', 'combat', 'labor', 'intellect', "
            "'arcana')"
        )
        conn.execute("INSERT INTO factions (id, name) VALUES ('fz', 'Z')")
        conn.execute("INSERT INTO agents (id, name) VALUES ('az', 'Z')")
        conn.execute("INSERT INTO squadrons (id, name) VALUES ('sz', 'Z')")
        conn.execute("INSERT INTO district_influence (district_id, faction_id) VALUES ('dz', 'fz')")
        conn.execute(
            "INSERT INTO district_likeability (district_id, faction_id) VALUES ('dz', 'fz')"
        )
        conn.execute(
            "INSERT INTO faction_relationships (faction_id, target_faction_id) VALUES ('fz', 'f1')"
        )
        conn.execute(
            "INSERT INTO district_rumors (id, district_id, rumor_text, discovery_dc) "
            "VALUES ('rz', 'dz', 'text', 3)"
        )
        conn.execute(
            "INSERT INTO actions (id, turn_number, piece_id, piece_type, faction_id, district_id, "
            "action_type) VALUES ('oz', 1, 'az', 'agent', 'fz', 'dz', 'freeform')"
        )
        conn.execute(
            "INSERT INTO faction_support_status (turn_number, declaring_faction_id, "
            "target_faction_id) VALUES (1, 'fz', 'f1')"
        )
        conn.execute("DELETE FROM game_state")
        conn.execute("INSERT INTO game_state (campaign_name) VALUES ('Z')")
        expected = [
            *[("districts", c, "id='dz'", 0)
              for c in ("commerce_value", "muster_value", "aristocratic_value")],
            ("districts", "preferred_monitor_squadron_aptitude", "id='dz'", "monitoring"),
            ("district_influence", "influence_value", "district_id='dz'", 0),
            ("district_influence", "has_stronghold", "district_id='dz'", 0),
            ("district_likeability", "likeability_value", "district_id='dz'", 0),
            ("faction_relationships", "relationship_value", "faction_id='fz'", 0),
            ("factions", "monitoring_bonus", "id='fz'", 0),
            ("factions", "color", "id='fz'", "#3498db"),
            *[("agents", c, "id='az'", 0) for c in (*ATTRIBUTES, *SKILLS)],
            ("squadrons", "mobility", "id='sz'", 0),
            *[("squadrons", f"{a}_aptitude", "id='sz'", -1) for a in APTITUDES],
            ("district_rumors", "newspaper_weight", "id='rz'", 1.0),
            ("actions", "manual_modifier", "id='oz'", 0),
            ("actions", "dc", "id='oz'", None),  # none until the GM sets it
            ("actions", "description", "id='oz'", ""),
            ("actions", "advantage", "id='oz'", 0),
            ("actions", "disadvantage", "id='oz'", 0),
            ("faction_support_status", "will_support", "declaring_faction_id='fz'", 0),
            ("game_state", "current_turn", "id='current'", 1),
        ]  # fmt: skip
        for table, column, where, value in expected:
            assert _default(conn, table, column, where) == value, f"{table}.{column}"
    finally:
        conn.close()
    # the weekly modifier's default is "no row yet", read as 0
    async with board.read() as uow:
        assert await uow.districts.weekly_all() == {"d1": 0, "d2": 0, "d3": 0, "dz": 0}
        assert await uow.factions.get_relationship("f2", "f3") == 0  # missing row counts 0


def test_range_cells_are_what_the_probes_test():
    """The probes' accepted ends match the numbers written in the Range column."""
    numbers = re.compile(r"(−?\+?\d+)\s*[–.]+\s*(−?\+?\d+)")
    for owner, field, range_, _ in _rows():
        match = numbers.search(range_)
        if match is None:
            continue
        lo, hi = (int(g.replace("−", "-").replace("+", "")) for g in match.groups())
        for _, column, _, bad, good in PROBES[(owner, field)]:
            ints = [v for v in good if isinstance(v, int) and not isinstance(v, bool)]
            assert min(ints) == lo and max(ints) == hi, f"{owner} {field} ({column})"
            assert lo - 1 in bad and hi + 1 in bad, f"{owner} {field} ({column})"
