"""Labelled two-turn dialogues and date questions: load them and measure the conversation engine.

Dialogues: `{first, followup, expect_entry, expect_field, split}`; expect_field is what the
reply to the follow-up must give: `phone` / `email` (a number or address of the entry's
contacts), `contact` (the entry's contacts), `region_contact` (contacts for the region named),
`entry` (that entry's answer), or `none` (an honest no: nothing asserted).
Date questions: `{q, is_date_question, kind, region, month, when, split}`; when is one of
next, soon, next_week, this_week, month, any.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from thekiz_bot.conversation import followup as fu
from thekiz_bot.conversation.context import ContextKey, ContextStore
from thekiz_bot.conversation.date_questions import parse_date_question
from thekiz_bot.conversation.engine import (
    FOLLOWUP,
    MATCH,
    NO_CONTEXT,
    ConversationEngine,
    Reply,
)
from thekiz_bot.events.fields import resolve_kind
from thekiz_bot.knowledge.loader import Contact, KnowledgeBase
from thekiz_bot.knowledge.regions import RegionFinder
from thekiz_bot.matching.matcher import Matcher

DEV = "dev"
FIELDS = ("phone", "email", "contact", "region_contact", "entry", "none")
WHENS = ("next", "soon", "next_week", "this_week", "month", "any")


@dataclass(frozen=True)
class Dialogue:
    first: str
    followup: str
    expect_entry: str | None
    expect_field: str
    split: str = DEV


@dataclass(frozen=True)
class DateItem:
    question: str
    is_date_question: bool
    kind: str | None = None      # an events.model kind key
    region: str | None = None    # as written; resolved when scored
    month: int | None = None
    when: str | None = None
    split: str = DEV


def _split(raw: dict[str, Any], path: Path, i: int) -> str:
    split = str(raw.get("split", DEV)).strip()
    if not split or split == "all":
        raise ValueError(f"{path}: Eintrag Nr. {i + 1}: ungültiger split {split!r}")
    return split


def load(path: str | Path) -> tuple[list[Dialogue], list[DateItem]]:
    """The `dialogues` and `date_questions` of a YAML file (either may be missing)."""
    path = Path(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        return [], []
    dialogues = []
    for i, raw in enumerate(data.get("dialogues") or []):
        if not isinstance(raw, dict) or not raw.get("first") or not raw.get("followup") \
                or raw.get("expect_field") not in FIELDS:
            raise ValueError(f"{path}: Dialog Nr. {i + 1} braucht first, followup und "
                             f"expect_field ({', '.join(FIELDS)})")
        dialogues.append(Dialogue(str(raw["first"]), str(raw["followup"]),
                                  raw.get("expect_entry") or None, str(raw["expect_field"]),
                                  _split(raw, path, i)))
    items = []
    for i, raw in enumerate(data.get("date_questions") or []):
        if not isinstance(raw, dict) or not raw.get("q") or "is_date_question" not in raw:
            raise ValueError(f"{path}: Terminfrage Nr. {i + 1} braucht q und is_date_question")
        when = raw.get("when")
        if when is not None and when not in WHENS:
            raise ValueError(f"{path}: Terminfrage Nr. {i + 1}: when muss eins von "
                             f"{', '.join(WHENS)} sein")
        kind = resolve_kind(str(raw["kind"])) if raw.get("kind") else None
        items.append(DateItem(str(raw["q"]), bool(raw["is_date_question"]), kind,
                              raw.get("region") or None,
                              int(raw["month"]) if raw.get("month") else None, when,
                              _split(raw, path, i)))
    return dialogues, items


# --- dialogues --------------------------------------------------------------------------------

def shown_contacts(reply: Reply) -> tuple[Contact, ...]:
    if reply.kind == MATCH and reply.result is not None and reply.result.status == "answer":
        return reply.result.contacts
    return reply.contacts


def is_honest_no(reply: Reply) -> bool:
    """The reply asserts nothing: it says it does not know, or asks back."""
    if reply.kind == NO_CONTEXT:
        return True
    if reply.kind == FOLLOWUP:
        return reply.entry is None or reply.missing or (
            reply.wants == fu.MORE and not reply.related)
    if reply.kind == MATCH and reply.result is not None:
        return reply.result.status in ("fallback", "suggest")
    return False


def dialogue_correct(item: Dialogue, reply: Reply, kb: KnowledgeBase) -> bool:
    """Contact fields are judged by the contacts shown (the expected entry's own contacts, with
    the field asked for), whichever entry the reply went through; `entry` by the entry."""
    if item.expect_field == "none":
        return is_honest_no(reply)
    if is_honest_no(reply):
        return False
    if item.expect_field == "entry":
        return reply.entry_id == item.expect_entry
    contacts = shown_contacts(reply)
    expected = kb.entry(item.expect_entry) if item.expect_entry else None
    if expected is not None:
        contacts = tuple(c for c in contacts if c.id in expected.contacts) or (
            contacts if item.expect_field == "region_contact" else ())
    if item.expect_field == "phone":
        return any(c.phone for c in contacts)
    if item.expect_field == "email":
        return any(c.email for c in contacts)
    if item.expect_field == "region_contact":
        region = reply.region or (reply.result.region if reply.result is not None else None)
        return region is not None and bool(contacts)
    return bool(contacts)  # "contact"


@dataclass
class Tally:
    total: int = 0
    correct: int = 0

    @property
    def pct(self) -> float:
        return 100.0 * self.correct / self.total if self.total else 0.0

    def add(self, ok: bool) -> None:
        self.total += 1
        self.correct += ok


@dataclass
class DialogueReport:
    overall: Tally = field(default_factory=Tally)
    by_field: dict[str, Tally] = field(default_factory=dict)
    misses: list[tuple[Dialogue, str]] = field(default_factory=list)


def evaluate_dialogues(matcher: Matcher, dialogues: list[Dialogue], now: datetime,
                       tz: ZoneInfo) -> dict[str, DialogueReport]:
    """Each dialogue in a fresh conversation with an empty calendar."""
    reports: dict[str, DialogueReport] = {}
    for item in dialogues:
        engine = ConversationEngine(lambda: matcher, lambda _: (), ContextStore(),
                                    lambda: now, tz)
        key = ContextKey(1)
        engine.answer(item.first, key, 1)
        reply = engine.answer(item.followup, key, 1)
        ok = dialogue_correct(item, reply, matcher.kb)
        for name in (item.split, "all"):
            report = reports.setdefault(name, DialogueReport())
            report.overall.add(ok)
            report.by_field.setdefault(item.expect_field, Tally()).add(ok)
        if not ok:
            got = f"{reply.kind}/{reply.status} {reply.entry_id or '—'}"
            if reply.missing:
                got += " (fehlt)"
            reports["all"].misses.append((item, got))
    return reports


# --- date questions ---------------------------------------------------------------------------

@dataclass
class DateReport:
    detected: Tally = field(default_factory=Tally)     # is / is not a date question
    exact: Tally = field(default_factory=Tally)        # date questions: every field right
    kind: Tally = field(default_factory=Tally)
    region: Tally = field(default_factory=Tally)
    month: Tally = field(default_factory=Tally)
    when: Tally = field(default_factory=Tally)
    misses: list[tuple[DateItem, str]] = field(default_factory=list)


def evaluate_dates(items: list[DateItem], regions: RegionFinder, today: datetime,
                   resolve_region: Callable[[str], str | None]) -> dict[str, DateReport]:
    reports: dict[str, DateReport] = {}
    for item in items:
        query = parse_date_question(item.question, regions.find, today.date())
        detected = (query is not None) == item.is_date_question
        fields: dict[str, bool] = {}
        if item.is_date_question and query is not None:
            expected_region = resolve_region(item.region) if item.region else None
            fields = {
                "kind": query.kind == item.kind,
                "region": (query.region.id if query.region else None) == expected_region,
                "month": (query.month[1] if query.month else None) == item.month,
                "when": item.when is None or query.period == item.when,
            }
        for name in (item.split, "all"):
            report = reports.setdefault(name, DateReport())
            report.detected.add(detected)
            if item.is_date_question:
                report.exact.add(detected and all(fields.values()))
                for label, ok in fields.items():
                    getattr(report, label).add(ok)
        if not detected or not all(fields.values()):
            got = "—" if query is None else str(query.to_json())
            reports["all"].misses.append((item, got))
    return reports


def _split_order(item: tuple[str, object]) -> tuple[bool, bool, str]:
    """dev first, the held-out splits next, all last."""
    return item[0] != DEV, item[0] == "all", item[0]


def format_reports(dialogues: dict[str, DialogueReport], dates: dict[str, DateReport],
                   show_misses: bool = True) -> str:
    lines: list[str] = []
    if dialogues:
        lines += ["Zwei-Zug-Dialoge (Rückfragen):", "",
                  "| split | dialogues | correct | " + " | ".join(FIELDS) + " |",
                  "|---|---:|---:|" + "---:|" * len(FIELDS)]
        for name, r in sorted(dialogues.items(), key=_split_order):
            cells = [f"{r.by_field[f].pct:.0f} % ({r.by_field[f].total})" if f in r.by_field
                     else "—" for f in FIELDS]
            lines.append(f"| {name} | {r.overall.total} | {r.overall.pct:.1f} % | "
                         + " | ".join(cells) + " |")
    if dates:
        lines += ["", "Terminfragen:", "",
                  ("| split | questions | date question recognised | all fields right | kind | "
                   "region | month | when |"), "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for name, d in sorted(dates.items(), key=_split_order):
            lines.append(
                f"| {name} | {d.detected.total} | {d.detected.pct:.1f} % | {d.exact.pct:.1f} % "
                f"| {d.kind.pct:.1f} % | {d.region.pct:.1f} % | {d.month.pct:.1f} % "
                f"| {d.when.pct:.1f} % |"
            )
    if show_misses:
        misses_d = dialogues["all"].misses if "all" in dialogues else []
        if misses_d:
            lines.append(f"\nDialoge nicht richtig ({len(misses_d)}):")
            lines += [f"  [{m.split}] {m.first!r} → {m.followup!r}: erwartet {m.expect_field} "
                      f"{m.expect_entry or ''}, bekommen {got}" for m, got in misses_d]
        misses_q = dates["all"].misses if "all" in dates else []
        if misses_q:
            lines.append(f"\nTerminfragen nicht richtig ({len(misses_q)}):")
            lines += [f"  [{m.split}] {m.question!r}: erwartet "
                      f"{'Termin' if m.is_date_question else 'keine Terminfrage'} "
                      f"{m.kind or ''} {m.region or ''} {m.month or ''} {m.when or ''}, "
                      f"bekommen {got}" for m, got in misses_q]
    return "\n".join(lines)


# Date questions are parsed as on this day, so that "im März" means the same year in every run.
EVAL_NOW = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def report_file(matcher: Matcher, path: str | Path, show_misses: bool = True) -> str | None:
    """The dialogue and date-question tables of a file, or None when it has neither."""
    dialogues, dates = load(path)
    if not dialogues and not dates:
        return None
    finder = RegionFinder(matcher.kb.regions)

    def region_id(name: str) -> str | None:
        found = finder.resolve(name)
        return found.id if found is not None else name

    return format_reports(
        evaluate_dialogues(matcher, dialogues, EVAL_NOW, ZoneInfo("Europe/Berlin")),
        evaluate_dates(dates, finder, EVAL_NOW, region_id),
        show_misses,
    )
