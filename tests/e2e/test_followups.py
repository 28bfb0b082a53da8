"""Issue 14 end to end: follow-ups and date questions through the real bot and the fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import icalendar

from tests.helpers.events import FakeClock
from tests.helpers.fakes.botapi import FakeBotApi
from tests.helpers.telegram import ADMIN, ANNA, BEN, TEAM, RunningBot, start_parts
from thekiz_bot.conversation.render import NO_CONTEXT_TEXT, SUBSCRIBE_OFFER
from thekiz_bot.telegram.events.feature import EVENTS_KEY, EventFeature
from thekiz_bot.telegram.services import SERVICES_KEY, BotServices
from thekiz_bot.telegram.texts import events as event_texts
from thekiz_bot.telegram.texts import faq as messages

NOW = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)
MINISTRY_PHONE = "0361-573 811 251"


@asynccontextmanager
async def running(api: FakeBotApi, db_path: Path, clock: FakeClock) -> AsyncIterator[RunningBot]:
    bot = start_parts(api, db_path)
    feature: EventFeature = bot.harness.application.bot_data[EVENTS_KEY]
    feature.clock = clock
    services_of(bot).conversation.clock = clock
    async with bot.harness:
        yield bot
    bot.records.db.close()


def services_of(bot: RunningBot) -> BotServices:
    services = bot.harness.application.bot_data[SERVICES_KEY]
    assert isinstance(services, BotServices)
    return services


async def test_phone_follow_up_and_after_the_timeout_no_invented_answer(
    fake_api: FakeBotApi, db_path: Path
) -> None:
    clock = FakeClock(NOW)
    async with running(fake_api, db_path, clock) as bot:
        h = bot.harness
        first = await h.send(ANNA, "Wer ist die Ansprechpartnerin im Ministerium?")
        assert "Dr. Stefanie Hammer" in first.text
        clock.advance(minutes=3)
        number = await h.send(ANNA, "und die Telefonnummer?")
        assert MINISTRY_PHONE in number.text and "+49361573811251" in number.text
        assert "Telefon zu:" in number.text

        clock.advance(minutes=11)
        late = await h.send(ANNA, "und die Telefonnummer?")
        assert late.text == NO_CONTEXT_TEXT
        assert not any(ch.isdigit() for ch in late.text)
        # The log says what happened, without the user: the honest no counts as unanswered.
        rows = bot.records.db.query("SELECT status, entry_id FROM questions ORDER BY id")
        assert [(r["status"], r["entry_id"]) for r in rows] == [
            ("answer", "ministerium-kontakt"), ("answer", "ministerium-kontakt"),
            ("fallback", None)]


async def test_a_number_the_handbook_lacks_is_not_invented(fake_api: FakeBotApi,
                                                           db_path: Path) -> None:
    async with running(fake_api, db_path, FakeClock(NOW)) as bot:
        await bot.harness.send(ANNA, "Was macht die Fachstelle?")
        reply = await bot.harness.send(ANNA, "und die Nummer?")
        assert "Eine Telefonnummer ist dafür im ThEKiZ Handbuch 2.0 nicht hinterlegt." in reply.text
        assert "https://thekiz.de/" in reply.text
        assert not any(ch.isdigit() for ch in reply.text.replace("2.0", ""))


async def test_admin_creates_a_working_group_and_a_user_asks_when_it_is(
    fake_api: FakeBotApi, db_path: Path
) -> None:
    async with running(fake_api, db_path, FakeClock(NOW)) as bot:
        h = bot.harness
        form = await h.send(ADMIN, "/termin_neu 12.03.2027 10:00-16:00 | Arbeitskreis ThEKiZ "
                                   "Frühjahr | Erfurt | Art: Arbeitskreis | "
                                   "Anmeldung: https://thekiz.de/anmeldung")
        await h.press(ADMIN, form.last, "Speichern")

        asked = await h.send(ANNA, "wann ist der nächste arbeitskreis")
        assert "Der nächste Arbeitskreis" in asked.sent[0].text
        card = next(m for m in asked.sent if "Arbeitskreis ThEKiZ Frühjahr" in m.text)
        assert "Fr, 12.03.2027, 10:00–16:00 Uhr" in card.text
        assert "https://thekiz.de/anmeldung" in card.text
        assert [b["text"] for b in card.buttons] == [event_texts.CALENDAR_BUTTON]
        # The handbook's word on working groups comes with it.
        assert "jährlich zwei Arbeitskreise" in asked.text

        pressed = await h.press(ANNA, card, event_texts.CALENDAR_BUTTON)
        (document_call,) = pressed.of("sendDocument")
        calendar = icalendar.Calendar.from_ical(document_call.params["document"]["content"])
        (vevent,) = calendar.walk("VEVENT")
        assert str(vevent["SUMMARY"]) == "Arbeitskreis ThEKiZ Frühjahr"


async def test_no_matching_event_says_so_with_abo_and_the_handbook_answer(
    fake_api: FakeBotApi, db_path: Path
) -> None:
    async with running(fake_api, db_path, FakeClock(NOW)) as bot:
        reply = await bot.harness.send(ANNA, "Wann ist der nächste Arbeitskreis?")
        assert len(reply.sent) == 1
        assert "kein passender Termin" in reply.text and SUBSCRIBE_OFFER in reply.text
        assert "/abo" in reply.text and "jährlich zwei Arbeitskreise" in reply.text


async def test_daten_loeschen_forgets_the_conversation(fake_api: FakeBotApi,
                                                       db_path: Path) -> None:
    async with running(fake_api, db_path, FakeClock(NOW)) as bot:
        h = bot.harness
        await h.send(ANNA, "Wer ist die Ansprechpartnerin im Ministerium?")
        shown = await h.send(ANNA, "/meine_daten")
        assert "letzte beantwortete Frage" in shown.text
        ask = await h.send(ANNA, "/daten_loeschen")
        assert ask.text == messages.DELETE_CONFIRM
        await h.press(ANNA, ask.last, messages.DELETE_YES)
        after = await h.send(ANNA, "und die Telefonnummer?")
        assert after.text == NO_CONTEXT_TEXT
        assert (await h.send(ANNA, "/meine_daten")).text == messages.MY_DATA_NONE


async def test_in_groups_each_reply_thread_has_its_own_context(fake_api: FakeBotApi,
                                                               db_path: Path) -> None:
    async with running(fake_api, db_path, FakeClock(NOW)) as bot:
        h = bot.harness
        ministry = await h.send(ANNA, "@thekiz_test_bot Wer ist die Ansprechpartnerin im "
                                      "Ministerium?", chat=TEAM)
        fachstelle = await h.send(BEN, "@thekiz_test_bot Was macht die Fachstelle?", chat=TEAM)
        # Replying to the ministry answer continues that thread, whoever replies.
        number = await h.send(BEN, "und die Telefonnummer?", chat=TEAM, reply_to=ministry.last)
        assert MINISTRY_PHONE in number.text
        other = await h.send(ANNA, "und die Telefonnummer?", chat=TEAM, reply_to=fachstelle.last)
        assert "nicht hinterlegt" in other.text and MINISTRY_PHONE not in other.text
        # A mention outside any thread has nothing to refer to.
        alone = await h.send(BEN, "@thekiz_test_bot und die Telefonnummer?", chat=TEAM)
        assert alone.text == NO_CONTEXT_TEXT


async def test_a_picked_suggestion_becomes_the_context(fake_api: FakeBotApi,
                                                       db_path: Path) -> None:
    async with running(fake_api, db_path, FakeClock(NOW)) as bot:
        h = bot.harness
        await h.send(ANNA, "Was macht die Fachstelle?")
        related = await h.send(ANNA, "mehr dazu")
        labels = [b["text"] for b in related.last.buttons]
        assert labels and all(label[0].isdigit() for label in labels)
        picked = await h.press(ANNA, related.last, labels[0])
        assert picked.edits or picked.sent
        follow = await h.send(ANNA, "Kontakt?")
        # The follow-up refers to the picked entry, not to the Fachstelle answer before it.
        picked_question = labels[0].removeprefix("1. ").rstrip("…")[:40]
        assert f"Ansprechpersonen zu: {picked_question}" in follow.text
