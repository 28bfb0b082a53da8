"""Near-identical wordings of different entries, found through an index instead of all pairs:
the same warnings as comparing every pair."""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
from rapidfuzz import fuzz, process

from tests.helpers.kb import REAL_KNOWLEDGE
from thekiz_bot.authoring import ambiguity
from thekiz_bot.knowledge.loader import load_knowledge
from thekiz_bot.knowledge.model import FaqEntry


def all_pairs(texts: list[str], threshold: float) -> list[tuple[int, int, float]]:
    matrix = process.cdist(texts, texts, scorer=fuzz.ratio, score_cutoff=threshold,
                           dtype=np.uint8, workers=1)
    return [(int(i), int(j), float(matrix[i, j])) for i, j in zip(*np.nonzero(matrix),
                                                                     strict=True) if i < j]


def _typo(rng: random.Random, text: str) -> str:
    chars = list(text)
    i = rng.randrange(len(chars))
    if rng.random() < 0.5:
        del chars[i]
    else:
        chars.insert(i, rng.choice("aeiknrst"))
    return "".join(chars)


def test_index_finds_the_same_pairs_as_all_pairs() -> None:
    kb = load_knowledge(REAL_KNOWLEDGE)
    rng = random.Random(3)
    texts = [t for e in kb.served_entries for t in (e.question, *e.alternates)]
    # The real wordings, and copies with one typo each: near-identical by construction.
    texts += [_typo(rng, rng.choice(texts)) for _ in range(400)]
    for threshold in (85.0, 92.0):
        assert ambiguity._near_pairs(texts, threshold) == all_pairs(texts, threshold)


def test_near_identical_wordings_of_two_entries_are_reported() -> None:
    kb = load_knowledge(REAL_KNOWLEDGE)
    first = kb.served_entries[0]
    twin = FaqEntry(id="zwilling", question=first.question + "?", alternates=(),
                    answer="Eine andere Antwort.")
    collisions = ambiguity.near_identical_alternates(replace(kb, entries=(*kb.entries, twin)))
    assert any({c.entry_a, c.entry_b} == {first.id, "zwilling"} for c in collisions)
