"""Old question texts are deleted after THEKIZ_QUESTION_RETENTION_DAYS (default 365 days)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from thekiz_bot.learning.store import DecisionStore
from thekiz_bot.storage.questions import QuestionLog

DEFAULT_RETENTION_DAYS = 365


@dataclass(frozen=True)
class Purged:
    questions: int
    ignored: int


def purge(questions: QuestionLog, decisions: DecisionStore, now: datetime, days: int) -> Purged:
    """Delete the question log older than `days`, and ignored wordings as old (they are question
    texts too). Taught phrasings stay: they are part of the knowledge base now, not a log."""
    cutoff = now - timedelta(days=days)
    return Purged(questions.delete_before(cutoff), decisions.delete_ignored_before(cutoff))
