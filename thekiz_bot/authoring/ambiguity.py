"""Find alternates of different entries that are so alike the matcher cannot tell them apart."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from thekiz_bot.knowledge.loader import KnowledgeBase
from thekiz_bot.text.normalise import Vocabulary

# Names an out-of-scope topic where a collision names an entry.
OUT_OF_SCOPE_PREFIX = "out_of_scope:"


@dataclass(frozen=True)
class Collision:
    entry_a: str
    text_a: str
    entry_b: str
    text_b: str
    score: float


# A key shared by more texts than this says nothing about any two of them ("kita").
MAX_POSTING = 400


def _keys(text: str) -> set[str]:
    """Words and word beginnings and endings: two wordings that differ in a typo or an ending
    still share most of them."""
    keys = set()
    for token in text.split():
        keys.add(token)
        if len(token) >= 5:
            keys.add(token[:4] + "…")
            keys.add("…" + token[-4:])
    return keys


def _near_pairs(texts: list[str], threshold: float) -> list[tuple[int, int, float]]:
    """(i, j, score) with i < j and fuzz.ratio >= threshold, found through an inverted index
    of `_keys` instead of all pairs: each text is scored (in C) only against the texts that
    share a telling key with it, so the work grows with the texts, not with their square."""
    postings: dict[str, list[int]] = defaultdict(list)
    text_keys = [_keys(t) for t in texts]
    for i, keys in enumerate(text_keys):
        for key in keys:
            postings[key].append(i)
    pairs = []
    for i, keys in enumerate(text_keys):
        later: set[int] = set()
        for key in keys:
            posting = postings[key]
            if len(posting) <= MAX_POSTING:
                later.update(j for j in posting if j > i)
        if not later:
            continue
        candidates = sorted(later)
        scores = process.cdist([texts[i]], [texts[j] for j in candidates], scorer=fuzz.ratio,
                               score_cutoff=threshold, dtype=np.uint8, workers=1)[0]
        pairs += [(i, candidates[k], float(scores[k])) for k in np.flatnonzero(scores)]
    return pairs


def near_identical_alternates(kb: KnowledgeBase, threshold: float = 92.0) -> list[Collision]:
    """Pairs of question/alternate texts from different entries, or from an entry and an
    out-of-scope topic, scoring >= threshold (0-100)."""
    vocab = Vocabulary.build(kb.synonyms, kb.stopwords)
    texts: list[str] = []
    raw: list[str] = []
    owners: list[str] = []
    sources = [(entry.id, (entry.question, *entry.alternates)) for entry in kb.served_entries]
    # An out-of-scope example that reads like an alternate would decline that entry's questions.
    sources += [(OUT_OF_SCOPE_PREFIX + topic.id, topic.questions) for topic in kb.out_of_scope]
    for owner, variants in sources:
        for text in variants:
            analysed = vocab.analyse(text)
            if analysed:
                texts.append(analysed)
                raw.append(text)
                owners.append(owner)
    collisions = []
    for i, j, score in _near_pairs(texts, threshold):
        both_out_of_scope = owners[i].startswith(OUT_OF_SCOPE_PREFIX) and owners[j].startswith(
            OUT_OF_SCOPE_PREFIX)
        if owners[i] != owners[j] and not both_out_of_scope:
            collisions.append(Collision(owners[i], raw[i], owners[j], raw[j], score))
    collisions.sort(key=lambda c: (-c.score, c.entry_a, c.entry_b))
    return collisions
