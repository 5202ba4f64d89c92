"""Agents and squadrons (the pieces), including bulk moves."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterable, Sequence
from typing import Any

from db.dialect import NOW
from db.errors import NotFound
from db.executor import Row
from db.records import APTITUDES, ATTRIBUTES, PIECE_TYPES, SKILLS, Agent, PieceLocation, Squadron
from db.repositories.base import (
    Repository,
    check_choice,
    check_int,
    check_nonempty,
    chunks,
    placeholders,
)

_AGENT_FIELDS = tuple(f.name for f in dataclasses.fields(Agent))
_SQUADRON_FIELDS = tuple(f.name for f in dataclasses.fields(Squadron))
_TABLES = {
    "agent": ("agents", Agent, _AGENT_FIELDS),
    "squadron": ("squadrons", Squadron, _SQUADRON_FIELDS),
}


def validate_agent(a: Agent) -> None:
    check_nonempty("agent id", a.id)
    check_nonempty("agent name", a.name)
    for name in (*ATTRIBUTES, *SKILLS):
        check_int(name, getattr(a, name), 0, 5)


def validate_squadron(s: Squadron) -> None:
    check_nonempty("squadron id", s.id)
    check_nonempty("squadron name", s.name)
    check_int("mobility", s.mobility, 0, 5)
    for name in APTITUDES:
        check_int(f"{name} aptitude", getattr(s, f"{name}_aptitude"), -3, 5)


def _upsert_sql(table: str, fields: Sequence[str]) -> str:
    updates = ", ".join(f"{f}=excluded.{f}" for f in fields if f != "id")
    return (
        f"INSERT INTO {table} ({', '.join(fields)}) VALUES ({placeholders(len(fields))}) "
        f"ON CONFLICT(id) DO UPDATE SET {updates}, updated_at={NOW}"
    )


def _values(record: Any, fields: Sequence[str]) -> tuple:
    return tuple(getattr(record, f) for f in fields)


class PieceRepository(Repository):
    # -- creation / bulk upsert ------------------------------------------------------------

    async def create_agent(self, agent: Agent) -> Agent:
        validate_agent(agent)
        await self._write(
            "create agent",
            f"INSERT INTO agents ({', '.join(_AGENT_FIELDS)}) VALUES ({placeholders(len(_AGENT_FIELDS))})",
            _values(agent, _AGENT_FIELDS),
            entity="agent",
        )
        return agent

    async def create_squadron(self, squadron: Squadron) -> Squadron:
        validate_squadron(squadron)
        await self._write(
            "create squadron",
            f"INSERT INTO squadrons ({', '.join(_SQUADRON_FIELDS)}) "
            f"VALUES ({placeholders(len(_SQUADRON_FIELDS))})",
            _values(squadron, _SQUADRON_FIELDS),
            entity="squadron",
        )
        return squadron

    async def upsert_agents_many(self, agents: Sequence[Agent]) -> int:
        for a in agents:
            validate_agent(a)
        return await self._write_many(
            "upsert agents",
            _upsert_sql("agents", _AGENT_FIELDS),
            [_values(a, _AGENT_FIELDS) for a in agents],
            entity="agent",
        )

    async def upsert_squadrons_many(self, squadrons: Sequence[Squadron]) -> int:
        for s in squadrons:
            validate_squadron(s)
        return await self._write_many(
            "upsert squadrons",
            _upsert_sql("squadrons", _SQUADRON_FIELDS),
            [_values(s, _SQUADRON_FIELDS) for s in squadrons],
            entity="squadron",
        )

    async def update_agent(self, agent: Agent) -> Agent:
        validate_agent(agent)
        await self._require_exists("agent", agent.id)
        await self.upsert_agents_many([agent])
        return agent

    async def update_squadron(self, squadron: Squadron) -> Squadron:
        validate_squadron(squadron)
        await self._require_exists("squadron", squadron.id)
        await self.upsert_squadrons_many([squadron])
        return squadron

    async def _require_exists(self, piece_type: str, piece_id: str) -> None:
        table = _TABLES[piece_type][0]
        if not await self.sql.scalar(f"SELECT 1 FROM {table} WHERE id=?", (piece_id,)):
            raise NotFound(piece_type, piece_id)

    # -- reads -----------------------------------------------------------------------------

    async def get_agent(self, agent_id: str) -> Agent:
        found = await self._get_many("agent", [agent_id])
        if agent_id not in found:
            raise NotFound("agent", agent_id)
        return found[agent_id]

    async def get_squadron(self, squadron_id: str) -> Squadron:
        found = await self._get_many("squadron", [squadron_id])
        if squadron_id not in found:
            raise NotFound("squadron", squadron_id)
        return found[squadron_id]

    async def get(self, piece_type: str, piece_id: str) -> Agent | Squadron:
        check_choice("piece type", piece_type, PIECE_TYPES)
        return await (
            self.get_agent(piece_id) if piece_type == "agent" else self.get_squadron(piece_id)
        )

    async def get_agents_many(self, ids: Iterable[str]) -> dict[str, Agent]:
        return await self._get_many("agent", ids)  # type: ignore[return-value]

    async def get_squadrons_many(self, ids: Iterable[str]) -> dict[str, Squadron]:
        return await self._get_many("squadron", ids)  # type: ignore[return-value]

    async def _get_many(self, piece_type: str, ids: Iterable[str]) -> dict[str, Any]:
        table, cls, fields = _TABLES[piece_type]
        wanted = sorted(set(ids))
        found: dict[str, Any] = {}
        for part in chunks(wanted):
            rows = await self.sql.fetchall(
                f"SELECT {', '.join(fields)} FROM {table} WHERE id IN ({placeholders(len(part))})",
                tuple(part),
            )
            found.update((r["id"], _build(cls, fields, r)) for r in rows)
        return found

    async def list_agents(self, faction_id: str | None = None) -> list[Agent]:
        return await self._list("agent", faction_id)  # type: ignore[return-value]

    async def list_squadrons(self, faction_id: str | None = None) -> list[Squadron]:
        return await self._list("squadron", faction_id)  # type: ignore[return-value]

    async def list_all(self, faction_id: str | None = None) -> list[Agent | Squadron]:
        """Canonical order: agents by id, then squadrons by id."""
        return [*await self.list_agents(faction_id), *await self.list_squadrons(faction_id)]

    async def _list(self, piece_type: str, faction_id: str | None) -> list[Any]:
        table, cls, fields = _TABLES[piece_type]
        clause, params = ("WHERE faction_id=?", (faction_id,)) if faction_id else ("", ())
        rows = await self.sql.fetchall(
            f"SELECT {', '.join(fields)} FROM {table} {clause} ORDER BY id", params
        )
        return [_build(cls, fields, r) for r in rows]

    # -- moves / deletes -------------------------------------------------------------------

    async def set_location(
        self, piece_type: str, piece_id: str, district_id: str | None, assignment: str | None = None
    ) -> None:
        count = await self.set_locations_many(
            [PieceLocation(piece_type, piece_id, district_id, assignment)]
        )
        if count == 0:
            raise NotFound(piece_type, piece_id)

    async def set_locations_many(self, locations: Sequence[PieceLocation]) -> int:
        for loc in locations:
            check_choice("piece type", loc.piece_type, PIECE_TYPES)
        batches = [
            (piece_type, rows)
            for piece_type in PIECE_TYPES
            if (
                rows := [
                    (loc.district_id, loc.assignment, loc.piece_id)
                    for loc in locations
                    if loc.piece_type == piece_type
                ]
            )
        ]
        # One batch is atomic by itself (_write_many); a savepoint around it would cost two
        # more statements inside every order's write transaction (bench: interaction).
        total = 0
        async with self.atomic() if len(batches) > 1 else contextlib.nullcontext():
            for piece_type, rows in batches:
                total += await self._write_many(
                    "move pieces",
                    f"UPDATE {_TABLES[piece_type][0]} SET district_id=?, assignment=?, "
                    f"updated_at={NOW} WHERE id=?",
                    rows,
                )
            return total

    async def clear_assignments(self) -> int:
        """Start of a turn: nobody is assigned until new orders arrive (districts stay)."""
        total = 0
        async with self.atomic():
            for table in ("agents", "squadrons"):
                total += await self._write(
                    "clear assignments",
                    f"UPDATE {table} SET assignment=NULL WHERE assignment IS NOT NULL",
                )
            return total

    async def delete_agent(self, agent_id: str) -> None:
        if await self._write("delete agent", "DELETE FROM agents WHERE id=?", (agent_id,)) == 0:
            raise NotFound("agent", agent_id)

    async def delete_squadron(self, squadron_id: str) -> None:
        if (
            await self._write("delete squadron", "DELETE FROM squadrons WHERE id=?", (squadron_id,))
            == 0
        ):
            raise NotFound("squadron", squadron_id)


def _build(cls: type, fields: Sequence[str], row: Row) -> Any:
    return cls(**{f: row[f] for f in fields})
