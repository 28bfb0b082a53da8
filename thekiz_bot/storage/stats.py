"""Statistics over the question log and the votes: what `/statistik` shows.

The top list of unanswered questions is `StatisticsQuery.top_unanswered`, the one query that
`/statistik` and `python bot.py report` share.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from thekiz_bot.storage.database import Database
from thekiz_bot.storage.feedback import EntryFeedback, FeedbackLog
from thekiz_bot.storage.questions import QuestionLog
from thekiz_bot.text.grouping import QuestionGroup, group_questions


@dataclass(frozen=True)
class Statistics:
    by_status: dict[str, int]
    top_unanswered: list[tuple[str, int]]
    feedback: list[EntryFeedback]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


class StatisticsQuery:
    def __init__(self, db: Database) -> None:
        self._questions = QuestionLog(db)
        self._feedback = FeedbackLog(db)

    def top_unanswered(self, analyse: Callable[[str], str], since: datetime | None = None,
                       limit: int = 10) -> list[QuestionGroup]:
        """The most asked unanswered questions, near-identical wordings grouped; `analyse` is
        the knowledge base's text analysis (`Vocabulary.analyse`)."""
        return group_questions(self._questions.unanswered(since), analyse)[:limit]

    def summary(self, analyse: Callable[[str], str], top: int = 10,
                since: datetime | None = None) -> Statistics:
        unanswered = [(g.text, g.count) for g in self.top_unanswered(analyse, since, top)]
        return Statistics(self._questions.totals(since), unanswered,
                          self._feedback.per_entry(since))
