"""A small discord.py bot exercising every surface the emulator emulates."""

from __future__ import annotations

import asyncio
import io

import discord
from discord import app_commands
from discord.ext import commands

PIECES = ["agent-ash", "agent-birch", "squad-cedar"]


class Choice(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=30)
        self.picked: list[str] = []

    @discord.ui.button(label="Confirm", custom_id="confirm", style=discord.ButtonStyle.green)
    async def confirm(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.edit_message(content="confirmed", view=None)

    @discord.ui.select(
        custom_id="pick",
        min_values=1,
        max_values=2,
        options=[discord.SelectOption(label=p, value=p) for p in PIECES],
    )
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        self.picked = list(select.values)
        await interaction.response.send_message(f"picked {','.join(select.values)}", ephemeral=True)


class Report(discord.ui.Modal, title="File a report"):
    summary = discord.ui.TextInput(label="Summary", custom_id="summary", max_length=100)
    details = discord.ui.TextInput(
        label="Details", custom_id="details", style=discord.TextStyle.paragraph, required=False
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            f"report: {self.summary.value} / {self.details.value}", ephemeral=True
        )


class Orders(commands.GroupCog, group_name="orders", group_description="Submit orders"):
    def __init__(self, bot: TestBot) -> None:
        self.bot = bot

    @app_commands.command(name="submit", description="Submit an order")
    @app_commands.describe(piece="Which piece", task="What to do")
    @app_commands.choices(
        task=[
            app_commands.Choice(name="Monitor", value="monitor"),
            app_commands.Choice(name="Attack", value="attack"),
        ]
    )
    async def submit(
        self,
        interaction: discord.Interaction,
        piece: str,
        task: app_commands.Choice[str],
        dice: int = 1,
    ) -> None:
        self.bot.calls.append(("submit", piece, task.value, dice))
        await interaction.response.send_message(
            f"{piece} will {task.value} x{dice}", ephemeral=True
        )

    @submit.autocomplete("piece")
    async def piece_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=p, value=p) for p in PIECES if current in p]

    admin = app_commands.Group(name="admin", description="GM tools")

    @admin.command(name="resolve", description="Resolve the turn (slow)")
    async def resolve(
        self, interaction: discord.Interaction, target: discord.Member, channel: discord.TextChannel
    ) -> None:
        await interaction.response.defer(thinking=True)
        await asyncio.sleep(0.05)
        await interaction.followup.send(f"resolved for {target.display_name} in {channel.name}")
        await interaction.edit_original_response(content="turn resolved")

    @app_commands.command(name="panel", description="Show the order panel")
    async def panel(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message("panel", view=Choice())

    @app_commands.command(name="report", description="Open the report form")
    async def report(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(Report())


class Misc(commands.Cog):
    def __init__(self, bot: TestBot) -> None:
        self.bot = bot

    @app_commands.command(name="dm", description="DM a member")
    async def dm(self, interaction: discord.Interaction, member: discord.Member) -> None:
        try:
            await member.send("secret intelligence")
        except discord.Forbidden as exc:
            self.bot.dm_errors.append(exc.code)
            await interaction.response.send_message("DMs closed", ephemeral=True)
            return
        await interaction.response.send_message("sent", ephemeral=True)

    @app_commands.command(name="announce", description="Post in a channel")
    async def announce(
        self, interaction: discord.Interaction, channel: discord.TextChannel, text: str
    ) -> None:
        await interaction.response.defer(ephemeral=True)
        try:
            await channel.send(text, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as exc:
            self.bot.send_errors.append(exc.status)
        await interaction.followup.send("done", ephemeral=True)

    @app_commands.command(name="ping-all", description="Careless announcement")
    async def ping_all(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message("@everyone wake up")

    @app_commands.command(name="slow", description="Answers too late")
    async def slow(self, interaction: discord.Interaction) -> None:
        await asyncio.sleep(self.bot.slow_delay)
        try:
            await interaction.response.send_message("late")
        except discord.NotFound:
            self.bot.send_errors.append(404)

    @app_commands.command(name="upload", description="Echo an attachment back as a file")
    async def upload(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        data = await file.read()
        out = discord.File(io.BytesIO(data[::-1]), filename="reversed-" + file.filename)
        await interaction.response.send_message(f"got {len(data)} bytes", file=out)

    @app_commands.command(name="count", description="Count invocations")
    async def count(self, interaction: discord.Interaction, label: str) -> None:
        self.bot.calls.append(("count", label))
        await interaction.response.send_message(f"counted {label}", ephemeral=True)


class TestBot(commands.Bot):
    __test__ = False

    def __init__(self) -> None:
        intents = discord.Intents.default()
        intents.members = True
        super().__init__(command_prefix="!", intents=intents)
        self.calls: list[tuple] = []
        self.dm_errors: list[int] = []
        self.send_errors: list[int] = []
        self.slow_delay = 0.0
        self.resumed = asyncio.Event()

    async def setup_hook(self) -> None:
        await self.add_cog(Orders(self))
        await self.add_cog(Misc(self))

    async def on_resumed(self) -> None:
        self.resumed.set()
