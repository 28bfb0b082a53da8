"""`python bot.py report`: what the question log teaches the Fachstelle.

Most frequent unanswered questions (near-identical wordings grouped), entries with the most
👎, answers given with a low score, and new alternates that users confirmed: a question
answered via a "Meinten Sie …?" button and then rated 👍, or answered directly and rated 👍.
`--apply-suggestions` writes those alternates into the YAML files for review in git.
"""

from __future__ import annotations

import argparse
import csv
import re
import shutil
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rapidfuzz import fuzz, process

from thekiz_bot.authoring.yaml_edit import FileEdit, add_alternates, write_edit
from thekiz_bot.config import Settings
from thekiz_bot.knowledge.loader import FaqEntry, KnowledgeBase, KnowledgeError, load_knowledge
from thekiz_bot.matching.matcher import Thresholds
from thekiz_bot.storage.database import Database, to_iso
from thekiz_bot.text.normalise import Vocabulary, clean_input, normalise

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

# Wordings this similar (rapidfuzz, 0-100) after the matcher's analysis (stop words out, stems,
# synonyms) count as one question: typos, case, word order and filler words.
GROUP_SIMILARITY = 85.0
# A confirmed question this close to a wording the entry already has adds nothing.
KNOWN_SIMILARITY = 92.0
MAX_ALTERNATE_CHARS = 160
# Personal data must not travel from the question log into a git repository.
_PERSONAL = re.compile(r"@|https?://|www\.|\d[\d /-]{5,}\d")


# --- data -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionGroup:
    text: str  # the most frequent wording
    count: int
    wordings: int  # distinct wordings in the group
    last_asked: str
    suggested: int = 0  # how many got only "Meinten Sie …?" buttons (none of them confirmed)


@dataclass(frozen=True)
class EntryVotes:
    entry_id: str
    question: str | None  # None when the entry no longer exists
    down: int
    up: int


@dataclass(frozen=True)
class LowScore:
    text: str
    entry_id: str
    score: float
    count: int


@dataclass(frozen=True)
class Suggestion:
    entry_id: str
    text: str
    confirmations: int
    via_suggestion: bool  # confirmed after a "Meinten Sie …?" button (the strongest signal)

    @property
    def reason(self) -> str:
        return "Vorschlag gewählt + 👍" if self.via_suggestion else "Antwort mit 👍"


@dataclass
class Report:
    since: datetime | None
    totals: dict[str, int]
    unanswered: list[QuestionGroup]
    disliked: list[EntryVotes]
    low_scores: list[LowScore]
    suggestions: list[Suggestion]
    skipped: dict[str, int] = field(default_factory=dict)  # why confirmed questions were left out


# --- analysis -------------------------------------------------------------------------------


def _has_counterpart(token: str, other: str) -> bool:
    """A word of one question is in the other one too: typed differently at most."""
    if len(token) < 4 or token in other.replace(" ", ""):
        return True  # short words and split compounds ("wie viel" / "wieviel") are not telling
    return any(fuzz.ratio(token, word) >= 75 for word in other.split())


def _similarity(a: str, b: str, **_: object) -> float:
    """How alike two analysed questions are; 0 when one has a content word the other lacks,
    so that "zuständig für Kitas" and "zuständig für Kinder" stay apart."""
    if not all(_has_counterpart(t, b) for t in a.split()) or not all(
        _has_counterpart(t, a) for t in b.split()
    ):
        return 0.0
    return max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b))


def group_questions(rows: Iterable[tuple[str, str, str]], analyse: Callable[[str], str],
                    threshold: float = GROUP_SIMILARITY) -> list[QuestionGroup]:
    """(text, asked_at, status) rows → groups of near-identical questions, most frequent first."""
    exact: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for text, asked_at, status in rows:
        key = analyse(text) or normalise(text)
        if key:
            exact[key].append((text, asked_at, status))
    # Largest exact groups first, so a group is named after its most common wording.
    keys = sorted(exact, key=lambda k: (-len(exact[k]), k))
    representatives: list[str] = []
    members: list[list[str]] = []
    for key in keys:
        match = process.extractOne(key, representatives, scorer=_similarity,
                                   score_cutoff=threshold) if representatives else None
        if match is None:
            representatives.append(key)
            members.append([key])
        else:
            members[match[2]].append(key)
    groups = []
    for group in members:
        asked = [row for key in group for row in exact[key]]
        wording_counts: dict[str, int] = defaultdict(int)
        for text, _, _ in asked:
            wording_counts[" ".join(text.split())] += 1
        text = max(wording_counts, key=lambda t: (wording_counts[t], t))
        groups.append(QuestionGroup(text, len(asked), len(group), max(a for _, a, _ in asked),
                                    sum(status == "suggest" for _, _, status in asked)))
    groups.sort(key=lambda g: (-g.count, g.text))
    return groups


def _since_iso(since: datetime | None) -> str:
    return to_iso(since) if since else ""


def _totals(db: Database, since: str) -> dict[str, int]:
    totals = {"answer": 0, "suggest": 0, "fallback": 0, "smalltalk": 0}
    for row in db.query("SELECT status, COUNT(*) AS n FROM questions WHERE asked_at >= ? "
                        "GROUP BY status", (since,)):
        totals[str(row["status"])] = int(row["n"])
    return totals


def _disliked(db: Database, kb: KnowledgeBase, since: str, limit: int) -> list[EntryVotes]:
    rows = db.query(
        """
        SELECT entry_id, SUM(rating = -1) AS down, SUM(rating = 1) AS up FROM feedback
        WHERE created_at >= ? GROUP BY entry_id HAVING down > 0
        ORDER BY down DESC, up ASC, entry_id LIMIT ?
        """,
        (since, limit),
    )
    votes = []
    for row in rows:
        entry = kb.entry(str(row["entry_id"]))
        votes.append(EntryVotes(str(row["entry_id"]), entry.question if entry else None,
                                int(row["down"]), int(row["up"])))
    return votes


def _low_scores(db: Database, since: str, below: float, limit: int) -> list[LowScore]:
    rows = db.query(
        "SELECT text, entry_id, score FROM questions "
        "WHERE status = 'answer' AND score < ? AND asked_at >= ? AND entry_id IS NOT NULL",
        (below, since),
    )
    grouped: dict[tuple[str, str], list[tuple[str, float]]] = defaultdict(list)
    for row in rows:
        key = (normalise(str(row["text"])), str(row["entry_id"]))
        grouped[key].append((" ".join(str(row["text"]).split()), float(row["score"])))
    found = [
        LowScore(items[0][0], entry_id, min(s for _, s in items), len(items))
        for (_, entry_id), items in grouped.items()
    ]
    found.sort(key=lambda item: (item.score, -item.count, item.text))
    return found[:limit]


def _known_wordings(entry: FaqEntry) -> list[str]:
    return [normalise(t) for t in (entry.question, *entry.alternates)]


def suggested_alternates(db: Database, kb: KnowledgeBase, since: str,
                         min_confirmations: int = 1) -> tuple[list[Suggestion], dict[str, int]]:
    """Questions users confirmed as answered by an entry, not yet among its wordings."""
    rows = db.query(
        """
        SELECT q.text AS text, f.entry_id AS entry_id, f.rating AS rating,
               f.via_suggestion AS via, q.status AS status, q.entry_id AS answered
        FROM feedback f JOIN questions q ON q.id = f.question_id
        WHERE f.created_at >= ?
        """,
        (since,),
    )
    votes: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    wording: dict[tuple[str, str], str] = {}
    for row in rows:
        text = clean_input(str(row["text"]))
        key = (normalise(text), str(row["entry_id"]))
        if not key[0]:
            continue
        direct = row["status"] == "answer" and row["answered"] == row["entry_id"]
        if not row["via"] and not direct:
            continue  # a rating of something else than this question's answer
        tally = votes[key]
        tally["net"] += int(row["rating"])
        if int(row["rating"]) == 1:
            tally["up"] += 1
            tally["via"] += int(bool(row["via"]))
        wording.setdefault(key, " ".join(text.split()))
    skipped: dict[str, int] = defaultdict(int)
    # The same question confirmed for two entries: a person has to decide, not this tool.
    entries_per_text: dict[str, set[str]] = defaultdict(set)
    for (norm, entry_id), tally in votes.items():
        if tally["net"] > 0:
            entries_per_text[norm].add(entry_id)
    suggestions = []
    for (norm, entry_id), tally in votes.items():
        if tally["net"] <= 0 or tally["up"] < min_confirmations:
            continue
        reason = _rejection(wording[(norm, entry_id)], norm, kb.entry(entry_id),
                            len(entries_per_text[norm]) > 1)
        if reason:
            skipped[reason] += 1
            continue
        suggestions.append(Suggestion(entry_id, wording[(norm, entry_id)], tally["up"],
                                      tally["via"] > 0))
    suggestions.sort(key=lambda s: (not s.via_suggestion, -s.confirmations, s.entry_id, s.text))
    return suggestions, dict(skipped)


def _rejection(text: str, norm: str, entry: FaqEntry | None, ambiguous: bool) -> str | None:
    if entry is None:
        return "Eintrag gibt es nicht mehr"
    if entry.is_draft:
        return "Eintrag ist ein Entwurf"
    if ambiguous:
        return "für mehrere Einträge bestätigt"
    if _PERSONAL.search(text):
        return "enthält E-Mail, Link oder Nummer (Datenschutz)"
    if len(text) > MAX_ALTERNATE_CHARS:
        return f"länger als {MAX_ALTERNATE_CHARS} Zeichen"
    known = _known_wordings(entry)
    if norm in known or process.extractOne(norm, known, scorer=fuzz.token_sort_ratio,
                                           score_cutoff=KNOWN_SIMILARITY):
        return "schon (fast gleich) als Formulierung vorhanden"
    return None


def _unanswered_rows(db: Database, since: str) -> list[tuple[str, str, str]]:
    """No answer at all, or only suggestions of which none was confirmed with 👍."""
    rows = db.query(
        """
        SELECT text, asked_at, status FROM questions q
        WHERE asked_at >= ? AND (status = 'fallback' OR (status = 'suggest' AND NOT EXISTS
            (SELECT 1 FROM feedback f WHERE f.question_id = q.id AND f.rating = 1)))
        """,
        (since,),
    )
    return [(str(r["text"]), str(r["asked_at"]), str(r["status"])) for r in rows]


def build_report(db: Database, kb: KnowledgeBase, since: datetime | None = None,
                 limit: int = 10, low_score: float | None = None,
                 min_confirmations: int = 1) -> Report:
    since_iso = _since_iso(since)
    below = Thresholds().sure if low_score is None else low_score
    analyse = Vocabulary.build(kb.synonyms, kb.stopwords).analyse
    unanswered = group_questions(_unanswered_rows(db, since_iso), analyse)
    suggestions, skipped = suggested_alternates(db, kb, since_iso, min_confirmations)
    return Report(
        since=since,
        totals=_totals(db, since_iso),
        unanswered=unanswered[:limit],
        disliked=_disliked(db, kb, since_iso, limit),
        low_scores=_low_scores(db, since_iso, below, limit),
        suggestions=suggestions,
        skipped=skipped,
    )


# --- applying suggestions -------------------------------------------------------------------


def apply_suggestions(kb: KnowledgeBase, suggestions: Sequence[Suggestion]) -> list[FileEdit]:
    """Insert the suggested alternates into the entries' YAML files and check the result loads.

    Files are only written when the whole knowledge base still loads with the changes;
    otherwise every file is restored to its previous content.
    """
    if kb.directory is None:
        raise ValueError("Wissensbasis ohne Verzeichnis")
    per_file: dict[Path, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for suggestion in suggestions:
        entry = kb.entry(suggestion.entry_id)
        if entry is None or not entry.file:
            continue
        per_file[kb.directory / entry.file][entry.id].append(suggestion.text)
    edits = [add_alternates(path, additions) for path, additions in sorted(per_file.items())]
    originals = {e.path: e.path.read_bytes() for e in edits if e.text is not None}
    try:
        for edit in edits:
            write_edit(edit)
        load_knowledge(kb.directory)
    except (KnowledgeError, OSError):
        for path, content in originals.items():
            path.write_bytes(content)
        raise
    return edits


# --- output ---------------------------------------------------------------------------------


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0
               if unicodedata.combining(ch) else 1 for ch in text)


def _fit(text: str, width: int) -> str:
    text = " ".join(text.split())
    if _width(text) <= width:
        return text + " " * (width - _width(text))
    out = ""
    for ch in text:
        if _width(out + ch) > width - 1:
            break
        out += ch
    return out + "…" + " " * (width - 1 - _width(out))


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], total_width: int,
          flexible: int = 0) -> list[str]:
    """A plain text table; column `flexible` takes whatever width the others leave."""
    widths = [max([_width(h), *(_width(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    fixed = sum(w for i, w in enumerate(widths) if i != flexible) + 2 * (len(headers) - 1)
    widths[flexible] = max(20, min(widths[flexible], total_width - fixed))
    lines = ["  ".join(_fit(h, w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("─" * w for w in widths))
    for row in rows:
        lines.append("  ".join(_fit(c, w) for c, w in zip(row, widths, strict=True)).rstrip())
    return lines


def _de(number: float) -> str:
    return f"{number:.2f}".replace(".", ",")


def render_text(report: Report, width: int = 100) -> str:
    since = f" seit {report.since.astimezone():%d.%m.%Y}" if report.since else ""
    t = report.totals
    lines = [
        f"Bericht{since}: {sum(t.values())} Fragen – {t['answer']} beantwortet, "
        f"{t['suggest']} mit „Meinten Sie …?“, {t['fallback']} ohne Antwort, "
        f"{t['smalltalk']} Small Talk.",
        "",
        "Häufigste unbeantwortete Fragen (ähnliche Formulierungen zusammengefasst)",
        "  „nur Vorschläge“: der Bot bot „Meinten Sie …?“ an, bestätigt wurde keiner davon",
    ]
    if report.unanswered:
        lines += table(["Anzahl", "Frage", "Formulierungen", "nur Vorschläge", "zuletzt"],
                       [[str(g.count), g.text, str(g.wordings), str(g.suggested),
                         g.last_asked[:10]] for g in report.unanswered], width, flexible=1)
    else:
        lines.append("  (keine)")
    lines += ["", "Einträge mit den meisten 👎"]
    if report.disliked:
        lines += table(["👎", "👍", "Eintrag", "Frage"],
                       [[str(v.down), str(v.up), v.entry_id, v.question or "(gelöscht)"]
                        for v in report.disliked], width, flexible=3)
    else:
        lines.append("  (keine)")
    lines += ["", "Antworten mit niedrigem Score (der Bot war unsicher)"]
    if report.low_scores:
        lines += table(["Score", "Anzahl", "Frage", "beantwortet mit"],
                       [[_de(s.score), str(s.count), s.text, s.entry_id]
                        for s in report.low_scores], width, flexible=2)
    else:
        lines.append("  (keine)")
    lines += ["", "Vorgeschlagene neue Alternativfragen (von Nutzer*innen bestätigt)"]
    if report.suggestions:
        lines += table(["Eintrag", "neue Formulierung", "👍", "Grund"],
                       [[s.entry_id, s.text, str(s.confirmations), s.reason]
                        for s in report.suggestions], width, flexible=1)
        lines.append("  Übernehmen mit: python bot.py report --apply-suggestions")
    else:
        lines.append("  (keine)")
    for reason, count in sorted(report.skipped.items()):
        lines.append(f"  nicht vorgeschlagen ({reason}): {count}")
    return "\n".join(lines)


CSV_HEADER = ("bereich", "text", "eintrag", "anzahl", "wert", "details")


def write_csv(report: Report, stream: TextIO) -> None:
    """One sheet for a spreadsheet: `;` separated, decimal comma (German defaults), with a
    byte order mark so that Excel reads the umlauts as UTF-8."""
    stream.write("\ufeff")
    writer = csv.writer(stream, delimiter=";")
    writer.writerow(CSV_HEADER)
    for g in report.unanswered:
        writer.writerow(("unbeantwortet", g.text, "", g.count, "",
                         f"{g.wordings} Formulierung(en), {g.suggested} nur mit Vorschlägen, "
                         f"zuletzt {g.last_asked[:10]}"))
    for v in report.disliked:
        writer.writerow(("daumen_runter", v.question or "(gelöscht)", v.entry_id, v.down,
                         "", f"{v.up} × 👍"))
    for s in report.low_scores:
        writer.writerow(("niedriger_score", s.text, s.entry_id, s.count, _de(s.score), ""))
    for sug in report.suggestions:
        writer.writerow(("neue_alternative", sug.text, sug.entry_id, sug.confirmations, "",
                         sug.reason))


# --- command line ---------------------------------------------------------------------------


def parse_since(raw: str, timezone: str) -> datetime:
    """"2025-03-01" or "01.03.2025": midnight local time, as the Fachstelle means it."""
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            day = datetime.strptime(raw.strip(), fmt)
        except ValueError:
            continue
        try:
            zone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            zone = ZoneInfo("UTC")
        return day.replace(tzinfo=zone).astimezone(UTC)
    raise argparse.ArgumentTypeError(
        f"„{raw}“ ist kein Datum; bitte als 2025-03-01 oder 01.03.2025 angeben"
    )


def build_parser(settings: Settings) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python bot.py report",
        description="Bericht aus den gestellten Fragen und Bewertungen für die Fachstelle.",
    )
    parser.add_argument("--since", metavar="DATUM",
                        type=lambda raw: parse_since(raw, settings.timezone),
                        help="nur Fragen ab diesem Tag (2025-03-01 oder 01.03.2025)")
    parser.add_argument("--csv", action="store_true",
                        help="als CSV (Semikolon, für Tabellenkalkulationen) ausgeben")
    parser.add_argument("--apply-suggestions", action="store_true",
                        help="bestätigte Formulierungen als Alternativfragen in die YAML-Dateien "
                             "schreiben (danach mit git diff prüfen)")
    parser.add_argument("--limit", type=int, default=10, metavar="N",
                        help="Zeilen je Abschnitt (Standard: 10)")
    parser.add_argument("--min-confirmations", type=int, default=1, metavar="N",
                        help="so viele 👍 braucht ein Vorschlag (Standard: 1)")
    parser.add_argument("--knowledge", type=Path, default=settings.knowledge_dir, metavar="DIR",
                        help="Verzeichnis der Wissensbasis")
    parser.add_argument("--db", type=Path, default=settings.db_path, metavar="DATEI",
                        help="SQLite-Datenbank mit dem Fragenprotokoll (Standard: THEKIZ_DB)")
    return parser


def _print_edits(edits: Sequence[FileEdit], root: Path, out: TextIO) -> int:
    added = 0
    for edit in edits:
        name = edit.path.relative_to(root) if edit.path.is_relative_to(root) else edit.path
        for entry_id, texts in edit.added.items():
            for text in texts:
                added += 1
                print(f"  + {name} › {entry_id}: {text}", file=out)
        for entry_id, reason in edit.skipped.items():
            print(f"  ! {name} › {entry_id}: nicht eingefügt – {reason}", file=out)
    return added


def cli_main(args: list[str], settings: Settings) -> int:
    parser = build_parser(settings)
    try:
        opts = parser.parse_args(args)
    except SystemExit as exc:
        return int(exc.code or 0)
    if opts.limit < 1 or opts.min_confirmations < 1:
        print("--limit und --min-confirmations müssen mindestens 1 sein.", file=sys.stderr)
        return EXIT_USAGE
    if not opts.db.is_file():
        print(f"Keine Datenbank unter {opts.db} gefunden (THEKIZ_DB oder --db). Es wurden noch "
              "keine Fragen aufgezeichnet, oder der Pfad stimmt nicht.", file=sys.stderr)
        return EXIT_FAILED
    try:
        kb = load_knowledge(opts.knowledge)
    except KnowledgeError as exc:
        print(f"Die Wissensbasis ist ungültig ({len(exc.issues)} Problem(e)); bitte zuerst "
              "`python bot.py check` ausführen.", file=sys.stderr)
        return EXIT_FAILED
    db = Database(opts.db)
    try:
        report = build_report(db, kb, opts.since, opts.limit,
                              min_confirmations=opts.min_confirmations)
    finally:
        db.close()
    if opts.csv:
        write_csv(report, sys.stdout)
    else:
        print(render_text(report, shutil.get_terminal_size((110, 24)).columns))
    if not opts.apply_suggestions:
        return EXIT_OK
    if not report.suggestions:
        print("\nKeine Vorschläge zum Übernehmen.", file=sys.stderr)
        return EXIT_OK
    try:
        edits = apply_suggestions(kb, report.suggestions)
    except KnowledgeError as exc:
        print(f"\nNichts geändert: mit den neuen Formulierungen lädt die Wissensbasis nicht mehr "
              f"({exc.issues[0]}).", file=sys.stderr)
        return EXIT_FAILED
    except OSError as exc:
        print(f"\nNichts geändert: {exc}", file=sys.stderr)
        return EXIT_FAILED
    # With --csv the table goes to stdout (often a file): the change log must not end up in it.
    out = sys.stderr if opts.csv else sys.stdout
    print("\nÜbernommene Alternativfragen:", file=out)
    added = _print_edits(edits, opts.knowledge, out)
    print(f"{added} Alternativfrage(n) eingefügt. Bitte prüfen Sie die Änderung mit "
          f"`git diff {opts.knowledge}` und committen Sie sie.", file=out)
    return EXIT_OK
