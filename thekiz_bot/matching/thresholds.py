"""The matcher's decision thresholds, apart from the index so that tools which only read them
(the report's "low score") do not load scikit-learn."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds, tuned with bench/tune.py --holdout 4 (dev split, held-out alternates
    and out-of-scope examples); where settings tie within 0.003 utility, the more cautious one."""

    answer: float = 0.45
    # Below `sure`, an answer also needs this lead over the runner-up.
    margin: float = 0.06
    sure: float = 0.70
    suggest: float = 0.40
    # A question whose best out-of-scope example scores within this of the best entry is
    # declined: it is nearer to what the handbook does not cover than to what it does.
    decline: float = 0.0
    # Questions with at least this many content words carry context ("wir sind eine kleine
    # Kita auf dem Dorf und ...") that dilutes every similarity, so the same evidence scores
    # lower: they get their own answer and suggestion thresholds.
    long_question: int = 8
    answer_long: float = 0.30
    suggest_long: float = 0.25

    def for_length(self, words: int) -> tuple[float, float]:
        """(answer, suggest) thresholds for a question of this many content words."""
        if words >= self.long_question:
            return self.answer_long, self.suggest_long
        return self.answer, self.suggest
