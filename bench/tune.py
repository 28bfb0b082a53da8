"""Choose the decision policy (matching/matcher.py: Policy) on the dev split only.

The probabilities themselves are learned by every Matcher from its own knowledge base; this
script only picks the probability levels at which it answers, offers a second entry or lists
suggestions. Held-out splits are never looked at here: `python bot.py eval` reports them after.
Utility per question: a right answer +1, a wrong answer -2 (people act on it), a suggestion
list containing the right entry +0.5; for out-of-scope questions a rejection +1, a suggestion
-0.5, an answer -2. In-scope and out-of-scope questions count half each.

    python bench/tune.py [--eval tests/eval/questions.yaml]
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from thekiz_bot.knowledge.loader import load_knowledge  # noqa: E402
from thekiz_bot.matching.evaluation import DEV, LabelledQuestion, load_questions  # noqa: E402
from thekiz_bot.matching.matcher import Matcher, MatchResult, MatchStatus, Policy  # noqa: E402

WRONG_ANSWER = -2.0


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


def utility(matcher: Matcher, items: list[LabelledQuestion]) -> float:
    sums = {True: 0.0, False: 0.0}
    counts = {True: 0, False: 0}
    for item in items:
        counts[item.in_scope] += 1
        sums[item.in_scope] += utility_one(item, matcher.match(item.question))
    means = [sums[k] / counts[k] for k in (True, False) if counts[k]]
    return sum(means) / len(means)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval", type=Path, default=ROOT / "tests" / "eval" / "questions.yaml")
    args = parser.parse_args()
    dev = [i for i in load_questions(args.eval) if i.split == DEV]
    matcher = Matcher(load_knowledge(ROOT / "knowledge"))
    results = []
    for answer, see_also, suggest in itertools.product(
        [0.3, 0.4, 0.5, 0.6, 0.7, 0.8], [0.1, 0.15, 0.25, 0.4], [0.2, 0.3, 0.35, 0.4, 0.5, 0.6]
    ):
        policy = Policy(answer=answer, see_also=see_also, suggest=suggest)
        results.append((utility(matcher.with_policy(policy), dev), policy))
    # Ties go to the more cautious policy (higher answer level).
    results.sort(key=lambda r: (-round(r[0], 3), -r[1].answer, -r[1].suggest))
    print(f"dev questions: {len(dev)}; best 8 of {len(results)} policies:")
    for u, policy in results[:8]:
        print(f"utility {u:.3f}  {policy}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
