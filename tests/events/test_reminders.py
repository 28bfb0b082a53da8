"""Reminders 7 days and 1 day before an event, each once, also across restarts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.helpers.events import REGIONS, TZ, FakeClock, berlin, make_event, services
from thekiz_bot.events.reminders import Reminders

START = berlin(2027, 3, 12, 10)


def _setup(path: Path, created: datetime, **event: object):
    svc = services(path)
    stored = svc.events.add(make_event(start=START, end=None, **event), created)
    svc.subscriptions.subscribe(1, 1, None)
    svc.subscriptions.subscribe(2, 2, "gotha")
    svc.subscriptions.subscribe(3, 3, "erfurt")
    return svc, stored


def _reminders(svc, days=(7, 1)) -> Reminders:
    return Reminders(svc.events, svc.subscriptions, svc.outbox, REGIONS, TZ, days)


def _texts(svc) -> list[str]:
    return [str(r["text"]) for r in svc.db.query(
        "SELECT text FROM broadcasts WHERE purpose = 'reminder' ORDER BY id")]


def test_seven_and_one_day_before_each_once_also_after_restart(tmp_path: Path) -> None:
    clock = FakeClock(START - timedelta(days=30))
    svc, event = _setup(tmp_path / "db.sqlite3", clock(), region_id="gotha")
    reminders = _reminders(svc)

    clock.set(START - timedelta(days=7, minutes=1))
    assert reminders.run_due(clock()) == []
    clock.advance(minutes=2)
    first = reminders.run_due(clock())
    assert [(q.days_before, q.recipients) for q in first] == [(7, 2)]  # Thuringia + Gotha
    assert reminders.run_due(clock()) == []

    # Restart: a new database connection and scheduler on the same file.
    svc.db.close()
    svc2 = services(tmp_path / "db.sqlite3")
    restarted = _reminders(svc2)
    assert restarted.run_due(clock()) == []
    clock.set(START - timedelta(hours=23))
    assert [q.days_before for q in restarted.run_due(clock())] == [1]
    assert restarted.run_due(clock()) == []
    clock.set(START + timedelta(hours=1))
    assert restarted.run_due(clock()) == []
    texts = _texts(svc2)
    assert len(texts) == 2
    assert "in einer Woche" in texts[0] and "morgen" in texts[1]
    assert sorted(svc2.outbox.told_chats(event.id)) == [1, 2]


def test_after_downtime_only_the_latest_due_reminder_goes_out(tmp_path: Path) -> None:
    clock = FakeClock(START - timedelta(days=30))
    svc, _ = _setup(tmp_path / "db.sqlite3", clock())
    clock.set(START - timedelta(hours=5))  # the bot was down for both reminder times
    queued = _reminders(svc).run_due(clock())
    assert [q.days_before for q in queued] == [1]
    assert _reminders(svc).run_due(clock()) == []


def test_event_created_late_skips_reminders_that_were_already_past(tmp_path: Path) -> None:
    clock = FakeClock(START - timedelta(days=3))
    svc, _ = _setup(tmp_path / "db.sqlite3", clock())
    reminders = _reminders(svc)
    assert reminders.run_due(clock()) == []
    clock.set(START - timedelta(hours=20))
    assert [q.days_before for q in reminders.run_due(clock())] == [1]


def test_moving_the_event_re_arms_its_reminders(tmp_path: Path) -> None:
    clock = FakeClock(START - timedelta(days=30))
    svc, event = _setup(tmp_path / "db.sqlite3", clock())
    reminders = _reminders(svc)
    clock.set(START - timedelta(days=6))
    assert [q.days_before for q in reminders.run_due(clock())] == [7]
    moved = START + timedelta(days=14)
    svc.events.update(replace(event, start=moved), clock())
    assert reminders.run_due(clock()) == []
    clock.set(moved - timedelta(days=7))
    assert [q.days_before for q in reminders.run_due(clock())] == [7]


def test_cancelled_events_get_no_reminders(tmp_path: Path) -> None:
    clock = FakeClock(START - timedelta(days=30))
    svc, event = _setup(tmp_path / "db.sqlite3", clock())
    svc.events.cancel(event.id, clock())
    clock.set(START - timedelta(hours=2))
    assert _reminders(svc).run_due(clock()) == []


def test_configured_days_are_used(tmp_path: Path) -> None:
    clock = FakeClock(START - timedelta(days=30))
    svc, _ = _setup(tmp_path / "db.sqlite3", clock())
    reminders = _reminders(svc, days=(3,))
    clock.set(START - timedelta(days=6))
    assert reminders.run_due(clock()) == []
    clock.set(START - timedelta(days=3))
    assert [q.days_before for q in reminders.run_due(clock())] == [3]
    assert _reminders(svc, days=()).run_due(datetime(2027, 3, 12, tzinfo=UTC)) == []
