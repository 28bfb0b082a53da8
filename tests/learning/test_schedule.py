"""THEKIZ_DIGEST: when the digest is due, in Berlin time across daylight saving time."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from thekiz_bot.config import ConfigError, Settings
from thekiz_bot.learning.schedule import DigestSchedule, ScheduleError


def test_off_by_default_and_when_switched_off() -> None:
    assert Settings.from_env({}).digest is None
    assert Settings.from_env({"THEKIZ_DIGEST": "aus"}).digest is None


@pytest.mark.parametrize("raw, weekday, at", [
    ("mo 08:00", 0, time(8, 0)), ("Montag 8 Uhr", 0, time(8, 0)), ("fr 16:30", 4, time(16, 30)),
    ("täglich 07:15", None, time(7, 15)),
])
def test_readable_forms(raw: str, weekday: int | None, at: time) -> None:
    assert DigestSchedule.parse(raw) == DigestSchedule(weekday, at)


@pytest.mark.parametrize("raw", ["montags", "xy 08:00", "mo 25:00", "mo 08:61", "08:00"])
def test_unreadable_forms_are_a_clear_config_error(raw: str) -> None:
    with pytest.raises(ScheduleError):
        DigestSchedule.parse(raw)
    with pytest.raises(ConfigError, match="THEKIZ_DIGEST"):
        Settings.from_env({"THEKIZ_DIGEST": raw})


def test_next_monday_eight_in_berlin_winter_and_summer() -> None:
    schedule = DigestSchedule.parse("mo 08:00")
    assert schedule is not None
    # Tuesday 3 March 2026 → Monday 9 March, 08:00 CET = 07:00 UTC.
    assert schedule.next_after(datetime(2026, 3, 3, 12, 0, tzinfo=UTC)) == datetime(
        2026, 3, 9, 7, 0, tzinfo=UTC)
    # Summer time: Monday 6 April 2026, 08:00 CEST = 06:00 UTC.
    assert schedule.next_after(datetime(2026, 4, 1, 0, 0, tzinfo=UTC)) == datetime(
        2026, 4, 6, 6, 0, tzinfo=UTC)
    # Exactly at the due time: the next one, a week later.
    assert schedule.next_after(datetime(2026, 3, 9, 7, 0, tzinfo=UTC)) == datetime(
        2026, 3, 16, 7, 0, tzinfo=UTC)


def test_retention_days_from_the_environment() -> None:
    assert Settings.from_env({}).question_retention_days == 365
    assert Settings.from_env({"THEKIZ_QUESTION_RETENTION_DAYS": "30"}).question_retention_days \
        == 30
    for bad in ("0", "viele"):
        with pytest.raises(ConfigError, match="THEKIZ_QUESTION_RETENTION_DAYS"):
            Settings.from_env({"THEKIZ_QUESTION_RETENTION_DAYS": bad})
