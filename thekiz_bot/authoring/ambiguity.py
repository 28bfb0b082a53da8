"""Find alternates of different entries that are so alike the matcher cannot tell them apart."""

from __future__ import annotations

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
    if not texts:
        return []
    matrix = process.cdist(texts, texts, scorer=fuzz.ratio, score_cutoff=threshold,
                           dtype=np.uint8, workers=1)
    collisions = []
    for i, j in zip(*np.nonzero(matrix), strict=True):
        both_out_of_scope = owners[i].startswith(OUT_OF_SCOPE_PREFIX) and owners[j].startswith(
            OUT_OF_SCOPE_PREFIX)
        if i < j and owners[i] != owners[j] and not both_out_of_scope:
            collisions.append(Collision(owners[i], raw[i], owners[j], raw[j], float(matrix[i, j])))
    collisions.sort(key=lambda c: (-c.score, c.entry_a, c.entry_b))
    return collisions
