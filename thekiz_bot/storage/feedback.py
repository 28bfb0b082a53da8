"""The `feedback` table: 👍/👎 votes on answers, linked to the logged question (no user id)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from thekiz_bot.storage.database import Database, to_iso, utc_now
from thekiz_bot.storage.questions import since_iso


@dataclass(frozen=True)
class EntryFeedback:
    entry_id: str
    helpful: int
    not_helpful: int


@dataclass(frozen=True)
class Confirmation:
    """A vote on an entry for a logged question, with how that question was answered."""

    text: str
    entry_id: str
    rating: int
    via_suggestion: bool
    status: str  # the question's outcome in the log
    answered_entry: str | None  # the entry the bot answered it with, if any


@dataclass(frozen=True)
class DislikedWording:
    text: str
    entry_id: str
    count: int
    last_asked: str


class FeedbackLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    def latest_id(self) -> int:
        """The newest row's id (0 when empty): tells whether anything was added since."""
        rows = self._db.query("SELECT COALESCE(MAX(id), 0) AS n FROM feedback")
        return int(rows[0]["n"])

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

    def per_entry(self, since: datetime | None = None, disliked_only: bool = False,
                  limit: int | None = None) -> list[EntryFeedback]:
        """Votes per entry, the most 👎 first (then the fewest 👍 when only disliked ones)."""
        having = "HAVING down > 0" if disliked_only else ""
        order = "down DESC, up ASC, entry_id" if disliked_only else "down DESC, up DESC, entry_id"
        rows = self._db.query(
            f"""
            SELECT entry_id, SUM(rating = 1) AS up, SUM(rating = -1) AS down FROM feedback
            WHERE created_at >= ? GROUP BY entry_id {having} ORDER BY {order} LIMIT ?
            """,
            (since_iso(since), -1 if limit is None else limit),
        )
        return [EntryFeedback(str(r["entry_id"]), int(r["up"]), int(r["down"])) for r in rows]

    def confirmations(self, since: datetime | None = None) -> list[Confirmation]:
        """Votes that refer to a logged question, with the question's text and outcome."""
        rows = self._db.query(
            """
            SELECT q.text AS text, f.entry_id AS entry_id, f.rating AS rating,
                   f.via_suggestion AS via, q.status AS status, q.entry_id AS answered
            FROM feedback f JOIN questions q ON q.id = f.question_id
            WHERE f.created_at >= ?
            """,
            (since_iso(since),),
        )
        return [Confirmation(str(r["text"]), str(r["entry_id"]), int(r["rating"]),
                             bool(r["via"]), str(r["status"]), r["answered"]) for r in rows]

    def disliked_questions(self, since: datetime | None = None) -> list[DislikedWording]:
        """Logged questions whose answer got 👎 (and no 👍), one row per wording and entry."""
        rows = self._db.query(
            """
            SELECT q.text AS text, f.entry_id AS entry_id, COUNT(DISTINCT q.id) AS n,
                   MAX(q.asked_at) AS last
            FROM feedback f JOIN questions q ON q.id = f.question_id
            WHERE f.rating = -1 AND q.asked_at >= ? AND NOT EXISTS
                (SELECT 1 FROM feedback g WHERE g.question_id = q.id AND g.rating = 1)
            GROUP BY q.text, f.entry_id ORDER BY MIN(q.id)
            """,
            (since_iso(since),),
        )
        return [DislikedWording(str(r["text"]), str(r["entry_id"]), int(r["n"]), str(r["last"]))
                for r in rows]
