"""A local Discord (REST v10 + gateway) that the unmodified discord.py client runs against."""

from bot.emulator.commands import CommandInputError, Upload
from bot.emulator.emulator import DiscordError, Emulator
from bot.emulator.harness import pointed_at, running_bot
from bot.emulator.model import Channel, Guild, Member, Message, Role, StoredFile, User
from bot.emulator.results import InteractionResult
from bot.emulator.validator import Violation

__all__ = [
    "Channel",
    "CommandInputError",
    "DiscordError",
    "Emulator",
    "Guild",
    "InteractionResult",
    "Member",
    "Message",
    "Role",
    "StoredFile",
    "Upload",
    "User",
    "Violation",
    "pointed_at",
    "running_bot",
]
