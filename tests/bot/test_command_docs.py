"""docs/COMMANDS.md stays true: every synced command appears there with its options."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.bot.conftest import Table

DOC = Path(__file__).resolve().parents[2] / "docs" / "COMMANDS.md"
SUBCOMMAND, GROUP = 1, 2


def signatures(node: dict[str, Any], prefix: str) -> list[str]:
    options = node.get("options") or []
    subs = [o for o in options if o["type"] in (SUBCOMMAND, GROUP)]
    if subs:
        return [s for sub in subs for s in signatures(sub, f"{prefix} {sub['name']}")]
    args = " ".join(f"<{o['name']}>" if o.get("required") else f"[{o['name']}]" for o in options)
    return [f"{prefix} {args}".strip()]


async def test_every_synced_command_is_documented(table: Table) -> None:
    text = DOC.read_text(encoding="utf-8")
    synced = [s for c in table.emu.global_commands for s in signatures(c, "/" + c["name"])]
    assert len(synced) > 70
    missing = [s for s in synced if f"| `{s}` |" not in text]
    assert missing == [], f"document these in docs/COMMANDS.md: {missing}"
    documented = {line.split("`")[1] for line in text.splitlines() if line.startswith("| `/")}
    assert documented == set(synced)  # and nothing documented that does not exist
