"""The command line speaks German: help, argparse's own usage and errors, our own errors."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from tests.helpers.cli import bot
from tests.helpers.kb import write_mini_kb
from thekiz_bot.cli.main import build_parser, main
from thekiz_bot.config import Settings

COMMANDS = [["run"], ["ask"], ["chat"], ["check"], ["eval"], ["events"], ["events", "import"],
            ["events", "list"], ["announce"], ["import"], ["report"], ["learn"],
            ["learn", "export"]]


@pytest.mark.parametrize("command", [[], *COMMANDS])
def test_every_help_is_german_and_complete(command: list[str],
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*command, "--help"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Aufruf: python bot.py")
    for english in ("usage:", "options:", "positional arguments", "show this help"):
        assert english not in text
    assert "diese Hilfe anzeigen und beenden" in text


def _parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                found += _parsers(child)
    return found


def test_every_option_and_argument_explains_itself() -> None:
    for parser in _parsers(build_parser(Settings())):
        assert parser.description, parser.prog
        for action in parser._actions:
            assert action.help, (parser.prog, action.dest)


@pytest.mark.parametrize("argv, fragment", [
    (["report", "--nope"], "Unbekannte Angaben: --nope"),
    (["ask"], "Es fehlt: FRAGE"),
    (["report", "--limit", "viele"], "--limit: 'viele' ist keine ganze Zahl"),
    (["events", "wegwerfen"], "'wegwerfen' gibt es nicht"),
    (["report", "--since", "gestern"], "„gestern“ ist kein Datum"),
    (["ask", "--json"], "Es fehlt: FRAGE"),
])
def test_usage_errors_are_german(argv: list[str], fragment: str,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Aufruf: python bot.py" in err and ": Fehler: " in err
    assert fragment in err
    assert "error:" not in err and "usage:" not in err


def test_the_same_metavariables_everywhere(capsys: pytest.CaptureFixture[str]) -> None:
    texts = []
    for command in COMMANDS:
        main([*command, "--help"])
        texts.append(capsys.readouterr().out)
    joined = "\n".join(texts)
    for english in (" FILE", " DIR", " NAME", " NR"):
        assert english not in joined
    assert joined.count("--knowledge VERZEICHNIS") >= len(COMMANDS) - 2


@pytest.mark.parametrize("command", [["ask", "Was ist das LSZ?"], ["chat"],
                                     ["announce", "Hallo", "--dry-run"]])
def test_unknown_region_is_an_error_everywhere(tmp_path: Path, command: list[str]) -> None:
    kb = write_mini_kb(tmp_path / "kb")
    proc = bot(*command, "--region", "Atlantis", "--knowledge", str(kb), stdin="",
               env={"THEKIZ_DB": str(tmp_path / "db.sqlite3")})
    assert proc.returncode == 2, proc.stderr
    assert "Atlantis" in proc.stderr and "Traceback" not in proc.stderr


def test_a_region_with_a_typo_is_understood(tmp_path: Path) -> None:
    kb = write_mini_kb(tmp_path / "kb")
    proc = bot("ask", "--json", "--region", "Weimarer Lnad", "--knowledge", str(kb),
               "Wer ist die Prozessbegleitung?")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["question"] == "Wer ist die Prozessbegleitung?"


def test_ask_stdin_text_mode_separates_the_answers(tmp_path: Path) -> None:
    kb = write_mini_kb(tmp_path / "kb")
    proc = bot("ask", "--knowledge", str(kb), "-", stdin="Hallo\nWetter morgen?\nDanke\n")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("―" * 20) == 2


def test_ask_json_escapes_line_separators_and_keeps_the_whole_question(tmp_path: Path) -> None:
    kb = write_mini_kb(tmp_path / "kb")
    long_question = "Was macht die Prozessbegleitung\u2028 genau " + "und warum " * 200 + "?"
    proc = bot("ask", "--json", "--knowledge", str(kb), "-", stdin=long_question + "\n")
    assert proc.returncode == 0, proc.stderr
    line = proc.stdout.strip()
    assert "\u2028" not in line and "\\u2028" in line
    assert len(proc.stdout.splitlines()) == 1
    assert json.loads(line)["question"] == long_question
