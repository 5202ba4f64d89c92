"""Districts and everything keyed by district: influence, likeability, adjacency,
modifiers (incl. the weekly DC row) and rumors."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from db.dialect import NOW
from db.errors import InvalidValue, NotFound
from db.executor import Row
from db.records import (
    APTITUDES,
    ATTRIBUTES,
    DISTRICT_SLOTS,
    SKILLS,
    WEEKLY_DC,
    District,
    DistrictModifier,
    Influence,
    InfluenceChange,
    Likeability,
    Rumor,
)
from db.repositories.base import (
    Repository,
    b,
    check_choice,
    check_int,
    check_nonempty,
    check_range,
    check_text,
    chunks,
    placeholders,
)

_DISTRICT_COLS = (
    "id, name, description, commerce_value, muster_value, aristocratic_value, "
    "preferred_gain_attribute, preferred_gain_skill, preferred_gain_squadron_aptitude, "
    "preferred_monitor_attribute, preferred_monitor_skill, preferred_monitor_squadron_aptitude"
)
_RUMOR_COLS = (
    "id, district_id, rumor_text, discovery_dc, is_discovered, name, initial_dc, "
    "newspaper_hint, newspaper_weight"
)


def validate_district(d: District) -> None:
    check_nonempty("district id", d.id)
    check_nonempty("district name", d.name)
    for field in ("commerce_value", "muster_value", "aristocratic_value"):
        check_int(field, getattr(d, field), 0, 10)
    check_choice("preferred_gain_attribute", d.preferred_gain_attribute, ATTRIBUTES)
    check_choice("preferred_monitor_attribute", d.preferred_monitor_attribute, ATTRIBUTES)
    check_choice("preferred_gain_skill", d.preferred_gain_skill, SKILLS)
    check_choice("preferred_monitor_skill", d.preferred_monitor_skill, SKILLS)
    check_choice("preferred_gain_squadron_aptitude", d.preferred_gain_squadron_aptitude, APTITUDES)
    check_choice(
        "preferred_monitor_squadron_aptitude", d.preferred_monitor_squadron_aptitude, APTITUDES
    )


def _district_row(d: District) -> tuple:
    return (
        d.id,
        d.name,
        d.description,
        d.commerce_value,
        d.muster_value,
        d.aristocratic_value,
        d.preferred_gain_attribute,
        d.preferred_gain_skill,
        d.preferred_gain_squadron_aptitude,
        d.preferred_monitor_attribute,
        d.preferred_monitor_skill,
        d.preferred_monitor_squadron_aptitude,
    )


def _district(row: Row) -> District:
    return District(
        id=row["id"],
        name=row["name"],
        description=row["description"],
        commerce_value=row["commerce_value"],
        muster_value=row["muster_value"],
        aristocratic_value=row["aristocratic_value"],
        preferred_gain_attribute=row["preferred_gain_attribute"],
        preferred_gain_skill=row["preferred_gain_skill"],
        preferred_gain_squadron_aptitude=row["preferred_gain_squadron_aptitude"],
        preferred_monitor_attribute=row["preferred_monitor_attribute"],
        preferred_monitor_skill=row["preferred_monitor_skill"],
        preferred_monitor_squadron_aptitude=row["preferred_monitor_squadron_aptitude"],
    )


def _rumor(row: Row) -> Rumor:
    return Rumor(
        id=row["id"],
        district_id=row["district_id"],
        rumor_text=row["rumor_text"],
        discovery_dc=row["discovery_dc"],
        is_discovered=bool(row["is_discovered"]),
        name=row["name"],
        initial_dc=row["initial_dc"],
        newspaper_hint=row["newspaper_hint"],
        newspaper_weight=row["newspaper_weight"],
    )


def _influence(row: Row) -> Influence:
    return Influence(
        row["district_id"], row["faction_id"], row["influence_value"], bool(row["has_stronghold"])
    )


def validate_rumor(r: Rumor) -> None:
    check_nonempty("rumor id", r.id)
    check_nonempty("rumor text", r.rumor_text)
    check_int("discovery_dc", r.discovery_dc, 0)
    if r.initial_dc is not None:
        check_int("initial_dc", r.initial_dc, 0)
    check_range("newspaper_weight", r.newspaper_weight, 0)
    check_text("rumor name", r.name, 100)


class DistrictRepository(Repository):
    # -- districts -------------------------------------------------------------------------

    async def create(self, district: District) -> District:
        validate_district(district)
        await self._write(
            "create district",
            f"INSERT INTO districts ({_DISTRICT_COLS}) VALUES ({placeholders(12)})",
            _district_row(district),
            entity="district",
        )
        return district

    async def upsert_many(self, districts: Sequence[District]) -> int:
        for d in districts:
            validate_district(d)
        return await self._write_many(
            "upsert districts",
            f"INSERT INTO districts ({_DISTRICT_COLS}) VALUES ({placeholders(12)}) "
            "ON CONFLICT(id) DO UPDATE SET name=excluded.name, description=excluded.description, "
            "commerce_value=excluded.commerce_value, muster_value=excluded.muster_value, "
            "aristocratic_value=excluded.aristocratic_value, "
            "preferred_gain_attribute=excluded.preferred_gain_attribute, "
            "preferred_gain_skill=excluded.preferred_gain_skill, "
            "preferred_gain_squadron_aptitude=excluded.preferred_gain_squadron_aptitude, "
            "preferred_monitor_attribute=excluded.preferred_monitor_attribute, "
            "preferred_monitor_skill=excluded.preferred_monitor_skill, "
            "preferred_monitor_squadron_aptitude=excluded.preferred_monitor_squadron_aptitude, "
            f"updated_at={NOW}",
            [_district_row(d) for d in districts],
            entity="district",
        )

    async def get(self, district_id: str) -> District:
        row = await self.sql.fetchone(
            f"SELECT {_DISTRICT_COLS} FROM districts WHERE id = ?", (district_id,)
        )
        if row is None:
            raise NotFound("district", district_id)
        return _district(row)

    async def find(self, district_id: str) -> District | None:
        row = await self.sql.fetchone(
            f"SELECT {_DISTRICT_COLS} FROM districts WHERE id = ?", (district_id,)
        )
        return None if row is None else _district(row)

    async def get_many(self, district_ids: Iterable[str]) -> dict[str, District]:
        ids = sorted(set(district_ids))
        found: dict[str, District] = {}
        for part in chunks(ids):
            rows = await self.sql.fetchall(
                f"SELECT {_DISTRICT_COLS} FROM districts WHERE id IN ({placeholders(len(part))})",
                tuple(part),
            )
            found.update((r["id"], _district(r)) for r in rows)
        return found

    async def list_all(self) -> list[District]:
        rows = await self.sql.fetchall(f"SELECT {_DISTRICT_COLS} FROM districts ORDER BY id")
        return [_district(r) for r in rows]

    async def update(self, district: District) -> District:
        validate_district(district)
        row = _district_row(district)
        count = await self._write(
            "update district",
            "UPDATE districts SET name=?, description=?, commerce_value=?, muster_value=?, "
            "aristocratic_value=?, preferred_gain_attribute=?, preferred_gain_skill=?, "
            "preferred_gain_squadron_aptitude=?, preferred_monitor_attribute=?, "
            "preferred_monitor_skill=?, preferred_monitor_squadron_aptitude=?, "
            f"updated_at={NOW} WHERE id=?",
            (*row[1:], row[0]),
        )
        if count == 0:
            raise NotFound("district", district.id)
        return district

    async def delete(self, district_id: str) -> None:
        """Cascades to influence, likeability, adjacency, modifiers, rumors, shapes, orders."""
        count = await self._write(
            "delete district", "DELETE FROM districts WHERE id=?", (district_id,)
        )
        if count == 0:
            raise NotFound("district", district_id)

    # -- influence -------------------------------------------------------------------------

    async def get_influence(self, district_id: str, faction_id: str) -> Influence:
        row = await self.sql.fetchone(
            "SELECT district_id, faction_id, influence_value, has_stronghold FROM district_influence "
            "WHERE district_id=? AND faction_id=?",
            (district_id, faction_id),
        )
        return _influence(row) if row else Influence(district_id, faction_id, 0, False)

    async def list_influence(
        self, district_id: str | None = None, faction_id: str | None = None
    ) -> list[Influence]:
        """Rows in (district, faction) order; filters are optional."""
        where, params = [], []
        if district_id is not None:
            where.append("district_id = ?")
            params.append(district_id)
        if faction_id is not None:
            where.append("faction_id = ?")
            params.append(faction_id)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = await self.sql.fetchall(
            "SELECT district_id, faction_id, influence_value, has_stronghold FROM district_influence "
            f"{clause} ORDER BY district_id, faction_id",
            tuple(params),
        )
        return [_influence(r) for r in rows]

    async def influence_map(self) -> dict[str, dict[str, Influence]]:
        """district -> faction -> Influence, for whole-board phases."""
        result: dict[str, dict[str, Influence]] = defaultdict(dict)
        for inf in await self.list_influence():
            result[inf.district_id][inf.faction_id] = inf
        return dict(result)

    async def set_influence(
        self, district_id: str, faction_id: str, value: int, has_stronghold: bool | None = None
    ) -> Influence:
        await self.set_influence_many(
            [InfluenceChange(district_id, faction_id, value, has_stronghold)]
        )
        return await self.get_influence(district_id, faction_id)

    async def set_influence_many(self, changes: Sequence[InfluenceChange]) -> int:
        """Set many values at once; refuses (InvalidValue) if any district would exceed 10.

        Decreases are written before increases so no intermediate state trips the total
        trigger when points move between factions.
        """
        self._require_write("set influence")
        targets: dict[tuple[str, str], InfluenceChange] = {}
        for ch in changes:
            check_int("influence", ch.value, 0, DISTRICT_SLOTS)
            targets[(ch.district_id, ch.faction_id)] = ch
        if not targets:
            return 0
        districts = sorted({d for d, _ in targets})
        current: dict[tuple[str, str], int] = {}
        for part in chunks(districts):
            rows = await self.sql.fetchall(
                "SELECT district_id, faction_id, influence_value FROM district_influence "
                f"WHERE district_id IN ({placeholders(len(part))})",
                tuple(part),
            )
            current.update(((r[0], r[1]), r[2]) for r in rows)
        totals: dict[str, int] = defaultdict(int)
        for (d, f), v in current.items():
            if (d, f) not in targets:
                totals[d] += v
        for (d, _), ch in targets.items():
            totals[d] += ch.value
        for d in districts:
            if totals[d] > DISTRICT_SLOTS:
                raise InvalidValue(f"total influence in {d}", totals[d], f"0..{DISTRICT_SLOTS}")
        ordered = sorted(
            targets.values(),
            key=lambda ch: (ch.value - current.get((ch.district_id, ch.faction_id), 0) > 0,),
        )
        rows = [
            (
                ch.district_id,
                ch.faction_id,
                ch.value,
                b(ch.has_stronghold),
                None if ch.has_stronghold is None else b(ch.has_stronghold),
            )
            for ch in ordered
        ]
        return await self._write_many(
            "set influence",
            "INSERT INTO district_influence (district_id, faction_id, influence_value, has_stronghold) "
            "VALUES (?, ?, ?, ?) ON CONFLICT(district_id, faction_id) DO UPDATE SET "
            "influence_value=excluded.influence_value, "
            "has_stronghold=COALESCE(?, has_stronghold), "
            f"updated_at={NOW}",
            rows,
            entity="influence",
        )

    async def set_stronghold(self, district_id: str, faction_id: str, has_stronghold: bool) -> None:
        await self._write(
            "set stronghold",
            "INSERT INTO district_influence (district_id, faction_id, influence_value, has_stronghold) "
            "VALUES (?, ?, 0, ?) ON CONFLICT(district_id, faction_id) DO UPDATE SET "
            f"has_stronghold=excluded.has_stronghold, updated_at={NOW}",
            (district_id, faction_id, b(has_stronghold)),
        )

    async def pool(self, district_id: str) -> int:
        total = await self.sql.scalar(
            "SELECT COALESCE(SUM(influence_value), 0) FROM district_influence WHERE district_id=?",
            (district_id,),
        )
        return DISTRICT_SLOTS - int(total)

    # -- likeability -----------------------------------------------------------------------

    async def get_likeability(self, district_id: str, faction_id: str) -> int:
        value = await self.sql.scalar(
            "SELECT likeability_value FROM district_likeability WHERE district_id=? AND faction_id=?",
            (district_id, faction_id),
        )
        return int(value or 0)

    async def list_likeability(self, district_id: str | None = None) -> list[Likeability]:
        clause, params = ("WHERE district_id=?", (district_id,)) if district_id else ("", ())
        rows = await self.sql.fetchall(
            "SELECT district_id, faction_id, likeability_value FROM district_likeability "
            f"{clause} ORDER BY district_id, faction_id",
            params,
        )
        return [Likeability(r[0], r[1], r[2]) for r in rows]

    async def set_likeability(self, district_id: str, faction_id: str, value: int) -> None:
        await self.set_likeability_many([Likeability(district_id, faction_id, value)])

    async def set_likeability_many(self, values: Sequence[Likeability]) -> int:
        for v in values:
            check_int("likeability", v.value, -5, 5)
        return await self._write_many(
            "set likeability",
            "INSERT INTO district_likeability (district_id, faction_id, likeability_value) "
            "VALUES (?, ?, ?) ON CONFLICT(district_id, faction_id) DO UPDATE SET "
            "likeability_value=excluded.likeability_value, "
            f"updated_at={NOW}",
            [(v.district_id, v.faction_id, v.value) for v in values],
            entity="likeability",
        )

    # -- adjacency (symmetric: a trigger mirrors each row) ---------------------------------

    async def add_adjacency(self, district_id: str, other_id: str) -> None:
        await self.add_adjacency_many([(district_id, other_id)])

    async def add_adjacency_many(self, pairs: Iterable[tuple[str, str]]) -> int:
        rows = []
        for a, c in pairs:
            if a == c:
                raise InvalidValue("adjacency", (a, c), "two different districts")
            rows.append((a, c))
        return await self._write_many(
            "add adjacency",
            "INSERT INTO district_adjacency (district_id, adjacent_district_id) VALUES (?, ?) "
            "ON CONFLICT(district_id, adjacent_district_id) DO NOTHING",
            rows,
            entity="adjacency",
        )

    async def remove_adjacency(self, district_id: str, other_id: str) -> None:
        await self._write(
            "remove adjacency",
            "DELETE FROM district_adjacency WHERE (district_id=? AND adjacent_district_id=?) "
            "OR (district_id=? AND adjacent_district_id=?)",
            (district_id, other_id, other_id, district_id),
        )

    async def adjacent_to(self, district_id: str) -> list[str]:
        rows = await self.sql.fetchall(
            "SELECT adjacent_district_id FROM district_adjacency WHERE district_id=? "
            "ORDER BY adjacent_district_id",
            (district_id,),
        )
        return [r[0] for r in rows]

    async def adjacency_map(self) -> dict[str, tuple[str, ...]]:
        rows = await self.sql.fetchall(
            "SELECT district_id, adjacent_district_id FROM district_adjacency "
            "ORDER BY district_id, adjacent_district_id"
        )
        result: dict[str, list[str]] = defaultdict(list)
        for a, c in rows:
            result[a].append(c)
        return {k: tuple(v) for k, v in result.items()}

    # -- modifiers -------------------------------------------------------------------------

    async def add_modifier(self, modifier: DistrictModifier) -> DistrictModifier:
        check_nonempty("modifier id", modifier.id)
        check_nonempty("modifier type", modifier.modifier_type)
        check_int("modifier value", modifier.modifier_value, -1000, 1000)
        if modifier.modifier_type == WEEKLY_DC:
            raise InvalidValue("modifier type", WEEKLY_DC, "use set_weekly for the weekly DC")
        if modifier.expires_on is not None:
            check_int("expires_on", modifier.expires_on, 0)
        await self._write(
            "add modifier",
            "INSERT INTO district_modifiers (id, district_id, modifier_type, modifier_value, expires_on) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                modifier.id,
                modifier.district_id,
                modifier.modifier_type,
                modifier.modifier_value,
                modifier.expires_on,
            ),
            entity="district modifier",
        )
        return modifier

    async def list_modifiers(self, district_id: str | None = None) -> list[DistrictModifier]:
        clause, params = ("WHERE district_id=?", (district_id,)) if district_id else ("", ())
        rows = await self.sql.fetchall(
            "SELECT id, district_id, modifier_type, modifier_value, expires_on FROM district_modifiers "
            f"{clause} ORDER BY district_id, id",
            params,
        )
        return [DistrictModifier(*r) for r in rows]

    async def delete_modifier(self, modifier_id: str) -> None:
        count = await self._write(
            "delete modifier", "DELETE FROM district_modifiers WHERE id=?", (modifier_id,)
        )
        if count == 0:
            raise NotFound("district modifier", modifier_id)

    async def delete_expired_modifiers(self, current_turn: int) -> int:
        """Phase 1: rows whose expires_on < current turn go; the weekly row never does."""
        return await self._write(
            "delete expired modifiers",
            "DELETE FROM district_modifiers WHERE modifier_type <> ? AND expires_on IS NOT NULL "
            "AND expires_on < ?",
            (WEEKLY_DC, current_turn),
        )

    async def get_weekly(self, district_id: str) -> int:
        value = await self.sql.scalar(
            "SELECT modifier_value FROM district_modifiers WHERE district_id=? AND modifier_type=?",
            (district_id, WEEKLY_DC),
        )
        return int(value or 0)

    async def weekly_all(self) -> dict[str, int]:
        """Every district's weekly value (0 where no row exists yet)."""
        rows = await self.sql.fetchall(
            "SELECT d.id, COALESCE(m.modifier_value, 0) FROM districts d "
            "LEFT JOIN district_modifiers m ON m.district_id = d.id AND m.modifier_type = ? "
            "ORDER BY d.id",
            (WEEKLY_DC,),
        )
        return {r[0]: r[1] for r in rows}

    async def set_weekly(self, district_id: str, value: int) -> None:
        await self.set_weekly_many({district_id: value})

    async def set_weekly_many(self, values: dict[str, int]) -> int:
        for district_id, value in values.items():
            check_int(f"weekly DC modifier of {district_id}", value, -2, 2)
        return await self._write_many(
            "set weekly modifier",
            "INSERT INTO district_modifiers (id, district_id, modifier_type, modifier_value) "
            "VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
            f"modifier_value=excluded.modifier_value, updated_at={NOW}",
            [(f"{WEEKLY_DC}:{d}", d, WEEKLY_DC, v) for d, v in sorted(values.items())],
            entity="weekly modifier",
        )

    # -- rumors ----------------------------------------------------------------------------

    async def create_rumor(self, rumor: Rumor) -> Rumor:
        await self.create_rumors_many([rumor])
        return rumor

    async def create_rumors_many(self, rumors: Sequence[Rumor]) -> int:
        for r in rumors:
            validate_rumor(r)
        return await self._write_many(
            "create rumors",
            f"INSERT INTO district_rumors ({_RUMOR_COLS}) VALUES ({placeholders(9)})",
            [
                (
                    r.id,
                    r.district_id,
                    r.rumor_text,
                    r.discovery_dc,
                    b(r.is_discovered),
                    r.name,
                    r.discovery_dc if r.initial_dc is None else r.initial_dc,
                    r.newspaper_hint,
                    float(r.newspaper_weight),
                )
                for r in rumors
            ],
            entity="rumor",
        )

    async def get_rumor(self, rumor_id: str) -> Rumor:
        row = await self.sql.fetchone(
            f"SELECT {_RUMOR_COLS} FROM district_rumors WHERE id=?", (rumor_id,)
        )
        if row is None:
            raise NotFound("rumor", rumor_id)
        return _rumor(row)

    async def list_rumors(self, district_id: str | None = None) -> list[Rumor]:
        clause, params = ("WHERE district_id=?", (district_id,)) if district_id else ("", ())
        rows = await self.sql.fetchall(
            f"SELECT {_RUMOR_COLS} FROM district_rumors {clause} ORDER BY district_id, id", params
        )
        return [_rumor(r) for r in rows]

    async def update_rumor(self, rumor: Rumor) -> Rumor:
        validate_rumor(rumor)
        count = await self._write(
            "update rumor",
            "UPDATE district_rumors SET district_id=?, rumor_text=?, discovery_dc=?, name=?, "
            f"newspaper_hint=?, newspaper_weight=?, updated_at={NOW} "
            "WHERE id=?",
            (
                rumor.district_id,
                rumor.rumor_text,
                rumor.discovery_dc,
                rumor.name,
                rumor.newspaper_hint,
                float(rumor.newspaper_weight),
                rumor.id,
            ),
        )
        if count == 0:
            raise NotFound("rumor", rumor.id)
        return rumor

    async def set_rumor_dc(self, rumor_id: str, dc: int) -> None:
        check_int("discovery_dc", dc, 0)
        count = await self._write(
            "set rumor DC",
            f"UPDATE district_rumors SET discovery_dc=?, updated_at={NOW} WHERE id=?",
            (dc, rumor_id),
        )
        if count == 0:
            raise NotFound("rumor", rumor_id)

    async def mark_rumors_discovered(self, rumor_ids: Iterable[str]) -> int:
        return await self._write_many(
            "mark rumors discovered",
            f"UPDATE district_rumors SET is_discovered=1, updated_at={NOW} WHERE id=?",
            [(rid,) for rid in sorted(set(rumor_ids))],
        )

    async def decrement_rumor_dcs(self) -> int:
        """Phase 11: every DC drops by 1, never below 0 (D-41)."""
        return await self._write(
            "decrement rumor DCs",
            "UPDATE district_rumors SET discovery_dc = discovery_dc - 1, "
            f"updated_at={NOW} WHERE discovery_dc > 0",
        )

    async def delete_rumor(self, rumor_id: str) -> None:
        count = await self._write(
            "delete rumor", "DELETE FROM district_rumors WHERE id=?", (rumor_id,)
        )
        if count == 0:
            raise NotFound("rumor", rumor_id)
