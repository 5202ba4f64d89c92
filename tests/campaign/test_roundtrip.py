"""dump() writes what load() reads back unchanged, always the same text."""

from __future__ import annotations

import dataclasses

from hypothesis import HealthCheck, given, settings

from bot.campaign import CampaignFile, check, dump, load
from tests.campaign.conftest import MINIMAL, SAMPLE
from tests.campaign.strategies import campaigns


def test_sample_round_trips() -> None:
    campaign = load(SAMPLE)
    again = load(dump(campaign).encode(), base_dir=SAMPLE.parent)
    assert again == campaign


def test_minimal_round_trips_and_keeps_seed() -> None:
    campaign = load(MINIMAL)
    assert campaign.seed == 20240601
    assert load(dump(campaign).encode()) == campaign


def test_writer_is_deterministic() -> None:
    campaign = load(SAMPLE)
    text = dump(campaign)
    assert dump(load(SAMPLE)) == text
    assert dump(load(text.encode(), base_dir=SAMPLE.parent)) == text


def test_writer_ignores_mapping_insertion_order() -> None:
    campaign = load(SAMPLE)
    shuffled = dataclasses.replace(
        campaign,
        relationships=dict(reversed(list(campaign.relationships.items()))),
        districts=tuple(
            dataclasses.replace(d, influence=dict(reversed(list(d.influence.items()))))
            for d in campaign.districts
        ),
    )
    assert dump(shuffled) == dump(campaign)


def test_unsigned_seed_above_signed_range_survives() -> None:
    campaign = dataclasses.replace(load(MINIMAL), seed=2**64 - 1)
    text = dump(campaign)
    assert 'seed = "18446744073709551615"' in text
    assert load(text.encode()).seed == 2**64 - 1


def test_defaults_are_left_out() -> None:
    text = dump(load(MINIMAL))
    assert "monitoring_bonus" not in text
    assert "preferred_monitor_squadron_aptitude" not in text
    assert "underworld" not in text  # squadron aptitudes at their default -1


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(campaigns())
def test_generated_campaigns_round_trip(campaign: CampaignFile) -> None:
    text = dump(campaign)
    result = check(text.encode())
    assert result.problems == []
    assert result.campaign == campaign
    assert dump(result.campaign) == text
