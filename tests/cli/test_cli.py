"""Every ``campaign-cli`` subcommand: its happy path and its user-error exits."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.campaign import load
from bot.cli import build_parser, main
from db.migrations import discover
from tests.cli.conftest import HARBOR, MINIMAL, Runner

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MIGRATIONS = discover()
HEAD = MIGRATIONS[-1].version


def campaign_db(data_dir: Path, guild: str) -> Path:
    return data_dir / "campaigns" / f"{guild}.sqlite3"


def raw_sql(path: Path, *statements: str) -> None:
    """Write behind the application's back (constraints off), as a hand edit would."""
    con = sqlite3.connect(path)
    try:
        for statement in statements:
            con.execute(statement)
        con.commit()
    finally:
        con.close()


# -- usage ----------------------------------------------------------------------------------


SUBCOMMANDS = [
    ["migrate"], ["migrate", "--guild", "1", "status"], ["backup"], ["backups"], ["restore"],
    ["check"], ["health"], ["import"], ["export"], ["validate"], ["simulate"], ["render"],
]  # fmt: skip


@pytest.mark.parametrize("words", SUBCOMMANDS, ids=lambda w: " ".join(w))
def test_every_subcommand_has_help(words: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*words, "--help"])
    assert exit_info.value.code == 0
    assert "usage: campaign-cli" in capsys.readouterr().out


def test_usage_mistakes_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in ([], ["check"], ["check", "--guild", "1", "--db", "x"], ["frobnicate"]):
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_parser_lists_every_command() -> None:
    text = build_parser().format_help()
    for name in ("migrate", "backup", "backups", "restore", "check", "health", "import",
                 "export", "validate", "simulate", "render"):  # fmt: skip
        assert name in text


# -- import / export -------------------------------------------------------------------------


def test_import_and_export_round_trip(
    cli: Runner, guild: str, data_dir: Path, tmp_path: Path
) -> None:
    assert campaign_db(data_dir, guild).is_file()
    exported = tmp_path / "out.toml"
    result = cli("export", "--guild", guild, str(exported))
    assert result.code == 0 and str(exported) in result.out
    campaign = load(exported)
    assert campaign.name == "Two Towers" and campaign.seed == 20240601
    assert (campaign.turn, campaign.phase) == (1, "preparation")
    assert cli("import", "--guild", "43", str(exported)).code == 0
    again = cli("export", "--guild", "43", "-")
    assert again.code == 0 and again.out == exported.read_text(encoding="utf-8")


def test_import_by_path_creates_the_database(cli: Runner, tmp_path: Path) -> None:
    target = tmp_path / "nested" / "campaign.sqlite3"
    result = cli("import", "--db", str(target), str(HARBOR))
    assert result.code == 0, result.err
    assert "4 factions, 16 districts, 17 agents, 9 squadrons" in result.out
    assert target.is_file()


def test_import_of_invalid_file_lists_problems_and_creates_nothing(
    cli: Runner, data_dir: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(MINIMAL.read_text().replace("presence = 3", "presence = 9"), encoding="utf-8")
    result = cli("import", "--guild", "7", str(bad))
    assert result.code == 1
    assert "agents[0] 'scarlet'.presence" in result.err and "Traceback" not in result.err
    assert not campaign_db(data_dir, "7").exists()
    missing = cli("import", "--guild", "7", str(tmp_path / "nope.toml"))
    assert missing.code == 1 and missing.err.startswith("error: no such campaign file")


def test_import_refuses_campaign_in_progress_unless_replace(
    cli: Runner, guild: str, data_dir: Path
) -> None:
    raw_sql(campaign_db(data_dir, guild), "UPDATE game_state SET current_turn = 3")
    refused = cli("import", "--guild", guild, str(HARBOR))
    assert refused.code == 1 and "in progress" in refused.err and "--replace" in refused.err
    replaced = cli("import", "--guild", guild, "--replace", str(HARBOR))
    assert replaced.code == 0, replaced.err
    assert "backed up to" in replaced.out
    listing = cli("backups", "--guild", guild)
    assert "pre-import" in listing.out


def test_export_of_unknown_guild_fails_cleanly(cli: Runner, tmp_path: Path) -> None:
    result = cli("export", "--guild", "999", str(tmp_path / "x.toml"))
    assert result.code == 1
    assert result.err.count("\n") == 1 and "No campaign database for guild 999" in result.err
    assert not (tmp_path / "x.toml").exists()


# -- validate --------------------------------------------------------------------------------


def test_validate_accepts_the_samples(cli: Runner) -> None:
    for sample in (MINIMAL, HARBOR):
        result = cli("validate", str(sample), data=False)
        assert result.code == 0, result.out
        assert "error:" not in result.out


def test_validate_lists_every_problem(cli: Runner, tmp_path: Path) -> None:
    text = (
        MINIMAL.read_text(encoding="utf-8")
        .replace("presence = 3", "presence = 6")
        .replace("influence = { red = 1, blue = 1 }", "influence = { red = 6, blue = 5 }")
        .replace('type = "soldiers"', 'type = "soldiers"\ncomerce = 2')
    )
    broken = tmp_path / "broken.toml"
    broken.write_text(text, encoding="utf-8")
    result = cli("validate", str(broken), data=False)
    assert result.code == 1
    errors = [line for line in result.out.splitlines() if line.startswith("error:")]
    assert len(errors) == 3
    assert any("agents[0] 'scarlet'.presence" in e for e in errors)
    assert any("districts[1] 'bridge'.influence" in e for e in errors)
    assert any("squadrons[0] 'red-guard'" in e and "comerce" in e for e in errors)


def test_validate_reports_malformed_toml_and_missing_file(cli: Runner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[campaign\nname = 1\n", encoding="utf-8")
    result = cli("validate", str(bad), data=False)
    assert result.code == 1 and "line 1" in result.out
    missing = cli("validate", str(tmp_path / "missing.toml"), data=False)
    assert missing.code == 1 and "no such campaign file" in missing.err


# -- check / health ---------------------------------------------------------------------------


def test_check_passes_on_a_sound_campaign(cli: Runner, guild: str) -> None:
    result = cli("check", "--guild", guild)
    assert result.code == 0, result.out
    assert "check: 0 error(s)" in result.out


def test_check_reports_broken_invariants(cli: Runner, guild: str, data_dir: Path) -> None:
    raw_sql(
        campaign_db(data_dir, guild),
        "INSERT INTO actions (id, turn_number, piece_id, piece_type, faction_id, district_id, "
        "action_type) VALUES ('o1', 1, 'ghost', 'agent', 'red', 'west', 'monitor')",
        "DROP TRIGGER trg_district_adjacency_mirror_insert",
        "INSERT INTO district_adjacency (district_id, adjacent_district_id) VALUES ('west', 'east')",
        "INSERT INTO faction_relationships (faction_id, target_faction_id, relationship_value) "
        "VALUES ('red', 'blue', 1) ON CONFLICT DO UPDATE SET relationship_value = 1",
    )
    result = cli("check", "--guild", guild)
    assert result.code == 1
    assert "error: order (row) 1 refers to missing agent ghost" in result.out
    assert "error: adjacency west -> east has no reverse east -> west" in result.out
    assert "warning: relationship blue -> red is -1 but red -> blue is 1" in result.out


def test_check_reports_influence_over_ten_and_orphans(
    cli: Runner, guild: str, data_dir: Path
) -> None:
    raw_sql(
        campaign_db(data_dir, guild),
        "DROP TRIGGER trg_district_influence_total_update",
        "DROP TRIGGER trg_district_influence_total_insert",
        "UPDATE district_influence SET influence_value = 9 WHERE district_id = 'west'",
        "INSERT INTO district_influence (district_id, faction_id, influence_value) "
        "VALUES ('west', 'blue', 3)",
        "PRAGMA foreign_keys = OFF",
        "INSERT INTO agents (id, name, faction_id) VALUES ('lost', 'Lost', 'ghost-faction')",
    )
    result = cli("check", "--guild", guild)
    assert result.code == 1
    assert "error: district west: influence total 12 exceeds 10" in result.out
    assert "error: agent lost belongs to missing faction ghost-faction" in result.out
    assert "error: foreign key: agents row 3 refers to a missing factions row" in result.out
    assert "check: 3 error(s)" in result.out


def test_health(cli: Runner, guild: str) -> None:
    result = cli("health", "--guild", guild)
    assert result.code == 0
    assert "integrity: ok" in result.out and f"schema version: {HEAD}" in result.out


# -- backups / restore / migrate -------------------------------------------------------------


def test_backup_list_and_restore(cli: Runner, guild: str, tmp_path: Path) -> None:
    made = cli("backup", "--guild", guild, "--label", "before-harbor")
    assert made.code == 0
    backup_path = Path(made.out.strip())
    assert backup_path.is_file() and "before-harbor" in backup_path.name
    assert str(backup_path) in cli("backups", "--guild", guild).out
    assert cli("import", "--guild", guild, str(HARBOR)).code == 0
    restored = cli("restore", "--guild", guild, str(backup_path))
    assert restored.code == 0, restored.err
    assert "Two Towers" in cli("export", "--guild", guild, "-").out


def test_restore_refuses_missing_and_corrupt_backups(
    cli: Runner, guild: str, tmp_path: Path
) -> None:
    missing = cli("restore", "--guild", guild, str(tmp_path / "nope.sqlite3"))
    assert missing.code == 1 and "does not exist" in missing.err
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    corrupt = cli("restore", "--guild", guild, str(junk))
    assert corrupt.code == 1 and corrupt.err.startswith("error:")
    assert "Traceback" not in corrupt.err
    assert "Two Towers" in cli("export", "--guild", guild, "-").out  # untouched


def test_backups_of_a_new_campaign_say_none(cli: Runner, guild: str) -> None:
    result = cli("backups", "--guild", guild)
    assert result.code == 0 and result.out.startswith("no backups")


def test_migrate_status_down_up(cli: Runner, guild: str) -> None:
    status = cli("migrate", "--guild", guild, "status")
    assert status.code == 0 and status.out.count("applied") == len(MIGRATIONS)
    assert f"schema version: {HEAD}" in status.out
    down = cli("migrate", "--guild", guild, "down", "2")
    assert down.code == 0 and f"{HEAD} -> {HEAD - 2}" in down.out
    assert "backup:" in down.out  # a non-empty campaign is backed up before a rollback
    status = cli("migrate", "--guild", guild, "status").out
    last = MIGRATIONS[-1]
    assert f"{last.version:04d} {last.name:<30} pending" in status
    assert status.count("pending") == 2 and f"schema version: {HEAD - 2}" in status
    partial = cli("migrate", "--guild", guild, "up", "--target", str(HEAD - 1))
    assert partial.code == 0 and f"{HEAD - 2} -> {HEAD - 1}" in partial.out
    up = cli("migrate", "--guild", guild, "up")
    assert up.code == 0 and f"{HEAD - 1} -> {HEAD}" in up.out
    again = cli("migrate", "--guild", guild, "up")
    assert again.code == 0 and f"{HEAD} -> {HEAD}" in again.out
    assert cli("check", "--guild", guild).code == 0
    assert "Two Towers" in cli("export", "--guild", guild, "-").out  # data survived


def test_migrate_down_needs_a_positive_count(cli: Runner, guild: str) -> None:
    zero = cli("migrate", "--guild", guild, "down", "0")
    assert zero.code == 1 and zero.err == "error: N must be at least 1\n"
    assert cli("migrate", "--guild", guild, "status").out.count("pending") == 0


def test_migrate_unknown_database(cli: Runner, tmp_path: Path) -> None:
    result = cli("migrate", "--db", str(tmp_path / "none.sqlite3"), "status")
    assert result.code == 1 and "no campaign database" in result.err


def test_data_dir_defaults_to_environment(
    cli: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_DATA_DIR", str(tmp_path / "from-env"))
    result = cli("import", "--guild", "8", str(MINIMAL), data=False)
    assert result.code == 0
    assert (tmp_path / "from-env" / "campaigns" / "8.sqlite3").is_file()


# -- render ---------------------------------------------------------------------------------


def test_render_file_writes_gm_and_faction_maps(cli: Runner, tmp_path: Path) -> None:
    out = tmp_path / "maps"
    result = cli("render", str(HARBOR), "--out", str(out), data=False)
    assert result.code == 0, result.err
    files = sorted(out.glob("*.png"))
    assert len(files) == 5  # the GM map + 4 factions
    assert {f.name for f in files} >= {"turn001-gm.png", "turn001-lantern_guild.png"}
    assert all(f.read_bytes().startswith(PNG_MAGIC) for f in files)


def test_render_database(cli: Runner, guild: str, data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "maps"
    result = cli("render", str(campaign_db(data_dir, guild)), "--out", str(out), data=False)
    assert result.code == 0, result.err
    names = sorted(f.name for f in out.glob("*.png"))
    assert names == ["turn001-blue.png", "turn001-gm.png", "turn001-red.png"]
    assert all((out / n).read_bytes().startswith(PNG_MAGIC) for n in names)


def test_render_missing_source(cli: Runner, tmp_path: Path) -> None:
    result = cli("render", str(tmp_path / "none.toml"), "--out", str(tmp_path), data=False)
    assert result.code == 1 and "no such campaign file or database" in result.err
