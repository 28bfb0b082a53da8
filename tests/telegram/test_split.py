"""Splitting long Telegram HTML: every part valid, within 4,096 characters, cut at paragraphs."""

from __future__ import annotations

import html

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers.fakes.telegram_html import parse_html
from thekiz_bot.telegram.split import split_html, visible_length


def squashed(text: str) -> str:
    return "".join(text.split())


def test_a_short_message_stays_whole() -> None:
    text = "<b>Titel</b>\n\nEin Absatz &amp; noch einer."
    assert split_html(text) == [text]


def test_long_text_is_cut_after_whole_paragraphs() -> None:
    paragraphs = [f"Absatz {n}. " + "Wort " * 300 + "Ende." for n in range(8)]
    parts = split_html("\n\n".join(paragraphs))
    assert len(parts) >= 3
    for part in parts:
        assert parse_html(part).length <= 4096
        assert part.startswith("Absatz") and part.endswith("Ende.")
    assert squashed("".join(parts)) == squashed("".join(paragraphs))


def test_a_small_first_paragraph_does_not_become_a_tiny_part() -> None:
    parts = split_html("<b>Titel</b>\n\n" + "Wort " * 2000)
    assert parts[0].startswith("<b>Titel</b>") and visible_length(parts[0]) > 2000


def test_tags_open_at_a_cut_are_closed_and_reopened() -> None:
    link = '<a href="https://thekiz.de/">'
    parts = split_html(f"<b>{link}" + "x" * 9000 + "</a></b>")
    assert len(parts) == 3
    for part in parts:
        parsed = parse_html(part)  # raises when tags are unbalanced
        kinds = {e["type"] for e in parsed.entities}
        assert kinds == {"bold", "text_link"}


def test_emoji_count_twice_and_entities_once() -> None:
    emoji = split_html("🎉" * 3000)
    assert len(emoji) == 2 and all(parse_html(p).length <= 4096 for p in emoji)
    entities = split_html("&amp;" * 4000)
    assert entities == ["&amp;" * 4000]


def test_blank_text_gives_no_parts() -> None:
    assert split_html("  \n\n <b> </b> ") == []


words = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1,
                max_size=40).map(html.escape)
tags = st.sampled_from(["b", "i", "u", "code"])
fragment = st.one_of(words, st.tuples(tags, words).map(lambda t: f"<{t[0]}>{t[1]}</{t[0]}>"),
                     st.sampled_from([" ", "\n", "\n\n"]))


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(fragment, min_size=1, max_size=60), limit=st.integers(16, 200))
def test_any_html_splits_into_valid_parts_without_losing_text(parts: list[str], limit: int) -> None:
    source = "".join(parts)
    result = split_html(source, limit)
    for part in result:
        parsed = parse_html(part)
        assert 0 < parsed.length <= limit and parsed.text.strip()
    original = parse_html(source).text
    assert squashed("".join(parse_html(p).text for p in result)) == squashed(original)
