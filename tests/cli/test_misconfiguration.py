"""Every misconfiguration an operator can make ends in one German sentence naming the file or
variable and what to do, exit code 1 or 2, and no traceback; nothing is changed or lost."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from tests.helpers.events import GOOD_YAML
from tests.helpers.fakes.botapi import FakeBotApi
from tests.helpers.kb import REAL_KNOWLEDGE

ROOT = Path(__file__).resolve().parents[2]

DB_COMMANDS = [
    ["report"], ["events", "list"], ["events", "import", "{events}"], ["announce", "--status"],
    ["announce", "--pending"], ["announce", "Hallo", "--dry-run"], ["check", "--strict"],
]


def bot(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "THEKIZ_"))}
    full.update({"THEKIZ_KNOWLEDGE_DIR": str(REAL_KNOWLEDGE), "PYTHONIOENCODING": "utf-8", **env})
    return subprocess.run([sys.executable, str(ROOT / "bot.py"), *args], env=full, cwd=ROOT,
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


def _corrupt(path: Path) -> Path:
    path.write_bytes(b"SQLite format 3\x00" + os.urandom(4096))
    return path


def _not_sqlite(path: Path) -> Path:
    path.write_text("Das ist eine Textdatei und keine Datenbank.\n" * 50)
    return path


def _foreign(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE kunden (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO kunden (name) VALUES ('Muster')")
    conn.commit()
    conn.close()
    return path


def _directory(path: Path) -> Path:
    path.mkdir()
    return path


def _under_a_file(path: Path) -> Path:
    path.write_text("x")
    return path / "bot.sqlite3"


CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "corrupt": (_corrupt, "keine lesbare SQLite-Datenbank"),
    "not-sqlite": (_not_sqlite, "keine lesbare SQLite-Datenbank"),
    "foreign": (_foreign, "gehört zu einem anderen Programm (Tabellen: kunden)"),
    "directory": (_directory, "zeigt auf das Verzeichnis"),
    "under-a-file": (_under_a_file, "das eine Datei und kein Verzeichnis ist"),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("command", DB_COMMANDS, ids=lambda c: "-".join(c).strip("-{}"))
def test_unusable_database(tmp_path: Path, case: str, command: list[str]) -> None:
    make, sentence = CASES[case]
    db = make(tmp_path / "bot.sqlite3")
    before = db.read_bytes() if db.is_file() else None
    events = tmp_path / "termine.yaml"
    events.write_text(GOOD_YAML.replace("2027", str(date.today().year + 1)), encoding="utf-8")
    args = [a.replace("{events}", str(events)) for a in command]
    proc = bot(args, {"THEKIZ_DB": str(db), "TELEGRAM_BOT_TOKEN": "1:x"})
    assert proc.returncode in (1, 2), proc.stdout + proc.stderr
    assert sentence in proc.stderr and "THEKIZ_DB" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    if before is not None:
        assert db.read_bytes() == before  # a foreign or damaged file is never written to


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Iterator[Path]:
    """A directory with a real bot database in it that this process cannot write: by its
    permissions, or for root (who may write anyway) on a file system mounted read-only."""
    data = tmp_path / "data"
    data.mkdir()
    if os.getuid() != 0:
        _make_db(data)
        (data / "bot.sqlite3").chmod(0o444)
        data.chmod(0o555)
        yield data
        data.chmod(0o755)
        return
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(data)],
                      capture_output=True).returncode != 0:
        pytest.skip("as root, a read-only database needs a read-only mount")
    try:
        _make_db(data)
        subprocess.run(["mount", "-o", "remount,ro", str(data)], check=True)
        yield data
    finally:
        subprocess.run(["umount", str(data)], check=False)


def _make_db(directory: Path) -> None:
    db = directory / "bot.sqlite3"
    assert bot(["events", "list"], {"THEKIZ_DB": str(db)}).returncode == 0


@pytest.mark.parametrize("command", [["report"], ["events", "list"], ["announce", "--status"]])
def test_read_only_database(read_only_dir: Path, command: list[str]) -> None:
    proc = bot(command, {"THEKIZ_DB": str(read_only_dir / "bot.sqlite3")})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "schreibgeschützt" in proc.stderr and "THEKIZ_DB" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("value", ["laut", "debug2", "0"])
def test_invalid_log_level(value: str) -> None:
    proc = bot(["ask", "Was ist das LSZ?"], {"THEKIZ_LOG_LEVEL": value})
    assert proc.returncode == 2
    assert f"THEKIZ_LOG_LEVEL „{value}“ gibt es nicht" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_log_level_is_case_insensitive() -> None:
    assert bot(["ask", "Was ist das LSZ?"], {"THEKIZ_LOG_LEVEL": "warning"}).returncode == 0


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_bot_api_is_one_sentence(tmp_path: Path) -> None:
    proc = bot(["run"], {"TELEGRAM_BOT_TOKEN": "123:abc", "THEKIZ_DB": str(tmp_path / "b.db"),
                         "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{_free_port()}/bot"})
    assert proc.returncode == 1
    assert "Telegram ist nicht erreichbar" in proc.stderr
    assert "TELEGRAM_API_BASE_URL" in proc.stderr
    assert "Traceback" not in proc.stderr


async def test_rejected_token_is_one_sentence(fake_api: FakeBotApi, tmp_path: Path) -> None:
    env = {"TELEGRAM_BOT_TOKEN": "111:wrong", "TELEGRAM_API_BASE_URL": fake_api.base_url,
           "THEKIZ_DB": str(tmp_path / "b.db")}
    proc = await asyncio.to_thread(bot, ["run"], env)
    assert proc.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("case", sorted(CASES))
def test_run_with_an_unusable_database(tmp_path: Path, case: str) -> None:
    make, sentence = CASES[case]
    proc = bot(["run"], {"THEKIZ_DB": str(make(tmp_path / "bot.sqlite3")),
                         "TELEGRAM_BOT_TOKEN": "1:x"})
    assert proc.returncode == 1
    assert sentence in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("args, sentence", [
    (["eval", str(REAL_KNOWLEDGE / "faq" / "programm.yaml")], "ist kein Fragensatz"),
    (["eval", str(REAL_KNOWLEDGE / "contacts.yaml")], "ist kein Fragensatz"),
    (["eval", "/nirgends/fragen.yaml"], "Der Fragensatz /nirgends/fragen.yaml existiert nicht"),
    (["check", "--strict", "--eval", "/nirgends/fragen.yaml"],
     "Der Fragensatz /nirgends/fragen.yaml existiert nicht"),
    (["check", "--eval", str(ROOT / "tests" / "eval" / "questions.yaml")],
     "--eval wirkt nur zusammen mit --strict"),
])
def test_wrong_question_sets_fail_clearly(args: list[str], sentence: str) -> None:
    proc = bot(args, {})
    assert proc.returncode == 2
    assert sentence in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stdout == ""  # nothing was checked or evaluated half-way


def test_report_on_a_database_another_process_holds_locked(tmp_path: Path) -> None:
    """A long write elsewhere (an import, the bot's outbox) does not stop the report: it is
    complete, only the grouping is stored on a later call."""
    from thekiz_bot.storage.database import Database
    from thekiz_bot.storage.questions import QuestionLog

    path = tmp_path / "bot.sqlite3"
    db = Database(path)
    for text in ("Gibt es eine Vorlage für den Jahresbericht?",) * 3 + ("Wer bezahlt das?",):
        QuestionLog(db).record(text, "fallback", None, 0.1)
    db.close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        proc = bot(["report"], {"THEKIZ_DB": str(path)})
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert proc.returncode == 0, proc.stderr
    assert "Gibt es eine Vorlage für den Jahresbericht?" in proc.stdout
    assert proc.stderr == ""
