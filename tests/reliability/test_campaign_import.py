"""Hostile campaign files through /campaign import: a clear private answer, nothing imported.

The parser's own cases are tests/campaign/test_files.py and test_problems.py (the CLI side
is tests/cli/test_errors.py); these are the same attacks arriving as Discord uploads, where
the base map is looked up in the bot's assets folder for the server.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bot.conftest import SAMPLE, Table
from tests.reliability.helpers import BUG_TEXT, settled_answer

HEADER = '[campaign]\nname = "Hostile"\n\n'


def upload(table: Table, name: str, data: bytes, kind: str | None = "application/toml"):  # type: ignore[no-untyped-def]
    return table.emu.attachment(name, data, kind)


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


async def import_answer(table: Table, name: str, data: bytes, **kw) -> str:  # type: ignore[no-untyped-def]
    result = await table.emu.invoke(
        table.gm, "campaign import", file=upload(table, name, data, **kw), replace=True
    )
    text = await settled_answer(result, timeout=15)
    assert result.ephemeral and BUG_TEXT not in text, text
    return text


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("syntax.toml", HEADER.encode() + b"[[factions]\nkey = ", "nothing was imported"),
        (
            "types.toml",
            HEADER.encode() + b'[[factions]]\nkey = 7\nname = ["a"]\nmonitoring_bonus = "high"\n',
            "nothing was imported",
        ),
        ("binary.toml", b"\x00\xff\xfe\x89PNG garbage", "nothing was imported"),
        ("ten-megabytes.toml", b"#" * (10 * 1024 * 1024), "at most 2 MB"),
        (
            "escape.toml",
            HEADER.encode() + b'[map]\nbase_image = "../../../../etc/passwd"\n',
            "must not contain '..'",
        ),
        (
            "absolute.toml",
            HEADER.encode() + b'[map]\nbase_image = "/etc/shadow"\n',
            "not an absolute path",
        ),
        ("picture.png", b"\x89PNG\r\n\x1a\n", "attach a `.toml` file"),
    ],
)
async def test_hostile_files_are_refused_and_nothing_is_imported(
    table: Table, name: str, data: bytes, expected: str
) -> None:
    before = await table.dump()
    text = await import_answer(table, name, data)
    assert expected in text, text
    assert await table.dump() == before
    assert list(table.campaign.backups_dir.glob("*pre-import*")) == []


async def test_a_base_map_that_is_not_an_image_is_refused(table: Table) -> None:
    table.campaign.assets_dir.mkdir(parents=True, exist_ok=True)
    (table.campaign.assets_dir / "harbor_city.png").write_text("<html>not a picture</html>")
    before = await table.dump()
    text = await import_answer(table, "harbor.toml", SAMPLE.read_bytes())
    assert "The base map `harbor\\_city.png` in the bot's assets folder is not a PNG" in text
    assert "nothing was imported" in text
    assert await table.dump() == before


async def test_a_symlinked_base_map_escaping_the_assets_folder_is_refused(
    table: Table, tmp_path: Path
) -> None:
    secret = tmp_path / "outside" / "secret.png"
    secret.parent.mkdir()
    secret.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    table.campaign.assets_dir.mkdir(parents=True, exist_ok=True)
    (table.campaign.assets_dir / "harbor_city.png").symlink_to(secret)
    before = await table.dump()
    text = await import_answer(table, "harbor.toml", SAMPLE.read_bytes())
    assert "resolves outside" in text and "nothing was imported" in text
    assert await table.dump() == before


async def test_an_upload_named_like_a_path_writes_no_file(table: Table, tmp_path: Path) -> None:
    """The upload's name is only shown (escaped), never used as a path."""
    before = files_under(tmp_path)
    text = await import_answer(table, "../../../../tmp/evil.toml", SAMPLE.read_bytes())
    assert "**Imported**" in text
    created = files_under(tmp_path) - before
    assert {p.name for p in created} <= {p.name for p in table.campaign.backups_dir.glob("*")}
    assert not any("evil" in p.name for p in created)
    assert not Path("/tmp/evil.toml").exists()


async def test_an_upload_that_cannot_be_downloaded_is_a_clear_refusal(table: Table) -> None:
    before = await table.dump()
    result = await table.emu.invoke(
        table.gm, "campaign import", file=upload(table, "harbor.toml", SAMPLE.read_bytes()),
        replace=True, wait=False,
    )  # fmt: skip
    table.emu.uploads.clear()  # gone from the CDN before the bot fetches it
    text = await settled_answer(await result.wait_response(timeout=5), timeout=15)
    assert "could not be downloaded from Discord" in text and BUG_TEXT not in text
    assert result.ephemeral and await table.dump() == before
