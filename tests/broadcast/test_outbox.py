"""The outbox and its worker, without Telegram: a scripted sender stands in for the Bot API."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.helpers.events import ScriptedSender, make_event, services
from thekiz_bot.broadcast.announcements import AnnouncementError
from thekiz_bot.broadcast.outbox import BroadcastStats
from thekiz_bot.broadcast.worker import BroadcastWorker, DeliveryLimits, Pacer, SendResult

FAST = DeliveryLimits(rate=2000, per_chat_interval=0.0, max_attempts=3, backoff_initial=0.01,
                      backoff_max=0.02, idle_poll=0.05, progress_interval=0.0)
NOW = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)


class RecordingObserver:
    def __init__(self) -> None:
        self.progress_seen: list[BroadcastStats] = []
        self.finished_seen: list[BroadcastStats] = []

    async def progress(self, stats: BroadcastStats) -> None:
        self.progress_seen.append(stats)

    async def finished(self, stats: BroadcastStats) -> None:
        self.finished_seen.append(stats)


def _subscribe(svc, chat_ids, region_id=None, kinds=None) -> None:
    for chat in chat_ids:
        svc.subscriptions.subscribe(chat, chat, region_id, kinds)


async def _drain(worker: BroadcastWorker) -> None:
    await asyncio.wait_for(worker.run(until_idle=True), timeout=30)


async def test_every_recipient_gets_the_message_exactly_once(tmp_path: Path) -> None:
    svc = services(tmp_path / "db.sqlite3")
    _subscribe(svc, range(1, 51))
    preview = svc.announcements.preview_text("Hallo <b>Netzwerk</b>", 15, created_by=900,
                                             report_chat_id=900)
    assert preview.recipients == 50
    assert svc.outbox.stats(preview.broadcast_id).total == 0  # nothing queued before confirm
    assert svc.announcements.confirm(preview.broadcast_id) == 50
    assert svc.announcements.confirm(preview.broadcast_id) is None  # a second tap sends nothing
    sender, observer = ScriptedSender(), RecordingObserver()
    await _drain(BroadcastWorker(svc.outbox, sender, FAST, observer))
    assert sorted(sender.delivered) == list(range(1, 51))
    stats = svc.outbox.stats(preview.broadcast_id)
    assert (stats.status, stats.delivered, stats.blocked, stats.failed) == ("done", 50, 0, 0)
    assert len(observer.finished_seen) == 1 and observer.finished_seen[0].delivered == 50
    assert observer.progress_seen  # the admin saw progress while it ran


async def test_blocked_users_are_marked_inactive_and_not_retried(tmp_path: Path) -> None:
    svc = services(tmp_path / "db.sqlite3")
    _subscribe(svc, [1, 2, 3])
    sender = ScriptedSender({2: [SendResult("blocked", detail="Forbidden: bot was blocked")]})
    broadcast = svc.outbox.enqueue("announcement", "Hallo", [1, 2, 3], report_chat_id=900)
    await _drain(BroadcastWorker(svc.outbox, sender, FAST))
    assert sender.calls.count(2) == 1
    stats = svc.outbox.stats(broadcast)
    assert (stats.delivered, stats.blocked, stats.failed) == (2, 1, 0)
    assert not svc.subscriptions.get(2).active
    assert svc.subscriptions.recipients(None, None) == [1, 3]
    # Subscribing again after unblocking makes the person a recipient again.
    svc.subscriptions.subscribe(2, 2, None)
    assert svc.subscriptions.recipients(None, None) == [1, 2, 3]


async def test_rate_limit_answers_are_waited_out_without_using_up_attempts(
    tmp_path: Path,
) -> None:
    svc = services(tmp_path / "db.sqlite3")
    flood = [SendResult("retry_after", retry_after=0.02) for _ in range(5)]
    sender = ScriptedSender({7: flood})
    broadcast = svc.outbox.enqueue("announcement", "Hallo", [7, 8])
    await _drain(BroadcastWorker(svc.outbox, sender, FAST))
    assert sender.calls.count(7) == 6  # five times "wait", then delivered
    assert svc.outbox.stats(broadcast).delivered == 2


async def test_transient_errors_are_retried_then_reported_failed(tmp_path: Path) -> None:
    svc = services(tmp_path / "db.sqlite3")
    sender = ScriptedSender({
        1: [SendResult("transient", detail="Internal Server Error (500)")],
        2: [SendResult("transient", detail="Timed out")] * 10,
        3: [SendResult("failed", detail="Bad Request: message is too long")],
    })
    broadcast = svc.outbox.enqueue("announcement", "Hallo", [1, 2, 3])
    await _drain(BroadcastWorker(svc.outbox, sender, FAST))
    counts = Counter(sender.calls)
    assert counts[1] == 2 and counts[2] == FAST.max_attempts and counts[3] == 1
    stats = svc.outbox.stats(broadcast)
    assert (stats.delivered, stats.failed, stats.status) == (1, 2, "done")


async def test_a_crash_mid_broadcast_resumes_without_loss(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    svc = services(path)
    recipients = list(range(1, 41))
    broadcast = svc.outbox.enqueue("announcement", "Hallo", recipients)

    # First life: the process dies while the 11th message is on its way.

    class Crashing(ScriptedSender):
        async def send(self, job):  # type: ignore[override]
            if len(self.calls) == 10:
                self.calls.append(job.chat_id)
                await asyncio.Event().wait()  # hangs until the "crash" below
            return await super().send(job)

    crashing = Crashing()
    first = BroadcastWorker(svc.outbox, crashing, FAST)
    task = asyncio.create_task(first.run())
    while len(crashing.calls) < 11:
        await asyncio.sleep(0.01)
    task.cancel()  # like kill -9: no cleanup code gets to mark anything
    with pytest.raises(asyncio.CancelledError):
        await task
    in_flight = crashing.calls[-1]
    svc.db.close()

    # Second life: a new process on the same database file.
    again = services(path)
    # The dead process's lease is still in the table but must not block the restart.
    second_sender = ScriptedSender()
    await _drain(BroadcastWorker(again.outbox, second_sender, FAST))
    everyone = Counter(crashing.delivered) + Counter(second_sender.delivered)
    assert sorted(everyone) == recipients  # nobody lost
    duplicates = [chat for chat, n in everyone.items() if n > 1]
    assert duplicates in ([], [in_flight])  # at most the in-flight one, here it was not sent
    assert again.outbox.stats(broadcast).delivered == 40


async def test_report_is_sent_after_restart_if_the_crash_came_before_it(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    svc = services(path)
    broadcast = svc.outbox.enqueue("announcement", "Hallo", [1, 2], report_chat_id=900)
    # Everything delivered, but the process died before reporting.
    for _ in range(2):
        job = svc.outbox.claim()
        svc.outbox.mark_delivered(job, 1)
    observer = RecordingObserver()
    await _drain(BroadcastWorker(svc.outbox, ScriptedSender(), FAST, observer))
    assert [s.broadcast_id for s in observer.finished_seen] == [broadcast]
    observer2 = RecordingObserver()
    await _drain(BroadcastWorker(svc.outbox, ScriptedSender(), FAST, observer2))
    assert observer2.finished_seen == []  # reported once


async def test_unsubscribing_drops_queued_messages(tmp_path: Path) -> None:
    svc = services(tmp_path / "db.sqlite3")
    _subscribe(svc, [1, 2])
    broadcast = svc.outbox.enqueue("announcement", "Hallo", [1, 2])
    assert svc.subscriptions.unsubscribe(2) is True
    assert svc.subscriptions.unsubscribe(2) is False
    sender = ScriptedSender()
    await _drain(BroadcastWorker(svc.outbox, sender, FAST))
    assert sender.calls == [1]
    assert svc.outbox.stats(broadcast).skipped == 1


def test_event_recipients_follow_region_and_kind(tmp_path: Path) -> None:
    svc = services(tmp_path / "db.sqlite3")
    svc.subscriptions.subscribe(1, 1, None)                        # all of Thuringia
    svc.subscriptions.subscribe(2, 2, "gotha")                     # Gotha + Thuringia-wide
    svc.subscriptions.subscribe(3, 3, "erfurt")
    svc.subscriptions.subscribe(4, 4, "gotha", ["fortbildung"])    # only trainings
    gotha_ak = make_event(region_id="gotha", kind="arbeitskreis")
    everywhere_training = make_event(region_id=None, kind="fortbildung")
    assert svc.announcements.recipients_for_event(gotha_ak) == [1, 2]
    assert svc.announcements.recipients_for_event(everywhere_training) == [1, 2, 3, 4]
    assert svc.announcements.recipients_for_text(None) == [1, 2, 3, 4]
    assert svc.announcements.recipients_for_text("erfurt") == [1, 3]


def test_subscribing_twice_keeps_one_subscription(tmp_path: Path) -> None:
    svc = services(tmp_path / "db.sqlite3")
    _, new = svc.subscriptions.subscribe(5, 5, "gotha", ["fachtag"])
    assert new is True
    again, new = svc.subscriptions.subscribe(5, 5, "erfurt")
    assert new is False
    assert (again.region_id, again.kinds) == ("erfurt", frozenset({"fachtag"}))
    assert svc.subscriptions.count_active() == 1


def test_changes_go_only_to_people_who_were_told(tmp_path: Path) -> None:
    svc = services(tmp_path / "db.sqlite3")
    event = svc.events.add(make_event(start=datetime(2027, 3, 12, 9, tzinfo=UTC), end=None), NOW)
    _subscribe(svc, [1, 2])
    preview = svc.announcements.preview_event(event.id, NOW)
    svc.announcements.confirm(preview.broadcast_id)
    _subscribe(svc, [3])  # subscribed after the announcement: was never told
    svc.subscriptions.unsubscribe(2)  # told, but does not want messages any more
    change = svc.events.cancel(event.id, NOW)
    broadcast, count = svc.announcements.notify_change(change)
    assert count == 1
    assert svc.outbox.draft(broadcast).purpose == "cancellation"
    assert "abgesagt" in svc.outbox.draft(broadcast).text


def test_announcements_refuse_empty_long_and_cancelled(tmp_path: Path) -> None:
    svc = services(tmp_path / "db.sqlite3")
    with pytest.raises(AnnouncementError, match="leer"):
        svc.announcements.preview_text("  ", 0)
    with pytest.raises(AnnouncementError, match="zu lang"):
        svc.announcements.preview_text("x" * 5000, 5000)
    event = svc.events.add(make_event(), NOW)
    svc.events.cancel(event.id, NOW)
    with pytest.raises(AnnouncementError, match="abgesagt"):
        svc.announcements.preview_event(event.id, NOW)
    with pytest.raises(AnnouncementError, match="Nr. 999"):
        svc.announcements.preview_event(999, NOW)


async def test_several_messages_are_in_flight_but_never_more_than_the_setting(
    tmp_path: Path,
) -> None:
    svc = services(tmp_path / "db.sqlite3")
    chats = list(range(1, 21))
    _subscribe(svc, chats)
    first = svc.outbox.enqueue("announcement", "Erste", chats)
    second = svc.outbox.enqueue("announcement", "Zweite", chats)
    sender = ScriptedSender(gate=asyncio.Event())
    limits = replace(FAST, concurrency=4, per_chat_interval=60.0)
    worker = BroadcastWorker(svc.outbox, sender, limits)
    run = asyncio.create_task(worker.run())
    try:
        while len(sender.calls) < 4:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.2)  # room for a fifth send, which must not come
        assert len(sender.calls) == 4 and len(set(sender.calls)) == 4
        assert svc.outbox.stats(first).sending + svc.outbox.stats(second).sending == 4
        sender.gate.set()
        while svc.outbox.stats(first).delivered < len(chats):
            await asyncio.sleep(0.01)
        # Each chat's second message waits for its per-chat interval; none is sent twice.
        assert sorted(sender.delivered) == chats
        assert svc.outbox.stats(second).delivered == 0
    finally:
        worker.stop()
        await asyncio.wait_for(run, 10)


async def test_the_pacer_never_grants_more_than_the_rate_in_any_second_even_after_a_stall() -> None:
    pacer = Pacer(20)
    granted: list[float] = []

    async def lane(stall: bool) -> None:
        for number in range(15):
            await pacer.acquire()
            granted.append(time.monotonic())
            if stall and number == 4:
                time.sleep(0.3)  # a busy machine: the event loop falls behind

    await asyncio.gather(lane(True), lane(False), lane(False), lane(False))
    assert len(granted) == 60
    for start in granted:
        assert sum(1 for t in granted if start <= t < start + 1.0) <= 20
