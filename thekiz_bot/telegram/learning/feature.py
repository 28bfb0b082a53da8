"""Learning inside the running bot: the teacher, the digest pages, the schedule and retention.

`LearningFeature` lives in `application.bot_data[LEARNING_KEY]`. It serves the knowledge base
through the stored decisions from the start (so they survive restarts) and runs one asyncio
task: the scheduled digest (THEKIZ_DIGEST) and the daily deletion of old question texts.
Tests may replace `clock` and `check_interval` before the application starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from thekiz_bot.events.reminders import Clock, system_clock
from thekiz_bot.learning.digest import DigestGroup, select_groups, total_questions
from thekiz_bot.learning.retention import purge
from thekiz_bot.learning.store import DecisionStore, DigestLog
from thekiz_bot.learning.teacher import Teacher
from thekiz_bot.telegram.callbacks import short_key
from thekiz_bot.telegram.services import BotServices

log = logging.getLogger(__name__)

LEARNING_KEY = "thekiz_learning"
PURGE_EVERY = timedelta(days=1)
STOP_TIMEOUT = 5.0


@dataclass
class LearningFeature:
    services: BotServices
    clock: Clock = system_clock
    check_interval: float = 60.0
    # Sends the digest to one admin; set by the Telegram handlers (pages live there).
    send_digest: Callable[[Application, int, list[DigestGroup], datetime | None],  # type: ignore[type-arg]
                          Any] | None = None
    _task: asyncio.Task[None] | None = None
    _stop: asyncio.Event | None = None
    _started_at: datetime | None = None
    _purged_at: datetime | None = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _cache: tuple[tuple[object, ...], list[DigestGroup]] | None = None

    def __post_init__(self) -> None:
        db = self.services.records.db
        self.store = DecisionStore(db)
        self.digests = DigestLog(db)
        knowledge = self.services.knowledge
        self.teacher = Teacher(self.store, knowledge.publish, knowledge.build_matcher)
        # Decisions stored before a restart are served again at once.
        self.teacher.rebase(knowledge.base, knowledge.current.matcher)
        knowledge.serve_through(self.teacher.rebase)

    # --- the digest ------------------------------------------------------------------------

    def window_start(self) -> datetime | None:
        """/lernen covers what the newest digest covered, and everything asked since."""
        return self.digests.last_since()

    async def open_groups(self, since: datetime | None = None,
                          use_window: bool = True) -> list[DigestGroup]:
        """The digest's groups; computed again only when a question, vote or decision was
        added (every tap asks, and grouping a large log takes a while)."""
        records = self.services.records
        snapshot = self.services.knowledge.current
        kb = snapshot.kb
        start = self.window_start() if use_window else since
        active = self.store.active()
        key = (start, tuple(d.id for d in active), records.questions.latest_id(),
               records.feedback.latest_id(), snapshot.loaded_at)
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        groups = await asyncio.to_thread(select_groups, records.db, kb, active, start)
        self._cache = (key, groups)
        return groups

    async def find_group(self, key: str) -> tuple[int, DigestGroup, list[DigestGroup]] | None:
        groups = await self.open_groups()
        for position, group in enumerate(groups):
            if short_key(group.text) == key:
                return position, group, groups
        return None

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self, application: Application) -> None:  # type: ignore[type-arg]
        self._started_at = self.clock()
        self._stop = asyncio.Event()
        self._task = asyncio.create_task(self._run(application), name="thekiz-learning")

    async def stop(self, application: Application) -> None:  # type: ignore[type-arg]
        if self._stop is not None:
            self._stop.set()
        if self._task is not None:
            done, pending = await asyncio.wait([self._task], timeout=STOP_TIMEOUT)
            for task in pending:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        self._task = None

    async def _run(self, application: Application) -> None:  # type: ignore[type-arg]
        assert self._stop is not None
        while not self._stop.is_set():
            try:
                await self.run_due(application, self.clock())
            except Exception:
                log.exception("digest or retention run failed; trying again later")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=self.check_interval)

    async def run_due(self, application: Application,  # type: ignore[type-arg]
                      now: datetime) -> bool:
        """Delete old questions (daily) and send the digest when it is due; True when sent."""
        async with self._lock:
            settings = self.services.settings
            if self._purged_at is None or now - self._purged_at >= PURGE_EVERY:
                records = self.services.records
                purged = await asyncio.to_thread(purge, records.questions,
                                                 records.question_groups, self.store, now,
                                                 settings.question_retention_days)
                self._purged_at = now
                if purged.questions or purged.ignored:
                    self._cache = None
                    # Group again now, so that the next /statistik is quick again.
                    await asyncio.to_thread(records.question_groups.current,
                                            self.services.knowledge.current.matcher.vocab)
                    log.info("retention: deleted %d question(s), %d ignored wording(s)",
                             purged.questions, purged.ignored)
            schedule = settings.digest
            if schedule is None:
                return False
            last = self.digests.last_sent_at()
            reference = last or self._started_at or now
            if now < schedule.next_after(reference):
                return False
            groups = await self.open_groups(since=last, use_window=False)
            admins = sorted(settings.admin_ids)
            # Recorded first: a crash while sending must not send the digest twice.
            self.digests.record(now, last, len(groups), len(admins))
            if not groups or self.send_digest is None:
                return True
            log.info("digest: %d group(s), %d question(s) to %d admin(s)", len(groups),
                     total_questions(groups), len(admins))
            for admin_id in admins:
                try:
                    await self.send_digest(application, admin_id, groups, last)
                except TelegramError as exc:
                    log.info("digest to admin %s not delivered: %s", admin_id, exc)
            return True


def get_learning(context: ContextTypes.DEFAULT_TYPE | Any) -> LearningFeature:
    feature = context.application.bot_data[LEARNING_KEY]
    assert isinstance(feature, LearningFeature)
    return feature
