"""The `questions` table: the anonymous question log (text, outcome, entry, score; no user id).

The Fachstelle learns which questions go unanswered, never who asked them. "Unanswered" has one
definition, `QuestionLog.unanswered`, used by `/statistik` and `python bot.py report` alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from thekiz_bot.storage.database import Database, to_iso, utc_now
from thekiz_bot.text.grouping import AskedWording

# Telegram messages are at most 4,096 characters; anything longer did not come from a chat.
MAX_LOGGED_TEXT = 4096

QUESTION_STATUSES = ("answer", "suggest", "fallback", "smalltalk")
# Questions without a direct answer: declined, or only "Meinten Sie …?" buttons. Unanswered are
# those of them whose suggestions nobody confirmed; the grouping covers all of them.
WITHOUT_ANSWER = "status IN ('fallback', 'suggest')"


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
class AnsweredWording:
    """A wording answered directly, with the lowest score it got for that entry."""

    text: str
    entry_id: str
    score: float
    count: int


# Larger than any question id: "no upper bound".
MAX_ID = 2**63 - 1


def since_iso(since: datetime | None) -> str:
    """The lower bound for `asked_at >= ?`: everything when there is none."""
    return to_iso(since) if since else ""


class QuestionLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    def latest_id(self) -> int:
        """The newest row's id (0 when empty): tells whether anything was added since."""
        rows = self._db.query("SELECT COALESCE(MAX(id), 0) AS n FROM questions")
        return int(rows[0]["n"])

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

    def delete_before(self, cutoff: datetime) -> int:
        """Forget questions asked before `cutoff` (their votes stay, unlinked)."""
        with self._db.transaction() as conn:
            return conn.execute("DELETE FROM questions WHERE asked_at < ?",
                                (to_iso(cutoff),)).rowcount

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

    def totals(self, since: datetime | None = None) -> dict[str, int]:
        """Questions per outcome; every outcome is present, with 0 when it never happened."""
        counts = {status: 0 for status in QUESTION_STATUSES}
        for row in self._db.query(
            "SELECT status, COUNT(*) AS n FROM questions WHERE asked_at >= ? GROUP BY status",
            (since_iso(since),),
        ):
            counts[str(row["status"])] = int(row["n"])
        return counts

    def unanswered(self, since: datetime | None = None,
                   up_to: int | None = None) -> list[AskedWording]:
        """Questions without an answer: no answer at all, or only "Meinten Sie …?" buttons of
        which none was confirmed with 👍 (a confirmed suggestion did answer the question);
        those up to question id `up_to` when given.

        One row per exact wording; grouping near-identical wordings is
        `text.grouping.group_questions`, or the stored `storage.question_groups`.
        """
        rows = self._db.query(
            f"""
            SELECT text, COUNT(*) AS n, MAX(asked_at) AS last, SUM(status = 'suggest') AS sug
            FROM questions q
            WHERE {WITHOUT_ANSWER} AND asked_at >= ? AND id <= ?
              AND (status = 'fallback' OR NOT EXISTS
                   (SELECT 1 FROM feedback f WHERE f.question_id = q.id AND f.rating = 1))
            GROUP BY text
            """,
            (since_iso(since), MAX_ID if up_to is None else up_to),
        )
        return [AskedWording(str(r["text"]), int(r["n"]), str(r["last"]), int(r["sug"]))
                for r in rows]

    def without_answer(self, after_id: int, up_to: int) -> list[tuple[int, str]]:
        """(id, text) of the questions without a direct answer in (after_id, up_to], in order."""
        rows = self._db.query(f"SELECT id, text FROM questions WHERE id > ? AND id <= ? "
                              f"AND {WITHOUT_ANSWER} ORDER BY id", (after_id, up_to))
        return [(int(r["id"]), str(r["text"])) for r in rows]

    def first_without_answer(self, up_to: int) -> dict[str, int]:
        """Each wording without a direct answer (up to question id `up_to`) → its first id."""
        rows = self._db.query(f"SELECT text, MIN(id) AS first FROM questions "
                              f"WHERE id <= ? AND {WITHOUT_ANSWER} GROUP BY text", (up_to,))
        return {str(r["text"]): int(r["first"]) for r in rows}

    def count_without_answer(self, up_to: int) -> int:
        rows = self._db.query(f"SELECT COUNT(*) AS n FROM questions WHERE id <= ? "
                              f"AND {WITHOUT_ANSWER}", (up_to,))
        return int(rows[0]["n"])

    def answered_below(self, score: float, since: datetime | None = None) -> list[AnsweredWording]:
        """Direct answers given with a score below `score`, one row per wording and entry, in the
        order they were first asked."""
        rows = self._db.query(
            """
            SELECT text, entry_id, MIN(score) AS low, COUNT(*) AS n FROM questions
            WHERE status = 'answer' AND score < ? AND asked_at >= ? AND entry_id IS NOT NULL
            GROUP BY text, entry_id ORDER BY MIN(id)
            """,
            (score, since_iso(since)),
        )
        return [AnsweredWording(str(r["text"]), str(r["entry_id"]), float(r["low"]), int(r["n"]))
                for r in rows]
