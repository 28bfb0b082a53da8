"""Gaps and conflicts in the knowledge base, for `python bot.py check [--strict]`.

Each analysis returns findings a non-programmer can act on: which entries, which wording,
which score. Errors mean the bot gives a wrong answer today (exit code 1); warnings point at
something worth a look.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from thekiz_bot.knowledge.loader import FaqEntry, KnowledgeBase
from thekiz_bot.matching.matcher import Candidate, Matcher
from thekiz_bot.storage.database import Database

# About one phone screen of text; the handbook importer aims well below it.
MAX_READABLE_CHARS = 600
# A draft whose answer text ranks a curated entry this high covers the same ground.
DUPLICATE_ANSWER_SCORE = 0.45
# An event still shown this long after it started probably has a wrong end date.
STALE_AFTER = timedelta(days=1)
# Dates in messages as people in Thuringia read them.
LOCAL_TIME = ZoneInfo("Europe/Berlin")

KIND_LABELS = {
    "collision": "Kollision",
    "unreached": "nicht erreicht",
    "eval_label": "Fragensatz",
    "long_answer": "lange Antwort",
    "unused_contact": "Kontakt unbenutzt",
    "stale_event": "veralteter Termin",
    "draft_duplicate": "Entwurf doppelt",
    "missing_file": "Datei fehlt",
    "size": "Größe",
}


@dataclass(frozen=True)
class Finding:
    severity: str  # "error" | "warning"
    kind: str
    message: str
    entry_ids: tuple[str, ...] = ()
    score: float | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        label = "Fehler" if self.is_error else "Warnung"
        return f"{label} ({KIND_LABELS.get(self.kind, self.kind)}): {self.message}"


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- collisions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Clash:
    owner: str
    rival: str
    text: str
    own_score: float
    rival_score: float


def alternate_collisions(kb: KnowledgeBase, matcher: Matcher) -> list[Finding]:
    """Questions and alternates of one entry that the matcher answers with another entry
    (error), or where another entry comes so close that it only offers a choice (warning).

    Each wording is asked as a user would type it; the matcher's own scores decide, so the
    finding means exactly what users would see.
    """
    margin = matcher.thresholds.margin
    clashes: dict[frozenset[str], list[_Clash]] = {}
    for entry in kb.served_entries:
        for text in dict.fromkeys((entry.question, *entry.alternates)):
            ranked = matcher.rank(text, k=3)
            own = next((c.score for c in ranked if c.entry.id == entry.id), 0.0)
            rival = next((c for c in ranked if c.entry.id != entry.id), None)
            if rival is None or rival.score < own - margin:
                continue
            clash = _Clash(entry.id, rival.entry.id, text, own, rival.score)
            clashes.setdefault(frozenset((entry.id, rival.entry.id)), []).append(clash)
    findings = []
    for group in clashes.values():
        worst = max(group, key=lambda c: c.rival_score - c.own_score)
        lost = worst.rival_score > worst.own_score
        more = f" (und {len(group) - 1} weitere Formulierung(en))" if len(group) > 1 else ""
        verdict = "wird beantwortet mit" if lost else "liegt fast gleichauf mit"
        findings.append(Finding(
            "error" if lost else "warning",
            "collision",
            f"„{_short(worst.text)}“ (steht bei '{worst.owner}', {worst.own_score:.3f}) "
            f"{verdict} '{worst.rival}' ({worst.rival_score:.3f}){more}",
            (worst.owner, worst.rival),
            round(worst.rival_score, 3),
        ))
    findings.sort(key=lambda f: (not f.is_error, -(f.score or 0.0), f.entry_ids))
    return findings


# --- evaluation coverage --------------------------------------------------------------------


def reached_by(matcher: Matcher, questions: Iterable[str]) -> set[str]:
    """Entry ids a user gets to see for these questions: the answer, or a suggestion button."""
    reached: set[str] = set()
    for question in questions:
        result = matcher.match(question)
        if result.status == "answer" and result.entry is not None:
            reached.add(result.entry.id)
        elif result.status == "suggest":
            reached.update(c.entry.id for c in result.suggestions)
    return reached


def unreached_entries(kb: KnowledgeBase, matcher: Matcher, eval_path: Path) -> list[Finding]:
    from thekiz_bot.matching.evaluation import OUT_OF_SCOPE, load_questions

    try:
        items = load_questions(eval_path)
    except (OSError, ValueError, AttributeError) as exc:
        return [Finding("error", "eval_label", f"Fragensatz {eval_path} nicht lesbar: {exc}")]
    findings = []
    unknown = sorted({i.expected for i in items
                      if i.expected != OUT_OF_SCOPE and kb.entry(i.expected) is None})
    for entry_id in unknown:
        findings.append(Finding("warning", "eval_label",
                                f"der Fragensatz erwartet '{entry_id}', den es nicht (mehr) gibt",
                                (entry_id,)))
    reached = reached_by(matcher, (i.question for i in items))
    for entry in kb.served_entries:
        if entry.id not in reached:
            findings.append(Finding(
                "warning", "unreached",
                f"'{entry.id}' („{_short(entry.question, 60)}“) wird von keiner der "
                f"{len(items)} Fragen aus {eval_path.name} erreicht",
                (entry.id,),
            ))
    return findings


# --- answers and contacts -------------------------------------------------------------------


def long_answers(kb: KnowledgeBase, limit: int = MAX_READABLE_CHARS) -> list[Finding]:
    return [
        Finding("warning", "long_answer",
                f"'{e.id}': Antwort hat {len(e.answer)} Zeichen (gut lesbar sind bis {limit}); "
                "kürzen oder in mehrere Einträge teilen",
                (e.id,), float(len(e.answer)))
        for e in kb.served_entries
        if len(e.answer) > limit
    ]


def unused_contacts(kb: KnowledgeBase) -> list[Finding]:
    """Contacts no entry, region or default points to: the bot can only find them via /kontakt."""
    used = {cid for entry in kb.served_entries for cid in entry.contacts}
    used.update(cid for region in kb.regions for cid in region.contacts)
    used.update(c.id for c in kb.contacts.values() if c.regions)
    used.update(cid for cid in (kb.default_contact_id, kb.regional_contact_id)
                if cid)
    return [
        Finding("warning", "unused_contact",
                f"Kontakt '{cid}' ({contact.name}) wird von keinem Eintrag genannt", ())
        for cid, contact in kb.contacts.items()
        if cid not in used
    ]


# --- events ---------------------------------------------------------------------------------


def _parse_moment(raw: object) -> datetime | None:
    if not isinstance(raw, str) or not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def stale_events(db: Database, now: datetime | None = None,
                 grace: timedelta = STALE_AFTER) -> list[Finding]:
    """Active events that started a while ago and are still listed under /termine.

    /termine shows an event until its end; an end date far after the start (a typo in the
    year, a forgotten end) keeps a past event on the list. Without the events table (the
    events feature not installed), there is nothing to check.
    """
    tables = db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'events'")
    if not tables:
        return []
    now = now or datetime.now(UTC)
    findings = []
    for row in db.query("SELECT id, title, starts_at, ends_at FROM events "
                        "WHERE status = 'active' ORDER BY starts_at"):
        start, end = _parse_moment(row["starts_at"]), _parse_moment(row["ends_at"])
        if start is None or end is None:
            continue
        if start < now - grace and end >= now:
            findings.append(Finding(
                "warning", "stale_event",
                f"Termin Nr. {row['id']} „{_short(str(row['title']), 50)}“ hat am "
                f"{start.astimezone(LOCAL_TIME):%d.%m.%Y} begonnen und wird bis "
                f"{end.astimezone(LOCAL_TIME):%d.%m.%Y} noch unter /termine angezeigt – "
                "stimmt das Enddatum?",
            ))
    return findings


# --- drafts ---------------------------------------------------------------------------------


def _best(candidates: Sequence[Candidate]) -> Candidate | None:
    return candidates[0] if candidates else None


def draft_duplicates(kb: KnowledgeBase, matcher: Matcher | None = None) -> list[Finding]:
    """Drafts (status: draft) that cover a curated entry: the bot already answers the draft's
    question with it, or the draft's answer text leads to it."""
    drafts = [e for e in kb.entries if e.is_draft]
    if not drafts or not kb.served_entries:
        return []
    matcher = matcher or Matcher(kb)  # indexes curated entries only
    findings = []
    for draft in drafts:
        finding = _draft_duplicate(draft, matcher)
        if finding is not None:
            findings.append(finding)
    return findings


def _draft_duplicate(draft: FaqEntry, matcher: Matcher) -> Finding | None:
    by_question: Candidate | None = None
    for text in (draft.question, *draft.alternates):
        top = _best(matcher.rank(text, k=1))
        if top is not None and (by_question is None or top.score > by_question.score):
            by_question = top
    by_answer = _best(matcher.rank(draft.answer, k=1))
    question_hit = by_question is not None and by_question.score >= matcher.thresholds.answer
    answer_hit = by_answer is not None and by_answer.score >= DUPLICATE_ANSWER_SCORE
    if not question_hit and not answer_hit:
        return None
    parts = []
    ids = [draft.id]
    if answer_hit and by_answer is not None:
        parts.append(f"die Antwort deckt sich mit '{by_answer.entry.id}' ({by_answer.score:.2f})")
        ids.append(by_answer.entry.id)
    if question_hit and by_question is not None:
        parts.append(f"die Frage beantwortet der Bot schon mit '{by_question.entry.id}' "
                     f"({by_question.score:.2f})")
        ids.append(by_question.entry.id)
    score = max(c.score for c in (by_answer, by_question) if c is not None)
    return Finding("warning", "draft_duplicate",
                   f"Entwurf '{draft.id}' ({draft.file}): " + "; ".join(parts),
                   tuple(dict.fromkeys(ids)), round(score, 3))


# --- all of it ------------------------------------------------------------------------------


def strict_findings(
    kb: KnowledgeBase,
    matcher: Matcher,
    eval_path: str | Path | None = None,
    db: Database | None = None,
    now: datetime | None = None,
) -> list[Finding]:
    """Everything `check --strict` adds to the plain check (drafts are reported by both)."""
    findings = alternate_collisions(kb, matcher)
    if eval_path is not None:
        findings += unreached_entries(kb, matcher, Path(eval_path))
    findings += long_answers(kb)
    findings += unused_contacts(kb)
    if db is not None:
        findings += stale_events(db, now)
    return findings
