"""Labelled question sets: load them and measure how well the matcher ranks and rejects."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from thekiz_bot.matching.matcher import Matcher, MatchResult

OUT_OF_SCOPE = "out_of_scope"
# "dev" is for tuning; any other split name (e.g. "test", "test2") is held out and reported.
DEV = "dev"


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


@dataclass
class Report:
    name: str
    in_scope: int = 0
    top1: int = 0
    top3: int = 0
    answered_correctly: int = 0
    reciprocal_rank: float = 0.0
    out_of_scope: int = 0
    rejected: int = 0
    misses: list[Miss] = field(default_factory=list)

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


def _score_one(report: Report, item: LabelledQuestion, result: MatchResult) -> None:
    ranking = [c.entry.id for c in result.ranked]
    if not item.in_scope:
        report.out_of_scope += 1
        if result.status in ("fallback", "smalltalk"):
            report.rejected += 1
        else:
            report.misses.append(Miss(item, result.status, ranking[:3], result.score))
        return
    report.in_scope += 1
    if item.expected in ranking:
        rank = ranking.index(item.expected) + 1
        report.reciprocal_rank += 1.0 / rank
        report.top1 += rank == 1
        report.top3 += rank <= 3
    if result.status == "answer" and result.entry is not None and result.entry.id == item.expected:
        report.answered_correctly += 1
    elif not ranking or ranking[0] != item.expected or result.status != "answer":
        report.misses.append(Miss(item, result.status, ranking[:3], result.score))


HELD_OUT = "held out"


def evaluate(matcher: Matcher, items: list[LabelledQuestion]) -> dict[str, Report]:
    """Reports per split, for all held-out splits together (when there are several) and for all
    items together."""
    splits = sorted({item.split for item in items}, key=lambda name: (name != DEV, name))
    held_out = [name for name in splits if name != DEV]
    combined = [HELD_OUT] if len(held_out) > 1 else []
    reports = {name: Report(name) for name in (*splits, *combined, "all")}
    for item in items:
        result = matcher.match(item.question)
        _score_one(reports[item.split], item, result)
        if combined and item.split != DEV:
            _score_one(reports[HELD_OUT], item, result)
        _score_one(reports["all"], item, result)
    return reports


def format_reports(reports: dict[str, Report], show_misses: bool = True) -> str:
    header = (
        "| split | in scope | top-1 | top-3 | MRR | answered correctly | out of scope | rejected |"
    )
    rows = [header, "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, r in reports.items():
        if not r.in_scope and not r.out_of_scope:
            continue
        rows.append(
            f"| {name} | {r.in_scope} | {r.top1_pct:.1f} % | {r.top3_pct:.1f} % | {r.mrr:.3f} "
            f"| {r.answered_pct:.1f} % | {r.out_of_scope} | {r.rejection_pct:.1f} % |"
        )
    lines = ["\n".join(rows)]
    misses = reports["all"].misses
    if show_misses and misses:
        lines.append(f"\nNicht (direkt) richtig beantwortet ({len(misses)}):")
        for miss in misses:
            got = ", ".join(miss.got) or "—"
            lines.append(
                f"  [{miss.item.split}] {miss.item.question!r}: erwartet {miss.item.expected}, "
                f"Status {miss.status} ({miss.score:.2f}), Rangfolge: {got}"
            )
    return "\n".join(lines)
