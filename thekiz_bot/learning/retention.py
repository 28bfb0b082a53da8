"""Old question texts are deleted after THEKIZ_QUESTION_RETENTION_DAYS (default 365 days)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from thekiz_bot.learning.store import DecisionStore
from thekiz_bot.storage.question_groups import QuestionGroups
from thekiz_bot.storage.questions import QuestionLog

DEFAULT_RETENTION_DAYS = 365


@dataclass(frozen=True)
class Purged:
    questions: int
    ignored: int


def purge(questions: QuestionLog, groups: QuestionGroups, decisions: DecisionStore,
          now: datetime, days: int) -> Purged:
    """Delete the question log older than `days`, the wordings of it the stored grouping holds,
    and ignored wordings as old (they are question texts too). Taught phrasings stay: they are
    part of the knowledge base now, not a log."""
    cutoff = now - timedelta(days=days)
    # One transaction: at no moment does the grouping still hold a deleted wording.
    with groups.db.transaction():
        deleted = questions.delete_before(cutoff)
        groups.forget_deleted()
    return Purged(deleted, decisions.delete_ignored_before(cutoff))
