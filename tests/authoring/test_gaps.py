"""`check --strict`: collisions, unreached entries, long answers, unused contacts, stale events,
and drafts that duplicate curated entries."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.kb import MINI_ENTRIES, REAL_KNOWLEDGE, write_mini_kb, write_yaml
from thekiz_bot.authoring import gaps
from thekiz_bot.cli.main import main as bot_main
from thekiz_bot.knowledge.loader import KnowledgeBase, load_knowledge
from thekiz_bot.matching.matcher import Matcher
from thekiz_bot.storage.database import MIGRATIONS, Database
from thekiz_bot.telegram.services import KnowledgeSnapshot

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)

SEMINAR = "seminare fuer koordinatorinnen"
COLLIDING = [
    {
        "id": "fachstelle-fortbildung",
        "question": "Welche Fortbildungen bietet die Fachstelle an?",
        "alternates": ["fortbildungen der fachstelle", "qualifizierung durch die fachstelle",
                       SEMINAR],
        "answer": "Die Fachstelle organisiert Weiterbildungen zur Entwicklung von ThEKiZ.",
    },
    {
        "id": "fortbildung-zielgruppe",
        "question": "Für wen sind die Fortbildungen gedacht?",
        "alternates": ["wer darf an den fortbildungen teilnehmen", SEMINAR],
        "answer": "Es gibt Seminare für Koordinatorinnen, Kitaleitungen und Prozessbegleitende.",
    },
]


def load(root: Path) -> tuple[KnowledgeBase, Matcher]:
    kb = load_knowledge(root)
    return kb, Matcher(kb)


def mini(tmp_path: Path, extra: list[dict[str, Any]] | None = None) -> Path:
    return write_mini_kb(tmp_path / "kb", copy.deepcopy(MINI_ENTRIES) + (extra or []))


def by_kind(findings: list[gaps.Finding], kind: str) -> list[gaps.Finding]:
    return [f for f in findings if f.kind == kind]


# --- collisions ---------------------------------------------------------------------------


def test_alternate_answered_by_another_entry_is_an_error(tmp_path: Path) -> None:
    kb, matcher = load(mini(tmp_path, COLLIDING))
    findings = gaps.alternate_collisions(kb, matcher)
    assert len(findings) == 1
    finding = findings[0]
    assert finding.severity == "error"
    assert set(finding.entry_ids) == {"fachstelle-fortbildung", "fortbildung-zielgruppe"}
    assert SEMINAR in finding.message and "wird beantwortet mit 'fortbildung-zielgruppe'" in str(
        finding)
    # The score is the matcher's: the same as asking the question.
    top = matcher.rank(SEMINAR, k=1)[0]
    assert top.entry.id == "fortbildung-zielgruppe"
    assert finding.score == round(top.score, 3)


def test_distinct_entries_do_not_collide(tmp_path: Path) -> None:
    kb, matcher = load(mini(tmp_path))
    assert gaps.alternate_collisions(kb, matcher) == []


# --- evaluation coverage ------------------------------------------------------------------


def test_entries_no_evaluation_question_reaches(tmp_path: Path) -> None:
    kb, matcher = load(mini(tmp_path))
    eval_file = write_yaml(tmp_path / "eval.yaml", {"questions": [
        {"question": "was macht ein prozessbegleiter eigentlich", "expected": "pb-was"},
        {"question": "telefonnummer vom ministerium", "expected": "ministerium-kontakt"},
        {"question": "wie ist das wetter", "expected": "out_of_scope"},
        {"question": "gibt es einen newsletter", "expected": "newsletter"},
    ]})
    findings = gaps.unreached_entries(kb, matcher, eval_file)
    unreached = by_kind(findings, "unreached")
    assert [f.entry_ids for f in unreached] == [("sozialplanung",)]
    assert "4 Fragen aus eval.yaml" in unreached[0].message
    labels = by_kind(findings, "eval_label")
    assert [f.entry_ids for f in labels] == [("newsletter",)]


def test_unreadable_evaluation_file_is_reported(tmp_path: Path) -> None:
    kb, matcher = load(mini(tmp_path))
    broken = tmp_path / "eval.yaml"
    broken.write_text("questions:\n  - question: ohne erwartete id\n", encoding="utf-8")
    findings = gaps.unreached_entries(kb, matcher, broken)
    assert [f.severity for f in findings] == ["error"]


# --- answers and contacts -----------------------------------------------------------------


def test_long_answer_is_flagged(tmp_path: Path) -> None:
    long_entry = {"id": "lang", "question": "Was steht im langen Eintrag?",
                  "answer": "Ein Satz mit Inhalt. " * 40}
    kb, _ = load(mini(tmp_path, [long_entry]))
    findings = gaps.long_answers(kb)
    assert [f.entry_ids for f in findings] == [("lang",)]
    assert f"{len(long_entry['answer'].strip())} Zeichen" in findings[0].message


def test_contact_no_entry_refers_to(tmp_path: Path) -> None:
    root = mini(tmp_path)
    contacts = load_knowledge(root).contacts
    write_yaml(root / "contacts.yaml", {
        "default_contact": "fachstelle",
        "regional_contact": "sozialplanung",
        "contacts": [
            *({k: v for k, v in vars(c).items() if v not in (None, ())}
              for c in contacts.values()),
            {"id": "vergessen", "name": "Niemand Verweist"},
            {"id": "jena-kontakt", "name": "Kontakt Jena", "regions": ["jena"]},
        ],
    })
    kb, _ = load(root)
    findings = gaps.unused_contacts(kb)
    assert [str(f) for f in findings] == [
        "Warnung (Kontakt unbenutzt): Kontakt 'vergessen' (Niemand Verweist) wird von keinem "
        "Eintrag genannt"
    ]


# --- events -------------------------------------------------------------------------------


def add_event(db: Database, title: str, start: datetime, end: datetime | None,
              status: str = "active") -> None:
    stamp = NOW.isoformat()
    db.execute(
        "INSERT INTO events (title, kind, starts_at, ends_at, place, status, "
        "schedule_changed_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (title, "Fachtag", start.isoformat(), end.isoformat() if end else None, "Erfurt", status,
         stamp, stamp, stamp),
    )


def test_past_event_still_listed_is_stale(tmp_path: Path) -> None:
    db = Database(tmp_path / "events.sqlite3")
    add_event(db, "Fachtag mit falschem Enddatum", NOW - timedelta(days=3),
              NOW + timedelta(days=362))
    add_event(db, "Abgesagter Fachtag", NOW - timedelta(days=3), NOW + timedelta(days=30),
              status="cancelled")
    add_event(db, "Kommender Arbeitskreis", NOW + timedelta(days=5), NOW + timedelta(days=5,
                                                                                      hours=3))
    add_event(db, "Vorbei und nicht mehr gelistet", NOW - timedelta(days=20), None)
    add_event(db, "Letzte Woche zu Ende", NOW - timedelta(days=9), NOW - timedelta(days=8))
    add_event(db, "Läuft gerade", NOW - timedelta(hours=2), NOW + timedelta(hours=4))
    findings = gaps.stale_events(db, NOW)
    db.close()
    assert len(findings) == 1
    assert "Fachtag mit falschem Enddatum" in findings[0].message
    assert "01.05.2026" in findings[0].message and "01.05.2027" in findings[0].message


def test_no_events_table_means_nothing_to_check(tmp_path: Path) -> None:
    db = Database(tmp_path / "old.sqlite3", migrations=MIGRATIONS[:1])
    assert gaps.stale_events(db, NOW) == []
    db.close()


# --- drafts -------------------------------------------------------------------------------

DUPLICATE_DRAFT = {
    "id": "entwurf-prozessbegleitung", "status": "draft",
    "question": "Worum geht es bei „Prozessbegleitung“?",
    "alternates": ["Prozessbegleitung"],
    "answer": "Die Prozessbegleitung begleitet Kitas von außen auf dem Weg zum Eltern-Kind-Zentrum.",
}
NEW_DRAFT = {
    "id": "entwurf-kinderschutz", "status": "draft",
    "question": "Worum geht es bei „Kinderschutz“?",
    "alternates": ["Kinderschutz"],
    "answer": "Ein Schutzkonzept beschreibt, wie das Team bei Anhaltspunkten für eine "
              "Kindeswohlgefährdung vorgeht.",
}


def test_draft_duplicating_a_curated_entry(tmp_path: Path) -> None:
    root = mini(tmp_path)
    write_yaml(root / "faq" / "entwuerfe.yaml", {"entries": [DUPLICATE_DRAFT, NEW_DRAFT]})
    kb = load_knowledge(root)
    findings = gaps.draft_duplicates(kb)
    assert [f.entry_ids[:2] for f in findings] == [("entwurf-prozessbegleitung", "pb-was")]
    assert "faq/entwuerfe.yaml" in findings[0].message
    assert findings[0].severity == "warning"


def test_no_drafts_no_findings(tmp_path: Path) -> None:
    assert gaps.draft_duplicates(load_knowledge(mini(tmp_path))) == []


# --- through the command line -------------------------------------------------------------


def test_check_strict_exit_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("THEKIZ_DB", str(tmp_path / "keine.sqlite3"))
    clean = mini(tmp_path)
    write_yaml(clean / "faq" / "entwuerfe.yaml", {"entries": [DUPLICATE_DRAFT]})
    assert bot_main(["check", "--strict", "--knowledge", str(clean)]) == 0
    out = capsys.readouterr().out
    assert "Warnung (Entwurf doppelt)" in out and "0 Fehler" in out

    colliding = write_mini_kb(tmp_path / "kb2", copy.deepcopy(MINI_ENTRIES) + COLLIDING)
    assert bot_main(["check", "--knowledge", str(colliding)]) == 0  # only --strict looks
    assert bot_main(["check", "--strict", "--knowledge", str(colliding)]) == 1
    assert "Fehler (Kollision)" in capsys.readouterr().out


def test_check_strict_reads_events_from_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db_path = tmp_path / "bot.sqlite3"
    db = Database(db_path)
    now = datetime.now(UTC)
    add_event(db, "Vergessener Fachtag", now - timedelta(days=10), now + timedelta(days=300))
    db.close()
    monkeypatch.setenv("THEKIZ_DB", str(db_path))
    assert bot_main(["check", "--strict", "--knowledge", str(mini(tmp_path))]) == 0
    assert "Vergessener Fachtag" in capsys.readouterr().out


@pytest.mark.skipif(not (REAL_KNOWLEDGE / "faq").is_dir(), reason="no knowledge base")
def test_real_knowledge_base_has_no_strict_errors(real_knowledge: KnowledgeSnapshot) -> None:
    kb, matcher = real_knowledge.kb, real_knowledge.matcher
    eval_file = REAL_KNOWLEDGE.parent / "tests" / "eval" / "questions.yaml"
    findings = gaps.strict_findings(kb, matcher, eval_file if eval_file.is_file() else None)
    assert [str(f) for f in findings if f.is_error] == []
