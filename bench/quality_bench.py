"""Quality of the engine against honest baselines, on the shipped ("warm") knowledge base, on
the same with only questions and answers ("cold") and on cold plus what the handbook importer
cheaply gives each draft ("cold + importer": its section heading, its bold phrases), asked with
the same questions: the dev split and the held-out splits reported apart.

Baselines: BM25 (bm25s, German stop words, Snowball stemmer via PyStemmer) over every phrasing
(question, alternates, keywords; an entry scores its best phrasing) and over whole entries (all
phrasings and the answer as one document); rapidfuzz's extractOne over the phrasings; word
TF-IDF and scikit-learn's default-ish char_wb 3-5 TF-IDF over the phrasings. The engine's top-1
is compared with the best baseline's by an exact McNemar test on the same questions.

    python bench/quality_bench.py [--eval tests/eval/questions.yaml] [--handbook DIR]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from thekiz_bot.knowledge.loader import FaqEntry, KnowledgeBase, load_knowledge  # noqa: E402
from thekiz_bot.matching.evaluation import (  # noqa: E402
    LabelledQuestion,
    cold_knowledge,
    evaluate,
    group_report,
    is_tuning,
    load_questions,
)
from thekiz_bot.matching.matcher import Matcher  # noqa: E402

EVAL_FILE = ROOT / "tests" / "eval" / "questions.yaml"
HANDBOOK = ROOT.parent / "shared" / "handbook"
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


def importer_phrasings(kb: KnowledgeBase, handbook: Path) -> tuple[KnowledgeBase, int, int]:
    """The cold knowledge base plus what the importer cheaply gives a draft of each entry's
    handbook section (authoring/importer.py): the section's heading as an alternate and the bold
    phrases of its part as keywords. An entry is mapped to the section its `source` names last
    and, of that section's parts, to the one whose draft answer shares most words with its own.
    Returns the knowledge base and how many entries got a heading and keywords."""
    from thekiz_bot.authoring.importer import Existing, import_documents
    from thekiz_bot.text.normalise import normalise

    texts = [(path.name, path.read_text(encoding="utf-8"))
             for path in sorted(handbook.glob("*.md")) if path.name != "README.md"]
    drafts = [item.data for item in import_documents(texts, Existing()).entries]
    by_heading: dict[str, list[dict[str, object]]] = {}
    for draft in drafts:
        by_heading.setdefault(str(draft["source"]).split(" – ")[-1], []).append(draft)

    def words(text: str) -> set[str]:
        return set(normalise(text).split())

    entries, headed, keyed = [], 0, 0
    for entry in kb.entries:
        source = re.sub(r"\s*\(.*?\)", "", entry.source or "")
        segments = [part.strip() for part in re.split(r" – |; |, ", source)]
        named = [seg for seg in segments if seg in by_heading]
        if not named:
            entries.append(replace(entry, alternates=(), keywords=()))
            continue
        own = words(entry.answer)
        draft = max(by_heading[named[-1]], key=lambda d: len(own & words(str(d["answer"]))))
        alternates = tuple(str(a) for a in draft.get("alternates") or [])
        keywords = tuple(str(k) for k in draft.get("keywords") or [])
        headed += bool(alternates)
        keyed += bool(keywords)
        entries.append(replace(entry, alternates=alternates, keywords=keywords))
    return replace(kb, entries=tuple(entries)), headed, keyed


def run(kb: KnowledgeBase, label: str, items: list[LabelledQuestion]) -> list[str]:
    matcher = Matcher(kb)
    reports = evaluate(matcher, items)
    baselines = {name: make(kb) for name, make in BASELINES.items()}
    rows = []
    for dev in (True, False):
        report = group_report(reports, dev)
        if report is None or not report.in_scope:
            continue
        group = [i for i in items if is_tuning(i.split) == dev and i.in_scope]
        split = "tuning" if dev else "held out"
        results = [matcher.match(i.question) for i in group]
        engine = [bool(r.ranked) and r.ranked[0].entry.id == i.expected
                  for r, i in zip(results, group, strict=True)]
        rows.append(f"| {label} | {split} | engine (thekiz) | {report.top1_pct:.1f} % "
                    f"| {report.answered_pct:.1f} % | {report.answered_wrong_pct:.1f} % "
                    f"| {report.direct_precision_pct:.1f} % | {report.auc:.3f} "
                    f"| {report.rejection_pct:.1f} % | |")
        best_name, best_hits = "", [False] * len(group)
        for name, top in baselines.items():
            hits = [top(i.question) == i.expected for i in group]
            if sum(hits) > sum(best_hits):
                best_name, best_hits = name, hits
            rows.append(f"| {label} | {split} | {name} | {100 * sum(hits) / len(group):.1f} % "
                        "| – | – | – | – | – | |")
        only_engine, only_best, p = mcnemar_p(engine, best_hits)
        diff = 100 * (sum(engine) - sum(best_hits)) / len(group)
        rows.append(f"| {label} | {split} | engine − best baseline ({best_name}) "
                    f"| {diff:+.1f} points | | | | | | McNemar: {only_engine} vs {only_best} "
                    f"discordant, p = {p:.2g} |")
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval", type=Path, default=EVAL_FILE)
    parser.add_argument("--handbook", type=Path, default=HANDBOOK,
                        help="handbook excerpts for the importer variant (skipped if missing)")
    args = parser.parse_args()
    items = load_questions(args.eval)
    kb = load_knowledge(ROOT / "knowledge")
    for dev in (True, False):
        group = [i for i in items if is_tuning(i.split) == dev]
        if group:
            names = ", ".join(sorted({i.split for i in group}))
            print(f"{sum(i.in_scope for i in group)} in-scope and "
                  f"{sum(not i.in_scope for i in group)} out-of-scope questions ({names}).")
    variants = [("warm", kb), ("cold", cold_knowledge(kb))]
    if args.handbook.is_dir():
        imported, headed, keyed = importer_phrasings(kb, args.handbook)
        print(f"cold + importer: {headed} of {len(kb.entries)} entries mapped to a handbook "
              f"section got its heading, {keyed} bold phrases as keywords.")
        variants.append(("cold + importer", imported))
    print("\n| knowledge base | questions | system | top-1 | answered directly, right "
          "| answered directly, wrong | direct answers right | AUC | out of scope rejected "
          "| significance |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---|")
    for label, variant in variants:
        print("\n".join(run(variant, label, items)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
