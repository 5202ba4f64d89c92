"""Every ranged value of RULES.md §1.2 is enforced by the database itself (raw SQL)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from db.database import Database

ATTRS = ["intellect", "presence", "finesse", "might", "attunement"]
SKILLS = ["infiltration", "persuasion", "combat", "streetwise", "survival", "artifice", "arcana"]
APTS = [
    "combat",
    "underworld",
    "social",
    "technical",
    "labor",
    "arcane",
    "wilderness",
    "monitoring",
]

# (table, column, WHERE clause picking one existing row, rejected values, accepted values)
CASES: list[tuple[str, str, str, list, list]] = [
    ("districts", "commerce_value", "id='d1'", [-1, 11], [0, 10]),
    ("districts", "muster_value", "id='d1'", [-1, 11], [0, 10]),
    ("districts", "aristocratic_value", "id='d1'", [-1, 11], [0, 10]),
    ("districts", "preferred_gain_attribute", "id='d1'", ["luck"], ["finesse"]),
    ("districts", "preferred_gain_skill", "id='d1'", ["luck"], ["arcana"]),
    ("districts", "preferred_gain_squadron_aptitude", "id='d1'", ["luck"], ["labor"]),
    ("districts", "preferred_monitor_attribute", "id='d1'", ["luck"], ["presence"]),
    ("districts", "preferred_monitor_skill", "id='d1'", ["luck"], ["survival"]),
    ("districts", "preferred_monitor_squadron_aptitude", "id='d1'", ["luck"], ["monitoring"]),
    ("factions", "monitoring_bonus", "id='f1'", [-6, 6], [-5, 5]),
    ("factions", "color", "id='f1'", ["red", "#12345G", "#1234567", "#12345"], ["#A1b2C3"]),
    ("district_influence", "influence_value", "district_id='d1' AND faction_id='f1'", [-1, 11], [0, 4]),
    ("district_influence", "has_stronghold", "district_id='d1' AND faction_id='f1'", [2], [1]),
    ("district_likeability", "likeability_value", "district_id='d1'", [-6, 6], [-5, 5]),
    ("faction_relationships", "relationship_value", "faction_id='f1'", [-3, 3], [-2, 2]),
    ("faction_relationships", "target_faction_id", "faction_id='f1'", ["f1"], ["f2"]),
    *[("agents", a, "id='a1'", [-1, 6], [0, 5]) for a in ATTRS + SKILLS],
    ("squadrons", "mobility", "id='s1'", [-1, 6], [0, 5]),
    *[("squadrons", f"{a}_aptitude", "id='s1'", [-4, 6], [-3, 5]) for a in APTS],
    ("district_rumors", "discovery_dc", "id='r1'", [-1], [0, 30]),
    ("district_rumors", "newspaper_weight", "id='r1'", [-0.5], [0.0, 2.5]),
    ("district_rumors", "is_discovered", "id='r1'", [2], [1]),
    ("district_modifiers", "modifier_value", "modifier_type='weekly_dc'", [-3, 3], [-2, 2]),
    ("actions", "manual_modifier", "id='T1-agent-a1'", [-11, 11], [-10, 10]),
    ("actions", "dc", "id='T1-agent-a1'", [4, 31], [5, 30]),
    ("actions", "description", "id='T1-agent-a1'", ["x" * 501], ["x" * 500]),
    ("actions", "advantage", "id='T1-agent-a1'", [2], [1]),
    ("actions", "disadvantage", "id='T1-agent-a1'", [2], [1]),
    ("actions", "action_type", "id='T1-agent-a1'", ["dance"], ["initiate_conflict"]),
    ("actions", "piece_type", "id='T1-agent-a1'", ["dragon"], ["agent"]),
    ("actions", "outcome_tier", "id='T1-agent-a1'", ["meh"], ["success", "legendary"]),
    ("actions", "enemy_penalty", "id='T1-agent-a1'", [1], [-4]),
    ("actions", "influence_gained", "id='T1-agent-a1'", [-1, 11], [2]),
    ("actions", "target_faction_id", "id='T1-agent-a1'", ["f1"], ["f2"]),
    ("actions", "turn_number", "id='T1-agent-a1'", [0], [1]),
    ("faction_monitoring_reports", "confidence_rating", "faction_id='f1'", [0, 11], [1, 10]),
    ("faction_monitoring_reports", "report_json", "faction_id='f1'", ["{not json"], ['{"a": 1}']),
    ("game_state", "current_turn", "id='current'", [0, -1], [1, 99]),
    ("game_state", "current_phase", "id='current'", ["lunch"], ["assignment"]),
    ("faction_support_status", "will_support", "turn_number=1", [2], [0]),
    ("campaign_settings", "rng_seed", "id='current'",
     ["18446744073709551616", "-1", "abc", ""], ["0", "18446744073709551615"]),
    ("delivery_outbox", "status", "dedupe_key='k1'", ["lost"], ["failed"]),
    ("delivery_outbox", "kind", "dedupe_key='k1'", ["spam"], ["faction_report"]),
    ("faction_modifiers", "modifier_type", "id='m1'", ["luck"], ["muster"]),
    ("penalty_assignments", "value", "turn_number=1", [0, -5], [-1, -4]),
    ("influence_snapshots", "influence_value", "turn_number=1", [-1, 11], [0, 10]),
    ("conflict_pieces", "ruling", "conflict_id='T1-d1-1'", ["maybe"], ["proceed", "fail"]),
    ("conflict_factions", "outcome", "conflict_id='T1-d1-1'", ["victory"], ["win", "draw"]),
    ("conflicts", "conflict_type", "id='T1-d1-1'", ["brawl"], ["relationship"]),
    ("newspaper_articles", "position", "id='art1'", [-1], [3]),
]  # fmt: skip


def _raw(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


async def test_every_range_check_rejects_and_accepts(full_board: Database):
    conn = _raw(full_board.path)
    try:
        for table, column, where, bad, good in CASES:
            for value in bad:
                with pytest.raises(sqlite3.IntegrityError):
                    conn.execute(f"UPDATE {table} SET {column} = ? WHERE {where}", (value,))
                    pytest.fail(f"{table}.{column} accepted {value!r}")
            for value in good:
                cur = conn.execute(f"UPDATE {table} SET {column} = ? WHERE {where}", (value,))
                assert cur.rowcount >= 1, f"{table}.{column} = {value!r} hit no row"
    finally:
        conn.close()


async def test_influence_total_trigger_on_insert_and_update(full_board: Database):
    conn = _raw(full_board.path)
    try:
        conn.execute(
            "INSERT INTO district_influence (district_id, faction_id, influence_value) VALUES ('d1','f2',5)"
        )
        with pytest.raises(sqlite3.IntegrityError, match="exceeds 10"):
            conn.execute(
                "INSERT INTO district_influence (district_id, faction_id, influence_value) VALUES ('d1','f3',1)"
            )
        with pytest.raises(sqlite3.IntegrityError, match="exceeds 10"):
            conn.execute("UPDATE district_influence SET influence_value = 6 WHERE faction_id='f2'")
        conn.execute("UPDATE district_influence SET influence_value = 4 WHERE faction_id='f2'")
        conn.execute(
            "INSERT INTO district_influence (district_id, faction_id, influence_value) VALUES ('d1','f3',1)"
        )
        total = conn.execute(
            "SELECT SUM(influence_value) FROM district_influence WHERE district_id='d1'"
        ).fetchone()[0]
        assert total == 10
    finally:
        conn.close()


async def test_weekly_row_is_unique_per_district_and_never_expires(full_board: Database):
    conn = _raw(full_board.path)
    try:
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(
                "INSERT INTO district_modifiers (id, district_id, modifier_type, modifier_value) "
                "VALUES ('w2', 'd1', 'weekly_dc', 1)"
            )
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(
                "UPDATE district_modifiers SET expires_on = 3 WHERE modifier_type='weekly_dc'"
            )
    finally:
        conn.close()


async def test_one_order_per_piece_per_turn_at_db_level(full_board: Database):
    conn = _raw(full_board.path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
            conn.execute(
                "INSERT INTO actions (id, turn_number, piece_id, piece_type, faction_id, district_id, "
                "action_type) VALUES ('other', 1, 'a1', 'agent', 'f1', 'd2', 'monitor')"
            )
        with pytest.raises(sqlite3.IntegrityError):  # monitor orders carry no DC
            conn.execute(
                "INSERT INTO actions (id, turn_number, piece_id, piece_type, faction_id, district_id, "
                "action_type, dc) VALUES ('m', 1, 'a2', 'agent', 'f2', 'd2', 'monitor', 10)"
            )
    finally:
        conn.close()


async def test_published_issue_is_frozen_by_triggers(full_board: Database):
    conn = _raw(full_board.path)
    try:
        conn.execute(
            "UPDATE newspaper_issues SET published = 1, published_at = 'now' WHERE id='i1'"
        )
        for sql in (
            "UPDATE newspaper_issues SET title = 'Changed' WHERE id='i1'",
            "DELETE FROM newspaper_issues WHERE id='i1'",
            "UPDATE newspaper_articles SET content = 'edited' WHERE id='art1'",
            "DELETE FROM newspaper_articles WHERE id='art1'",
            "INSERT INTO newspaper_articles (id, issue_id, section, headline, content) "
            "VALUES ('x', 'i1', 's', 'h', 'c')",
        ):
            with pytest.raises(sqlite3.IntegrityError, match="published"):
                conn.execute(sql)
    finally:
        conn.close()
