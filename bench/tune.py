"""Choose the decision policy (matching/thresholds.py: Policy) on the dev split only.

The probabilities themselves are learned by every Matcher from its own knowledge base; this
script only picks the probability levels at which it answers, offers a second entry or lists
suggestions. Held-out splits are never looked at here: `python bot.py eval` reports them after.
Utility per question: a right answer +1, a wrong answer -2 (people act on it), a suggestion
list containing the right entry +0.5; for out-of-scope questions a rejection +1, a suggestion
-0.5, an answer -2. In-scope and out-of-scope questions count half each. One policy serves
every knowledge base, so it is chosen on the shipped ("warm") knowledge base and on the same
with questions and answers only ("cold") together, each counting half: a probability should
mean the same in both.

    python bench/tune.py [--eval tests/eval/questions.yaml] [--warm-only]
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from thekiz_bot.knowledge.loader import load_knowledge  # noqa: E402
from thekiz_bot.matching.evaluation import (  # noqa: E402
    LabelledQuestion,
    cold_knowledge,
    is_tuning,
    load_questions,
)
from thekiz_bot.matching.matcher import Matcher, MatchResult, MatchStatus, Policy  # noqa: E402

WRONG_ANSWER = -2.0
ANSWER_LEVELS = [0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8]
SEE_ALSO_LEVELS = [0.1, 0.15, 0.25, 0.4]
SUGGEST_LEVELS = [0.2, 0.3, 0.35, 0.4, 0.5, 0.6]


def utility_one(item: LabelledQuestion, result: MatchResult) -> float:
    ranked = [c.entry.id for c in result.ranked]
    if result.status in (MatchStatus.FALLBACK, MatchStatus.SMALLTALK):
        return 0.0 if item.in_scope else 1.0
    if result.status == MatchStatus.SUGGEST:
        if not item.in_scope:
            return -0.5
        return 0.5 if item.expected in ranked[:3] else 0.0
    if not item.in_scope:
        return WRONG_ANSWER
    if ranked[:1] == [item.expected]:
        return 1.0
    # A wrong answer with the right entry offered under it costs less.
    see_also = result.see_also is not None and result.see_also.id == item.expected
    return 0.0 if see_also else WRONG_ANSWER


class _RememberingScorer:
    """The matcher's scorer, remembering each question's scores: a policy only changes the
    decision, so the grid need not score every question once per policy."""

    def __init__(self, scorer: Any) -> None:
        self._scorer = scorer
        self._seen: dict[tuple[Any, ...], Any] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._scorer, name)

    def scores(self, *args: Any, **kwargs: Any) -> Any:
        key = (*args, *sorted(kwargs.items()))
        if key not in self._seen:
            self._seen[key] = self._scorer.scores(*args, **kwargs)
        return self._seen[key]


def remembering(matcher: Matcher) -> Matcher:
    matcher._scorer = _RememberingScorer(matcher._scorer)  # type: ignore[assignment]
    return matcher


def utility(matcher: Matcher, items: list[LabelledQuestion]) -> float:
    sums = {True: 0.0, False: 0.0}
    counts = {True: 0, False: 0}
    for item in items:
        counts[item.in_scope] += 1
        sums[item.in_scope] += utility_one(item, matcher.match(item.question))
    means = [sums[k] / counts[k] for k in (True, False) if counts[k]]
    return sum(means) / len(means)


def choose(matchers: dict[str, Matcher], items: list[LabelledQuestion]
           ) -> list[tuple[float, dict[str, float], Policy]]:
    """Every policy of the grid with its utility, best first. A policy's utility is the mean
    over the knowledge bases, averaged with the policies at the neighbouring answer levels:
    on a dev split this small, one or two questions would otherwise move the level across a
    flat stretch. Ties go to the more cautious policy (higher answer level)."""
    plain: dict[tuple[float, float, float], tuple[float, dict[str, float]]] = {}
    for answer, see_also, suggest in itertools.product(ANSWER_LEVELS, SEE_ALSO_LEVELS,
                                                       SUGGEST_LEVELS):
        policy = Policy(answer=answer, see_also=see_also, suggest=suggest)
        each = {name: utility(m.with_policy(policy), items) for name, m in matchers.items()}
        plain[(answer, see_also, suggest)] = (sum(each.values()) / len(each), each)
    results = []
    for (answer, see_also, suggest), (_, each) in plain.items():
        i = ANSWER_LEVELS.index(answer)
        near = ANSWER_LEVELS[max(0, i - 1):i + 2]
        smoothed = sum(plain[(a, see_also, suggest)][0] for a in near) / len(near)
        results.append((smoothed, each, Policy(answer=answer, see_also=see_also,
                                               suggest=suggest)))
    results.sort(key=lambda r: (-round(r[0], 3), -r[2].answer, -r[2].suggest))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval", type=Path, default=ROOT / "tests" / "eval" / "questions.yaml")
    parser.add_argument("--warm-only", action="store_true",
                        help="choose on the shipped knowledge base alone")
    args = parser.parse_args()
    dev = [i for i in load_questions(args.eval) if is_tuning(i.split)]
    kb = load_knowledge(ROOT / "knowledge")
    variants: dict[str, Callable[[], Matcher]] = {"warm": lambda: Matcher(kb)}
    if not args.warm_only:
        variants["cold"] = lambda: Matcher(cold_knowledge(kb))
    matchers = {name: remembering(make()) for name, make in variants.items()}
    results = choose(matchers, dev)
    print(f"dev questions: {len(dev)}; best 8 of {len(results)} policies:")
    for u, each, policy in results[:8]:
        parts = ", ".join(f"{name} {value:.3f}" for name, value in each.items())
        print(f"utility {u:.3f} (with neighbours; alone: {parts})  {policy}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
