"""Reusable views: paging through long answers, and owner-only buttons.

Views answer only the person who opened them: a button on an ephemeral message
is only visible to them anyway, but on a GM-channel message another GM could
click, so ``OwnedView`` says who may.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

import discord

from bot.render.components import ButtonSpec
from bot.render.report_layout import Message
from bot.ui.errors import handle_error, log_invocation, mark_started
from bot.ui.replies import NO_MENTIONS, embeds_of

PAGE_TIMEOUT = 600.0
CONFIRM_TIMEOUT = 300.0
STYLES = {
    "primary": discord.ButtonStyle.primary,
    "secondary": discord.ButtonStyle.secondary,
    "success": discord.ButtonStyle.success,
    "danger": discord.ButtonStyle.danger,
}


class RoutedButton(discord.ui.Button):
    """A button answered by a registered DynamicItem (by custom id), not by this object.

    Not dispatchable, so discord.py keeps no per-message view in memory: a listing or
    report with buttons costs nothing once sent, and its buttons survive restarts.
    """

    def is_dispatchable(self) -> bool:
        return False


def routed_view(buttons: Sequence[ButtonSpec]) -> discord.ui.View | None:
    if not buttons:
        return None
    view = discord.ui.View(timeout=None)
    for spec in buttons:
        view.add_item(
            RoutedButton(custom_id=spec.custom_id, label=spec.label[:80], style=STYLES[spec.style])
        )
    return view


class OwnedView(discord.ui.View):
    def __init__(self, owner_id: int, *, timeout: float | None = PAGE_TIMEOUT) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            "These buttons belong to whoever ran the command.", ephemeral=True
        )
        return False

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item
    ) -> None:
        await handle_error(interaction, error)


class Paginator(OwnedView):
    """Pages of rendered messages with Previous / Next and a page counter."""

    def __init__(self, owner_id: int, pages: Sequence[Message]) -> None:
        super().__init__(owner_id)
        self.pages = list(pages) or [{"content": "Nothing to show.", "embeds": []}]
        self.index = 0
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1
        self.counter.label = f"{self.index + 1}/{len(self.pages)}"

    def page_kwargs(self) -> dict:
        page = self.pages[self.index]
        return {
            "content": page.get("content"),
            "embeds": embeds_of(page),
            "view": self if len(self.pages) > 1 else None,
            "allowed_mentions": NO_MENTIONS,
        }

    async def show(self, interaction: discord.Interaction, *, ephemeral: bool = True) -> None:
        kwargs = self.page_kwargs()
        if kwargs["view"] is None:
            kwargs.pop("view")
        if interaction.response.is_done():
            await interaction.followup.send(ephemeral=ephemeral, **kwargs)
        else:
            await interaction.response.send_message(ephemeral=ephemeral, **kwargs)

    async def _turn(self, interaction: discord.Interaction, step: int) -> None:
        self.index = max(0, min(len(self.pages) - 1, self.index + step))
        self._sync_buttons()
        await interaction.response.edit_message(**self.page_kwargs())

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await self._turn(interaction, -1)

    @discord.ui.button(label="1/1", style=discord.ButtonStyle.secondary, disabled=True)
    async def counter(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await interaction.response.defer()

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await self._turn(interaction, 1)


class ConfirmView(OwnedView):
    """Confirm / keep, for whoever ran the command. ``action`` does the work (the service
    checks the GM again) and returns what the message then says; failures are answered
    by the one error handler and leave the question standing."""

    def __init__(
        self,
        owner_id: int,
        *,
        confirm_label: str,
        action: Callable[[discord.Interaction], Awaitable[str]],
        kept: str,
        timeout: float = CONFIRM_TIMEOUT,
    ) -> None:
        super().__init__(owner_id, timeout=timeout)
        self.action = action
        self.kept = kept
        self.confirm.label = confirm_label[:80]

    async def _close(self, interaction: discord.Interaction, text: str) -> None:
        self.stop()
        await interaction.response.edit_message(
            content=text, embeds=[], view=None, allowed_mentions=NO_MENTIONS
        )
        log_invocation(interaction, "ok")

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        mark_started(interaction)
        await self._close(interaction, await self.action(interaction))

    @discord.ui.button(label="Keep it", style=discord.ButtonStyle.secondary)
    async def keep(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        mark_started(interaction)
        await self._close(interaction, self.kept)
