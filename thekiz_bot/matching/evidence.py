"""How much of a question the knowledge base, and its best entry, actually cover.

Similarities say how alike a question and an entry's texts are, not whether the entry speaks of
what the question is about: "Wie viele Betreuungsplätze hat die Kita Spatzennest?" is close to
the entry quoting the Spatzennest's mayor, but nothing in the knowledge base knows
"Betreuungsplätze". Weighted by how rare each word is (a rare word says what a question is
about, "wie" or "gibt" do not), these features tell the calibration which share of the question
no entry knows, which share the best entry leaves open, and how rare the rarest word it leaves
open is. The calibration asks the knowledge base's own phrasings as if they were new; so that
their words are not known merely because they are indexed, `WordCounts` says how many indexed
texts of the entries hold each word, and a word held only by the left-out text counts as unknown.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from thekiz_bot.matching.index import Index

EVIDENCE = ("unknown to the entries", "rarest word left open",
            "held by the nearest out-of-scope topic, not the best entry")
# What the features of a question fully covered, and of one nobody covers, are.
COVERED = np.zeros(len(EVIDENCE))
UNCOVERED = np.ones(len(EVIDENCE))


def unseen_idf(index: Index) -> float:
    """The weight of a word no entry holds: the idf of the rarest possible word."""
    return max(index.token_idf.values(), default=1.0)


@dataclass(frozen=True)
class WordCounts:
    """Per word, the number of the entries' indexed texts (variants and answers) holding it:
    only at build time, to ask an indexed phrasing as if it had never been indexed."""

    counts: Counter[str]

    @classmethod
    def of(cls, index: Index) -> WordCounts:
        counts: Counter[str] = Counter()
        for text in index.texts[:_first_topic_text(index)]:
            counts.update(set(text.split()))
        for tokens in index.answer_tokens[:index.n_entries]:
            counts.update(tokens)
        return cls(counts)

    def only_in(self, words: set[str] | frozenset[str]) -> frozenset[str]:
        """Those of `words` (the words of one indexed text) that no other text of the entries
        holds: unknown once that text is treated as never indexed."""
        return frozenset(t for t in words if self.counts[t] <= 1)


@dataclass(frozen=True)
class AsNew:
    """What to leave out of a question's evidence to judge it as if the text it was taken from
    had never been indexed: the words only that text held, and the words of its entry or topic
    without it."""

    hidden: frozenset[str] = frozenset()
    words: dict[int, frozenset[str]] = field(default_factory=dict)


def evidence_features(
    index: Index,
    tokens: Sequence[str],
    best: int | None,
    topic: int | None,
    rare: float,
    as_new: AsNew | None = None,
) -> np.ndarray:
    """The features of a question's (typo-corrected, analysed) words for its best entry `best`
    and the nearest out-of-scope topic `topic` (positions in the index); `as_new` what to leave
    out to ask it as if its source had never been indexed (at build time)."""
    if not tokens or best is None:
        return UNCOVERED.copy()
    hidden = as_new.hidden if as_new is not None else frozenset()

    def words_of(pos: int | None) -> frozenset[str]:
        if pos is None:
            return frozenset()
        if as_new is not None and pos in as_new.words:
            return as_new.words[pos]
        return index.entry_tokens[pos]

    covered, explained = words_of(best), words_of(topic)
    weights, unknown, left_open, by_topic = [], [], [], []
    for token in set(tokens):
        known = token in index.entry_vocabulary and token not in hidden
        weights.append(index.token_idf.get(token, rare) if known else rare)
        unknown.append(not known)
        left_open.append(not known or token not in covered)
        by_topic.append(left_open[-1] and token in explained)
    w = np.array(weights)
    mass = float(w.sum())
    missing = np.array(left_open)
    return np.array([
        float(w[np.array(unknown)].sum()) / mass,
        float(w[missing].max()) / rare if missing.any() else 0.0,
        float(w[np.array(by_topic)].sum()) / mass,
    ])


def _first_topic_text(index: Index) -> int:
    """The position of the first indexed text of an out-of-scope topic."""
    if index.n_entries < len(index.starts):
        return int(index.starts[index.n_entries])
    return len(index.texts)
