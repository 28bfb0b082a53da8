"""Tune the matcher's weights and thresholds on the dev half of the evaluation set only.

The test half is never looked at here; `python bot.py eval` reports both halves afterwards.
With `--holdout N`, the last N alternates of every entry are also taken out of the knowledge base
and asked as questions (a larger tuning set that no evaluation question was used for).
Utility per question: a right answer +1, a wrong answer -1 (people act on it), a suggestion
list containing the right entry +0.5; for out-of-scope questions a rejection +1, a suggestion
-0.5, an answer -1. In-scope and out-of-scope questions count half each.

    python bench/tune.py [--eval tests/eval/questions.yaml]
"""

from __future__ import annotations

import argparse
import itertools
import sys
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from thekiz_bot.knowledge.loader import KnowledgeBase, load_knowledge  # noqa: E402
from thekiz_bot.matching.evaluation import OUT_OF_SCOPE, LabelledQuestion, load_questions  # noqa: E402
from thekiz_bot.matching.matcher import Matcher, Thresholds, Weights  # noqa: E402


@dataclass(frozen=True)
class Observation:
    expected: str | None          # None: out of scope
    smalltalk: bool
    ranked: list[tuple[str, float]]
    out_of_scope: float = 0.0     # score of the nearest out-of-scope example
    words: int = 0                # content words of the question


def holdout(kb: KnowledgeBase, n: int) -> tuple[KnowledgeBase, list[LabelledQuestion]]:
    """The knowledge base without each entry's last n alternates and each out-of-scope topic's
    last n // 2 examples, and those as questions."""
    entries, questions = [], []
    for entry in kb.entries:
        keep = entry.alternates[:-n] if n and len(entry.alternates) > n + 3 else entry.alternates
        questions += [LabelledQuestion(q, entry.id, "dev") for q in entry.alternates[len(keep):]]
        entries.append(replace(entry, alternates=keep))
    topics = []
    m = n // 2
    for topic in kb.out_of_scope:
        kept = topic.questions[:-m] if m and len(topic.questions) > m + 3 else topic.questions
        questions += [LabelledQuestion(q, OUT_OF_SCOPE, "dev")
                      for q in topic.questions[len(kept):]]
        topics.append(replace(topic, questions=kept))
    return replace(kb, entries=tuple(entries), out_of_scope=tuple(topics)), questions


def observe(matcher: Matcher, items: list[LabelledQuestion]) -> list[Observation]:
    out = []
    for item in items:
        result = matcher.match(item.question)
        # The result's ranking carries the scores whatever the thresholds decided.
        ranked = [(c.entry.id, c.score) for c in result.ranked]
        out.append(Observation(item.expected if item.in_scope else None,
                               result.status == "smalltalk", ranked, result.out_of_scope_score,
                               result.words))
    return out


def utility(observations: list[Observation], t: Thresholds) -> float:
    """Mean utility of in-scope and of out-of-scope questions, weighted equally: the held-out
    alternates are all in scope and would otherwise teach the thresholds to always answer."""
    sums = {True: 0.0, False: 0.0}
    counts = {True: 0, False: 0}
    for o in observations:
        in_scope = o.expected is not None
        counts[in_scope] += 1
        sums[in_scope] += _utility_one(o, t)
    means = [sums[k] / counts[k] for k in (True, False) if counts[k]]
    return sum(means) / len(means)


def _utility_one(o: Observation, t: Thresholds) -> float:
    if o.smalltalk:
        return 1.0 if o.expected is None else 0.0
    top = o.ranked[0] if o.ranked else None
    runner = o.ranked[1][1] if len(o.ranked) > 1 else 0.0
    if top and o.out_of_scope > 0 and o.out_of_scope + t.decline >= top[1]:
        return 1.0 if o.expected is None else 0.0
    answer_at, suggest_at = t.for_length(o.words)
    if top and top[1] >= answer_at and (top[1] >= t.sure or top[1] - runner >= t.margin):
        return 1.0 if top[0] == o.expected else -1.0
    if top and top[1] >= suggest_at:
        if o.expected is None:
            return -0.5
        return 0.5 if o.expected in [eid for eid, _ in o.ranked[:3]] else 0.0
    return 1.0 if o.expected is None else 0.0


def best_thresholds(observations: list[Observation]) -> tuple[float, Thresholds]:
    best = (-9.0, Thresholds())
    grid = itertools.product(
        [0.35, 0.40, 0.45, 0.50, 0.55, 0.60],   # answer
        [0.0, 0.03, 0.06, 0.10, 0.15],          # margin
        [0.60, 0.70, 0.80, 0.90],               # sure
        [0.20, 0.25, 0.30, 0.35, 0.40],         # suggest
        [-0.10, -0.05, 0.0, 0.05, 0.10],        # decline
    )
    for answer, margin, sure, suggest, decline in grid:
        if suggest > answer or sure < answer:
            continue
        t = Thresholds(answer=answer, margin=margin, sure=sure, suggest=suggest, decline=decline)
        u = utility(observations, t)
        if u > best[0]:
            best = (u, t)
    # Long questions get their own thresholds, chosen with the others fixed.
    for long_question, answer_long, suggest_long in itertools.product(
        [6, 8, 10, 12, 999], [0.25, 0.30, 0.35, 0.40], [0.20, 0.25, 0.30, 0.35, 0.40]
    ):
        if suggest_long > answer_long:
            continue
        t = replace(best[1], long_question=long_question, answer_long=answer_long,
                    suggest_long=suggest_long)
        u = utility(observations, t)
        if u > best[0]:
            best = (u, t)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval", type=Path, default=ROOT / "tests" / "eval" / "questions.yaml")
    parser.add_argument("--holdout", type=int, default=0, metavar="N",
                        help="also ask each entry's last N alternates, held out of the index")
    parser.add_argument("--weights-only-default", action="store_true",
                        help="keep the default weights, tune thresholds only")
    args = parser.parse_args()
    full_kb = load_knowledge(ROOT / "knowledge")
    dev = [i for i in load_questions(args.eval) if i.split == "dev"]
    kb, held = holdout(full_kb, args.holdout)
    if args.weights_only_default:
        weight_grid = [Weights()]
    else:
        weight_grid = [
            Weights(word=w, char=c, fuzzy=f, answer=a, coverage=cov, entry_coverage=ec)
            for w, c, f, a, cov, ec in itertools.product(
                [0.3, 0.4], [0.2, 0.3], [0.2, 0.3], [0.1, 0.2], [0.5, 1.0], [0.0, 0.5, 1.0, 2.0]
            )
        ]
    results = []
    for weights in weight_grid:
        observations = observe(Matcher(full_kb, weights=weights), dev)
        if held:
            observations += observe(Matcher(kb, weights=weights), held)
        top1 = sum(bool(o.ranked) and o.ranked[0][0] == o.expected
                   for o in observations if o.expected) / sum(1 for o in observations if o.expected)
        u, t = best_thresholds(observations)
        results.append((u, top1, weights, t))
    results.sort(key=lambda r: (-r[0], -r[1]))
    print(f"dev questions: {len(dev)}, held-out alternates: {len(held)}; "
          f"best 5 of {len(results)} weight settings:")
    for u, top1, w, t in results[:5]:
        print(f"utility {u:.3f}  top-1 {100 * top1:.1f} %  {w}  {t}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
