"""The matcher's decision levels, apart from the index so that tools which only read them
(the report's "low score") do not load scikit-learn."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Policy:
    """What each decision needs, as probabilities from the knowledge base's own calibration
    (matching/calibration.py). Chosen with bench/tune.py on the tuning splits (dev, dev2) only,
    of the shipped knowledge base and of the same with questions and answers only together (one
    policy for every knowledge base): the lowest answer level that keeps issue 12's limits (at
    most 2 % of questions answered wrongly, at least 90 % of direct answers right, cold too),
    then the levels with the best utility (a wrong direct answer costs twice a right one, since
    people act on it). The cold knowledge base's 90 % binds: the shipped one alone would answer
    from 0.5 with 1.3 % wrong. A second entry is offered under the answer from 0.1: one question
    in ten that looks like this meant it, and the button costs the others nothing but a glance."""

    # Answer directly when the first entry is at least this likely right.
    answer: float = 0.65
    # Offer the second entry under the answer ("Siehe auch") when it is at least this likely
    # the one meant.
    see_also: float = 0.1
    # Otherwise list the first three ("Meinten Sie …?") when the right one is this likely among them.
    suggest: float = 0.5


@dataclass(frozen=True)
class Thresholds:
    """Similarity levels for tools that read raw rankings (the Fachstelle's gap check and report,
    the next-best list after a 👎). The chat's decisions do not use them: see Policy."""

    answer: float = 0.45
    # Two entries within this of each other compete for the same questions.
    margin: float = 0.06
    sure: float = 0.70
    suggest: float = 0.40
