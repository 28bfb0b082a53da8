"""What the Fachstelle can pick for a question group: entries and out-of-scope topics."""

from __future__ import annotations

from rapidfuzz import fuzz

from thekiz_bot.knowledge.loader import FaqEntry, KnowledgeBase
from thekiz_bot.matching.matcher import Matcher
from thekiz_bot.text.normalise import normalise

BEST = 3
SEARCH_RESULTS = 6
TOPICS = 6


def best_entries(matcher: Matcher, wording: str, k: int = BEST) -> list[FaqEntry]:
    """The entries the matcher itself thinks closest: usually the right one is among them."""
    return [c.entry for c in matcher.rank(wording, k=k)]


def search_entries(matcher: Matcher, query: str, k: int = SEARCH_RESULTS) -> list[FaqEntry]:
    """Entries for a search the admin typed: id or question containing it first, then ranked."""
    needle = normalise(query)
    if not needle:
        return []
    direct = [e for e in matcher.entries
              if needle in normalise(e.id) or needle in normalise(e.question)]
    found = list(dict.fromkeys([*direct[:k], *(c.entry for c in matcher.rank(query, k=k))]))
    return found[:k]


def nearest_topics(kb: KnowledgeBase, wording: str, k: int = TOPICS) -> list[str]:
    """Out-of-scope topic ids, those whose examples resemble the wording first."""
    key = normalise(wording)

    def closeness(topic_id: str, questions: tuple[str, ...]) -> float:
        return max((fuzz.token_set_ratio(key, normalise(q)) for q in questions), default=0.0)

    scored = sorted(((closeness(t.id, t.questions), t.id) for t in kb.out_of_scope),
                    key=lambda item: (-item[0], item[1]))
    return [topic_id for _, topic_id in scored[:k]]
