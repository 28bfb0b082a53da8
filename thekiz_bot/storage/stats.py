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


# Analysed wordings kept between two calls (a running bot answers /statistik repeatedly).
MAX_REMEMBERED_WORDINGS = 500_000


class StatisticsQuery:
    """Read-only statistics. Remembers, per process, how each wording analyses and the last
    grouping with the state of the logs it was computed from, so that `/statistik` on a large
    log analyses only what was asked since the last call."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._questions = QuestionLog(db)
        self._feedback = FeedbackLog(db)
        self._analyse: Callable[[str], str] | None = None
        self._analysed: dict[str, str] = {}
        self._last: tuple[tuple[object, ...], list[QuestionGroup]] | None = None

    def _remembering(self, analyse: Callable[[str], str]) -> Callable[[str], str]:
        if analyse != self._analyse:  # another knowledge base: other synonyms, stop words
            self._analyse, self._analysed, self._last = analyse, {}, None

        def cached(text: str) -> str:
            key = self._analysed.get(text)
            if key is None:
                key = analyse(text)
                if len(self._analysed) < MAX_REMEMBERED_WORDINGS:
                    self._analysed[text] = key
            return key

        return cached

    def _log_state(self) -> tuple[object, ...]:
        row = self._db.query("SELECT (SELECT MAX(id) FROM questions) AS q, "
                             "(SELECT COUNT(*) FROM questions) AS nq, "
                             "(SELECT MAX(id) FROM feedback) AS f, "
                             "(SELECT COUNT(*) FROM feedback) AS nf")[0]
        return tuple(row)

    def top_unanswered(self, analyse: Callable[[str], str], since: datetime | None = None,
                       limit: int = 10) -> list[QuestionGroup]:
        """The most asked unanswered questions, near-identical wordings grouped; `analyse` is
        the knowledge base's text analysis (`Vocabulary.analyse`)."""
        remembering = self._remembering(analyse)
        state = (since, *self._log_state())
        if self._last is not None and self._last[0] == state:
            return self._last[1][:limit]
        groups = group_questions(self._questions.unanswered(since), remembering)
        self._last = (state, groups)
        return groups[:limit]

    def summary(self, analyse: Callable[[str], str], top: int = 10,
                since: datetime | None = None) -> Statistics:
        unanswered = [(g.text, g.count) for g in self.top_unanswered(analyse, since, top)]
        return Statistics(self._questions.totals(since), unanswered,
                          self._feedback.per_entry(since))
