"""Where SQL may live, read from the source itself (string literals, docstrings excluded).

- No SQL at all in bot/ or cogs/: they go through repositories.
- BEGIN/COMMIT/ROLLBACK/SAVEPOINT only in db/database.py (which issues them) and
  db/dialect.py (which spells them).
- Inside db/, SQLite-only syntax only in db/dialect.py, so a PostgreSQL backend replaces
  one module, not the repositories.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SQL = re.compile(
    r"\b(SELECT\s+\S|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|"
    r"CREATE\s+(TABLE|INDEX|TRIGGER|VIEW|UNIQUE)|DROP\s+(TABLE|INDEX|TRIGGER|VIEW)|"
    r"ALTER\s+TABLE|PRAGMA\s|REPLACE\s+INTO|WITH\s+RECURSIVE)"
)
TRANSACTION = re.compile(r"\b(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE\s+SAVEPOINT)\b")
SQLITE_ONLY = re.compile(
    r"strftime\(|julianday\(|datetime\(|INSERT\s+OR\s|REPLACE\s+INTO|sqlite_|PRAGMA|"
    r"total_changes|last_insert_rowid|changes\(\)|\browid\b|\bGLOB\b|AUTOINCREMENT|"
    r"\bjson_\w+\(|\bIFNULL\(|\bIS\s+\?"
)
EXECUTOR_CALLS = {"execute", "executemany", "fetchall", "fetchone", "scalar"}


def _python_files(*folders: str) -> list[Path]:
    files = [p for folder in folders for p in sorted((ROOT / folder).rglob("*.py"))]
    assert files, folders
    return files


def _literals(path: Path) -> Iterator[tuple[int, str]]:
    """Every string literal (f-string parts included) that is not a docstring."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    for node in ast.walk(tree):
        is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
        if is_text and id(node) not in docstrings:
            yield node.lineno, node.value


def _hits(files: list[Path], pattern: re.Pattern[str]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{line}: {match.group(0)!r} in {text[:60]!r}"
        for path in files
        for line, text in _literals(path)
        if (match := pattern.search(text))
    ]


def test_the_scanner_sees_sql_where_it_is():
    """Guard against a scanner that finds nothing: the repositories are full of SQL."""
    districts = [ROOT / "db" / "repositories" / "districts.py"]
    assert len(_hits(districts, SQL)) > 10
    assert _hits([ROOT / "db" / "dialect.py"], TRANSACTION)
    assert _hits([ROOT / "db" / "dialect.py"], SQLITE_ONLY)


def test_no_sql_outside_db():
    assert _hits(_python_files("bot", "cogs"), SQL) == []


def test_no_raw_executor_use_outside_db():
    """``uow.sql`` is the migration runner's and the tests' door, not the services'."""
    found = []
    for path in _python_files("bot", "cogs"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in EXECUTOR_CALLS
                and isinstance(node.value, ast.Attribute)
                and node.value.attr == "sql"
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []


def test_transaction_statements_only_in_the_transaction_context():
    allowed = {ROOT / "db" / "database.py", ROOT / "db" / "dialect.py"}
    files = [p for p in _python_files("bot", "cogs", "db") if p not in allowed]
    assert _hits(files, TRANSACTION) == []


def test_sqlite_only_syntax_only_in_the_dialect_module():
    files = [p for p in _python_files("db") if p.name != "dialect.py"]
    assert _hits(files, SQLITE_ONLY) == []


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("SELECT id FROM factions", SQL),
        ("INSERT INTO t VALUES (1)", SQL),
        ("UPDATE agents SET might=1", SQL),
        ("DELETE FROM t", SQL),
        ("BEGIN IMMEDIATE", TRANSACTION),
        ("ROLLBACK TO SAVEPOINT sp_1", TRANSACTION),
        ("updated_at=strftime('%Y','now')", SQLITE_ONLY),
        ("INSERT OR IGNORE INTO t", SQLITE_ONLY),
        ("faction_id IS ?", SQLITE_ONLY),
    ],
)
def test_patterns_match_what_they_should(text: str, pattern: re.Pattern[str]):
    assert pattern.search(text)


@pytest.mark.parametrize(
    "text", ["Select a district", "is not a select menu", "Update the board", "begin the turn"]
)
def test_patterns_leave_prose_alone(text: str):
    assert not SQL.search(text) and not TRANSACTION.search(text)
