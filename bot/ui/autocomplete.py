"""Autocomplete sources: only legal values, filtered by what the user typed.

A member is offered only their own faction's pieces; everyone sees districts and
faction names (public knowledge). Discord allows at most 25 choices of at most 100
characters; an autocomplete that fails answers with no choices rather than an error.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable

import discord
from discord import app_commands

from bot.render.text import truncate
from bot.ui.context import context
from db.errors import DomainError

log = logging.getLogger(__name__)

MAX_CHOICES = 25
Choice = app_commands.Choice[str]
Source = Callable[[discord.Interaction, str], Awaitable[list[Choice]]]


def _matches(current: str, *texts: str) -> bool:
    needle = current.casefold().strip()
    return not needle or any(needle in t.casefold() for t in texts)


def choices(pairs: Iterable[tuple[str, str]], current: str) -> list[Choice]:
    """(label, value) pairs filtered by ``current`` in label or value, first 25."""
    found = []
    for label, value in pairs:
        if _matches(current, label, value):
            found.append(app_commands.Choice(name=truncate(label, 100), value=value[:100]))
            if len(found) == MAX_CHOICES:
                break
    return found


def safe(source: Source) -> Source:
    async def wrapped(interaction: discord.Interaction, current: str) -> list[Choice]:
        try:
            return await source(interaction, current)
        except DomainError:  # a refusal (not the GM, no campaign yet): simply no choices
            return []
        except Exception:
            log.exception("autocomplete failed for user %s", interaction.user.id)
            return []

    wrapped.__name__ = source.__name__
    return wrapped


def _pieces(kind: str | None, *, with_order: bool = False) -> Source:
    async def source(interaction: discord.Interaction, current: str) -> list[Choice]:
        ctx = await context(interaction)
        pieces = await ctx.campaign.queries.pieces(ctx.actor, kind, with_order=with_order)
        label = (
            (lambda t, p: f"{p.name} ({t}, {p.faction_id})")
            if ctx.is_gm
            else (lambda t, p: f"{p.name} ({t})")
        )
        return choices(((label(t, p), p.id) for t, p in pieces), current)

    return safe(source)


own_agents = _pieces("agent")
own_squadrons = _pieces("squadron")
ordered_pieces = _pieces(None, with_order=True)


@safe
async def districts(interaction: discord.Interaction, current: str) -> list[Choice]:
    ctx = await context(interaction)
    return choices(((d.name, d.id) for d in await ctx.campaign.queries.districts()), current)


@safe
async def factions(interaction: discord.Interaction, current: str) -> list[Choice]:
    ctx = await context(interaction)
    return choices(((f.name, f.id) for f in await ctx.campaign.queries.factions()), current)


@safe
async def other_factions(interaction: discord.Interaction, current: str) -> list[Choice]:
    """Targets: every faction but the actor's own."""
    ctx = await context(interaction)
    own = ctx.actor.faction_id
    return choices(
        ((f.name, f.id) for f in await ctx.campaign.queries.factions() if f.id != own), current
    )


@safe
async def allies(interaction: discord.Interaction, current: str) -> list[Choice]:
    ctx = await context(interaction)
    return choices(((f.name, f.id) for f in await ctx.campaign.queries.allies(ctx.actor)), current)


# -- GM sources: everything, unaffiliated pieces included (a non-GM gets no choices) -----

NONE_VALUE = "-"  # "no faction" / "no district": never a slug (slugs have no edge dashes)


def _gm_pieces(kind: str | None, *, typed_values: bool = False) -> Source:
    async def source(interaction: discord.Interaction, current: str) -> list[Choice]:
        ctx = await context(interaction)
        pieces = await ctx.campaign.setup.all_pieces(ctx.actor)
        return choices(
            (
                (
                    f"{p.name} ({t}, {p.faction_id or 'unaffiliated'})",
                    f"{t}:{p.id}" if typed_values else p.id,
                )
                for t, p in pieces
                if kind is None or t == kind
            ),
            current,
        )

    return safe(source)


all_agents = _gm_pieces("agent")
all_squadrons = _gm_pieces("squadron")
all_pieces = _gm_pieces(None, typed_values=True)


@safe
async def factions_or_none(interaction: discord.Interaction, current: str) -> list[Choice]:
    """A new owner: any faction, or "-" for unaffiliated."""
    ctx = await context(interaction)
    pairs = [("(unaffiliated)", NONE_VALUE)]
    pairs += [(f.name, f.id) for f in await ctx.campaign.queries.factions()]
    return choices(pairs, current)


@safe
async def districts_or_none(interaction: discord.Interaction, current: str) -> list[Choice]:
    """Where a piece stands: any district, or "-" for unplaced."""
    ctx = await context(interaction)
    pairs = [("(unplaced)", NONE_VALUE)]
    pairs += [(d.name, d.id) for d in await ctx.campaign.queries.districts()]
    return choices(pairs, current)


@safe
async def rumors(interaction: discord.Interaction, current: str) -> list[Choice]:
    ctx = await context(interaction)
    lines = await ctx.campaign.setup.rumor_lines(ctx.actor)
    return choices(
        (
            (
                f"{r.rumor.name or r.rumor.id} ({r.district_name}, DC {r.rumor.discovery_dc})",
                r.rumor.id,
            )
            for r in lines
        ),
        current,
    )


@safe
async def district_modifiers(interaction: discord.Interaction, current: str) -> list[Choice]:
    ctx = await context(interaction)
    names = {d.id: d.name for d in await ctx.campaign.queries.districts()}
    modifiers = await ctx.campaign.setup.district_modifiers(ctx.actor)
    return choices(
        (
            (
                f"{names.get(m.district_id, m.district_id)}: {m.modifier_type} "
                f"{m.modifier_value:+d}"
                + (f" (until turn {m.expires_on})" if m.expires_on is not None else ""),
                m.id,
            )
            for m in modifiers
        ),
        current,
    )


# -- faction ledger (GM): entries of the faction chosen in the same command ----------------


def _chosen_faction(interaction: discord.Interaction) -> str | None:
    value = getattr(interaction.namespace, "faction", None)
    return value if isinstance(value, str) and value else None


@safe
async def faction_resources(interaction: discord.Interaction, current: str) -> list[Choice]:
    """Existing resource names: the chosen faction's, or every faction's when none yet."""
    ctx = await context(interaction)
    faction = _chosen_faction(interaction)
    seen: set[str] = set()
    pairs = []
    for r in await ctx.campaign.setup.resources(ctx.actor):
        if (faction is None or r.faction_id == faction) and r.resource_type not in seen:
            seen.add(r.resource_type)
            label = f"{r.resource_type}: {r.value}" if faction else r.resource_type
            pairs.append((label, r.resource_type))
    return choices(pairs, current)


@safe
async def faction_modifiers(interaction: discord.Interaction, current: str) -> list[Choice]:
    """Named faction modifiers (the chosen faction's, else all), by id."""
    ctx = await context(interaction)
    faction = _chosen_faction(interaction)
    names = {f.id: f.name for f in await ctx.campaign.queries.factions()}
    return choices(
        (
            (
                f"{names.get(m.faction_id, m.faction_id)}: {m.name} "
                f"({m.modifier_type} {m.value:+d})",
                m.id,
            )
            for m in await ctx.campaign.setup.faction_modifiers(ctx.actor)
            if faction is None or m.faction_id == faction
        ),
        current,
    )
