"""Network events: the data, the kinds, the statuses, and validation.

Everything here is free of Telegram and of the database so that the chat, the YAML import
and the command line validate an event in exactly the same way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from thekiz_bot.knowledge.regions import RegionFinder

# Stored key -> label shown to people. Order is the order of the buttons.
EVENT_KINDS: dict[str, str] = {
    "arbeitskreis": "Arbeitskreis",
    "informationsveranstaltung": "Informationsveranstaltung",
    "fortbildung": "Fortbildung",
    "fachtag": "Fachtag",
    "vernetzungstreffen": "Vernetzungstreffen",
    "sonstiges": "Sonstiges",
}
TITLE_MAX = 150
PLACE_MAX = 200
DESCRIPTION_MAX = 1500
URL_MAX = 500

FIELD_LABELS: dict[str, str] = {
    "id": "Kennung",
    "title": "Titel",
    "kind": "Art",
    "start": "Beginn",
    "end": "Ende",
    "place": "Ort",
    "online_url": "Online-Link",
    "region": "Region",
    "description": "Beschreibung",
    "registration_url": "Anmeldelink",
    "registration_deadline": "Anmeldeschluss",
}

ONLINE = "online"


class EventStatus(StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Event:
    title: str
    kind: str
    start: datetime
    place: str
    end: datetime | None = None
    online_url: str | None = None
    # None: the event concerns all of Thuringia.
    region_id: str | None = None
    description: str = ""
    registration_url: str | None = None
    registration_deadline: datetime | None = None
    id: int | None = None
    # Stable key from a YAML import, so that importing again updates instead of duplicating.
    external_id: str | None = None
    status: EventStatus = EventStatus.ACTIVE
    # Bumped on every change; calendar apps use it to replace their copy.
    sequence: int = 0
    updated_at: datetime | None = None

    @property
    def is_online(self) -> bool:
        return self.place.casefold() == ONLINE

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @property
    def kind_label(self) -> str:
        return EVENT_KINDS.get(self.kind, self.kind)


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{FIELD_LABELS.get(self.field, self.field)}: {self.message}"


class EventInputError(ValueError):
    """One or more fields of an event are unusable; each problem names its field."""

    def __init__(self, problems: Sequence[FieldProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


def _is_url(value: str) -> bool:
    return bool(re.match(r"^https?://[^\s<>\"]+\.[^\s<>\"]+$", value))


def validate(event: Event, regions: RegionFinder | None = None) -> list[FieldProblem]:
    """Every problem of the event at once, so that an admin can fix them in one go."""
    problems: list[FieldProblem] = []

    def check_text(name: str, value: str, limit: int, required: bool) -> None:
        if required and not value.strip():
            problems.append(FieldProblem(name, "fehlt"))
        elif len(value) > limit:
            problems.append(
                FieldProblem(name, f"ist zu lang ({len(value)} Zeichen, höchstens {limit})")
            )

    check_text("title", event.title, TITLE_MAX, required=True)
    check_text("place", event.place, PLACE_MAX, required=True)
    check_text("description", event.description, DESCRIPTION_MAX, required=False)
    if event.kind not in EVENT_KINDS:
        problems.append(
            FieldProblem("kind", f"muss eine von {', '.join(EVENT_KINDS.values())} sein")
        )
    if event.start.tzinfo is None:
        problems.append(FieldProblem("start", "ohne Zeitzone"))
    if event.end is not None and event.end <= event.start:
        problems.append(FieldProblem("end", "muss nach dem Beginn liegen"))
    if event.registration_deadline is not None and event.registration_deadline > event.start:
        problems.append(
            FieldProblem("registration_deadline", "muss vor dem Beginn der Veranstaltung liegen")
        )
    for name in ("online_url", "registration_url"):
        value = getattr(event, name)
        if value is None:
            continue
        if len(value) > URL_MAX:
            problems.append(FieldProblem(name, f"ist zu lang (höchstens {URL_MAX} Zeichen)"))
        elif not _is_url(value):
            problems.append(
                FieldProblem(name, "muss eine Web-Adresse sein, die mit https:// beginnt")
            )
    if event.online_url is not None and not event.is_online:
        problems.append(
            FieldProblem("online_url", "ist nur für Ort „online“ vorgesehen")
        )
    if regions is not None and event.region_id is not None and not regions.known(event.region_id):
        problems.append(
            FieldProblem("region", f"„{event.region_id}“ ist keine bekannte Region"))
    return problems


def ensure_valid(event: Event, regions: RegionFinder | None = None) -> Event:
    problems = validate(event, regions)
    if problems:
        raise EventInputError(problems)
    return event
