"""The date-question parser: kinds, regions, months, "nächste (Woche)", "bald", typos."""

from datetime import date

import pytest

from thekiz_bot.conversation.date_questions import (
    ANY,
    MONTH,
    NEXT,
    NEXT_WEEK,
    SOON,
    THIS_WEEK,
    DateQuery,
    parse_date_question,
)
from thekiz_bot.knowledge.loader import Region
from thekiz_bot.knowledge.regions import RegionFinder

JENA = Region(id="jena", name="Jena", kind="kreisfreie Stadt", aliases=("jena",))
GOTHA = Region(id="gotha", name="Gotha", kind="Landkreis", aliases=("gotha", "landkreis gotha"))
SOK = Region(id="saale-orla-kreis", name="Saale-Orla-Kreis", kind="Landkreis",
             aliases=("saale orla kreis", "saale-orla"))
FINDER = RegionFinder((JENA, GOTHA, SOK))
# A Tuesday in December: "im März" means next year's March.
TODAY = date(2026, 12, 1)


def parse(text: str, today: date = TODAY) -> DateQuery | None:
    return parse_date_question(text, FINDER.find, today)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Wann ist der nächste Arbeitskreis?", "arbeitskreis"),
        ("wann ist der naechste AK", "arbeitskreis"),
        ("Gibt es bald eine Fortbildung?", "fortbildung"),
        ("stehen demnächst Weiterbildungen an?", "fortbildung"),
        ("Wann ist der nächste Fachtag?", "fachtag"),
        ("nächste Infoveranstaltung?", "informationsveranstaltung"),
        ("wann ist die nächste Informationsveranstaltung", "informationsveranstaltung"),
        ("Wann findet das nächste Vernetzungstreffen statt?", "vernetzungstreffen"),
        ("gibt es bald ein Netzwerktreffen", "vernetzungstreffen"),
    ],
)
def test_kinds(question: str, kind: str) -> None:
    query = parse(question)
    assert query is not None and query.kind == kind


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("wann ist der nächste arbeitskries", "arbeitskreis"),
        ("gibt es bald eine fortbilung", "fortbildung"),
        ("wann ist das nächste vernetzungstrefen", "vernetzungstreffen"),
        ("nächster fachtg?", "fachtag"),
        ("wann ist der nächte Arbeitskreis", "arbeitskreis"),
    ],
)
def test_typos_in_kinds_and_time_words(question: str, kind: str) -> None:
    query = parse(question)
    assert query is not None and query.kind == kind


def test_next_asks_for_the_soonest_one() -> None:
    assert parse("Wann ist der nächste Arbeitskreis?") == DateQuery(kind="arbeitskreis",
                                                                   period=NEXT)


def test_soon_covers_the_coming_weeks() -> None:
    query = parse("Ist demnächst ein Fachtag?")
    assert query is not None and query.period == SOON
    first, last = query.window(TODAY)
    assert first == TODAY and last is not None and (last - first).days == 60


@pytest.mark.parametrize(
    ("question", "month"),
    [
        ("Welche Termine gibt es im März?", (2027, 3)),     # March already past this year
        ("Gibt es im Dezember eine Fortbildung?", (2026, 12)),
        ("fortbildungen im oktober", (2027, 10)),
        ("arbeitskreis im september 2028", (2028, 9)),
        ("vernetzungstreffen im novmber?", (2027, 11)),     # typo
        ("Welche Veranstaltungen gibt es nächsten Monat?", (2027, 1)),
    ],
)
def test_months(question: str, month: tuple[int, int]) -> None:
    query = parse(question)
    assert query is not None and query.period == MONTH and query.month == month


def test_a_month_window_starts_today_when_it_is_the_current_month() -> None:
    query = parse("Termine im Dezember")
    assert query is not None
    assert query.window(date(2026, 12, 10)) == (date(2026, 12, 10), date(2026, 12, 31))


def test_next_week_is_the_coming_calendar_week() -> None:
    query = parse("Was ist nächste Woche los?")
    assert query is not None and query.period == NEXT_WEEK and query.kind is None
    # Tuesday 1 December: next week is Monday 7 to Sunday 13 December.
    assert query.window(TODAY) == (date(2026, 12, 7), date(2026, 12, 13))


def test_this_week_runs_to_sunday() -> None:
    query = parse("welche termine sind diese woche")
    assert query is not None and query.period == THIS_WEEK
    assert query.window(TODAY) == (TODAY, date(2026, 12, 6))


@pytest.mark.parametrize(
    ("question", "region"),
    [
        ("Ist in Jena demnächst was?", JENA),
        ("was ist im Februar im Landkreis Gotha los", GOTHA),
        ("gibts bald wieder ein netzwerktreffen im saale-orla-kreis", SOK),
        ("Wann ist der nächste Arbeitskreis?", None),
    ],
)
def test_regions_come_from_the_region_resolver(question: str, region: Region | None) -> None:
    query = parse(question)
    assert query is not None and query.region == region


def test_plain_event_questions_without_a_time_ask_for_all_upcoming() -> None:
    query = parse("Termine der Arbeitskreise")
    assert query is not None and query.period == ANY and query.kind == "arbeitskreis"


@pytest.mark.parametrize(
    "question",
    [
        "Wie oft finden Arbeitskreise statt?",           # the programme, not the calendar
        "Welche Fortbildungen bietet die Fachstelle an?",
        "Seit wann gibt es ThEKiZ?",
        "Wann ist die Fachstelle erreichbar?",
        "wann fährt der nächste Zug nach Weimar",
        "ich brauche einen Termin beim Jugendamt",
        "Was ist ein ThEKiZ?",
        "",
        "???",
    ],
)
def test_questions_that_are_not_about_the_calendar(question: str) -> None:
    assert parse(question) is None


def test_json_form() -> None:
    query = parse("Fortbildung in Jena im März?")
    assert query is not None
    assert query.to_json() == {"kind": "fortbildung", "region": "jena", "period": MONTH,
                               "month": "2027-03"}
