"""Issue embeds: every Discord limit holds and nothing is lost or reordered."""

from __future__ import annotations

from bot.render.newspaper import (
    IssueArticle,
    NewspaperIssue,
    embed_length,
    render_issue,
    split_text,
    text_length,
)

WORDS = [
    "harbour",
    "lantern",
    "whisper",
    "guild",
    "🦑",
    "émigré",
    "smuggler",
    "tide",
    "bell",
    "ledger",
]


def long_text(index: int, words: int) -> str:
    paragraphs = []
    for p in range(words // 60 + 1):
        chunk = [WORDS[(index * 7 + p * 3 + k) % len(WORDS)] for k in range(60)]
        paragraphs.append(" ".join(chunk))
    return "\n\n".join(paragraphs)


def big_issue() -> NewspaperIssue:
    articles = [
        IssueArticle(
            position=30 - i,  # given in reverse: the renderer must sort by position
            section=f"Section {i} " + "x" * 40,
            headline=f"Headline {i:02d} " + "H" * 300,
            content=long_text(i, 700 + 40 * i),
            author=f"Reporter {i} " + "a" * 600,
        )
        for i in range(30)
    ]
    return NewspaperIssue("The Harbour Crier " + "T" * 300, 12, "Moonday, 3rd of Rain", 7, articles)


def test_thirty_long_articles_respect_every_limit() -> None:
    messages = render_issue(big_issue())
    assert len(messages) > 1
    for message in messages:
        assert 1 <= len(message) <= 10
        assert sum(embed_length(e) for e in message) <= 6000
        for embed in message:
            assert text_length(embed["title"]) <= 256
            assert text_length(embed.get("description", "")) <= 4096
            assert text_length(embed.get("footer", {}).get("text", "")) <= 2048
            for item in embed.get("fields", ()):
                assert text_length(item["value"]) <= 1024 and text_length(item["name"]) <= 256


def test_articles_appear_in_position_order_with_all_their_words() -> None:
    issue = big_issue()
    embeds = [e for message in render_issue(issue) for e in message]
    masthead, rest = embeds[0], embeds[1:]
    assert "Issue #12" in masthead["title"] and "Turn 7" in masthead["description"]
    ordered = sorted(issue.articles, key=lambda a: a.position)
    cursor = 0
    for article in ordered:
        parts = []
        while True:
            embed = rest[cursor]
            cursor += 1
            parts.append(embed.get("description", ""))
            if "footer" in embed:
                break
        assert embed["footer"]["text"].startswith(article.section.strip())
        assert " ".join(" ".join(parts).split()) == " ".join(article.content.split())
        assert rest[cursor - len(parts)]["title"].startswith(article.headline[:10])
    assert cursor == len(rest)


def test_short_issue_fits_one_message() -> None:
    issue = NewspaperIssue(
        "Crier",
        1,
        "today",
        2,
        [IssueArticle(1, "City", "Fog at the docks", "Boats stayed in.", "Ana")],
    )
    messages = render_issue(issue)
    assert len(messages) == 1 and len(messages[0]) == 2
    assert messages[0][1] == {
        "title": "Fog at the docks",
        "description": "Boats stayed in.",
        "footer": {"text": "City | by Ana"},
    }


def test_split_text_cuts_at_words_and_counts_utf16() -> None:
    text = ("🦑" * 10 + " ") * 50
    chunks = split_text(text, 100)
    assert all(text_length(c) <= 100 for c in chunks)
    assert "".join(chunks).replace(" ", "") == text.replace(" ", "")
    assert all(not c.startswith(" ") and not c.endswith(" ") for c in chunks)
    unbroken = "x" * 250
    assert split_text(unbroken, 100) == ["x" * 100, "x" * 100, "x" * 50]
