"""The check command and the seed helper."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.campaign.__main__ import main
from bot.campaign.model import MAX_SEED, draw_seed
from tests.campaign.conftest import MINIMAL


def test_check_command_prints_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(MINIMAL)]) == 0
    out = capsys.readouterr().out
    assert "Campaign: Two Towers" in out and "Seed: 20240601" in out


def test_check_command_lists_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[campaign]\nname = ""\n', encoding="utf-8")
    assert main([str(bad)]) == 1
    assert "error: campaign.name: must not be empty" in capsys.readouterr().out


def test_usage_without_arguments() -> None:
    assert main([]) == 2


def test_draw_seed_is_unsigned_64_bit() -> None:
    seeds = {draw_seed() for _ in range(20)}
    assert all(0 <= s <= MAX_SEED for s in seeds) and len(seeds) > 1
