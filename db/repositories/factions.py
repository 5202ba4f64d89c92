"""Factions and what hangs off them: relationships, resources, modifiers, support
declarations and known rumors."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from db.dialect import NOW
from db.errors import InvalidValue, NotFound
from db.executor import Row
from db.records import (
    FACTION_MODIFIER_TYPES,
    Faction,
    FactionModifier,
    KnownRumor,
    Relationship,
    Resource,
    SupportDeclaration,
)
from db.repositories.base import (
    Repository,
    b,
    check_choice,
    check_int,
    check_nonempty,
    chunks,
    placeholders,
)

_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_COLS = "id, name, description, monitoring_bonus, color"


def validate_faction(f: Faction) -> None:
    check_nonempty("faction id", f.id)
    check_nonempty("faction name", f.name)
    check_int("monitoring_bonus", f.monitoring_bonus, -5, 5)
    if not isinstance(f.color, str) or not _COLOR.match(f.color):
        raise InvalidValue("color", f.color, "#RRGGBB")


def _faction(row: Row) -> Faction:
    return Faction(row[0], row[1], row[2], row[3], row[4])


class FactionRepository(Repository):
    # -- factions --------------------------------------------------------------------------

    async def create(self, faction: Faction) -> Faction:
        validate_faction(faction)
        await self._write(
            "create faction",
            f"INSERT INTO factions ({_COLS}) VALUES ({placeholders(5)})",
            (
                faction.id,
                faction.name,
                faction.description,
                faction.monitoring_bonus,
                faction.color,
            ),
            entity="faction",
        )
        return faction

    async def upsert_many(self, factions: Sequence[Faction]) -> int:
        for f in factions:
            validate_faction(f)
        return await self._write_many(
            "upsert factions",
            f"INSERT INTO factions ({_COLS}) VALUES ({placeholders(5)}) ON CONFLICT(id) DO UPDATE SET "
            "name=excluded.name, description=excluded.description, "
            "monitoring_bonus=excluded.monitoring_bonus, color=excluded.color, "
            f"updated_at={NOW}",
            [(f.id, f.name, f.description, f.monitoring_bonus, f.color) for f in factions],
        )

    async def get(self, faction_id: str) -> Faction:
        row = await self.sql.fetchone(f"SELECT {_COLS} FROM factions WHERE id=?", (faction_id,))
        if row is None:
            raise NotFound("faction", faction_id)
        return _faction(row)

    async def find(self, faction_id: str) -> Faction | None:
        row = await self.sql.fetchone(f"SELECT {_COLS} FROM factions WHERE id=?", (faction_id,))
        return None if row is None else _faction(row)

    async def get_many(self, faction_ids: Iterable[str]) -> dict[str, Faction]:
        ids = sorted(set(faction_ids))
        found: dict[str, Faction] = {}
        for part in chunks(ids):
            rows = await self.sql.fetchall(
                f"SELECT {_COLS} FROM factions WHERE id IN ({placeholders(len(part))})", tuple(part)
            )
            found.update((r[0], _faction(r)) for r in rows)
        return found

    async def list_all(self) -> list[Faction]:
        rows = await self.sql.fetchall(f"SELECT {_COLS} FROM factions ORDER BY id")
        return [_faction(r) for r in rows]

    async def update(self, faction: Faction) -> Faction:
        validate_faction(faction)
        count = await self._write(
            "update faction",
            "UPDATE factions SET name=?, description=?, monitoring_bonus=?, color=?, "
            f"updated_at={NOW} WHERE id=?",
            (
                faction.name,
                faction.description,
                faction.monitoring_bonus,
                faction.color,
                faction.id,
            ),
        )
        if count == 0:
            raise NotFound("faction", faction.id)
        return faction

    async def delete(self, faction_id: str) -> None:
        """Cascades to influence, likeability, relationships, orders, members...; pieces
        become unowned (faction_id NULL) as the schema declares."""
        count = await self._write(
            "delete faction", "DELETE FROM factions WHERE id=?", (faction_id,)
        )
        if count == 0:
            raise NotFound("faction", faction_id)

    # -- relationships (directed; effective = min of both directions, D-1) -----------------

    async def set_relationship(self, faction_id: str, target_id: str, value: int) -> None:
        await self.set_relationships_many([Relationship(faction_id, target_id, value)])

    async def set_relationship_pair(self, faction_a: str, faction_b: str, value: int) -> None:
        """GM tools set both directions together."""
        await self.set_relationships_many(
            [Relationship(faction_a, faction_b, value), Relationship(faction_b, faction_a, value)]
        )

    async def set_relationships_many(self, relationships: Sequence[Relationship]) -> int:
        for r in relationships:
            check_int("relationship", r.value, -2, 2)
            if r.faction_id == r.target_faction_id:
                raise InvalidValue("relationship target", r.target_faction_id, "another faction")
        return await self._write_many(
            "set relationships",
            "INSERT INTO faction_relationships (faction_id, target_faction_id, relationship_value) "
            "VALUES (?, ?, ?) ON CONFLICT(faction_id, target_faction_id) DO UPDATE SET "
            "relationship_value=excluded.relationship_value, "
            f"updated_at={NOW}",
            [(r.faction_id, r.target_faction_id, r.value) for r in relationships],
            entity="relationship",
        )

    async def get_relationship(self, faction_id: str, target_id: str) -> int:
        """The stored directed value; a missing row counts as 0."""
        value = await self.sql.scalar(
            "SELECT relationship_value FROM faction_relationships "
            "WHERE faction_id=? AND target_faction_id=?",
            (faction_id, target_id),
        )
        return int(value or 0)

    async def effective_relationship(self, faction_a: str, faction_b: str) -> int:
        return min(
            await self.get_relationship(faction_a, faction_b),
            await self.get_relationship(faction_b, faction_a),
        )

    async def list_relationships(self) -> list[Relationship]:
        rows = await self.sql.fetchall(
            "SELECT faction_id, target_faction_id, relationship_value FROM faction_relationships "
            "ORDER BY faction_id, target_faction_id"
        )
        return [Relationship(*r) for r in rows]

    async def relationship_map(self) -> dict[tuple[str, str], int]:
        """Directed stored values keyed (from, to); absent pairs mean 0."""
        return {
            (r.faction_id, r.target_faction_id): r.value for r in await self.list_relationships()
        }

    # -- resources (a free GM ledger, D-2) -------------------------------------------------

    async def set_resource(self, faction_id: str, resource_type: str, value: int) -> None:
        check_nonempty("resource type", resource_type)
        check_int("resource value", value, -(2**62), 2**62)
        await self._write(
            "set resource",
            "INSERT INTO faction_resources (faction_id, resource_type, resource_value) VALUES (?, ?, ?) "
            "ON CONFLICT(faction_id, resource_type) DO UPDATE SET resource_value=excluded.resource_value, "
            f"updated_at={NOW}",
            (faction_id, resource_type, value),
            entity="resource",
        )

    async def list_resources(self, faction_id: str | None = None) -> list[Resource]:
        clause, params = ("WHERE faction_id=?", (faction_id,)) if faction_id else ("", ())
        rows = await self.sql.fetchall(
            "SELECT faction_id, resource_type, resource_value FROM faction_resources "
            f"{clause} ORDER BY faction_id, resource_type",
            params,
        )
        return [Resource(*r) for r in rows]

    async def delete_resource(self, faction_id: str, resource_type: str) -> None:
        count = await self._write(
            "delete resource",
            "DELETE FROM faction_resources WHERE faction_id=? AND resource_type=?",
            (faction_id, resource_type),
        )
        if count == 0:
            raise NotFound("resource", (faction_id, resource_type))

    # -- named modifiers (§1.4) ------------------------------------------------------------

    async def add_modifier(self, modifier: FactionModifier) -> FactionModifier:
        check_nonempty("modifier id", modifier.id)
        check_nonempty("modifier name", modifier.name)
        check_choice("modifier type", modifier.modifier_type, FACTION_MODIFIER_TYPES)
        check_int("modifier value", modifier.value, -1000, 1000)
        await self._write(
            "add faction modifier",
            "INSERT INTO faction_modifiers (id, faction_id, name, modifier_type, value) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                modifier.id,
                modifier.faction_id,
                modifier.name,
                modifier.modifier_type,
                modifier.value,
            ),
            entity="faction modifier",
        )
        return modifier

    async def list_modifiers(self, faction_id: str | None = None) -> list[FactionModifier]:
        clause, params = ("WHERE faction_id=?", (faction_id,)) if faction_id else ("", ())
        rows = await self.sql.fetchall(
            "SELECT id, faction_id, name, modifier_type, value FROM faction_modifiers "
            f"{clause} ORDER BY faction_id, id",
            params,
        )
        return [FactionModifier(*r) for r in rows]

    async def remove_modifier(self, modifier_id: str) -> None:
        count = await self._write(
            "remove faction modifier", "DELETE FROM faction_modifiers WHERE id=?", (modifier_id,)
        )
        if count == 0:
            raise NotFound("faction modifier", modifier_id)

    # -- support declarations (§6.4) -------------------------------------------------------

    async def set_support(
        self, turn: int, declaring_id: str, target_id: str, will_support: bool
    ) -> None:
        """``will_support`` may be true only while the effective relationship is +2."""
        check_int("turn", turn, 1)
        if declaring_id == target_id:
            raise InvalidValue("support target", target_id, "another faction")
        if will_support and await self.effective_relationship(declaring_id, target_id) != 2:
            raise InvalidValue("will_support", True, "only toward a +2 ally (both directions)")
        await self._write(
            "set support",
            "INSERT INTO faction_support_status (turn_number, declaring_faction_id, target_faction_id, "
            "will_support) VALUES (?, ?, ?, ?) ON CONFLICT(turn_number, declaring_faction_id, "
            "target_faction_id) DO UPDATE SET will_support=excluded.will_support, "
            f"updated_at={NOW}",
            (turn, declaring_id, target_id, b(will_support)),
            entity="support declaration",
        )

    async def list_support(
        self, turn: int, *, only_active: bool = True
    ) -> list[SupportDeclaration]:
        """``only_active``: declarations in force, i.e. will_support toward a faction that is
        still a +2 ally in both directions (support holds "only while rel = +2", §1.2; a GM
        edit that lowers the relationship ends it without rewriting the record)."""
        extra = (
            " AND s.will_support = 1 AND (SELECT COUNT(*) FROM faction_relationships r "
            "WHERE r.relationship_value = 2 AND ("
            "(r.faction_id = s.declaring_faction_id AND r.target_faction_id = s.target_faction_id) "
            "OR (r.faction_id = s.target_faction_id AND r.target_faction_id = s.declaring_faction_id)"
            ")) = 2"
            if only_active
            else ""
        )
        rows = await self.sql.fetchall(
            "SELECT s.turn_number, s.declaring_faction_id, s.target_faction_id, s.will_support "
            f"FROM faction_support_status s WHERE s.turn_number=?{extra} "
            "ORDER BY s.declaring_faction_id, s.target_faction_id",
            (turn,),
        )
        return [SupportDeclaration(r[0], r[1], r[2], bool(r[3])) for r in rows]

    # -- known rumors ----------------------------------------------------------------------

    async def add_known_rumors_many(self, known: Sequence[KnownRumor]) -> int:
        """Already-known rumors are kept with their first discovery turn."""
        for k in known:
            check_int("discovered_on", k.discovered_on, 0)
        return await self._write_many(
            "add known rumors",
            "INSERT INTO faction_known_rumors (faction_id, rumor_id, discovered_on) "
            "VALUES (?, ?, ?) ON CONFLICT(faction_id, rumor_id) DO NOTHING",
            [(k.faction_id, k.rumor_id, k.discovered_on) for k in known],
            entity="known rumor",
        )

    async def known_rumors(self, faction_id: str | None = None) -> list[KnownRumor]:
        clause, params = ("WHERE faction_id=?", (faction_id,)) if faction_id else ("", ())
        rows = await self.sql.fetchall(
            "SELECT faction_id, rumor_id, discovered_on FROM faction_known_rumors "
            f"{clause} ORDER BY faction_id, rumor_id",
            params,
        )
        return [KnownRumor(*r) for r in rows]

    async def forget_rumor(self, faction_id: str, rumor_id: str) -> None:
        await self._write(
            "forget rumor",
            "DELETE FROM faction_known_rumors WHERE faction_id=? AND rumor_id=?",
            (faction_id, rumor_id),
        )
