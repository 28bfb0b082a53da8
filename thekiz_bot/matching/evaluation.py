"""Labelled question sets: load them and measure how well the matcher ranks and rejects."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from thekiz_bot.knowledge.model import KnowledgeBase
from thekiz_bot.matching.matcher import Matcher, MatchResult
from thekiz_bot.matching.result import MatchStatus

OUT_OF_SCOPE = "out_of_scope"
# The tuning splits: levels, weights and the knowledge base's own examples may be chosen on
# them. Any other split name ("test", "test2", …) is held out: only reported, never tuned on.
DEV = "dev"
TUNING_SPLITS = (DEV, "dev2")


def is_tuning(split: str) -> bool:
    return split in TUNING_SPLITS


@dataclass(frozen=True)
class LabelledQuestion:
    question: str
    expected: str  # an entry id, or OUT_OF_SCOPE
    split: str = DEV

    @property
    def in_scope(self) -> bool:
        return self.expected != OUT_OF_SCOPE


@dataclass(frozen=True)
class Miss:
    item: LabelledQuestion
    status: str
    got: list[str]
    score: float
    confidence: float = 0.0


@dataclass
class Report:
    name: str
    in_scope: int = 0
    top1: int = 0
    top3: int = 0
    answered_correctly: int = 0
    answered_wrongly: int = 0     # in scope, answered directly with another entry
    answered_out_of_scope: int = 0
    reciprocal_rank: float = 0.0
    out_of_scope: int = 0
    rejected: int = 0
    misses: list[Miss] = field(default_factory=list)
    # (confidence, first entry right) per question, out-of-scope ones counted as not right.
    confidence: list[tuple[float, bool]] = field(default_factory=list)

    @staticmethod
    def _pct(part: float, whole: int) -> float:
        return 100.0 * part / whole if whole else 0.0

    @property
    def top1_pct(self) -> float:
        return self._pct(self.top1, self.in_scope)

    @property
    def top3_pct(self) -> float:
        return self._pct(self.top3, self.in_scope)

    @property
    def answered_pct(self) -> float:
        return self._pct(self.answered_correctly, self.in_scope)

    @property
    def answered_wrong_pct(self) -> float:
        return self._pct(self.answered_wrongly, self.in_scope)

    @property
    def direct_precision_pct(self) -> float:
        """Of all direct answers (in scope or not), the share with the right entry."""
        answered = self.answered_correctly + self.answered_wrongly + self.answered_out_of_scope
        return self._pct(self.answered_correctly, answered)

    @property
    def auc(self) -> float:
        return auc(self.confidence)

    @property
    def mrr(self) -> float:
        return self.reciprocal_rank / self.in_scope if self.in_scope else 0.0

    @property
    def rejection_pct(self) -> float:
        return self._pct(self.rejected, self.out_of_scope)


def load_questions(path: str | Path) -> list[LabelledQuestion]:
    """Read `questions: [{question, expected, split}]`; expected `out_of_scope` for rejections."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    raw_items = data.get("questions", []) if isinstance(data, dict) else data
    items = []
    for i, raw in enumerate(raw_items or []):
        if not isinstance(raw, dict) or not raw.get("question") or not raw.get("expected"):
            raise ValueError(f"{path}: Eintrag Nr. {i + 1} braucht 'question' und 'expected'")
        split = str(raw.get("split", DEV)).strip()
        if not split or split == "all":
            raise ValueError(f"{path}: Eintrag Nr. {i + 1}: ungültiger split {split!r}")
        items.append(LabelledQuestion(str(raw["question"]), str(raw["expected"]), split))
    return items


def auc(pairs: Sequence[tuple[float, bool]]) -> float:
    """Probability that a random right first entry scores above a random wrong one."""
    right = sorted(score for score, ok in pairs if ok)
    wrong = sorted(score for score, ok in pairs if not ok)
    if not right or not wrong:
        return float("nan")
    import bisect

    wins = sum(bisect.bisect_left(wrong, r) + 0.5 * (bisect.bisect_right(wrong, r)
                                                       - bisect.bisect_left(wrong, r))
               for r in right)
    return wins / (len(right) * len(wrong))


def cold_knowledge(kb: KnowledgeBase) -> KnowledgeBase:
    """The knowledge base as a new one starts: each entry with its question and answer only."""
    return replace(kb, entries=tuple(replace(e, alternates=(), keywords=()) for e in kb.entries))


def score_one(report: Report, item: LabelledQuestion, result: MatchResult) -> None:
    ranking = [c.entry.id for c in result.ranked]
    first_right = bool(ranking) and ranking[0] == item.expected
    if result.status != MatchStatus.SMALLTALK:
        report.confidence.append((result.confidence, item.in_scope and first_right))
    if not item.in_scope:
        report.out_of_scope += 1
        if result.status in (MatchStatus.FALLBACK, MatchStatus.SMALLTALK):
            report.rejected += 1
        else:
            report.answered_out_of_scope += result.status == MatchStatus.ANSWER
            report.misses.append(Miss(item, result.status, ranking[:3], result.score, result.confidence))
        return
    report.in_scope += 1
    if item.expected in ranking:
        rank = ranking.index(item.expected) + 1
        report.reciprocal_rank += 1.0 / rank
        report.top1 += rank == 1
        report.top3 += rank <= 3
    answered = result.status == MatchStatus.ANSWER and result.entry is not None
    if answered and result.entry is not None and result.entry.id == item.expected:
        report.answered_correctly += 1
    else:
        report.answered_wrongly += answered
        report.misses.append(Miss(item, result.status, ranking[:3], result.score, result.confidence))


HELD_OUT = "held out"
TUNING = "tuning"


def evaluate(matcher: Matcher, items: list[LabelledQuestion]) -> dict[str, Report]:
    """Reports per split, for the tuning and the held-out splits together (where there are
    several of a kind) and for all items together."""
    splits = sorted({item.split for item in items}, key=lambda name: (not is_tuning(name), name))
    tuning = [name for name in splits if is_tuning(name)]
    held_out = [name for name in splits if not is_tuning(name)]
    combined = ([TUNING] if len(tuning) > 1 else []) + ([HELD_OUT] if len(held_out) > 1 else [])
    reports = {name: Report(name) for name in (*splits, *combined, "all")}
    for item in items:
        result = matcher.match(item.question)
        group = TUNING if is_tuning(item.split) else HELD_OUT
        for name in (item.split, group, "all"):
            if name in reports:
                score_one(reports[name], item, result)
    return reports


def group_report(reports: dict[str, Report], tuning: bool) -> Report | None:
    """The report over all tuning splits, or over all held-out ones: the combined row where
    there are several, the one split where there is one, None where there is none."""
    names = [name for name in reports if name not in (TUNING, HELD_OUT, "all")
             and is_tuning(name) == tuning]
    if not names:
        return None
    return reports.get(TUNING if tuning else HELD_OUT) or reports[names[0]]


def format_reports(reports: dict[str, Report], show_misses: bool = True) -> str:
    header = (
        "| split | in scope | top-1 | top-3 | MRR | answered correctly | answered wrongly "
        "| direct answers right | AUC | out of scope | rejected |"
    )
    rows = [header, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, r in reports.items():
        if not r.in_scope and not r.out_of_scope:
            continue
        rows.append(
            f"| {name} | {r.in_scope} | {r.top1_pct:.1f} % | {r.top3_pct:.1f} % | {r.mrr:.3f} "
            f"| {r.answered_pct:.1f} % | {r.answered_wrong_pct:.1f} % "
            f"| {r.direct_precision_pct:.1f} % | {r.auc:.3f} "
            f"| {r.out_of_scope} | {r.rejection_pct:.1f} % |"
        )
    lines = ["\n".join(rows)]
    misses = reports["all"].misses
    if show_misses and misses:
        lines.append(f"\nNicht (direkt) richtig beantwortet ({len(misses)}):")
        for miss in misses:
            got = ", ".join(miss.got) or "—"
            lines.append(
                f"  [{miss.item.split}] {miss.item.question!r}: erwartet {miss.item.expected}, "
                f"Status {miss.status} ({miss.score:.2f}, p={miss.confidence:.2f}), Rangfolge: {got}"
            )
    return "\n".join(lines)


RELIABILITY_BINS = (0.0, 0.2, 0.4, 0.6, 0.8, 0.9, 1.0)


def format_reliability(report: Report) -> str:
    """Predicted against observed share of right first entries, by confidence bins."""
    rows = [f"Zuverlässigkeit der Konfidenz ({report.name}, AUC {report.auc:.3f}):",
            "| confidence | questions | mean predicted | observed right |",
            "|---|---:|---:|---:|"]
    edges = RELIABILITY_BINS
    for low, high in zip(edges, edges[1:], strict=False):
        inside = [(c, ok) for c, ok in report.confidence
                  if low <= c < high or (high == edges[-1] and c == high)]
        if not inside:
            continue
        predicted = sum(c for c, _ in inside) / len(inside)
        observed = sum(ok for _, ok in inside) / len(inside)
        rows.append(f"| {low:.1f}–{high:.1f} | {len(inside)} | {100 * predicted:.1f} % "
                    f"| {100 * observed:.1f} % |")
    return "\n".join(rows)
