"""CLI test helpers: run ``main([...])`` in-process and capture what it prints."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MINIMAL = EXAMPLES / "minimal.toml"
HARBOR = EXAMPLES / "harbor_city.toml"


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


Runner = Callable[..., Run]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], data_dir: Path) -> Runner:
    """``cli("check", "--guild", "1")`` runs ``campaign-cli --data-dir <tmp> check --guild 1``."""

    def run(*args: str, data: bool = True) -> Run:
        capsys.readouterr()
        code = main([*(["--data-dir", str(data_dir)] if data else []), *args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def guild(cli: Runner) -> str:
    """Guild 42 holds the minimal campaign."""
    result = cli("import", "--guild", "42", str(MINIMAL))
    assert result.code == 0, result.err
    return "42"
