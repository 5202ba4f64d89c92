"""Campaign check: storage integrity plus the game's own invariants (``campaign-cli check``).

The schema's CHECKs, triggers and foreign keys should make every query below come
back empty; this re-checks them on the live file, because a file restored from an
old backup, edited by hand or written with constraints off is exactly what an
operator wants to catch before a turn runs on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from db import dialect
from db.database import Database
from db.records import PHASES

# (message template, query returning the offending rows); every row is one error.
RANGE_CHECKS: tuple[tuple[str, str], ...] = (
    (
        "district {0}: influence total {1} exceeds 10",
        "SELECT district_id, SUM(influence_value) FROM district_influence "
        "GROUP BY district_id HAVING SUM(influence_value) > 10",
    ),
    (
        "district {0}, faction {1}: influence {2} outside 0..10",
        "SELECT district_id, faction_id, influence_value FROM district_influence "
        "WHERE influence_value NOT BETWEEN 0 AND 10",
    ),
    (
        "district {0}, faction {1}: likeability {2} outside -5..5",
        "SELECT district_id, faction_id, likeability_value FROM district_likeability "
        "WHERE likeability_value NOT BETWEEN -5 AND 5",
    ),
    (
        "relationship {0} -> {1}: {2} outside -2..2",
        "SELECT faction_id, target_faction_id, relationship_value FROM faction_relationships "
        "WHERE relationship_value NOT BETWEEN -2 AND 2",
    ),
    (
        "district {0}: weekly DC modifier {1} outside -2..2",
        "SELECT district_id, modifier_value FROM district_modifiers "
        "WHERE modifier_type = 'weekly_dc' AND modifier_value NOT BETWEEN -2 AND 2",
    ),
    (
        "faction {0}: monitoring bonus {1} outside -5..5",
        "SELECT id, monitoring_bonus FROM factions WHERE monitoring_bonus NOT BETWEEN -5 AND 5",
    ),
    (
        "agent {0}: a stat is outside 0..5",
        "SELECT id FROM agents WHERE "
        + " OR ".join(
            f"{c} NOT BETWEEN 0 AND 5"
            for c in (
                "intellect",
                "presence",
                "finesse",
                "might",
                "attunement",
                "infiltration",
                "persuasion",
                "combat",
                "streetwise",
                "survival",
                "artifice",
                "arcana",
            )
        ),
    ),
    (
        "squadron {0}: mobility or an aptitude is out of range",
        "SELECT id FROM squadrons WHERE mobility NOT BETWEEN 0 AND 5 OR "
        + " OR ".join(
            f"{c}_aptitude NOT BETWEEN -3 AND 5"
            for c in (
                "combat",
                "underworld",
                "social",
                "technical",
                "labor",
                "arcane",
                "wilderness",
                "monitoring",
            )
        ),
    ),
    (
        "rumor {0}: discovery DC {1} is negative",
        "SELECT id, discovery_dc FROM district_rumors WHERE discovery_dc < 0",
    ),
)

ADJACENCY_CHECKS: tuple[tuple[str, str], ...] = (
    (
        "adjacency {0} -> {1} has no reverse {1} -> {0}",
        "SELECT a.district_id, a.adjacent_district_id FROM district_adjacency a "
        "WHERE NOT EXISTS (SELECT 1 FROM district_adjacency b WHERE "
        "b.district_id = a.adjacent_district_id AND b.adjacent_district_id = a.district_id) "
        "ORDER BY 1, 2",
    ),
    (
        "district {0} is listed as adjacent to itself",
        "SELECT district_id FROM district_adjacency WHERE district_id = adjacent_district_id",
    ),
)


def _missing_piece(table: str, type_col: str, id_col: str, label: str) -> tuple[str, str]:
    return (
        f"{label} {{0}} refers to missing {{1}} {{2}}",
        f"SELECT {dialect.ROW_ID}, {type_col}, {id_col} FROM {table} t WHERE "
        f"({type_col} = 'agent' AND NOT EXISTS (SELECT 1 FROM agents WHERE id = t.{id_col})) OR "
        f"({type_col} = 'squadron' AND NOT EXISTS (SELECT 1 FROM squadrons WHERE id = t.{id_col}))",
    )


ORPHAN_CHECKS: tuple[tuple[str, str], ...] = (
    _missing_piece("actions", "piece_type", "piece_id", "order (row)"),
    _missing_piece("conflict_pieces", "piece_type", "piece_id", "conflict piece (row)"),
    _missing_piece("penalty_assignments", "source_piece_type", "source_piece_id", "penalty (row)"),
    _missing_piece("penalty_assignments", "target_piece_type", "target_piece_id", "penalty (row)"),
    (
        "order {0} refers to missing faction {1}",
        "SELECT id, faction_id FROM actions WHERE faction_id NOT IN (SELECT id FROM factions)",
    ),
    (
        "order {0} refers to missing district {1}",
        "SELECT id, district_id FROM actions WHERE district_id NOT IN (SELECT id FROM districts)",
    ),
    (
        "order {0} refers to missing conflict {1}",
        "SELECT id, conflict_id FROM actions WHERE conflict_id IS NOT NULL "
        "AND conflict_id NOT IN (SELECT id FROM conflicts)",
    ),
    (
        "agent {0} belongs to missing faction {1}",
        "SELECT id, faction_id FROM agents WHERE faction_id IS NOT NULL "
        "AND faction_id NOT IN (SELECT id FROM factions)",
    ),
    (
        "squadron {0} belongs to missing faction {1}",
        "SELECT id, faction_id FROM squadrons WHERE faction_id IS NOT NULL "
        "AND faction_id NOT IN (SELECT id FROM factions)",
    ),
    (
        "piece {0} stands in missing district {1}",
        "SELECT id, district_id FROM agents WHERE district_id IS NOT NULL "
        "AND district_id NOT IN (SELECT id FROM districts) UNION ALL "
        "SELECT id, district_id FROM squadrons WHERE district_id IS NOT NULL "
        "AND district_id NOT IN (SELECT id FROM districts)",
    ),
    (
        "faction {0} knows missing rumor {1}",
        "SELECT faction_id, rumor_id FROM faction_known_rumors "
        "WHERE rumor_id NOT IN (SELECT id FROM district_rumors)",
    ),
    (
        "member {0} belongs to missing faction {1}",
        "SELECT user_id, faction_id FROM faction_members "
        "WHERE faction_id NOT IN (SELECT id FROM factions)",
    ),
)


@dataclass
class CheckReport:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


async def check_campaign(db: Database) -> CheckReport:
    report = CheckReport()
    async with db.read() as uow:
        sql = uow.sql
        integrity = [str(r[0]) for r in await sql.fetchall(dialect.INTEGRITY_CHECK)]
        if integrity != ["ok"]:
            report.errors += [f"integrity: {line}" for line in integrity]
        for row in await sql.fetchall(dialect.FOREIGN_KEY_CHECK):
            report.errors.append(
                f"foreign key: {row[0]} row {row[1]} refers to a missing {row[2]} row"
            )
        for template, query in (*RANGE_CHECKS, *ADJACENCY_CHECKS, *ORPHAN_CHECKS):
            for row in await sql.fetchall(query):
                report.errors.append(template.format(*row))
        state = await sql.fetchone("SELECT current_turn, current_phase FROM game_state")
        if state is None:
            report.errors.append("no game state: this database holds no campaign")
        elif state[1] not in PHASES:
            report.errors.append(f"game state: unknown phase {state[1]!r}")
        seed = await sql.scalar("SELECT rng_seed FROM campaign_settings")
        if state is not None and seed is None:
            report.warnings.append("campaign has no RNG seed: turns cannot advance")
        for a, b, forward, backward in await sql.fetchall(
            "SELECT f1.id, f2.id, COALESCE(r1.relationship_value, 0), "
            "COALESCE(r2.relationship_value, 0) FROM factions f1 JOIN factions f2 ON f1.id < f2.id "
            "LEFT JOIN faction_relationships r1 ON r1.faction_id = f1.id AND r1.target_faction_id = f2.id "
            "LEFT JOIN faction_relationships r2 ON r2.faction_id = f2.id AND r2.target_faction_id = f1.id "
            "WHERE COALESCE(r1.relationship_value, 0) <> COALESCE(r2.relationship_value, 0) "
            "ORDER BY 1, 2"
        ):
            report.warnings.append(
                f"relationship {a} -> {b} is {forward} but {b} -> {a} is {backward} "
                "(the effective value is the lower one)"
            )
        for (squadron,) in await sql.fetchall(
            "SELECT id FROM squadrons WHERE faction_id IS NULL ORDER BY id"
        ):
            report.warnings.append(f"squadron {squadron} has no faction and cannot be ordered")
    return report
