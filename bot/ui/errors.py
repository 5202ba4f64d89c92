"""One place that turns any failure of a command or component into an answer.

Domain errors (refusals written for people) become their message, ephemeral.
Anything unexpected is logged with its traceback under a short error id, and the
user sees only that id, so a GM can quote it and the operator can find it.
"""

from __future__ import annotations

import logging
import secrets
import time

import discord
from discord import app_commands

from bot.render.text import CONTENT_LIMIT, truncate
from bot.ui.replies import reply
from db.errors import DatabaseError, DomainError, ReadOnlyError

log = logging.getLogger("bot.commands")

_STARTED = "started"


def mark_started(interaction: discord.Interaction) -> None:
    interaction.extras.setdefault(_STARTED, time.perf_counter())


def command_name(interaction: discord.Interaction) -> str:
    command = interaction.command
    if command is not None:
        return "/" + command.qualified_name
    data = interaction.data or {}
    return str(data.get("custom_id") or data.get("name") or "?")


def log_invocation(interaction: discord.Interaction, outcome: str) -> None:
    """One line per command or component: who, where, what, how it ended, how long."""
    started = interaction.extras.get(_STARTED)
    elapsed = (time.perf_counter() - started) * 1000 if started else 0.0
    log.info(
        "%s by user %s in guild %s: %s (%.1f ms)",
        command_name(interaction),
        interaction.user.id,
        interaction.guild_id,
        outcome,
        elapsed,
    )


def unwrap(error: BaseException) -> BaseException:
    while isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
        inner = error.__cause__ if isinstance(error, app_commands.TransformerError) else None
        inner = getattr(error, "original", None) or inner
        if inner is None:
            break
        error = inner
    return error


def user_message(error: BaseException) -> str | None:
    """The friendly text for an expected failure; None for a bug or a storage failure."""
    if isinstance(error, ReadOnlyError | DatabaseError):
        return None
    if isinstance(error, DomainError):
        return error.message
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works inside the campaign's server."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down: try again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.TransformerError):
        return f"'{error.value}' is not a valid value for this option."
    if isinstance(error, app_commands.CheckFailure):
        return str(error) or "You cannot use this command here."
    return None


STORAGE_FAILURE = (
    "The campaign database could not save this (the disk may be full or the file read-only); "
    "nothing was changed. Tell the operator: error id `{error_id}`."
)
BUG = "Something went wrong on our side. Error id `{error_id}` (the GM can report it)."


async def handle_error(interaction: discord.Interaction, error: BaseException) -> None:
    original = unwrap(error)
    message = user_message(original)
    if message is not None:
        # Refusals may quote what was typed (an autocomplete option takes up to 6000
        # characters): never longer than a message may be, or nothing would be answered.
        message = truncate(message, CONTENT_LIMIT)
        log_invocation(interaction, f"refused ({type(original).__name__})")
    else:
        error_id = secrets.token_hex(4)
        # A read-only file surfaces as ReadOnlyError (db.dialect.translate): storage too.
        storage = isinstance(original, DatabaseError | ReadOnlyError)
        log.error(
            "error %s in %s%s",
            error_id,
            command_name(interaction),
            f": {getattr(original, 'detail', original)}" if storage else "",
            exc_info=original,
        )
        log_invocation(interaction, f"failed (error {error_id})")
        message = (STORAGE_FAILURE if storage else BUG).format(error_id=error_id)
    try:
        await reply(interaction, message, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not send the error message for %s", command_name(interaction))
