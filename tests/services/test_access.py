"""Who is the GM, who is a member: resolve_actor's access matrix."""

from __future__ import annotations

import pytest

from bot.services.access import Actor, require_gm, require_member, resolve_actor
from bot.services.errors import NotAllowed
from db.database import Database
from tests.services.conftest import GM_ROLE_ID, SeededCampaign


async def _resolve(db: Database, user_id: int, roles: list[int], admin: bool) -> Actor:
    async with db.read() as uow:
        return await resolve_actor(uow, user_id, roles, admin)


@pytest.mark.parametrize(
    ("user_id", "roles", "admin", "is_gm", "faction"),
    [
        (1, [GM_ROLE_ID], False, True, None),  # GM role holder
        (1, [GM_ROLE_ID, 5], True, True, None),  # GM role and admin
        (2, [5], True, False, None),  # admin without the GM role once one is configured
        (101, [5], False, False, "red"),  # plain member
        (201, [GM_ROLE_ID], False, True, "blue"),  # a member can also be GM
        (999, [], False, False, None),  # nobody
    ],
)
async def test_access_matrix_with_gm_role(
    campaign: SeededCampaign,
    user_id: int,
    roles: list[int],
    admin: bool,
    is_gm: bool,
    faction: str | None,
) -> None:
    actor = await _resolve(campaign.db, user_id, roles, admin)
    assert actor == Actor(user_id, is_gm, faction, admin)


async def test_admin_is_gm_only_until_a_gm_role_is_configured(db: Database) -> None:
    admin = await _resolve(db, 7, [], True)
    plain = await _resolve(db, 8, [GM_ROLE_ID], False)
    assert admin.is_gm and not plain.is_gm
    async with db.transaction() as uow:
        await uow.settings.update(gm_role_id=GM_ROLE_ID)
    assert not (await _resolve(db, 7, [], True)).is_gm
    assert (await _resolve(db, 8, [GM_ROLE_ID], False)).is_gm


def test_require_gm_and_member_messages() -> None:
    with pytest.raises(NotAllowed, match="Only the GM"):
        require_gm(Actor(1, False, "red"))
    require_gm(Actor(1, True, None))
    with pytest.raises(NotAllowed, match="not a member of any faction"):
        require_member(Actor(1, True, None))
    assert require_member(Actor(1, False, "red")) == "red"


def test_may_act_for() -> None:
    assert Actor(1, True, None).may_act_for("blue")
    assert Actor(1, False, "red").may_act_for("red")
    assert not Actor(1, False, "red").may_act_for("blue")
    assert not Actor(1, False, None).may_act_for(None)
