"""Base map checks: the path stays inside the campaign folder and is really an image.

The base image is later read by the bot and sent to Discord, so a campaign file
must not be able to point it at ``/etc/passwd`` or ``../../secrets``; and a file
that only claims to be a picture is refused by looking at its first bytes.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

MAX_IMAGE_BYTES = 20 * 1024 * 1024
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
SVG_SNIFF_BYTES = 4096


def image_kind(head: bytes) -> str | None:
    """'png', 'jpeg' or 'svg' from a file's first bytes, else None."""
    if head.startswith(PNG_MAGIC):
        return "png"
    if head.startswith(JPEG_MAGIC):
        return "jpeg"
    try:
        text = head[:SVG_SNIFF_BYTES].decode("utf-8-sig").lstrip()
    except UnicodeDecodeError:
        # The sniffed prefix may cut a multi-byte character; retry leniently.
        text = head[:SVG_SNIFF_BYTES].decode("utf-8", errors="ignore").lstrip()
    lowered = text.lower()
    if lowered.startswith(("<?xml", "<svg", "<!doctype svg", "<!--")) and "<svg" in lowered:
        return "svg"
    return None


def path_problem(relative: str) -> str | None:
    """Why ``relative`` is not an acceptable in-folder relative path, or None."""
    if not relative.strip():
        return "must not be empty"
    if "\x00" in relative:
        return "must not contain NUL characters"
    posix, windows = PurePosixPath(relative), PureWindowsPath(relative)
    if (
        posix.is_absolute()
        or windows.is_absolute()
        or windows.drive
        or relative.startswith(("/", "\\"))
    ):
        return "must be a path relative to the campaign file, not an absolute path"
    if ".." in posix.parts or ".." in windows.parts:
        return "must not contain '..': the image has to be inside the campaign file's folder"
    return None


def file_problem(base_dir: Path, relative: str) -> str | None:
    """Check the image on disk: inside ``base_dir`` (symlinks resolved), small, an image."""
    folder = base_dir.resolve()
    target = (folder / relative).resolve()
    if not target.is_relative_to(folder):
        return "resolves outside the campaign file's folder"
    if not target.is_file():
        return f"file not found: {relative}"
    size = target.stat().st_size
    if size > MAX_IMAGE_BYTES:
        return f"image is {size} bytes; at most {MAX_IMAGE_BYTES} allowed"
    with target.open("rb") as handle:
        head = handle.read(SVG_SNIFF_BYTES)
    if image_kind(head) is None:
        return "is not a PNG, JPEG or SVG image (checked by its content, not its name)"
    return None
