"""DeliveryService: the outbox drained through a recording transport."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.services.deliveries import (
    DeliveryService,
    Outgoing,
    TransientFailure,
    Unreachable,
    channel_key,
    nonce_for,
    outgoing_messages,
)
from db import records as dbr
from tests.services.conftest import SeededCampaign

RED_CHANNEL = 7001
GM_CHANNEL = 7000


@dataclass
class Recorder:
    """Sends nothing; remembers what would have gone where, and fails on request."""

    closed_users: set[int] = field(default_factory=set)
    failing: int = 0  # this many sends fail transiently, then all succeed
    sent: list[tuple[str, int, Outgoing]] = field(default_factory=list)

    async def send_to_user(self, user_id: int, messages: Sequence[Outgoing]) -> None:
        if user_id in self.closed_users:
            raise Unreachable("DMs closed (Discord 50007)")
        await self._send("user", user_id, messages)

    async def send_to_channel(self, channel_id: int, messages: Sequence[Outgoing]) -> None:
        await self._send("channel", channel_id, messages)

    async def _send(self, kind: str, target: int, messages: Sequence[Outgoing]) -> None:
        if self.failing:
            self.failing -= 1
            raise TransientFailure("Discord 503")
        self.sent += [(kind, target, m) for m in messages]

    def targets(self) -> list[tuple[str, int]]:
        return sorted({(k, t) for k, t, _ in self.sent})


def report(faction: str) -> dict:
    return {
        "kind": "faction_report",
        "turn": 1,
        "faction": {"id": faction, "name": faction.title(), "color": "#cc2222"},
        "names": {"factions": {faction: faction.title()}, "districts": {}},
        "reports": [],
        "results": [],
        "decay": [],
    }


async def queue(campaign: SeededCampaign, rows: list[dbr.NewDelivery]) -> None:
    async with campaign.db.transaction() as uow:
        await uow.outbox.enqueue_many(rows)


def for_members(faction: str, users: list[int], kind: str = "faction_report") -> list:
    return [
        dbr.NewDelivery(
            turn_number=1,
            kind=kind,
            recipient_type="user",
            recipient_id=user,
            faction_id=faction,
            dedupe_key=f"T1:{kind}:{faction}::user:{user}",
            payload=report(faction),
        )
        for user in users
    ]


async def statuses(campaign: SeededCampaign) -> dict[str, str]:
    async with campaign.db.read() as uow:
        return {d.dedupe_key: d.status for d in await uow.outbox.for_turn(1)}


async def test_each_member_gets_the_report_once(campaign: SeededCampaign) -> None:
    await queue(campaign, for_members("red", [101, 102]))
    transport = Recorder()
    service = DeliveryService(campaign.db)
    result = await service.drain(transport)
    assert len(result.delivered) == 2 and transport.targets() == [("user", 101), ("user", 102)]
    assert set((await statuses(campaign)).values()) == {"delivered"}
    again = await service.drain(transport)  # nothing left: nothing sent twice
    assert again.attempted == 0 and len(transport.sent) == 2


async def test_closed_dms_forward_one_copy_to_the_faction_channel(
    campaign: SeededCampaign,
) -> None:
    async with campaign.db.transaction() as uow:
        await uow.settings.set_faction_channel("red", RED_CHANNEL)
    await queue(campaign, for_members("red", [101, 102]))
    transport = Recorder(closed_users={101, 102})
    service = DeliveryService(campaign.db)
    first = await service.drain(transport)
    assert len(first.forwarded) == 2
    await service.drain(transport)  # the forwarded copy is a new row
    assert transport.targets() == [("channel", RED_CHANNEL)]
    rows = await statuses(campaign)
    assert rows["T1:faction_report:red::channel"] == "delivered"
    async with campaign.db.read() as uow:
        undelivered = await uow.outbox.undelivered()
    assert {d.recipient_id for d in undelivered} == {101, 102}
    assert all("sent to the faction channel instead" in (d.last_error or "") for d in undelivered)


async def test_no_channel_means_undeliverable_with_a_reason(campaign: SeededCampaign) -> None:
    await queue(campaign, for_members("red", [101]))
    result = await DeliveryService(campaign.db).drain(Recorder(closed_users={101}))
    assert len(result.undeliverable) == 1
    async with campaign.db.read() as uow:
        (row,) = await uow.outbox.undelivered()
    assert row.status == "undeliverable" and "no faction channel" in (row.last_error or "")


async def test_transient_failures_are_retried_then_given_up_and_requeued(
    campaign: SeededCampaign,
) -> None:
    await queue(campaign, for_members("red", [101]))
    service = DeliveryService(campaign.db, max_attempts=3)
    transport = Recorder(failing=10)
    for _ in range(5):
        await service.drain(transport)
    async with campaign.db.read() as uow:
        (row,) = await uow.outbox.undelivered()
    assert (row.status, row.attempts) == ("failed", 3)  # bounded: stops after 3 attempts
    assert transport.sent == []
    assert await service.retry(campaign.gm) == 1
    transport.failing = 0
    result = await service.drain(transport)
    assert len(result.delivered) == 1


async def test_gm_rows_wait_for_a_gm_channel(campaign: SeededCampaign) -> None:
    summary = {"kind": "gm_summary", "turn": 1, "names": {}, "actions": [], "decay": []}
    await queue(
        campaign,
        [dbr.NewDelivery(1, "gm_summary", "faction", "T1:gm_summary:gm", summary)],
    )
    service = DeliveryService(campaign.db)
    transport = Recorder()
    first = await service.drain(transport)
    assert len(first.failed) == 1 and transport.sent == []
    async with campaign.db.transaction() as uow:
        await uow.settings.update(gm_channel_id=GM_CHANNEL)
    second = await service.drain(transport)
    assert len(second.delivered) == 1 and transport.targets() == [("channel", GM_CHANNEL)]


async def test_a_payload_that_cannot_render_fails_alone(campaign: SeededCampaign) -> None:
    broken = dbr.NewDelivery(1, "notice", "user", "T1:notice:x", {"kind": "frobnicate"}, 101)
    await queue(campaign, [broken, *for_members("red", [102])])
    transport = Recorder()
    result = await DeliveryService(campaign.db).drain(transport)
    assert len(result.failed) == 1 and len(result.delivered) == 1
    assert transport.targets() == [("user", 102)]


async def test_nonces_are_stable_per_row_and_part(campaign: SeededCampaign) -> None:
    await queue(campaign, for_members("red", [101, 102]))
    async with campaign.db.read() as uow:
        first, second = await uow.outbox.for_turn(1)
    assert outgoing_messages(first)[0].nonce == nonce_for(first.dedupe_key, 0)
    assert outgoing_messages(first)[0].nonce == outgoing_messages(first)[0].nonce
    assert outgoing_messages(first)[0].nonce != outgoing_messages(second)[0].nonce
    assert 0 < nonce_for(first.dedupe_key, 0) < 2**63 and len(str(2**63)) <= 25
    assert channel_key(first) == "T1:faction_report:red::channel"


async def test_conflict_reports_carry_ruling_buttons(campaign: SeededCampaign) -> None:
    conflict = {
        "id": "T1-docks-1",
        "district_id": "docks",
        "type": "relationship",
        "factions": [
            {"faction_id": "red", "role": "initiator"},
            {"faction_id": "green", "role": "target"},
            {"faction_id": "blue", "role": "ally"},
        ],
        "pieces": [],
    }
    payload = {
        "kind": "conflict_report",
        "turn": 1,
        "names": {"factions": {"red": "Red", "green": "Green", "blue": "Blue"}},
        "conflicts": [conflict],
        "piece_names": {},
    }
    row = dbr.NewDelivery(1, "conflict_report", "faction", "T1:conflict_report:gm", payload)
    await queue(campaign, [row])
    async with campaign.db.read() as uow:
        (stored,) = await uow.outbox.for_turn(1)
    (message,) = outgoing_messages(stored)
    assert [(b.custom_id, b.label) for b in message.buttons] == [
        ("gm:rule:T1-docks-1:w0", "Green wins"),  # principals in id order; allies copy a side
        ("gm:rule:T1-docks-1:w1", "Red wins"),
        ("gm:rule:T1-docks-1:draw", "Draw"),
        ("gm:rule:T1-docks-1:special", "Special ruling…"),
    ]
