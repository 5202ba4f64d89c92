"""Shared text helpers and labels of the report renderers."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.render.reports import (
    action_label,
    any_tier_label,
    monitoring_tier_label,
    piece_label,
    relationship_label,
    tier_label,
)
from bot.render.text import (
    ZERO_WIDTH_SPACE,
    cut_lines,
    escape_name,
    escape_text,
    pack_lines,
    split_text,
    text_length,
    truncate,
)
from bot.rules.model import ActionType, MonitoringTier, Tier


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_text_length_counts_utf16_units() -> None:
    assert text_length("abc") == 3
    assert text_length("a\U0001f600") == 3  # an emoji outside the BMP is two units


def test_truncate_marks_the_cut_and_respects_the_limit() -> None:
    assert truncate("short", 10) == "short"
    cut = truncate("x" * 300, 256)
    assert text_length(cut) == 256 and cut.endswith("...")
    emoji = truncate("\U0001f600" * 200, 101)
    assert text_length(emoji) <= 101 and emoji.endswith("...")


def test_split_text_keeps_every_word_within_limit() -> None:
    words = [f"word{i}" for i in range(2000)]
    text = " ".join(words)
    chunks = split_text(text, 500)
    assert len(chunks) > 1
    assert all(text_length(c) <= 500 for c in chunks)
    assert squash(" ".join(chunks)) == text


def test_pack_lines_breaks_only_between_lines_when_possible() -> None:
    lines = [f"line {i} " + "y" * 40 for i in range(100)]
    chunks = pack_lines(lines, 1000)
    assert all(text_length(c) <= 1000 for c in chunks)
    assert "\n".join(chunks).split("\n") == lines
    long_line = "z " * 1500
    packed = pack_lines(["head", long_line, "tail"], 1000)
    assert all(text_length(c) <= 1000 for c in packed)
    assert squash(" ".join(packed)) == squash(f"head {long_line} tail")


def test_cut_lines_says_how_many_lines_were_left_out() -> None:
    lines = [f"{i:03d} " + "q" * 95 for i in range(50)]
    shown = cut_lines(lines, 1000)
    assert text_length(shown) <= 1000
    kept = shown.split("\n")[:-1]
    assert kept == lines[: len(kept)]
    assert shown.endswith(f"({len(lines) - len(kept)} more...)")
    assert cut_lines(lines[:3], 1000) == "\n".join(lines[:3])


@pytest.mark.parametrize(
    ("raw", "forbidden"),
    [
        ("@everyone come here", "@everyone"),
        ("@here now", "@here"),
        ("hi <@123456789012345678>", "<@"),
        ("hi <@!123456789012345678>", "<@"),
        ("role <@&123456789012345678>", "<@&"),
        ("chan <#123456789012345678>", "<#"),
    ],
)
def test_mentions_are_neutralised(raw: str, forbidden: str) -> None:
    for escaped in (escape_name(raw), escape_text(raw)):
        assert forbidden not in escaped
        assert ZERO_WIDTH_SPACE in escaped
        assert escaped.replace(ZERO_WIDTH_SPACE, "") == raw


def test_markdown_is_escaped() -> None:
    assert escape_name("**bold** __under__ `code` ||spoiler|| ~~gone~~") == (
        r"\*\*bold\*\* \_\_under\_\_ \`code\` \|\|spoiler\|\| \~\~gone\~\~"
    )
    assert escape_text("# Heading\n> quote\n- item\n1. first") == (
        "\\# Heading\n\\> quote\n\\- item\n1\\. first"
    )
    assert escape_name("trailing\\") == "trailing\\\\"  # cannot escape our own markup
    assert escape_name("[click](https://evil.example)").startswith("\\[")


def test_escape_name_keeps_one_line() -> None:
    assert escape_name("  Red\n\nHand\t ") == "Red Hand"
    assert escape_name(None) == "" and escape_text(None) == ""
    assert escape_text("line one\nline two") == "line one\nline two"


def test_action_and_tier_labels_cover_every_enum_value() -> None:
    assert action_label("gain_influence") == "gain influence"
    assert action_label("take_influence") == "take influence"
    assert action_label("initiate_conflict") == "initiate conflict"
    assert tier_label("critical_success") == "critical success"
    assert tier_label("critical_failure") == "critical failure"
    assert tier_label(None) == "not rolled"
    assert monitoring_tier_label("very_good") == "very good"
    assert monitoring_tier_label("very_poor") == "very poor"
    assert any_tier_label("exceptional") == "exceptional monitoring"
    assert any_tier_label("success") == "success"
    for action in ActionType:
        assert "_" not in action_label(action.value)
    for tier in Tier:
        assert "_" not in tier_label(tier.value)
    for monitoring in MonitoringTier:
        assert "_" not in monitoring_tier_label(monitoring.value)


def test_piece_and_relationship_labels() -> None:
    assert piece_label("Mara", "agent") == "Mara (agent)"
    assert piece_label(None, None, "squadron:s7") == "s7 (squadron)"
    assert piece_label("@everyone", "agent") == f"@{ZERO_WIDTH_SPACE}everyone (agent)"
    assert relationship_label(-2) == "hot war"
    assert relationship_label(2) == "allied"


def test_cut_lines_with_no_room_still_fits() -> None:
    assert cut_lines(["a" * 50, "b" * 50], 8) == "(2 mo..."


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from("ab \n@<*\U0001f600"), max_size=700),
        min_size=1,
        max_size=40,
    ),
    st.integers(min_value=50, max_value=4096),
)
def test_pack_lines_never_exceeds_and_never_drops(lines: list[str], limit: int) -> None:
    chunks = pack_lines(lines, limit)
    assert all(text_length(c) <= limit for c in chunks)
    assert squash(" ".join(chunks)) == squash(" ".join(lines))


def test_orders_open_notice_is_plain_public_text() -> None:
    from bot.render.reports import render_delivery

    (message,) = render_delivery(
        {"kind": "notice", "notice": "orders_open", "turn": 3, "campaign": "Salt_mere *x*"}
    )
    assert message["embeds"] == []
    assert message["content"].startswith(r"**Salt\_mere \*x\***: turn 3 is open for orders.")
    with pytest.raises(ValueError, match="unknown notice"):
        render_delivery({"kind": "notice", "notice": "mystery"})
