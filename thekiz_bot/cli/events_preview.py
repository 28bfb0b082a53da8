"""What `events import` would do, event by event, and which dates look wrong."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from thekiz_bot.events.model import FIELD_LABELS, Event
from thekiz_bot.events.store import changed_fields

# Further ahead than this, a date is more likely a typo in the year than a plan.
FAR_AHEAD = timedelta(days=2 * 365)


@dataclass(frozen=True)
class PlannedImport:
    event: Event
    status: str  # "neu", "geändert" or "unverändert"
    fields: tuple[str, ...] = ()


def plan(imported: Sequence[Event], existing: Sequence[Event]) -> list[PlannedImport]:
    """Compare by external id, as the import does, without writing anything."""
    by_external = {e.external_id: e for e in existing if e.external_id is not None}
    planned = []
    for event in imported:
        before = by_external.get(event.external_id) if event.external_id else None
        if before is None:
            planned.append(PlannedImport(event, "neu"))
            continue
        fields = changed_fields(before, event)
        planned.append(PlannedImport(event, "geändert" if fields else "unverändert", fields))
    return planned


def plan_lines(planned: Sequence[PlannedImport]) -> list[str]:
    lines = []
    for item in planned:
        what = f"  {item.status}: [{item.event.external_id}] {item.event.title}"
        if item.fields:
            what += f" ({', '.join(FIELD_LABELS.get(f, f) for f in item.fields)})"
        lines.append(what)
    return lines


def date_warnings(events: Sequence[Event], now: datetime, tz: ZoneInfo) -> list[str]:
    warnings = []
    for event in events:
        day = event.start.astimezone(tz).strftime("%d.%m.%Y")
        if event.start < now:
            warnings.append(f"Warnung: „{event.title}“ beginnt am {day} – das liegt in der "
                            "Vergangenheit; bitte prüfen Sie das Datum.")
        elif event.start > now + FAR_AHEAD:
            warnings.append(f"Warnung: „{event.title}“ beginnt am {day} – mehr als zwei Jahre "
                            "in der Zukunft; ist die Jahreszahl richtig?")
    return warnings
