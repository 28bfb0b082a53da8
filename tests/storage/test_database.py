"""SQLite storage: migrations run once, in order, atomically; a failed write leaves nothing."""

import sqlite3
from pathlib import Path

import pytest

from thekiz_bot.storage.database import MIGRATIONS, Database, Migration


def test_fresh_database_gets_every_migration_and_wal(tmp_path: Path) -> None:
    db = Database(tmp_path / "sub" / "x.sqlite3")
    assert db.schema_version == max(m.version for m in MIGRATIONS)
    assert db.query("PRAGMA journal_mode")[0][0] == "wal"
    db.close()


def test_reopening_keeps_data_and_does_not_migrate_again(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    db = Database(path)
    db.execute("INSERT INTO questions (asked_at, text, status) VALUES ('2026-01-01', 'a', 'answer')")
    db.close()
    db = Database(path)
    assert [r["text"] for r in db.query("SELECT text FROM questions")] == ["a"]
    db.close()


def test_a_later_migration_upgrades_an_existing_database(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    Database(path, MIGRATIONS[:1]).close()
    extra = Migration(999, "test", "CREATE TABLE extra (id INTEGER PRIMARY KEY);\n"
                                   "-- a comment line\nINSERT INTO extra (id) VALUES (1);")
    db = Database(path, (*MIGRATIONS, extra))
    assert db.schema_version == 999
    assert db.query("SELECT id FROM extra")[0][0] == 1
    db.close()


def test_a_broken_migration_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    Database(path).close()
    broken = Migration(999, "broken", "CREATE TABLE half (id INTEGER);\nTHIS IS NOT SQL;")
    with pytest.raises(sqlite3.OperationalError):
        Database(path, (*MIGRATIONS, broken))
    db = Database(path)
    assert db.schema_version == max(m.version for m in MIGRATIONS)
    assert not db.query("SELECT name FROM sqlite_master WHERE name = 'half'")
    db.close()


def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    db = Database(tmp_path / "x.sqlite3")
    with pytest.raises(RuntimeError), db.transaction() as conn:
        conn.execute("INSERT INTO questions (asked_at, text, status) VALUES ('t', 'a', 'answer')")
        raise RuntimeError("crash in the middle")
    assert db.query("SELECT COUNT(*) FROM questions")[0][0] == 0
    db.close()
