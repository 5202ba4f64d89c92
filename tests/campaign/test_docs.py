"""The format document names every field the parser accepts."""

from __future__ import annotations

import re
from pathlib import Path

from bot.campaign import FIELDS

DOC = Path(__file__).resolve().parents[2] / "docs" / "campaign-format.md"


def test_every_accepted_field_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z_]+)`", text))
    missing = {
        f"{table}.{name}" if table else name
        for table, names in FIELDS.items()
        for name in names
        if table and name not in documented
    }
    assert missing == set()


def test_every_table_has_a_section() -> None:
    headings = re.findall(r"^## `(\[\[?[a-z_]+\]\]?)`", DOC.read_text(encoding="utf-8"), re.M)
    tables = {name.strip("[]") for name in headings}
    assert tables == {table for table in FIELDS if table and "." not in table}
