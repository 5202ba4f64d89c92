"""Settings from the environment and an optional ``.env`` file.

One frozen dataclass read once at start-up, so the rest of the code never touches
``os.environ`` and tests can build settings explicitly.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values


class SettingsError(ValueError):
    """A setting is missing or malformed; the message tells the operator how to fix it."""


@dataclass(frozen=True)
class Settings:
    token: str | None = None
    data_dir: Path = Path("data")
    log_level: str = "INFO"
    api_base_url: str | None = None
    gateway_url: str | None = None
    sync_guild_ids: tuple[int, ...] = ()
    slow_query_ms: float = 100.0
    busy_timeout_ms: int = 5000
    backup_keep: int = 20
    extra: Mapping[str, str] = field(default_factory=dict, repr=False)

    @property
    def campaigns_dir(self) -> Path:
        return self.data_dir / "campaigns"

    @property
    def backups_dir(self) -> Path:
        return self.data_dir / "backups"


def _int(name: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from exc


def _float(name: str, raw: str) -> float:
    try:
        return float(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from exc


def _guild_ids(raw: str) -> tuple[int, ...]:
    ids = []
    for part in raw.replace(";", ",").split(","):
        part = part.strip()
        if part:
            ids.append(_int("SYNC_GUILD_IDS", part))
    return tuple(ids)


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: Path | str | None = ".env"
) -> Settings:
    """Environment variables win over ``.env`` entries (the usual twelve-factor order)."""
    values: dict[str, str] = {}
    if env_file is not None and Path(env_file).is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)

    level = values.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
    if level not in logging.getLevelNamesMapping():
        raise SettingsError(f"LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR; got {level!r}")
    token = (values.get("DISCORD_TOKEN") or "").strip() or None
    base = (values.get("DISCORD_API_BASE_URL") or "").strip() or None
    gateway = (values.get("DISCORD_GATEWAY_URL") or "").strip() or None
    return Settings(
        token=token,
        data_dir=Path(values.get("BOT_DATA_DIR", "data") or "data"),
        log_level=level,
        api_base_url=base.rstrip("/") if base else None,
        gateway_url=gateway,
        sync_guild_ids=_guild_ids(values.get("SYNC_GUILD_IDS", "")),
        slow_query_ms=_float("DB_SLOW_QUERY_MS", values.get("DB_SLOW_QUERY_MS", "100")),
        busy_timeout_ms=_int("DB_BUSY_TIMEOUT_MS", values.get("DB_BUSY_TIMEOUT_MS", "5000")),
        backup_keep=_int("BACKUP_KEEP", values.get("BACKUP_KEEP", "20")),
    )
