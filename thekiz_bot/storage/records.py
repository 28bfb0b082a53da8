"""Typed repositories on top of storage.Database: users, the question log, feedback, statistics.

The question log and the feedback table deliberately hold no user id: the Fachstelle learns which
questions go unanswered, never who asked them. The only personal data is the `users` row
(a Telegram user id with the region the user picked), and the user can see and delete it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from thekiz_bot.storage.database import Database, to_iso, utc_now

# Telegram messages are at most 4,096 characters; anything longer did not come from a chat.
MAX_LOGGED_TEXT = 4096

QUESTION_STATUSES = ("answer", "suggest", "fallback", "smalltalk")


@dataclass(frozen=True)
class UserProfile:
    user_id: int
    region_id: str | None
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class LoggedQuestion:
    id: int
    asked_at: str
    text: str
    status: str
    entry_id: str | None
    score: float
    channel: str


@dataclass(frozen=True)
class EntryFeedback:
    entry_id: str
    helpful: int
    not_helpful: int


@dataclass(frozen=True)
class Statistics:
    by_status: dict[str, int]
    top_unanswered: list[tuple[str, int]]
    feedback: list[EntryFeedback]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


class UserRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, user_id: int) -> UserProfile | None:
        rows = self._db.query(
            "SELECT user_id, region_id, created_at, updated_at FROM users WHERE user_id = ?",
            (user_id,),
        )
        return _profile(rows[0]) if rows else None

    def region_of(self, user_id: int) -> str | None:
        profile = self.get(user_id)
        return profile.region_id if profile else None

    def set_region(self, user_id: int, region_id: str | None) -> None:
        now = to_iso(utc_now())
        self._db.execute(
            """
            INSERT INTO users (user_id, region_id, created_at, updated_at) VALUES (?, ?, ?, ?)
            ON CONFLICT(user_id) DO UPDATE SET region_id = excluded.region_id,
                                               updated_at = excluded.updated_at
            """,
            (user_id, region_id, now, now),
        )

    def clear_region(self, user_id: int) -> None:
        """Forget the region; the row exists only to hold it, so it goes as a whole."""
        self.delete(user_id)

    def delete(self, user_id: int) -> bool:
        with self._db.transaction() as conn:
            cursor = conn.execute("DELETE FROM users WHERE user_id = ?", (user_id,))
            return cursor.rowcount > 0


class QuestionLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    def record(
        self,
        text: str,
        status: str,
        entry_id: str | None,
        score: float,
        channel: str = "chat",
        at: datetime | None = None,
    ) -> int:
        """Store one question (no user id) and return its id for later feedback."""
        return self._db.execute(
            "INSERT INTO questions (asked_at, text, status, entry_id, score, channel) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                to_iso(at or utc_now()),
                text[:MAX_LOGGED_TEXT],
                status,
                entry_id,
                float(score),
                channel,
            ),
        )

    def get(self, question_id: int) -> LoggedQuestion | None:
        rows = self._db.query(
            "SELECT id, asked_at, text, status, entry_id, score, channel FROM questions "
            "WHERE id = ?",
            (question_id,),
        )
        if not rows:
            return None
        row = rows[0]
        return LoggedQuestion(
            id=int(row["id"]),
            asked_at=str(row["asked_at"]),
            text=str(row["text"]),
            status=str(row["status"]),
            entry_id=row["entry_id"],
            score=float(row["score"]),
            channel=str(row["channel"]),
        )


class FeedbackLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    def record(
        self, entry_id: str, rating: int, question_id: int | None, via_suggestion: bool
    ) -> int:
        if rating not in (-1, 1):
            raise ValueError("rating must be -1 or 1")
        # The question may be gone (a fresh database); keep the vote, drop the dangling link.
        if question_id is not None and not self._db.query(
            "SELECT 1 FROM questions WHERE id = ?", (question_id,)
        ):
            question_id = None
        return self._db.execute(
            "INSERT INTO feedback (created_at, entry_id, rating, question_id, via_suggestion) "
            "VALUES (?, ?, ?, ?, ?)",
            (to_iso(utc_now()), entry_id, rating, question_id, int(via_suggestion)),
        )


class StatisticsQuery:
    def __init__(self, db: Database) -> None:
        self._db = db

    def summary(self, top: int = 10, since: datetime | None = None) -> Statistics:
        since_iso = to_iso(since) if since else ""
        by_status = {status: 0 for status in QUESTION_STATUSES}
        for row in self._db.query(
            "SELECT status, COUNT(*) AS n FROM questions WHERE asked_at >= ? GROUP BY status",
            (since_iso,),
        ):
            by_status[str(row["status"])] = int(row["n"])
        # Grouped case-insensitively and ignoring surrounding blanks, so "Foo?" and " foo?" count
        # as one question (one of the wordings is shown).
        unanswered = [
            (str(row["text"]), int(row["n"]))
            for row in self._db.query(
                """
                SELECT MAX(text) AS text, COUNT(*) AS n FROM questions
                WHERE status = 'fallback' AND asked_at >= ?
                GROUP BY lower(trim(text)) ORDER BY n DESC, MAX(asked_at) DESC LIMIT ?
                """,
                (since_iso, top),
            )
        ]
        feedback = [
            EntryFeedback(str(row["entry_id"]), int(row["up"]), int(row["down"]))
            for row in self._db.query(
                """
                SELECT entry_id, SUM(rating = 1) AS up, SUM(rating = -1) AS down FROM feedback
                WHERE created_at >= ? GROUP BY entry_id ORDER BY down DESC, up DESC, entry_id
                """,
                (since_iso,),
            )
        ]
        return Statistics(by_status, unanswered, feedback)


class Records:
    """All repositories over one database, handed to the bot as a single object."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.users = UserRepository(db)
        self.questions = QuestionLog(db)
        self.feedback = FeedbackLog(db)
        self.statistics = StatisticsQuery(db)


def _profile(row: sqlite3.Row) -> UserProfile:
    return UserProfile(
        user_id=int(row["user_id"]),
        region_id=row["region_id"],
        created_at=str(row["created_at"]),
        updated_at=str(row["updated_at"]),
    )
