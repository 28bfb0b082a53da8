"""The one-line form for admins who know what they want:

    12.03.2027 10:00-16:00 | Arbeitskreis Frühjahr | Erfurt | Art: Arbeitskreis | Region: Gotha

The first three parts are when, title and place; every further part is either "Schlüssel: Wert"
(Art, Region, Beschreibung, Anmeldung, Anmeldeschluss, Link) or, without a key, a kind, a region,
a web address (the registration link) or the description.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from thekiz_bot.events import dates as german_dates
from thekiz_bot.events.model import (
    EVENT_KINDS,
    Event,
    EventInputError,
    FieldProblem,
    RegionNames,
    resolve_kind,
    split_place,
    validate,
)

SHORTCUT_HELP = (
    "DATUM ZEIT[-ENDE] | Titel | Ort | Art: … | Region: … | Beschreibung: … | "
    "Anmeldung: https://… | Anmeldeschluss: TT.MM.JJJJ"
)
SHORTCUT_EXAMPLE = (
    "12.03.2027 10:00-16:00 | Arbeitskreis ThEKiZ | Erfurt | Art: Arbeitskreis | Region: Thüringen"
)

_KEYS: dict[str, str] = {
    "art": "kind",
    "typ": "kind",
    "region": "region",
    "beschreibung": "description",
    "text": "description",
    "anmeldung": "registration_url",
    "anmeldelink": "registration_url",
    "anmeldeschluss": "registration_deadline",
    "frist": "registration_deadline",
    "link": "online_url",
    "onlinelink": "online_url",
    "ende": "end",
}
_KEYED = re.compile(r"^(?P<key>[A-Za-zÄÖÜäöüß -]{2,20}):\s+(?P<value>.+)$", re.DOTALL)
_RANGE = re.compile(r"\s*(?:–|—|\bbis\b|-)\s*", re.IGNORECASE)


def parse_when(text: str, tz: ZoneInfo) -> tuple[datetime, datetime | None]:
    """'12.03.2027 10:00-16:00' -> (start, end or None)."""
    parts = _RANGE.split(text.strip(), maxsplit=1)
    start = german_dates.parse_datetime(parts[0], tz)
    end = german_dates.parse_end(parts[1], start) if len(parts) > 1 and parts[1] else None
    return start, end


def parse_shortcut(text: str, regions: RegionNames, tz: ZoneInfo) -> Event:
    """An Event from the one-line form; raises EventInputError listing every problem."""
    parts = [part.strip() for part in text.split("|")]
    if len(parts) < 3 or not all(parts[:3]):
        raise EventInputError(
            [FieldProblem("title",
                          f"Bitte mindestens Datum, Titel und Ort angeben: {SHORTCUT_HELP}")]
        )
    problems: list[FieldProblem] = []
    values: dict[str, str] = {}
    description_parts: list[str] = []
    for part in parts[3:]:
        if not part:
            continue
        keyed = _KEYED.match(part)
        key = RegionNames.key(keyed.group("key")) if keyed else ""
        if keyed and key in _KEYS:
            name = _KEYS[key]
            if name in values:
                problems.append(FieldProblem(name, "ist doppelt angegeben"))
            values[name] = keyed.group("value").strip()
            continue
        if "kind" not in values and _is_kind(part):
            values["kind"] = part
        elif "region" not in values and _is_region(part, regions):
            values["region"] = part
        elif "registration_url" not in values and re.match(r"^https?://\S+$", part):
            values["registration_url"] = part
        else:
            description_parts.append(part)
    if description_parts:
        if "description" in values:
            problems.append(FieldProblem("description", "ist doppelt angegeben"))
        else:
            values["description"] = " | ".join(description_parts)

    start = end = deadline = None
    try:
        start, end = parse_when(parts[0], tz)
    except german_dates.DateParseError as exc:
        problems.append(FieldProblem("start", str(exc)))
    if "end" in values and start is not None:
        try:
            end = german_dates.parse_end(values["end"], start)
        except german_dates.DateParseError as exc:
            problems.append(FieldProblem("end", str(exc)))
    if "registration_deadline" in values:
        try:
            deadline = german_dates.parse_date_or_datetime(values["registration_deadline"], tz)
        except german_dates.DateParseError as exc:
            problems.append(FieldProblem("registration_deadline", str(exc)))
    kind = "sonstiges"
    if "kind" in values:
        try:
            kind = resolve_kind(values["kind"])
        except ValueError as exc:
            problems.append(FieldProblem("kind", str(exc)))
    region_id = None
    if "region" in values:
        try:
            region_id = regions.resolve(values["region"])
        except ValueError as exc:
            problems.append(FieldProblem("region", str(exc)))
    place, online_url = split_place(parts[2])
    if "online_url" in values:
        online_url = values["online_url"]
        place = "online"
    if problems or start is None:
        raise EventInputError(problems)
    event = Event(
        title=parts[1],
        kind=kind,
        start=start,
        end=end,
        place=place,
        online_url=online_url,
        region_id=region_id,
        description=values.get("description", ""),
        registration_url=values.get("registration_url"),
        registration_deadline=deadline,
    )
    found = validate(event, regions)
    if found:
        raise EventInputError(found)
    return event


def _is_kind(text: str) -> bool:
    key = RegionNames.key(text)
    return any(key in (kind, RegionNames.key(label)) for kind, label in EVENT_KINDS.items())


def _is_region(text: str, regions: RegionNames) -> bool:
    try:
        regions.resolve(text)
    except ValueError:
        return False
    return True
