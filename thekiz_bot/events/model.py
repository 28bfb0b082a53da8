"""Network events: the data, the kinds, region names, and validation.

Everything here is free of Telegram and of the database so that the chat, the YAML import
and the command line validate an event in exactly the same way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from thekiz_bot.knowledge.loader import Region

# Stored key -> label shown to people. Order is the order of the buttons.
EVENT_KINDS: dict[str, str] = {
    "arbeitskreis": "Arbeitskreis",
    "informationsveranstaltung": "Informationsveranstaltung",
    "fortbildung": "Fortbildung",
    "fachtag": "Fachtag",
    "vernetzungstreffen": "Vernetzungstreffen",
    "sonstiges": "Sonstiges",
}
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
# Words that mean "no particular region: all of Thuringia".
_THURINGIA_WORDS = frozenset(
    {"thueringen", "ganzthueringen", "thueringenweit", "landesweit", "alle", "allregionen",
     "alleregionen", "ueberregional", "land"}
)
_REGION_PREFIXES = ("landkreis", "kreisfreiestadt", "lk", "kreis", "stadt")

THURINGIA_LABEL = "ganz Thüringen"
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

STATUS_ACTIVE = "active"
STATUS_CANCELLED = "cancelled"
ONLINE = "online"


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
    status: str = STATUS_ACTIVE
    # Bumped on every change; calendar apps use it to replace their copy.
    sequence: int = 0
    updated_at: datetime | None = None

    @property
    def is_online(self) -> bool:
        return self.place.casefold() == ONLINE

    @property
    def is_cancelled(self) -> bool:
        return self.status == STATUS_CANCELLED

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


@dataclass(frozen=True)
class RegionNames:
    """Resolves what people type ("LK Gotha", "erfurt") to region ids of the knowledge base."""

    regions: tuple[Region, ...] = field(default_factory=tuple)

    @staticmethod
    def key(text: str) -> str:
        folded = text.casefold()
        for umlaut, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
            folded = folded.replace(umlaut, spelled)
        return re.sub(r"[^a-z0-9]", "", folded)

    def name(self, region_id: str | None) -> str:
        if region_id is None:
            return THURINGIA_LABEL
        for region in self.regions:
            if region.id == region_id:
                return region.name
        return region_id

    def known(self, region_id: str) -> bool:
        return any(region.id == region_id for region in self.regions)

    def resolve(self, text: str) -> str | None:
        """The region id, or None for all of Thuringia; raises ValueError when unknown."""
        key = self.key(text)
        if not key or key in _THURINGIA_WORDS:
            return None
        candidates = [key]
        for prefix in _REGION_PREFIXES:
            if key.startswith(prefix) and len(key) > len(prefix):
                candidates.append(key[len(prefix):])
        for region in self.regions:
            names = (region.id, region.name, *region.aliases)
            if any(self.key(name) in candidates for name in names):
                return region.id
        raise ValueError(
            f"Die Region „{text.strip()}“ kenne ich nicht. Bitte den Namen eines Landkreises "
            f"oder einer kreisfreien Stadt angeben, oder „Thüringen“ für alle."
        )


def resolve_kind(text: str) -> str:
    key = RegionNames.key(text)
    for kind, label in EVENT_KINDS.items():
        if key in (kind, RegionNames.key(label)):
            return kind
    if key in _KIND_ALIASES:
        return _KIND_ALIASES[key]
    raise ValueError(
        f"Die Art „{text.strip()}“ kenne ich nicht. "
        f"Möglich sind: {', '.join(EVENT_KINDS.values())}."
    )


def _is_url(value: str) -> bool:
    return bool(re.match(r"^https?://[^\s<>\"]+\.[^\s<>\"]+$", value))


def validate(event: Event, regions: RegionNames | None = None) -> list[FieldProblem]:
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


def ensure_valid(event: Event, regions: RegionNames | None = None) -> Event:
    problems = validate(event, regions)
    if problems:
        raise EventInputError(problems)
    return event


def split_place(text: str) -> tuple[str, str | None]:
    """'online https://…' or a bare link -> ('online', link); anything else is a place."""
    cleaned = " ".join(text.split())
    match = re.match(r"^(?:online\b[\s:,–-]*)?(https?://\S+)$", cleaned, re.IGNORECASE)
    if match:
        return ONLINE, match.group(1)
    if cleaned.casefold() == ONLINE:
        return ONLINE, None
    return cleaned, None
