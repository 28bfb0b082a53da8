"""Quality of the engine against honest baselines, on the shipped ("warm") knowledge base and on
the same with only questions and answers ("cold"), asked with the same held-out questions.

Baselines: BM25 (bm25s, German stop words, Snowball stemmer via PyStemmer) over every phrasing
(question, alternates, keywords; an entry scores its best phrasing) and over whole entries (all
phrasings and the answer as one document); rapidfuzz's extractOne over the phrasings; word
TF-IDF and scikit-learn's default-ish char_wb 3-5 TF-IDF over the phrasings. The engine's top-1
is compared with the best baseline's by an exact McNemar test on the same questions.

    python bench/quality_bench.py [--eval tests/eval/questions.yaml]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from thekiz_bot.knowledge.loader import FaqEntry, KnowledgeBase, load_knowledge  # noqa: E402
from thekiz_bot.matching.evaluation import (  # noqa: E402
    DEV,
    LabelledQuestion,
    cold_knowledge,
    load_questions,
)
from thekiz_bot.matching.matcher import Matcher, MatchStatus  # noqa: E402

EVAL_FILE = ROOT / "tests" / "eval" / "questions.yaml"
Ranker = Callable[[str], str | None]


def phrasings(entry: FaqEntry) -> list[str]:
    texts = [entry.question, *entry.alternates]
    if entry.keywords:
        texts.append(" ".join(entry.keywords))
    return texts


def _best_owner(scores: np.ndarray, owners: Sequence[int], entries: Sequence[FaqEntry]) -> str | None:
    if not len(scores) or float(np.max(scores)) <= 0:
        return None
    return entries[owners[int(np.argmax(scores))]].id


def bm25(kb: KnowledgeBase, whole_entries: bool) -> Ranker:
    import bm25s
    import Stemmer

    stemmer = Stemmer.Stemmer("german")
    entries = kb.served_entries
    if whole_entries:
        docs = [" ".join([*phrasings(e), e.answer]) for e in entries]
        owners = list(range(len(entries)))
    else:
        docs, owners = [], []
        for pos, e in enumerate(entries):
            docs += phrasings(e)
            owners += [pos] * len(phrasings(e))
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(docs, stopwords="de", stemmer=stemmer, show_progress=False),
                    show_progress=False)

    def top(question: str) -> str | None:
        tokens = bm25s.tokenize([question], stopwords="de", stemmer=stemmer,
                                return_ids=False, show_progress=False)[0]
        if not tokens:
            return None
        return _best_owner(retriever.get_scores(tokens), owners, entries)

    return top


def rapidfuzz_top(kb: KnowledgeBase) -> Ranker:
    from rapidfuzz import process, utils

    entries = kb.served_entries
    choices, owners = [], []
    for pos, e in enumerate(entries):
        choices += phrasings(e)
        owners += [pos] * len(phrasings(e))

    def top(question: str) -> str | None:
        best = process.extractOne(question, choices, processor=utils.default_process)
        return entries[owners[best[2]]].id if best else None

    return top


def tfidf(kb: KnowledgeBase, analyzer: str) -> Ranker:
    from sklearn.feature_extraction.text import TfidfVectorizer

    entries = kb.served_entries
    texts, owners = [], []
    for pos, e in enumerate(entries):
        texts += phrasings(e)
        owners += [pos] * len(phrasings(e))
    vectorizer = (TfidfVectorizer() if analyzer == "word"
                  else TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)))
    matrix = vectorizer.fit_transform(texts).T.tocsr()

    def top(question: str) -> str | None:
        sims = np.asarray((vectorizer.transform([question]) @ matrix).todense()).ravel()
        return _best_owner(sims, owners, entries)

    return top


BASELINES: dict[str, Callable[[KnowledgeBase], Ranker]] = {
    "BM25 over phrasings": lambda kb: bm25(kb, whole_entries=False),
    "BM25 over entries": lambda kb: bm25(kb, whole_entries=True),
    "rapidfuzz extractOne": rapidfuzz_top,
    "word TF-IDF": lambda kb: tfidf(kb, "word"),
    "char_wb 3-5 TF-IDF": lambda kb: tfidf(kb, "char_wb"),
}


def mcnemar_p(a: Sequence[bool], b: Sequence[bool]) -> tuple[int, int, float]:
    """Exact two-sided McNemar test: (only a right, only b right, p-value)."""
    from scipy.stats import binomtest

    only_a = sum(x and not y for x, y in zip(a, b, strict=True))
    only_b = sum(y and not x for x, y in zip(a, b, strict=True))
    if only_a + only_b == 0:
        return 0, 0, 1.0
    return only_a, only_b, float(binomtest(only_a, only_a + only_b, 0.5).pvalue)


def run(kb: KnowledgeBase, label: str, items: list[LabelledQuestion]) -> list[str]:
    held = [i for i in items if i.split != DEV and i.in_scope]
    held_oos = [i for i in items if i.split != DEV and not i.in_scope]
    matcher = Matcher(kb)
    results = [matcher.match(i.question) for i in held]
    engine = [bool(r.ranked) and r.ranked[0].entry.id == i.expected
              for r, i in zip(results, held, strict=True)]
    answered = [r.status == MatchStatus.ANSWER for r in results]
    oos_answered = sum(matcher.match(i.question).status == MatchStatus.ANSWER for i in held_oos)
    right = sum(a and e for a, e in zip(answered, engine, strict=True))
    direct = sum(answered) + oos_answered
    rows = [f"| {label} | engine (thekiz) | {100 * sum(engine) / len(held):.1f} % "
            f"| {100 * right / len(held):.1f} % | {100 * right / max(direct, 1):.1f} % | |"]
    best_name, best_hits = "", [False] * len(held)
    for name, make in BASELINES.items():
        top = make(kb)
        hits = [top(i.question) == i.expected for i in held]
        if sum(hits) > sum(best_hits):
            best_name, best_hits = name, hits
        rows.append(f"| {label} | {name} | {100 * sum(hits) / len(held):.1f} % | – | – | |")
    only_engine, only_best, p = mcnemar_p(engine, best_hits)
    diff = 100 * (sum(engine) - sum(best_hits)) / len(held)
    rows.append(f"| {label} | engine − best baseline ({best_name}) | {diff:+.1f} points | | "
                f"| McNemar: {only_engine} vs {only_best} discordant, p = {p:.2g} |")
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval", type=Path, default=EVAL_FILE)
    args = parser.parse_args()
    items = load_questions(args.eval)
    kb = load_knowledge(ROOT / "knowledge")
    held = [i for i in items if i.split != DEV]
    print(f"{sum(i.in_scope for i in held)} held-out in-scope questions "
          f"({', '.join(sorted({i.split for i in held}))}), "
          f"{sum(not i.in_scope for i in held)} held-out out-of-scope questions.\n")
    print("| knowledge base | system | top-1 | answered directly, right | direct answers right "
          "| significance |")
    print("|---|---|---:|---:|---:|---|")
    for label, variant in (("warm", kb), ("cold", cold_knowledge(kb))):
        print("\n".join(run(variant, label, items)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
