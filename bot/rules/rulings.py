"""GM rulings on conflicts and what they do to each piece (RULES.md §6.7).

Penalties are signed modifiers added to the total (a draw is ``-2``), matching
``conflict_pieces.conflict_penalty``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from bot.rules.conflicts import Conflict
from bot.rules.model import Outcome, Participation, PieceRef

DRAW_PENALTY = -2
SPECIAL = "special"


class InvalidRuling(ValueError):
    """A ruling that does not fit its conflict; the advance must be refused."""


class EffectKind(StrEnum):
    PROCEED = "proceed"
    FAIL = "fail"
    FORFEIT = "forfeit"


class SecondaryEffect(StrEnum):
    NORMAL = "normal"
    NONE = "none"
    PENALTY = "penalty"


@dataclass(frozen=True)
class SpecialChoice:
    """Special ruling for one piece: proceed (optionally with a penalty) or fail."""

    proceed: bool
    penalty: int = 0


@dataclass(frozen=True)
class Ruling:
    """Per principal outcome, or (``special`` set) a per piece choice."""

    outcomes: Mapping[str, Outcome] = field(default_factory=dict)
    special: Mapping[PieceRef, SpecialChoice] | None = None
    notes: str = ""

    @classmethod
    def winner(cls, conflict: Conflict, faction_id: str, notes: str = "") -> Ruling:
        """``faction_id`` wins, every other principal loses."""
        return cls(
            {f: Outcome.WIN if f == faction_id else Outcome.LOSS for f in conflict.principals},
            notes=notes,
        )

    @classmethod
    def draw(cls, conflict: Conflict, notes: str = "") -> Ruling:
        return cls({f: Outcome.DRAW for f in conflict.principals}, notes=notes)


@dataclass(frozen=True)
class PieceEffect:
    """What a ruling does to one piece's order and its secondary monitoring."""

    kind: EffectKind
    penalty: int
    monitoring: SecondaryEffect


def validate_ruling(conflict: Conflict, ruling: Ruling) -> None:
    if ruling.special is not None:
        if ruling.outcomes:
            raise InvalidRuling("a special ruling sets per-piece choices, not faction outcomes")
        members = {p.ref for p in conflict.pieces}
        if set(ruling.special) != members:
            missing = sorted(members - set(ruling.special))
            extra = sorted(set(ruling.special) - members)
            raise InvalidRuling(f"special ruling pieces differ: missing {missing}, extra {extra}")
        for ref, choice in ruling.special.items():
            if not choice.proceed and choice.penalty:
                raise InvalidRuling(f"{ref} fails, so it cannot also carry a penalty")
        return
    principals = set(conflict.principals)
    if set(ruling.outcomes) != principals:
        raise InvalidRuling(
            f"ruling must give an outcome to exactly the principals {sorted(principals)}"
        )
    for faction, outcome in ruling.outcomes.items():
        if not isinstance(outcome, Outcome):
            raise InvalidRuling(f"{faction}: {outcome!r} is not win, loss or draw")


def resolution_type(conflict: Conflict, ruling: Ruling) -> str:
    """`special`, `draw` if every principal drew, else the initiator's own outcome."""
    validate_ruling(conflict, ruling)
    if ruling.special is not None:
        return SPECIAL
    if all(o is Outcome.DRAW for o in ruling.outcomes.values()):
        return Outcome.DRAW.value
    return ruling.outcomes[conflict.initiator].value


def faction_outcomes(conflict: Conflict, ruling: Ruling) -> dict[str, Outcome | None]:
    """``conflict_factions.outcome``: allies copy the principal they back; None if special."""
    validate_ruling(conflict, ruling)
    return {
        f: None if ruling.special is not None else ruling.outcomes[conflict.side_of(f)]
        for f in sorted(conflict.factions)
    }


_BY_OUTCOME: dict[Outcome, tuple[EffectKind, int, SecondaryEffect]] = {
    Outcome.WIN: (EffectKind.PROCEED, 0, SecondaryEffect.NORMAL),
    Outcome.LOSS: (EffectKind.FAIL, 0, SecondaryEffect.NONE),
    Outcome.DRAW: (EffectKind.PROCEED, DRAW_PENALTY, SecondaryEffect.PENALTY),
}


def piece_effects(conflict: Conflict, ruling: Ruling) -> dict[PieceRef, PieceEffect]:
    """Each member's fate; supporters forfeit their order but share their side's [D-18]."""
    validate_ruling(conflict, ruling)
    effects: dict[PieceRef, PieceEffect] = {}
    for member in sorted(conflict.pieces, key=lambda p: p.ref):
        if ruling.special is not None:
            choice = ruling.special[member.ref]
            if choice.proceed:
                monitoring = SecondaryEffect.PENALTY if choice.penalty else SecondaryEffect.NORMAL
                kind, penalty = EffectKind.PROCEED, choice.penalty
            else:
                kind, penalty, monitoring = EffectKind.FAIL, 0, SecondaryEffect.NONE
        else:
            side = member.backs_faction or member.faction_id
            kind, penalty, monitoring = _BY_OUTCOME[ruling.outcomes[side]]
        if member.participation is Participation.ALLY_SUPPORT:
            kind = EffectKind.FORFEIT
        effects[member.ref] = PieceEffect(kind, penalty, monitoring)
    return effects
