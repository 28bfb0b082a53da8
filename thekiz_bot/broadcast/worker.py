"""The worker that empties the outbox within Telegram's limits.

It runs as asyncio tasks next to the bot's update handling, so answering questions continues
during a broadcast. Limits: messages are spaced evenly at `rate` per second overall and at
least `per_chat_interval` apart per chat; a 429 pauses all sending for as long as Telegram asks;
transient errors are retried with exponential backoff up to `max_attempts`.

`concurrency` messages are in flight at once, so that the round trip to Telegram (50–100 ms
from Europe) does not cap the rate below Telegram's 30/s. Each message is marked `sending` in
the database before it goes out; after a crash exactly those rows are sent again, so a crash
costs at most `concurrency` duplicates and loses nothing.

All database work runs in one thread of the worker's own, on its own connection: the event loop
never waits for SQLite, and another process holding the write lock (the command line's import
or announcement) delays the next message, not the chats.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import sqlite3
import time
import uuid
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Protocol, TypeVar

from thekiz_bot.broadcast.outbox import BroadcastStats, Job, Outbox
from thekiz_bot.broadcast.states import BroadcastStatus, SendOutcome
from thekiz_bot.config import DEFAULT_BROADCAST_CONCURRENCY
from thekiz_bot.retry import Backoff, retry
from thekiz_bot.storage.database import Database

log = logging.getLogger(__name__)
T = TypeVar("T")

# Another process's write transaction outlasting the busy timeout: wait and try again (about a
# minute in all) rather than stop the broadcast.
_DB_BACKOFF = Backoff(initial=0.1, maximum=2.0)
_DB_ATTEMPTS = 40


def _retry_when_locked(exc: Exception, attempt: int) -> float | None:
    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
        log.warning("The database is busy (another process writes); retrying.")
        return _DB_BACKOFF.delay(attempt)
    return None


@dataclass(frozen=True)
class SendResult:
    outcome: SendOutcome
    message_id: int | None = None
    retry_after: float = 0.0
    detail: str = ""


class Sender(Protocol):
    async def send(self, job: Job) -> SendResult: ...


class BroadcastObserver(Protocol):
    async def progress(self, stats: BroadcastStats) -> None: ...

    async def finished(self, stats: BroadcastStats) -> None: ...


@dataclass(frozen=True)
class DeliveryLimits:
    # Telegram allows about 30 messages per second; a little below keeps network jitter from
    # squeezing 31 messages into one second on Telegram's side (each 429 costs a whole second).
    rate: float = 29.0
    per_chat_interval: float = 1.0
    max_attempts: int = 5
    backoff_initial: float = 1.0
    backoff_max: float = 60.0
    # Messages in flight at once (THEKIZ_BROADCAST_CONCURRENCY); also the most duplicates a
    # crash can cause.
    concurrency: int = DEFAULT_BROADCAST_CONCURRENCY
    idle_poll: float = 2.0
    progress_interval: float = 3.0
    lease_ttl: float = 15.0

    def backoff(self, attempt: int) -> float:
        return min(self.backoff_max, self.backoff_initial * (2.0 ** max(0, attempt - 1)))


class Pacer:
    """Hands out send slots: about `rate` per second, never more than `rate` within any second.

    Slots are granted one at a time and counted when granted, not when planned: if the event
    loop falls behind (a busy machine), the lanes that were due do not all go at once, which
    would put more than 30 messages into one second on Telegram's side and cost a 429. After a
    429 everyone waits as long as Telegram asked.
    """

    WINDOW = 1.0
    # Slots may come a little closer than 1/rate, so that small delays in waking up do not
    # lower the rate; the count per second keeps it at `rate`.
    MIN_GAP_SHARE = 0.9

    def __init__(self, rate: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._per_window = max(1, int(rate * self.WINDOW))
        self._gap = self.MIN_GAP_SHARE / rate if rate > 0 else 0.0
        self._monotonic = monotonic
        self._granted: deque[float] = deque()
        self._next = 0.0
        self._paused_until = 0.0
        self._lock = asyncio.Lock()

    def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, self._monotonic() + seconds)

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = self._monotonic()
                while self._granted and self._granted[0] <= now - self.WINDOW:
                    self._granted.popleft()
                wait = max(self._next, self._paused_until) - now
                if len(self._granted) >= self._per_window:
                    wait = max(wait, self._granted[0] + self.WINDOW - now)
                if wait <= 0:
                    break
                await asyncio.sleep(wait)
            self._granted.append(now)
            self._next = now + self._gap


class Lease:
    """One sender per database: the bot normally, the command line when the bot is down."""

    NAME = "outbox"

    def __init__(self, db: Database, ttl: float, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._ttl = ttl
        self._clock = clock
        self.owner = uuid.uuid4().hex
        self._host = socket.gethostname()
        self._pid = os.getpid()

    def _holder_gone(self, host: str, pid: int, owner: str) -> bool:
        if host != self._host:
            return False
        if pid == self._pid:
            # Our pid but another owner: a previous life of this process id (container restart).
            return owner != self.owner
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False

    def try_acquire(self) -> bool:
        now = self._clock()
        with self._db.transaction() as conn:
            row = conn.execute("SELECT owner, host, pid, expires_at FROM worker_lease "
                               "WHERE name = ?", (self.NAME,)).fetchone()
            if row is not None and row["owner"] != self.owner and row["expires_at"] > now \
                    and not self._holder_gone(row["host"], int(row["pid"]), row["owner"]):
                return False
            conn.execute(
                "INSERT INTO worker_lease (name, owner, host, pid, expires_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET owner = excluded.owner, "
                "host = excluded.host, pid = excluded.pid, expires_at = excluded.expires_at",
                (self.NAME, self.owner, self._host, self._pid, now + self._ttl),
            )
            return True

    def held_by_other(self) -> bool:
        row = self._db.query("SELECT owner, host, pid, expires_at FROM worker_lease "
                             "WHERE name = ?", (self.NAME,))
        if not row:
            return False
        r = row[0]
        return r["owner"] != self.owner and r["expires_at"] > self._clock() \
            and not self._holder_gone(r["host"], int(r["pid"]), r["owner"])

    def release(self) -> None:
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM worker_lease WHERE name = ? AND owner = ?",
                         (self.NAME, self.owner))


class BroadcastWorker:
    def __init__(
        self,
        outbox: Outbox,
        sender: Sender,
        limits: DeliveryLimits | None = None,
        observer: BroadcastObserver | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.outbox = outbox
        self.sender = sender
        self.limits = limits or DeliveryLimits()
        self.observer = observer
        self._clock = clock
        self._pacer = Pacer(self.limits.rate)
        self._wake = asyncio.Event()
        self._claiming = asyncio.Lock()
        self._stopping = False
        self._last_sent: dict[int, float] = {}
        self._last_progress: dict[int, float] = {}
        self._progress_shown: dict[int, int] = {}
        self._thread: ThreadPoolExecutor | None = None
        self.lease = Lease(outbox.db, self.limits.lease_ttl, clock)

    def wake(self) -> None:
        """New work was queued: don't wait for the next poll."""
        self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    async def _db(self, call: Callable[..., T], *args: object) -> T:
        """Run database work in the worker's thread, retried while another process writes."""
        assert self._thread is not None
        loop = asyncio.get_running_loop()
        thread = self._thread
        return await retry(lambda: loop.run_in_executor(thread, partial(call, *args)),
                           _retry_when_locked, attempts=_DB_ATTEMPTS)

    async def run(self, until_idle: bool = False) -> None:
        """Send until stopped (or, with `until_idle`, until the outbox is empty)."""
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="thekiz-outbox-db")
        try:
            await self._run(until_idle)
        finally:
            self._thread.shutdown(wait=True)
            self._thread = None

    async def _run(self, until_idle: bool) -> None:
        while True:
            self._wake.clear()
            if await self._db(self.lease.try_acquire):
                break
            if self._stopping:
                return
            log.info("Another process is sending broadcasts; waiting for it to finish.")
            await self._sleep(self.limits.lease_ttl / 3)
        try:
            recovered = await self._db(self.outbox.recover_in_flight)
            if recovered:
                log.warning("Resuming after an interruption: %d message(s) were in flight and "
                            "are sent again.", recovered)
            await self._finish_leftovers()
            renew = asyncio.create_task(self._renew_lease())
            lanes = [asyncio.create_task(self._lane(until_idle))
                     for _ in range(max(1, self.limits.concurrency))]
            try:
                await asyncio.gather(*lanes)
            finally:
                renew.cancel()
                for lane in lanes:
                    lane.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await renew
                # A lane cancelled mid-send leaves its row `sending`: sent again next time.
                await asyncio.gather(*lanes, return_exceptions=True)
        finally:
            with contextlib.suppress(Exception):
                await self._db(self.lease.release)

    async def _renew_lease(self) -> None:
        while True:
            await asyncio.sleep(self.limits.lease_ttl / 3)
            try:
                if not await self._db(self.lease.try_acquire):
                    log.error("Lost the outbox lease to another process.")
            except sqlite3.Error:
                log.exception("Renewing the outbox lease failed; trying again.")

    async def _sleep(self, seconds: float) -> None:
        # Callers clear the event before looking for work, so a wake-up in between is kept.
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=max(0.0, seconds))

    async def _finish_leftovers(self) -> None:
        """Broadcasts that ended while we were down still get their report."""
        for broadcast_id in await self._db(self.outbox.sending_broadcasts):
            await self._check_finished(broadcast_id)
        for broadcast_id in await self._db(self.outbox.unreported):
            await self._report(broadcast_id)

    def _cooling(self) -> set[int]:
        horizon = self._clock() - self.limits.per_chat_interval
        stale = [chat for chat, at in self._last_sent.items() if at <= horizon]
        for chat in stale:
            del self._last_sent[chat]
        return set(self._last_sent)

    async def _claim(self) -> Job | None:
        # One claim at a time, so that no two lanes take messages for the same chat within
        # `per_chat_interval` (the chat's time is taken before the next lane may claim).
        async with self._claiming:
            self._wake.clear()
            job = await self._db(self.outbox.claim, self._cooling())
            if job is not None:
                self._last_sent[job.chat_id] = self._clock()
            return job

    async def _lane(self, until_idle: bool) -> None:
        while not self._stopping:
            await self._pacer.acquire()
            job = await self._claim()
            if job is None:
                if until_idle and not await self._db(self.outbox.has_work):
                    return
                due = await self._db(self.outbox.next_due)
                wait = self.limits.idle_poll
                if due is not None:
                    wait = min(wait, max(0.01, due - self._clock()))
                await self._sleep(wait)
                continue
            await self._deliver(job)

    async def _deliver(self, job: Job) -> None:
        try:
            result = await self.sender.send(job)
        except Exception as exc:  # an unexpected bug must not stop the whole broadcast
            log.exception("Sending outbox message %d failed unexpectedly", job.outbox_id)
            result = SendResult(SendOutcome.TRANSIENT, detail=f"{type(exc).__name__}: {exc}")
        limits = self.limits
        if result.outcome == SendOutcome.DELIVERED:
            await self._db(self.outbox.mark_delivered, job, result.message_id)
        elif result.outcome == SendOutcome.BLOCKED:
            await self._db(self.outbox.mark_blocked, job, result.detail or "blocked")
        elif result.outcome == SendOutcome.RETRY_AFTER:
            self._pacer.pause(result.retry_after)
            await self._db(self.outbox.mark_retry, job, result.retry_after,
                           result.detail or "429", False)
        elif result.outcome == SendOutcome.TRANSIENT and job.attempts + 1 < limits.max_attempts:
            delay = max(limits.backoff(job.attempts + 1), limits.per_chat_interval)
            await self._db(self.outbox.mark_retry, job, delay, result.detail or "transient")
        else:
            await self._db(self.outbox.mark_failed, job, result.detail or result.outcome)
        if result.outcome != SendOutcome.RETRY_AFTER:
            await self._check_finished(job.broadcast_id)
            await self._maybe_progress(job.broadcast_id)

    async def _maybe_progress(self, broadcast_id: int) -> None:
        if self.observer is None:
            return
        now = self._clock()
        if now - self._last_progress.get(broadcast_id, 0.0) < self.limits.progress_interval:
            return
        self._last_progress[broadcast_id] = now
        stats = await self._db(self.outbox.stats, broadcast_id)
        if stats is None or stats.status == BroadcastStatus.DONE:
            return
        # Lanes report independently: show each state once, and never an older one after it.
        if stats.done <= self._progress_shown.get(broadcast_id, -1):
            return
        self._progress_shown[broadcast_id] = stats.done
        try:
            await self.observer.progress(stats)
        except Exception:
            log.exception("Progress report for broadcast %d failed", broadcast_id)

    async def _check_finished(self, broadcast_id: int) -> None:
        if await self._db(self.outbox.finish_if_complete, broadcast_id):
            self._last_progress.pop(broadcast_id, None)
            self._progress_shown.pop(broadcast_id, None)
            await self._report(broadcast_id)

    async def _report(self, broadcast_id: int) -> None:
        stats = await self._db(self.outbox.stats, broadcast_id)
        if stats is None:
            return
        if self.observer is not None and stats.report_chat_id is not None:
            try:
                await self.observer.finished(stats)
            except Exception:
                log.exception("Final report for broadcast %d failed", broadcast_id)
                return
        if stats.report_chat_id is not None:
            await self._db(self.outbox.mark_reported, broadcast_id)
