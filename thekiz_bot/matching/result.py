"""What a match returns: the decision, the chosen entry, the runners-up and what to show with them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from thekiz_bot.knowledge.model import Contact, FaqEntry, Region


class MatchStatus(StrEnum):
    """The decision for one question (stored in the question log by its value)."""

    ANSWER = "answer"
    SUGGEST = "suggest"
    FALLBACK = "fallback"
    SMALLTALK = "smalltalk"


@dataclass(frozen=True)
class Candidate:
    entry: FaqEntry
    score: float

    def to_json(self) -> dict[str, Any]:
        return {"entry_id": self.entry.id, "question": self.entry.question,
                "score": round(self.score, 4)}


@dataclass(frozen=True)
class MatchResult:
    question: str
    status: MatchStatus
    # Similarity of the best entry, in [0, 1]: what ranks entries against each other.
    score: float = 0.0
    # Probability that the best entry is the right one (calibrated on the knowledge base).
    confidence: float = 0.0
    entry: FaqEntry | None = None
    # A second entry that fits as well: offered under the answer ("Siehe auch").
    see_also: FaqEntry | None = None
    suggestions: tuple[Candidate, ...] = ()
    contacts: tuple[Contact, ...] = ()
    reply: str | None = None
    region: Region | None = None
    region_note: str | None = None
    # The user asked for a phone number, an address or a person: show contacts first.
    contact_first: bool = False
    # Set when the question was declined because it resembles an out-of-scope example.
    out_of_scope_topic: str | None = None
    # The declined topic is nobody's business at the Fachstelle either: no contact is offered.
    unrelated: bool = False
    # How close the nearest out-of-scope example came, declined or not (for tuning and reports).
    out_of_scope_score: float = 0.0
    # Content words of the question: long questions are judged by their own thresholds.
    words: int = 0

    @property
    def answer(self) -> str | None:
        if self.status == MatchStatus.ANSWER and self.entry is not None:
            return self.entry.answer
        if self.status == MatchStatus.SMALLTALK:
            return self.reply
        return None

    @property
    def ranked(self) -> tuple[Candidate, ...]:
        """The ranking the result implies: the chosen entry (if any) first."""
        if self.status == MatchStatus.ANSWER and self.entry is not None:
            return (Candidate(self.entry, self.score), *self.suggestions)
        return self.suggestions

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "status": self.status.value,
            "answer": self.answer,
            "entry_id": self.entry.id if self.entry is not None else None,
            "score": round(self.score, 4),
            "confidence": round(self.confidence, 4),
            "see_also": self.see_also.id if self.see_also is not None else None,
            "suggestions": [c.to_json() for c in self.suggestions],
            "contacts": [c.to_json() for c in self.contacts],
            "source": self.entry.source if self.entry is not None else None,
            "region": self.region.name if self.region is not None else None,
            "out_of_scope_topic": self.out_of_scope_topic,
        }
