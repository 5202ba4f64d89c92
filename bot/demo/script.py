"""The demo's script: a server, its people, and one turn from setup to reports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.client import CampaignBot
from bot.config import Settings
from bot.demo.transcript import Transcript
from bot.emulator import Channel, Emulator, Guild, Member, Message, Role, running_bot

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "harbor_city.toml"


@dataclass
class Server:
    guild: Guild
    gm_role: Role
    gm: Member
    alice: Member
    bruno: Member
    carla: Member
    dmitri: Member
    gm_desk: Channel
    crier: Channel
    faction_channels: dict[str, Channel]


def build_server(emu: Emulator) -> Server:
    guild = emu.create_guild("Saltmere")
    gm_role = emu.add_role(guild, "Game Master", permissions=8)  # admin: may bootstrap
    category = emu.add_category(guild, "Saltmere")
    gm_desk = emu.add_text_channel(guild, "gm-desk", category=category)
    crier = emu.add_text_channel(guild, "the-saltmere-crier", category=category)
    channels = {
        f: emu.add_text_channel(guild, f.replace("_", "-"), category=category)
        for f in ("lantern_guild", "brine_syndicate", "order_of_the_tide")
    }
    emu.add_text_channel(guild, "lobby", category=category)
    return Server(
        guild=guild,
        gm_role=gm_role,
        gm=emu.add_member(guild, "gm", roles=[gm_role]),
        alice=emu.add_member(guild, "alice"),
        bruno=emu.add_member(guild, "bruno"),
        carla=emu.add_member(guild, "carla"),
        dmitri=emu.add_member(guild, "dmitri"),
        gm_desk=gm_desk,
        crier=crier,
        faction_channels=channels,
    )


DEMO_SEED = 20261202


def demo_campaign_file() -> bytes:
    """The sample with a fixed seed, so the demo plays the same turn every time."""
    text = SAMPLE.read_text(encoding="utf-8")
    marker = "[campaign]\n"
    assert marker in text
    return text.replace(marker, f"{marker}seed = {DEMO_SEED}\n", 1).encode()


def _is_conflict(message: Message) -> bool:
    return any(str(e.get("title", "")).startswith("Conflict") for e in message.embeds)


async def play(data_dir: Path, out_dir: Path) -> None:
    emu = Emulator()
    await emu.start()
    try:
        server = build_server(emu)
        bot = CampaignBot(Settings(token=emu.bot_token, data_dir=data_dir), sync_commands=False)
        # The sample's base map, where the bot looks for this server's images.
        assets = data_dir / "assets" / server.guild.id
        assets.mkdir(parents=True, exist_ok=True)
        (assets / "harbor_city.png").write_bytes(SAMPLE.with_suffix(".png").read_bytes())
        async with running_bot(emu, bot):
            t = Transcript(emu)
            await setup_server(t, emu, server)
            await play_turn(t, emu, server)
            await show_deliveries(t, emu, server, out_dir)
    finally:
        await emu.stop()


async def setup_server(t: Transcript, emu: Emulator, s: Server) -> None:
    t.heading("Setup: the GM imports the sample campaign and wires the server")
    upload = emu.attachment("harbor_city.toml", demo_campaign_file(), "application/toml")
    await t.command(s.gm, "campaign import", file=upload)
    await t.command(s.gm, "campaign gm-role", role=s.gm_role)
    await t.command(s.gm, "campaign gm-channel", channel=s.gm_desk)
    await t.command(s.gm, "campaign news-channel", channel=s.crier)
    for member, faction, leader in (
        (s.alice, "lantern_guild", True),
        (s.bruno, "lantern_guild", False),
        (s.carla, "brine_syndicate", True),
        (s.dmitri, "order_of_the_tide", True),
    ):
        await t.command(
            s.gm, "gm-faction add-member", member=member, faction=faction, leader=leader
        )
    for faction, channel in s.faction_channels.items():
        await t.command(s.gm, "gm-faction channel", faction=faction, channel=channel)
    t.note("The first advance runs turn 1's decay and opens orders.")
    await t.command(s.gm, "gm advance", in_channel=s.gm_desk)


async def play_turn(t: Transcript, emu: Emulator, s: Server) -> None:
    t.heading("Turn 1: players give secret orders (every answer is visible to its author only)")
    await t.command(s.alice, "turn")
    await t.command(
        s.alice,
        "orders agent",
        piece="odo-brask",
        task="take_influence",
        district="gilded_terraces",
        target="house_valcourt",
    )
    await t.command(
        s.bruno, "orders agent", piece="serafine-quill", task="monitor", district="customs_house"
    )
    await t.command(
        s.carla,
        "orders agent",
        piece="mother-kettle",
        task="take_influence",
        district="gilded_terraces",
        target="house_valcourt",
    )
    t.note("Carla tries to order a Guild agent: refused, and nothing changes.")
    await t.command(s.carla, "orders agent", piece="odo-brask", task="monitor", district="old_town")
    await t.command(
        s.dmitri,
        "orders agent",
        piece="brother-ansel",
        task="freeform",
        district="temple_hill",
        attribute="presence",
        skill="persuasion",
        description="Preach at the harbour gate that the Drowned God demands the Gull be raised.",
    )
    await t.command(s.alice, "orders list")

    emu.close_dms(s.dmitri)
    t.heading("The GM closes orders")
    t.note("The GM tries to close orders, but the freeform order has no DC yet.")
    await t.command(s.gm, "gm advance", in_channel=s.gm_desk)
    status = await t.command(s.gm, "gm status", in_channel=s.gm_desk)
    panel = status.original or status.followups[-1]
    opened = await t.click(s.gm, panel, "gm:dc:agent:brother-ansel", "DC: brother-ansel")
    assert opened.modal is not None
    field = opened.modal["components"][0]["components"][0]["custom_id"]
    t.out("gm › fills in the modal: DC 14")
    await t.answers(s.gm, await emu.submit_modal(s.gm, opened, {field: "14"}))
    await t.command(s.gm, "gm advance", in_channel=s.gm_desk)

    t.heading("A conflict: the Guild and the Syndicate both reach for Valcourt's Terraces")
    conflict = await emu.wait_for_message(s.gm_desk, _is_conflict, timeout=10)
    t.channel_post(s.gm_desk, conflict)
    winner = next(c for c in conflict.custom_ids() if c.endswith(":w0"))
    label = next(
        b.get("label", "?")
        for row in conflict.components
        for b in row.get("components", [])
        if b.get("custom_id") == winner
    )
    await t.click(s.gm, conflict, winner, label)
    await t.command(s.gm, "gm continue", in_channel=s.gm_desk)


async def show_deliveries(t: Transcript, emu: Emulator, s: Server, out_dir: Path) -> None:
    t.heading("Reports arrive by DM (Dmitri's DMs are closed: his goes to the Order's channel)")
    members = (s.alice, s.bruno, s.carla)
    for member in members:
        await emu.wait_for_dm(member, lambda m: bool(m.files), timeout=20)
    order_channel = s.faction_channels["order_of_the_tide"]
    await emu.wait_for_message(order_channel, lambda m: bool(m.files), timeout=20)
    for member in members:
        t.dm(member, emu.dms(member))
    t.out(f"  #{order_channel.name} ‹ the Order's report")
    for message in emu.messages(order_channel):
        t.channel_post(order_channel, message)
    summary = await emu.wait_for_message(s.gm_desk, lambda m: bool(m.files), timeout=20)
    t.channel_post(s.gm_desk, summary)
    await emu.wait_for_message(s.crier, lambda m: "turn 2 is open" in m.content, timeout=20)
    t.heading("Everyone can read the news channel: each turn's opening is announced there")
    for message in emu.messages(s.crier):
        t.channel_post(s.crier, message)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for message in [summary, *emu.messages(order_channel)] + [
        m for member in members for m in emu.dms(member)
    ]:
        for f in message.files:
            if f.filename.endswith(".png"):
                (out_dir / f.filename).write_bytes(f.data)
                written.append(f.filename)
    t.heading("Maps written")
    for name in sorted(set(written)):
        t.out(f"  {out_dir / name}")
