"""The reliability suite runs the real bot against the emulator (tests/bot/conftest.py), on
the sample campaign with a fixed seed: every roll of every test is the same on every run."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

import tests.bot.conftest as bot_tables
from bot.campaign import CampaignFile
from bot.campaign.parse import load
from bot.emulator import Emulator
from tests.bot.conftest import Table, build_table
from tests.pipeline.conftest import HARBOR_SEED


def seeded(path: Path) -> CampaignFile:
    return dataclasses.replace(load(path), seed=HARBOR_SEED)


@pytest.fixture
async def table(
    emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Table]:
    monkeypatch.setattr(bot_tables, "load", seeded)  # build_table imports the sample with it
    async for t in build_table(emulator, tmp_path / "data"):
        yield t
