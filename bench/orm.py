"""SQLAlchemy 2 mapped classes for the tables the persistence benchmark touches.

What a team choosing an ORM would write instead of db/: declarative classes over the
same tables (created by our migrations), an async engine on aiosqlite with the same
pragmas as ``db.dialect``. Timestamps with a database default are left to it; the
``updated_at`` columns the repositories refresh get an ``onupdate`` here, so both sides
do the same work. Only imported when SQLAlchemy is installed (the ``bench`` extra).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Integer, String, event, func
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from db.dialect import connection_pragmas

_NOW = func.strftime("%Y-%m-%dT%H:%M:%fZ", "now")


class Base(DeclarativeBase):
    pass


class Action(Base):
    __tablename__ = "actions"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    turn_number: Mapped[int] = mapped_column(Integer)
    piece_type: Mapped[str] = mapped_column(String)
    piece_id: Mapped[str] = mapped_column(String)
    faction_id: Mapped[str] = mapped_column(String)
    district_id: Mapped[str] = mapped_column(String)
    action_type: Mapped[str] = mapped_column(String)
    target_faction_id: Mapped[str | None] = mapped_column(String)
    description: Mapped[str] = mapped_column(String, default="")
    attribute_used: Mapped[str | None] = mapped_column(String)
    skill_used: Mapped[str | None] = mapped_column(String)
    aptitude_used: Mapped[str | None] = mapped_column(String)
    dc: Mapped[int | None] = mapped_column(Integer)
    manual_modifier: Mapped[int] = mapped_column(Integer, default=0)
    advantage: Mapped[bool] = mapped_column(default=False)
    disadvantage: Mapped[bool] = mapped_column(default=False)
    roll_result: Mapped[int | None] = mapped_column(Integer)
    outcome_tier: Mapped[str | None] = mapped_column(String)
    enemy_penalty: Mapped[int] = mapped_column(Integer, default=0)
    final_total: Mapped[int | None] = mapped_column(Integer)
    in_conflict: Mapped[bool] = mapped_column(default=False)
    conflict_id: Mapped[str | None] = mapped_column(String)
    forfeited: Mapped[bool] = mapped_column(default=False)
    influence_gained: Mapped[int] = mapped_column(Integer, default=0)
    influence_lost: Mapped[int] = mapped_column(Integer, default=0)
    target_gained: Mapped[int] = mapped_column(Integer, default=0)
    target_lost: Mapped[int] = mapped_column(Integer, default=0)
    gm_notes: Mapped[str | None] = mapped_column(String)
    updated_at: Mapped[str] = mapped_column(String, server_default=_NOW, onupdate=_NOW)


class Influence(Base):
    __tablename__ = "district_influence"

    district_id: Mapped[str] = mapped_column(String, primary_key=True)
    faction_id: Mapped[str] = mapped_column(String, primary_key=True)
    influence_value: Mapped[int] = mapped_column(Integer, default=0)
    has_stronghold: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[str] = mapped_column(String, server_default=_NOW, onupdate=_NOW)


class Report(Base):
    __tablename__ = "faction_monitoring_reports"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    faction_id: Mapped[str] = mapped_column(String)
    district_id: Mapped[str] = mapped_column(String)
    turn_number: Mapped[int] = mapped_column(Integer)
    report_json: Mapped[dict[str, Any]] = mapped_column(JSON)
    confidence_rating: Mapped[int] = mapped_column(Integer)


class Delivery(Base):
    __tablename__ = "delivery_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    turn_number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String)
    faction_id: Mapped[str | None] = mapped_column(String)
    recipient_type: Mapped[str] = mapped_column(String)
    recipient_id: Mapped[int | None] = mapped_column(Integer)
    payload_json: Mapped[dict[str, Any]] = mapped_column(JSON)
    dedupe_key: Mapped[str] = mapped_column(String, unique=True)


def engine_for(path: Path, busy_timeout_ms: int = 5000) -> AsyncEngine:
    engine = create_async_engine(f"sqlite+aiosqlite:///{path}")

    @event.listens_for(engine.sync_engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        for pragma in connection_pragmas(busy_timeout_ms, read_only=False):
            cursor.execute(pragma)
        cursor.close()

    return engine
