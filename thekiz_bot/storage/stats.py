"""Statistics over the question log and the votes: what `/statistik` shows.

The top list of unanswered questions is `StatisticsQuery.top_unanswered`, the one query that
`/statistik` and `python bot.py report` share: the unanswered wordings
(`QuestionLog.unanswered`) counted per group of the stored grouping (`storage.question_groups`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from thekiz_bot.storage.database import Database
from thekiz_bot.storage.feedback import EntryFeedback, FeedbackLog
from thekiz_bot.storage.question_groups import QuestionGroups
from thekiz_bot.storage.questions import QuestionLog
from thekiz_bot.text.grouping import AskedWording, QuestionGroup, describe, grouping_fingerprint
from thekiz_bot.text.normalise import Vocabulary


@dataclass(frozen=True)
class Statistics:
    by_status: dict[str, int]
    top_unanswered: list[tuple[str, int]]
    feedback: list[EntryFeedback]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


class StatisticsQuery:
    """Read-only statistics (the grouping they count by is stored as it grows). Remembers the
    last top list with the state of the logs it was computed from: a running bot answers
    `/statistik` again without a query when nothing was asked or voted since."""

    def __init__(self, db: Database, groups: QuestionGroups | None = None) -> None:
        self._db = db
        self._questions = QuestionLog(db)
        self._feedback = FeedbackLog(db)
        self._groups = groups or QuestionGroups(db, self._questions)
        self._last: tuple[tuple[object, ...], list[QuestionGroup]] | None = None

    def _log_state(self) -> tuple[object, ...]:
        row = self._db.query("SELECT (SELECT MAX(id) FROM questions) AS q, "
                             "(SELECT COUNT(*) FROM questions) AS nq, "
                             "(SELECT MAX(id) FROM feedback) AS f, "
                             "(SELECT COUNT(*) FROM feedback) AS nf")[0]
        return tuple(row)

    def top_unanswered(self, vocab: Vocabulary, since: datetime | None = None,
                       limit: int = 10) -> list[QuestionGroup]:
        """The most asked unanswered questions, near-identical wordings grouped; `vocab` is the
        knowledge base's text analysis (synonyms, stop words)."""
        # Taken before computing: what is asked meanwhile makes the next call compute again.
        state = (since, grouping_fingerprint(vocab), *self._log_state())
        if self._last is not None and self._last[0] == state:
            return self._last[1][:limit]
        grouping = self._groups.current(vocab)
        members: dict[int, list[AskedWording]] = defaultdict(list)
        keys: dict[int, set[int]] = defaultdict(set)
        for wording in self._questions.unanswered(since, up_to=grouping.seen_id):
            group, key = grouping.group_of(wording.text), grouping.key_of(wording.text)
            if group is None or key is None:
                continue  # a text of no words at all
            members[group].append(wording)
            keys[group].add(key)
        groups = [describe(asked, len(keys[group])) for group, asked in members.items()]
        groups.sort(key=lambda g: (-g.count, g.text))
        self._last = (state, groups)
        return groups[:limit]

    def summary(self, vocab: Vocabulary, top: int = 10,
                since: datetime | None = None) -> Statistics:
        unanswered = [(g.text, g.count) for g in self.top_unanswered(vocab, since, top)]
        return Statistics(self._questions.totals(since), unanswered,
                          self._feedback.per_entry(since))
