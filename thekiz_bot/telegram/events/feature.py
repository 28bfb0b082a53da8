"""Events, subscriptions and announcements inside the running bot.

`EventFeature` lives in `application.bot_data[EVENTS_KEY]`. It starts two asyncio tasks in the
bot's event loop when the application starts: the outbox worker and the reminder check. Tests may
replace `limits`, `clock` and `reminder_interval` before the application starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Bot
from telegram.ext import Application, ContextTypes

from thekiz_bot.broadcast.announcements import Announcements
from thekiz_bot.broadcast.outbox import Outbox
from thekiz_bot.broadcast.telegram_sender import TelegramSender, broadcast_bot
from thekiz_bot.broadcast.worker import BroadcastWorker, DeliveryLimits
from thekiz_bot.events.reminders import Clock, QueuedReminder, Reminders, run_reminder_loop, system_clock
from thekiz_bot.events.store import EventStore
from thekiz_bot.events.subscriptions import Subscriptions
from thekiz_bot.knowledge.regions import RegionFinder
from thekiz_bot.storage.database import Database, utc_now
from thekiz_bot.telegram.events.delivery import AdminReporter
from thekiz_bot.telegram.services import BotServices

log = logging.getLogger(__name__)

EVENTS_KEY = "thekiz_events"
STOP_TIMEOUT = 10.0


@dataclass
class EventFeature:
    services: BotServices
    # None: the defaults, with THEKIZ_BROADCAST_CONCURRENCY messages in flight.
    limits: DeliveryLimits | None = None
    clock: Clock = system_clock
    reminder_interval: float = 60.0
    worker: BroadcastWorker | None = None
    _bot: Bot | None = None
    _tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    _stop: asyncio.Event | None = None
    _worker_db: Database | None = None

    def __post_init__(self) -> None:
        db = self.services.records.db
        self.tz = ZoneInfo(self.services.settings.timezone)
        self.events = EventStore(db, self.tz)
        self.subscriptions = Subscriptions(db)
        self.outbox = Outbox(db)

    # --- built on demand, so that a knowledge base reload brings new region names -----------

    def regions(self) -> RegionFinder:
        return RegionFinder(self.services.knowledge.current.kb.regions)

    def announcements(self) -> Announcements:
        return Announcements(self.events, self.subscriptions, self.outbox, self.regions(), self.tz)

    def reminders(self) -> Reminders:
        return Reminders(self.events, self.subscriptions, self.outbox, self.regions(), self.tz,
                         self.services.settings.reminder_days)

    def is_admin(self, user_id: int | None) -> bool:
        return self.services.is_admin(user_id)

    def wake_worker(self) -> None:
        if self.worker is not None:
            self.worker.wake()

    # --- lifecycle -----------------------------------------------------------------------------

    async def start(self, application: Application) -> None:  # type: ignore[type-arg]
        settings = self.services.settings
        if not settings.telegram_token:
            return
        self._bot = broadcast_bot(settings.telegram_token, settings.api_base_url,
                                  connections=settings.broadcast_concurrency)
        await self._bot.initialize()
        # Drafts carry the real time of their creation, so the real clock decides what is old.
        self.outbox.discard_stale_drafts(utc_now() - timedelta(days=2))
        limits = self.limits or DeliveryLimits(concurrency=settings.broadcast_concurrency)
        # The worker's own connection: its transactions never wait for the chats' and back.
        db = self.services.records.db
        self._worker_db = Database(db.path) if str(db.path) != ":memory:" else db
        self.worker = BroadcastWorker(Outbox(self._worker_db), TelegramSender(self._bot), limits,
                                      AdminReporter(self._bot, self.outbox))
        self._stop = asyncio.Event()
        self._tasks = [
            asyncio.create_task(self._run_worker(), name="thekiz-outbox"),
            asyncio.create_task(
                run_reminder_loop(self.reminders_proxy(), lambda: self.clock(),
                                  self.reminder_interval, self._queued, self._stop),
                name="thekiz-reminders",
            ),
        ]

    @property
    def worker_task(self) -> asyncio.Task[Any] | None:
        return self._tasks[0] if self._tasks else None

    def reminders_proxy(self) -> _LiveReminders:
        return _LiveReminders(self)

    async def _run_worker(self) -> None:
        assert self.worker is not None
        try:
            await self.worker.run()
        except Exception:
            log.exception("The outbox worker stopped with an error; pending messages stay queued "
                          "and are sent after a restart.")

    def _queued(self, queued: list[QueuedReminder]) -> None:
        self.wake_worker()

    async def stop(self, application: Application) -> None:  # type: ignore[type-arg]
        if self.worker is not None:
            self.worker.stop()
        if self._stop is not None:
            self._stop.set()
        if self._tasks:
            done, pending = await asyncio.wait(self._tasks, timeout=STOP_TIMEOUT)
            for task in pending:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        self._tasks = []
        if self._worker_db is not None and self._worker_db is not self.services.records.db:
            self._worker_db.close()
        self._worker_db = None
        if self._bot is not None:
            with contextlib.suppress(Exception):
                await self._bot.shutdown()
            self._bot = None


class _LiveReminders:
    """Reminders with the region names of the knowledge base in service at each check."""

    def __init__(self, feature: EventFeature) -> None:
        self._feature = feature

    def run_due(self, now: Any) -> list[QueuedReminder]:
        return self._feature.reminders().run_due(now)


def get_feature(context: ContextTypes.DEFAULT_TYPE | Any) -> EventFeature:
    feature = context.application.bot_data[EVENTS_KEY]
    assert isinstance(feature, EventFeature)
    return feature
