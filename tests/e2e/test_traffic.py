"""Real traffic: bursts from several chats, Telegram's flood limits, network latency, fast taps.

Every update of a burst is queued at once (as Telegram delivers a burst to getUpdates) and the
fake answers each call late like a real network. The tests assert what users see: every
question answered, in the order asked within each chat, and no apology.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

import pytest

from tests.helpers.fakes.botapi import FakeBotApi, FakeMessage, RateLimits
from tests.helpers.fakes.updates import (
    TgUser,
    callback_update,
    inline_update,
    message_update,
)
from tests.helpers.telegram import ADMIN, ANNA, BEN, FAST, RunningBot, start_parts
from thekiz_bot.matching.result import MatchStatus
from thekiz_bot.telegram import callbacks
from thekiz_bot.telegram.app import BotTuning
from thekiz_bot.telegram.services import KnowledgeSnapshot
from thekiz_bot.telegram.texts import common

CARLA = TgUser(1003, "Carla", "Prozessbegleiterin")
LATENCY = 0.03  # seconds per Bot API call; Telegram from Europe is 50–100 ms
# The bot's production pacing, with the tests' quick network retries.
PACED = BotTuning(flood=replace(BotTuning().flood, backoff=FAST.flood.backoff),
                  timeout_seconds=FAST.timeout_seconds)


def answered_questions(snapshot: KnowledgeSnapshot, count: int) -> list[tuple[str, str]]:
    """(question, short key of its entry) for entries the bot answers directly."""
    found: list[tuple[str, str]] = []
    for entry in snapshot.kb.served_entries:
        result = snapshot.matcher.match(entry.question)
        if result.status == MatchStatus.ANSWER and result.entry is not None \
                and result.entry.id == entry.id:
            found.append((entry.question, callbacks.short_key(entry.id)))
        if len(found) == count:
            return found
    raise AssertionError(f"the knowledge base answers fewer than {count} questions directly")


def answer_keys(messages: list[FakeMessage]) -> list[str]:
    """The entries of the answers in a chat, in the order they arrived (from the 👍 button)."""
    keys = []
    for message in messages:
        for button in message.buttons:
            action = callbacks.parse(button.get("callback_data"))
            if isinstance(action, callbacks.Vote) and action.rating > 0:
                keys.append(action.entry_key)
    return keys


@pytest.fixture
async def slow_api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as api:
        api.set_latency(LATENCY)
        yield api


@asynccontextmanager
async def running(api: FakeBotApi, db_path: Path, snapshot: KnowledgeSnapshot,
                  tuning: BotTuning) -> AsyncIterator[RunningBot]:
    bot = start_parts(api, db_path, tuning=tuning, snapshot=snapshot)
    async with bot.harness:
        yield bot
    bot.records.db.close()


async def test_a_burst_from_three_chats_is_answered_in_order_per_chat(
    slow_api: FakeBotApi, db_path: Path, real_knowledge: KnowledgeSnapshot
) -> None:
    questions = answered_questions(real_knowledge, 10)
    slow_api.enable_rate_limits(RateLimits())
    async with running(slow_api, db_path, real_knowledge, PACED) as bot:
        h = bot.harness
        first = await h.send(BEN, questions[0][0], chat=BEN.private_chat)  # Ben has a button
        users = (ANNA, CARLA, ADMIN)
        burst = [message_update(slow_api, user, question)
                 for question, _ in questions for user in users]
        ids = h.push_all(burst)
        # Meanwhile, someone else shares an answer inline and rates one: both are handled
        # while the burst is still being answered (it takes seconds at 1 message/s per chat).
        shared = h.push_all([inline_update(slow_api, BEN, "Prozessbegleitung"),
                             callback_update(slow_api, BEN, first.last,
                                             first.last.button("👍")["callback_data"])])
        await h.wait_handled(shared, timeout=30)
        assert sum(len(answer_keys(slow_api.messages_to(u.id))) for u in users) < len(burst)
        await h.wait_handled(ids, timeout=120)
    expected = [key for _, key in questions]
    for user in users:
        sent = slow_api.messages_to(user.id)
        assert answer_keys(sent) == expected, user.first_name
        assert common.SORRY not in [m.text for m in sent]
    assert [c.ok for c in slow_api.calls("answerInlineQuery")] == [True]
    assert slow_api.rejected() == []


@pytest.mark.parametrize("tuning", [PACED, FAST], ids=["paced", "unpaced-429s"])
async def test_ten_questions_in_a_row_under_flood_limits_all_arrive_in_order(
    slow_api: FakeBotApi, db_path: Path, real_knowledge: KnowledgeSnapshot, tuning: BotTuning
) -> None:
    """Unpaced, the fake answers 429 with retry_after; the replies wait and nothing is lost."""
    questions = answered_questions(real_knowledge, 10)
    slow_api.enable_rate_limits(RateLimits())
    async with running(slow_api, db_path, real_knowledge, tuning) as bot:
        ids = bot.harness.push_all([message_update(slow_api, ANNA, q) for q, _ in questions])
        await bot.harness.wait_handled(ids, timeout=120)
    sent = slow_api.messages_to(ANNA.id)
    assert answer_keys(sent) == [key for _, key in questions]
    assert common.SORRY not in [m.text for m in sent]
    if tuning is FAST:  # the limits were really hit, and waited out
        assert any(c.status == 429 for c in slow_api.calls("sendMessage"))


async def test_fast_taps_on_the_event_form_do_not_race(
    slow_api: FakeBotApi, db_path: Path, real_knowledge: KnowledgeSnapshot
) -> None:
    async with running(slow_api, db_path, real_knowledge, FAST) as bot:
        h = bot.harness
        await h.send(ADMIN, "/termin_neu")
        kinds = await h.send(ADMIN, "Fachtag Kinderschutz")
        # Two kinds tapped in quick succession: the first answers the step, the second is stale.
        taps = [callback_update(slow_api, ADMIN, kinds.last,
                                kinds.last.button(label)["callback_data"])
                for label in ("Fachtag", "Arbeitskreis")]
        before = len(slow_api.messages_to(ADMIN.id))
        await h.wait_handled(h.push_all(taps))
        prompts = [m.text for m in slow_api.messages_to(ADMIN.id)[before:]]
        assert len(prompts) == 1 and "Wann beginnt" in prompts[0]
        answers = [c.params.get("text") for c in slow_api.calls("answerCallbackQuery")]
        assert answers == [None, common.STALE_BUTTON]
        step = await h.send(ADMIN, "12.03.2027 10:00")
        step = await h.press(ADMIN, step.last, "Ohne Ende")
        step = await h.press(ADMIN, step.last, "Online")
        step = await h.send(ADMIN, "https://meet.example.org/kinderschutz")
        step = await h.press(ADMIN, step.last, "Ganz Thüringen")
        for _ in range(3):
            step = await h.press(ADMIN, step.last, "Überspringen")
        # "Speichern" tapped twice: one event, the second tap is told the draft is gone.
        save = step.last.button("Speichern")["callback_data"]
        await h.wait_handled(h.push_all([callback_update(slow_api, ADMIN, step.last, save)
                                         for _ in range(2)]))
        events = bot.records.db.query("SELECT kind, title FROM events")
    assert [tuple(row) for row in events] == [("fachtag", "Fachtag Kinderschutz")]
    assert [c.params.get("text") for c in slow_api.calls("answerCallbackQuery")][-2:] == [
        None, common.STALE_BUTTON]
    assert slow_api.rejected() == []


async def test_chats_are_answered_while_another_process_holds_the_database(
    fake_api: FakeBotApi, db_path: Path, real_knowledge: KnowledgeSnapshot
) -> None:
    """A CLI `events import` holding SQLite's write lock must not freeze every chat."""
    async with running(fake_api, db_path, real_knowledge, FAST) as bot:
        h = bot.harness
        other = sqlite3.connect(db_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # the write lock, as a long import holds it
        try:
            waiting = h.push_all([message_update(fake_api, ANNA, "Was ist Prozessbegleitung?")])
            # Ben's inline query and /hilfe are handled while Anna's question waits for the
            # lock; a blocked event loop would handle nothing before the lock is released.
            await h.wait_handled(h.push_all([inline_update(fake_api, BEN, "Fachstelle"),
                                             message_update(fake_api, BEN, "/hilfe")]))
            assert fake_api.messages_to(BEN.id) and fake_api.calls("answerInlineQuery")
        finally:
            other.execute("COMMIT")
            other.close()
        await h.wait_handled(waiting)
    # However long the lock was held, Anna gets her answer (not an apology).
    assert "Quelle:" in fake_api.messages_to(ANNA.id)[-1].text
