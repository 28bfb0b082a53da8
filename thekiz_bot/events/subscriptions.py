"""Who wants to hear about events: one subscription per person, by region and kind.

A subscription for a region also receives Thuringia-wide events; one for all of Thuringia
receives everything. An empty set of kinds means every kind. Subscribing again changes the
subscription (never a second row), unsubscribing twice is harmless.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from thekiz_bot.events.model import EVENT_KINDS
from thekiz_bot.storage.database import Database, to_iso, utc_now

REASON_BLOCKED = "blocked"


@dataclass(frozen=True)
class Subscription:
    user_id: int
    chat_id: int
    region_id: str | None
    kinds: frozenset[str]
    active: bool
    inactive_reason: str | None = None

    def wants(self, region_id: str | None, kind: str | None) -> bool:
        """Would this person want a message about an event in `region_id` of `kind`?"""
        if not self.active:
            return False
        if kind is not None and self.kinds and kind not in self.kinds:
            return False
        return self.region_id is None or region_id is None or self.region_id == region_id


def _kinds(raw: str) -> frozenset[str]:
    return frozenset(k for k in raw.split(",") if k in EVENT_KINDS)


def _row(row: sqlite3.Row) -> Subscription:
    return Subscription(
        user_id=int(row["user_id"]),
        chat_id=int(row["chat_id"]),
        region_id=row["region_id"],
        kinds=_kinds(str(row["kinds"])),
        active=bool(row["active"]),
        inactive_reason=row["inactive_reason"],
    )


class Subscriptions:
    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, user_id: int) -> Subscription | None:
        rows = self._db.query("SELECT * FROM subscriptions WHERE user_id = ?", (user_id,))
        return _row(rows[0]) if rows else None

    def subscribe(
        self,
        user_id: int,
        chat_id: int,
        region_id: str | None,
        kinds: Iterable[str] | None = None,
        now: datetime | None = None,
    ) -> tuple[Subscription, bool]:
        """Create or change the subscription; returns it and whether it was new (or inactive).

        Without `kinds`, an existing choice of kinds is kept.
        """
        stamp = to_iso(now or utc_now())
        with self._db.transaction() as conn:
            rows = conn.execute("SELECT * FROM subscriptions WHERE user_id = ?",
                                (user_id,)).fetchall()
            before = _row(rows[0]) if rows else None
            chosen = before.kinds if (kinds is None and before) else frozenset(kinds or ())
            kinds_raw = ",".join(k for k in EVENT_KINDS if k in chosen)
            conn.execute(
                """
                INSERT INTO subscriptions
                    (user_id, chat_id, region_id, kinds, active, inactive_reason, created_at,
                     updated_at)
                VALUES (?, ?, ?, ?, 1, NULL, ?, ?)
                ON CONFLICT(user_id) DO UPDATE SET
                    chat_id = excluded.chat_id, region_id = excluded.region_id,
                    kinds = excluded.kinds, active = 1, inactive_reason = NULL,
                    updated_at = excluded.updated_at
                """,
                (user_id, chat_id, region_id, kinds_raw, stamp, stamp),
            )
        after = self.get(user_id)
        assert after is not None
        return after, before is None or not before.active

    def set_kinds(self, user_id: int, kinds: Iterable[str]) -> Subscription | None:
        kinds_raw = ",".join(k for k in EVENT_KINDS if k in set(kinds))
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE subscriptions SET kinds = ?, updated_at = ? WHERE user_id = ?",
                (kinds_raw, to_iso(utc_now()), user_id),
            )
        return self.get(user_id)

    def unsubscribe(self, user_id: int) -> bool:
        """Delete the subscription and drop queued messages; False when there was none."""
        with self._db.transaction() as conn:
            rows = conn.execute("SELECT chat_id, active FROM subscriptions WHERE user_id = ?",
                                (user_id,)).fetchall()
            if not rows:
                return False
            conn.execute("DELETE FROM subscriptions WHERE user_id = ?", (user_id,))
            conn.execute(
                "UPDATE outbox SET state = 'skipped', updated_at = ? "
                "WHERE chat_id = ? AND state = 'pending'",
                (to_iso(utc_now()), int(rows[0]["chat_id"])),
            )
            return bool(rows[0]["active"])

    def deactivate_chat(self, conn: sqlite3.Connection, chat_id: int, reason: str) -> None:
        """Inside the caller's transaction: the chat cannot be reached any more."""
        conn.execute(
            "UPDATE subscriptions SET active = 0, inactive_reason = ?, updated_at = ? "
            "WHERE chat_id = ?",
            (reason, to_iso(utc_now()), chat_id),
        )

    def active(self) -> list[Subscription]:
        rows = self._db.query("SELECT * FROM subscriptions WHERE active = 1 ORDER BY user_id")
        return [_row(row) for row in rows]

    def recipients(self, region_id: str | None, kind: str | None) -> list[int]:
        """Chat ids of everyone who wants to hear about an event (or text) in this region."""
        return [s.chat_id for s in self.active() if s.wants(region_id, kind)]

    def count_active(self) -> int:
        return int(self._db.query("SELECT COUNT(*) FROM subscriptions WHERE active = 1")[0][0])

    def delete_user_data(self, user_id: int) -> int:
        """Everything stored about the person for announcements; returns rows removed."""
        with self._db.transaction() as conn:
            removed = conn.execute("DELETE FROM subscriptions WHERE user_id = ?",
                                   (user_id,)).rowcount
            # In private chats the chat id is the user id: the delivery log goes too.
            removed += conn.execute("DELETE FROM outbox WHERE chat_id = ?", (user_id,)).rowcount
            conn.execute("UPDATE broadcasts SET created_by = NULL WHERE created_by = ?",
                         (user_id,))
            conn.execute("UPDATE broadcasts SET report_chat_id = NULL WHERE report_chat_id = ?",
                         (user_id,))
        return removed
