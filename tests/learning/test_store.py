"""Decisions are stored with who and when, survive reopening, and undo/export are one-way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from thekiz_bot.learning.model import Action, Proposal
from thekiz_bot.learning.store import DecisionStore, DigestLog
from thekiz_bot.storage.database import Database

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_decision_survives_reopening_the_database(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    first = Database(path)
    stored = DecisionStore(first).add(
        Proposal(Action.PHRASING, "was kostet die prozessbegleitung", "prozessbegleitung-umfang"),
        admin_id=42, at=AT)
    first.close()
    again = DecisionStore(Database(path))
    [decision] = again.active()
    assert decision == stored
    assert (decision.action, decision.entry_id, decision.admin_id) == (
        Action.PHRASING, "prozessbegleitung-umfang", 42)
    assert decision.decided_at.startswith("2026-03-02T09:00")


def test_undo_once_and_never_after_export(db: Database) -> None:
    store = DecisionStore(db)
    a = store.add(Proposal(Action.IGNORE, "hallo welt"), admin_id=1)
    b = store.add(Proposal(Action.OUT_OF_SCOPE, "wetter morgen", topic_id="wetter"), admin_id=1)
    assert store.undo(a.id, admin_id=2)
    assert not store.undo(a.id, admin_id=2)
    assert store.get(a.id).undone_by == 2  # type: ignore[union-attr]
    assert store.mark_exported([b.id]) == 1
    assert not store.undo(b.id, admin_id=1)
    assert [d.id for d in store.active()] == [b.id]
    assert store.last_active(1) is None  # exported ones cannot be undone in the chat


def test_last_active_is_the_admins_own_newest(db: Database) -> None:
    store = DecisionStore(db)
    mine = store.add(Proposal(Action.IGNORE, "eins"), admin_id=1)
    store.add(Proposal(Action.IGNORE, "zwei"), admin_id=2)
    assert store.last_active(1) == mine


def test_ignored_wordings_age_out_but_taught_ones_stay(db: Database) -> None:
    store = DecisionStore(db)
    store.add(Proposal(Action.IGNORE, "alt"), admin_id=1, at=AT - timedelta(days=400))
    taught = store.add(Proposal(Action.PHRASING, "alt gelernt", "thekiz-was"), admin_id=1,
                       at=AT - timedelta(days=400))
    fresh = store.add(Proposal(Action.IGNORE, "neu"), admin_id=1, at=AT)
    assert store.delete_ignored_before(AT - timedelta(days=365)) == 1
    assert [d.id for d in store.active()] == [taught.id, fresh.id]


def test_digest_log_remembers_the_window(db: Database) -> None:
    log = DigestLog(db)
    assert log.last_sent_at() is None and log.last_since() is None
    log.record(AT, None, groups=3, admins=2)
    log.record(AT + timedelta(days=7), AT, groups=1, admins=2)
    assert log.last_sent_at() == AT + timedelta(days=7)
    assert log.last_since() == AT
