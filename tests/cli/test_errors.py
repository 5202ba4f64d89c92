"""User mistakes at the command line: one clear ``error:`` line, exit 1, nothing changed.

Bad campaign files (malformed TOML, wrong types, 10 MB, a fake or escaping base map) are
refused by ``validate`` and ``import`` alike, and an import never half-writes: the
campaign already in the database is byte-for-byte what it was (issues 9 and 12).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
import tomli_w

from bot.cli import main
from tests.cli.conftest import MINIMAL, Runner

ROOT = Path(__file__).resolve().parents[2]


def dump_db(path: Path) -> dict[str, list[tuple]]:
    con = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name"
            )
        ]
        return {t: sorted(con.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    finally:
        con.close()


def minimal_doc() -> dict:
    return tomllib.loads(MINIMAL.read_text(encoding="utf-8"))


def write_doc(folder: Path, doc: dict, name: str = "bad.toml") -> Path:
    path = folder / name
    path.write_text(tomli_w.dumps(doc), encoding="utf-8")
    return path


def with_base_map(base_image: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        doc = minimal_doc()
        doc["map"] = {"base_image": base_image}
        return write_doc(folder, doc)

    return make


def malformed(folder: Path) -> Path:
    path = folder / "bad.toml"
    path.write_text('[campaign]\nname = "Unclosed\n', encoding="utf-8")
    return path


def wrong_types(folder: Path) -> Path:
    doc = minimal_doc()
    doc["districts"][0]["commerce"] = "lots"
    doc["agents"][0]["presence"] = 2.5
    doc["factions"][0]["monitoring_bonus"] = True
    return write_doc(folder, doc)


def ten_megabytes(folder: Path) -> Path:
    path = folder / "bad.toml"
    with path.open("wb") as handle:
        handle.write(MINIMAL.read_bytes())
        handle.write(b"# " + b"x" * (10 * 1024 * 1024) + b"\n")
    return path


def fake_image(folder: Path) -> Path:
    (folder / "map.png").write_text("<html>not a picture</html>", encoding="utf-8")
    return with_base_map("map.png")(folder)


def escaping_symlink(folder: Path) -> Path:
    outside = folder.parent / "outside.png"
    outside.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    os.symlink(outside, folder / "map.png")
    return with_base_map("map.png")(folder)


BAD_FILES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "malformed TOML": (malformed, "malformed TOML"),
    "wrong types": (wrong_types, "must be an integer"),
    "10 MB file": (ten_megabytes, "at most 5242880 bytes"),
    "non-image base map": (fake_image, "is not a PNG, JPEG or SVG image"),
    "base map outside the folder": (with_base_map("../outside.png"), "must not contain '..'"),
    "absolute base map path": (with_base_map("/etc/passwd"), "not an absolute path"),
    "symlink out of the folder": (escaping_symlink, "outside the campaign file's folder"),
    "missing base map": (with_base_map("nope.png"), "file not found"),
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "campaign"
    path.mkdir()
    return path


@pytest.mark.parametrize("case", BAD_FILES, ids=str)
def test_bad_files_are_refused_and_nothing_is_imported(
    case: str, cli: Runner, guild: str, data_dir: Path, folder: Path
) -> None:
    make, words = BAD_FILES[case]
    bad = make(folder)
    db_path = data_dir / "campaigns" / f"{guild}.sqlite3"
    before = dump_db(db_path)

    checked = cli("validate", str(bad), data=False)
    assert checked.code == 1 and words in checked.out and "Traceback" not in checked.err

    for replace in ((), ("--replace",)):
        result = cli("import", "--guild", guild, *replace, str(bad))
        assert result.code == 1, result.out
        lines = result.err.splitlines()
        assert lines and all(line.startswith("error: ") for line in lines)
        assert any(words in line for line in lines) and "Traceback" not in result.err
        assert result.out == ""
    assert dump_db(db_path) == before

    fresh = cli("import", "--guild", "77", str(bad))
    assert fresh.code == 1 and not (data_dir / "campaigns" / "77.sqlite3").exists()


def test_wrong_types_are_all_reported_with_what_is_allowed(cli: Runner, folder: Path) -> None:
    result = cli("validate", str(wrong_types(folder)), data=False)
    errors = [line for line in result.out.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: factions[0] 'red'.monitoring_bonus: must be an integer -5..5, not boolean",
        "error: districts[0] 'west'.commerce: must be an integer 0..10, not string",
        "error: agents[0] 'scarlet'.presence: must be an integer 0..5, not float",
    ]


def _no_db(tmp_path: Path) -> Path:
    path = tmp_path / "not-a-db.sqlite3"
    path.write_text("hello, I am text\n", encoding="utf-8")
    return path


# (argv builder, words the single error line must contain)
MISTAKES: list[tuple[str, Callable[[Path, str], list[str]], str]] = [
    ("export unknown guild", lambda t, g: ["export", "--guild", "999", str(t / "x.toml")],
     "No campaign database for guild 999"),
    ("export into a folder", lambda t, g: ["export", "--guild", g, str(t)], "Is a directory"),
    ("export into a missing folder", lambda t, g: ["export", "--guild", g, str(t / "a" / "b")],
     "No such file or directory"),
    ("import a folder", lambda t, g: ["import", "--guild", g, str(t)], "no such campaign file"),
    ("validate missing", lambda t, g: ["validate", str(t / "nope.toml")], "no such campaign file"),
    ("restore missing", lambda t, g: ["restore", "--guild", g, str(t / "nope.sqlite3")],
     "does not exist"),
    ("check a text file", lambda t, g: ["check", "--db", str(_no_db(t))], "file is not a database"),
    ("migrate a text file", lambda t, g: ["migrate", "--db", str(_no_db(t)), "status"],
     "file is not a database"),
    ("backup unknown guild", lambda t, g: ["backup", "--guild", "5"], "No campaign database"),
    ("render missing", lambda t, g: ["render", str(t / "x.toml"), "--out", str(t)],
     "no such campaign file or database"),
    ("render into a file", lambda t, g: ["render", str(MINIMAL), "--out", str(MINIMAL)],
     "File exists"),
    ("render a foreign database", lambda t, g: ["render", str(_foreign_db(t)), "--out",
     str(t / "maps")], "not a campaign database"),
    ("check a foreign database", lambda t, g: ["check", "--db", str(_foreign_db(t))],
     "not a campaign database"),
    ("migrate a foreign database", lambda t, g: ["migrate", "--db", str(_foreign_db(t)), "up"],
     "not a campaign database"),
    ("import into a foreign database", lambda t, g: ["import", "--db", str(_foreign_db(t)),
     str(MINIMAL)], "not a campaign database"),
    ("simulate zero turns", lambda t, g: ["simulate", str(MINIMAL), "--turns", "0", "--seed", "1"],
     "--turns must be at least 1"),
    ("simulate json into a folder", lambda t, g: ["simulate", str(MINIMAL), "--turns", "1",
     "--seed", "1", "--json", str(t)], "not a file in an existing folder"),
    ("migrate down 0", lambda t, g: ["migrate", "--guild", g, "down", "0"], "N must be at least 1"),
]  # fmt: skip


FOREIGN_ROWS = [("someone else's data",)]


def _foreign_db(tmp_path: Path) -> Path:
    """A real SQLite file that is not a campaign database: never to be migrated."""
    path = tmp_path / "foreign.sqlite3"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE notes (text)")
    con.executemany("INSERT INTO notes VALUES (?)", FOREIGN_ROWS)
    con.commit()
    con.close()
    return path


@pytest.mark.parametrize(("build", "words"), [(b, w) for _, b, w in MISTAKES],
                         ids=[m[0] for m in MISTAKES])  # fmt: skip
def test_user_mistakes_print_one_line_and_exit_1(
    build: Callable[[Path, str], list[str]], words: str, cli: Runner, guild: str, tmp_path: Path
) -> None:
    result = cli(*build(tmp_path, guild))
    assert result.code == 1
    assert result.err.count("\n") == 1 and result.err.startswith("error: "), result.err
    assert words in result.err and "Traceback" not in result.err
    foreign = tmp_path / "foreign.sqlite3"
    if foreign.exists():
        assert dump_db(foreign) == {"notes": FOREIGN_ROWS}  # not migrated, not touched
        assert not (tmp_path / "backups").exists() and not (tmp_path / "maps").exists()


def test_campaign_rolled_back_to_version_0_can_migrate_again(
    cli: Runner, guild: str, data_dir: Path
) -> None:
    assert cli("migrate", "--guild", guild, "down", "99").code == 0
    status = cli("migrate", "--guild", guild, "status")
    assert status.code == 0 and "schema version: 0" in status.out
    up = cli("migrate", "--guild", guild, "up")
    assert up.code == 0, up.err
    assert cli("health", "--guild", guild).code == 0


@pytest.mark.parametrize("bad", ["../../etc", "12a", "-5", "0", " 7"])
def test_guild_ids_are_digits_only(
    bad: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--data-dir", str(tmp_path), "import", "--guild", bad, str(MINIMAL)])
    assert exit_info.value.code == 2
    assert "is not a Discord guild id" in capsys.readouterr().err
    assert not any(tmp_path.rglob("*.sqlite3"))


HELP = [
    [], ["migrate"], ["migrate", "--guild", "1", "status"], ["migrate", "--guild", "1", "up"],
    ["migrate", "--guild", "1", "down"], ["backup"], ["backups"], ["restore"], ["check"],
    ["health"], ["import"], ["export"], ["validate"], ["simulate"], ["render"],
]  # fmt: skip


@pytest.mark.parametrize("words", HELP, ids=lambda w: " ".join(w) or "top")
def test_help_everywhere(words: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*words, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: campaign-cli") and "-h, --help" in out


def test_module_and_console_script_entry_points(tmp_path: Path) -> None:
    """``python -m bot.cli`` and the installed ``campaign-cli`` both run the same main."""
    module = subprocess.run(
        [sys.executable, "-m", "bot.cli", "validate", str(MINIMAL)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert module.returncode == 0 and "Campaign: Two Towers" in module.stdout
    script = Path(sys.executable).with_name("campaign-cli")
    assert script.is_file()
    bad = tmp_path / "bad.toml"
    bad.write_text("[campaign\n", encoding="utf-8")
    run = subprocess.run(
        [str(script), "validate", str(bad)], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 1 and "malformed TOML" in run.stdout and "Traceback" not in run.stderr
