"""Score a question against the index: word TF-IDF (stemmed, synonyms canonicalised), character
n-gram TF-IDF (typos, compounds) and, for the best few candidates, rapidfuzz. An entry's score
is the best of its texts plus a little evidence from its answer, scaled by how much of the
question the knowledge base knows at all. One score in [0, 1] per entry and per topic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from thekiz_bot.matching.index import Index
from thekiz_bot.matching.semantic import SemanticSignal
from thekiz_bot.text.normalise import Vocabulary, normalise

TOPIC_FUZZY_CANDIDATES = 3


@dataclass(frozen=True)
class Weights:
    word: float = 0.30
    char: float = 0.30
    fuzzy: float = 0.30
    answer: float = 0.20
    # Exponent of the share of known query words that scales every score.
    coverage: float = 0.5
    # Added to entries tagged "regional" when the question names a Landkreis or city.
    region: float = 0.10
    # Exponent of the share of the question's known words (idf-weighted) an entry contains.
    entry_coverage: float = 0.5


def top_positions(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k highest scores, unordered (all of them when there are fewer)."""
    k = min(k, len(scores))
    if k == 0:
        return np.arange(0)
    if k == len(scores):
        return np.arange(len(scores))
    return np.argpartition(-scores, k - 1)[:k]


@dataclass(frozen=True)
class Scorer:
    index: Index
    vocab: Vocabulary
    weights: Weights
    # 1.0 for entries tagged "regional": they gain when the question names a region.
    regional_mask: np.ndarray
    fuzzy_candidates: int = 10
    # The optional third signal (matching/semantic.py), fused into the best candidates' scores.
    semantic: SemanticSignal | None = None

    def with_queries(self, questions: Sequence[str]) -> Scorer:
        """The same scorer with these questions' embeddings made in one batch (a no-op
        without the semantic signal)."""
        if self.semantic is None:
            return self
        return replace(self, semantic=self.semantic.with_queries(questions))

    def correct_typos(self, tokens: list[str]) -> list[str]:
        """Replace unknown tokens by a known word one or two edits away (same first letter)."""
        known = self.index.vocabulary_set
        out = []
        for token in tokens:
            if token in known or len(token) < 5 or token.isdigit():
                out.append(token)
                continue
            # Short words tolerate one typo, longer ones two; more turns "witz" into "sitz".
            max_edits = 1 if len(token) < 8 else 2
            bucket = self.index.vocabulary_by_initial.get(token[0], [])
            best = process.extractOne(
                token, bucket, scorer=Levenshtein.distance, score_cutoff=max_edits
            )
            out.append(best[0] if best is not None else token)
        return out

    def analyse_query(self, question: str) -> tuple[str, str, float, float]:
        """(analysed text, text with typos corrected, share of its words the entries know,
        share of its words entries or out-of-scope topics know)."""
        index = self.index
        tokens = self.vocab.content_tokens(normalise(question))
        corrected = self.correct_typos(tokens)
        if not corrected:
            return "", "", 0.0, 0.0
        in_entries = sum(t in index.entry_vocabulary for t in corrected) / len(corrected)
        anywhere = sum(t in index.vocabulary_set for t in corrected) / len(corrected)
        return " ".join(tokens), " ".join(corrected), in_entries, anywhere

    def scores(
        self, question: str, region_named: bool = False, exclude: int | None = None
    ) -> tuple[np.ndarray, list[str]]:
        """One score per served entry, then one per out-of-scope topic, each in [0, 1]; and
        the question's content words, typos corrected (what the calibration's evidence reads).
        `exclude` is an indexed text to score as if it had never been indexed (leave-one-out
        calibration asks an entry's own phrasings)."""
        index = self.index
        n_entries = index.n_entries
        plain, corrected, coverage, topic_coverage = self.analyse_query(question)
        if not plain:
            return np.zeros(len(index.starts), dtype=np.float32), []
        w = self.weights

        word_q = index.query.word_vector(corrected)
        word_sim = index.word_matrix.dot(*word_q)
        char_sim = self.char_similarity(plain)
        if corrected != plain:
            char_sim = np.maximum(char_sim, self.char_similarity(corrected))
        answer_sim = index.answer_matrix.dot(*word_q)

        variant_score = (w.word * word_sim + w.char * char_sim).astype(np.float32)
        left_out = index.owner(exclude) if exclude is not None else -1
        if exclude is not None:
            variant_score[exclude] = 0.0
        # An entry's variants are one contiguous slice: its score is the best of that slice.
        entry_best = np.maximum.reduceat(variant_score, index.starts)
        scores = entry_best + w.answer * answer_sim.astype(np.float32)
        # rapidfuzz only for the few entries (and topics) that can still win: it is the
        # expensive part.
        top = np.concatenate([
            top_positions(scores[:n_entries], self.fuzzy_candidates),
            n_entries + top_positions(scores[n_entries:], TOPIC_FUZZY_CANDIDATES),
        ])
        known = [t for t in set(corrected.split()) if t in index.token_idf]
        known_mass = sum(index.token_idf[t] for t in known)
        for pos, fuzzy in zip(top, self.fuzzy(plain, top.tolist(), exclude), strict=True):
            scores[pos] += w.fuzzy * fuzzy
            if known_mass and w.entry_coverage:
                # How much of what the question is about does this entry know at all?
                tokens = (index.tokens_without(pos, exclude) if pos == left_out and exclude is not None
                          else index.entry_tokens[pos])
                mass = sum(index.token_idf[t] for t in known if t in tokens)
                scores[pos] *= (mass / known_mass) ** w.entry_coverage
        # Words the knowledge base has never seen ("Kindergeld", "Wetter") mean the question is
        # about something else, however well its remaining words match.
        scores[:n_entries] *= coverage**w.coverage
        scores[n_entries:] *= topic_coverage**w.coverage
        if region_named:
            scores[:n_entries] += w.region * self.regional_mask
        if self.semantic is not None:
            scores = self.semantic.fuse(scores, top, self.semantic.similarity(question, top, exclude))
        return np.clip(scores, 0.0, 1.0), corrected.split()

    def char_similarity(self, analysed: str) -> np.ndarray:
        return self.index.char_matrix.dot(*self.index.query.char_vector(analysed))

    def fuzzy(self, plain: str, positions: Sequence[int], exclude: int | None = None
              ) -> list[float]:
        """Per entry or topic in `positions`: the best rapidfuzz similarity in [0, 1] of the
        question to one of its texts (but `exclude`), `ratio` or a coverage-weighted
        `token_set_ratio`. All texts in one call: per-pair calls from Python cost more than
        the scoring."""
        index = self.index
        choices: list[str] = []
        bounds = [0]
        for pos in positions:
            start = int(index.starts[pos])
            texts = index.variants(pos)
            if exclude is not None and start <= exclude < start + len(texts):
                texts = texts[:exclude - start] + texts[exclude - start + 1:]
            choices += texts
            bounds.append(len(choices))
        if not choices:
            return [0.0] * len(positions)
        ratio = process.cdist([plain], choices, scorer=fuzz.ratio, dtype=np.float64)[0]
        token_set = process.cdist([plain], choices, scorer=fuzz.token_set_ratio,
                                  dtype=np.float64)[0]
        # token_set is 100 for any subset; weigh it by how much of the query it covers.
        lengths = np.array([len(text) for text in choices])
        coverage = np.minimum(len(plain), lengths) / np.maximum(np.maximum(len(plain), lengths), 1)
        best = np.maximum(ratio, token_set * (0.5 + 0.5 * coverage))
        return [float(best[a:b].max()) / 100.0 if b > a else 0.0
                for a, b in zip(bounds, bounds[1:], strict=False)]
