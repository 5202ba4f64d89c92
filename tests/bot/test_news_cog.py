"""/news and /gm-news through the emulator: draft, edit in modals, publish, read."""

from __future__ import annotations

from tests.bot.conftest import Table
from tests.bot.test_gm_turn_cog import modal_inputs


async def test_gm_drafts_edits_and_publishes_an_issue(table: Table) -> None:
    gm = table.gm
    created = await table.emu.invoke(gm, "gm-news create", title="The Saltmere Crier", articles=3)
    assert created.ephemeral  # outside the GM channel
    desk = created.original.embeds[0]
    assert desk["title"] == "Draft issue #1: The Saltmere Crier"
    # The sample's weight-0.5 rumor without a hint may or may not be drawn; either way every
    # proposal is listed with its id.
    assert desk["description"].count("`issue-1-") == 3
    opened = await table.emu.invoke(gm, "gm-news add")
    headline, section, author, text = modal_inputs(opened)
    added = await table.emu.submit_modal(
        gm,
        opened,
        {
            headline: "Lamps Out on Lantern Row",
            section: "City",
            author: "Our Correspondent",
            text: "Three nights without light, and the Guild says nothing.",
        },
    )
    assert "Article `issue-1-4` added" in added.content
    choices = await table.emu.autocomplete(gm, "gm-news edit", "article", "Lamps")
    assert [c["value"] for c in choices] == ["issue-1-4"]
    detail = await table.campaign.newspaper.current_draft(table.gm_actor)
    assert detail is not None
    for article in detail.articles:
        if article.needs_rewrite:
            opened = await table.emu.invoke(gm, "gm-news edit", article=article.id)
            fields = modal_inputs(opened)
            await table.emu.submit_modal(gm, opened, {fields[3]: "Masks are selling fast."})
    published = await table.emu.invoke(gm, "gm-news publish")
    assert "Issue #1" in published.content and "is published" in published.content
    posted = await table.emu.wait_for_message(table.news, lambda m: bool(m.embeds), timeout=10)
    assert any("Lamps Out on Lantern Row" in str(e) for e in posted.embeds)
    # Anyone reads the archive.
    reader = table.player("brine_syndicate")
    listing = await table.emu.invoke(reader, "news list")
    assert "#1 **The Saltmere Crier**" in listing.original.embeds[0]["description"]
    read = await table.emu.invoke(reader, "news read", number=1)
    assert any("Lamps Out on Lantern Row" in str(e) for e in read.original.embeds)
    # Published issues never change.
    again = await table.emu.invoke(gm, "gm-news show")
    assert "There is no draft issue" in again.content


async def test_players_cannot_use_the_desk_and_drafts_stay_secret(table: Table) -> None:
    await table.campaign.newspaper.create_issue(table.gm_actor, "Secret draft")
    player = table.player("lantern_guild")
    before = await table.dump()
    refused = await table.emu.invoke(player, "gm-news show")
    assert refused.ephemeral and "Only the GM" in refused.content
    assert await table.dump() == before
    assert await table.emu.autocomplete(player, "gm-news edit", "article", "") == []
    read = await table.emu.invoke(player, "news read")
    assert "No issue has been published yet" in read.content


async def test_publish_refused_without_news_channel(table: Table) -> None:
    async with table.campaign.db.transaction() as uow:
        await uow.settings.update(news_channel_id=None)
    await table.campaign.newspaper.create_issue(table.gm_actor, "Nowhere to go", 0)
    opened = await table.emu.invoke(table.gm, "gm-news add")
    fields = modal_inputs(opened)
    await table.emu.submit_modal(table.gm, opened, {fields[0]: "Hello", fields[3]: "World"})
    before = await table.dump()
    refused = await table.emu.invoke(table.gm, "gm-news publish")
    assert refused.ephemeral and "No news channel" in refused.content
    assert await table.dump() == before
