"""`report`: unanswered questions, 👎, low scores, confirmed alternates, and writing them back."""

from __future__ import annotations

import copy
import csv
import difflib
import io
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.helpers.kb import MINI_ENTRIES, REAL_KNOWLEDGE, write_mini_kb, write_yaml
from thekiz_bot.authoring import report
from thekiz_bot.authoring.report_output import CSV_HEADER
from thekiz_bot.authoring.suggestions import suggested_alternates
from thekiz_bot.authoring.yaml_edit import add_alternates, write_edit
from thekiz_bot.cli.main import main as bot_main
from thekiz_bot.cli.report import parse_since
from thekiz_bot.knowledge.loader import load_knowledge
from thekiz_bot.matching.matcher import Matcher
from thekiz_bot.storage.database import Database
from thekiz_bot.storage.feedback import FeedbackLog
from thekiz_bot.text.grouping import AskedWording, group_questions
from thekiz_bot.text.normalise import Vocabulary

DAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Log:
    """Writes the question log the way the bot does (schema of storage migration 1)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = Database(path)
        self.clock = DAY

    def ask(self, text: str, status: str, entry_id: str | None = None, score: float = 0.0,
            days: float = 0) -> int:
        at = self.clock + timedelta(days=days)
        return self.db.execute(
            "INSERT INTO questions (asked_at, text, status, entry_id, score, channel) "
            "VALUES (?, ?, ?, ?, ?, 'chat')",
            (at.isoformat(timespec="seconds"), text, status, entry_id, score),
        )

    def rate(self, question_id: int | None, entry_id: str, rating: int, via: bool = False,
             days: float = 0) -> None:
        at = self.clock + timedelta(days=days)
        self.db.execute(
            "INSERT INTO feedback (created_at, entry_id, rating, question_id, via_suggestion) "
            "VALUES (?, ?, ?, ?, ?)",
            (at.isoformat(timespec="seconds"), entry_id, rating, question_id, int(via)),
        )


@pytest.fixture
def kb_root(tmp_path: Path) -> Path:
    return write_mini_kb(tmp_path / "kb", copy.deepcopy(MINI_ENTRIES))


@pytest.fixture
def log(tmp_path: Path) -> Iterator[Log]:
    log = Log(tmp_path / "data" / "bot.sqlite3")
    yield log
    log.db.close()


def run(*args: str) -> int:
    return bot_main(["report", *args])


# --- grouping -----------------------------------------------------------------------------


def test_near_identical_unanswered_questions_are_grouped(kb_root: Path) -> None:
    kb = load_knowledge(kb_root)
    analyse = Vocabulary.build(kb.synonyms, kb.stopwords).analyse
    rows = [AskedWording(text, 1, f"2026-03-0{i % 9 + 1}T10:00:00+00:00") for i, text in enumerate([
        "Wie viel Geld bekommt ein ThEKiZ?", "Wie viel Geld bekommt ein ThEKiZ?",
        "wieviel geld bekommt ein thekiz", "wie viel gelt bekommt ein thekiz",
        "Wer ist zuständig für Kitas?", "wer ist zuständig für kinder", "🙂",
    ])]
    groups = group_questions(rows, analyse)
    assert [(g.text, g.count, g.wordings) for g in groups] == [
        ("Wie viel Geld bekommt ein ThEKiZ?", 4, 3),
        ("Wer ist zuständig für Kitas?", 1, 1),
        ("wer ist zuständig für kinder", 1, 1),
    ]


# --- the report ---------------------------------------------------------------------------


def fill(log: Log) -> None:
    for _ in range(3):
        log.ask("Gibt es eine Vorlage für den Jahresbericht?", "fallback")
    log.ask("gibt es eine vorlage fuer den jahresbericht", "fallback", days=1)
    # only suggestions, none confirmed → unanswered; confirmed → answered
    shown = log.ask("wie melde ich mich beim landkreis", "suggest", None, 0.4)
    log.rate(shown, "sozialplanung", -1, via=True)
    picked = log.ask("wer plant bei uns die sozialen angebote", "suggest", None, 0.42)
    log.rate(picked, "sozialplanung", 1, via=True)
    # 👎 for an answer, twice, and one 👍
    for _ in range(2):
        q = log.ask("wer bezahlt die koordinatorin", "answer", "pb-was", 0.55)
        log.rate(q, "pb-was", -1)
    q = log.ask("was ist eine prozessbegleitung", "answer", "pb-was", 0.95)
    log.rate(q, "pb-was", 1)
    log.rate(None, "geloeschter-eintrag", -1)
    # a good answer with a low score, rated 👍: worth an alternate
    q = log.ask("an wen wende ich mich im land", "answer", "ministerium-kontakt", 0.61)
    log.rate(q, "ministerium-kontakt", 1)
    log.ask("hallo", "smalltalk", None, 1.0)


def test_report_sections(kb_root: Path, log: Log) -> None:
    fill(log)
    # "Low" is relative to a threshold; fixed here so that re-tuning the matcher keeps the test.
    result = report.build_report(log.db, load_knowledge(kb_root), low_score=0.7)
    assert result.totals == {"answer": 4, "suggest": 2, "fallback": 4, "smalltalk": 1}
    assert [(g.text, g.count, g.suggested) for g in result.unanswered] == [
        ("Gibt es eine Vorlage für den Jahresbericht?", 4, 0),
        ("wie melde ich mich beim landkreis", 1, 1),
    ]
    assert [(v.entry_id, v.down, v.up, v.question) for v in result.disliked] == [
        ("pb-was", 2, 1, "Was ist die Prozessbegleitung?"),
        ("geloeschter-eintrag", 1, 0, None),
        ("sozialplanung", 1, 1, "Wer sind die Sozialplaner*innen im Landkreis?"),
    ]
    assert [(s.text, s.score, s.count) for s in result.low_scores] == [
        ("wer bezahlt die koordinatorin", 0.55, 2),
        ("an wen wende ich mich im land", 0.61, 1),
    ]
    assert [(s.entry_id, s.text, s.via_suggestion) for s in result.suggestions] == [
        ("sozialplanung", "wer plant bei uns die sozialen angebote", True),
        ("ministerium-kontakt", "an wen wende ich mich im land", False),
    ]


def test_suggestions_leave_out_doubtful_ones(kb_root: Path, log: Log) -> None:
    # rated 👍 and then 👎: no agreement
    q = log.ask("wer hilft bei der prozessbegleitung", "answer", "pb-was", 0.6)
    log.rate(q, "pb-was", 1)
    q = log.ask("wer hilft bei der prozessbegleitung", "answer", "pb-was", 0.6)
    log.rate(q, "pb-was", -1)
    # personal data never goes into the repository
    q = log.ask("ich bin frau x, 0361 1234567, was ist prozessbegleitung", "answer", "pb-was", 0.6)
    log.rate(q, "pb-was", 1)
    # already an alternate (apart from case and umlauts)
    q = log.ask("Prozessbegleitung Erklärung", "answer", "pb-was", 0.9)
    log.rate(q, "pb-was", 1)
    # confirmed for two different entries
    for entry_id in ("pb-was", "sozialplanung"):
        q = log.ask("wer begleitet uns vor ort", "suggest", None, 0.4)
        log.rate(q, entry_id, 1, via=True)
    # a 👍 for another entry than the one the question was answered with
    q = log.ask("kontakt", "answer", "ministerium-kontakt", 0.7)
    log.rate(q, "pb-was", 1)
    suggestions, skipped = suggested_alternates(FeedbackLog(log.db), load_knowledge(kb_root))
    assert suggestions == []
    assert skipped == {
        "enthält E-Mail, Link oder Nummer (Datenschutz)": 1,
        "schon (fast gleich) als Formulierung vorhanden": 1,
        "für mehrere Einträge bestätigt": 2,
    }


def test_since_limits_the_report(kb_root: Path, log: Log) -> None:
    log.ask("alte frage", "fallback", days=-10)
    log.ask("neue frage", "fallback", days=1)
    since = parse_since("01.03.2026", "Europe/Berlin")
    assert since == datetime(2026, 2, 28, 23, 0, tzinfo=UTC)  # midnight in Thuringia
    result = report.build_report(log.db, load_knowledge(kb_root), since)
    assert [g.text for g in result.unanswered] == ["neue frage"]


def test_terminal_and_csv_output(kb_root: Path, log: Log,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    fill(log)
    log.ask("eine sehr lange frage " * 20 + "🎉", "fallback")
    assert run("--db", str(log.path), "--knowledge", str(kb_root)) == 0
    text = capsys.readouterr().out
    assert "Häufigste unbeantwortete Fragen" in text
    assert "Gibt es eine Vorlage für den Jahresbericht?" in text
    assert "eine sehr lange frage eine sehr" in text and "…" in text
    assert "Übernehmen mit: python bot.py report --apply-suggestions" in text

    assert run("--db", str(log.path), "--knowledge", str(kb_root), "--csv") == 0
    output = capsys.readouterr().out
    assert output.startswith("\ufeff")  # Excel needs it to read UTF-8
    rows = list(csv.reader(io.StringIO(output[1:]), delimiter=";"))
    assert rows[0] == list(CSV_HEADER)
    sections = {row[0] for row in rows[1:]}
    assert sections == {"unbeantwortet", "daumen_runter", "niedriger_score", "neue_alternative"}
    low = next(row for row in rows if row[0] == "niedriger_score")
    assert low[4] == "0,55"  # decimal comma for German spreadsheets


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_report_fits_a_narrow_terminal_but_not_a_file(kb_root: Path, log: Log,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    fill(log)
    monkeypatch.setenv("COLUMNS", "80")
    # Written to a file or pipe: nothing is cut, whatever $COLUMNS says.
    assert run("--db", str(log.path), "--knowledge", str(kb_root)) == 0
    assert "Gibt es eine Vorlage für den Jahresbericht?" in capsys.readouterr().out
    # Shown in an 80-column terminal: the table fits, the long question is shortened with "…".
    terminal = _Terminal()
    monkeypatch.setattr("sys.stdout", terminal)
    assert run("--db", str(log.path), "--knowledge", str(kb_root)) == 0
    text = terminal.getvalue()
    table_lines = [line for line in text.splitlines() if line.startswith(("Anzahl", "─", "4 "))]
    assert len(table_lines) >= 3
    assert all(len(line) <= 80 for line in table_lines)
    assert "Gibt es eine Vorlage für" in text and "Gibt es eine Vorlage für den Jahresbericht?" not in text


def test_bad_command_lines(tmp_path: Path, kb_root: Path, log: Log,
                           capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nirgends" / "bot.sqlite3"
    assert run("--db", str(missing), "--knowledge", str(kb_root)) == 1
    assert "Keine Datenbank" in capsys.readouterr().err
    assert not missing.parent.exists()  # a report never creates a database
    assert run("--db", str(log.path), "--since", "gestern") == 2
    assert "kein Datum" in capsys.readouterr().err


# --- writing suggestions back -------------------------------------------------------------

COMMENTED = """\
# Kommentar oben: bleibt stehen.
entries:
  - id: pb-was
    question: Was ist die Prozessbegleitung?
    alternates:
      - prozessbegleitung erklärung   # ein Kommentar am Ende der Zeile
      - was macht ein prozessbegleiter
    # Kommentar zwischen Feldern
    answer: >-
      Die Prozessbegleitung begleitet den Weg zum Eltern-Kind-Zentrum
      von außen.
    contacts: [fachstelle]

  - id: ministerium-kontakt
    question: Wer ist die Ansprechpartnerin im Ministerium?
    alternates: [kontakt ministerium, telefonnummer ministerium]
    answer: Im Ministerium hilft Frau Beispiel weiter.
    contacts: [ministerium]

  - id: sozialplanung
    question: "Wer sind die Sozialplaner*innen im Landkreis?"
    answer: Die Sozialplanenden arbeiten in den Landkreisen und kreisfreien Städten.
    contacts: [sozialplanung]
"""


def test_apply_suggestions_adds_lines_and_keeps_everything_else(
    kb_root: Path, log: Log, capsys: pytest.CaptureFixture[str]
) -> None:
    faq = kb_root / "faq" / "test.yaml"
    faq.write_text(COMMENTED, encoding="utf-8")
    q = log.ask("wer begleitet uns: prozessbegleitung?", "suggest", None, 0.4)
    log.rate(q, "pb-was", 1, via=True)
    q = log.ask("an wen wende ich mich im land", "answer", "ministerium-kontakt", 0.61)
    log.rate(q, "ministerium-kontakt", 1)
    q = log.ask("wer plant bei uns die sozialen angebote", "suggest", None, 0.42)
    log.rate(q, "sozialplanung", 1, via=True)

    assert run("--db", str(log.path), "--knowledge", str(kb_root), "--apply-suggestions") == 0
    out = capsys.readouterr().out
    assert "3 Alternativfrage(n) eingefügt" in out and "git diff" in out
    new = faq.read_text(encoding="utf-8")
    old_lines, new_lines = COMMENTED.splitlines(), new.splitlines()
    diff = list(difflib.ndiff(old_lines, new_lines))
    added = [line[2:] for line in diff if line.startswith("+ ")]
    removed = [line[2:] for line in diff if line.startswith("- ")]
    assert removed == ["    alternates: [kontakt ministerium, telefonnummer ministerium]"]
    assert added == [
        "      - 'wer begleitet uns: prozessbegleitung?'",
        '    alternates: [kontakt ministerium, telefonnummer ministerium, '
        '"an wen wende ich mich im land"]',
        "    alternates:",
        "      - wer plant bei uns die sozialen angebote",
    ]
    kb = load_knowledge(kb_root)
    matcher = Matcher(kb)
    result = matcher.match("an wen wende ich mich im land")
    assert result.status == "answer" and result.entry is not None
    assert result.entry.id == "ministerium-kontakt"

    # Running it again adds nothing: the wordings are there now.
    assert run("--db", str(log.path), "--knowledge", str(kb_root), "--apply-suggestions") == 0
    assert "Keine Vorschläge" in capsys.readouterr().err
    assert faq.read_text(encoding="utf-8") == new


def test_apply_refuses_what_it_cannot_place_safely(tmp_path: Path) -> None:
    path = tmp_path / "faq.yaml"
    path.write_text("entries:\n  - id: a\n    question: A\n    alternates: nur ein Text\n"
                    "    answer: x\n", encoding="utf-8")
    edit = add_alternates(path, {"a": ["neu"], "b": ["auch neu"]})
    assert edit.text is None and edit.added == {}
    assert edit.skipped == {"a": "'alternates' ist keine Liste",
                            "b": "Eintrag nicht in dieser Datei gefunden"}


def test_apply_keeps_windows_line_endings_and_permissions(tmp_path: Path) -> None:
    path = tmp_path / "faq.yaml"
    path.write_bytes(b"entries:\r\n- id: a\r\n  question: A\r\n  alternates:\r\n  - eins\r\n"
                     b"  answer: x\r\n")
    path.chmod(0o640)
    write_edit(add_alternates(path, {"a": ["zwei"]}))
    assert path.read_bytes() == (b"entries:\r\n- id: a\r\n  question: A\r\n  alternates:\r\n"
                                 b"  - eins\r\n  - zwei\r\n  answer: x\r\n")
    assert path.stat().st_mode & 0o777 == 0o640


@pytest.mark.skipif(not (REAL_KNOWLEDGE / "faq").is_dir(), reason="no knowledge base")
def test_apply_on_a_copy_of_the_real_knowledge_base(tmp_path: Path, log: Log,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "knowledge"
    shutil.copytree(REAL_KNOWLEDGE, root)
    kb = load_knowledge(root)
    entry = kb.served_entries[len(kb.served_entries) // 2]
    q = log.ask("eine ganz neue formulierung fuer diesen eintrag xyz", "suggest", None, 0.4)
    log.rate(q, entry.id, 1, via=True)
    before = {p: p.read_text(encoding="utf-8") for p in (root / "faq").glob("*.yaml")}
    assert run("--db", str(log.path), "--knowledge", str(root), "--apply-suggestions") == 0
    changed = {p for p, text in before.items() if p.read_text(encoding="utf-8") != text}
    assert changed == {root / entry.file}
    path = root / entry.file
    old, new = before[path].splitlines(), path.read_text(encoding="utf-8").splitlines()
    diff = [line for line in difflib.ndiff(old, new) if line[:2] in ("+ ", "- ")]
    assert len(diff) == 1 and diff[0].startswith("+ ")
    assert "eine ganz neue formulierung fuer diesen eintrag xyz" in diff[0]
    reloaded = load_knowledge(root).entry(entry.id)
    assert reloaded is not None
    assert reloaded.alternates == (*entry.alternates,
                                   "eine ganz neue formulierung fuer diesen eintrag xyz")


def test_report_leaves_curated_yaml_alone_without_apply(kb_root: Path, log: Log) -> None:
    q = log.ask("wer plant bei uns die sozialen angebote", "suggest", None, 0.42)
    log.rate(q, "sozialplanung", 1, via=True)
    faq = kb_root / "faq" / "test.yaml"
    before = faq.read_bytes()
    assert run("--db", str(log.path), "--knowledge", str(kb_root)) == 0
    assert faq.read_bytes() == before


def test_contacts_yaml_is_never_touched(kb_root: Path, log: Log) -> None:
    write_yaml(kb_root / "faq" / "test.yaml", {"entries": copy.deepcopy(MINI_ENTRIES)})
    contacts = (kb_root / "contacts.yaml").read_bytes()
    q = log.ask("wer plant bei uns die sozialen angebote", "suggest", None, 0.42)
    log.rate(q, "sozialplanung", 1, via=True)
    assert run("--db", str(log.path), "--knowledge", str(kb_root), "--apply-suggestions") == 0
    assert (kb_root / "contacts.yaml").read_bytes() == contacts


def test_statistik_and_report_show_the_same_unanswered_questions(kb_root: Path, log: Log) -> None:
    """One definition of "unanswered" (no answer, or suggestions none of which was confirmed),
    grouped alike, whether the Fachstelle asks in Telegram or on the command line."""
    from thekiz_bot.storage.records import Records
    from thekiz_bot.telegram.texts.faq import statistics_text

    fill(log)
    for text in ("Wann ist der nächste Fachtag?", "Wann ist der nächste Fachtag?",
                 "wann ist der naechste fachtag",
                 "Wann ist der nächste Fachtg?"):
        log.ask(text, "fallback")
    shown = log.ask("Wann ist der nächste Fachtag", "suggest", None, 0.41)
    log.rate(shown, "pb-was", -1, via=True)
    kb = load_knowledge(kb_root)
    stats = Records(log.db).statistics.summary(Matcher(kb).vocab)
    message = statistics_text(stats, {})
    from_report = report.build_report(log.db, kb).unanswered
    assert [(g.text, g.count) for g in from_report] == stats.top_unanswered
    assert [(g.text, g.count) for g in from_report] == [
        ("Wann ist der nächste Fachtag?", 5),
        ("Gibt es eine Vorlage für den Jahresbericht?", 4),
        ("wie melde ich mich beim landkreis", 1),
    ]
    assert "1. „Wann ist der nächste Fachtag?“ (5×)" in message
    assert "wer plant bei uns die sozialen angebote" not in message  # its suggestion was 👍
