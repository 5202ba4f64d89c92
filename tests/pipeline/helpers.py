"""Scripted situations on the small seeded campaign, shared by the pipeline tests.

``submit_conflict_turn`` gives turn 1 a guaranteed conflict: red and green (at war, −2)
both take influence from blue in the market, a target conflict that always triggers
[D-15]. With the suite's campaign seed the red squadron monitoring the adjacent slums
joins it too (mobility 3, 30%). The GM adds +10 to both takers so the rulings have
something to change: red's total is exactly its DC (success, a draw drops it to a
failure), green's misses.
"""

from __future__ import annotations

from bot.rules.model import Outcome, PieceRef
from bot.rules.rulings import Ruling, SpecialChoice
from bot.services.orders import OrderService
from tests.services.conftest import SeededCampaign

CONFLICT_ID = "T1-market-1"
RED_TAKER = PieceRef("agent", "a-red-2")
GREEN_TAKER = PieceRef("agent", "a-green-1")
RED_SCOUT = PieceRef("squadron", "s-red-1")


async def submit_conflict_turn(orders: OrderService, c: SeededCampaign) -> None:
    await orders.submit(
        c.red, "agent", "a-red-2", "take_influence", "market", target_faction_id="blue"
    )
    await orders.submit(
        c.green, "agent", "a-green-1", "take_influence", "market", target_faction_id="blue"
    )
    await orders.submit(c.red, "squadron", "s-red-1", "monitor", "slums")
    await submit_quiet_turn(orders, c)
    await orders.set_manual_modifier(c.gm, "agent", "a-red-2", 10)
    await orders.set_manual_modifier(c.gm, "agent", "a-green-1", 10)


async def submit_quiet_turn(orders: OrderService, c: SeededCampaign) -> None:
    """Orders that never meet an enemy: grey watches its palace, blue works the temple."""
    await orders.submit(c.grey, "agent", "a-grey-1", "monitor", "palace")
    await orders.submit(c.blue, "squadron", "s-blue-1", "gain_influence", "temple")


RULINGS: dict[str, Ruling] = {
    # resolution_type is seen from the initiator, the principal with the smaller id: green.
    "win": Ruling({"green": Outcome.WIN, "red": Outcome.LOSS}, notes="green holds the stalls"),
    "loss": Ruling({"green": Outcome.LOSS, "red": Outcome.WIN}, notes="red drives them out"),
    "draw": Ruling({"green": Outcome.DRAW, "red": Outcome.DRAW}, notes="a brawl, no winner"),
    "special": Ruling(
        special={
            RED_TAKER: SpecialChoice(proceed=True, penalty=-3),
            GREEN_TAKER: SpecialChoice(proceed=True),
            RED_SCOUT: SpecialChoice(proceed=False),
        },
        notes="the watch arrives",
    ),
}
