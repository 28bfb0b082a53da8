"""Events, subscriptions and announcements end to end: the real bot against the fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar

from tests.helpers.events import FakeClock, berlin, make_event
from tests.helpers.fakes.botapi import FakeBotApi
from tests.helpers.fakes.broadcast_api import BroadcastFakeBotApi
from tests.helpers.fakes.updates import TgUser
from tests.helpers.telegram import ADMIN, ANNA, BEN, RunningBot, start_parts
from thekiz_bot.broadcast.worker import DeliveryLimits
from thekiz_bot.telegram.events.feature import EVENTS_KEY, EventFeature
from thekiz_bot.telegram.texts import announcements as announcement_texts
from thekiz_bot.telegram.texts import common
from thekiz_bot.telegram.texts import events as event_texts

TODAY = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)
FAST_LIMITS = DeliveryLimits(rate=200, per_chat_interval=0.0, max_attempts=4,
                             backoff_initial=0.01, backoff_max=0.05, idle_poll=0.05,
                             progress_interval=0.0)


@asynccontextmanager
async def running(api: FakeBotApi, db_path: Path, clock: FakeClock | None = None,
                  limits: DeliveryLimits = FAST_LIMITS,
                  reminder_interval: float = 3600) -> AsyncIterator[RunningBot]:
    bot = start_parts(api, db_path)
    feature = feature_of(bot)
    feature.limits = limits
    feature.clock = clock or FakeClock(TODAY)
    feature.reminder_interval = reminder_interval
    async with bot.harness:
        yield bot
    bot.records.db.close()


def feature_of(bot: RunningBot) -> EventFeature:
    return bot.harness.application.bot_data[EVENTS_KEY]


async def subscribe(bot: RunningBot, user: TgUser, scope_label: str = "Ganz Thüringen") -> None:
    shown = await bot.harness.send(user, "/abo")
    await bot.harness.press(user, shown.last, scope_label)


def last_text(api: FakeBotApi, chat_id: int) -> str:
    sent = api.messages_to(chat_id)
    return sent[-1].text if sent else ""


# --- creating events in the chat ------------------------------------------------------------

async def test_admin_creates_an_event_with_the_guided_form(fake_api: FakeBotApi,
                                                           db_path: Path) -> None:
    async with running(fake_api, db_path) as bot:
        h = bot.harness
        step = await h.send(ADMIN, "/termin_neu")
        assert "Wie heißt die Veranstaltung" in step.text
        step = await h.send(ADMIN, "Arbeitskreis <Frühjahr> & Austausch")
        step = await h.press(ADMIN, step.last, "Arbeitskreis")
        assert "Wann beginnt" in step.text
        step = await h.send(ADMIN, "31.02.2027 10:00")
        assert "gibt es nicht" in step.text and "noch einmal" in step.text
        step = await h.send(ADMIN, "12.03.2027 10:00")
        step = await h.send(ADMIN, "9:00")
        assert "nach dem Beginn" in step.text
        step = await h.send(ADMIN, "16:00")
        step = await h.press(ADMIN, step.last, "Online")
        assert "Link" in step.text
        step = await h.send(ADMIN, "https://meet.example.org/ak")
        step = await h.press(ADMIN, step.last, "Gotha")
        step = await h.send(ADMIN, "Mit <b>Kaffee</b> & Kuchen 🎂")
        step = await h.press(ADMIN, step.last, "Überspringen")
        step = await h.press(ADMIN, step.last, "Überspringen")
        assert "So wird der Termin gespeichert" in step.text
        assert "Arbeitskreis <Frühjahr> & Austausch" in step.text
        assert "Fr, 12.03.2027, 10:00–16:00 Uhr" in step.text
        saved = await h.press(ADMIN, step.last, "Speichern")
        assert "gespeichert (Nr. 1)" in saved.edits[-1].params["text"]
        event = feature_of(bot).events.get(1)
        assert event is not None
        assert (event.title, event.kind, event.region_id) == (
            "Arbeitskreis <Frühjahr> & Austausch", "arbeitskreis", "gotha")
        assert (event.start, event.end) == (berlin(2027, 3, 12, 10), berlin(2027, 3, 12, 16))
        assert (event.place, event.online_url) == ("online", "https://meet.example.org/ak")
        assert event.description == "Mit <b>Kaffee</b> & Kuchen 🎂"
        # The conversation is over: the next message is a question again, not a form answer.
        after = await h.send(ADMIN, "Was ist Prozessbegleitung?")
        assert "Quelle:" in after.text
        assert fake_api.rejected() == []


async def test_admin_creates_an_event_in_one_line(fake_api: FakeBotApi, db_path: Path) -> None:
    async with running(fake_api, db_path) as bot:
        h = bot.harness
        bad = await h.send(ADMIN, "/termin_neu 12.03.2027 | Treffen | Erfurt | Art: Grillfest")
        assert "Uhrzeit" in bad.text and "Grillfest" in bad.text
        assert feature_of(bot).events.all() == []
        good = await h.send(ADMIN, "/termin_neu 12.03.2027 10:00-12:00 | Fachtag Kinderschutz | "
                                   "Erfurt | Art: Fachtag | Region: Erfurt")
        assert "Fachtag Kinderschutz" in good.text
        await h.press(ADMIN, good.last, "Speichern")
        (event,) = feature_of(bot).events.all()
        assert (event.kind, event.region_id) == ("fachtag", "erfurt")


async def test_both_event_forms_accept_a_region_typo(fake_api: FakeBotApi, db_path: Path) -> None:
    async with running(fake_api, db_path) as bot:
        h = bot.harness
        line = await h.send(ADMIN, "/termin_neu 12.03.2027 10:00 | Treffen | Apolda | "
                                   "Region: Weimarer Lnad")
        assert "Weimarer Land" in line.text
        await h.press(ADMIN, line.last, "Speichern")
        step = await h.send(ADMIN, "/termin_neu")
        step = await h.send(ADMIN, "Zweites Treffen")
        step = await h.press(ADMIN, step.last, "Arbeitskreis")
        step = await h.send(ADMIN, "19.03.2027 10:00")
        step = await h.send(ADMIN, "-")
        step = await h.send(ADMIN, "Apolda")
        step = await h.send(ADMIN, "Weimarer Lnad")
        step = await h.press(ADMIN, step.last, "Überspringen")
        step = await h.press(ADMIN, step.last, "Überspringen")
        step = await h.press(ADMIN, step.last, "Überspringen")
        assert "So wird der Termin gespeichert" in step.text and "Weimarer Land" in step.text
        await h.press(ADMIN, step.last, "Speichern")
        assert [e.region_id for e in feature_of(bot).events.all()] == ["weimarer-land"] * 2


async def test_non_admins_are_refused_everything_for_staff(fake_api: FakeBotApi,
                                                          db_path: Path) -> None:
    async with running(fake_api, db_path) as bot:
        h = bot.harness
        feature = feature_of(bot)
        event = feature.events.add(make_event(start=berlin(2027, 3, 12)), TODAY)
        for command in ("/termin_neu", "/termin_neu 12.03.2027 10:00 | X | Erfurt",
                        "/termin_bearbeiten 1 Titel: Gekapert", "/termin_absagen 1",
                        "/ankuendigen Hallo alle", "/ankuendigen"):
            answer = await h.send(ANNA, command)
            assert answer.text == common.ADMIN_ONLY, command
        cards = await h.send(ANNA, "/termine")
        assert all("Bearbeiten" not in b["text"] for m in cards.sent for b in m.buttons)
        draft = feature.announcements().preview_text("Hallo", 5, created_by=ADMIN.id,
                                                     report_chat_id=ADMIN.id)
        for data in (f"an1:send:{draft.broadcast_id}", "ev1:cx:1:y", "ev1:ef:1:title",
                     "ev1:edit:1", "an1:ev:1"):
            pressed = await h.press_data(ANNA, cards.last, data)
            assert pressed.callback_answer["text"] == common.ADMIN_ONLY, data
        assert feature.events.get(event.id) == event
        assert feature.outbox.draft(draft.broadcast_id).status == "draft"
        assert not feature.outbox.has_work()


# --- /termine and the calendar file ---------------------------------------------------------

async def test_termine_own_region_first_and_calendar_file(fake_api: FakeBotApi,
                                                          db_path: Path) -> None:
    async with running(fake_api, db_path) as bot:
        h = bot.harness
        feature = feature_of(bot)
        everywhere = feature.events.add(make_event(title="Landesweiter Fachtag",
                                                   start=berlin(2027, 4, 1), end=None), TODAY)
        feature.events.add(make_event(title="Treffen Erfurt", region_id="erfurt",
                                      start=berlin(2027, 2, 1), end=None), TODAY)
        feature.events.add(make_event(title="Treffen Gotha", region_id="gotha",
                                      start=berlin(2027, 3, 1), end=None), TODAY)
        feature.events.add(make_event(title="Vorbei", start=berlin(2026, 12, 1), end=None), TODAY)
        bot.records.users.set_region(ANNA.id, "gotha")

        mine = await h.send(ANNA, "/termine")
        titles = [m.text.splitlines()[0] for m in mine.sent if m.buttons]
        assert titles == ["Treffen Gotha", "Landesweiter Fachtag"]
        assert "Gotha und ganz Thüringen" in mine.sent[0].text
        assert "1 weiterer Termin" in mine.text and "/termine alle" in mine.text

        every = await h.send(ANNA, "/termine alle")
        titles = [m.text.splitlines()[0] for m in every.sent if m.buttons]
        assert titles == ["Treffen Gotha", "Landesweiter Fachtag", "Treffen Erfurt"]

        card = next(m for m in mine.sent if "Landesweiter" in m.text)
        pressed = await h.press(ANNA, card, "In meinen Kalender")
        (document_call,) = pressed.of("sendDocument")
        document = document_call.params["document"]
        assert document["file_name"].endswith(".ics")
        calendar = icalendar.Calendar.from_ical(document["content"])
        (vevent,) = calendar.walk("VEVENT")
        assert str(vevent["SUMMARY"]) == "Landesweiter Fachtag"
        assert vevent.decoded("DTSTART") == everywhere.start
        assert "Kalender" in pressed.last.text  # the caption

        feature.events.cancel(everywhere.id, TODAY)
        gone = await h.press(ANNA, card, "In meinen Kalender")
        assert gone.callback_answer["text"] == event_texts.EVENT_CANCELLED_ALERT
        assert not gone.of("sendDocument")
        assert fake_api.rejected() == []


async def test_long_event_lists_come_in_pages(fake_api: FakeBotApi, db_path: Path) -> None:
    async with running(fake_api, db_path) as bot:
        feature = feature_of(bot)
        for day in range(1, 12):
            feature.events.add(make_event(title=f"Termin {day:02d}", start=berlin(2027, 2, day),
                                          end=None), TODAY)
        first = await bot.harness.send(BEN, "/termine")
        shown = [m.text.splitlines()[0] for m in first.sent if "Kalender" in str(m.buttons)]
        assert shown == [f"Termin {d:02d}" for d in range(1, 9)]
        assert "Noch 3 weitere" in first.last.text
        rest = await bot.harness.press(BEN, first.last, "Weitere Termine")
        shown = [m.text.splitlines()[0] for m in rest.sent if "Kalender" in str(m.buttons)]
        assert shown == ["Termin 09", "Termin 10", "Termin 11"]


async def test_termine_without_events_says_so(fake_api: FakeBotApi, db_path: Path) -> None:
    async with running(fake_api, db_path) as bot:
        answer = await bot.harness.send(BEN, "/termine")
        assert event_texts.NO_EVENTS in answer.text and "/abo" in answer.text


# --- subscriptions ---------------------------------------------------------------------------

async def test_abo_and_abbestellen_are_clear_and_idempotent(fake_api: FakeBotApi,
                                                            db_path: Path) -> None:
    async with running(fake_api, db_path) as bot:
        h = bot.harness
        bot.records.users.set_region(ANNA.id, "gotha")
        offer = await h.send(ANNA, "/abo")
        assert event_texts.ABO_ASK_SCOPE in offer.text
        chosen = await h.press(ANNA, offer.last, "Meine Region: Gotha")
        assert "Abonniert!" in chosen.edits[-1].params["text"]
        assert "Gotha und thüringenweite Termine" in last_text(fake_api, ANNA.id)
        toggled = await h.press(ANNA, fake_api.messages_to(ANNA.id)[-1], "Fortbildung")
        assert "(Fortbildung)" in toggled.edits[-1].params["text"]
        done = await h.press(ANNA, fake_api.messages_to(ANNA.id)[-1], "Fertig")
        assert "Ihr Abo ist aktualisiert" in done.edits[-1].params["text"]
        subscription = feature_of(bot).subscriptions.get(ANNA.id)
        assert (subscription.region_id, subscription.kinds) == ("gotha", {"fortbildung"})

        again = await h.send(ANNA, "/abo")
        assert "bereits abonniert" in again.text
        await h.press(ANNA, again.last, "Ganz Thüringen")
        assert feature_of(bot).subscriptions.count_active() == 1
        assert feature_of(bot).subscriptions.get(ANNA.id).region_id is None

        data = await h.send(ANNA, "/meine_daten")
        assert "Ihr Abo für Ankündigungen" in data.text

        first = await h.send(ANNA, "/abbestellen")
        assert first.text == event_texts.UNSUBSCRIBED
        second = await h.send(ANNA, "/abbestellen")
        assert second.text == event_texts.NOT_SUBSCRIBED
        assert feature_of(bot).subscriptions.get(ANNA.id) is None


async def test_deleting_my_data_removes_the_subscription(fake_api: FakeBotApi,
                                                         db_path: Path) -> None:
    async with running(fake_api, db_path) as bot:
        await subscribe(bot, BEN)
        asked = await bot.harness.send(BEN, "/daten_loeschen")
        await bot.harness.press(BEN, asked.last, "Ja")
        assert feature_of(bot).subscriptions.get(BEN.id) is None
        shown = await bot.harness.send(BEN, "/meine_daten")
        assert "Abo" not in shown.text


# --- announcements ---------------------------------------------------------------------------

async def test_announcement_preview_confirm_progress_and_report(db_path: Path) -> None:
    async with BroadcastFakeBotApi() as api, running(api, db_path) as bot:
        h = bot.harness
        readers = [TgUser(2000 + i, f"Leser{i}") for i in range(5)]
        for user in (ANNA, BEN, *readers):
            await subscribe(bot, user)
        api.block(readers[0].id)

        asked = await h.send(ADMIN, "/ankuendigen")
        assert "Was möchten Sie ankündigen" in asked.text
        preview = await h.send(ADMIN, "Der Arbeitskreis im März findet statt. <Bitte> vormerken!")
        shown, question = preview.sent
        assert "<Bitte> vormerken!" in shown.text and "Ankündigung der" in shown.text
        assert "Empfänger: 7 Personen" in question.text
        feature = feature_of(bot)
        assert not feature.outbox.has_work()  # nothing is queued before the confirmation
        assert api.deliveries("vormerken") == {ADMIN.id: 1}

        send = question.button("Senden an 7")["callback_data"]
        await h.press_data(ADMIN, question, send)
        await api.wait_for(lambda: "versendet" in last_text(api, ADMIN.id))
        report = last_text(api, ADMIN.id)
        assert "zugestellt: 6" in report and "blockiert: 1" in report
        assert "fehlgeschlagen: 0" in report and "Dauer:" in report
        progress = api.message(ADMIN.id, question.message_id)
        # The confirmation message became the progress display, and shows the end.
        assert "Versand abgeschlossen: 7 von 7" in progress.text
        deliveries = api.deliveries("vormerken")
        assert all(deliveries[u.id] == 1 for u in (ANNA, BEN, *readers[1:]))
        assert readers[0].id not in deliveries
        assert not feature.subscriptions.get(readers[0].id).active

        twice = await h.press_data(ADMIN, question, send)
        assert twice.callback_answer["text"] == announcement_texts.ANNOUNCE_ALREADY
        assert api.deliveries("vormerken")[ANNA.id] == 1
        assert api.rejected() == []


async def test_announcing_an_event_from_the_list_and_dropping_a_preview(db_path: Path) -> None:
    async with BroadcastFakeBotApi() as api, running(api, db_path) as bot:
        h = bot.harness
        feature = feature_of(bot)
        event = feature.events.add(make_event(title="Fachtag Gotha", region_id="gotha",
                                              kind="fachtag"), TODAY)
        bot.records.users.set_region(ANNA.id, "gotha")
        await subscribe(bot, ANNA, "Meine Region: Gotha")
        await subscribe(bot, BEN)
        await subscribe(bot, TgUser(3001, "Erfurterin"), "Andere Region")
        await h.press(TgUser(3001, "Erfurterin"), api.messages_to(3001)[-1], "Erfurt (Stadt)")

        asked = await h.send(ADMIN, "/ankuendigen")
        picked = await h.press(ADMIN, asked.last, "Fachtag Gotha")
        shown, question = picked.sent
        assert "Neuer Termin" in shown.text and "In meinen Kalender" in shown.buttons[0]["text"]
        assert "Empfänger: <b>2 Personen</b>" in question.html  # Gotha + all of Thuringia
        dropped = await h.press(ADMIN, question, "Verwerfen")
        assert dropped.edits[-1].params["text"] == announcement_texts.ANNOUNCE_DROPPED

        again = await h.send(ADMIN, "/termine alle")
        card = next(m for m in again.sent if "Fachtag Gotha" in m.text)
        picked = await h.press(ADMIN, card, "Ankündigen")
        await h.press(ADMIN, picked.sent[-1], "Senden an 2")
        await api.wait_for(lambda: "versendet" in last_text(api, ADMIN.id))
        assert api.deliveries("Fachtag Gotha")[ANNA.id] == 1
        assert api.deliveries("Fachtag Gotha")[BEN.id] == 1
        assert 3001 not in api.deliveries("Fachtag Gotha")
        assert feature.outbox.told_chats(event.id) == sorted([ANNA.id, BEN.id])


async def test_changes_and_cancellation_reach_those_who_were_told(db_path: Path) -> None:
    async with BroadcastFakeBotApi() as api, running(api, db_path) as bot:
        h = bot.harness
        feature = feature_of(bot)
        event = feature.events.add(make_event(title="Vernetzungstreffen"), TODAY)
        await subscribe(bot, ANNA)
        preview = feature.announcements().preview_event(event.id, TODAY)
        feature.announcements().confirm(preview.broadcast_id)
        feature.wake_worker()
        await api.wait_for(lambda: api.deliveries("Vernetzungstreffen").get(ANNA.id) == 1)
        await subscribe(bot, BEN)  # subscribed later: was never told about this event

        edited = await h.send(ADMIN, "/termin_bearbeiten 1 Beginn: 19.03.2027 10:00")
        assert "geändert" in edited.text and "1 Person" in edited.text
        await api.wait_for(lambda: "hat sich geändert" in last_text(api, ANNA.id))
        change_text = last_text(api, ANNA.id)
        assert "Fr, 12.03.2027, 10:00 Uhr" in change_text
        assert "Fr, 19.03.2027, 10:00 Uhr" in change_text
        # The end moved with the start.
        assert feature.events.get(event.id).end == berlin(2027, 3, 19, 16)

        cards = await h.send(ADMIN, "/termine")
        card = next(m for m in cards.sent if "Vernetzungstreffen" in m.text)
        menu = await h.press(ADMIN, card, "Bearbeiten")
        asked = await h.press(ADMIN, menu.last, "Ort")
        assert "Bisher: Erfurt" in asked.text
        saved = await h.send(ADMIN, "Jena, Volkshaus")
        assert "geändert (Ort)" in saved.text
        await api.wait_for(lambda: "Jena, Volkshaus" in last_text(api, ANNA.id))
        # The admin's report of that change arrives on its own time, not in the next answer.
        await api.wait_for(lambda: not feature.outbox.has_work()
                           and not feature.outbox.unreported())

        asked = await h.press(ADMIN, card, "Absagen")
        done = await h.press(ADMIN, asked.last, "Ja, absagen")
        assert "ist abgesagt" in done.edits[-1].params["text"]
        await api.wait_for(lambda: "Termin abgesagt" in last_text(api, ANNA.id))
        assert not any("Vernetzungstreffen" in m.text for m in api.messages_to(BEN.id))
        assert feature.events.get(event.id).is_cancelled
        assert api.rejected() == []


# --- delivery: limits, blocked users, crash ------------------------------------------------

async def test_broadcast_with_blocked_users_rate_limits_and_errors(db_path: Path) -> None:
    async with BroadcastFakeBotApi(strict_chats=False) as api:
        api.enable_rate_limits()
        limits = DeliveryLimits(rate=25, per_chat_interval=1.0, max_attempts=4,
                                backoff_initial=0.05, backoff_max=0.1, idle_poll=0.05)
        async with running(api, db_path, limits=limits) as bot:
            feature = feature_of(bot)
            chats = list(range(5000, 5040))
            for chat in chats:
                feature.subscriptions.subscribe(chat, chat, None)
            for chat in chats[:3]:
                api.block(chat)
            api.inject_error("sendMessage", 429, retry_after=1, times=1)
            api.inject_error("sendMessage", 500, times=2)
            api.inject_error("sendMessage", 400, "Bad Request: chat not found", chat_id=chats[3])
            preview = feature.announcements().preview_text("Rundbrief Nr. 1", 15,
                                                           report_chat_id=ADMIN.id)
            api.add_chat({"id": ADMIN.id, "type": "private", "first_name": "Jana"})
            feature.announcements().confirm(preview.broadcast_id)
            feature.wake_worker()
            await api.wait_for(lambda: "versendet" in last_text(api, ADMIN.id), timeout=30)
            deliveries = api.deliveries("Rundbrief Nr. 1")
            assert sorted(deliveries) == chats[4:]
            assert set(deliveries.values()) == {1}
            stats = feature.outbox.stats(preview.broadcast_id)
            assert (stats.delivered, stats.blocked, stats.failed) == (36, 4, 0)
            assert feature.subscriptions.recipients(None, None) == chats[4:]
            # Our pacing kept within Telegram's limits: the only 429 was the injected one.
            limited = [c for c in api.calls("sendMessage") if c.status == 429]
            assert len(limited) == 1


async def test_broadcast_resumes_after_a_crash_without_loss(db_path: Path) -> None:
    async with BroadcastFakeBotApi(strict_chats=False) as api:
        chats = list(range(6000, 6030))
        in_flight = chats[12]
        async with running(api, db_path) as bot:
            feature = feature_of(bot)
            for chat in chats:
                feature.subscriptions.subscribe(chat, chat, None)
            broadcast = feature.outbox.enqueue("announcement", "Rundbrief Nr. 2", chats)
            api.hold_after_delivery(in_flight)
            feature.wake_worker()
            await api.wait_held()
            # The crash: the worker dies while Telegram already has the message for in_flight.
            worker_task = feature.worker_task
            assert worker_task is not None
            worker_task.cancel()
            api.release()
            sending = {int(row[0]) for row in feature.outbox.db.query(
                "SELECT chat_id FROM outbox WHERE state = 'sending'")}
            # Several messages are in flight at once, never more than the setting allows.
            assert in_flight in sending and len(sending) <= FAST_LIMITS.concurrency
        async with running(api, db_path) as bot:
            feature = feature_of(bot)
            await api.wait_for(
                lambda: feature.outbox.stats(broadcast).status == "done", timeout=30)
            deliveries = api.deliveries("Rundbrief Nr. 2")
            assert sorted(deliveries) == chats  # nobody lost
            duplicates = {chat for chat, n in deliveries.items() if n > 1}
            # Only messages in flight at the crash, each at most twice; the held one for sure.
            assert in_flight in duplicates and duplicates <= sending
            assert max(deliveries.values()) == 2
            assert feature.outbox.stats(broadcast).delivered == len(chats)


async def test_questions_are_answered_while_a_broadcast_is_under_way(db_path: Path) -> None:
    async with BroadcastFakeBotApi(strict_chats=False) as api, running(api, db_path) as bot:
        feature = feature_of(bot)
        chats = list(range(7000, 7010))
        for chat in chats:
            feature.subscriptions.subscribe(chat, chat, None)
        broadcast = feature.outbox.enqueue("announcement", "Rundbrief Nr. 3", chats)
        api.hold_after_delivery(chats[2])
        feature.wake_worker()
        await api.wait_held()
        answer = await bot.harness.send(ANNA, "Was ist Prozessbegleitung?")
        assert "Quelle:" in answer.text
        assert feature.outbox.stats(broadcast).status == "sending"  # still under way
        api.release()
        await api.wait_for(lambda: feature.outbox.stats(broadcast).status == "done")


# --- reminders -------------------------------------------------------------------------------

async def test_reminders_arrive_once_each_also_across_restarts(db_path: Path) -> None:
    start = berlin(2027, 3, 12, 10)
    clock = FakeClock(start - timedelta(days=10))
    async with BroadcastFakeBotApi() as api:
        async with running(api, db_path, clock=clock, reminder_interval=0.02) as bot:
            feature = feature_of(bot)
            feature.events.add(make_event(title="Fortbildung Gotha", region_id="gotha",
                                          kind="fortbildung", start=start, end=None), clock())
            bot.records.users.set_region(ANNA.id, "gotha")
            await subscribe(bot, ANNA, "Meine Region: Gotha")
            await subscribe(bot, BEN, "Andere Region")
            await bot.harness.press(BEN, api.messages_to(BEN.id)[-1], "Erfurt (Stadt)")

            clock.set(start - timedelta(days=7) + timedelta(minutes=1))
            await api.wait_for(lambda: api.deliveries("Erinnerung").get(ANNA.id) == 1)
            assert "in einer Woche" in last_text(api, ANNA.id)
            checks = feature.outbox.db.query("SELECT COUNT(*) FROM event_reminders")[0][0]
            assert checks == 1
        async with running(api, db_path, clock=clock, reminder_interval=0.02) as bot:
            feature = feature_of(bot)
            clock.set(start - timedelta(hours=20))
            await api.wait_for(lambda: api.deliveries("Erinnerung").get(ANNA.id) == 2)
            assert "morgen" in last_text(api, ANNA.id)
            # Many more checks happen; none sends anything again.
            reminders = feature.reminders()
            assert reminders.run_due(clock()) == []
        assert api.deliveries("Erinnerung") == {ANNA.id: 2}
        assert BEN.id not in api.deliveries("Fortbildung Gotha")
