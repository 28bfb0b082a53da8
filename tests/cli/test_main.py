"""The command-line contract other tools rely on: ask, ask --json -, check, eval, chat."""

import json
from pathlib import Path

import pytest

from tests.helpers.cli import bot
from tests.helpers.kb import write_mini_kb, write_yaml
from thekiz_bot.cli.ask import run_chat
from thekiz_bot.cli.main import main
from thekiz_bot.knowledge.loader import load_knowledge
from thekiz_bot.matching.matcher import Matcher


def test_ask_json_stdin_answers_each_line_in_order(tmp_path: Path) -> None:
    kb = write_mini_kb(tmp_path)
    questions = ["was macht die prozessbegleitung", "", "Hallo", "Wetter morgen?",
                 "telefonnummer ministerium", "🙂 <b>x</b> \u202e"]
    proc = bot("ask", "--json", "--knowledge", str(kb), "-", stdin="\n".join(questions) + "\n")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["question"].strip() for r in rows] == [q.strip() for q in
                                                     ["was macht die prozessbegleitung", "",
                                                      "Hallo", "Wetter morgen?",
                                                      "telefonnummer ministerium", "🙂 <b>x</b>"]]
    assert [r["status"] for r in rows][:5] == ["answer", "fallback", "smalltalk", "fallback",
                                               "answer"]
    assert rows[4]["contacts"][0] == {
        "id": "ministerium", "name": "Frau Beispiel", "role": None,
        "organisation": "Testministerium", "phone": "0361-000 000",
        "email": "beispiel@example.invalid", "url": None,
    }
    for row in rows:
        assert isinstance(row["suggestions"], list) and len(row["suggestions"]) <= 3


def test_knowledge_dir_from_environment(tmp_path: Path) -> None:
    write_yaml(tmp_path / "faq.yaml", [{"id": "kaffee", "question": "Gibt es Kaffee im Büro?",
                                        "answer": "Ja, in der Küche."}])
    proc = bot("ask", "--json", "Gibt es Kaffee im Büro?",
               env={"THEKIZ_KNOWLEDGE_DIR": str(tmp_path)})
    data = json.loads(proc.stdout)
    assert data["entry_id"] == "kaffee" and data["answer"] == "Ja, in der Küche."
    assert data["contacts"] == [] and data["source"] is None


def test_ask_prints_a_readable_answer_with_contact_and_source(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]
                                                              ) -> None:
    kb = write_mini_kb(tmp_path)
    assert main(["ask", "--knowledge", str(kb), "Wer ist die Ansprechpartnerin im Ministerium?"]) == 0
    out = capsys.readouterr().out
    assert "Im Ministerium hilft Frau Beispiel weiter." in out
    assert "0361-000 000" in out and "Quelle: Testhandbuch" in out


def test_check_fails_with_errors_on_a_broken_knowledge_base(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]
                                                            ) -> None:
    (tmp_path / "faq.yaml").write_text("- id: a\n  question: Was?\n  answer: [kaputt\n",
                                       encoding="utf-8")
    assert main(["check", "--knowledge", str(tmp_path)]) == 1
    assert "faq.yaml:" in capsys.readouterr().err


def test_check_warns_about_near_identical_alternates(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    write_yaml(tmp_path / "faq.yaml", [
        {"id": "a", "question": "Was kostet die Fortbildung?", "answer": "A."},
        {"id": "b", "question": "Was kostet die Fortbildung??", "answer": "B."},
    ])
    assert main(["check", "--knowledge", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Warnung" in out and "'a'" in out and "'b'" in out


def test_check_warns_when_an_out_of_scope_example_reads_like_an_alternate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_yaml(tmp_path / "faq.yaml", [
        {"id": "a", "question": "Was kostet die Fortbildung?", "answer": "A."},
    ])
    write_yaml(tmp_path / "out_of_scope.yaml", {"topics": [
        {"id": "kosten", "questions": ["was kostet die fortbildung", "was kostet ein kitaplatz"]},
    ]})
    assert main(["check", "--knowledge", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Warnung" in out and "'a'" in out and "out_of_scope:kosten" in out
    assert "kitaplatz" not in out


def test_eval_prints_metrics_and_misses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kb = write_mini_kb(tmp_path / "kb")
    questions = write_yaml(tmp_path / "q.yaml", {"questions": [
        {"question": "was tut eine prozessbegleitung", "expected": "pb-was", "split": "dev"},
        {"question": "sozialplaner:innen im kreis", "expected": "sozialplanung", "split": "test"},
        {"question": "wie wird das wetter", "expected": "out_of_scope", "split": "test"},
        {"question": "wer sind die sozialplanenden", "expected": "pb-was", "split": "dev"},
    ]})
    assert main(["eval", "--knowledge", str(kb), str(questions)]) == 0
    out = capsys.readouterr().out
    assert "| dev | 2 | 50.0 %" in out
    assert "| test | 1 | 100.0 %" in out
    assert "wer sind die sozialplanenden" in out  # the mislabelled item is listed as a miss
    assert "held out" not in out  # only one held-out split: nothing to combine


def test_eval_combines_several_held_out_splits(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    kb = write_mini_kb(tmp_path / "kb")
    questions = write_yaml(tmp_path / "q.yaml", {"questions": [
        {"question": "was tut eine prozessbegleitung", "expected": "pb-was", "split": "dev"},
        {"question": "sozialplaner:innen im kreis", "expected": "sozialplanung", "split": "test"},
        {"question": "wer sind die sozialplanenden", "expected": "pb-was", "split": "test2"},
        {"question": "wie wird das wetter", "expected": "out_of_scope", "split": "test2"},
    ]})
    assert main(["eval", "--quiet", "--knowledge", str(kb), str(questions)]) == 0
    out = capsys.readouterr().out
    assert "| held out | 2 | 50.0 %" in out and "| all | 3 | 66.7 %" in out


def test_eval_keeps_a_second_tuning_split_out_of_held_out(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kb = write_mini_kb(tmp_path / "kb")
    questions = write_yaml(tmp_path / "q.yaml", {"questions": [
        {"question": "was tut eine prozessbegleitung", "expected": "pb-was", "split": "dev"},
        {"question": "wer sind die sozialplanenden", "expected": "pb-was", "split": "dev2"},
        {"question": "sozialplaner:innen im kreis", "expected": "sozialplanung", "split": "test"},
        {"question": "was tut eine prozessbegleitung", "expected": "pb-was", "split": "test2"},
    ]})
    assert main(["eval", "--quiet", "--knowledge", str(kb), str(questions)]) == 0
    out = capsys.readouterr().out
    # dev2 is tuned on like dev: it joins dev in the tuning row, never the held-out one.
    assert "| tuning | 2 | 50.0 %" in out
    assert "| held out | 2 | 100.0 %" in out and "| all | 4 | 75.0 %" in out


def test_eval_rejects_unknown_entry_ids(tmp_path: Path) -> None:
    kb = write_mini_kb(tmp_path / "kb")
    questions = write_yaml(tmp_path / "q.yaml", [{"question": "x", "expected": "gibt-es-nicht"}])
    assert main(["eval", "--knowledge", str(kb), str(questions)]) == 1


def test_console_chat_conversation(tmp_path: Path) -> None:
    matcher = Matcher(load_knowledge(write_mini_kb(tmp_path)))
    said = iter(["Hallo", "förderung", "/region Jena", "wer plant im kreis",
                 "/kontakt Beispiel", "/ende"])
    out: list[str] = []
    assert run_chat(matcher, lambda _prompt: next(said), out.append) == 0
    transcript = "\n".join(out)
    assert "Hallo! Fragen Sie." in transcript
    assert "Region gespeichert: Jena" in transcript
    assert "kreisfreie Stadt Jena" in transcript          # regional note for the question
    assert "Frau Beispiel" in transcript                  # /kontakt by name
    assert out[-1] == "Auf Wiedersehen!"


def test_console_chat_ends_on_end_of_input(tmp_path: Path) -> None:
    matcher = Matcher(load_knowledge(write_mini_kb(tmp_path)))

    def eof(_prompt: str) -> str:
        raise EOFError

    assert run_chat(matcher, eof, lambda _text: None) == 0
