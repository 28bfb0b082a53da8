"""Near misses in the knowledge base's own words, for the calibration to learn from.

The knowledge base's out-of-scope examples and the everyday background questions are mostly far
from its entries; the out-of-scope questions that get answered wrongly are near ones: "Wie viele
Betreuungsplätze hat die Kita Spatzennest?" is framed like an entry's question, and only its
subject is something the knowledge base never mentions. Such questions are made from the
knowledge base's own phrasings by putting, in place of the word that says most what the
phrasing is about (the rarest one), a word that neither the entries nor the out-of-scope
topics know (taken from the background questions). The calibration so learns that a question
whose decisive word nothing in the knowledge base knows is not answered by the entry that
matches the rest of it; and, from the same phrasings with a foreign word added but their own
kept, that an unknown word besides the subject ("in Pößneck", "eigentlich") changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from thekiz_bot.matching.index import Index
from thekiz_bot.text.normalise import Vocabulary, normalise

# Short words ("Kuh", "Bus") are corrected into known ones by the typo correction.
MIN_FOREIGN_LENGTH = 6


def foreign_words(index: Index, vocab: Vocabulary, background: Sequence[str]) -> list[str]:
    """Words of the background questions (as typed) that nothing in the knowledge base knows."""
    found: dict[str, None] = {}
    for sentence in background:
        for word in normalise(sentence).split():
            tokens = vocab.content_tokens(word)
            if (len(word) >= MIN_FOREIGN_LENGTH and len(tokens) == 1
                    and tokens[0] not in index.vocabulary_set):
                found[word] = None
    return list(found)


def with_foreign_subject(
    text: str, index: Index, vocab: Vocabulary, foreign: Sequence[str], rng: np.random.Generator
) -> str | None:
    """`text` with its rarest known word replaced by a foreign one (None if it has none)."""
    words = normalise(text).split()
    best, best_idf = -1, 0.0
    for i, word in enumerate(words):
        for token in vocab.content_tokens(word):
            idf = index.token_idf.get(token, 0.0)
            if token in index.entry_vocabulary and idf > best_idf:
                best, best_idf = i, idf
    if best < 0 or not foreign:
        return None
    words[best] = foreign[int(rng.integers(len(foreign)))]
    return " ".join(words)



def with_word(text: str, words: Sequence[str], rng: np.random.Generator) -> str | None:
    """`text` with one of `words` added somewhere: a question about the same thing with a word
    of its own, as real questions have ("in Sömmerda", "eigentlich", a typo)."""
    if not words:
        return None
    out = normalise(text).split()
    out.insert(int(rng.integers(len(out) + 1)), words[int(rng.integers(len(words)))])
    return " ".join(out)
