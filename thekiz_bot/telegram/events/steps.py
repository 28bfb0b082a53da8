"""The answers of the event form and of edits: text or a button → draft values, checked at once.

Every answer is checked in the step it was given, so a typo is fixed where it was made.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from thekiz_bot.events.fields import FieldContext, FieldError, parse_field
from thekiz_bot.events.fields import key as field_key
from thekiz_bot.events.model import EVENT_KINDS, FIELD_LABELS, Event, validate
from thekiz_bot.knowledge.regions import RegionFinder
from thekiz_bot.telegram.callbacks import FormAnswer
from thekiz_bot.telegram.services import KnowledgeSnapshot

FORM_STEPS = ("title", "kind", "start", "end", "place", "online_url", "region", "description",
              "registration_url", "registration_deadline")
DRAFT_FIELDS = ("title", "kind", "start", "end", "place", "online_url", "region_id",
                "description", "registration_url", "registration_deadline")
SKIPPABLE = ("end", "online_url", "description", "registration_url", "registration_deadline")
# Which validation problems belong to the step the admin just answered.
_STEP_PROBLEMS = {"place": ("place", "online_url"), "start": ("start", "end")}
EDIT_KEYS = {field_key(label): name for name, label in FIELD_LABELS.items()}
EDIT_KEYS.update({"art": "kind", "anmeldung": "registration_url", "link": "online_url",
                  "frist": "registration_deadline", "datum": "start", "ende": "end",
                  "titel": "title", "ort": "place", "beschreibung": "description"})


class StepError(ValueError):
    """The answer to one step is unusable; the message (German) says why."""


def parse_step(field: str, text: str, values: dict[str, Any], regions: RegionFinder,
               tz: ZoneInfo) -> dict[str, Any]:
    """The draft values an answer sets; raises StepError with a German message."""
    try:
        return parse_field(field, text, FieldContext(regions, tz, values.get("start")))
    except FieldError as exc:
        raise StepError(exc.message) from exc


def button_updates(answer: FormAnswer, step: str,
                   snapshot: KnowledgeSnapshot) -> dict[str, Any] | None:
    """What a form button means in the current step; None if it does not belong there."""
    if answer.choice == "kind" and step == "kind" and answer.value in EVENT_KINDS:
        return {"kind": answer.value}
    if answer.choice == "region" and step == "region":
        if answer.value is None:
            return {"region_id": None}
        region = snapshot.region(answer.value)
        return {"region_id": region.id} if region else None
    if answer.choice == "online" and step == "place":
        return {"place": "online", "online_url": None}
    if answer.choice == "skip" and step in SKIPPABLE:
        return {}
    return None


def draft_event(values: dict[str, Any], now: datetime) -> Event:
    return Event(
        title=values.get("title", ""),
        kind=values.get("kind", "sonstiges"),
        start=values.get("start") or now,
        end=values.get("end"),
        place=values.get("place", ""),
        online_url=values.get("online_url"),
        region_id=values.get("region_id"),
        description=values.get("description", ""),
        registration_url=values.get("registration_url"),
        registration_deadline=values.get("registration_deadline"),
    )


def step_problems(event: Event, field: str, regions: RegionFinder) -> list[str]:
    fields = _STEP_PROBLEMS.get(field, (field,))
    return [p.message for p in validate(event, regions) if p.field in fields]


def next_step(values: dict[str, Any], after: str) -> str | None:
    index = FORM_STEPS.index(after) + 1
    for field in FORM_STEPS[index:]:
        if field == "online_url" and (values.get("place") != "online" or values.get("online_url")):
            continue
        return field
    return None
