"""Shared by the reliability tests: reading what the bot answered, what it logged, and the
synced command tree."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from bot.emulator import InteractionResult, Message

BUG_TEXT = "Something went wrong on our side"
GM_REFUSAL = "Only the GM can do that."
NOT_A_MEMBER = "You are not a member of any faction in this campaign."


def message_text(message: Message) -> str:
    """Everything a reader sees in a message: content, embeds, component labels, files."""
    parts = [message.content, json.dumps(message.embeds, ensure_ascii=False)]
    parts += [json.dumps(message.components, ensure_ascii=False)]
    for stored in message.files:
        parts.append(stored.filename)
        if stored.filename.endswith((".txt", ".toml", ".md", ".json", ".csv")):
            parts.append(stored.data.decode("utf-8", errors="replace"))
    return "\n".join(parts)


def answer_text(result: InteractionResult) -> str:
    """The original response (as edited) and every followup, as one text."""
    messages = ([result.original] if result.original else []) + list(result.followups)
    text = "\n".join(message_text(m) for m in messages)
    if result.modal is not None:
        text += "\n" + json.dumps(result.modal, ensure_ascii=False)
    return text


async def settled_answer(result: InteractionResult, timeout: float = 10.0) -> str:
    """For a deferred answer, wait until its first followup (or edit) arrived."""
    if result.deferred:
        await result.wait_for(
            lambda: (
                result.followups
                or (result.original and result.original.content)
                or (result.original and result.original.embeds)
            ),
            timeout=timeout,
        )
    return answer_text(result)


def leaves(commands: list[dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every invokable command path of a synced tree with its definition."""
    for command in commands:
        if command.get("type", 1) != 1:
            continue
        subs = [o for o in command.get("options") or [] if o["type"] in (1, 2)]
        if not subs:
            yield command["name"], command
        for sub in subs:
            if sub["type"] == 1:
                yield f"{command['name']} {sub['name']}", sub
            else:
                for leaf in sub.get("options") or []:
                    yield f"{command['name']} {sub['name']} {leaf['name']}", leaf


class CommandLog:
    """The bot's one line per command or component (bot.ui.errors.log_invocation)."""

    def __init__(self, caplog: pytest.LogCaptureFixture) -> None:
        self.caplog = caplog
        caplog.set_level(logging.INFO, logger="bot.commands")

    def lines(self) -> list[str]:
        return [
            r.getMessage()
            for r in self.caplog.records
            if r.name == "bot.commands" and " by user " in r.getMessage()
        ]

    def outcomes(self, name: str, user_id: str) -> list[str]:
        """'ok', 'refused (X)', 'failed (error id)' for each run of /name by the user."""
        prefix = f"{name} by user {user_id} "
        return [
            line.split(": ", 1)[1].rsplit(" (", 1)[0]
            for line in self.lines()
            if line.startswith(prefix)
        ]


# What the delivery worker itself writes (an attempt, its outcome), not what a command does.
WORKER_COLUMNS = {"status", "attempts", "last_error", "updated_at", "delivered_at"}


async def campaign_dump(table: Any) -> dict[str, list[tuple]]:
    """Every table's rows, like ``Table.dump``, minus the delivery worker's bookkeeping: a
    row that keeps failing (a faction nobody can receive) is retried at every sweep."""
    dump = await table.dump()
    async with table.campaign.db.read() as uow:
        columns = [r[1] for r in await uow.sql.fetchall("PRAGMA table_info(delivery_outbox)")]
    keep = [i for i, c in enumerate(columns) if c not in WORKER_COLUMNS]
    dump["delivery_outbox"] = [tuple(row[i] for i in keep) for row in dump["delivery_outbox"]]
    return dump
