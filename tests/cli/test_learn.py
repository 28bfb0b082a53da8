"""`python bot.py learn list|export` from a terminal."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.kb import REAL_KNOWLEDGE
from thekiz_bot.cli.main import main as bot_main
from thekiz_bot.knowledge.loader import load_knowledge
from thekiz_bot.learning.model import Action, Proposal
from thekiz_bot.learning.store import DecisionStore
from thekiz_bot.storage.database import Database


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    import shutil

    return Path(shutil.copytree(REAL_KNOWLEDGE, tmp_path / "knowledge"))


def test_list_and_export(tmp_path: Path, kb_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db_path = tmp_path / "bot.sqlite3"
    db = Database(db_path)
    DecisionStore(db).add(Proposal(Action.PHRASING, "was kostet die prozessbegleitung",
                                   "prozessbegleitung-umfang"), admin_id=9)
    db.close()
    common = ["--knowledge", str(kb_copy), "--db", str(db_path)]
    assert bot_main(["learn", "list", *common]) == 0
    out = capsys.readouterr().out
    assert "Formulierung → prozessbegleitung-umfang: was kostet die prozessbegleitung" in out
    assert bot_main(["learn", "export", *common]) == 0
    out = capsys.readouterr().out
    assert "+ faq/prozessbegleitung.yaml › prozessbegleitung-umfang: was kostet" in out
    assert "git diff" in out
    entry = load_knowledge(kb_copy).entry("prozessbegleitung-umfang")
    assert entry is not None and "was kostet die prozessbegleitung" in entry.alternates
    assert bot_main(["learn", "list", *common]) == 0
    assert "(exportiert)" in capsys.readouterr().out


def test_missing_database_is_one_clear_sentence(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert bot_main(["learn", "export", "--db", str(tmp_path / "nope.sqlite3")]) == 1
    err = capsys.readouterr().err
    assert "Keine Datenbank" in err and "Traceback" not in err
