"""Follow-ups and date questions on the command line: `chat`, `ask -` and `ask --json`."""

import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.helpers.cli import bot
from tests.helpers.kb import REAL_KNOWLEDGE, write_yaml
from thekiz_bot.cli.ask import run_chat
from thekiz_bot.cli.main import main
from thekiz_bot.config import Settings
from thekiz_bot.events.model import Event
from thekiz_bot.events.store import EventStore
from thekiz_bot.storage.database import Database
from thekiz_bot.telegram.services import KnowledgeSnapshot

TZ = ZoneInfo("Europe/Berlin")


def calendar_with_a_working_group(db_path: Path) -> Event:
    db = Database(db_path)
    start = (datetime.now(TZ) + timedelta(days=12)).replace(hour=10, minute=0, second=0,
                                                            microsecond=0)
    event = EventStore(db, TZ).add(Event(
        title="Arbeitskreis ThEKiZ Frühjahr", kind="arbeitskreis", start=start,
        end=start + timedelta(hours=6), place="Erfurt",
        registration_url="https://thekiz.de/anmeldung",
    ), datetime.now(TZ))
    db.close()
    return event


def test_console_chat_understands_a_follow_up_and_a_date_question(
    real_knowledge: KnowledgeSnapshot, tmp_path: Path
) -> None:
    said = iter(["Wer ist die Ansprechpartnerin im Ministerium?", "und die Telefonnummer?",
                 "Wann ist der nächste Arbeitskreis?", "/ende"])
    out: list[str] = []
    settings = Settings(db_path=tmp_path / "none.sqlite3")
    assert run_chat(real_knowledge.matcher, lambda _p: next(said), out.append,
                    settings=settings) == 0
    phone = real_knowledge.kb.contacts["ministerium"].phone
    assert phone is not None
    assert out[2].startswith("Telefon zu:") and phone in out[2]
    # No calendar: the honest answer, /abo, and the handbook's word on working groups.
    assert "kein passender Termin" in out[3] and "/abo" in out[3]
    assert "zwei Arbeitskreise" in out[3]
    assert not (tmp_path / "none.sqlite3").exists()   # never created just to be read


def test_console_chat_picks_a_neighbour_by_number(real_knowledge: KnowledgeSnapshot,
                                                  tmp_path: Path) -> None:
    said = iter(["Was ist die Prozessbegleitung?", "mehr dazu", "1", "/ende"])
    out: list[str] = []
    run_chat(real_knowledge.matcher, lambda _p: next(said), out.append,
             settings=Settings(db_path=tmp_path / "x.sqlite3"))
    first_neighbour = out[2].splitlines()[2].removeprefix("1. ")
    entry = next(e for e in real_knowledge.kb.entries if e.question == first_neighbour)
    assert entry.answer.strip()[:60] in out[3]


def test_ask_json_lists_the_calendar_events(tmp_path: Path) -> None:
    db_path = tmp_path / "bot.sqlite3"
    event = calendar_with_a_working_group(db_path)
    proc = bot("ask", "--json", "wann ist der nächste arbeitskreis",
               env={"THEKIZ_DB": str(db_path)})
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["kind"] == "dates" and data["entry_id"] == "arbeitskreise"
    assert [e["id"] for e in data["events"]] == [event.id]
    assert data["events"][0]["registration_url"] == "https://thekiz.de/anmeldung"
    assert data["events"][0]["start"] == event.start.isoformat()


def test_ask_stdin_is_one_conversation(tmp_path: Path) -> None:
    lines = "Wer ist die Ansprechpartnerin im Ministerium?\nund die Telefonnummer?\n"
    proc = bot("ask", "--json", "-", stdin=lines,
               env={"THEKIZ_DB": str(tmp_path / "none.sqlite3")})
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["kind"] for r in rows] == ["match", "followup"]
    assert rows[1]["entry_id"] == "ministerium-kontakt"
    assert rows[1]["followup"] == {"wants": "phone", "missing": False, "related": []}
    assert rows[1]["contacts"][0]["phone"] == "0361-573 811 251"
    assert all(r["events"] == [] for r in rows)


def test_a_lone_follow_up_gets_no_invented_number(tmp_path: Path) -> None:
    proc = bot("ask", "und die Telefonnummer?", env={"THEKIZ_DB": str(tmp_path / "n.sqlite3")})
    assert proc.returncode == 0
    assert "Worauf bezieht sich Ihre Frage?" in proc.stdout
    assert not any(ch.isdigit() for ch in proc.stdout)


def test_a_broken_calendar_is_reported_in_one_sentence_and_questions_still_work(
    tmp_path: Path
) -> None:
    db_path = tmp_path / "broken.sqlite3"
    db_path.write_bytes(b"this is not a database" * 100)
    proc = bot("ask", "wann ist der nächste arbeitskreis", env={"THEKIZ_DB": str(db_path)})
    assert proc.returncode == 0
    assert "Traceback" not in proc.stderr and "nicht lesbar" in proc.stderr
    assert "kein passender Termin" in proc.stdout


def test_eval_reports_dialogues_and_date_questions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_yaml(tmp_path / "c.yaml", {
        "dialogues": [
            {"first": "Wer ist die Ansprechpartnerin im Ministerium?",
             "followup": "und die Telefonnummer?", "expect_entry": "ministerium-kontakt",
             "expect_field": "phone", "split": "dev"},
            {"first": "Was macht die Fachstelle?", "followup": "und die Telefonnummer?",
             "expect_entry": "fachstelle-was", "expect_field": "phone", "split": "test"},
        ],
        "date_questions": [
            {"q": "Wann ist der nächste Arbeitskreis?", "is_date_question": True,
             "kind": "Arbeitskreis", "when": "next", "split": "dev"},
            {"q": "Wie oft finden Arbeitskreise statt?", "is_date_question": True,
             "kind": "Arbeitskreis", "split": "test"},
        ],
    })
    assert main(["eval", "--knowledge", str(REAL_KNOWLEDGE), str(path)]) == 0
    out = capsys.readouterr().out
    assert "| dev | 1 | 100.0 %" in out      # dialogues: the ministry's number
    assert "| test | 1 | 0.0 % | 0 % (1) |" in out   # no number on file for the Fachstelle
    assert "| dev | 1 | 100.0 % | 100.0 %" in out
    assert "'Wie oft finden Arbeitskreise statt?'" in out   # listed as a miss


def test_eval_rejects_a_malformed_dialogue(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "c.yaml", {"dialogues": [{"first": "x", "followup": "y",
                                                           "expect_field": "telefon"}]})
    assert main(["eval", "--knowledge", str(REAL_KNOWLEDGE), str(path)]) == 2
