"""Shared helpers for the event, outbox and reminder tests (not a conftest: no magic fixtures)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from thekiz_bot.broadcast.announcements import Announcements
from thekiz_bot.broadcast.outbox import Job, Outbox
from thekiz_bot.broadcast.worker import SendResult
from thekiz_bot.events.model import Event
from thekiz_bot.events.store import EventStore
from thekiz_bot.events.subscriptions import Subscriptions
from thekiz_bot.knowledge.loader import Region
from thekiz_bot.knowledge.regions import RegionFinder
from thekiz_bot.storage.database import Database

TZ = ZoneInfo("Europe/Berlin")
REGIONS = RegionFinder((
    Region("erfurt", "Erfurt", "kreisfreie Stadt", aliases=("stadt erfurt",)),
    Region("gotha", "Gotha", "Landkreis", aliases=("landkreis gotha", "lk gotha")),
    Region("weimar", "Weimar", "kreisfreie Stadt"),
    Region("weimarer-land", "Weimarer Land", "Landkreis"),
))


def berlin(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TZ)


def make_event(**overrides: object) -> Event:
    base = Event(
        title="Arbeitskreis ThEKiZ",
        kind="arbeitskreis",
        start=berlin(2027, 3, 12, 10),
        end=berlin(2027, 3, 12, 16),
        place="Erfurt",
        region_id=None,
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


@dataclass
class Services:
    db: Database
    events: EventStore
    subscriptions: Subscriptions
    outbox: Outbox
    announcements: Announcements


def services(path: Path | str, clock: object = None) -> Services:
    db = Database(path)
    outbox = Outbox(db) if clock is None else Outbox(db, clock)  # type: ignore[arg-type]
    events = EventStore(db, TZ)
    subs = Subscriptions(db)
    return Services(db, events, subs, outbox, Announcements(events, subs, outbox, REGIONS, TZ))


@dataclass
class FakeClock:
    """A wall clock the test moves by hand."""

    moment: datetime = field(default_factory=lambda: datetime(2027, 1, 1, 9, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)

    def set(self, moment: datetime) -> None:
        self.moment = moment


@dataclass
class ScriptedSender:
    """A Sender that answers from a script per chat: a list of outcomes, then 'delivered'."""

    script: dict[int, list[SendResult]] = field(default_factory=dict)
    calls: list[int] = field(default_factory=list)
    delivered: list[int] = field(default_factory=list)
    gate: asyncio.Event | None = None

    async def send(self, job: Job) -> SendResult:
        self.calls.append(job.chat_id)
        if self.gate is not None:
            await self.gate.wait()
        planned = self.script.get(job.chat_id)
        result = planned.pop(0) if planned else SendResult("delivered", message_id=len(self.calls))
        if result.outcome == "delivered":
            self.delivered.append(job.chat_id)
        return result


GOOD_YAML = """\
events:
  - id: ak-fruehjahr-2027
    title: Arbeitskreis ThEKiZ
    kind: Arbeitskreis
    start: 12.03.2027 10:00
    end: 16:00
    place: Erfurt
    region: Thüringen
    description: |
      Austausch der Koordinator*innen.
      Zweite Zeile.
  - id: info-gotha
    title: Informationsveranstaltung
    kind: Info
    start: 2027-04-20 17:00
    place: online https://meet.example.org/info
    region: Landkreis Gotha
    registration_url: https://example.org/anmeldung
    registration_deadline: 15.04.2027
"""
