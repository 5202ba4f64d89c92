"""What a test reads back after driving an interaction."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.emulator.model import Message

CALLBACK_NAMES = {
    4: "message",
    5: "deferred_message",
    6: "deferred_update",
    7: "update_message",
    8: "autocomplete",
    9: "modal",
}


@dataclass
class InteractionResult:
    """One interaction: its initial callback, original message, edits, followups, modal."""

    id: str
    token: str
    type: int
    name: str  # command path, or custom_id for components/modals
    user_id: str
    channel_id: str
    guild_id: str | None
    payload: dict[str, Any]
    wait_for: Callable[..., Any]
    message: Message | None = None  # the message a component was clicked on
    response_type: int | None = None
    response_data: dict[str, Any] = field(default_factory=dict)
    original: Message | None = None
    followups: list[Message] = field(default_factory=list)
    modal: dict[str, Any] | None = None
    choices: list[dict[str, Any]] | None = None
    ephemeral: bool = False
    dispatched_at: float | None = None
    responded_at: float | None = None
    responded: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def response_kind(self) -> str | None:
        return CALLBACK_NAMES.get(self.response_type or 0)

    @property
    def deferred(self) -> bool:
        return self.response_type in (5, 6)

    @property
    def latency(self) -> float | None:
        """Seconds from gateway dispatch to the callback."""
        if self.dispatched_at is None or self.responded_at is None:
            return None
        return self.responded_at - self.dispatched_at

    @property
    def content(self) -> str:
        """The original response's current content ('' if none)."""
        return self.original.content if self.original else ""

    def mark_dispatched(self) -> None:
        if self.dispatched_at is None:
            self.dispatched_at = time.monotonic()

    async def wait_response(self, timeout: float = 3.0) -> InteractionResult:
        await asyncio.wait_for(self.responded.wait(), timeout)
        return self

    async def wait_followups(self, count: int = 1, timeout: float = 3.0) -> list[Message]:
        await self.wait_for(lambda: len(self.followups) >= count, timeout=timeout)
        return self.followups

    async def wait_original(
        self, predicate: Callable[[Message], bool] = lambda m: True, timeout: float = 3.0
    ) -> Message:
        """Wait until the original response exists (e.g. after a defer) and satisfies predicate."""
        await self.wait_for(
            lambda: self.original is not None and predicate(self.original), timeout=timeout
        )
        assert self.original is not None
        return self.original
