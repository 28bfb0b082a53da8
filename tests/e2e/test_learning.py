"""The Fachstelle teaches the bot from the chat, end to end through the fake Bot API.

Users ask what the bot cannot answer; an admin opens /lernen and taps once; the next user gets
the answer (or an honest "not in the handbook"); undo puts everything back; collisions are
refused; nobody else can see or use any of it; the digest comes on schedule; the export writes
the YAML files the bot then loads.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from tests.helpers.fakes.botapi import FakeBotApi, FakeMessage
from tests.helpers.fakes.harness import BotHarness, Exchange
from tests.helpers.fakes.updates import TgUser
from tests.helpers.kb import real_snapshot
from tests.helpers.telegram import ADMIN, ANNA, BEN, FAST, TEAM, copy_knowledge, make_settings
from thekiz_bot.cli.main import main as bot_main
from thekiz_bot.config import Settings
from thekiz_bot.knowledge.loader import load_knowledge
from thekiz_bot.learning.model import Refusal
from thekiz_bot.learning.schedule import DigestSchedule
from thekiz_bot.storage.database import Database
from thekiz_bot.storage.records import Records
from thekiz_bot.telegram.app import build_application
from thekiz_bot.telegram.callbacks import Learn, UndoDecision
from thekiz_bot.telegram.learning.feature import LEARNING_KEY, LearningFeature
from thekiz_bot.telegram.services import KnowledgeService
from thekiz_bot.telegram.texts import common
from thekiz_bot.telegram.texts import learning as texts

UNANSWERED = "Was kostet die Prozessbegleitung?"
OFF_TOPIC = "thekiz website registrieren"
ANSWER_PART = "Der Umfang der Leistung"
NOTED = "für die Fachstelle notiert"
SECOND_ADMIN = TgUser(4343, "Kai", "Fachstelle")


class Bot:
    def __init__(self, harness: BotHarness, db: Database, feature: LearningFeature) -> None:
        self.harness, self.db, self.feature = harness, db, feature

    @property
    def api(self) -> FakeBotApi:
        return self.harness.api

    def message(self, sent: FakeMessage) -> FakeMessage:
        """The message as it is now (after edits)."""
        return self.api.message(sent.chat_id, sent.message_id)

    async def ask(self, user: TgUser, text: str) -> Exchange:
        return await self.harness.send(user, text)


def settings_for(api: FakeBotApi, db_path: Path, knowledge: Path, **changes: object) -> Settings:
    settings = make_settings(api, db_path, knowledge, admins=(ADMIN.id, SECOND_ADMIN.id))
    return replace(settings, **changes)  # type: ignore[arg-type]


def build(api: FakeBotApi, settings: Settings) -> tuple[BotHarness, Database, LearningFeature]:
    db = Database(settings.db_path)
    # Every test starts (and restarts) the bot on an unchanged copy of the real knowledge base and
    # changes it only afterwards (through the bot or the export), so the session's snapshot is
    # that copy's; a /neu_laden still reads the copy.
    knowledge = KnowledgeService(settings.knowledge_dir, real_snapshot())
    application = build_application(settings, knowledge, Records(db), tuning=FAST)
    feature = application.bot_data[LEARNING_KEY]
    assert isinstance(feature, LearningFeature)
    return BotHarness(api, application), db, feature


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    return copy_knowledge(tmp_path / "knowledge")


@pytest.fixture
async def bot(fake_api: FakeBotApi, db_path: Path, knowledge: Path) -> AsyncIterator[Bot]:
    harness, db, feature = build(fake_api, settings_for(fake_api, db_path, knowledge))
    async with harness:
        yield Bot(harness, db, feature)
    db.close()


async def open_digest(bot: Bot, admin: TgUser = ADMIN) -> FakeMessage:
    """/lernen: the intro, then the card of the first group (returned)."""
    shown = await bot.harness.send(admin, "/lernen")
    return shown.last


async def test_teach_a_phrasing_answer_at_once_and_undo(bot: Bot) -> None:
    for user in (ANNA, BEN):
        before = await bot.ask(user, UNANSWERED)
        assert NOTED in before.text and ANSWER_PART not in before.text

    card = await open_digest(bot)
    assert f"„{UNANSWERED}“" in card.text and "2× gestellt" in card.text
    assert "2× keine Antwort" in card.text
    assert ANNA.first_name not in card.text and str(ANNA.id) not in card.text  # never who asked
    taught = await bot.harness.press(ADMIN, card, "→ zu „Wie viel Prozessbegleitung")
    assert taught.callback_answer is not None
    confirmation = bot.message(card)
    assert confirmation.text.startswith("✅ Gelernt")

    after = await bot.ask(ANNA, UNANSWERED)
    assert ANSWER_PART in after.text and NOTED not in after.text
    assert (await open_digest(bot)).text == texts.EMPTY

    undone = await bot.harness.press(ADMIN, confirmation, texts.UNDO_BUTTON)
    assert undone.edits and bot.message(card).text.startswith("↩️ Rückgängig")
    again = await bot.ask(BEN, UNANSWERED)
    assert NOTED in again.text and ANSWER_PART not in again.text
    assert "3× gestellt" in (await open_digest(bot)).text


async def test_not_in_the_handbook_declines_what_got_suggestions(bot: Bot) -> None:
    suggested = await bot.ask(ANNA, OFF_TOPIC)
    assert suggested.last.buttons  # "Meinten Sie …?" buttons
    card = await open_digest(bot)
    assert "1× nur „Meinten Sie …?“" in card.text
    await bot.harness.press(ADMIN, card, texts.SCOPE_BUTTON)
    topics = bot.message(card)
    assert texts.TOPIC_PROMPT in topics.text
    await bot.harness.press(ADMIN, topics, "app-und-it-probleme")
    assert "✅ Gelernt: Fragen wie" in bot.message(card).text

    declined = await bot.ask(BEN, OFF_TOPIC)
    assert NOTED in declined.text and not declined.last.buttons

    undone = await bot.harness.send(ADMIN, "/lernen rückgängig")
    assert undone.text.startswith("↩️ Rückgängig")
    back = await bot.ask(ANNA, OFF_TOPIC)
    assert back.last.buttons and NOTED not in back.text


async def test_a_new_topic_is_named_in_the_chat(bot: Bot) -> None:
    await bot.ask(ANNA, OFF_TOPIC)
    card = await open_digest(bot)
    await bot.harness.press(ADMIN, card, texts.SCOPE_BUTTON)
    prompt = await bot.harness.press(ADMIN, bot.message(card), texts.NEW_TOPIC_BUTTON)
    assert prompt.texts == [texts.NEW_TOPIC_PROMPT]
    named = await bot.harness.send(ADMIN, "Passwörter & Logins")
    assert "neues Thema „passwoerter-logins“" in named.text
    declined = await bot.ask(BEN, OFF_TOPIC)
    assert NOTED in declined.text and not declined.last.buttons


async def test_a_collision_found_by_search_is_refused(bot: Bot) -> None:
    answered = await bot.ask(ANNA, "was ist thekiz")
    await bot.harness.press(ANNA, answered.last, "👎")
    card = await open_digest(bot)
    assert "1× 👎" in card.text and "thekiz-was" in card.text
    prompt = await bot.harness.press(ADMIN, card, texts.SEARCH_BUTTON)
    assert prompt.texts == [texts.SEARCH_PROMPT]
    results = await bot.harness.send(ADMIN, "Prozessbegleitung")
    refused = await bot.harness.press(ADMIN, results.last, "→ zu „Was ist die ThEKiZ-Prozess")
    assert refused.edits
    text = bot.message(results.last).text
    assert text.startswith(texts.REFUSALS[Refusal.COLLISION])
    assert "thekiz-was" in text and "prozessbegleitung-was" in text
    still = await bot.ask(BEN, "was ist thekiz")
    assert "Ein ThEKiZ (Thüringer Eltern-Kind-Zentrum) ist" in still.text  # unchanged
    assert bot.feature.store.active() == []


async def test_nobody_else_can_see_or_use_it(bot: Bot) -> None:
    await bot.ask(ANNA, UNANSWERED)
    card = await open_digest(bot)
    refused = await bot.harness.send(BEN, "/lernen")
    assert refused.texts == [common.ADMIN_ONLY]
    for data in (card.button("Ignorieren")["callback_data"], Learn("page", "-", "0").encode(),
                 UndoDecision(1).encode()):
        tapped = await bot.harness.press_data(BEN, card, data)
        assert tapped.callback_answer is not None
        assert tapped.callback_answer["text"] == common.ADMIN_ONLY
        assert not tapped.edits and not tapped.sent
    in_group = await bot.harness.send(ADMIN, "/lernen", chat=TEAM)
    assert in_group.texts == [common.PRIVATE_ONLY]
    assert bot.feature.store.all() == []
    # Still open for the Fachstelle.
    assert f"„{UNANSWERED}“" in (await open_digest(bot)).text


async def test_undo_of_nothing_and_ignoring(bot: Bot) -> None:
    nothing = await bot.harness.send(ADMIN, "/lernen rückgängig")
    assert nothing.texts == [texts.UNDO_NOTHING]
    await bot.ask(ANNA, "hat die kita am samstag auf")
    card = await open_digest(bot)
    await bot.harness.press(ADMIN, card, texts.IGNORE_BUTTON)
    assert bot.message(card).text.startswith("Ignoriert")
    assert (await open_digest(bot)).text == texts.EMPTY


async def test_privacy_says_how_long_questions_are_kept(bot: Bot) -> None:
    shown = await bot.harness.send(ANNA, "/datenschutz")
    assert "Nach 365 Tagen" in shown.text


async def test_old_questions_are_deleted_and_leave_the_digest(
        fake_api: FakeBotApi, db_path: Path, knowledge: Path) -> None:
    settings = settings_for(fake_api, db_path, knowledge, question_retention_days=30)
    harness, db, feature = build(fake_api, settings)
    records = Records(db)
    old = records.questions.record(UNANSWERED, "fallback", None, 0.3,
                                   at=datetime.now(UTC) - timedelta(days=31))
    async with harness:
        assert "Nach 30 Tagen" in (await harness.send(ANNA, "/datenschutz")).text
        await feature.run_due(harness.application, datetime.now(UTC))
        assert records.questions.get(old) is None
        assert (await harness.send(ADMIN, "/lernen")).last.text == texts.EMPTY
    db.close()


async def test_a_group_that_is_gone_says_so(bot: Bot) -> None:
    await bot.ask(ANNA, UNANSWERED)
    card = await open_digest(bot)
    await bot.harness.press(ADMIN, card, texts.IGNORE_BUTTON)
    for action in (Learn("ignore", "nokey12345"), Learn("entry", "nokey12345", "x"),
                   Learn("scope", "nokey12345")):
        stale = await bot.harness.press_data(ADMIN, card, action.encode())
        assert stale.callback_answer is not None
        assert stale.callback_answer["text"] == texts.GROUP_GONE
    assert len(bot.feature.store.active()) == 1


async def test_decisions_survive_a_restart_and_export_round_trips(
        fake_api: FakeBotApi, db_path: Path, knowledge: Path) -> None:
    settings = settings_for(fake_api, db_path, knowledge)
    harness, db, _ = build(fake_api, settings)
    async with harness:
        await harness.send(ANNA, UNANSWERED)
        card = (await harness.send(ADMIN, "/lernen")).last
        await harness.press(ADMIN, card, "→ zu „Wie viel Prozessbegleitung")
    db.close()

    harness, db, _ = build(fake_api, settings)  # a restart: same database, same YAML files
    async with harness:
        assert ANSWER_PART in (await harness.send(BEN, UNANSWERED)).text
        assert bot_main(["learn", "export", "--knowledge", str(knowledge),
                         "--db", str(db_path)]) == 0
        entry = load_knowledge(knowledge).entry("prozessbegleitung-umfang")
        assert entry is not None and UNANSWERED in entry.alternates
        await harness.send(ADMIN, "/neu_laden")
        assert ANSWER_PART in (await harness.send(ANNA, UNANSWERED)).text
        exported = await harness.send(ADMIN, "/lernen rückgängig")
        assert exported.texts == [texts.UNDO_NOTHING]  # the YAML files own it now
    db.close()


async def test_scheduled_digest_with_a_controllable_clock(
        fake_api: FakeBotApi, db_path: Path, knowledge: Path) -> None:
    schedule = DigestSchedule(0, time(8, 0))  # Mondays 08:00 Berlin time
    settings = settings_for(fake_api, db_path, knowledge, digest=schedule)
    harness, db, feature = build(fake_api, settings)
    # The question log keeps real time; the digest's clock starts there and is moved by hand.
    now = [datetime.now(UTC)]
    due = schedule.next_after(now[0])
    feature.clock = lambda: now[0]
    feature.check_interval = 0.02
    async with harness:
        for admin in (ADMIN, SECOND_ADMIN):  # a bot may only write to who started it
            await harness.send(admin, "/start")
        await harness.send(ANNA, UNANSWERED)
        assert not await feature.run_due(harness.application, due - timedelta(minutes=1))
        greeted = {a.id: len(fake_api.messages_to(a.id)) for a in (ADMIN, SECOND_ADMIN, ANNA)}
        now[0] = due + timedelta(seconds=5)
        await fake_api.wait_for(
            lambda: len(fake_api.messages_to(SECOND_ADMIN.id)) >= greeted[SECOND_ADMIN.id] + 2)
        for admin in (ADMIN, SECOND_ADMIN):
            intro, card = fake_api.messages_to(admin.id)[-2:]
            assert "nicht gut beantworten konnte" in intro.text
            assert f"„{UNANSWERED}“" in card.text and card.buttons
        assert len(fake_api.messages_to(ANNA.id)) == greeted[ANNA.id]  # admins only
        # Once per slot: later that day nothing more.
        assert not await feature.run_due(harness.application, due + timedelta(hours=3))
        # A week later only what was asked since the last digest.
        Records(db).questions.record(OFF_TOPIC, "suggest", None, 0.44,
                                     at=due + timedelta(days=1))
        assert await feature.run_due(harness.application, due + timedelta(days=7, minutes=1))
        card = fake_api.messages_to(ADMIN.id)[-1]
        assert OFF_TOPIC in card.text and "Frage 1 von 1" in card.text
    db.close()
