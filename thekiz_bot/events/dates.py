"""Dates typed the German way ("12.03.2027 10:00") and printed the German way.

Coordinators type dates on a phone keyboard, so the parser forgives the usual variants
(single digits, two-digit years, "10 Uhr", "10.00", a leading weekday) but never guesses a
missing date or time. Times are wall-clock times in Europe/Berlin; a time that does not exist
because of the spring clock change is refused instead of silently shifted.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_TZ = "Europe/Berlin"
WEEKDAYS = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")
EXAMPLE = "12.03.2027 10:00"

_WEEKDAY_PREFIX = re.compile(
    r"^(?:mo|di|mi|do|fr|sa|so|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag)"
    r"\.?,?\s+",
    re.IGNORECASE,
)
_DATE = r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4}|\d{2})"
_TIME = r"(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?:uhr|h)?"
_DATETIME = re.compile(rf"^{_DATE}(?:\s*(?:,|um)?\s*{_TIME})?$", re.IGNORECASE)
_ISO = re.compile(
    r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[ T](?P<hour>\d{2}):(?P<minute>\d{2})(?::\d{2})?)?$"
)
_TIME_ONLY = re.compile(rf"^(?:um\s+)?{_TIME}$", re.IGNORECASE)


class DateParseError(ValueError):
    """The text is not a date we understand; the message is German and says what to type."""


def zone(name: str = DEFAULT_TZ) -> ZoneInfo:
    return ZoneInfo(name)


def _clean(text: str) -> str:
    text = " ".join(text.replace("\u00a0", " ").split())
    return _WEEKDAY_PREFIX.sub("", text).strip()


def _year(raw: str) -> int:
    value = int(raw)
    return 2000 + value if len(raw) == 2 else value


def _make_date(day: str, month: str, year: str, original: str) -> date:
    try:
        return date(_year(year), int(month), int(day))
    except ValueError as exc:
        raise DateParseError(f"Das Datum „{original}“ gibt es nicht.") from exc


def _make_time(hour: str, minute: str | None, original: str) -> time:
    try:
        return time(int(hour), int(minute or 0))
    except ValueError as exc:
        raise DateParseError(f"Die Uhrzeit in „{original}“ gibt es nicht.") from exc


def localize(day: date, clock: time, tz: ZoneInfo) -> datetime:
    """Attach the zone; refuse wall-clock times skipped by the spring clock change."""
    naive = datetime.combine(day, clock)
    aware = naive.replace(tzinfo=tz)
    if aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        raise DateParseError(
            f"{clock:%H:%M} Uhr gibt es am {day:%d.%m.%Y} wegen der Zeitumstellung nicht."
        )
    return aware


def parse_datetime(text: str, tz: ZoneInfo | None = None) -> datetime:
    """A date with a time of day, e.g. "12.03.2027 10:00"; the time is required."""
    tz = tz or zone()
    original = text.strip()
    cleaned = _clean(text)
    match = _DATETIME.match(cleaned) or _ISO.match(cleaned)
    if not match:
        raise DateParseError(
            f"„{original}“ verstehe ich nicht als Datum mit Uhrzeit. "
            f"Bitte so schreiben: {EXAMPLE}"
        )
    if match.group("hour") is None:
        raise DateParseError(f"Bitte geben Sie auch die Uhrzeit an, z. B. {EXAMPLE}")
    day = _make_date(match.group("day"), match.group("month"), match.group("year"), original)
    clock = _make_time(match.group("hour"), match.group("minute"), original)
    return localize(day, clock, tz)


def parse_date_or_datetime(text: str, tz: ZoneInfo | None = None) -> datetime:
    """A deadline: a date alone means the end of that day (23:59)."""
    tz = tz or zone()
    original = text.strip()
    cleaned = _clean(text)
    match = _DATETIME.match(cleaned) or _ISO.match(cleaned)
    if not match:
        raise DateParseError(
            f"„{original}“ verstehe ich nicht als Datum. Bitte so schreiben: 01.03.2027"
        )
    day = _make_date(match.group("day"), match.group("month"), match.group("year"), original)
    if match.group("hour") is None:
        return localize(day, time(23, 59), tz)
    return localize(day, _make_time(match.group("hour"), match.group("minute"), original), tz)


def parse_end(text: str, start: datetime) -> datetime:
    """The end of an event: a time alone ("16:00") is on the start's day."""
    tz = start.tzinfo if isinstance(start.tzinfo, ZoneInfo) else zone()
    cleaned = _clean(text)
    match = _TIME_ONLY.match(cleaned)
    if match:
        clock = _make_time(match.group("hour"), match.group("minute"), text.strip())
        return localize(start.astimezone(tz).date(), clock, tz)
    return parse_datetime(text, tz)


def format_date(moment: datetime, tz: ZoneInfo | None = None) -> str:
    local = moment.astimezone(tz or zone())
    return f"{WEEKDAYS[local.weekday()]}, {local:%d.%m.%Y}"


def format_datetime(moment: datetime, tz: ZoneInfo | None = None) -> str:
    local = moment.astimezone(tz or zone())
    return f"{format_date(local)}, {local:%H:%M} Uhr"


def format_span(start: datetime, end: datetime | None, tz: ZoneInfo | None = None) -> str:
    """'Do, 12.03.2027, 10:00–16:00 Uhr', or both dates when the event spans days."""
    tz = tz or zone()
    local_start = start.astimezone(tz)
    if end is None:
        return format_datetime(local_start, tz)
    local_end = end.astimezone(tz)
    if local_end.date() == local_start.date():
        return f"{format_date(local_start, tz)}, {local_start:%H:%M}–{local_end:%H:%M} Uhr"
    return f"{format_datetime(local_start, tz)} bis {format_datetime(local_end, tz)}"


def input_form(moment: datetime, tz: ZoneInfo | None = None) -> str:
    """The form an admin would type, used to prefill edits."""
    return f"{moment.astimezone(tz or zone()):%d.%m.%Y %H:%M}"


def days_until(start: datetime, now: datetime, tz: ZoneInfo | None = None) -> int:
    """Calendar days between now and the start, as people count them ("morgen" = 1)."""
    tz = tz or zone()
    return (start.astimezone(tz).date() - now.astimezone(tz).date()).days


def relative_day(start: datetime, now: datetime, tz: ZoneInfo | None = None) -> str:
    days = days_until(start, now, tz)
    if days <= 0:
        return "heute"
    if days == 1:
        return "morgen"
    if days == 7:
        return "in einer Woche"
    return f"in {days} Tagen"


def end_of_day(moment: datetime, tz: ZoneInfo | None = None) -> datetime:
    tz = tz or zone()
    local = moment.astimezone(tz)
    return datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=tz)
