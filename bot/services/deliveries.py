"""Draining the delivery outbox: every report reaches its reader exactly once.

The turn writes outbox rows in the same transaction as its results; this service
sends them through a ``Transport`` (the Discord side implements it) and records
the outcome. Each message carries a nonce derived from the row's dedupe key and
payload, scoped to the campaign, so a resend after a crash between "sent" and
"marked" is refused by Discord as a duplicate instead of reaching the player twice.
A member whose DMs are closed gets the report in the faction's private channel: the
fallback is a new outbox row with a per-faction dedupe key, so several closed DMs
still post it to the channel once.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.render.components import ButtonSpec
from bot.render.reports import render_delivery
from bot.render.rulings import ruling_buttons
from bot.services.access import Actor, require_gm
from db import records as dbr
from db.database import Database
from db.errors import NotFound
from db.uow import UnitOfWork

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class OutgoingFile:
    filename: str
    data: bytes
    description: str | None = None


@dataclass(frozen=True)
class Outgoing:
    """One Discord message: content and embed dicts within Discord's limits."""

    content: str | None
    embeds: tuple[dict[str, Any], ...] = ()
    files: tuple[OutgoingFile, ...] = ()
    nonce: int = 0
    buttons: tuple[ButtonSpec, ...] = ()


class Unreachable(Exception):
    """The recipient cannot receive messages (DMs closed, unknown user or channel)."""


class TransientFailure(Exception):
    """Discord failed in a way worth retrying later (5xx, network, rate limits exhausted)."""


class Transport(Protocol):
    async def send_to_user(self, user_id: int, messages: Sequence[Outgoing]) -> None: ...

    async def send_to_channel(self, channel_id: int, messages: Sequence[Outgoing]) -> None: ...


Attachments = Callable[[dbr.Delivery], Awaitable[list[OutgoingFile]]]


@dataclass
class DrainResult:
    delivered: list[int] = field(default_factory=list)
    forwarded: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    undeliverable: list[int] = field(default_factory=list)

    @property
    def attempted(self) -> int:
        return (
            len(self.delivered) + len(self.forwarded) + len(self.failed) + len(self.undeliverable)
        )


@dataclass(frozen=True)
class DeliveryStatus:
    counts: dict[str, int]
    undelivered: tuple[dbr.Delivery, ...]


def nonce_for(dedupe_key: str, part: int, scope: str = "") -> int:
    """Stable per (row, message part); fits Discord's 25-character nonce as a decimal.

    Discord deduplicates nonces per author (the bot, in every server) for a few minutes,
    so ``scope`` (see ``DeliveryService.nonce_scope``) makes the nonce name one campaign's
    one payload: the same dedupe key in another server, or with other content after a
    rollback replayed the turn, is a new message, while a resend of this row is not.
    """
    text = f"{dedupe_key}|{part}" if not scope else f"{scope}|{dedupe_key}|{part}"
    digest = hashlib.sha256(text.encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def payload_digest(payload: dict[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()[:16]


def channel_key(delivery: dbr.Delivery) -> str:
    """The dedupe key of the faction-channel copy of a per-member delivery."""
    base = delivery.dedupe_key.split(":user:", 1)[0]
    return f"{base}:channel"


def outgoing_messages(
    delivery: dbr.Delivery, files: Sequence[OutgoingFile] = (), *, scope: str = ""
) -> list[Outgoing]:
    """The payload rendered; attachments ride on the last message, and each message of a
    conflict report carries the ruling buttons of its conflict."""
    rendered = render_delivery(delivery.payload)
    buttons = _conflict_buttons(delivery.payload, len(rendered))
    messages = []
    for index, message in enumerate(rendered):
        last = index == len(rendered) - 1
        messages.append(
            Outgoing(
                content=message.get("content"),
                embeds=tuple(message.get("embeds") or ()),
                files=tuple(files) if last else (),
                nonce=nonce_for(delivery.dedupe_key, index, scope),
                buttons=buttons[index],
            )
        )
    return messages


async def _still_listed(uow: UnitOfWork, row: dbr.Delivery) -> bool:
    """The outbox still holds this very row, as listed. A rollback restores the outbox of
    before the advance, and the replayed turn queues rows with the same ids and keys, maybe
    other reports: a row listed before must then be neither sent nor marked by its id."""
    try:
        current = await uow.outbox.get(row.id)
    except NotFound:
        return False
    return (current.dedupe_key, current.status, current.payload) == (
        row.dedupe_key,
        row.status,
        row.payload,
    )


def _conflict_buttons(payload: dict[str, Any], count: int) -> list[tuple[ButtonSpec, ...]]:
    """render_conflict_report gives one message per conflict, in id order."""
    conflicts = sorted(payload.get("conflicts") or [], key=lambda c: str(c.get("id")))
    if payload.get("kind") != "conflict_report" or len(conflicts) != count:
        return [()] * count
    return [tuple(ruling_buttons(c, payload.get("names"))) for c in conflicts]


class DeliveryService:
    def __init__(
        self, db: Database, *, max_attempts: int = MAX_ATTEMPTS, nonce_scope: str = ""
    ) -> None:
        """``nonce_scope``: what tells this campaign's messages from another's (the guild id)."""
        self.db = db
        self.max_attempts = max_attempts
        self.nonce_scope = nonce_scope

    def messages_for(self, row: dbr.Delivery, files: Sequence[OutgoingFile] = ()) -> list[Outgoing]:
        """What this row sends, with nonces scoped to this campaign and this payload."""
        scope = f"{self.nonce_scope}|{payload_digest(row.payload)}"
        return outgoing_messages(row, files, scope=scope)

    async def drain(
        self, transport: Transport, *, attachments: Attachments | None = None
    ) -> DrainResult:
        """Try every pending row once, oldest first; returns what happened to each."""
        result = DrainResult()
        async with self.db.read() as uow:
            rows = await uow.outbox.pending(max_attempts=self.max_attempts)
        for row in rows:
            await self._deliver(row, transport, attachments, result)
        return result

    async def _deliver(
        self,
        row: dbr.Delivery,
        transport: Transport,
        attachments: Attachments | None,
        result: DrainResult,
    ) -> None:
        async with self.db.read() as uow:
            if not await _still_listed(uow, row):
                return  # replaced or gone since the drain listed it (a rollback, a second drain)
        try:
            files = await attachments(row) if attachments is not None else []
            messages = self.messages_for(row, files)
            target = await self._target(row)
            if target is None:
                await self._fail(row, self._no_target_reason(row), result)
                return
            kind, recipient = target
            if kind == "user":
                await transport.send_to_user(recipient, messages)
            else:
                await transport.send_to_channel(recipient, messages)
        except Unreachable as exc:
            await self._unreachable(row, str(exc), result)
            return
        except TransientFailure as exc:
            await self._fail(row, str(exc), result)
            return
        except Exception as exc:  # a payload we cannot render must not stop the others
            log.exception("delivery %d (%s) could not be prepared", row.id, row.kind)
            await self._fail(row, f"internal error: {type(exc).__name__}: {exc}", result)
            return
        async with self.db.transaction() as uow:
            if not await _still_listed(uow, row):
                log.warning("delivery %d changed while it was sent; sending it again", row.id)
                return
            await uow.outbox.mark_delivered(row.id)
        result.delivered.append(row.id)

    async def _target(self, row: dbr.Delivery) -> tuple[str, int] | None:
        """Where the row goes now: its own recipient, or for 'faction'/GM rows the channel
        configured today (a GM may set the channel after the turn was queued)."""
        if row.recipient_type == "user" and row.recipient_id is not None:
            return "user", row.recipient_id
        if row.recipient_type == "channel" and row.recipient_id is not None:
            return "channel", row.recipient_id
        async with self.db.read() as uow:
            if row.faction_id is None:
                channel = (await uow.settings.get()).gm_channel_id
            else:
                channel = await uow.settings.faction_channel(row.faction_id)
        return ("channel", channel) if channel is not None else None

    @staticmethod
    def _no_target_reason(row: dbr.Delivery) -> str:
        if row.faction_id is None:
            return "no GM channel is set (use /campaign channels)"
        return "the faction has no member and no private channel"

    async def _fail(self, row: dbr.Delivery, reason: str, result: DrainResult) -> None:
        async with self.db.transaction() as uow:
            if not await _still_listed(uow, row):
                return
            await uow.outbox.mark_failed(row.id, reason)
        log.warning("delivery %d (%s) failed: %s", row.id, row.kind, reason)
        result.failed.append(row.id)

    async def _unreachable(self, row: dbr.Delivery, reason: str, result: DrainResult) -> None:
        """A member out of reach: the faction channel gets the copy, once per faction."""
        async with self.db.transaction() as uow:
            if not await _still_listed(uow, row):
                return
            channel = (
                await uow.settings.faction_channel(row.faction_id)
                if row.recipient_type == "user" and row.faction_id is not None
                else None
            )
            if channel is None:
                await uow.outbox.mark_undeliverable(row.id, f"{reason}; no faction channel")
                result.undeliverable.append(row.id)
                return
            await uow.outbox.mark_undeliverable(
                row.id, f"{reason}; sent to the faction channel instead"
            )
            await uow.outbox.enqueue_many(
                [
                    dbr.NewDelivery(
                        turn_number=row.turn_number,
                        kind=row.kind,
                        recipient_type="channel",
                        recipient_id=channel,
                        faction_id=row.faction_id,
                        dedupe_key=channel_key(row),
                        payload=row.payload,
                    )
                ]
            )
        result.forwarded.append(row.id)
        log.info("delivery %d: %s; forwarded to channel %d", row.id, reason, channel)

    # -- the GM's view ---------------------------------------------------------------------

    async def status(self, actor: Actor) -> DeliveryStatus:
        require_gm(actor)
        async with self.db.read() as uow:
            return DeliveryStatus(await uow.outbox.counts(), tuple(await uow.outbox.undelivered()))

    async def retry(self, actor: Actor) -> int:
        """Give every failed or undeliverable row a fresh set of attempts."""
        require_gm(actor)
        async with self.db.transaction() as uow:
            ids = [d.id for d in await uow.outbox.undelivered() if d.status != "pending"]
            return await uow.outbox.requeue(ids) if ids else 0
