"""The repository of the `learning_decisions` and `learning_digests` tables (their one owner)."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from thekiz_bot.learning.model import Action, Decision, Proposal
from thekiz_bot.storage.database import Database, to_iso, utc_now

_COLUMNS = ("id, action, wording, entry_id, topic_id, new_topic, admin_id, decided_at, "
            "exported_at, undone_at, undone_by")


class DecisionStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, proposal: Proposal, admin_id: int, at: datetime | None = None) -> Decision:
        decision_id = self._db.execute(
            "INSERT INTO learning_decisions (action, wording, entry_id, topic_id, new_topic, "
            "admin_id, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (proposal.action.value, proposal.wording, proposal.entry_id, proposal.topic_id,
             int(proposal.new_topic), admin_id, to_iso(at or utc_now())),
        )
        found = self.get(decision_id)
        assert found is not None
        return found

    def get(self, decision_id: int) -> Decision | None:
        rows = self._db.query(f"SELECT {_COLUMNS} FROM learning_decisions WHERE id = ?",
                              (decision_id,))
        return _decision(rows[0]) if rows else None

    def active(self) -> list[Decision]:
        """Decisions in force, oldest first (the order they are applied in)."""
        rows = self._db.query(f"SELECT {_COLUMNS} FROM learning_decisions "
                              "WHERE undone_at IS NULL ORDER BY id")
        return [_decision(row) for row in rows]

    def all(self) -> list[Decision]:
        rows = self._db.query(f"SELECT {_COLUMNS} FROM learning_decisions ORDER BY id")
        return [_decision(row) for row in rows]

    def last_active(self, admin_id: int | None = None) -> Decision | None:
        """The newest decision still in force (of one admin, when given) that can be undone."""
        sql = (f"SELECT {_COLUMNS} FROM learning_decisions WHERE undone_at IS NULL "
               "AND exported_at IS NULL")
        params: tuple[object, ...] = ()
        if admin_id is not None:
            sql += " AND admin_id = ?"
            params = (admin_id,)
        rows = self._db.query(sql + " ORDER BY id DESC LIMIT 1", params)
        return _decision(rows[0]) if rows else None

    def undo(self, decision_id: int, admin_id: int, at: datetime | None = None) -> bool:
        """Mark a decision undone; False when it was undone already, exported, or is unknown."""
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "UPDATE learning_decisions SET undone_at = ?, undone_by = ? "
                "WHERE id = ? AND undone_at IS NULL AND exported_at IS NULL",
                (to_iso(at or utc_now()), admin_id, decision_id),
            )
            return cursor.rowcount > 0

    def mark_exported(self, decision_ids: list[int], at: datetime | None = None) -> int:
        moment = to_iso(at or utc_now())
        with self._db.transaction() as conn:
            changed = 0
            for decision_id in decision_ids:
                changed += conn.execute(
                    "UPDATE learning_decisions SET exported_at = ? "
                    "WHERE id = ? AND exported_at IS NULL AND undone_at IS NULL",
                    (moment, decision_id),
                ).rowcount
            return changed

    def delete_ignored_before(self, cutoff: datetime) -> int:
        """Ignored wordings are question texts and nothing else: they age out with the log."""
        with self._db.transaction() as conn:
            return conn.execute(
                "DELETE FROM learning_decisions WHERE action = ? AND decided_at < ?",
                (Action.IGNORE.value, to_iso(cutoff)),
            ).rowcount


class DigestLog:
    """When scheduled digests went out: the next digest covers what was asked since."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def record(self, sent_at: datetime, since: datetime | None, groups: int, admins: int) -> int:
        return self._db.execute(
            "INSERT INTO learning_digests (sent_at, since, groups, admins) VALUES (?, ?, ?, ?)",
            (to_iso(sent_at), to_iso(since) if since else "", groups, admins),
        )

    def last_sent_at(self) -> datetime | None:
        rows = self._db.query("SELECT sent_at FROM learning_digests ORDER BY id DESC LIMIT 1")
        return datetime.fromisoformat(str(rows[0]["sent_at"])) if rows else None

    def last_since(self) -> datetime | None:
        """The start of the newest digest's window (None: from the first question on)."""
        rows = self._db.query("SELECT since FROM learning_digests ORDER BY id DESC LIMIT 1")
        if not rows or not rows[0]["since"]:
            return None
        return datetime.fromisoformat(str(rows[0]["since"]))


def _decision(row: sqlite3.Row) -> Decision:
    return Decision(
        id=int(row["id"]),
        action=Action(str(row["action"])),
        wording=str(row["wording"]),
        entry_id=row["entry_id"],
        topic_id=row["topic_id"],
        new_topic=bool(row["new_topic"]),
        admin_id=int(row["admin_id"]),
        decided_at=str(row["decided_at"]),
        exported_at=row["exported_at"],
        undone_at=row["undone_at"],
        undone_by=row["undone_by"],
    )
