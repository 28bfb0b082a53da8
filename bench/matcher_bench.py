"""Benchmark the matcher against two baselines on the real and on synthetic knowledge bases.

Each (engine, size) runs in its own subprocess so that its peak RSS is its own. Synthetic
knowledge bases are the real one plus N generated distractor entries, so the evaluation set
still measures accuracy at every size.

    python bench/matcher_bench.py                 # full run (real, 1k, 10k, 100k)
    python bench/matcher_bench.py --sizes 0 1000  # quicker
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from thekiz_bot.knowledge.loader import FaqEntry, KnowledgeBase, load_knowledge  # noqa: E402
from thekiz_bot.matching.evaluation import is_tuning, load_questions  # noqa: E402

EVAL_FILE = ROOT / "tests" / "eval" / "questions.yaml"
ENGINES = ("thekiz", "rapidfuzz", "tfidf-word")

TEMPLATES = (
    "Wie funktioniert {a} bei {b}?", "Wer hilft bei {a} und {b}?", "Was kostet {a} im {b}?",
    "Wo finde ich {a} für {b}?", "Gibt es {a} zur {b}?", "Welche Regeln gelten für {a} mit {b}?",
)
ALT_TEMPLATES = (
    "{a} {b}", "frage zu {a} {b}", "wie geht {a} mit {b}", "{a} {b} infos bitte",
    "hilfe bei {a} fuer {b}",
)


def synthetic_words(seed: int = 7) -> list[str]:
    """Nonsense German-looking compounds: distractors that share letters, not meaning."""
    rng = random.Random(seed)
    parts = ["haus", "garten", "wald", "stein", "berg", "feld", "bach", "markt", "turm", "hof",
             "brot", "tisch", "lampe", "fenster", "wagen", "schiff", "vogel", "blume", "licht",
             "stadt", "dorf", "schule", "sport", "musik", "karte", "reise", "zeit", "arbeit",
             "platz", "weg", "raum", "bild", "spiel", "buch", "wolke", "sonne", "regen", "wind"]
    suffixes = ["", "ung", "en", "er", "chen", "lein", "wesen", "kunde", "plan", "recht"]
    words = {rng.choice(parts) + rng.choice(parts) + rng.choice(suffixes) for _ in range(40_000)}
    return sorted(words)


def synthetic_kb(kb: KnowledgeBase, extra: int, seed: int = 11) -> KnowledgeBase:
    if extra == 0:
        return kb
    rng = random.Random(seed)
    words = synthetic_words()
    entries = list(kb.entries)
    for i in range(extra):
        a, b = rng.sample(words, 2)
        entries.append(FaqEntry(
            id=f"synthetic-{i}",
            question=rng.choice(TEMPLATES).format(a=a.capitalize(), b=b.capitalize()),
            alternates=tuple(t.format(a=a, b=b) for t in rng.sample(ALT_TEMPLATES, 4)),
            answer=f"Zu {a} und {b} gibt es hier eine kurze Auskunft mit {rng.choice(words)}.",
        ))
    return replace(kb, entries=tuple(entries))


class RapidfuzzBaseline:
    """process.extractOne over the canonical questions, rapidfuzz's defaults."""

    def __init__(self, kb: KnowledgeBase) -> None:
        from rapidfuzz import utils

        self.entries = kb.served_entries
        self.choices = [e.question for e in self.entries]
        self.processor = utils.default_process

    def top(self, question: str) -> str | None:
        from rapidfuzz import process

        best = process.extractOne(question, self.choices, processor=self.processor)
        return self.entries[best[2]].id if best else None


class WordTfidfBaseline:
    """Plain word TF-IDF over questions and alternates, no normalisation beyond lower-casing."""

    def __init__(self, kb: KnowledgeBase) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.entries = kb.served_entries
        texts, owners = [], []
        for pos, e in enumerate(self.entries):
            for t in (e.question, *e.alternates):
                texts.append(t)
                owners.append(pos)
        self.owners = owners
        self.vectorizer = TfidfVectorizer()
        self.matrix = self.vectorizer.fit_transform(texts).T.tocsr()

    def top(self, question: str) -> str | None:
        import numpy as np

        sims = np.asarray((self.vectorizer.transform([question]) @ self.matrix).todense()).ravel()
        if not sims.size or sims.max() <= 0:
            return None
        return self.entries[self.owners[int(sims.argmax())]].id


class ThekizEngine:
    def __init__(self, kb: KnowledgeBase) -> None:
        from thekiz_bot.matching.matcher import Matcher

        self.matcher = Matcher(kb)

    def top(self, question: str) -> str | None:
        # The ranking match() returns: what `python bot.py eval` counts as top-1.
        ranked = self.matcher.match(question).ranked
        return ranked[0].entry.id if ranked else None

    def answer(self, question: str) -> None:
        self.matcher.match(question)


def run_one(engine_name: str, extra: int, repeat: int, eval_file: Path) -> dict[str, float | int | str]:
    kb = synthetic_kb(load_knowledge(ROOT / "knowledge"), extra)
    items = load_questions(eval_file)
    started = time.perf_counter()
    engine = {"thekiz": ThekizEngine, "rapidfuzz": RapidfuzzBaseline,
              "tfidf-word": WordTfidfBaseline}[engine_name](kb)
    build_s = time.perf_counter() - started
    # Latency of the whole user-visible step: full match() for thekiz, best hit for baselines.
    call = engine.answer if isinstance(engine, ThekizEngine) else engine.top
    for item in items[:20]:
        call(item.question)  # warm-up
    timings = []
    for _ in range(repeat):
        for item in items:
            t0 = time.perf_counter()
            call(item.question)
            timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    in_scope = [i for i in items if i.in_scope]
    # The tuning splits (dev, dev2) together, and every other split together as held out.
    correct = {"tuning": 0, "held out": 0}
    totals = {"tuning": 0, "held out": 0}
    for item in in_scope:
        group = "tuning" if is_tuning(item.split) else "held out"
        totals[group] += 1
        correct[group] += engine.top(item.question) == item.expected
    return {
        "engine": engine_name,
        "entries": len(kb.served_entries),
        "build_s": build_s,
        "p50_ms": statistics.median(timings),
        "p99_ms": timings[min(len(timings) - 1, int(len(timings) * 0.99))],
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "top1_tuning": 100 * correct["tuning"] / max(totals["tuning"], 1),
        "top1_held_out": 100 * correct["held out"] / max(totals["held out"], 1),
        "queries": len(timings),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[0, 1000, 10_000, 100_000],
                        help="synthetic extra entries (0 = the real knowledge base)")
    parser.add_argument("--engines", nargs="+", default=list(ENGINES), choices=ENGINES)
    parser.add_argument("--repeat", type=int, default=3, help="passes over the question set")
    parser.add_argument("--eval", type=Path, default=EVAL_FILE, help="labelled question set")
    parser.add_argument("--one", nargs=2, metavar=("ENGINE", "EXTRA"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one[0], int(args.one[1]), args.repeat, args.eval)))
        return 0
    rows = []
    for extra in args.sizes:
        for engine in args.engines:
            # Fewer passes for the slow baselines at large sizes keeps the run bounded.
            repeat = args.repeat if extra < 100_000 else 1
            proc = subprocess.run(
                [sys.executable, __file__, "--one", engine, str(extra), "--repeat", str(repeat),
                 "--eval", str(args.eval)],
                capture_output=True, text=True, check=False,
            )
            if proc.returncode != 0:
                print(proc.stderr, file=sys.stderr)
                return proc.returncode
            row = json.loads(proc.stdout)
            rows.append(row)
            print(f"# done: {engine} with {row['entries']} entries", file=sys.stderr, flush=True)
    print(f"Python {sys.version.split()[0]}, {len(load_questions(args.eval))} questions per pass; "
          "synthetic sizes = real KB + generated distractors.\n")
    print("| entries | engine | build | p50 | p99 | peak RSS | top-1 tuning | top-1 held out |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['entries']:,} | {r['engine']} | {r['build_s']:.2f} s | {r['p50_ms']:.2f} ms "
              f"| {r['p99_ms']:.2f} ms | {r['peak_rss_mb']:.0f} MB | {r['top1_tuning']:.1f} % "
              f"| {r['top1_held_out']:.1f} % |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
