"""The conversation engine with the real knowledge base: follow-ups, date questions, honesty."""

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from thekiz_bot.conversation import followup as fu
from thekiz_bot.conversation.context import ContextKey, ContextStore
from thekiz_bot.conversation.engine import DATES, FOLLOWUP, MATCH, NO_CONTEXT, ConversationEngine
from thekiz_bot.conversation.render import (
    NO_CONTEXT_TEXT,
    PHONE_MISSING,
    SUBSCRIBE_OFFER,
    reply_json,
    reply_text,
)
from thekiz_bot.events.model import Event, EventStatus
from thekiz_bot.knowledge.regions import RegionFinder
from thekiz_bot.telegram.services import KnowledgeSnapshot

TZ = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=TZ)
KEY = ContextKey(7)
PHONE_OR_MAIL = re.compile(r"\b0\d{2,5}[-/ ]?[\d ]{3,}\d\b|[\w.+-]+@[\w-]+\.[\w.]+")


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def event(ident: int, kind: str, days: int, region: str | None = None, **extra: object) -> Event:
    start = NOW + timedelta(days=days)
    return Event(id=ident, title=f"{kind} {ident}", kind=kind, start=start,
                 end=start + timedelta(hours=4), place="Erfurt", region_id=region,
                 **extra)  # type: ignore[arg-type]


@pytest.fixture
def clock() -> Clock:
    return Clock()


def make_engine(snapshot: KnowledgeSnapshot, clock: Clock,
                events: Sequence[Event] = ()) -> ConversationEngine:
    return ConversationEngine(lambda: snapshot.matcher, lambda _now: events,
                              ContextStore(timedelta(minutes=10)), clock, TZ)


def text_of(snapshot: KnowledgeSnapshot, engine: ConversationEngine, message: str,
            user_region_id: str | None = None) -> str:
    region = snapshot.kb.region(user_region_id) if user_region_id else None
    reply = engine.answer(message, KEY, 7, region)
    return reply_text(reply, RegionFinder(snapshot.kb.regions), TZ)


def known_phones_and_mails(snapshot: KnowledgeSnapshot) -> set[str]:
    found = set()
    for contact in snapshot.kb.contacts.values():
        found.update(v for v in (contact.phone, contact.email) if v)
    return found


def test_phone_follow_up_gives_the_ministrys_number_from_contacts_yaml(
    real_knowledge: KnowledgeSnapshot, clock: Clock
) -> None:
    engine = make_engine(real_knowledge, clock)
    engine.answer("Wer ist die Ansprechpartnerin im Ministerium?", KEY, 7)
    reply = engine.answer("und die Telefonnummer?", KEY, 7)
    assert reply.kind == FOLLOWUP and reply.wants == fu.PHONE and not reply.missing
    phone = real_knowledge.kb.contacts["ministerium"].phone
    assert phone and [c.phone for c in reply.contacts] == [phone]
    assert phone in reply_text(reply, RegionFinder(), TZ)


def test_after_the_timeout_the_same_follow_up_gets_no_invented_answer(
    real_knowledge: KnowledgeSnapshot, clock: Clock
) -> None:
    engine = make_engine(real_knowledge, clock)
    text_of(real_knowledge, engine, "Wer ist die Ansprechpartnerin im Ministerium?")
    clock.now += timedelta(minutes=11)
    text = text_of(real_knowledge, engine, "und die Telefonnummer?")
    assert text == NO_CONTEXT_TEXT
    assert not PHONE_OR_MAIL.search(text)


def test_a_follow_up_the_last_entry_cannot_answer_gets_the_honest_no(
    real_knowledge: KnowledgeSnapshot, clock: Clock
) -> None:
    engine = make_engine(real_knowledge, clock)
    engine.answer("Was macht die Fachstelle?", KEY, 7)
    reply = engine.answer("und die Telefonnummer?", KEY, 7)
    assert reply.kind == FOLLOWUP and reply.missing
    text = reply_text(reply, RegionFinder(), TZ)
    assert PHONE_MISSING in text
    assert not PHONE_OR_MAIL.search(text)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Wer ist die Ansprechpartnerin im Ministerium?", "und per Mail?"),
        ("Dürfen wir uns direkt ans Ministerium wenden?", "wie erreiche ich sie?"),
        ("Was sind Konsultationseinrichtungen?", "und die Nummer?"),
        ("Wo finde ich die Sozialplanerin meines Landkreises?", "und in Gotha?"),
        ("Was ist Prozessbegleitung?", "Kontakt"),
    ],
)
def test_every_number_and_address_shown_is_in_contacts_yaml(
    real_knowledge: KnowledgeSnapshot, clock: Clock, first: str, second: str
) -> None:
    engine = make_engine(real_knowledge, clock)
    text_of(real_knowledge, engine, first)
    text = text_of(real_knowledge, engine, second)
    known = known_phones_and_mails(real_knowledge)
    for shown in PHONE_OR_MAIL.findall(text):
        assert shown in known


def test_a_region_follow_up_gives_that_regions_contacts_or_says_there_are_none(
    real_knowledge: KnowledgeSnapshot, clock: Clock
) -> None:
    engine = make_engine(real_knowledge, clock)
    engine.answer("Wo finde ich die Sozialplanerin meines Landkreises?", KEY, 7)
    reply = engine.answer("und in Gotha?", KEY, 7)
    assert reply.kind == FOLLOWUP and reply.region is not None and reply.region.id == "gotha"
    # No own contact for Gotha in the knowledge base: it says so and gives the list's keeper.
    assert reply.region_note and "Gotha" in reply.region_note
    assert "sozialplanung" in [c.id for c in reply.contacts]


def test_more_offers_neighbouring_entries(real_knowledge: KnowledgeSnapshot, clock: Clock) -> None:
    engine = make_engine(real_knowledge, clock)
    engine.answer("Was ist die Prozessbegleitung?", KEY, 7)
    reply = engine.answer("mehr dazu", KEY, 7)
    assert reply.kind == FOLLOWUP and reply.related
    assert all(e.id != "prozessbegleitung-was" for e in reply.related)
    assert any(e.id.startswith("prozessbegleitung") for e in reply.related)


def test_a_question_of_its_own_is_matched_on_its_own(
    real_knowledge: KnowledgeSnapshot, clock: Clock
) -> None:
    engine = make_engine(real_knowledge, clock)
    engine.answer("Wer ist die Ansprechpartnerin im Ministerium?", KEY, 7)
    reply = engine.answer("Wie erreiche ich die Fachstelle?", KEY, 7)
    assert reply.kind == MATCH and reply.entry_id == "fachstelle-kontakt"


def test_pointing_back_asks_about_the_last_subject(
    real_knowledge: KnowledgeSnapshot, clock: Clock
) -> None:
    engine = make_engine(real_knowledge, clock)
    engine.answer("Was sind Konsultationseinrichtungen?", KEY, 7)
    assert engine.answer("wie wird man das?", KEY, 7).entry_id == "konsultation-werden"


def test_an_unanswered_question_ends_the_conversation(
    real_knowledge: KnowledgeSnapshot, clock: Clock
) -> None:
    engine = make_engine(real_knowledge, clock)
    engine.answer("Wer ist die Ansprechpartnerin im Ministerium?", KEY, 7)
    assert engine.answer("Wie wird das Wetter am Wochenende?", KEY, 7).status == "fallback"
    assert engine.answer("und die Nummer?", KEY, 7).kind == NO_CONTEXT


def test_small_talk_keeps_the_conversation(real_knowledge: KnowledgeSnapshot, clock: Clock) -> None:
    engine = make_engine(real_knowledge, clock)
    engine.answer("Wer ist die Ansprechpartnerin im Ministerium?", KEY, 7)
    assert engine.answer("Danke!", KEY, 7).status == "smalltalk"
    assert engine.answer("und die Nummer?", KEY, 7).wants == fu.PHONE


def test_other_chats_do_not_share_the_context(
    real_knowledge: KnowledgeSnapshot, clock: Clock
) -> None:
    engine = make_engine(real_knowledge, clock)
    engine.answer("Wer ist die Ansprechpartnerin im Ministerium?", KEY, 7)
    assert engine.answer("und die Nummer?", ContextKey(8), 8).kind == NO_CONTEXT


def test_next_working_group_comes_from_the_calendar_with_the_handbook_entry(
    real_knowledge: KnowledgeSnapshot, clock: Clock
) -> None:
    events = [event(1, "fortbildung", 3), event(2, "arbeitskreis", 40),
              event(3, "arbeitskreis", 90)]
    engine = make_engine(real_knowledge, clock, events)
    reply = engine.answer("wann ist der nächste arbeitskreis", KEY, 7)
    assert reply.kind == DATES and [e.id for e in reply.events] == [2]
    assert reply.entry_id == "arbeitskreise"
    text = reply_text(reply, RegionFinder(real_knowledge.kb.regions), TZ)
    assert "arbeitskreis 2" in text and "zwei Arbeitskreise" in text


def test_the_console_card_shows_the_registration_link(
    real_knowledge: KnowledgeSnapshot, clock: Clock
) -> None:
    engine = make_engine(real_knowledge, clock, [
        event(1, "fortbildung", 3, registration_url="https://thekiz.de/anmeldung")])
    text = text_of(real_knowledge, engine, "Gibt es bald eine Fortbildung?")
    assert "Anmeldung: https://thekiz.de/anmeldung" in text


def test_no_matching_event_says_so_offers_abo_and_gives_the_handbook_answer(
    real_knowledge: KnowledgeSnapshot, clock: Clock
) -> None:
    engine = make_engine(real_knowledge, clock, [event(1, "fortbildung", 3)])
    reply = engine.answer("Wann ist der nächste Arbeitskreis?", KEY, 7)
    assert reply.kind == DATES and reply.events == ()
    text = reply_text(reply, RegionFinder(), TZ)
    assert "kein passender Termin" in text and SUBSCRIBE_OFFER in text and "/abo" in text
    assert "zwei Arbeitskreise" in text


def test_own_region_and_thuringia_wide_come_first(
    real_knowledge: KnowledgeSnapshot, clock: Clock
) -> None:
    events = [event(1, "fortbildung", 2, "jena"), event(2, "fortbildung", 5, "gotha"),
              event(3, "fortbildung", 9), event(4, "fortbildung", 1, "erfurt")]
    engine = make_engine(real_knowledge, clock, events)
    region = real_knowledge.kb.region("gotha")
    reply = engine.answer("Gibt es bald eine Fortbildung?", KEY, 7, region)
    assert [e.id for e in reply.events] == [2, 3, 4, 1]


def test_a_named_region_gets_its_own_and_thuringia_wide_events_only(
    real_knowledge: KnowledgeSnapshot, clock: Clock
) -> None:
    events = [event(1, "fachtag", 2, "jena"), event(2, "fachtag", 5, "gotha"),
              event(3, "vernetzungstreffen", 9)]
    engine = make_engine(real_knowledge, clock, events)
    reply = engine.answer("Ist in Jena demnächst was?", KEY, 7)
    assert [e.id for e in reply.events] == [1, 3]


def test_cancelled_past_and_out_of_month_events_are_left_out(
    real_knowledge: KnowledgeSnapshot, clock: Clock
) -> None:
    march = datetime(2027, 3, 10, 10, tzinfo=TZ)
    events = [
        Event(id=1, title="AK März", kind="arbeitskreis", start=march, place="Erfurt"),
        Event(id=2, title="AK abgesagt", kind="arbeitskreis", start=march, place="Erfurt",
              status=EventStatus.CANCELLED),
        Event(id=3, title="AK April", kind="arbeitskreis", start=march + timedelta(days=30),
              place="Erfurt"),
        Event(id=4, title="AK vorbei", kind="arbeitskreis", start=NOW - timedelta(days=3),
              place="Erfurt"),
    ]
    engine = make_engine(real_knowledge, clock, events)
    assert [e.id for e in engine.answer("Arbeitskreise im März?", KEY, 7).events] == [1]


def test_date_follow_ups_change_region_or_month(
    real_knowledge: KnowledgeSnapshot, clock: Clock
) -> None:
    april = datetime(2027, 4, 8, 10, tzinfo=TZ)
    events = [event(1, "fortbildung", 20, "jena"), event(2, "fortbildung", 25, "gotha"),
              Event(id=3, title="F April", kind="fortbildung", start=april, place="Jena")]
    engine = make_engine(real_knowledge, clock, events)
    assert [e.id for e in engine.answer("Gibt es bald eine Fortbildung?", KEY, 7).events] \
        == [1, 2]
    assert [e.id for e in engine.answer("und in Gotha?", KEY, 7).events] == [2]
    assert [e.id for e in engine.answer("und im April?", KEY, 7).events] == [3]


def test_a_follow_up_after_a_reload_without_the_entry_is_declined(
    real_knowledge: KnowledgeSnapshot, clock: Clock
) -> None:
    engine = make_engine(real_knowledge, clock)
    engine.answer("Wer ist die Ansprechpartnerin im Ministerium?", KEY, 7)
    turn = engine.store.recall(KEY, clock.now)
    assert turn is not None
    from dataclasses import replace
    engine.store.remember(KEY, replace(turn, entry_id="removed-entry"))
    reply = engine.answer("und die Nummer?", KEY, 7)
    assert reply.kind == FOLLOWUP and reply.entry is None and reply.missing
    assert not PHONE_OR_MAIL.search(reply_text(reply, RegionFinder(), TZ))


def test_json_has_the_events(real_knowledge: KnowledgeSnapshot, clock: Clock) -> None:
    registration = "https://thekiz.de/anmeldung"
    engine = make_engine(real_knowledge, clock,
                         [event(5, "arbeitskreis", 10, registration_url=registration)])
    reply = engine.answer("wann ist der nächste arbeitskreis", KEY, 7)
    data = reply_json("wann ist der nächste arbeitskreis", reply,
                      RegionFinder(real_knowledge.kb.regions), TZ)
    assert data["kind"] == DATES and data["entry_id"] == "arbeitskreise"
    assert data["events"][0]["id"] == 5 and data["events"][0]["registration_url"] == registration
    assert data["date_query"] == {"kind": "arbeitskreis", "region": None, "period": "next",
                                  "month": None}
