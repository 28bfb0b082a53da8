"""The one parser from typed text to event fields.

The YAML import, the one-line form and the guided form in the chat all turn "12.03.2027 10:00",
"LK Gotha" or "Fortbildung" into event values here, so the same text is accepted (or refused with
the same German sentence) wherever an admin types it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from thekiz_bot.events import dates as german_dates
from thekiz_bot.events.model import (
    EVENT_KINDS,
    ONLINE,
    Event,
    EventStatus,
    FieldProblem,
)
from thekiz_bot.knowledge.regions import RegionFinder, UnknownRegion
from thekiz_bot.text.normalise import fold

# Typed by an admin to leave an optional field empty.
CLEAR = ("-", "–", "—")
OPTIONAL = ("end", "online_url", "description", "registration_url", "registration_deadline")

_KIND_ALIASES: dict[str, str] = {
    "ak": "arbeitskreis",
    "info": "informationsveranstaltung",
    "infoveranstaltung": "informationsveranstaltung",
    "information": "informationsveranstaltung",
    "schulung": "fortbildung",
    "weiterbildung": "fortbildung",
    "vernetzung": "vernetzungstreffen",
    "netzwerktreffen": "vernetzungstreffen",
    "andere": "sonstiges",
    "anderes": "sonstiges",
    "other": "sonstiges",
}
_STATUS_WORDS: dict[str, EventStatus] = {
    "active": EventStatus.ACTIVE, "aktiv": EventStatus.ACTIVE,
    "cancelled": EventStatus.CANCELLED, "abgesagt": EventStatus.CANCELLED,
}
_RANGE = re.compile(r"\s*(?:–|—|\bbis\b|-)\s*", re.IGNORECASE)
_URL_ONLY = re.compile(r"^https?://\S+$")


def key(text: str) -> str:
    """The form two spellings of a word share: "Informations-Veranstaltung" ~ "informationsveranstaltung"."""
    return re.sub(r"[^0-9a-z]", "", fold(text))


class FieldError(ValueError):
    """The text for one field is unusable; `message` is one German sentence."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message

    @property
    def problem(self) -> FieldProblem:
        return FieldProblem(self.field, self.message)


@dataclass(frozen=True)
class FieldContext:
    regions: RegionFinder
    tz: ZoneInfo
    # The event's start, for an end given as a time only ("16:00").
    start: datetime | None = None


def resolve_kind(text: str) -> str:
    wanted = key(text)
    for kind, label in EVENT_KINDS.items():
        if wanted in (kind, key(label)):
            return kind
    if wanted in _KIND_ALIASES:
        return _KIND_ALIASES[wanted]
    raise ValueError(
        f"Die Art „{text.strip()}“ kenne ich nicht. "
        f"Möglich sind: {', '.join(EVENT_KINDS.values())}."
    )


def is_kind(text: str) -> bool:
    wanted = key(text)
    return any(wanted in (kind, key(label)) for kind, label in EVENT_KINDS.items())


def is_url(text: str) -> bool:
    return bool(_URL_ONLY.match(text.strip()))


def split_place(text: str) -> tuple[str, str | None]:
    """'online https://…' or a bare link -> ('online', link); anything else is a place."""
    cleaned = " ".join(text.split())
    match = re.match(r"^(?:online\b[\s:,–-]*)?(https?://\S+)$", cleaned, re.IGNORECASE)
    if match:
        return ONLINE, match.group(1)
    if cleaned.casefold() == ONLINE:
        return ONLINE, None
    return cleaned, None


def parse_when(text: str, tz: ZoneInfo) -> tuple[datetime, datetime | None]:
    """'12.03.2027 10:00-16:00' -> (start, end or None)."""
    parts = _RANGE.split(text.strip(), maxsplit=1)
    start = german_dates.parse_datetime(parts[0], tz)
    end = german_dates.parse_end(parts[1], start) if len(parts) > 1 and parts[1] else None
    return start, end


def parse_field(name: str, text: str, context: FieldContext) -> dict[str, Any]:
    """The event values one typed field sets (names as on `Event`); raises FieldError.

    `name` is a field name of FIELD_LABELS ("region", not "region_id"), or "when" for a start
    with an optional end ("12.03.2027 10:00-16:00").
    """
    text = text.strip()
    if name in OPTIONAL and text in CLEAR:
        return {name: "" if name == "description" else None}
    try:
        return _parse(name, text, context)
    except FieldError:
        raise
    except ValueError as exc:  # DateParseError, unknown kinds and regions say it in German
        raise FieldError("start" if name == "when" else name, str(exc)) from exc


def _parse(name: str, text: str, context: FieldContext) -> dict[str, Any]:
    if name == "title":
        if not text:
            raise FieldError(name, "Der Titel fehlt.")
        return {"title": text}
    if name == "kind":
        return {"kind": resolve_kind(text)}
    if name == "when":
        start, end = parse_when(text, context.tz)
        return {"start": start, "end": end}
    if name == "start":
        return {"start": german_dates.parse_datetime(text, context.tz)}
    if name == "end":
        if context.start is None:
            raise FieldError(name, "Das Ende braucht einen gültigen Beginn.")
        return {"end": german_dates.parse_end(text, context.start)}
    if name == "place":
        place, url = split_place(text)
        return {"place": place, "online_url": url}
    if name in ("online_url", "registration_url", "description"):
        return {name: text}
    if name == "region":
        try:
            return {"region_id": context.regions.resolve_scope(text)}
        except UnknownRegion as exc:
            raise FieldError(name, str(exc)) from exc
    if name == "registration_deadline":
        return {"registration_deadline": german_dates.parse_date_or_datetime(text, context.tz)}
    if name == "status":
        status = _STATUS_WORDS.get(text.casefold())
        if status is None:
            raise FieldError(name, "muss active oder cancelled (abgesagt) sein")
        return {"status": status}
    raise FieldError(name, "Unbekanntes Feld.")


# Fields that need another one parsed first.
_ORDER = ("title", "kind", "when", "start", "end", "place", "online_url", "region", "description",
          "registration_url", "registration_deadline", "status")


def parse_fields(
    raw: Mapping[str, str], regions: RegionFinder, tz: ZoneInfo
) -> tuple[dict[str, Any], list[FieldError]]:
    """All typed fields at once: the values, and every problem (an admin fixes them in one go).

    An explicitly given online link wins over one found in the place (it is parsed later).
    """
    values: dict[str, Any] = {}
    errors: list[FieldError] = []
    for name in sorted(raw, key=lambda n: _ORDER.index(n) if n in _ORDER else len(_ORDER)):
        if name == "end" and "start" not in values:
            continue  # the start's own problem is reported; the end cannot be checked
        context = FieldContext(regions, tz, values.get("start"))
        try:
            parsed = parse_field(name, raw[name], context)
        except FieldError as exc:
            errors.append(exc)
            continue
        values.update(parsed)
    return values, errors


def event_from_fields(values: Mapping[str, Any], **extra: Any) -> Event:
    """The event the parsed values describe (title, start and place must be among them)."""
    return Event(
        title=values["title"],
        kind=values.get("kind", "sonstiges"),
        start=values["start"],
        end=values.get("end"),
        place=values["place"],
        online_url=values.get("online_url"),
        region_id=values.get("region_id"),
        description=values.get("description", ""),
        registration_url=values.get("registration_url"),
        registration_deadline=values.get("registration_deadline"),
        status=values.get("status", EventStatus.ACTIVE),
        **extra,
    )
