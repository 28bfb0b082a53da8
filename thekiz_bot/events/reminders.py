"""Automatic reminders before an event (by default 7 days and 1 day before the start).

Each reminder is recorded in `event_reminders` in the same transaction that queues it, so it is
sent once, also across restarts. When the bot was down past a reminder's time, only the most
recent due reminder goes out (nobody needs "in einer Woche" three days before); a reminder whose
time had passed before the event was created or moved is skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from thekiz_bot.broadcast.outbox import Outbox
from thekiz_bot.broadcast.states import Purpose
from thekiz_bot.events import render as event_render
from thekiz_bot.events.store import EventStore
from thekiz_bot.events.subscriptions import Subscriptions
from thekiz_bot.knowledge.regions import RegionFinder
from thekiz_bot.storage.database import to_iso

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class QueuedReminder:
    event_id: int
    days_before: int
    broadcast_id: int | None
    recipients: int


class DueReminders(Protocol):
    def run_due(self, now: datetime) -> list[QueuedReminder]: ...


class Reminders:
    def __init__(
        self,
        events: EventStore,
        subscriptions: Subscriptions,
        outbox: Outbox,
        regions: RegionFinder,
        tz: ZoneInfo,
        days: Sequence[int] = (7, 1),
    ) -> None:
        self._events = events
        self._subscriptions = subscriptions
        self._outbox = outbox
        self._regions = regions
        self._tz = tz
        self._days = tuple(sorted({d for d in days if d > 0}, reverse=True))

    def run_due(self, now: datetime) -> list[QueuedReminder]:
        """Queue every reminder that is due at `now` and was not handled before."""
        queued: list[QueuedReminder] = []
        if not self._days:
            return queued
        db = self._outbox.db
        for row in db.query(
            "SELECT id, schedule_changed_at FROM events WHERE status = 'active' AND starts_at > ?",
            (to_iso(now),),
        ):
            event = self._events.get(int(row["id"]))
            if event is None or event.id is None:
                continue
            armed_since = datetime.fromisoformat(str(row["schedule_changed_at"]))
            due = [d for d in self._days if event.start - timedelta(days=d) <= now]
            if not due:
                continue
            closest = min(due)
            with db.transaction() as conn:
                for days in due:
                    claimed = conn.execute(
                        "INSERT OR IGNORE INTO event_reminders "
                        "(event_id, days_before, outcome, created_at) VALUES (?, ?, 'skipped', ?)",
                        (event.id, days, to_iso(now)),
                    ).rowcount
                    if not claimed:
                        continue
                    due_at = event.start - timedelta(days=days)
                    if days != closest or due_at < armed_since:
                        continue
                    chats = self._subscriptions.recipients(event.region_id, event.kind)
                    broadcast_id = None
                    if chats:
                        text = event_render.reminder_html(event, self._regions, self._tz, now)
                        broadcast_id = self._outbox.enqueue_in(
                            conn, Purpose.REMINDER, text, chats, event_id=event.id,
                            region_id=event.region_id,
                        )
                    conn.execute(
                        "UPDATE event_reminders SET outcome = 'sent', broadcast_id = ? "
                        "WHERE event_id = ? AND days_before = ?",
                        (broadcast_id, event.id, days),
                    )
                    queued.append(QueuedReminder(event.id, days, broadcast_id, len(chats)))
        return queued


async def run_reminder_loop(
    reminders: DueReminders,
    clock: Clock,
    interval: float,
    on_queued: Callable[[list[QueuedReminder]], None],
    stop: asyncio.Event,
) -> None:
    """Check for due reminders every `interval` seconds until `stop` is set."""
    while not stop.is_set():
        try:
            # In a thread: the check writes to the database, which must not hold up the chats.
            queued = await asyncio.to_thread(reminders.run_due, clock())
            if queued:
                log.info("Queued %d reminder(s).", len(queued))
                on_queued(queued)
        except Exception:
            log.exception("Checking for due reminders failed; trying again later.")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
