"""Whole-campaign checks that need more than one entity at a time.

Field-level checks happen while parsing; here live the rules that compare
entities: unique keys and names, symmetric adjacency, support only toward
allies, one faction per Discord user.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from bot.campaign.model import CampaignFile
from bot.campaign.problems import Problem

T = TypeVar("T")
ALLIED = 2


def label(table: str, index: int, key: str) -> str:
    """``districts[3] 'docks'`` -- the location prefix of an entity."""
    return f"{table}[{index}] '{key}'" if key else f"{table}[{index}]"


def effective_relationship(campaign: CampaignFile, a: str, b: str) -> int:
    """min of both stored directions, missing = 0 (RULES.md [D-1])."""
    stored = campaign.relationships
    return min(stored.get((a, b), 0), stored.get((b, a), 0))


def cross_check(campaign: CampaignFile, problems: list[Problem], warnings: list[Problem]) -> None:
    _unique(problems, "factions", campaign.factions, lambda f: f.key, lambda f: f.name)
    _unique(problems, "districts", campaign.districts, lambda d: d.key, lambda d: d.name)
    _unique(problems, "agents", campaign.agents, lambda a: a.key, lambda a: a.name)
    _unique(problems, "squadrons", campaign.squadrons, lambda s: s.key, lambda s: s.name)
    _check_adjacency(campaign, problems)
    _check_rumors(campaign, problems, warnings)
    _check_support(campaign, problems)
    _check_members(campaign, problems)
    _check_colors(campaign, warnings)
    _check_shapes_all_or_none(campaign, warnings)


def _unique(
    problems: list[Problem],
    table: str,
    items: Sequence[T],
    key_of: Callable[[T], str],
    name_of: Callable[[T], str],
) -> None:
    for field, value_of in (("key", key_of), ("name", name_of)):
        first_seen: dict[str, int] = {}
        for index, item in enumerate(items):
            value = value_of(item)
            if not value:
                continue
            folded = value.casefold() if field == "name" else value
            if folded in first_seen:
                where = label(table, index, key_of(item))
                problems.append(
                    Problem(
                        f"{where}.{field}",
                        field,
                        f"duplicate {field} '{value}': already used by {table}[{first_seen[folded]}]",
                    )
                )
            else:
                first_seen[folded] = index


def _check_adjacency(campaign: CampaignFile, problems: list[Problem]) -> None:
    neighbours = {d.key: set(d.adjacent) for d in campaign.districts if d.key}
    for index, district in enumerate(campaign.districts):
        where = label("districts", index, district.key)
        for other in district.adjacent:
            spot = "adjacent"
            if other == district.key:
                problems.append(
                    Problem(f"{where}.{spot}", spot, "a district cannot be adjacent to itself")
                )
            elif other in neighbours and district.key not in neighbours[other]:
                problems.append(
                    Problem(
                        f"{where}.{spot}",
                        spot,
                        f"adjacency must be symmetric: '{district.key}' lists '{other}', "
                        f"but '{other}' does not list '{district.key}'",
                    )
                )


def _check_rumors(campaign: CampaignFile, problems: list[Problem], warnings: list[Problem]) -> None:
    first_key: dict[str, str] = {}
    for index, district in enumerate(campaign.districts):
        where = label("districts", index, district.key)
        names: set[str] = set()
        for position, rumor in enumerate(district.rumors):
            spot = f"{where}.rumors[{position}]" + (f" '{rumor.key}'" if rumor.key else "")
            if rumor.key in first_key:
                problems.append(
                    Problem(
                        f"{spot}.key",
                        "key",
                        f"duplicate rumor key '{rumor.key}': already used in {first_key[rumor.key]}",
                    )
                )
            elif rumor.key:
                first_key[rumor.key] = where
            if rumor.name and rumor.name.casefold() in names:
                problems.append(
                    Problem(
                        f"{spot}.name",
                        "name",
                        f"duplicate rumor name '{rumor.name}' in this district",
                    )
                )
            names.add(rumor.name.casefold())
            if rumor.newspaper_hint and rumor.newspaper_hint.strip() == rumor.text.strip():
                warnings.append(
                    Problem(
                        f"{spot}.newspaper_hint",
                        "newspaper_hint",
                        "is the rumor text verbatim; a hint should only be a subtle clue",
                    )
                )


def _check_support(campaign: CampaignFile, problems: list[Problem]) -> None:
    for index, faction in enumerate(campaign.factions):
        where = label("factions", index, faction.key)
        for other in faction.supports:
            spot = "supports"
            if other == faction.key:
                problems.append(Problem(f"{where}.{spot}", spot, "a faction cannot support itself"))
                continue
            rel = effective_relationship(campaign, faction.key, other)
            if rel != ALLIED:
                problems.append(
                    Problem(
                        f"{where}.{spot}",
                        spot,
                        f"support is allowed only toward allies (relationship +2 both ways); "
                        f"the relationship with '{other}' is {rel:+d}",
                    )
                )


def _check_members(campaign: CampaignFile, problems: list[Problem]) -> None:
    owner: dict[int, str] = {}
    for index, faction in enumerate(campaign.factions):
        where = label("factions", index, faction.key)
        for position, member in enumerate(faction.members):
            if not member.user_id:
                continue
            spot = f"members[{position}].user_id"
            if member.user_id in owner:
                problems.append(
                    Problem(
                        f"{where}.{spot}",
                        spot,
                        f"user {member.user_id} is already a member of {owner[member.user_id]}; "
                        "a user plays for at most one faction",
                    )
                )
            else:
                owner[member.user_id] = where


def _check_colors(campaign: CampaignFile, warnings: list[Problem]) -> None:
    first: dict[str, int] = {}
    for index, faction in enumerate(campaign.factions):
        if faction.color in first:
            where = label("factions", index, faction.key)
            warnings.append(
                Problem(
                    f"{where}.color",
                    "color",
                    f"{faction.color} is also factions[{first[faction.color]}]'s colour; "
                    "the map cannot tell them apart",
                )
            )
        else:
            first[faction.color] = index


def _check_shapes_all_or_none(campaign: CampaignFile, warnings: list[Problem]) -> None:
    missing = [d.key for d in campaign.districts if d.shape is None]
    shaped = len(campaign.districts) - len(missing)
    if shaped and missing:
        warnings.append(
            Problem(
                "districts",
                "shape",
                f"only some districts have shapes; without one, {', '.join(missing)} "
                "will not appear on a shaped map",
            )
        )
