"""The unit of work: every repository, bound to one connection and one transaction."""

from __future__ import annotations

from db.executor import Executor
from db.repositories.campaign import CampaignRepository
from db.repositories.conflicts import ConflictRepository
from db.repositories.districts import DistrictRepository
from db.repositories.factions import FactionRepository
from db.repositories.game import GameRepository
from db.repositories.history import HistoryRepository
from db.repositories.maps import MapRepository
from db.repositories.newspaper import NewspaperRepository
from db.repositories.orders import OrderRepository
from db.repositories.outbox import OutboxRepository
from db.repositories.pieces import PieceRepository
from db.repositories.reports import ReportRepository
from db.repositories.settings import SettingsRepository
from db.repositories.turns import TurnRepository


class UnitOfWork:
    """Repositories are cheap views over ``sql``; on a read uow their writes raise."""

    def __init__(self, executor: Executor, *, writable: bool) -> None:
        self.sql = executor
        self.writable = writable
        self.districts = DistrictRepository(executor)
        self.factions = FactionRepository(executor)
        self.pieces = PieceRepository(executor)
        self.orders = OrderRepository(executor)
        self.conflicts = ConflictRepository(executor)
        self.reports = ReportRepository(executor)
        self.history = HistoryRepository(executor)
        self.game = GameRepository(executor)
        self.newspaper = NewspaperRepository(executor)
        self.maps = MapRepository(executor)
        self.settings = SettingsRepository(executor)
        self.outbox = OutboxRepository(executor)
        self.turns = TurnRepository(executor)
        self.campaign = CampaignRepository(executor)
