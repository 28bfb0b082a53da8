"""`python bot.py report`: what the question log teaches the Fachstelle.

Most frequent unanswered questions (near-identical wordings grouped, the same list as
`/statistik`), entries with the most 👎, answers given with a low score, and new alternates that
users confirmed (`authoring.suggestions`). Rendering is `authoring.report_output`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from thekiz_bot.authoring.suggestions import Suggestion, suggested_alternates
from thekiz_bot.knowledge.loader import KnowledgeBase
from thekiz_bot.matching.thresholds import Thresholds
from thekiz_bot.storage.database import Database
from thekiz_bot.storage.feedback import FeedbackLog
from thekiz_bot.storage.questions import QuestionLog
from thekiz_bot.storage.stats import StatisticsQuery
from thekiz_bot.text.grouping import QuestionGroup
from thekiz_bot.text.normalise import Vocabulary, normalise


@dataclass(frozen=True)
class EntryVotes:
    entry_id: str
    question: str | None  # None when the entry no longer exists
    down: int
    up: int


@dataclass(frozen=True)
class LowScore:
    text: str
    entry_id: str
    score: float
    count: int


@dataclass
class Report:
    since: datetime | None
    totals: dict[str, int]
    unanswered: list[QuestionGroup]
    disliked: list[EntryVotes]
    low_scores: list[LowScore]
    suggestions: list[Suggestion]
    skipped: dict[str, int] = field(default_factory=dict)  # why confirmed questions were left out


def _disliked(feedback: FeedbackLog, kb: KnowledgeBase, since: datetime | None,
              limit: int) -> list[EntryVotes]:
    votes = []
    for item in feedback.per_entry(since, disliked_only=True, limit=limit):
        entry = kb.entry(item.entry_id)
        votes.append(EntryVotes(item.entry_id, entry.question if entry else None,
                                item.not_helpful, item.helpful))
    return votes


def _low_scores(questions: QuestionLog, since: datetime | None, below: float,
                limit: int) -> list[LowScore]:
    grouped: dict[tuple[str, str], list[tuple[str, float, int]]] = defaultdict(list)
    for row in questions.answered_below(below, since):
        key = (normalise(row.text), row.entry_id)
        grouped[key].append((" ".join(row.text.split()), row.score, row.count))
    found = [
        LowScore(items[0][0], entry_id, min(s for _, s, _ in items), sum(n for _, _, n in items))
        for (_, entry_id), items in grouped.items()
    ]
    found.sort(key=lambda item: (item.score, -item.count, item.text))
    return found[:limit]


def build_report(db: Database, kb: KnowledgeBase, since: datetime | None = None,
                 limit: int = 10, low_score: float | None = None,
                 min_confirmations: int = 1) -> Report:
    below = Thresholds().sure if low_score is None else low_score
    vocab = Vocabulary.build(kb.synonyms, kb.stopwords)
    questions, feedback = QuestionLog(db), FeedbackLog(db)
    suggestions, skipped = suggested_alternates(feedback, kb, since, min_confirmations)
    return Report(
        since=since,
        totals=questions.totals(since),
        unanswered=StatisticsQuery(db).top_unanswered(vocab, since, limit),
        disliked=_disliked(feedback, kb, since, limit),
        low_scores=_low_scores(questions, since, below, limit),
        suggestions=suggestions,
        skipped=skipped,
    )
