"""Rules benchmark: phases 4-8 of the pure engine on a large synthetic turn (issue 4).

20 factions, 200 districts (a 10 x 20 grid), 2,000 pieces with every action type, all
reproducible from the seed. Target: median of ``resolve_phases_4_to_8`` under 0.5 s.
"""

from __future__ import annotations

from bench.context import Context
from bench.measure import Figure, Target, repeat
from bot.rules import rng
from bot.rules.conflicts import Conflict
from bot.rules.model import (
    APTITUDES,
    ATTRIBUTES,
    SKILLS,
    ActionType,
    Agent,
    Board,
    District,
    Faction,
    Order,
    Piece,
    Squadron,
)
from bot.rules.rulings import Ruling
from bot.rules.turn import resolve_phases_4_to_8

SEED = 20240601
TARGET_S = 0.5


def synthetic_turn(
    seed: int, rows: int = 10, cols: int = 20, factions: int = 20, piece_count: int = 2000
) -> tuple[Board, list[Piece], list[Order], set[tuple[str, str]]]:
    gen = rng.stream(seed, "bench")
    faction_ids = [f"f{i:02d}" for i in range(factions)]
    districts: dict[str, District] = {}
    for r in range(rows):
        for c in range(cols):
            neighbours = {
                f"d{rr * cols + cc:03d}"
                for rr, cc in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1))
                if 0 <= rr < rows and 0 <= cc < cols
            }
            districts[f"d{r * cols + c:03d}"] = District(
                id=f"d{r * cols + c:03d}",
                preferred_gain_attribute=gen.choice(ATTRIBUTES),
                preferred_gain_skill=gen.choice(SKILLS),
                preferred_gain_squadron_aptitude=gen.choice(APTITUDES),
                preferred_monitor_attribute=gen.choice(ATTRIBUTES),
                preferred_monitor_skill=gen.choice(SKILLS),
                weekly_modifier=gen.randint(-2, 2),
                adjacent=frozenset(neighbours),
            )
    influence: dict[tuple[str, str], int] = {}
    strongholds: set[tuple[str, str]] = set()
    likeability: dict[tuple[str, str], int] = {}
    for d in districts:
        room = 10
        for f in gen.sample(faction_ids, min(4, factions)):
            value = gen.randint(0, min(room, 5))
            room -= value
            influence[(d, f)] = value
            likeability[(d, f)] = gen.randint(-5, 5)
            if value and gen.random() < 0.2:
                strongholds.add((d, f))
    relationships: dict[tuple[str, str], int] = {}
    for i, a in enumerate(faction_ids):
        for b in faction_ids[i + 1 :]:
            value = gen.choice((-2, -1, -1, 0, 0, 0, 1, 2))
            relationships[(a, b)] = relationships[(b, a)] = value
    board = Board(
        factions={f: Faction(f) for f in faction_ids},
        districts=districts,
        influence=influence,
        strongholds=frozenset(strongholds),
        likeability=likeability,
        relationships=relationships,
    )
    pieces: list[Piece] = []
    orders: list[Order] = []
    district_ids = sorted(districts)
    actions = list(ActionType)
    for n in range(piece_count):
        faction = faction_ids[n % factions]
        if n % 2 == 0:
            piece: Piece = Agent(
                f"a{n:04d}",
                faction,
                attributes={a: gen.randint(0, 5) for a in ATTRIBUTES},
                skills={s: gen.randint(0, 5) for s in SKILLS},
            )
        else:
            piece = Squadron(
                f"s{n:04d}",
                faction,
                mobility=gen.randint(0, 5),
                aptitudes={a: gen.randint(-3, 5) for a in APTITUDES},
            )
        pieces.append(piece)
        district = gen.choice(district_ids)
        action = gen.choice(actions)
        if action in (ActionType.GAIN_INFLUENCE, ActionType.TAKE_INFLUENCE) and (
            board.influence_of(district, faction) == 10
        ):
            action = ActionType.MONITOR
        target = gen.choice([f for f in faction_ids if f != faction])
        needs_stats = action in (ActionType.FREEFORM, ActionType.INITIATE_CONFLICT)
        is_agent = isinstance(piece, Agent)
        orders.append(
            Order(
                piece=piece.ref,
                faction_id=faction,
                district_id=district,
                action=action,
                target_faction_id=target if action is not ActionType.GAIN_INFLUENCE else None,
                dc=gen.randint(8, 20) if needs_stats else None,
                attribute=gen.choice(ATTRIBUTES) if needs_stats and is_agent else None,
                skill=gen.choice(SKILLS) if needs_stats and is_agent else None,
                aptitude=gen.choice(APTITUDES) if needs_stats and not is_agent else None,
                manual_modifier=gen.randint(-2, 2),
                advantage=gen.random() < 0.1,
                disadvantage=gen.random() < 0.1,
            )
        )
    support = {(a, b) for (a, b), v in relationships.items() if v == 2 and gen.random() < 0.5}
    return board, pieces, orders, support


def automatic_ruling(conflict: Conflict) -> Ruling:
    """Rotate win / draw / loss by conflict id so every ruling path is exercised."""
    choice = sum(map(ord, conflict.id)) % 3
    if choice == 1:
        return Ruling.draw(conflict)
    principals = conflict.principals
    return Ruling.winner(conflict, principals[0] if choice == 0 else principals[-1])


async def run(ctx: Context) -> list[Figure]:
    rows, cols, factions, pieces = ctx.scale.rules_shape
    board, piece_list, orders, support = synthetic_turn(SEED, rows, cols, factions, pieces)
    result = None

    def phases() -> None:
        nonlocal result
        result = resolve_phases_4_to_8(
            SEED, 3, board, piece_list, orders, support, automatic_ruling
        )

    samples = repeat(phases, ctx.scale.repeats)
    assert result is not None
    detection = result.conflict_phase.detection  # type: ignore[attr-defined]
    return [
        Figure(
            "rules.phases_4_8",
            "s",
            samples,
            target=Target(TARGET_S),
            note=f"{factions} factions, {rows * cols} districts, {pieces} pieces, "
            f"{len(detection.conflicts)} conflicts",
        )
    ]
