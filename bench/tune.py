"""Choose the decision policy (matching/thresholds.py: Policy) on the tuning splits only.

The probabilities themselves are learned by every Matcher from its own knowledge base; this
script only picks the probability levels at which it answers, offers a second entry or lists
suggestions. Held-out splits are never looked at here: `python bot.py eval` reports them after.

The answer level is bounded by issue 12's limits, required on the tuning splits: at most 2 % of
the shipped knowledge base's in-scope questions answered with a wrong entry, and at least 90 %
of the direct answers right on every knowledge base (the cold one too). A level counts as
keeping them only if the next lower level keeps them as well, so that the choice does not sit on
the edge of what a few hundred questions can tell. Among the policies that keep them, the one
that answers most questions right is chosen (mean over the knowledge bases); where several do,
the one with the best utility. Utility per question: a right answer +1, a wrong answer -2
(people act on it), a suggestion list containing the right entry +0.5; for out-of-scope
questions a rejection +1, a suggestion -0.5, an answer -2; in-scope and out-of-scope
questions count half each. One policy serves every knowledge base, so it is chosen on the
shipped ("warm") knowledge base and on the same with questions and answers only ("cold")
together: a probability should mean the same in both.

    python bench/tune.py [--eval tests/eval/questions.yaml] [--warm-only]
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from thekiz_bot.knowledge.loader import load_knowledge  # noqa: E402
from thekiz_bot.matching.evaluation import (  # noqa: E402
    LabelledQuestion,
    Report,
    cold_knowledge,
    is_tuning,
    load_questions,
    score_one,
)
from thekiz_bot.matching.matcher import Matcher, MatchResult, MatchStatus, Policy  # noqa: E402

WRONG_ANSWER = -2.0
MAX_WRONG_PCT = 2.0
MIN_PRECISION_PCT = 90.0
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


@dataclass(frozen=True)
class Figures:
    """What one policy does on one knowledge base's tuning questions."""

    utility: float
    right_pct: float       # in-scope questions answered directly with the right entry
    wrong_pct: float       # in-scope questions answered directly with a wrong entry
    precision_pct: float   # direct answers (out-of-scope ones included) that are right
    rejection_pct: float   # out-of-scope questions declined


def figures(matcher: Matcher, items: list[LabelledQuestion]) -> Figures:
    report = Report("tuning")
    sums = {True: 0.0, False: 0.0}
    counts = {True: 0, False: 0}
    for item in items:
        result = matcher.match(item.question)
        score_one(report, item, result)
        counts[item.in_scope] += 1
        sums[item.in_scope] += utility_one(item, result)
    means = [sums[k] / counts[k] for k in (True, False) if counts[k]]
    return Figures(sum(means) / len(means), report.answered_pct, report.answered_wrong_pct,
                   report.direct_precision_pct, report.rejection_pct)


def keeps_limits(each: dict[str, Figures]) -> bool:
    warm = each.get("warm")
    return ((warm is None or warm.wrong_pct <= MAX_WRONG_PCT)
            and all(f.precision_pct >= MIN_PRECISION_PCT for f in each.values()))


@dataclass(frozen=True)
class Choice:
    policy: Policy
    each: dict[str, Figures]
    keeps_limits: bool

    @property
    def right_pct(self) -> float:
        return sum(f.right_pct for f in self.each.values()) / len(self.each)

    @property
    def utility(self) -> float:
        return sum(f.utility for f in self.each.values()) / len(self.each)


def choose(matchers: dict[str, Matcher], items: list[LabelledQuestion]) -> list[Choice]:
    """Every policy of the grid, best first (see the module's docstring)."""
    grid: dict[tuple[float, float, float], dict[str, Figures]] = {}
    for answer, see_also, suggest in itertools.product(ANSWER_LEVELS, SEE_ALSO_LEVELS,
                                                       SUGGEST_LEVELS):
        policy = Policy(answer=answer, see_also=see_also, suggest=suggest)
        grid[(answer, see_also, suggest)] = {
            name: figures(m.with_policy(policy), items) for name, m in matchers.items()}
    choices = []
    for (answer, see_also, suggest), each in grid.items():
        lower = ANSWER_LEVELS[max(0, ANSWER_LEVELS.index(answer) - 1)]
        kept = keeps_limits(each) and keeps_limits(grid[(lower, see_also, suggest)])
        choices.append(Choice(Policy(answer=answer, see_also=see_also, suggest=suggest),
                              each, kept))
    choices.sort(key=lambda c: (not c.keeps_limits, -round(c.right_pct, 1),
                                -round(c.utility, 3), -c.policy.answer, -c.policy.suggest,
                                -c.policy.see_also))
    return choices


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
    print(f"tuning questions: {len(dev)}; best 8 of {len(results)} policies "
          f"({sum(c.keeps_limits for c in results)} keep the limits):")
    for c in results[:8]:
        parts = "; ".join(
            f"{name}: right {f.right_pct:.1f} %, wrong {f.wrong_pct:.1f} %, direct right "
            f"{f.precision_pct:.1f} %, rejected {f.rejection_pct:.1f} %, utility {f.utility:.3f}"
            for name, f in c.each.items())
        limits = "" if c.keeps_limits else " (breaks the limits)"
        print(f"{c.policy}{limits}\n    {parts}")
    best = results[0].policy
    print(f"\nby answer level, at see_also {best.see_also} and suggest {best.suggest}:")
    names = list(matchers)
    print("| answer | " + " | ".join(f"{n}: right / wrong / direct right / rejected"
                                     for n in names) + " |")
    print("|---:|" + "---:|" * len(names))
    for c in sorted((c for c in results if c.policy.see_also == best.see_also
                     and c.policy.suggest == best.suggest), key=lambda c: c.policy.answer):
        cells = " | ".join(f"{c.each[n].right_pct:.1f} / {c.each[n].wrong_pct:.1f} / "
                           f"{c.each[n].precision_pct:.1f} / {c.each[n].rejection_pct:.1f} %"
                           for n in names)
        print(f"| {c.policy.answer} | {cells} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
