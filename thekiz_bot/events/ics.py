"""An iCalendar file (RFC 5545) for one event, to put it into any calendar app.

Written by hand because it is one small, fixed shape: CRLF line ends, lines folded at 75
octets without splitting a UTF-8 character, TEXT values escaped, and local times with a
VTIMEZONE for Europe/Berlin (other zones fall back to UTC times, which every app understands).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from thekiz_bot.events.model import Event
from thekiz_bot.knowledge.regions import RegionFinder
from thekiz_bot.text.normalise import slug

PRODID = "-//ThEKiZ//thekiz-bot//DE"
UID_DOMAIN = "thekiz-bot"
MAX_OCTETS = 75

# EU summer time rules, in force for Germany since 1996.
_BERLIN_VTIMEZONE = (
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Berlin",
    "X-LIC-LOCATION:Europe/Berlin",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
)


def escape_text(value: str) -> str:
    """RFC 5545 3.3.11: backslash, semicolon, comma and newlines."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\n", "\\n")
    # Other control characters are not allowed in TEXT values.
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", value)


def fold(line: str) -> str:
    """Fold to lines of at most 75 octets, never inside a UTF-8 sequence (RFC 5545 3.1)."""
    out: list[str] = []
    current = ""
    size = 0
    limit = MAX_OCTETS
    for char in line:
        length = len(char.encode("utf-8"))
        if size + length > limit:
            out.append(current)
            current, size = " ", 1  # continuation lines start with one space
        current += char
        size += length
    out.append(current)
    return "\r\n".join(out)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _time_property(name: str, moment: datetime, tz: ZoneInfo) -> str:
    if tz.key == "Europe/Berlin":
        return f"{name};TZID=Europe/Berlin:{moment.astimezone(tz):%Y%m%dT%H%M%S}"
    return f"{name}:{_utc(moment)}"


def event_ics(event: Event, regions: RegionFinder, tz: ZoneInfo, stamp: datetime) -> bytes:
    """The whole .ics file as bytes (UTF-8, CRLF)."""
    if event.id is None:
        raise ValueError("only stored events can be exported")
    location = "Online" if event.is_online else event.place
    description_parts = [event.description.strip()] if event.description.strip() else []
    if event.is_online and event.online_url:
        description_parts.append(f"Online: {event.online_url}")
    if event.registration_url:
        description_parts.append(f"Anmeldung: {event.registration_url}")
    if event.registration_deadline:
        deadline = event.registration_deadline.astimezone(tz)
        description_parts.append(f"Anmeldeschluss: {deadline:%d.%m.%Y %H:%M} Uhr")
    description_parts.append(f"Region: {regions.name(event.region_id)}")

    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    if tz.key == "Europe/Berlin":
        lines.extend(_BERLIN_VTIMEZONE)
    lines += [
        "BEGIN:VEVENT",
        f"UID:event-{event.id}@{UID_DOMAIN}",
        f"DTSTAMP:{_utc(stamp)}",
        _time_property("DTSTART", event.start, tz),
    ]
    if event.end is not None:
        lines.append(_time_property("DTEND", event.end, tz))
    lines += [
        f"SEQUENCE:{event.sequence}",
        f"SUMMARY:{escape_text(event.title)}",
        f"LOCATION:{escape_text(location)}",
        f"DESCRIPTION:{escape_text(chr(10).join(description_parts))}",
        f"CATEGORIES:{escape_text(event.kind_label)}",
        f"STATUS:{'CANCELLED' if event.is_cancelled else 'CONFIRMED'}",
    ]
    url = event.online_url or event.registration_url
    if url:
        lines.append(f"URL:{url}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")


def ics_filename(event: Event) -> str:
    """A safe, recognisable file name: 'termin-12-arbeitskreis-thekiz.ics'."""
    return f"termin-{event.id}-{slug(event.title, 40) or 'veranstaltung'}.ics"
