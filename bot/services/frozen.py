"""The frozen inputs of a turn, decoded once, with their deterministic rules steps.

Conflict detection and the action rolls depend only on (seed, turn, frozen inputs), so
phases 5, 7 and 9 and every GM ruling can share one computation instead of redoing it
(at a 4,000-piece campaign each detection costs over a second). Entries are keyed by
the digest stored with the JSON: inputs frozen again (a re-run of phase 4 after a rollback)
are a different key, so a cached result can never be stale.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from bot.rules.turn import ConflictPhase, RollPhase
from bot.services import snapshot

T = TypeVar("T")
CACHE_SIZE = 4


@dataclass
class _Entry:
    inputs: snapshot.TurnInputs
    detections: dict[int, ConflictPhase] = field(default_factory=dict)  # by seed
    rolls: dict[int, RollPhase] = field(default_factory=dict)


class FrozenTurns:
    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._by_key: OrderedDict[tuple[int, str], _Entry] = OrderedDict()
        self._by_inputs: dict[int, _Entry] = {}

    def cached(self, turn: int, digest: str) -> snapshot.TurnInputs | None:
        entry = self._by_key.get((turn, digest))
        if entry is None:
            return None
        self._by_key.move_to_end((turn, digest))
        return entry.inputs

    def store(self, turn: int, digest: str, text: str) -> snapshot.TurnInputs:
        entry = _Entry(snapshot.decode(json.loads(text)))
        self._by_key[(turn, digest)] = entry
        self._by_inputs[id(entry.inputs)] = entry
        while len(self._by_key) > self.size:
            _, old = self._by_key.popitem(last=False)
            self._by_inputs.pop(id(old.inputs), None)
        return entry.inputs

    def detection(
        self, seed: int, inputs: snapshot.TurnInputs, compute: Callable[[], ConflictPhase]
    ) -> ConflictPhase:
        return self._memo(inputs, "detections", seed, compute)

    def rolls(
        self, seed: int, inputs: snapshot.TurnInputs, compute: Callable[[], RollPhase]
    ) -> RollPhase:
        return self._memo(inputs, "rolls", seed, compute)

    def _memo(
        self, inputs: snapshot.TurnInputs, table: str, seed: int, compute: Callable[[], T]
    ) -> T:
        entry = self._by_inputs.get(id(inputs))
        if entry is None or entry.inputs is not inputs:  # not from the cache: just compute
            return compute()
        values: dict[int, T] = getattr(entry, table)
        if seed not in values:
            values[seed] = compute()
        return values[seed]


FROZEN = FrozenTurns()
