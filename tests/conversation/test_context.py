"""The conversation memory: per chat and thread, forgotten after the timeout or on request."""

from datetime import UTC, datetime, timedelta

import pytest

from thekiz_bot.conversation.context import ContextKey, ContextStore, Turn

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
