"""The bot's records: users with their region, the anonymous question log, feedback, statistics."""

from __future__ import annotations

import threading
from pathlib import Path

from thekiz_bot.storage.database import Database
from thekiz_bot.storage.records import Records
from thekiz_bot.text.normalise import Vocabulary


def test_question_log_holds_no_user_id(db_path: Path) -> None:
    records = Records(Database(db_path))
    qid = records.questions.record("Was ist das LSZ?", "answer", "lsz-was", 0.9, "group")
    logged = records.questions.get(qid)
    assert logged is not None
    assert (logged.text, logged.status, logged.entry_id, logged.channel) == (
        "Was ist das LSZ?", "answer", "lsz-was", "group")
    columns = {row["name"] for row in records.db.query("PRAGMA table_info(questions)")}
    assert columns == {"id", "asked_at", "text", "status", "entry_id", "score", "channel"}


def test_region_is_kept_across_restarts_and_deleted_completely(db_path: Path) -> None:
    first = Records(Database(db_path))
    first.users.set_region(1001, "jena")
    first.users.set_region(1001, "gotha")
    first.db.close()
    second = Records(Database(db_path))
    assert second.users.region_of(1001) == "gotha"
    assert second.users.delete(1001) is True
    assert second.users.get(1001) is None and second.users.delete(1001) is False


def test_feedback_for_a_vanished_question_keeps_the_vote(db_path: Path) -> None:
    records = Records(Database(db_path))
    records.feedback.record("lsz-was", -1, question_id=999, via_suggestion=True)
    rows = records.db.query("SELECT entry_id, rating, question_id, via_suggestion FROM feedback")
    assert [tuple(r) for r in rows] == [("lsz-was", -1, None, 1)]


def test_statistics_group_unanswered_questions_and_count_votes(db_path: Path) -> None:
    records = Records(Database(db_path))
    for text in ("Wetter morgen?", " wetter MORGEN? ", "Kuchenrezept"):
        records.questions.record(text, "fallback", None, 0.1)
    answered = records.questions.record("Was ist das LSZ?", "answer", "lsz-was", 0.9)
    records.questions.record("Kita", "suggest", None, 0.4)
    records.feedback.record("lsz-was", 1, answered, False)
    records.feedback.record("lsz-was", -1, answered, False)
    records.feedback.record("lsz-was", 1, None, True)

    stats = records.statistics.summary(Vocabulary.build([], []))
    assert stats.by_status == {"answer": 1, "suggest": 1, "fallback": 3, "smalltalk": 0}
    assert stats.total == 5
    # "Kita" got only suggestions, none confirmed: unanswered too (the report's definition).
    assert [count for _, count in stats.top_unanswered] == [2, 1, 1]
    assert stats.top_unanswered[0][0].strip().lower() == "wetter morgen?"
    assert [(f.entry_id, f.helpful, f.not_helpful) for f in stats.feedback] == [("lsz-was", 2, 1)]


def test_concurrent_writers_lose_nothing(db_path: Path) -> None:
    shared = Records(Database(db_path))
    second = Records(Database(db_path))  # a second connection, like a second process

    def write(records: Records, worker: int) -> None:
        for n in range(50):
            records.questions.record(f"Frage {worker}-{n}", "fallback", None, 0.0)
            records.users.set_region(worker * 1000 + n, "jena")

    threads = [threading.Thread(target=write, args=(shared if w % 2 else second, w))
               for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert shared.db.query("SELECT COUNT(*) AS n FROM questions")[0]["n"] == 400
    assert shared.db.query("SELECT COUNT(*) AS n FROM users")[0]["n"] == 400
    assert shared.db.query("PRAGMA integrity_check")[0][0] == "ok"
