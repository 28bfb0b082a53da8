"""The one-line form for admins who know what they want:

    12.03.2027 10:00-16:00 | Arbeitskreis Frühjahr | Erfurt | Art: Arbeitskreis | Region: Gotha

The first three parts are when, title and place; every further part is either "Schlüssel: Wert"
(Art, Region, Beschreibung, Anmeldung, Anmeldeschluss, Link) or, without a key, a kind, a region,
a web address (the registration link) or the description.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from thekiz_bot.events.fields import event_from_fields, is_kind, is_url, key, parse_fields
from thekiz_bot.events.model import Event, EventInputError, FieldProblem, validate
from thekiz_bot.knowledge.regions import RegionFinder

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


def parse_shortcut(text: str, regions: RegionFinder, tz: ZoneInfo) -> Event:
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
        name_key = key(keyed.group("key")) if keyed else ""
        if keyed and name_key in _KEYS:
            name = _KEYS[name_key]
            if name in values:
                problems.append(FieldProblem(name, "ist doppelt angegeben"))
            values[name] = keyed.group("value").strip()
            continue
        if "kind" not in values and is_kind(part):
            values["kind"] = part
        elif "region" not in values and regions.is_region_name(part):
            values["region"] = part
        elif "registration_url" not in values and is_url(part):
            values["registration_url"] = part
        else:
            description_parts.append(part)
    if description_parts:
        if "description" in values:
            problems.append(FieldProblem("description", "ist doppelt angegeben"))
        else:
            values["description"] = " | ".join(description_parts)

    # An "Ende:" part is parsed after the first part, so it wins over a range given there.
    fields, errors = parse_fields(
        {"when": parts[0], "title": parts[1], "place": parts[2], **values}, regions, tz)
    problems.extend(error.problem for error in errors)
    if "online_url" in values:
        fields["place"] = "online"
    if problems or "start" not in fields:
        raise EventInputError(problems)
    event = event_from_fields(fields)
    found = validate(event, regions)
    if found:
        raise EventInputError(found)
    return event
