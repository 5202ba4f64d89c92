"""Names and free text that look like mentions never ping anyone.

The GM names a faction, a district and a piece, and writes a newspaper article, with
@everyone, @here, a role mention and a user mention in them; a player writes the same into
an order. The turn runs and everybody looks at everything that shows those texts. Two
independent defences are checked on every message the bot created or edited: the text is
made inert (a zero-width space after '@' and '<', bot.render.text.escape_text), and the
request's allowed_mentions parses nothing (the emulator's validator flags any message that
could ping @everyone/@here or a role, and this test checks users too).
"""

from __future__ import annotations

from bot.emulator import Message
from tests.bot.conftest import Table
from tests.reliability.helpers import BUG_TEXT, message_text, settled_answer

ZWSP = "\u200b"


def pings(table: Table) -> str:
    role, user = table.gm_role.id, table.player("lantern_guild").id
    return f"@everyone @here <@&{role}> <@{user}>"


def suppresses_everything(message: Message) -> bool:
    allowed = message.allowed_mentions
    return (
        allowed is not None
        and not allowed.get("parse")
        and not allowed.get("roles")
        and not allowed.get("users")
    )


async def run(table: Table, member, command: str, **options) -> str:  # type: ignore[no-untyped-def]
    text = await settled_answer(await table.emu.invoke(member, command, **options), timeout=15)
    assert BUG_TEXT not in text, text
    return text


async def test_mention_syntax_in_names_and_free_text_pings_nobody(table: Table) -> None:
    emu, gm, alice = table.emu, table.gm, table.player("lantern_guild")
    desk, bad = table.gm_channel, pings(table)
    await run(table, gm, "gm-faction edit", faction="lantern_guild", name=f"Lanterns {bad}"[:100],
              description=f"We light {bad} the way")  # fmt: skip
    await run(table, gm, "gm-district edit", district="old_town", name=f"Old {bad}"[:100])
    await run(table, gm, "gm-piece agent-edit", agent="odo-brask", name=f"Odo {bad}"[:100])
    order = await run(
        table, alice, "orders agent", piece="odo-brask", task="freeform", district="old_town",
        attribute="might", skill="combat", description=f"Wake {bad} everyone",
    )  # fmt: skip
    assert "Order recorded" in order
    # A refusal quotes the name as written; it pings nobody (allowed_mentions, below).
    refusal = await emu.invoke(table.player("brine_syndicate"), "orders agent", piece="odo-brask",
                               task="monitor", district="old_town")  # fmt: skip
    assert "belongs to another faction" in refusal.content and "@everyone" in refusal.content
    await run(table, gm, "gm-order dc", piece="odo-brask", dc=10)
    for who, command in (
        (alice, "orders list"), (alice, "faction overview"), (gm, "gm-order list"),
        (gm, "gm-piece list"), (gm, "campaign show"), (gm, "gm status"),
    ):  # fmt: skip
        await run(table, who, command)
    done = await run(table, gm, "gm advance", in_channel=desk)
    assert "Turn 1 is complete" in done
    await table.settle()

    await run(table, gm, "gm-news create", title=f"Crier {bad}"[:100], articles=0)
    opened = await emu.invoke(gm, "gm-news add")
    assert opened.modal is not None
    inputs = [
        row["components"][0]["custom_id"]
        for row in opened.modal["components"]
        if row.get("components")
    ]
    headline, section, author, text = inputs
    submitted = await emu.submit_modal(
        gm, opened, {headline: f"News {bad}", section: "City", author: f"by {bad}",
                     text: f"Read all about it {bad} today."},
    )  # fmt: skip
    assert "added" in submitted.content, submitted.content
    await run(table, gm, "gm-news publish", in_channel=desk)
    await table.settle()
    await run(table, alice, "news read", number=1)
    await run(table, alice, "faction report", turn=1)

    news = emu.messages(table.news)
    assert news and any("Read all about it" in message_text(m) for m in news)
    bot_messages = [
        m for ms in emu.messages_by_channel.values() for m in ms if m.content or m.embeds
    ]
    shown = [m for m in bot_messages if "everyone" in message_text(m)]
    assert len(shown) >= 8  # the names and texts were shown, in many places
    # Content is where a mention could ping: user text there is always made inert. (Embeds,
    # button labels and modal titles never ping, and show the text as written.)
    raw = [
        line
        for message in bot_messages
        if message is not refusal.original
        for line in message.content.splitlines()
        if "@everyone" in line or "@here" in line or f"<@&{table.gm_role.id}>" in line
    ]
    assert raw == []
    loud = [m.content[:80] for m in bot_messages if m.content and not suppresses_everything(m)]
    assert loud == []
    assert emu.take_violations() == []
