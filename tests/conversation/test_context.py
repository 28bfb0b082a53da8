"""The conversation memory: per chat and thread, forgotten after the timeout or on request."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.helpers.kb import REAL_KNOWLEDGE
from thekiz_bot.config import ConfigError, Settings
from thekiz_bot.conversation.context import ContextKey, ContextStore, Turn
from thekiz_bot.storage.database import Database
from thekiz_bot.storage.records import Records
from thekiz_bot.telegram.services import KnowledgeService, KnowledgeSnapshot, conversation_engine

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def turn(user_id: int = 7, at: datetime = T0, entry: str = "ministerium-kontakt") -> Turn:
    return Turn(user_id=user_id, at=at, entry_id=entry)


def test_recalls_within_the_timeout_and_forgets_after_it() -> None:
    store = ContextStore(timedelta(minutes=10))
    store.remember(ContextKey(7), turn())
    assert store.recall(ContextKey(7), T0 + timedelta(minutes=10)) == turn()
    assert store.recall(ContextKey(7), T0 + timedelta(minutes=10, seconds=1)) is None
    # Expired turns are dropped, not kept around.
    assert len(store) == 0


def test_chats_and_group_threads_are_separate() -> None:
    store = ContextStore()
    store.remember(ContextKey(-100, thread=5), turn(entry="a"))
    store.remember(ContextKey(-100, thread=6), turn(entry="b"))
    store.remember(ContextKey(7), turn(entry="c"))
    assert store.recall(ContextKey(-100, thread=5), T0).entry_id == "a"  # type: ignore[union-attr]
    assert store.recall(ContextKey(-100, thread=6), T0).entry_id == "b"  # type: ignore[union-attr]
    assert store.recall(ContextKey(-100), T0) is None
    assert store.recall(ContextKey(8), T0) is None


def test_forget_user_drops_private_chat_and_group_threads_of_that_user_only() -> None:
    store = ContextStore()
    store.remember(ContextKey(7), turn(user_id=7))
    store.remember(ContextKey(-100, thread=5), turn(user_id=7))
    store.remember(ContextKey(-100, thread=6), turn(user_id=8))
    assert store.has_user(7, T0)
    assert store.forget_user(7) == 2
    assert not store.has_user(7, T0)
    assert store.recall(ContextKey(-100, thread=6), T0) is not None


def test_memory_is_bounded_and_the_oldest_conversation_goes_first() -> None:
    store = ContextStore(max_conversations=3)
    for chat in range(5):
        store.remember(ContextKey(chat), turn(user_id=chat))
    assert len(store) == 3
    assert store.recall(ContextKey(0), T0) is None and store.recall(ContextKey(4), T0)


def test_timeout_must_be_positive() -> None:
    with pytest.raises(ValueError):
        ContextStore(timedelta(0))


def test_the_timeout_comes_from_the_environment() -> None:
    assert Settings.from_env({}).context_minutes == 10.0
    assert Settings.from_env({"THEKIZ_CONTEXT_MINUTES": "2.5"}).context_minutes == 2.5
    for bad in ("zehn", "0", "-3", "100000"):
        with pytest.raises(ConfigError, match="THEKIZ_CONTEXT_MINUTES"):
            Settings.from_env({"THEKIZ_CONTEXT_MINUTES": bad})


def test_the_bot_forgets_after_the_configured_minutes(
    tmp_path: Path, real_knowledge: KnowledgeSnapshot
) -> None:
    db = Database(tmp_path / "db.sqlite3")
    settings = Settings(context_minutes=2)
    engine = conversation_engine(settings, KnowledgeService(REAL_KNOWLEDGE, real_knowledge), Records(db))
    clock = [T0]
    engine.clock = lambda: clock[0]
    engine.answer("Wer ist die Ansprechpartnerin im Ministerium?", ContextKey(7), 7)
    clock[0] += timedelta(minutes=1)
    assert engine.answer("und die Nummer?", ContextKey(7), 7).entry_id == "ministerium-kontakt"
    clock[0] += timedelta(minutes=2, seconds=1)
    assert engine.answer("und die Nummer?", ContextKey(7), 7).kind == "no_context"
    db.close()
