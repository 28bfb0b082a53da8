"""Old question texts are deleted; votes stay without them; taught phrasings stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from thekiz_bot.learning.model import Action, Proposal
from thekiz_bot.learning.retention import purge
from thekiz_bot.learning.store import DecisionStore
from thekiz_bot.storage.database import Database
from thekiz_bot.storage.feedback import FeedbackLog
from thekiz_bot.storage.question_groups import QuestionGroups
from thekiz_bot.storage.questions import QuestionLog

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_questions_older_than_the_retention_are_deleted(db: Database) -> None:
    log, store = QuestionLog(db), DecisionStore(db)
    old = log.record("uralte frage", "fallback", None, 0.0, at=NOW - timedelta(days=366))
    edge = log.record("fast ein jahr", "fallback", None, 0.0, at=NOW - timedelta(days=364))
    FeedbackLog(db).record("thekiz-was", -1, old, via_suggestion=False)
    store.add(Proposal(Action.IGNORE, "uralte frage"), 1, at=NOW - timedelta(days=366))
    taught = store.add(Proposal(Action.PHRASING, "alt gelernt", "thekiz-was"), 1,
                       at=NOW - timedelta(days=366))
    purged = purge(log, QuestionGroups(db, log), store, NOW, days=365)
    assert (purged.questions, purged.ignored) == (1, 1)
    assert log.get(old) is None and log.get(edge) is not None
    assert [d.id for d in store.active()] == [taught.id]
    votes = db.query("SELECT question_id FROM feedback")
    assert [row["question_id"] for row in votes] == [None]
