"""What the bot remembers of a conversation: the last answer per chat (per reply thread in groups).

Only in memory, only for a few minutes: a follow-up like "und die Telefonnummer?" needs the
last answered entry, nothing else. Nothing is written to disk, a restart forgets everything,
and /daten_loeschen forgets a user's conversations at once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from thekiz_bot.conversation.date_questions import DateQuery

DEFAULT_TIMEOUT = timedelta(minutes=10)
# A bound on memory however many chats talk to the bot: the oldest conversations go first.
MAX_CONVERSATIONS = 10_000


@dataclass(frozen=True)
class ContextKey:
    """A private chat, or one thread of replies in a group (the bot message it replies to)."""

    chat_id: int
    thread: int | None = None


@dataclass(frozen=True)
class Turn:
    """The last answer: the entry it gave and, for a date question, what was asked."""

    user_id: int | None
    at: datetime
    entry_id: str | None = None
    date_query: DateQuery | None = None
    # Entries the matcher ranked next to the answer: "mehr dazu" offers them.
    related: tuple[str, ...] = ()


class ContextStore:
    """Turns by conversation, forgotten `timeout` after they were given. Thread-safe: matching
    runs in worker threads."""

    def __init__(self, timeout: timedelta = DEFAULT_TIMEOUT,
                 max_conversations: int = MAX_CONVERSATIONS) -> None:
        if timeout <= timedelta(0):
            raise ValueError("timeout must be positive")
        self.timeout = timeout
        self._max = max_conversations
        self._turns: dict[ContextKey, Turn] = {}
        self._lock = threading.Lock()

    def remember(self, key: ContextKey, turn: Turn) -> None:
        with self._lock:
            # Re-inserting keeps the dict in order of last use, so eviction drops the oldest.
            self._turns.pop(key, None)
            self._turns[key] = turn
            while len(self._turns) > self._max:
                del self._turns[next(iter(self._turns))]

    def recall(self, key: ContextKey, now: datetime) -> Turn | None:
        """The live turn of the conversation; an expired one is dropped on the way."""
        with self._lock:
            turn = self._turns.get(key)
            if turn is None:
                return None
            if now - turn.at > self.timeout:
                del self._turns[key]
                return None
            return turn

    def forget(self, key: ContextKey) -> None:
        with self._lock:
            self._turns.pop(key, None)

    def forget_user(self, user_id: int) -> int:
        """Drop every conversation of the user (their private chat and their group threads)."""
        with self._lock:
            keys = [k for k, t in self._turns.items() if t.user_id == user_id or k.chat_id == user_id]
            for key in keys:
                del self._turns[key]
            return len(keys)

    def has_user(self, user_id: int, now: datetime) -> bool:
        with self._lock:
            return any(
                (t.user_id == user_id or k.chat_id == user_id) and now - t.at <= self.timeout
                for k, t in self._turns.items()
            )

    def __len__(self) -> int:
        with self._lock:
            return len(self._turns)
