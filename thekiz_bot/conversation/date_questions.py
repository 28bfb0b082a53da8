"""Recognise questions that ask when (or where) network events happen.

"Wann ist der nächste Arbeitskreis?", "Gibt es bald eine Fortbildung?", "Welche Termine gibt es
im März?", "Ist in Jena demnächst was?". A question is a date question when it names an event
(a kind such as Arbeitskreis, or a word like Termin/Veranstaltung) together with a time cue
(wann, nächste, bald, a month, "nächste Woche"), or a time cue alone with nothing else to ask
about ("demnächst was?"). "Wie oft finden Arbeitskreise statt?" asks about the programme, not
the calendar, and stays a handbook question.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from rapidfuzz.distance import OSA

from thekiz_bot.knowledge.loader import Region
from thekiz_bot.text.normalise import normalise

# Periods, from the most to the least specific.
NEXT = "next"            # "der nächste Arbeitskreis": the soonest one
SOON = "soon"            # "bald", "demnächst": within SOON_DAYS
NEXT_WEEK = "next_week"  # Monday to Sunday of the coming calendar week
THIS_WEEK = "this_week"
MONTH = "month"          # a named month, or "nächsten Monat"
ANY = "any"              # every upcoming event
SOON_DAYS = 60

# Folded spellings (see text.normalise.fold) per event kind key of events.model.EVENT_KINDS.
_KIND_WORDS: dict[str, tuple[str, ...]] = {
    "arbeitskreis": ("arbeitskreis", "arbeitskreise", "arbeitskreisen", "arbeitskreistreffen",
                     "ak", "aks"),
    "fortbildung": ("fortbildung", "fortbildungen", "weiterbildung", "weiterbildungen",
                    "schulung", "schulungen", "qualifizierung", "qualifizierungen", "seminar",
                    "seminare", "workshop", "workshops"),
    "fachtag": ("fachtag", "fachtage", "fachtagen", "fachtagung", "fachtagungen"),
    "informationsveranstaltung": ("informationsveranstaltung", "informationsveranstaltungen",
                                  "infoveranstaltung", "infoveranstaltungen", "infoabend",
                                  "infotermin", "infotag"),
    "vernetzungstreffen": ("vernetzungstreffen", "vernetzungstreff", "netzwerktreffen",
                           "austauschtreffen", "regionaltreffen"),
}
_EVENT_WORDS = frozenset({
    "termine", "terminen", "veranstaltungen", "events", "kalender", "angebote",
})
# In the singular these also mean an appointment ("einen Termin beim Gesundheitsamt"): they name
# an event only together with a time cue ("der nächste Termin").
_EVENT_WORDS_SINGULAR = frozenset({"termin", "veranstaltung", "treffen", "event", "angebot"})
# "Ist in Jena demnächst was?": with a time cue, these stand for "any event".
_SOMETHING_WORDS = frozenset({"was", "etwas", "los", "irgendwas"})
_WHEN_WORDS = frozenset({"wann", "datum", "termine", "terminen"})
_NEXT_WORDS = ("nachste", "nachsten", "nachster", "nachstes", "kommende", "kommenden",
               "kommender", "kommendes", "anstehende", "anstehenden")
_SOON_WORDS = ("bald", "demnachst", "zeitnah", "kunftig", "geplant", "geplante")
_FREQUENCY_WORDS = frozenset({"oft", "haufig", "regelmassig", "jahrlich", "viele"})
_MONTHS: dict[str, int] = {
    "januar": 1, "jan": 1, "janner": 1, "februar": 2, "feb": 2, "marz": 3, "merz": 3, "mrz": 3,
    "april": 4, "apr": 4, "mai": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8,
    "aug": 8, "september": 9, "sept": 9, "sep": 9, "oktober": 10, "okt": 10, "november": 11,
    "nov": 11, "dezember": 12, "dez": 12,
}
_WEEK_WORDS = ("woche", "wochen")
_MONTH_WORDS = ("monat", "monats")
_THIS_WORDS = frozenset({"diese", "dieser", "diesen", "diesem", "dieses"})


@dataclass(frozen=True)
class DateQuery:
    """What a date question asks for. `month` is (year, month) when a month was named."""

    kind: str | None = None
    region: Region | None = None
    period: str = ANY
    month: tuple[int, int] | None = None

    def window(self, today: date) -> tuple[date, date | None]:
        """First and last day (inclusive; None: open) of the period, seen from today."""
        if self.period == MONTH and self.month is not None:
            year, month = self.month
            first = date(year, month, 1)
            following = date(year + month // 12, month % 12 + 1, 1)
            return max(first, today), following - timedelta(days=1)
        if self.period == NEXT_WEEK:
            monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
            return monday, monday + timedelta(days=6)
        if self.period == THIS_WEEK:
            sunday = today + timedelta(days=6 - today.weekday())
            return today, sunday
        if self.period == SOON:
            return today, today + timedelta(days=SOON_DAYS)
        return today, None

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "region": self.region.id if self.region is not None else None,
            "period": self.period,
            "month": f"{self.month[0]:04d}-{self.month[1]:02d}" if self.month else None,
        }


def _close(token: str, word: str) -> bool:
    """The same word, or a typo of it: one slip for 5-8 letters, two from 9 letters on."""
    if token == word:
        return True
    if len(word) < 5 or abs(len(token) - len(word)) > 2 or token[:1] != word[:1]:
        return False
    allowed = 1 if len(word) < 9 else 2
    return OSA.distance(token, word, score_cutoff=allowed) <= allowed


def _any_close(token: str, words: tuple[str, ...] | frozenset[str]) -> bool:
    return any(_close(token, word) for word in words)


def find_kind(tokens: list[str]) -> str | None:
    for token in tokens:
        for kind, words in _KIND_WORDS.items():
            # Short forms ("ak") only as they are; longer ones forgive typos.
            if token in words or (len(token) >= 5 and _any_close(token, words)):
                return kind
    return None


def _month_of(token: str) -> int | None:
    if token in _MONTHS:
        return _MONTHS[token]
    if len(token) >= 5:
        for word, number in _MONTHS.items():
            if len(word) >= 5 and _close(token, word):
                return number
    return None


def _year_for(month: int, explicit: int | None, today: date) -> int:
    if explicit is not None:
        return explicit
    # "im März" in November means next March.
    return today.year if month >= today.month else today.year + 1


def _explicit_year(tokens: list[str]) -> int | None:
    for token in tokens:
        if token.isdigit() and len(token) == 4 and 2000 <= int(token) <= 2100:
            return int(token)
    return None


def _period(tokens: list[str], today: date) -> tuple[str | None, tuple[int, int] | None]:
    """The time cue of the question, if any."""
    year = _explicit_year(tokens)
    for i, token in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        nxt = _any_close(token, _NEXT_WORDS)
        if token in _THIS_WORDS and following in _WEEK_WORDS:
            return THIS_WEEK, None
        if nxt and following in _WEEK_WORDS:
            return NEXT_WEEK, None
        if nxt and following in _MONTH_WORDS:
            following_month = today.month % 12 + 1
            return MONTH, (today.year + (today.month == 12), following_month)
        named = _month_of(token)
        if named is not None:
            return MONTH, (_year_for(named, year, today), named)
    for token in tokens:
        if _any_close(token, _NEXT_WORDS):
            return NEXT, None
        if _any_close(token, _SOON_WORDS):
            return SOON, None
    return None, None


def parse_date_question(
    text: str, find_region: Callable[[str], Region | None], today: date
) -> DateQuery | None:
    """The date query a question asks, or None when it is not about the calendar."""
    normalised = normalise(text)
    tokens = normalised.split()
    if not tokens:
        return None
    kind = find_kind(tokens)
    period, month = _period(tokens, today)
    event_word = kind is not None or any(t in _EVENT_WORDS for t in tokens) or (
        period is not None and any(t in _EVENT_WORDS_SINGULAR for t in tokens)
    )
    when = any(t in _WHEN_WORDS for t in tokens) or ("wo" in tokens and "statt" in tokens)
    frequency = any(t in _FREQUENCY_WORDS for t in tokens)
    something = any(t in _SOMETHING_WORDS for t in tokens)
    if period is None and (frequency or not (event_word and when)):
        return None
    # "Wann fährt der nächste Zug?" has a time cue but asks about no event.
    if period is not None and not (event_word or something):
        return None
    return DateQuery(kind=kind, region=find_region(text), period=period or ANY, month=month)
