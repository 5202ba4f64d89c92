"""The clock: current turn and phase (a persisted state machine, §2.2)."""

from __future__ import annotations

from db.dialect import NOW
from db.errors import AlreadyExists, NotFound
from db.records import PHASES, GameState
from db.repositories.base import Repository, check_choice, check_int, check_nonempty


class GameRepository(Repository):
    async def get(self) -> GameState:
        row = await self.sql.fetchone(
            "SELECT current_turn, current_phase, campaign_name, last_updated FROM game_state "
            "WHERE id='current'"
        )
        if row is None:
            raise NotFound("game state", "current")
        return GameState(*row)

    async def find(self) -> GameState | None:
        try:
            return await self.get()
        except NotFound:
            return None

    async def initialise(self, campaign_name: str) -> GameState:
        """A new campaign starts at turn 1, phase 1 (§2.2)."""
        check_nonempty("campaign name", campaign_name)
        if await self.find() is not None:
            raise AlreadyExists("game state", "current")
        await self._write(
            "initialise game",
            "INSERT INTO game_state (id, current_turn, current_phase, campaign_name) "
            "VALUES ('current', 1, 'preparation', ?)",
            (campaign_name,),
        )
        return await self.get()

    async def set_phase(self, turn: int, phase: str) -> GameState:
        check_int("turn", turn, 1)
        check_choice("phase", phase, PHASES)
        count = await self._write(
            "set phase",
            "UPDATE game_state SET current_turn=?, current_phase=?, "
            f"last_updated={NOW}, "
            f"updated_at={NOW} WHERE id='current'",
            (turn, phase),
        )
        if count == 0:
            raise NotFound("game state", "current")
        return await self.get()

    async def rename(self, campaign_name: str) -> None:
        check_nonempty("campaign name", campaign_name)
        await self._write(
            "rename campaign",
            f"UPDATE game_state SET campaign_name=?, updated_at={NOW} WHERE id='current'",
            (campaign_name,),
        )
