"""Turn deliveries and GM views as Discord-ready messages (pure: payload dicts in).

Each renderer returns ``Message`` dicts, ``{"content": str | None, "embeds": [dict]}``,
every one within Discord's limits; the cog sends each with ``discord.Embed.from_dict``
on the embeds and ``AllowedMentions.none()``. User text is escaped here already.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.render.report_faction import district_lines, render_faction_report, render_intel
from bot.render.report_gm import (
    effect_on_win,
    render_conflict,
    render_conflict_report,
    render_gm_summary,
)
from bot.render.report_labels import (
    action_label,
    any_tier_label,
    monitoring_tier_label,
    participation_label,
    piece_label,
    relationship_label,
    tier_label,
)
from bot.render.report_layout import Embed, Message, embed_length
from bot.render.report_results import result_line
from bot.render.text import escape_name

__all__ = [
    "Embed",
    "Message",
    "action_label",
    "any_tier_label",
    "district_lines",
    "effect_on_win",
    "embed_length",
    "monitoring_tier_label",
    "participation_label",
    "piece_label",
    "relationship_label",
    "render_conflict",
    "render_conflict_report",
    "render_delivery",
    "render_faction_report",
    "render_gm_summary",
    "render_intel",
    "render_notice",
    "render_stored_messages",
    "result_line",
    "tier_label",
]


def render_stored_messages(payload: Mapping[str, Any]) -> list[Message]:
    """Payloads that carry their messages already rendered (a published newspaper issue
    is frozen, so the channel gets exactly what the GM previewed)."""
    messages = payload.get("messages")
    if not isinstance(messages, list) or not messages:
        raise ValueError(f"a {payload.get('kind')!r} payload needs its rendered messages")
    return [{"content": m.get("content"), "embeds": list(m.get("embeds") or ())} for m in messages]


def render_notice(payload: Mapping[str, Any]) -> list[Message]:
    """Public announcements (the news channel): nothing secret, plain content."""
    campaign = escape_name(payload.get("campaign")) or "The campaign"
    if payload.get("notice") == "orders_open":
        text = (
            f"**{campaign}**: turn {payload.get('turn')} is open for orders. Give them with "
            "`/orders agent` and `/orders squadron`; `/turn` shows the deadline and how many "
            "of your pieces still wait for one."
        )
    else:
        raise ValueError(f"unknown notice {payload.get('notice')!r}")
    return [{"content": text, "embeds": []}]


_RENDERERS = {
    "faction_report": render_faction_report,
    "legendary_intel": render_intel,
    "gm_summary": render_gm_summary,
    "conflict_report": render_conflict_report,
    "newspaper": render_stored_messages,
    "notice": render_notice,
}


def render_delivery(payload: Mapping[str, Any]) -> list[Message]:
    """Any outbox payload by its ``kind``, so the delivery worker needs one call."""
    kind = payload.get("kind")
    renderer = _RENDERERS.get(str(kind))
    if renderer is None:
        raise ValueError(f"no renderer for payload kind {kind!r}")
    return renderer(payload)
