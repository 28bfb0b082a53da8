"""When the digest goes out: THEKIZ_DIGEST such as "mo 08:00" (weekly) or "täglich 08:00".

Times are local (Europe/Berlin by default), so 08:00 stays 08:00 across daylight saving time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = {
    "mo": 0, "montag": 0, "di": 1, "dienstag": 1, "mi": 2, "mittwoch": 2, "do": 3,
    "donnerstag": 3, "fr": 4, "freitag": 4, "sa": 5, "samstag": 5, "so": 6, "sonntag": 6,
}
DAILY = ("täglich", "taeglich", "tgl", "daily")
OFF = ("", "aus", "off", "nein", "no", "0")
_FORMAT = re.compile(r"^\s*(\S+)\s+(\d{1,2})(?::(\d{2}))?\s*(?:uhr)?\s*$", re.IGNORECASE)


class ScheduleError(ValueError):
    """THEKIZ_DIGEST cannot be read; the message is one German sentence."""


@dataclass(frozen=True)
class DigestSchedule:
    weekday: int | None  # 0 = Monday; None = every day
    at: time
    timezone: str = "Europe/Berlin"

    @classmethod
    def parse(cls, raw: str | None, timezone: str = "Europe/Berlin") -> DigestSchedule | None:
        """None when the digest is off (unset, "aus")."""
        text = (raw or "").strip().lower()
        if text in OFF:
            return None
        found = _FORMAT.match(text)
        if not found:
            raise ScheduleError(f"THEKIZ_DIGEST „{raw}“: erwartet z. B. „mo 08:00“ oder "
                                "„täglich 08:00“")
        day, hour, minute = found.group(1).rstrip(".,"), int(found.group(2)), int(found.group(3) or 0)
        if day not in WEEKDAYS and day not in DAILY:
            raise ScheduleError(f"THEKIZ_DIGEST: „{day}“ ist kein Wochentag (mo, di, … so) "
                                "und nicht „täglich“")
        if hour > 23 or minute > 59:
            raise ScheduleError(f"THEKIZ_DIGEST: {hour}:{minute:02d} ist keine Uhrzeit")
        return cls(WEEKDAYS.get(day), time(hour, minute), timezone)

    def next_after(self, moment: datetime) -> datetime:
        """The first due time strictly after `moment` (UTC)."""
        zone = ZoneInfo(self.timezone)
        local = moment.astimezone(zone)
        day = local.date()
        for offset in range(8):
            candidate_day = day + timedelta(days=offset)
            if self.weekday is not None and candidate_day.weekday() != self.weekday:
                continue
            candidate = datetime.combine(candidate_day, self.at, tzinfo=zone)
            if candidate > local:
                return candidate.astimezone(UTC)
        raise AssertionError("a weekly schedule is due within eight days")

    def describe(self) -> str:
        names = ("montags", "dienstags", "mittwochs", "donnerstags", "freitags", "samstags",
                 "sonntags")
        day = "täglich" if self.weekday is None else names[self.weekday]
        return f"{day} um {self.at:%H:%M} Uhr"
