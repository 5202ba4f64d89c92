"""File-level refusals: malformed TOML, oversized files, unsafe or fake base maps."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
import tomli_w
from PIL import Image

from bot.campaign import MAX_FILE_BYTES, CampaignInvalid, check, load
from bot.campaign.images import image_kind
from tests.campaign.conftest import minimal_doc


def _write_campaign(folder: Path, base_image: str) -> Path:
    doc = minimal_doc()
    doc["map"] = {"base_image": base_image, "width": 800, "height": 600}
    path = folder / "campaign.toml"
    path.write_text(tomli_w.dumps(doc), encoding="utf-8")
    return path


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (10, 20, 30)).save(out, format="PNG")
    return out.getvalue()


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (10, 20, 30)).save(out, format="JPEG")
    return out.getvalue()


SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"></svg>\n'
)


def test_malformed_toml_reports_line_and_column() -> None:
    result = check(b'[campaign]\nname = "Open quote\nseed = 3\n')
    assert not result.ok and result.campaign is None
    (problem,) = result.problems
    assert problem.where.startswith("line 2, column")
    assert problem.message.startswith("malformed TOML")


def test_duplicate_toml_key_is_malformed() -> None:
    (problem,) = check(b'[campaign]\nname = "a"\nname = "b"\n').problems
    assert problem.where.startswith("line 3")


def test_not_utf8() -> None:
    (problem,) = check(b'[campaign]\nname = "\xff\xfe"\n').problems
    assert problem.where == "file" and "UTF-8" in problem.message


def test_load_raises_with_every_problem() -> None:
    with pytest.raises(CampaignInvalid) as caught:
        load(b"[campaign]\n")
    assert [p.where for p in caught.value.problems] == ["campaign.name"]


def test_ten_megabyte_file_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    with path.open("wb") as handle:
        handle.truncate(10 * 1024 * 1024)  # sparse: would be malformed TOML if parsed
    (problem,) = check(path).problems
    assert problem.where == "file"
    assert f"at most {MAX_FILE_BYTES} bytes" in problem.message
    assert "malformed" not in problem.message


def test_oversized_bytes_refused() -> None:
    data = b"# padding\n" * (MAX_FILE_BYTES // 10 + 1)
    (problem,) = check(data).problems
    assert "5 MB" in problem.message


def test_missing_file(tmp_path: Path) -> None:
    (problem,) = check(tmp_path / "nope.toml").problems
    assert problem.where == "file" and "cannot be read" in problem.message


@pytest.mark.parametrize(
    ("name", "content"),
    [("map.png", _png()), ("map.jpg", _jpeg()), ("art/map.svg", SVG)],
)
def test_real_images_are_accepted(tmp_path: Path, name: str, content: bytes) -> None:
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_bytes(content)
    campaign = load(_write_campaign(tmp_path, name))
    assert campaign.map is not None and campaign.map.base_image == name


@pytest.mark.parametrize(
    ("base_image", "words"),
    [
        ("../secret.png", "must not contain '..'"),
        ("maps/../../secret.png", "must not contain '..'"),
        ("/etc/passwd", "not an absolute path"),
        ("C:\\maps\\city.png", "not an absolute path"),
        ("..\\secret.png", "must not contain '..'"),
    ],
)
def test_path_traversal_refused(tmp_path: Path, base_image: str, words: str) -> None:
    (problem,) = check(_write_campaign(tmp_path, base_image)).problems
    assert problem.where == "map.base_image"
    assert words in problem.message


def test_path_traversal_refused_without_a_folder() -> None:
    doc = minimal_doc()
    doc["map"] = {"base_image": "../../etc/shadow"}
    (problem,) = check(tomli_w.dumps(doc).encode()).problems
    assert problem.where == "map.base_image"


def test_symlink_escaping_the_folder_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.png"
    outside.write_bytes(_png())
    folder = tmp_path / "campaign"
    folder.mkdir()
    os.symlink(outside, folder / "map.png")
    (problem,) = check(_write_campaign(folder, "map.png")).problems
    assert "outside the campaign file's folder" in problem.message


def test_non_image_base_map_refused(tmp_path: Path) -> None:
    (tmp_path / "map.png").write_bytes(b"#!/bin/sh\necho not a picture\n")
    (problem,) = check(_write_campaign(tmp_path, "map.png")).problems
    assert problem.where == "map.base_image"
    assert "not a PNG, JPEG or SVG image" in problem.message


def test_missing_base_map_refused(tmp_path: Path) -> None:
    (problem,) = check(_write_campaign(tmp_path, "map.png")).problems
    assert "file not found" in problem.message


def test_image_sniffing() -> None:
    assert image_kind(_png()) == "png"
    assert image_kind(_jpeg()) == "jpeg"
    assert image_kind(b"\xef\xbb\xbf  <svg xmlns='x'/>") == "svg"
    assert image_kind(b"<html><body>hi</body></html>") is None
    assert image_kind(b"GIF89a....") is None
