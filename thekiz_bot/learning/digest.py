"""Which question groups the Fachstelle is asked about: what the bot could not answer well.

The same definitions as `python bot.py report`: its grouping of near-identical wordings, its
unanswered groups (declined, or only "Meinten Sie …?" of which none was confirmed) and its
low-score answers; plus the questions whose answer got 👎. Groups someone decided about
already (taught, declined or ignored) are not shown again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from rapidfuzz import process

from thekiz_bot.authoring.report import build_report
from thekiz_bot.authoring.suggestions import MAX_ALTERNATE_CHARS, has_personal_data
from thekiz_bot.knowledge.loader import KnowledgeBase
from thekiz_bot.learning.model import Decision
from thekiz_bot.storage.database import Database
from thekiz_bot.storage.feedback import FeedbackLog
from thekiz_bot.text.grouping import GROUP_SIMILARITY, AskedWording, group_questions, similarity
from thekiz_bot.text.normalise import Vocabulary

# More than a phone screen of groups is more than anyone handles in one sitting.
DEFAULT_LIMIT = 20


@dataclass(frozen=True)
class DigestGroup:
    text: str  # the most frequent wording (as report names the group)
    count: int
    wordings: int
    last_asked: str
    declined: int = 0  # no answer at all
    suggested: int = 0  # only "Meinten Sie …?", none confirmed
    disliked: int = 0  # answered, and the answer got 👎
    low_score: int = 0  # answered, but the bot was unsure
    answered_with: str | None = None  # the entry the bot answered with (👎 / low score)

    @property
    def teachable(self) -> bool:
        """Whether the wording may become a phrasing or example (privacy, length)."""
        return not has_personal_data(self.text) and len(self.text) <= MAX_ALTERNATE_CHARS


def _similarity(a: str, b: str, **_: object) -> float:
    return similarity(a, b)  # rapidfuzz passes processor/score_cutoff keywords


def select_groups(db: Database, kb: KnowledgeBase, decided: Iterable[Decision],
                  since: datetime | None = None, limit: int = DEFAULT_LIMIT) -> list[DigestGroup]:
    """The most frequent groups since `since` that nobody decided about yet."""
    analyse = Vocabulary.build(kb.synonyms, kb.stopwords).analyse
    report = build_report(db, kb, since, limit=1_000_000)
    merged: dict[str, DigestGroup] = {}
    order: list[str] = []

    def add(group: DigestGroup) -> None:
        key = analyse(group.text) or group.text
        found = process.extractOne(key, order, scorer=_similarity,
                                   score_cutoff=GROUP_SIMILARITY) if order else None
        if found is None:
            merged[key] = group
            order.append(key)
            return
        old = merged[found[0]]
        merged[found[0]] = DigestGroup(
            text=old.text, count=old.count + group.count,
            wordings=max(old.wordings, group.wordings),
            last_asked=max(old.last_asked, group.last_asked),
            declined=old.declined + group.declined, suggested=old.suggested + group.suggested,
            disliked=old.disliked + group.disliked, low_score=old.low_score + group.low_score,
            answered_with=old.answered_with or group.answered_with,
        )

    for g in report.unanswered:
        add(DigestGroup(g.text, g.count, g.wordings, g.last_asked,
                        declined=g.count - g.suggested, suggested=g.suggested))
    for low in report.low_scores:
        add(DigestGroup(low.text, low.count, 1, "", low_score=low.count,
                        answered_with=low.entry_id))
    disliked = FeedbackLog(db).disliked_questions(since)
    entry_by_text = {" ".join(d.text.split()): d.entry_id for d in disliked}
    asked = [AskedWording(d.text, d.count, d.last_asked) for d in disliked]
    for g in group_questions(asked, analyse):
        add(DigestGroup(g.text, g.count, g.wordings, g.last_asked, disliked=g.count,
                        answered_with=entry_by_text.get(g.text)))
    seen = [analyse(d.wording) or d.wording for d in decided if d.active]
    groups = [
        merged[key] for key in order
        if not (seen and process.extractOne(key, seen, scorer=_similarity,
                                            score_cutoff=GROUP_SIMILARITY))
    ]
    groups.sort(key=lambda g: (-g.count, g.text))
    return groups[:limit]


def total_questions(groups: Sequence[DigestGroup]) -> int:
    return sum(g.count for g in groups)
