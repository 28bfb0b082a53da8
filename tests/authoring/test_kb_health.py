"""`check` tells what stops working when an optional file is gone, and refuses absurd sizes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from tests.helpers.cli import bot
from tests.helpers.kb import REAL_KNOWLEDGE


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(REAL_KNOWLEDGE, tmp_path / "knowledge"))


@pytest.mark.parametrize("name, consequence", [
    ("regions.yaml", "Regionen: /region"),
    ("smalltalk.yaml", "Small Talk"),
    ("out_of_scope.yaml", "das ehrliche Nein"),
    ("synonyms.yaml", "Synonyme"),
    ("stopwords.yaml", "Stoppwörter"),
])
def test_a_missing_optional_file_is_a_warning_naming_what_stops(kb_copy: Path, name: str,
                                                                consequence: str) -> None:
    (kb_copy / name).unlink()
    proc = bot("check", "--knowledge", str(kb_copy))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    warning = next(line for line in proc.stdout.splitlines() if name in line)
    assert warning.startswith("Warnung (Datei fehlt):") and consequence in warning
    assert "\n0 Fehler, " in proc.stdout
    assert "Traceback" not in proc.stderr


def _first_faq(kb: Path) -> Path:
    return sorted((kb / "faq").glob("*.yaml"))[0]


def _set_answer(path: Path, answer: str) -> str:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["entries"][0]["answer"] = answer
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(data["entries"][0]["id"])


def test_a_huge_answer_is_an_error(kb_copy: Path) -> None:
    entry_id = _set_answer(_first_faq(kb_copy), "Sehr lange Antwort " * 999_999 + "Ende.")  # 20 MB
    proc = bot("check", "--knowledge", str(kb_copy))
    assert proc.returncode == 1
    assert re.search(rf"Fehler \(Größe\): Die Antwort von '{entry_id}' hat \d+\.\d{{3}}\.\d{{3}} "
                     r"Zeichen – das wären \d+ Telegram-Nachrichten", proc.stdout)
    assert "MB groß" in proc.stdout  # the file itself is suspicious too
    assert "Traceback" not in proc.stderr


def test_an_answer_longer_than_a_message_is_a_warning(kb_copy: Path) -> None:
    entry_id = _set_answer(_first_faq(kb_copy), "Eine lange Antwort " * 299 + "Schluss. ")  # 6,000 chars
    proc = bot("check", "--knowledge", str(kb_copy))
    assert proc.returncode == 0
    assert re.search(rf"Warnung \(Größe\): Die Antwort von '{entry_id}' hat \d\.\d{{3}} Zeichen "
                     "und kommt in Telegram in mehreren Nachrichten an", proc.stdout)
