"""Suite-wide pytest configuration.

The emulator's fixtures (``emulator``) are registered here because pytest only
honours ``pytest_plugins`` in the top-level conftest.
"""

pytest_plugins = ["bot.emulator.pytest_plugin"]
