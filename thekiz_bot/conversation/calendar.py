"""Pick the upcoming events a date question asks for: the region's own and Thuringia-wide first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from thekiz_bot.conversation.date_questions import NEXT, DateQuery
from thekiz_bot.events.model import Event

MAX_LISTED = 5


@dataclass(frozen=True)
class EventSelection:
    events: tuple[Event, ...]
    # Further matching events that were not listed (the answer says how many).
    more: int = 0


def _in_window(event: Event, query: DateQuery, now: datetime, tz: ZoneInfo) -> bool:
    first, last = query.window(now.astimezone(tz).date())
    start = event.start.astimezone(tz).date()
    end = (event.end or event.start).astimezone(tz).date()
    # An event that has begun but not ended still counts (a two-day Fachtag on its second day).
    return end >= first and (last is None or start <= last)


def select_events(
    events: Sequence[Event], query: DateQuery, user_region_id: str | None, now: datetime,
    tz: ZoneInfo, limit: int = MAX_LISTED,
) -> EventSelection:
    """Events fitting the query, soonest first within each group: those of the asked (or the
    user's) region and Thuringia-wide ones, then the rest. A question naming a region gets only
    that region's and Thuringia-wide events."""
    focus = query.region.id if query.region is not None else user_region_id
    fitting = [
        e for e in events
        if not e.is_cancelled
        and (query.kind is None or e.kind == query.kind)
        and (query.region is None or e.region_id in (None, query.region.id))
        and (e.end or e.start) >= now
        and _in_window(e, query, now, tz)
    ]
    fitting.sort(key=lambda e: (e.start, e.id or 0))
    near = [e for e in fitting if e.region_id is None or e.region_id == focus]
    ordered = near + [e for e in fitting if e not in near]
    if query.period == NEXT:
        limit = 1
    chosen = tuple(ordered[:limit])
    return EventSelection(chosen, len(ordered) - len(chosen))
