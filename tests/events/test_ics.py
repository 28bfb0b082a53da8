"""The .ics file is valid RFC 5545 that a calendar library reads back correctly."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import icalendar

from tests.helpers.events import REGIONS, TZ, berlin, make_event
from thekiz_bot.events.ics import event_ics, ics_filename
from thekiz_bot.events.store import EventStore
from thekiz_bot.storage.database import Database

STAMP = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)


def _stored(tmp_path: Path, **overrides: object):
    return EventStore(Database(tmp_path / "db.sqlite3"), TZ).add(make_event(**overrides), STAMP)


def _vevent(data: bytes) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical(data)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    return events[0]


def test_times_are_berlin_local_with_timezone(tmp_path: Path) -> None:
    event = _stored(tmp_path, start=berlin(2027, 7, 1, 10), end=berlin(2027, 7, 1, 16, 30))
    vevent = _vevent(event_ics(event, REGIONS, TZ, STAMP))
    start = vevent.decoded("DTSTART")
    assert start == berlin(2027, 7, 1, 10)
    assert start.utcoffset().total_seconds() == 7200
    assert vevent.decoded("DTEND") == berlin(2027, 7, 1, 16, 30)
    calendar = icalendar.Calendar.from_ical(event_ics(event, REGIONS, TZ, STAMP))
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]


def test_text_with_special_characters_round_trips(tmp_path: Path) -> None:
    title = 'Fachtag; Kinder, Eltern & "Familie" \\ 🎈'
    description = "Zeile eins,\nZeile zwei; mit Semikolon"
    event = _stored(tmp_path, title=title, description=description,
                    registration_url="https://example.org/anmeldung?x=1&y=2",
                    place="Erfurt, Rathaus")
    vevent = _vevent(event_ics(event, REGIONS, TZ, STAMP))
    assert str(vevent["SUMMARY"]) == title
    assert str(vevent["LOCATION"]) == "Erfurt, Rathaus"
    assert str(vevent["DESCRIPTION"]).startswith(description + "\nAnmeldung: https://example.org")
    assert str(vevent["URL"]) == "https://example.org/anmeldung?x=1&y=2"


def test_lines_are_crlf_and_folded_at_75_octets_without_breaking_characters(
    tmp_path: Path,
) -> None:
    description = "Ümläute und Emoji 🎉🎈 " * 30
    event = _stored(tmp_path, description=description.strip())
    data = event_ics(event, REGIONS, TZ, STAMP)
    assert data.endswith(b"\r\n")
    lines = data.split(b"\r\n")[:-1]
    assert all(b"\n" not in line for line in lines)
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)
    for line in lines:
        line.decode("utf-8")  # a fold inside a character would raise here
    assert str(_vevent(data)["DESCRIPTION"]).startswith(description.strip())


def test_event_without_end_and_cancelled_event(tmp_path: Path) -> None:
    event = _stored(tmp_path, end=None, status="cancelled")
    vevent = _vevent(event_ics(event, REGIONS, TZ, STAMP))
    assert "DTEND" not in vevent
    assert str(vevent["STATUS"]) == "CANCELLED"


def test_online_event_has_link_and_stable_uid(tmp_path: Path) -> None:
    event = _stored(tmp_path, place="online", online_url="https://meet.example.org/x")
    first = _vevent(event_ics(event, REGIONS, TZ, STAMP))
    again = _vevent(event_ics(event, REGIONS, TZ, datetime(2027, 2, 1, tzinfo=UTC)))
    assert str(first["LOCATION"]) == "Online"
    assert "https://meet.example.org/x" in str(first["DESCRIPTION"])
    assert str(first["UID"]) == str(again["UID"])


def test_file_name_is_safe() -> None:
    event = make_event(id=7, title="Fachtag: Kinder & Eltern / Thüringen!")
    assert ics_filename(event) == "termin-7-fachtag-kinder-eltern-thueringen.ics"
