"""Helpers: start from the minimal example and break one thing at a time."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from bot.campaign import Problem, check

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SAMPLE = EXAMPLES / "harbor_city.toml"
MINIMAL = EXAMPLES / "minimal.toml"


def minimal_doc() -> dict[str, Any]:
    """A fresh, valid document that a test may mutate."""
    return tomllib.loads(MINIMAL.read_text(encoding="utf-8"))


def problems_of(doc: dict[str, Any], base_dir: Path | None = None) -> list[Problem]:
    return check(tomli_w.dumps(doc).encode(), base_dir=base_dir).problems


def only_problem(doc: dict[str, Any], base_dir: Path | None = None) -> Problem:
    problems = problems_of(doc, base_dir)
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


@pytest.fixture
def doc() -> dict[str, Any]:
    return minimal_doc()
