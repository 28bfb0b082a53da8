"""Confidence as a probability, learned from the knowledge base itself when the index is built.

Each sampled phrasing of an entry is asked against the index as if it had never been indexed
(leave-one-out); an entry with a single phrasing is asked it with words missing and the first
sentence of its answer, a question in other words. Each out-of-scope example and some everyday
questions are asked too, some of all of these once more after a sentence of context, as real
messages come, and near misses made from the sampled phrasings (matching/negatives.py): their
rarest word replaced by one nobody knows (out of scope), or a word nobody knows added (still in
scope). From the shape of each ranking (best score, lead over the runner-up, distance to the
nearest out-of-scope topic, length) and from how much of the question the best entry covers
(matching/evidence.py, judged without the text a sample was taken from), three logistic models
learn: how likely the first entry is the right one, how likely the second is, and how likely the
right one is among the first three. Any knowledge base, a new one, a changed one, one with only
questions and answers, so gets probabilities that fit it, without thresholds tuned by hand for
one knowledge base.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from thekiz_bot.authoring.handbook_markup import split_sentences
from thekiz_bot.knowledge.model import FaqEntry, OutOfScopeTopic
from thekiz_bot.matching.evidence import (
    COVERED,
    EVIDENCE,
    UNCOVERED,
    AsNew,
    WordCounts,
    evidence_features,
    unseen_idf,
)
from thekiz_bot.matching.index import Index, entry_variants
from thekiz_bot.matching.negatives import foreign_words, with_foreign_subject, with_word
from thekiz_bot.matching.scoring import Scorer, top_positions
from thekiz_bot.text.normalise import normalise

# How the matcher reads a message: the text it ranks and whether the message named a region
# (Matcher._read). The calibration reads its sample questions the same way.
Reader = Callable[[str], tuple[str, bool]]


def plain_reading(text: str) -> tuple[str, bool]:
    """A message as a knowledge base without regions reads it."""
    return text, False

# Enough samples for three small logistic models; bounded so that a 100,000-entry knowledge
# base still builds within a minute.
MAX_IN_SCOPE_SAMPLES = 500
MAX_OUT_OF_SCOPE_SAMPLES = 200
MAX_BACKGROUND_SAMPLES = 100
# Long questions carry context that dilutes every similarity; beyond this length it no longer
# changes how a score should be read.
LONG_QUESTION = 12
FEATURES = ("best", "lead", "lead over out-of-scope", "out-of-scope", "length", *EVIDENCE)


def ranking_features(best: float, second: float, out_of_scope: float, words: int,
                     evidence: np.ndarray) -> np.ndarray:
    """What the calibration reads from one ranking and from how much of the question its best
    entry covers (matching/evidence.py)."""
    shape = [best, best - second, best - out_of_scope, out_of_scope,
             min(words, LONG_QUESTION) / LONG_QUESTION]
    return np.concatenate([np.array(shape, dtype=np.float64), evidence])


@dataclass(frozen=True)
class Logistic:
    """A fitted logistic model as plain arrays: cheap per question, picklable, no sklearn calls."""

    coef: np.ndarray
    intercept: float

    def __call__(self, features: np.ndarray) -> float:
        return float(1.0 / (1.0 + np.exp(-(features @ self.coef + self.intercept))))

    @classmethod
    def fit(cls, x: np.ndarray, y: np.ndarray, weights: np.ndarray) -> Logistic:
        # Imported here, at build time only: a matcher read from the index cache needs no
        # scikit-learn (it costs about a second of start-up).
        from sklearn.linear_model import LogisticRegression

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
    # Share of sampled in-scope questions whose own entry came first (leave-one-out top-1).
    loo_top1: float
    # The weight of a word no entry knows (matching/evidence.py).
    unseen_idf: float

    def confidence(self, features: np.ndarray) -> Confidence:
        return Confidence(self.first(features), self.second(features), self.top3(features))


@dataclass(frozen=True)
class _Sample:
    text: str
    owner: int | None      # entry position, None for a question out of scope
    exclude: int | None    # indexed text to leave out


DROPPED_SHARE = 0.4
# Questions drawn per entry with a single phrasing (each with other words missing).
SINGLE_DRAWS = 3
# An answer's sentence of fewer content words ("Ja.", a bare link) is no question in other words.
MIN_WORDS = 3


# Sentences on who and where someone is, nothing on what they ask: the context a real message
# puts before its question. Places are the knowledge base's regions (the matcher takes their
# names out, and so sees what a real message leaves).
CONTEXT_OPENERS = (
    "Ich arbeite in einer Kita in {place}.",
    "Wir sind eine kleine Einrichtung in {place} und haben eine Frage.",
    "Hallo, ich bin neu als Leitung in {place}.",
    "Ich schreibe für unser Team in {place}, bei uns kam das gestern auf.",
    "Guten Tag, wir sind ein Träger aus {place}.",
    "Bei uns in {place} überlegen wir gerade, wie wir weitermachen.",
)
# The share of the sampled questions (in scope, out of scope, everyday alike, so that context
# itself says nothing about the answer) asked once more with context; the 100,000-entry build
# pays for each. At 0.6 the tuning splits got a few more direct answers, the cold knowledge
# base more wrong ones too.
CONTEXT_SHARE = 0.3


def _drop_words(text: str, rng: np.random.Generator) -> str:
    words = text.split()
    if len(words) <= 2:
        return text
    keep = rng.random(len(words)) >= DROPPED_SHARE
    if keep.sum() < 2:
        keep[rng.choice(len(words), size=2, replace=False)] = True
    return " ".join(w for w, k in zip(words, keep, strict=True) if k)


def _draws(text: str, rng: np.random.Generator) -> list[str]:
    """Up to SINGLE_DRAWS different shortenings of a text (a short one has only itself)."""
    return list(dict.fromkeys(_drop_words(text, rng) for _ in range(SINGLE_DRAWS)))


def _samples(
    scorer: Scorer,
    entries: Sequence[FaqEntry],
    topics: Sequence[OutOfScopeTopic],
    background: Sequence[str],
    rng: np.random.Generator,
    places: Sequence[str],
) -> list[_Sample]:
    index, vocab = scorer.index, scorer.vocab
    in_scope: list[_Sample] = []
    out_of_scope: list[_Sample] = []
    sources = [(entry_variants(e), pos) for pos, e in enumerate(entries)]
    sources += [(list(t.questions), len(entries) + i) for i, t in enumerate(topics)]
    # A text several entries share (a section heading the importer gave every draft of that
    # section) names none of them: each asks it against the full index, which teaches that a
    # tie is right one time in as many as tie; and an entry whose only text of its own is its
    # question is treated as having a single phrasing.
    sharing = Counter(text for pos in range(len(entries)) for text in set(index.variants(pos)))
    for phrasings, pos in sources:
        start, texts = int(index.starts[pos]), index.variants(pos)
        owner = pos if pos < len(entries) else None
        pool = in_scope if owner is not None else out_of_scope
        own = [text for text in texts if owner is None or sharing[text] == 1]
        for phrasing in phrasings:
            analysed = vocab.analyse(phrasing)
            if analysed not in texts:
                continue
            if analysed not in own:
                pool.append(_Sample(phrasing, owner, None))
            elif len(own) > 1:
                pool.append(_Sample(phrasing, owner, start + texts.index(analysed)))
            else:
                # The only phrasing (a new entry: question and answer): leaving it out would
                # leave nothing to find. Ask it with some of its words missing instead, the
                # commonest way a real question differs from the written one ...
                pool += [_Sample(text, owner, None) for text in _draws(phrasing, rng)]
        if owner is not None and len(own) <= 1:
            # ... and ask what its answer says first, likewise shortened: a question in other
            # words than the written one, as a real question's often are. Without it, every
            # such question was found by its own words, and a real one that was not looked
            # like an out-of-scope question (a cold knowledge base ran low: issue 12).
            sentences = split_sentences(entries[pos].answer)
            if sentences and len(vocab.content_tokens(normalise(sentences[0]))) >= MIN_WORDS:
                pool += [_Sample(text, owner, None) for text in _draws(sentences[0], rng)]
    everyday = [_Sample(text, None, None) for text in background]
    picked: list[_Sample] = []
    for pool, limit in ((in_scope, MAX_IN_SCOPE_SAMPLES), (out_of_scope, MAX_OUT_OF_SCOPE_SAMPLES),
                        (everyday, MAX_BACKGROUND_SAMPLES)):
        chosen = [pool[i] for i in sorted(rng.choice(len(pool), size=min(limit, len(pool)),
                                                     replace=False))]
        picked += chosen
        with_context = rng.choice(len(chosen), size=round(CONTEXT_SHARE * len(chosen)),
                                  replace=False)
        picked += _in_context([chosen[i] for i in sorted(with_context)], places, rng)
    return picked


def _in_context(samples: Sequence[_Sample], places: Sequence[str], rng: np.random.Generator
                ) -> list[_Sample]:
    """The same questions as a coordinator writes them: after a sentence on who and where
    they are. Learned from short, clean phrasings alone, a right answer diluted by context
    looked like a question out of scope (issue 12)."""
    out = []
    for sample in samples:
        opener = CONTEXT_OPENERS[int(rng.integers(len(CONTEXT_OPENERS)))]
        place = places[int(rng.integers(len(places)))] if places else "Thüringen"
        out.append(_Sample(f"{opener.format(place=place)} {sample.text}", sample.owner,
                           sample.exclude))
    return out


def observe(scorer: Scorer, question: str, exclude: int | None, sources: _Sources,
            read: Reader = plain_reading) -> tuple[np.ndarray, list[int]]:
    """The calibration features of a question and the positions of its best three entries, as
    if indexed text `exclude` had never been indexed."""
    text, region_named = read(question)
    scores, tokens = scorer.scores(text, region_named, exclude)
    n_entries = scorer.index.n_entries
    entry_scores = scores[:n_entries]
    top = sorted(top_positions(entry_scores, 3), key=lambda i: (-entry_scores[i], i))
    ranked = [int(i) for i in top if entry_scores[i] > 0]
    best = float(entry_scores[ranked[0]]) if ranked else 0.0
    second = float(entry_scores[ranked[1]]) if len(ranked) > 1 else 0.0
    oos = float(scores[n_entries:].max()) if len(scores) > n_entries else 0.0
    first = ranked[0] if ranked else None
    topic = n_entries + int(np.argmax(scores[n_entries:])) if len(scores) > n_entries else None
    evidence = evidence_features(scorer.index, tokens, first, topic, sources.rare,
                                 sources.as_new(tokens, exclude, first))
    return ranking_features(best, second, oos, len(tokens), evidence), ranked


@dataclass(frozen=True)
class _Sources:
    """Where a sampled question came from, so that its evidence can be judged without it."""

    index: Index
    counts: WordCounts
    rare: float

    def as_new(self, tokens: list[str], exclude: int | None, best: int | None) -> AsNew:
        index = self.index
        if exclude is not None:
            owner = index.owner(exclude)
            hidden = (self.counts.only_in(set(index.texts[exclude].split()))
                      if owner < index.n_entries else frozenset())
            return AsNew(hidden, {owner: index.tokens_without(owner, exclude)})
        if best is None:
            return AsNew()
        # A question drawn from an entry's only phrasing or from its answer: found by the very
        # words it was taken from. Its evidence is judged without them, as a real question's
        # is judged without the phrasing nobody but the author saw.
        words = set(tokens)
        start = int(index.starts[best])
        for i, text in enumerate(index.variants(best)):
            own = set(text.split())
            if words <= own:
                return AsNew(self.counts.only_in(own), {best: index.tokens_without(best, start + i)})
        answer = index.answer_tokens[best]
        if words <= answer:
            rest = frozenset(t for text in index.variants(best) for t in text.split())
            return AsNew(self.counts.only_in(answer), {best: rest})
        return AsNew()


@dataclass(frozen=True)
class TrainingSet:
    """What the calibration learns from: one row of features per asked question."""

    x: np.ndarray
    first: np.ndarray     # the first entry was the asked one
    second: np.ndarray    # the second entry was
    top3: np.ndarray      # it was among the first three
    in_scope: np.ndarray  # the question belongs to an entry

    @property
    def weights(self) -> np.ndarray:
        # In-scope and out-of-scope questions weigh the same in total, however many of each the
        # knowledge base happens to have: the prior is "as likely in as out of scope".
        n_in, n_out = max(1, int(self.in_scope.sum())), max(1, int((~self.in_scope).sum()))
        weights: np.ndarray = np.where(self.in_scope, 0.5 / n_in, 0.5 / n_out)
        return weights * (len(weights) / float(weights.sum()))


# Near misses drawn from the sampled in-scope questions: out of scope (a foreign subject) and in
# scope (a foreign word besides). More out-of-scope ones made the calibration shy of every
# question with an unknown word (dev: fewer right answers, hardly more rejections).
MAX_NEAR_MISSES = 20
MAX_WITH_FOREIGN = 100


def _near_misses(scorer: Scorer, samples: Sequence[_Sample], background: Sequence[str],
                 rng: np.random.Generator) -> list[_Sample]:
    """Questions made from sampled in-scope ones (matching/negatives.py), each asked, like its
    model, without the phrasing it was made from: with a foreign subject (out of scope) and
    with a foreign word besides (in scope, so that an unknown word alone does not decline)."""
    foreign = foreign_words(scorer.index, scorer.vocab, background)
    models = [s for s in samples if s.owner is not None]
    chosen = rng.choice(len(models), size=min(MAX_NEAR_MISSES, len(models)), replace=False)
    made = []
    for i in sorted(chosen):
        text = with_foreign_subject(models[i].text, scorer.index, scorer.vocab, foreign, rng)
        if text is not None:
            made.append(_Sample(text, None, models[i].exclude))
    chosen = rng.choice(len(models), size=min(MAX_WITH_FOREIGN, len(models)), replace=False)
    for i in sorted(chosen):
        text = with_word(models[i].text, foreign, rng)
        if text is not None:
            made.append(_Sample(text, models[i].owner, models[i].exclude))
    return made


def training_set(
    scorer: Scorer,
    entries: Sequence[FaqEntry],
    topics: Sequence[OutOfScopeTopic],
    background: Sequence[str],
    extra: Sequence[tuple[str, int | None]] = (),
    read: Reader = plain_reading,
    places: Sequence[str] = (),
) -> TrainingSet:
    """Ask the knowledge base its own phrasings (each left out of the index in turn), its
    out-of-scope examples, some everyday questions and `extra` (question, entry position or
    None for out of scope: e.g. questions the Fachstelle labelled in the chat)."""
    rng = np.random.default_rng(0)
    samples = _samples(scorer, entries, topics, background, rng, places)
    samples += [_Sample(text, owner, None) for text, owner in extra]
    samples += _near_misses(scorer, samples, background, rng)
    # With the semantic signal, the samples are embedded in one batch, not one by one: as the
    # scorer is asked them, read as the matcher reads a message.
    scorer = scorer.with_queries([read(sample.text)[0] for sample in samples])
    rows, first, second, top3, in_scope = [], [], [], [], []
    sources = _Sources(scorer.index, WordCounts.of(scorer.index), unseen_idf(scorer.index))
    for sample in samples:
        features, ranked = observe(scorer, sample.text, sample.exclude, sources, read)
        rows.append(features)
        first.append(sample.owner is not None and ranked[:1] == [sample.owner])
        second.append(sample.owner is not None and ranked[1:2] == [sample.owner])
        top3.append(sample.owner is not None and sample.owner in ranked)
        in_scope.append(sample.owner is not None)
    return TrainingSet(
        x=np.vstack(rows) if rows else np.zeros((0, len(FEATURES))),
        first=np.array(first, dtype=bool), second=np.array(second, dtype=bool),
        top3=np.array(top3, dtype=bool), in_scope=np.array(in_scope, dtype=bool),
    )


def fit(data: TrainingSet, rare: float) -> Calibration:
    """The three models for a training set; `rare` the weight of a word no entry knows."""
    # Two anchors keep a tiny knowledge base sane: an exact, unrivalled match is right, and a
    # question matching nothing is not.
    anchors = np.vstack([ranking_features(1.0, 0.0, 0.0, 3, COVERED),
                         ranking_features(0.0, 0.0, 0.0, 3, UNCOVERED)])
    x = np.vstack([data.x, anchors])
    weights = np.concatenate([data.weights, [0.01, 0.01]]) if len(data.x) else np.ones(2)

    def labels(y: np.ndarray, anchored: tuple[bool, bool]) -> np.ndarray:
        return np.concatenate([y, anchored]).astype(int)

    in_scope = max(1, int(data.in_scope.sum()))
    return Calibration(
        first=Logistic.fit(x, labels(data.first, (True, False)), weights),
        second=Logistic.fit(x, labels(data.second, (False, False)), weights),
        top3=Logistic.fit(x, labels(data.top3, (True, False)), weights),
        samples=len(data.x),
        loo_top1=float(data.first[data.in_scope].sum() / in_scope),
        unseen_idf=rare,
    )


def calibrate(
    scorer: Scorer,
    entries: Sequence[FaqEntry],
    topics: Sequence[OutOfScopeTopic],
    background: Sequence[str],
    extra: Sequence[tuple[str, int | None]] = (),
    read: Reader = plain_reading,
    places: Sequence[str] = (),
) -> Calibration:
    """Learn the confidence of a knowledge base from its own questions (see `training_set`),
    each read as the matcher reads a message (`read`); `places` are its region names."""
    return fit(training_set(scorer, entries, topics, background, extra, read, places),
               unseen_idf(scorer.index))
