"""Who is asking and in which campaign, resolved from the interaction.

The GM check runs in code for every GM command (an app-command check), whatever
the server's command permission overrides say: Discord's settings can hide a
command, but only this check decides who may run it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import discord
from discord import app_commands

from bot.render.text import escape_name
from bot.services.access import Actor, require_gm, resolve_actor
from bot.services.errors import NotAllowed
from bot.ui.replies import reply

if TYPE_CHECKING:
    from bot.campaigns import Campaign, CampaignHub


T = TypeVar("T", bound=Any)


class Refused(app_commands.CheckFailure):
    """A check that failed with a message meant for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Ctx:
    campaign: Campaign
    actor: Actor
    gm_channel_id: int | None = None

    @property
    def is_gm(self) -> bool:
        return self.actor.is_gm


def hub_of(interaction: discord.Interaction) -> CampaignHub:
    return interaction.client.hub  # type: ignore[attr-defined]


async def campaign_of(interaction: discord.Interaction) -> Campaign:
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    return await hub_of(interaction).get(interaction.guild_id)


def _role_ids(user: discord.abc.User) -> list[int]:
    return [role.id for role in getattr(user, "roles", ())]


async def actor_of(
    interaction: discord.Interaction, campaign: Campaign
) -> tuple[Actor, int | None]:
    """The actor (roles and administrator from the payload Discord resolved) and the GM
    channel, read together once per interaction."""
    async with campaign.db.read() as uow:
        settings = await uow.settings.get()
        actor = await resolve_actor(
            uow,
            interaction.user.id,
            _role_ids(interaction.user),
            interaction.permissions.administrator,
            settings=settings,
        )
    return actor, settings.gm_channel_id


async def context(interaction: discord.Interaction) -> Ctx:
    """Cached on the interaction: checks, autocomplete and the callback share one lookup."""
    cached = interaction.extras.get("ctx")
    if isinstance(cached, Ctx):
        return cached
    campaign = await campaign_of(interaction)
    actor, gm_channel_id = await actor_of(interaction, campaign)
    ctx = Ctx(campaign, actor, gm_channel_id)
    interaction.extras["ctx"] = ctx
    return ctx


async def gm_check(interaction: discord.Interaction) -> bool:
    """The predicate behind ``gm_only``: refuses with the service layer's own message."""
    ctx = await context(interaction)
    try:
        require_gm(ctx.actor)
    except NotAllowed as exc:
        raise Refused(exc.message) from exc
    return True


def gm_only() -> Callable[[T], T]:
    """GM-only, on one command or on a whole Cog class (every app command in it)."""
    as_check = app_commands.check(gm_check)

    def decorator(obj: T) -> T:
        if isinstance(obj, type):

            async def interaction_check(self: object, interaction: discord.Interaction) -> bool:
                return await gm_check(interaction)

            obj.interaction_check = interaction_check  # the Cog special method
            return obj
        return as_check(obj)

    return decorator


def is_gm_channel(interaction: discord.Interaction, gm_channel_id: int | None) -> bool:
    return gm_channel_id is not None and interaction.channel_id == gm_channel_id


async def faction_name(ctx: Ctx, faction_id: str) -> str:
    """A faction's display name, escaped for message text (its id when unknown)."""
    return escape_name((await ctx.campaign.queries.names()).factions.get(faction_id, faction_id))


async def gm_reply(interaction: discord.Interaction, ctx: Ctx, text: str) -> None:
    """A GM answer: public in the GM channel, private everywhere else."""
    await reply(interaction, text, ephemeral=gm_ephemeral(interaction, ctx))


def gm_ephemeral(interaction: discord.Interaction, ctx: Ctx) -> bool:
    """GM answers carry secrets: public only inside the configured GM channel."""
    return not is_gm_channel(interaction, ctx.gm_channel_id)
