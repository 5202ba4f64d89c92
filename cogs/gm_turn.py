"""/gm: the GM runs the turn — status, preview, advance, conflict rulings, roll back.

Answers carry true values, so they are public only inside the GM channel. Ruling
buttons and DC buttons are persistent (DynamicItem): a conflict report posted
before a restart can still be ruled from.
"""

from __future__ import annotations

import asyncio
import io
import re
from datetime import UTC, datetime
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.render.components import ButtonSpec
from bot.render.maps import render_fog_map, render_true_map
from bot.render.report_gm import render_conflict
from bot.render.rulings import RULE_TEMPLATE, principals, ruling_buttons
from bot.render.text import escape_name
from bot.render.turn_views import advance_messages, deadline_text, status_messages
from bot.rules.model import Outcome, PieceRef
from bot.rules.rulings import Ruling, SpecialChoice
from bot.services import maps
from bot.services.errors import AdvanceBlocked, InvalidRequest
from bot.ui import autocomplete as ac
from bot.ui.context import Ctx, context, gm_check, gm_ephemeral, gm_only
from bot.ui.errors import handle_error, log_invocation, mark_started
from bot.ui.replies import NO_MENTIONS, defer, embeds_of, reply, send_messages
from bot.ui.views import ConfirmView, routed_view

MAX_DC_BUTTONS = 20
DC_TEMPLATE = r"gm:dc:(?P<kind>agent|squadron):(?P<piece>[\w-]{1,80})"
RETRY_ID = "gm:deliveries:retry"


async def lookups(ctx: Ctx) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    districts, factions = await ctx.campaign.queries.names()
    pieces = {p.id: p.name for _, p in await ctx.campaign.queries.pieces(ctx.actor)}
    return districts, factions, pieces


def names_block(districts: dict[str, str], factions: dict[str, str]) -> dict[str, Any]:
    return {"districts": districts, "factions": factions}


async def conflict_message(ctx: Ctx, conflict_id: str) -> tuple[dict[str, Any], list[Any]]:
    """The conflict as the GM sees it now, and its ruling buttons."""
    conflicts = {c["id"]: c for c in await ctx.campaign.turn.conflicts()}
    conflict = conflicts.get(conflict_id)
    if conflict is None:
        raise InvalidRequest(f"Conflict {conflict_id} is not part of the current turn any more.")
    districts, factions, pieces = await lookups(ctx)
    names = names_block(districts, factions)
    return render_conflict(conflict, names, pieces), ruling_buttons(conflict, names)


async def unruled(ctx: Ctx) -> int:
    return sum(1 for c in await ctx.campaign.turn.conflicts() if c["status"] == "pending")


def parse_special(text: str, pieces: list[str]) -> dict[PieceRef, SpecialChoice]:
    """Lines "agent:ash = proceed", "squadron:gulls = proceed -3", "agent:x = fail"."""
    choices: dict[PieceRef, SpecialChoice] = {}
    problems = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = re.fullmatch(
            r"(agent|squadron):([\w-]+)\s*=\s*(proceed|fail)\s*([+-]\s*\d{1,2})?", line, re.I
        )
        if match is None:
            problems.append(f"line {number}: '{line[:60]}' is not 'piece = proceed [±N]' or 'fail'")
            continue
        kind, piece, verb, penalty = match.groups()
        value = int(penalty.replace(" ", "")) if penalty else 0
        if verb.lower() == "fail" and value:
            problems.append(f"line {number}: a failing piece cannot also take a penalty")
            continue
        choices[PieceRef(kind.lower(), piece)] = SpecialChoice(verb.lower() == "proceed", value)
    missing = sorted(set(pieces) - {ref.key for ref in choices})
    if missing:
        problems.append("no choice for " + ", ".join(missing))
    extra = sorted({ref.key for ref in choices} - set(pieces))
    if extra:
        problems.append("not in this conflict: " + ", ".join(extra))
    if problems:
        raise InvalidRequest("The special ruling was not recorded: " + "; ".join(problems) + ".")
    return choices


class SpecialRuling(discord.ui.Modal):
    def __init__(self, conflict: dict[str, Any]) -> None:
        super().__init__(title=f"Special ruling {conflict['id']}"[:45], timeout=900)
        self.conflict_id = str(conflict["id"])
        self.refs = [str(p["piece"]) for p in conflict.get("pieces") or ()]
        self.pieces = discord.ui.TextInput(
            label="Per piece: proceed [±penalty] or fail",
            style=discord.TextStyle.paragraph,
            default="\n".join(f"{ref} = proceed" for ref in self.refs)[:4000],
            max_length=4000,
        )
        self.notes = discord.ui.TextInput(
            label="Notes (shown in the GM summary)",
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=1000,
        )
        self.add_item(self.pieces)
        self.add_item(self.notes)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        mark_started(interaction)
        ctx = await context(interaction)
        await gm_check(interaction)
        ruling = Ruling(
            special=parse_special(self.pieces.value, self.refs), notes=self.notes.value.strip()
        )
        await ctx.campaign.turn.rule(self.conflict_id, ruling, str(interaction.user.id))
        await after_ruling(interaction, ctx, self.conflict_id, "special ruling")

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await handle_error(interaction, error)


async def after_ruling(
    interaction: discord.Interaction, ctx: Ctx, conflict_id: str, what: str
) -> None:
    message, buttons = await conflict_message(ctx, conflict_id)
    left = await unruled(ctx)
    status = (
        f"Ruling recorded for {conflict_id}: {what}. "
        + (
            f"{left} conflict(s) still need a ruling."
            if left
            else "Every conflict is ruled: /gm continue resolves the turn."
        )
        + " A ruling can be changed until then."
    )
    kwargs = {
        "content": status,
        "embeds": embeds_of(message),
        "view": routed_view(buttons),
        "allowed_mentions": NO_MENTIONS,
    }
    if interaction.message is not None and not interaction.response.is_done():
        await interaction.response.edit_message(**kwargs)
    else:
        await reply(interaction, status, embeds=kwargs["embeds"], view=kwargs["view"])
    log_invocation(interaction, "ok")


class RuleButton(discord.ui.DynamicItem[discord.ui.Button], template=RULE_TEMPLATE):
    def __init__(self, conflict_id: str, choice: str) -> None:
        super().__init__(
            discord.ui.Button(label=choice, custom_id=f"gm:rule:{conflict_id}:{choice}")
        )
        self.conflict_id = conflict_id
        self.choice = choice

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> RuleButton:
        return cls(match["conflict"], match["choice"])

    async def callback(self, interaction: discord.Interaction) -> None:
        mark_started(interaction)
        try:
            await gm_check(interaction)
            ctx = await context(interaction)
            conflicts = {c["id"]: c for c in await ctx.campaign.turn.conflicts()}
            conflict = conflicts.get(self.conflict_id)
            if conflict is None:
                raise InvalidRequest(
                    f"Conflict {self.conflict_id} is not part of the current turn any more."
                )
            if self.choice == "special":
                await interaction.response.send_modal(SpecialRuling(conflict))
                return
            sides = principals(conflict)
            _, factions, _ = await lookups(ctx)
            if self.choice == "draw":
                ruling = Ruling(dict.fromkeys(sides, Outcome.DRAW))
                what = "draw"
            else:
                index = int(self.choice[1:])
                if index >= len(sides):
                    raise InvalidRequest("That button no longer matches this conflict's sides.")
                winner = sides[index]
                ruling = Ruling({f: Outcome.WIN if f == winner else Outcome.LOSS for f in sides})
                what = f"{escape_name(factions.get(winner, winner))} wins"
            await ctx.campaign.turn.rule(self.conflict_id, ruling, str(interaction.user.id))
            await after_ruling(interaction, ctx, self.conflict_id, what)
        except Exception as exc:
            await handle_error(interaction, exc)


class SetDC(discord.ui.Modal):
    def __init__(self, kind: str, piece_id: str, title: str) -> None:
        super().__init__(title=title[:45], timeout=900)
        self.kind = kind
        self.piece_id = piece_id
        self.dc = discord.ui.TextInput(label="DC (5 to 30)", min_length=1, max_length=2)
        self.add_item(self.dc)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        mark_started(interaction)
        await gm_check(interaction)
        ctx = await context(interaction)
        text = self.dc.value.strip()
        if not text.lstrip("-").isdigit():
            raise InvalidRequest(f"The DC must be a whole number from 5 to 30 (got '{text}').")
        order = await ctx.campaign.orders.set_dc(ctx.actor, self.kind, self.piece_id, int(text))
        left = len(await ctx.campaign.orders.awaiting_dc(ctx.actor))
        await reply(
            interaction,
            f"DC {order.dc} set for {self.kind} {self.piece_id}. "
            + (f"{left} order(s) still await a DC." if left else "No order awaits a DC now."),
            ephemeral=True,
        )
        log_invocation(interaction, "ok")

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        await handle_error(interaction, error)


class DCButton(discord.ui.DynamicItem[discord.ui.Button], template=DC_TEMPLATE):
    def __init__(self, kind: str, piece_id: str) -> None:
        super().__init__(discord.ui.Button(label="DC", custom_id=f"gm:dc:{kind}:{piece_id}"))
        self.kind = kind
        self.piece_id = piece_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> DCButton:
        return cls(match["kind"], match["piece"])

    async def callback(self, interaction: discord.Interaction) -> None:
        mark_started(interaction)
        try:
            await gm_check(interaction)
            await interaction.response.send_modal(
                SetDC(self.kind, self.piece_id, f"DC for {self.kind} {self.piece_id}")
            )
        except Exception as exc:
            await handle_error(interaction, exc)


class RetryButton(discord.ui.DynamicItem[discord.ui.Button], template=re.escape(RETRY_ID)):
    def __init__(self) -> None:
        super().__init__(discord.ui.Button(label="Retry all", custom_id=RETRY_ID))

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> RetryButton:
        return cls()

    async def callback(self, interaction: discord.Interaction) -> None:
        mark_started(interaction)
        try:
            await gm_check(interaction)
            ctx = await context(interaction)
            count = await ctx.campaign.deliveries.retry(ctx.actor)
            interaction.client.deliveries.kick()  # type: ignore[attr-defined]
            await reply(interaction, f"{count} delivery(ies) queued again; sending now.")
            log_invocation(interaction, "ok")
        except Exception as exc:
            await handle_error(interaction, exc)


def parse_deadline(text: str) -> str:
    """'2026-12-24 18:00' (UTC unless an offset is given) -> ISO 8601 with offset."""
    try:
        moment = datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    except ValueError as exc:
        raise InvalidRequest(
            f"'{text[:40]}' is not a date and time: use YYYY-MM-DD HH:MM (UTC), e.g. "
            "2026-12-24 18:00."
        ) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat(timespec="minutes")


@app_commands.guild_only()
@gm_only()
class GMTurn(commands.GroupCog, group_name="gm", group_description="GM: run the turn"):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @app_commands.command(name="status", description="Turn, phase, missing orders and DCs")
    async def status(self, interaction: discord.Interaction) -> None:
        ctx = await context(interaction)
        orders = await ctx.campaign.orders.status(ctx.actor)
        turn = await ctx.campaign.turn.status()
        districts, factions, _ = await lookups(ctx)
        messages = status_messages(
            turn.turn,
            turn.phase.value,
            turn.deadline,
            turn.pending_conflicts,
            orders.unordered,
            orders.awaiting_dc,
            districts,
            factions,
        )
        buttons = [
            ButtonSpec(f"gm:dc:{o.piece_type}:{o.piece_id}", f"DC: {o.piece_id}", "primary")
            for o in orders.awaiting_dc[:MAX_DC_BUTTONS]
        ]
        await send_messages(
            interaction,
            messages,
            ephemeral=gm_ephemeral(interaction, ctx),
            view=routed_view(buttons),
        )

    @app_commands.command(
        name="preview", description="What the next advance would do (changes nothing)"
    )
    async def preview(self, interaction: discord.Interaction) -> None:
        ctx = await context(interaction)
        ephemeral = gm_ephemeral(interaction, ctx)
        await defer(interaction, ephemeral=ephemeral)
        start = await ctx.campaign.turn.status()
        result = await ctx.campaign.turn.preview(str(interaction.user.id))
        messages = advance_messages(
            result.phases_run,
            result.turn,
            result.phase.value,
            result.conflicts,
            result.history,
            preview=True,
            from_turn=start.turn,
        )
        await send_messages(interaction, messages, ephemeral=ephemeral)

    async def _advance(self, interaction: discord.Interaction, *, only_rulings: bool) -> None:
        ctx = await context(interaction)
        ephemeral = gm_ephemeral(interaction, ctx)
        start = await ctx.campaign.turn.status()
        if only_rulings and start.phase.value != "conflict_resolution":
            raise InvalidRequest(
                "The turn is not waiting for rulings; /gm advance closes orders and runs it."
            )
        # The usual refusals answer privately before the (possibly public) deferral; the
        # service checks again inside the transaction that closes the phase.
        if start.phase.value == "conflict_resolution" and start.pending_conflicts:
            raise AdvanceBlocked(
                f"{start.pending_conflicts} conflict(s) still need a ruling before the turn "
                "continues (/gm conflicts shows them)."
            )
        if start.phase.value == "assignment" and start.awaiting_dc:
            raise AdvanceBlocked(
                "These orders still need a DC from the GM before orders can close: "
                + ", ".join(start.awaiting_dc)
                + " (/gm status has a button for each)."
            )
        await defer(interaction, ephemeral=ephemeral)
        result = await ctx.campaign.turn.advance(str(interaction.user.id))
        self.bot.deliveries.kick()  # type: ignore[attr-defined]
        messages = advance_messages(
            result.phases_run,
            result.turn,
            result.phase.value,
            result.conflicts,
            result.history,
            from_turn=start.turn,
        )
        await send_messages(interaction, messages, ephemeral=ephemeral)

    @app_commands.command(name="advance", description="Close orders (or continue) and run the turn")
    async def advance(self, interaction: discord.Interaction) -> None:
        await self._advance(interaction, only_rulings=False)

    @app_commands.command(
        name="continue", description="After every conflict is ruled: resolve the turn"
    )
    async def continue_turn(self, interaction: discord.Interaction) -> None:
        await self._advance(interaction, only_rulings=True)

    @app_commands.command(
        name="conflicts", description="This turn's conflicts, each with ruling buttons"
    )
    async def conflicts(self, interaction: discord.Interaction) -> None:
        ctx = await context(interaction)
        ephemeral = gm_ephemeral(interaction, ctx)
        conflicts = await ctx.campaign.turn.conflicts()
        if not conflicts:
            await reply(interaction, "There are no conflicts this turn.", ephemeral=ephemeral)
            return
        districts, factions, pieces = await lookups(ctx)
        names = names_block(districts, factions)
        await defer(interaction, ephemeral=ephemeral)
        for conflict in conflicts:
            message = render_conflict(conflict, names, pieces)
            await reply(
                interaction,
                message.get("content"),
                embeds=embeds_of(message),
                ephemeral=ephemeral,
                view=routed_view(ruling_buttons(conflict, names)),
            )

    @app_commands.command(
        name="rollback", description="Undo the last advance (restores its backup)"
    )
    async def rollback(self, interaction: discord.Interaction) -> None:
        await reply(
            interaction,
            "Roll the campaign back to just before the last advance? Everything since is lost "
            "(a copy is kept).",
            view=ConfirmView(
                interaction.user.id,
                confirm_label="Roll back the last advance",
                action=self._roll_back,
                kept="Nothing was rolled back.",
                timeout=120,
            ),
        )

    @staticmethod
    async def _roll_back(clicked: discord.Interaction) -> str:
        now = await context(clicked)
        await gm_check(clicked)
        result = await now.campaign.turn.rollback_last(str(clicked.user.id))
        return (
            f"Rolled back: the campaign is at turn {result.turn}, phase {result.phase.value} "
            "again. A copy of what was replaced is kept."
        )

    @app_commands.command(name="deadline", description="Set or clear the orders deadline (UTC)")
    @app_commands.describe(
        when="YYYY-MM-DD HH:MM in UTC, e.g. 2026-12-24 18:00; leave empty to clear"
    )
    async def deadline(
        self, interaction: discord.Interaction, when: app_commands.Range[str, 1, 40] | None = None
    ) -> None:
        ctx = await context(interaction)
        value = parse_deadline(when) if when else None
        await ctx.campaign.setup.configure(ctx.actor, turn_deadline=value)
        await reply(
            interaction,
            f"Orders deadline: {deadline_text(value)}." if value else "The deadline is cleared.",
            ephemeral=gm_ephemeral(interaction, ctx),
        )

    @app_commands.command(name="map", description="The true map, or what one faction believes")
    @app_commands.describe(faction="Show this faction's fog-of-war map instead of the true one")
    @app_commands.autocomplete(faction=ac.factions)
    async def map(self, interaction: discord.Interaction, faction: str | None = None) -> None:
        ctx = await context(interaction)
        ephemeral = gm_ephemeral(interaction, ctx)
        await defer(interaction, ephemeral=ephemeral)
        async with ctx.campaign.db.read() as uow:
            game = await uow.game.get()
            if faction is None:
                data = await maps.true_map_data(uow, assets_dir=ctx.campaign.assets_dir)
            else:
                if await uow.factions.find(faction) is None:
                    raise InvalidRequest(f"Unknown faction '{faction}'.")
                data = await maps.fog_map_data(uow, faction, assets_dir=ctx.campaign.assets_dir)
        render = render_true_map if faction is None else render_fog_map
        image = await asyncio.to_thread(render, data)
        name = f"map-turn-{game.turn}-{faction or 'true'}.png"
        what = "The true map" if faction is None else f"What {faction} believes"
        await reply(
            interaction,
            f"{what} at turn {game.turn}.",
            ephemeral=ephemeral,
            files=[discord.File(io.BytesIO(image), filename=name)],
        )

    @app_commands.command(name="deliveries", description="Reports not delivered yet, with a retry")
    async def deliveries(self, interaction: discord.Interaction) -> None:
        ctx = await context(interaction)
        status = await ctx.campaign.deliveries.status(ctx.actor)
        counts = ", ".join(f"{n} {s}" for s, n in status.counts.items())
        lines = [f"Outbox: {counts}."]
        for d in status.undelivered[:20]:
            who = (
                f"user <@{d.recipient_id}>"
                if d.recipient_type == "user"
                else (f"channel <#{d.recipient_id}>" if d.recipient_id else "no recipient yet")
            )
            reason = f": {escape_name(d.last_error)}" if d.last_error else ""
            lines.append(
                f"• #{d.id} turn {d.turn_number} {d.kind} ({d.faction_id or 'GM'}) to {who}, "
                f"{d.status} after {d.attempts} attempt(s){reason}"
            )
        if len(status.undelivered) > 20:
            lines.append(f"… and {len(status.undelivered) - 20} more.")
        retryable = any(d.status != "pending" for d in status.undelivered)
        await reply(
            interaction,
            "\n".join(lines)[:2000],
            ephemeral=gm_ephemeral(interaction, ctx),
            view=routed_view([ButtonSpec(RETRY_ID, "Retry all", "primary")]) if retryable else None,
        )


async def setup(bot: commands.Bot) -> None:
    bot.add_dynamic_items(RuleButton, DCButton, RetryButton)
    await bot.add_cog(GMTurn(bot))
