"""Confidence as a probability, learned from the knowledge base itself when the index is built.

Each sampled phrasing of an entry is asked against the index as if it had never been indexed
(leave-one-out), and each out-of-scope example and some everyday questions are asked too. From
the shape of each ranking (best score, lead over the runner-up, distance to the nearest
out-of-scope topic, length) three logistic models learn: how likely the first entry is the right
one, how likely the second is, and how likely the right one is among the first three. Any
knowledge base, a new one, a changed one, one with only questions and answers, so gets
probabilities that fit it, without thresholds tuned by hand for one knowledge base.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression

from thekiz_bot.knowledge.model import FaqEntry, OutOfScopeTopic
from thekiz_bot.matching.index import entry_variants
from thekiz_bot.matching.scoring import Scorer, top_positions

# Enough samples for three small logistic models; bounded so that a 100,000-entry knowledge
# base still builds within a minute.
MAX_IN_SCOPE_SAMPLES = 500
MAX_OUT_OF_SCOPE_SAMPLES = 200
MAX_BACKGROUND_SAMPLES = 100
# Long questions carry context that dilutes every similarity; beyond this length it no longer
# changes how a score should be read.
LONG_QUESTION = 12
FEATURES = ("best", "lead", "lead over out-of-scope", "out-of-scope", "length")


def ranking_features(best: float, second: float, out_of_scope: float, words: int) -> np.ndarray:
    """What the calibration reads from one ranking."""
    return np.array(
        [best, best - second, best - out_of_scope, out_of_scope,
         min(words, LONG_QUESTION) / LONG_QUESTION],
        dtype=np.float64,
    )


@dataclass(frozen=True)
class Logistic:
    """A fitted logistic model as plain arrays: cheap per question, picklable, no sklearn calls."""

    coef: np.ndarray
    intercept: float

    def __call__(self, features: np.ndarray) -> float:
        return float(1.0 / (1.0 + np.exp(-(features @ self.coef + self.intercept))))

    @classmethod
    def fit(cls, x: np.ndarray, y: np.ndarray, weights: np.ndarray) -> Logistic:
        if y.min() == y.max():
            # Nothing to tell apart (a tiny knowledge base): the base rate, whatever the ranking.
            rate = (y.sum() + 1) / (len(y) + 2)
            return cls(np.zeros(x.shape[1]), float(np.log(rate / (1 - rate))))
        model = LogisticRegression(C=1.0, max_iter=1000).fit(x, y, sample_weight=weights)
        return cls(model.coef_[0].astype(np.float64), float(model.intercept_[0]))


@dataclass(frozen=True)
class Confidence:
    first: float    # the first entry is the right one
    second: float   # the second entry is the right one
    top3: float     # the right entry is among the first three


@dataclass(frozen=True)
class Calibration:
    first: Logistic
    second: Logistic
    top3: Logistic
    samples: int
    # Share of sampled in-scope phrasings whose own entry came first (leave-one-out top-1).
    loo_top1: float

    def confidence(self, features: np.ndarray) -> Confidence:
        return Confidence(self.first(features), self.second(features), self.top3(features))


@dataclass(frozen=True)
class _Sample:
    text: str
    owner: int | None      # entry position, None for a question out of scope
    exclude: int | None    # indexed text to leave out


DROPPED_SHARE = 0.4


def _drop_words(text: str, rng: np.random.Generator) -> str:
    words = text.split()
    if len(words) <= 2:
        return text
    keep = rng.random(len(words)) >= DROPPED_SHARE
    if keep.sum() < 2:
        keep[rng.choice(len(words), size=2, replace=False)] = True
    return " ".join(w for w, k in zip(words, keep, strict=True) if k)


def _samples(
    scorer: Scorer,
    entries: Sequence[FaqEntry],
    topics: Sequence[OutOfScopeTopic],
    background: Sequence[str],
    rng: np.random.Generator,
) -> list[_Sample]:
    index, vocab = scorer.index, scorer.vocab
    in_scope: list[_Sample] = []
    out_of_scope: list[_Sample] = []
    sources = [(entry_variants(e), pos) for pos, e in enumerate(entries)]
    sources += [(list(t.questions), len(entries) + i) for i, t in enumerate(topics)]
    for phrasings, pos in sources:
        start, texts = int(index.starts[pos]), index.variants(pos)
        owner = pos if pos < len(entries) else None
        pool = in_scope if owner is not None else out_of_scope
        for phrasing in phrasings:
            analysed = vocab.analyse(phrasing)
            if analysed not in texts:
                continue
            if len(texts) > 1:
                pool.append(_Sample(phrasing, owner, start + texts.index(analysed)))
            else:
                # The only phrasing (a new entry: question and answer): leaving it out would
                # leave nothing to find. Ask it with some of its words missing instead, the
                # commonest way a real question differs from the written one.
                pool.append(_Sample(_drop_words(phrasing, rng), owner, None))
    picked: list[_Sample] = []
    for pool, limit in ((in_scope, MAX_IN_SCOPE_SAMPLES),
                        (out_of_scope, MAX_OUT_OF_SCOPE_SAMPLES)):
        chosen = rng.choice(len(pool), size=min(limit, len(pool)), replace=False)
        picked += [pool[i] for i in sorted(chosen)]
    chosen = rng.choice(len(background), size=min(MAX_BACKGROUND_SAMPLES, len(background)),
                        replace=False)
    picked += [_Sample(background[i], None, None) for i in sorted(chosen)]
    return picked


def observe(scorer: Scorer, question: str, exclude: int | None = None
            ) -> tuple[np.ndarray, list[int]]:
    """The calibration features of a question and the positions of its best three entries."""
    scores, words = scorer.scores(question, exclude=exclude)
    n_entries = scorer.index.n_entries
    entry_scores = scores[:n_entries]
    top = sorted(top_positions(entry_scores, 3), key=lambda i: (-entry_scores[i], i))
    ranked = [int(i) for i in top if entry_scores[i] > 0]
    best = float(entry_scores[ranked[0]]) if ranked else 0.0
    second = float(entry_scores[ranked[1]]) if len(ranked) > 1 else 0.0
    oos = float(scores[n_entries:].max()) if len(scores) > n_entries else 0.0
    return ranking_features(best, second, oos, words), ranked


def calibrate(
    scorer: Scorer,
    entries: Sequence[FaqEntry],
    topics: Sequence[OutOfScopeTopic],
    background: Sequence[str],
    extra: Sequence[tuple[str, int | None]] = (),
) -> Calibration:
    """Fit the three models on the knowledge base's own phrasings (left out one at a time), its
    out-of-scope examples, some everyday questions and `extra` (question, entry position or
    None for out of scope: e.g. questions the Fachstelle labelled in the chat)."""
    rng = np.random.default_rng(0)
    samples = _samples(scorer, entries, topics, background, rng)
    samples += [_Sample(text, owner, None) for text, owner in extra]
    rows, first, second, top3 = [], [], [], []
    for sample in samples:
        features, ranked = observe(scorer, sample.text, sample.exclude)
        rows.append(features)
        first.append(sample.owner is not None and ranked[:1] == [sample.owner])
        second.append(sample.owner is not None and ranked[1:2] == [sample.owner])
        top3.append(sample.owner is not None and sample.owner in ranked)
    # Two anchors keep a tiny knowledge base sane: an exact, unrivalled match is right, and a
    # question matching nothing is not.
    rows += [ranking_features(1.0, 0.0, 0.0, 3), ranking_features(0.0, 0.0, 0.0, 3)]
    first += [True, False]
    second += [False, False]
    top3 += [True, False]
    x = np.vstack(rows)
    in_scope = [s.owner is not None for s in samples]
    # In-scope and out-of-scope questions weigh the same in total, however many of each the
    # knowledge base happens to have: the prior is "as likely in as out of scope".
    n_in, n_out = max(1, sum(in_scope)), max(1, len(samples) - sum(in_scope))
    weights = np.array([0.5 / n_in if i else 0.5 / n_out for i in in_scope] + [0.01, 0.01])
    weights *= len(weights) / weights.sum()
    loo_top1 = (sum(f for f, i in zip(first, in_scope, strict=False) if i)
                / max(1, sum(in_scope)))
    return Calibration(
        first=Logistic.fit(x, np.array(first, dtype=int), weights),
        second=Logistic.fit(x, np.array(second, dtype=int), weights),
        top3=Logistic.fit(x, np.array(top3, dtype=int), weights),
        samples=len(samples),
        loo_top1=float(loo_top1),
    )
