"""The one region resolver, as the FAQ and the events see it."""

from __future__ import annotations

import pytest

from tests.helpers.events import REGIONS
from thekiz_bot.knowledge.regions import THURINGIA_LABEL, UnknownRegion


@pytest.mark.parametrize("typed, region_id", [
    ("Weimarer Land", "weimarer-land"),
    ("Weimarer Lnad", "weimarer-land"),
    ("Landkreis Weimarer Lnad", "weimarer-land"),
    ("weimarer-land", "weimarer-land"),
    ("LK Gotha", "gotha"),
    ("Landkreis Gotha", "gotha"),
    ("Kreisfreie Stadt Erfurt", "erfurt"),
    ("erfurt", "erfurt"),
    ("Weimar", "weimar"),
])
def test_an_event_region_may_be_spelled_as_people_type_it(typed: str, region_id: str) -> None:
    assert REGIONS.resolve_scope(typed) == region_id


@pytest.mark.parametrize("typed", ["Thüringen", "ganz Thüringen", "thueringenweit", "landesweit",
                                   "alle", "Alle Regionen", "überregional", ""])
def test_thuringia_words_mean_no_particular_region(typed: str) -> None:
    assert REGIONS.resolve_scope(typed) is None
    assert REGIONS.name(None) == THURINGIA_LABEL


def test_an_unknown_region_is_refused_with_one_german_sentence() -> None:
    with pytest.raises(UnknownRegion) as raised:
        REGIONS.resolve_scope("Atlantis")
    assert str(raised.value).startswith("Die Region „Atlantis“ kenne ich nicht.")
    assert "„Thüringen“ für alle" in str(raised.value)


def test_the_faq_and_the_events_accept_the_same_typo() -> None:
    region = REGIONS.resolve("Weimarer Lnad")
    assert region is not None and region.id == REGIONS.resolve_scope("Weimarer Lnad")


def test_a_sentence_that_mentions_a_region_is_not_a_region_name() -> None:
    assert REGIONS.is_region_name("Gotha")
    assert REGIONS.is_region_name("Weimarer Lnad")
    assert REGIONS.is_region_name("Thüringen")
    assert not REGIONS.is_region_name("Treffen der Koordinatorinnen in Gotha")
    assert not REGIONS.is_region_name("Fortbildung")


def test_names_by_id() -> None:
    assert REGIONS.name("weimarer-land") == "Weimarer Land"
    assert REGIONS.known("gotha") and not REGIONS.known("atlantis")
