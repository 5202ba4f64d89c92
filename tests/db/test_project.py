"""The project card's promises about the skeleton: the README's two commands, .ci/run running
exactly the README's test command, .env.example listing every setting bot/config.py reads
(and nothing else), and the packaging the issue asks for."""

from __future__ import annotations

import ast
import os
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FENCE = re.compile(r"```(?:bash|sh)\n(.*?)```", re.S)


def _readme_commands() -> list[str]:
    return [block.strip() for block in FENCE.findall((ROOT / "README.md").read_text())]


def test_readme_opens_with_the_two_fresh_machine_commands():
    text = (ROOT / "README.md").read_text()
    commands = _readme_commands()
    assert len(commands) >= 2
    run, test = commands[0], commands[1]
    # the first installs and runs the bot (the local demo once it exists), the second the tests
    assert re.fullmatch(
        r"python3 -m venv \.venv && \.venv/bin/pip install -q -e (\.|\"\.\[dev\]\") "
        r"&& \.venv/bin/python -m bot( demo)?",
        run,
    ), run
    install = 'python3 -m venv .venv && .venv/bin/pip install -q -e ".[dev]"'
    assert test == f"{install} && .venv/bin/python -m pytest -q"
    # they open the README: nothing but the title and a paragraph comes before them
    assert text.index(run) < text.index("\n## ", text.index("## Quick start") + 1)


def test_ci_runs_exactly_the_readme_test_command():
    script = ROOT / ".ci" / "run"
    assert os.access(script, os.X_OK)
    lines = [
        line.strip()
        for line in script.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert lines[0] == "set -euo pipefail"
    assert lines[-1] == _readme_commands()[1]  # the last thing CI does is the README command
    assert "pytest" not in " ".join(lines[:-1])  # and it does not run tests any other way


def _settings_read_by_config() -> set[str]:
    """Every ``values.get("NAME", ...)`` in bot/config.py: the names it reads."""
    tree = ast.parse((ROOT / "bot" / "config.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "values"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.add(node.args[0].value)
    return names


def _env_example() -> dict[str, str]:
    """NAME -> the comment line right above it."""
    lines = (ROOT / ".env.example").read_text().splitlines()
    found = {}
    for i, line in enumerate(lines):
        match = re.fullmatch(r"([A-Z][A-Z0-9_]*)=.*", line)
        if match:
            above = lines[i - 1] if i else ""
            found[match.group(1)] = above
    return found


def test_env_example_lists_exactly_the_settings_config_reads():
    read = _settings_read_by_config()
    assert {"DISCORD_TOKEN", "BOT_DATA_DIR", "DB_SLOW_QUERY_MS", "DB_BUSY_TIMEOUT_MS"} <= read
    assert set(_env_example()) == read


def test_every_setting_has_a_one_line_comment():
    for name, comment in _env_example().items():
        assert comment.startswith("# ") and len(comment) > 10, f"{name} has no comment"


def test_packaging_matches_the_issue():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"].startswith(">=3.11")
    deps = " ".join(project["dependencies"])
    assert "discord.py>=2" in deps and "aiosqlite" in deps
    dev = " ".join(project["optional-dependencies"]["dev"])
    for tool in ("pytest", "pytest-asyncio", "hypothesis", "ruff"):
        assert re.search(rf"(^|\s){re.escape(tool)}([<>=\s]|$)", dev), tool
    for folder in ("bot", "cogs", "db", "migrations", "tests"):
        assert (ROOT / folder).is_dir(), folder
