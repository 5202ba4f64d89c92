"""pytest glue: the `emulator` fixture (teardown fails the test on any violation).

Use from a conftest.py:  `pytest_plugins = ["bot.emulator.pytest_plugin"]`; run bots with
`bot.emulator.running_bot`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.emulator.emulator import Emulator
from bot.emulator.harness import pointed_at, running_bot

__all__ = ["emulator", "pointed_at", "running_bot"]


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    """A started Emulator; teardown fails the test on any violation or unknown route."""
    emu = Emulator()
    await emu.start()
    try:
        yield emu
    finally:
        await emu.stop()
    emu.assert_clean()
