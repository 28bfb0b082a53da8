"""Which question groups the Fachstelle is asked about: what the bot could not answer well.

The same definitions as `python bot.py report`: its grouping of near-identical wordings, its
unanswered groups (declined, or only "Meinten Sie …?" of which none was confirmed) and its
low-score answers; plus the questions whose answer got 👎. Groups someone decided about
already (taught, declined or ignored) are not shown again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from rapidfuzz import fuzz, process

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
# Groups per kind (unanswered, unsure, 👎) considered for the digest.
PER_KIND = 500


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


def _near(queries: Sequence[str], choices: Sequence[str]) -> np.ndarray:
    """Which pairs may reach GROUP_SIMILARITY: a C-speed superset of the pairs `similarity`
    accepts (it never exceeds max(ratio, token_sort_ratio)), so that only those are scored."""
    if not queries or not choices:
        return np.zeros((len(queries), len(choices)), dtype=bool)
    plain = process.cdist(queries, choices, scorer=fuzz.ratio, score_cutoff=GROUP_SIMILARITY,
                          dtype=np.uint8, workers=-1)
    ordered = process.cdist(queries, choices, scorer=fuzz.token_sort_ratio,
                            score_cutoff=GROUP_SIMILARITY, dtype=np.uint8, workers=-1)
    return np.asarray((plain > 0) | (ordered > 0))


def _merged(old: DigestGroup, new: DigestGroup) -> DigestGroup:
    return DigestGroup(
        text=old.text, count=old.count + new.count, wordings=max(old.wordings, new.wordings),
        last_asked=max(old.last_asked, new.last_asked),
        declined=old.declined + new.declined, suggested=old.suggested + new.suggested,
        disliked=old.disliked + new.disliked, low_score=old.low_score + new.low_score,
        answered_with=old.answered_with or new.answered_with,
    )


def _by_kind(db: Database, kb: KnowledgeBase, since: datetime | None,
             analyse: Callable[[str], str]) -> list[DigestGroup]:
    """report's unanswered groups and low scores, and the 👎 questions grouped alike; each kind
    cut to PER_KIND groups in report's order (more never reach the top of the digest)."""
    report = build_report(db, kb, since, limit=PER_KIND)
    unanswered = [DigestGroup(g.text, g.count, g.wordings, g.last_asked,
                              declined=g.count - g.suggested, suggested=g.suggested)
                  for g in report.unanswered]
    low = [DigestGroup(item.text, item.count, 1, "", low_score=item.count,
                       answered_with=item.entry_id) for item in report.low_scores]
    disliked = FeedbackLog(db).disliked_questions(since)
    entry_by_text = {" ".join(d.text.split()): d.entry_id for d in disliked}
    asked = [AskedWording(d.text, d.count, d.last_asked) for d in disliked]
    rated = [DigestGroup(g.text, g.count, g.wordings, g.last_asked, disliked=g.count,
                         answered_with=entry_by_text.get(g.text))
             for g in group_questions(asked, analyse)[:PER_KIND]]
    return [*unanswered, *low, *rated]


def select_groups(db: Database, kb: KnowledgeBase, decided: Iterable[Decision],
                  since: datetime | None = None, limit: int = DEFAULT_LIMIT) -> list[DigestGroup]:
    """The most frequent groups since `since` that nobody decided about yet."""
    analyse = Vocabulary.build(kb.synonyms, kb.stopwords).analyse
    items = _by_kind(db, kb, since, analyse)
    keys = [analyse(g.text) or g.text for g in items]
    near = _near(keys, keys)
    representatives: list[int] = []  # item index of each merged group, in order
    merged: dict[int, DigestGroup] = {}
    for i, item in enumerate(items):
        target = next((r for r in representatives
                       if near[i, r] and similarity(keys[i], keys[r]) >= GROUP_SIMILARITY), None)
        if target is None:
            representatives.append(i)
            merged[i] = item
        else:
            merged[target] = _merged(merged[target], item)
    seen = [analyse(d.wording) or d.wording for d in decided if d.active]
    near_seen = _near([keys[r] for r in representatives], seen)
    groups = [
        merged[r] for row, r in enumerate(representatives)
        if not any(similarity(keys[r], seen[int(j)]) >= GROUP_SIMILARITY
                   for j in np.flatnonzero(near_seen[row]))
    ]
    groups.sort(key=lambda g: (-g.count, g.text))
    return groups[:limit]


def total_questions(groups: Sequence[DigestGroup]) -> int:
    return sum(g.count for g in groups)
