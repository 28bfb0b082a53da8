"""The broadcast outbox: every recipient is a row, written before the first message goes out.

Delivery state moves pending -> sending -> delivered | blocked | failed (or back to pending for
a retry), each step committed on its own. After a crash, rows still marked `sending` are the only
ones whose fate is unknown: they go back to pending and are sent again, so a duplicate can only
come from a message that was in flight at the moment of the crash; nothing is ever lost.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from thekiz_bot.broadcast.states import (
    BroadcastStatus,
    DeliveryState,
    Purpose,
)
from thekiz_bot.events.subscriptions import REASON_BLOCKED, Subscriptions
from thekiz_bot.storage.database import Database, to_iso


@dataclass(frozen=True)
class Job:
    """One message to one chat, claimed by the worker."""

    outbox_id: int
    broadcast_id: int
    chat_id: int
    attempts: int
    text: str
    purpose: Purpose
    event_id: int | None


@dataclass(frozen=True)
class BroadcastStats:
    broadcast_id: int
    purpose: Purpose
    status: BroadcastStatus
    total: int
    pending: int
    sending: int
    delivered: int
    blocked: int
    failed: int
    skipped: int
    created_by: int | None
    report_chat_id: int | None
    progress_message_id: int | None
    started_at: datetime | None
    finished_at: datetime | None

    @property
    def done(self) -> int:
        return self.delivered + self.blocked + self.failed + self.skipped

    @property
    def elapsed_seconds(self) -> float | None:
        if self.started_at is None:
            return None
        end = self.finished_at or datetime.now(UTC)
        return max(0.0, (end - self.started_at).total_seconds())


@dataclass(frozen=True)
class Draft:
    broadcast_id: int
    text: str
    purpose: Purpose
    event_id: int | None
    region_id: str | None
    status: BroadcastStatus
    created_by: int | None


def _moment(raw: str | None) -> datetime | None:
    return datetime.fromisoformat(raw) if raw else None


class Outbox:
    def __init__(self, db: Database, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._clock = clock
        self._subscriptions = Subscriptions(db)

    @property
    def db(self) -> Database:
        return self._db

    def _stamp(self) -> str:
        return to_iso(datetime.fromtimestamp(self._clock(), UTC))

    # --- creating broadcasts -----------------------------------------------------------------

    def create_draft(
        self,
        purpose: Purpose | str,
        text: str,
        *,
        event_id: int | None = None,
        region_id: str | None = None,
        created_by: int | None = None,
        report_chat_id: int | None = None,
    ) -> int:
        """A broadcast the admin has not confirmed yet: nothing is queued."""
        purpose = Purpose(purpose)
        return self._db.execute(
            "INSERT INTO broadcasts (purpose, event_id, text, region_id, status, created_by, "
            "report_chat_id, created_at) VALUES (?, ?, ?, ?, 'draft', ?, ?, ?)",
            (purpose, event_id, text, region_id, created_by, report_chat_id, self._stamp()),
        )

    def draft(self, broadcast_id: int) -> Draft | None:
        rows = self._db.query("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,))
        if not rows:
            return None
        row = rows[0]
        return Draft(int(row["id"]), str(row["text"]), Purpose(row["purpose"]), row["event_id"],
                     row["region_id"], BroadcastStatus(row["status"]), row["created_by"])

    def start(self, broadcast_id: int, chat_ids: Sequence[int]) -> bool:
        """Confirm a draft: queue one row per recipient, in the same transaction.

        Returns False when the draft was already started (a second tap on "Senden").
        """
        with self._db.transaction() as conn:
            return self.start_in(conn, broadcast_id, chat_ids)

    def start_in(
        self, conn: sqlite3.Connection, broadcast_id: int, chat_ids: Sequence[int]
    ) -> bool:
        stamp = self._stamp()
        cursor = conn.execute(
            "UPDATE broadcasts SET status = 'sending', started_at = ? "
            "WHERE id = ? AND status = 'draft'",
            (stamp, broadcast_id),
        )
        if cursor.rowcount != 1:
            return False
        conn.executemany(
            "INSERT OR IGNORE INTO outbox (broadcast_id, chat_id, updated_at) VALUES (?, ?, ?)",
            [(broadcast_id, int(chat_id), stamp) for chat_id in dict.fromkeys(chat_ids)],
        )
        if not chat_ids:
            conn.execute("UPDATE broadcasts SET status = 'done', finished_at = ? WHERE id = ?",
                         (stamp, broadcast_id))
        return True

    def enqueue_in(
        self,
        conn: sqlite3.Connection,
        purpose: Purpose | str,
        text: str,
        chat_ids: Sequence[int],
        *,
        event_id: int | None = None,
        region_id: str | None = None,
        created_by: int | None = None,
        report_chat_id: int | None = None,
    ) -> int:
        """Create and start a broadcast inside the caller's transaction (reminders, updates)."""
        purpose = Purpose(purpose)
        cursor = conn.execute(
            "INSERT INTO broadcasts (purpose, event_id, text, region_id, status, created_by, "
            "report_chat_id, created_at) VALUES (?, ?, ?, ?, 'draft', ?, ?, ?)",
            (purpose, event_id, text, region_id, created_by, report_chat_id, self._stamp()),
        )
        broadcast_id = int(cursor.lastrowid or 0)
        self.start_in(conn, broadcast_id, chat_ids)
        return broadcast_id

    def enqueue(
        self,
        purpose: Purpose | str,
        text: str,
        chat_ids: Sequence[int],
        *,
        event_id: int | None = None,
        region_id: str | None = None,
        created_by: int | None = None,
        report_chat_id: int | None = None,
    ) -> int:
        """Create and start a broadcast in one transaction of its own."""
        with self._db.transaction() as conn:
            return self.enqueue_in(conn, purpose, text, chat_ids, event_id=event_id,
                                   region_id=region_id, created_by=created_by,
                                   report_chat_id=report_chat_id)

    def discard_draft(self, broadcast_id: int) -> bool:
        """Throw away an unconfirmed preview; False when it was already sent (or is gone)."""
        with self._db.transaction() as conn:
            return conn.execute("DELETE FROM broadcasts WHERE id = ? AND status = 'draft'",
                                (broadcast_id,)).rowcount == 1

    def discard_stale_drafts(self, older_than: datetime) -> int:
        with self._db.transaction() as conn:
            return conn.execute(
                "DELETE FROM broadcasts WHERE status = 'draft' AND created_at < ?",
                (to_iso(older_than),),
            ).rowcount

    # --- the worker's side -----------------------------------------------------------------

    def recover_in_flight(self) -> int:
        """After a crash: messages whose fate is unknown are sent again (at least once)."""
        with self._db.transaction() as conn:
            return conn.execute(
                "UPDATE outbox SET state = 'pending', updated_at = ? WHERE state = 'sending'",
                (self._stamp(),),
            ).rowcount

    def claim(self, cooling_chats: Collection[int] = ()) -> Job | None:
        """Take the next due message and mark it `sending` (committed before it is sent)."""
        now = self._clock()
        with self._db.transaction() as conn:
            rows = conn.execute(
                """
                SELECT o.id, o.broadcast_id, o.chat_id, o.attempts, b.text, b.purpose, b.event_id
                FROM outbox o JOIN broadcasts b ON b.id = o.broadcast_id
                WHERE o.state = 'pending' AND o.not_before <= ?
                ORDER BY o.not_before, o.id
                LIMIT ?
                """,
                (now, len(cooling_chats) + 16),
            ).fetchall()
            for row in rows:
                if int(row["chat_id"]) in cooling_chats:
                    continue
                conn.execute(
                    "UPDATE outbox SET state = 'sending', updated_at = ? WHERE id = ?",
                    (self._stamp(), row["id"]),
                )
                return Job(
                    outbox_id=int(row["id"]),
                    broadcast_id=int(row["broadcast_id"]),
                    chat_id=int(row["chat_id"]),
                    attempts=int(row["attempts"]),
                    text=str(row["text"]),
                    purpose=Purpose(row["purpose"]),
                    event_id=row["event_id"],
                )
        return None

    def next_due(self) -> float | None:
        rows = self._db.query("SELECT MIN(not_before) FROM outbox WHERE state = 'pending'")
        value = rows[0][0]
        return float(value) if value is not None else None

    def has_work(self) -> bool:
        return bool(self._db.query(
            "SELECT 1 FROM outbox WHERE state IN ('pending', 'sending') LIMIT 1"
        ))

    def _finish_row(self, conn: sqlite3.Connection, job: Job, state: DeliveryState, error: str | None,
                    message_id: int | None = None, attempts: int | None = None) -> None:
        conn.execute(
            "UPDATE outbox SET state = ?, last_error = ?, telegram_message_id = ?, "
            "attempts = ?, updated_at = ? WHERE id = ? AND state = 'sending'",
            (state, error, message_id, job.attempts + 1 if attempts is None else attempts,
             self._stamp(), job.outbox_id),
        )

    def mark_delivered(self, job: Job, message_id: int | None) -> None:
        with self._db.transaction() as conn:
            self._finish_row(conn, job, DeliveryState.DELIVERED, None, message_id)

    def mark_blocked(self, job: Job, reason: str) -> None:
        """The person blocked the bot or the chat is gone: no retry, subscription inactive."""
        with self._db.transaction() as conn:
            self._finish_row(conn, job, DeliveryState.BLOCKED, reason[:500])
            self._subscriptions.deactivate_chat(conn, job.chat_id, REASON_BLOCKED)

    def mark_failed(self, job: Job, reason: str) -> None:
        with self._db.transaction() as conn:
            self._finish_row(conn, job, DeliveryState.FAILED, reason[:500])

    def mark_retry(self, job: Job, delay: float, reason: str, counts: bool = True) -> None:
        """Back to pending, not before `delay` seconds; rate-limit waits don't use up attempts."""
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE outbox SET state = 'pending', not_before = ?, last_error = ?, "
                "attempts = ?, updated_at = ? WHERE id = ? AND state = 'sending'",
                (self._clock() + delay, reason[:500], job.attempts + (1 if counts else 0),
                 self._stamp(), job.outbox_id),
            )

    def finish_if_complete(self, broadcast_id: int) -> bool:
        """Mark the broadcast done once no row is open; True only for the call that did it."""
        with self._db.transaction() as conn:
            open_rows = conn.execute(
                "SELECT 1 FROM outbox WHERE broadcast_id = ? AND state IN ('pending', 'sending') "
                "LIMIT 1",
                (broadcast_id,),
            ).fetchall()
            if open_rows:
                return False
            return conn.execute(
                "UPDATE broadcasts SET status = 'done', finished_at = ? "
                "WHERE id = ? AND status = 'sending'",
                (self._stamp(), broadcast_id),
            ).rowcount == 1

    def sending_broadcasts(self) -> list[int]:
        return [int(r[0]) for r in self._db.query(
            "SELECT id FROM broadcasts WHERE status = 'sending' ORDER BY id")]

    def unreported(self) -> list[int]:
        """Finished broadcasts whose admin has not had the report yet (e.g. after a crash)."""
        return [int(r[0]) for r in self._db.query(
            "SELECT id FROM broadcasts WHERE status = 'done' AND reported_at IS NULL "
            "AND report_chat_id IS NOT NULL ORDER BY id")]

    def mark_reported(self, broadcast_id: int) -> None:
        self._db.execute("UPDATE broadcasts SET reported_at = ? WHERE id = ?",
                         (self._stamp(), broadcast_id))

    def set_progress_message(self, broadcast_id: int, message_id: int) -> None:
        self._db.execute("UPDATE broadcasts SET progress_message_id = ? WHERE id = ?",
                         (message_id, broadcast_id))

    # --- reading ---------------------------------------------------------------------------

    def stats(self, broadcast_id: int) -> BroadcastStats | None:
        rows = self._db.query("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,))
        if not rows:
            return None
        b = rows[0]
        counts = {state: 0 for state in DeliveryState}
        for row in self._db.query(
            "SELECT state, COUNT(*) AS n FROM outbox WHERE broadcast_id = ? GROUP BY state",
            (broadcast_id,),
        ):
            counts[DeliveryState(row["state"])] = int(row["n"])
        return BroadcastStats(
            broadcast_id=broadcast_id,
            purpose=Purpose(b["purpose"]),
            status=BroadcastStatus(b["status"]),
            total=sum(counts.values()),
            pending=counts[DeliveryState.PENDING],
            sending=counts[DeliveryState.SENDING],
            delivered=counts[DeliveryState.DELIVERED],
            blocked=counts[DeliveryState.BLOCKED],
            failed=counts[DeliveryState.FAILED],
            skipped=counts[DeliveryState.SKIPPED],
            created_by=b["created_by"],
            report_chat_id=b["report_chat_id"],
            progress_message_id=b["progress_message_id"],
            started_at=_moment(b["started_at"]),
            finished_at=_moment(b["finished_at"]),
        )

    def recent(self, limit: int = 10) -> list[BroadcastStats]:
        ids = [int(r[0]) for r in self._db.query(
            "SELECT id FROM broadcasts WHERE status != 'draft' ORDER BY id DESC LIMIT ?", (limit,))]
        return [s for s in (self.stats(i) for i in ids) if s is not None]

    def told_chats(self, event_id: int) -> list[int]:
        """Chats that got (or are getting) a message about the event."""
        rows = self._db.query(
            """
            SELECT DISTINCT o.chat_id FROM outbox o JOIN broadcasts b ON b.id = o.broadcast_id
            WHERE b.event_id = ? AND o.state IN ('delivered', 'sending', 'pending')
            ORDER BY o.chat_id
            """,
            (event_id,),
        )
        return [int(r[0]) for r in rows]
