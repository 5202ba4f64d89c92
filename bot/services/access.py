"""Who is asking: the GM, a faction member, or neither.

Resolved once per request from the Discord member (user id, role ids, admin flag)
and the campaign's settings, so every service checks the same facts the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.services.errors import NotAllowed
from db.records import CampaignSettings
from db.uow import UnitOfWork


@dataclass(frozen=True)
class Actor:
    """The person behind a request; ``faction_id`` is None for non-members."""

    user_id: int
    is_gm: bool
    faction_id: str | None
    is_admin: bool = False

    def may_act_for(self, faction_id: str | None) -> bool:
        """The GM acts for everyone; a member only for their own faction."""
        return self.is_gm or (faction_id is not None and self.faction_id == faction_id)


async def resolve_actor(
    uow: UnitOfWork,
    user_id: int,
    role_ids: Iterable[int],
    is_admin: bool,
    *,
    settings: CampaignSettings | None = None,
) -> Actor:
    """GM = holds the configured GM role; while none is configured, guild admins are GM.

    Once a GM role exists, admin rights alone no longer make someone GM, so a
    campaign can have a GM team distinct from the server's moderators.
    """
    if settings is None:
        settings = await uow.settings.get()
    no_gm_role = settings.gm_role_id is None
    is_gm = bool(is_admin) if no_gm_role else settings.gm_role_id in set(role_ids)
    faction_id = await uow.settings.faction_of(user_id)
    return Actor(user_id=user_id, is_gm=is_gm, faction_id=faction_id, is_admin=bool(is_admin))


def require_gm(actor: Actor) -> None:
    if not actor.is_gm:
        raise NotAllowed(
            "Only the GM can do that. Ask a GM (someone with the campaign's GM role) for help."
        )


def require_member(actor: Actor) -> str:
    """The actor's faction id; refuses people who belong to no faction."""
    if actor.faction_id is None:
        raise NotAllowed(
            "You are not a member of any faction in this campaign. Ask the GM to add you."
        )
    return actor.faction_id
