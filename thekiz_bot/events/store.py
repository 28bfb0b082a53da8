"""Events in the database: create, change, cancel, list, import."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from thekiz_bot.events.model import Event, EventStatus
from thekiz_bot.storage.database import Database, to_iso

# Fields whose change a person who was told about the event needs to hear about.
NOTIFIABLE_FIELDS = (
    "title", "start", "end", "place", "online_url", "registration_url", "registration_deadline",
    "status",
)
_COMPARED_FIELDS = (
    "title", "kind", "start", "end", "place", "online_url", "region_id", "description",
    "registration_url", "registration_deadline", "status",
)


@dataclass(frozen=True)
class EventChange:
    before: Event
    after: Event
    fields: tuple[str, ...]

    @property
    def notifiable(self) -> tuple[str, ...]:
        return tuple(name for name in self.fields if name in NOTIFIABLE_FIELDS)


@dataclass(frozen=True)
class ImportSummary:
    created: tuple[Event, ...]
    changed: tuple[EventChange, ...]
    unchanged: tuple[Event, ...]


def changed_fields(before: Event, after: Event) -> tuple[str, ...]:
    return tuple(
        name for name in _COMPARED_FIELDS if getattr(before, name) != getattr(after, name)
    )


def _iso(moment: datetime | None) -> str | None:
    return to_iso(moment) if moment is not None else None


class EventStore:
    def __init__(self, db: Database, tz: ZoneInfo) -> None:
        self._db = db
        self._tz = tz

    def _moment(self, raw: str | None) -> datetime | None:
        if raw is None:
            return None
        return datetime.fromisoformat(raw).astimezone(self._tz)

    def _event(self, row: sqlite3.Row) -> Event:
        start = self._moment(row["starts_at"])
        assert start is not None
        return Event(
            id=int(row["id"]),
            external_id=row["external_id"],
            title=str(row["title"]),
            kind=str(row["kind"]),
            start=start,
            end=self._moment(row["ends_at"]),
            place=str(row["place"]),
            online_url=row["online_url"],
            region_id=row["region_id"],
            description=str(row["description"]),
            registration_url=row["registration_url"],
            registration_deadline=self._moment(row["registration_deadline"]),
            status=EventStatus(row["status"]),
            sequence=int(row["sequence"]),
            updated_at=self._moment(row["updated_at"]),
        )

    @staticmethod
    def _columns(event: Event) -> dict[str, object]:
        return {
            "external_id": event.external_id,
            "title": event.title,
            "kind": event.kind,
            "starts_at": to_iso(event.start),
            "ends_at": _iso(event.end),
            "place": event.place,
            "online_url": event.online_url,
            "region_id": event.region_id,
            "description": event.description,
            "registration_url": event.registration_url,
            "registration_deadline": _iso(event.registration_deadline),
            "status": event.status,
        }

    # --- reading ---------------------------------------------------------------------------

    def get(self, event_id: int) -> Event | None:
        rows = self._db.query("SELECT * FROM events WHERE id = ?", (event_id,))
        return self._event(rows[0]) if rows else None

    def upcoming(self, now: datetime, include_cancelled: bool = False) -> list[Event]:
        """Events that have not ended yet, soonest first."""
        statuses = (EventStatus.ACTIVE, EventStatus.CANCELLED) if include_cancelled \
            else (EventStatus.ACTIVE,)
        rows = self._db.query(
            f"""
            SELECT * FROM events
            WHERE COALESCE(ends_at, starts_at) >= ?
              AND status IN ({",".join("?" * len(statuses))})
            ORDER BY starts_at, id
            """,
            (to_iso(now), *statuses),
        )
        return [self._event(row) for row in rows]

    def all(self) -> list[Event]:
        return [self._event(r) for r in self._db.query("SELECT * FROM events ORDER BY starts_at")]

    # --- writing ---------------------------------------------------------------------------

    def add(self, event: Event, now: datetime) -> Event:
        with self._db.transaction() as conn:
            return self._insert(conn, event, now)

    def _insert(self, conn: sqlite3.Connection, event: Event, now: datetime) -> Event:
        columns = self._columns(event)
        columns.update(
            sequence=0, schedule_changed_at=to_iso(now), created_at=to_iso(now),
            updated_at=to_iso(now),
        )
        names = ", ".join(columns)
        marks = ", ".join("?" * len(columns))
        cursor = conn.execute(f"INSERT INTO events ({names}) VALUES ({marks})",
                              tuple(columns.values()))
        return replace(event, id=int(cursor.lastrowid or 0), sequence=0, updated_at=now)

    def update(self, event: Event, now: datetime) -> EventChange | None:
        """Store the edited event; None when it does not exist. Bumps the calendar sequence."""
        if event.id is None:
            raise ValueError("event without id")
        with self._db.transaction() as conn:
            return self._update(conn, event, now)

    def _update(
        self, conn: sqlite3.Connection, event: Event, now: datetime
    ) -> EventChange | None:
        rows = conn.execute("SELECT * FROM events WHERE id = ?", (event.id,)).fetchall()
        if not rows:
            return None
        before = self._event(rows[0])
        fields = changed_fields(before, event)
        if not fields:
            return EventChange(before, before, ())
        after = replace(event, sequence=before.sequence + 1, updated_at=now,
                        external_id=event.external_id or before.external_id)
        columns = self._columns(after)
        columns.update(sequence=after.sequence, updated_at=to_iso(now))
        if "start" in fields:
            # A moved start re-arms the reminders for the new date.
            columns["schedule_changed_at"] = to_iso(now)
            conn.execute("DELETE FROM event_reminders WHERE event_id = ?", (event.id,))
        assignments = ", ".join(f"{name} = ?" for name in columns)
        conn.execute(f"UPDATE events SET {assignments} WHERE id = ?",
                     (*columns.values(), event.id))
        return EventChange(before, after, fields)

    def cancel(self, event_id: int, now: datetime) -> EventChange | None:
        before = self.get(event_id)
        if before is None:
            return None
        return self.update(replace(before, status=EventStatus.CANCELLED), now)

    def import_events(self, imported: Sequence[Event], now: datetime) -> ImportSummary:
        """Create or update by the events' external ids, all in one transaction."""
        created: list[Event] = []
        changed: list[EventChange] = []
        unchanged: list[Event] = []
        with self._db.transaction() as conn:
            for event in imported:
                if event.external_id is None:
                    raise ValueError("an imported event needs its external id")
                rows = conn.execute(
                    "SELECT id FROM events WHERE external_id = ?", (event.external_id,)
                ).fetchall()
                if not rows:
                    created.append(self._insert(conn, event, now))
                    continue
                change = self._update(conn, replace(event, id=int(rows[0]["id"])), now)
                assert change is not None
                if change.fields:
                    changed.append(change)
                else:
                    unchanged.append(change.after)
        return ImportSummary(tuple(created), tuple(changed), tuple(unchanged))
