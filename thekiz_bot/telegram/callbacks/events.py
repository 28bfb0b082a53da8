"""Buttons of events, announcements, subscriptions and the guided event form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from thekiz_bot.telegram.callbacks.codec import NO_REGION, join, number, region

# --- events ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class AddToCalendar:
    """The .ics file of an event (under every event card and announcement)."""

    event_id: int

    PREFIX: ClassVar[str] = "ev1:ics"

    def encode(self) -> str:
        return join(self.PREFIX, self.event_id)

    @classmethod
    def decode(cls, fields: list[str]) -> AddToCalendar | None:
        return cls(number(fields[0])) if len(fields) == 1 else None


@dataclass(frozen=True)
class MoreEvents:
    """The next page of /termine; `all_regions` for "/termine alle"."""

    offset: int
    all_regions: bool

    PREFIX: ClassVar[str] = "ev1:more"

    def encode(self) -> str:
        return join(self.PREFIX, self.offset, "a" if self.all_regions else "r")

    @classmethod
    def decode(cls, fields: list[str]) -> MoreEvents | None:
        if len(fields) == 2 and fields[1] in ("a", "r"):
            return cls(number(fields[0]), fields[1] == "a")
        return None


@dataclass(frozen=True)
class EditEvent:
    """Admins: show the fields of an event to pick one for editing."""

    event_id: int

    PREFIX: ClassVar[str] = "ev1:edit"

    def encode(self) -> str:
        return join(self.PREFIX, self.event_id)

    @classmethod
    def decode(cls, fields: list[str]) -> EditEvent | None:
        return cls(number(fields[0])) if len(fields) == 1 else None


@dataclass(frozen=True)
class EditField:
    """Admins: edit one field of an event (starts the edit step of the admin conversation)."""

    event_id: int
    field: str

    PREFIX: ClassVar[str] = "ev1:ef"

    def encode(self) -> str:
        return join(self.PREFIX, self.event_id, self.field)

    @classmethod
    def decode(cls, fields: list[str]) -> EditField | None:
        if len(fields) == 2 and fields[1] and fields[1].replace("_", "").isalpha():
            return cls(number(fields[0]), fields[1])
        return None


@dataclass(frozen=True)
class CancelEvent:
    """Admins: ask whether to cancel an event."""

    event_id: int

    PREFIX: ClassVar[str] = "ev1:cancel"

    def encode(self) -> str:
        return join(self.PREFIX, self.event_id)

    @classmethod
    def decode(cls, fields: list[str]) -> CancelEvent | None:
        return cls(number(fields[0])) if len(fields) == 1 else None


@dataclass(frozen=True)
class ConfirmCancel:
    """Admins: the answer to "really cancel?"."""

    event_id: int
    confirmed: bool

    PREFIX: ClassVar[str] = "ev1:cx"

    def encode(self) -> str:
        return join(self.PREFIX, self.event_id, "y" if self.confirmed else "n")

    @classmethod
    def decode(cls, fields: list[str]) -> ConfirmCancel | None:
        if len(fields) == 2 and fields[1] in ("y", "n"):
            return cls(number(fields[0]), fields[1] == "y")
        return None


# --- announcements (admins) ------------------------------------------------------------------

@dataclass(frozen=True)
class AnnounceEvent:
    """Preview an announcement of an event."""

    event_id: int

    PREFIX: ClassVar[str] = "an1:ev"

    def encode(self) -> str:
        return join(self.PREFIX, self.event_id)

    @classmethod
    def decode(cls, fields: list[str]) -> AnnounceEvent | None:
        return cls(number(fields[0])) if len(fields) == 1 else None


@dataclass(frozen=True)
class SendAnnouncement:
    """Send a previewed draft broadcast (works once)."""

    broadcast_id: int

    PREFIX: ClassVar[str] = "an1:send"

    def encode(self) -> str:
        return join(self.PREFIX, self.broadcast_id)

    @classmethod
    def decode(cls, fields: list[str]) -> SendAnnouncement | None:
        return cls(number(fields[0])) if len(fields) == 1 else None


@dataclass(frozen=True)
class DropAnnouncement:
    broadcast_id: int

    PREFIX: ClassVar[str] = "an1:drop"

    def encode(self) -> str:
        return join(self.PREFIX, self.broadcast_id)

    @classmethod
    def decode(cls, fields: list[str]) -> DropAnnouncement | None:
        return cls(number(fields[0])) if len(fields) == 1 else None


# --- subscriptions (stateless: they work after a restart) ------------------------------------

SUBSCRIPTION_STEPS = ("scope", "regions", "kind", "done")


@dataclass(frozen=True)
class Subscription:
    """A step of /abo: `scope` (value: region key or None = all Thuringia), `regions` (show the
    list), `kind` (value: toggle a kind, None = all kinds), `done`."""

    step: str
    value: str | None = None

    PREFIX: ClassVar[str] = "ab1"

    def encode(self) -> str:
        if self.step in ("scope", "kind"):
            return join(self.PREFIX, self.step, self.value or NO_REGION)
        return join(self.PREFIX, self.step)

    @classmethod
    def decode(cls, fields: list[str]) -> Subscription | None:
        if len(fields) == 2 and fields[0] in ("scope", "kind") and fields[1]:
            return cls(fields[0], region(fields[1]))
        if len(fields) == 1 and fields[0] in ("regions", "done"):
            return cls(fields[0])
        return None


# --- the guided event form (admins) ----------------------------------------------------------

FORM_CHOICES = ("kind", "region", "online", "skip")


@dataclass(frozen=True)
class FormAnswer:
    """A button answering a step of the event form: `kind` (value: the kind), `region` (value:
    region key, None = all Thuringia), `online` (the place), `skip` (leave the field empty)."""

    choice: str
    value: str | None = None

    PREFIX: ClassVar[str] = "nw1"

    def encode(self) -> str:
        if self.choice in ("kind", "region"):
            return join(self.PREFIX, self.choice, self.value or NO_REGION)
        return join(self.PREFIX, self.choice)

    @classmethod
    def decode(cls, fields: list[str]) -> FormAnswer | None:
        if len(fields) == 2 and fields[0] in ("kind", "region") and fields[1]:
            return cls(fields[0], region(fields[1]))
        if len(fields) == 1 and fields[0] in ("online", "skip"):
            return cls(fields[0])
        return None


@dataclass(frozen=True)
class SaveForm:
    PREFIX: ClassVar[str] = "nw1:save"

    def encode(self) -> str:
        return self.PREFIX

    @classmethod
    def decode(cls, fields: list[str]) -> SaveForm | None:
        return cls() if not fields else None


@dataclass(frozen=True)
class AbortForm:
    PREFIX: ClassVar[str] = "nw1:abort"

    def encode(self) -> str:
        return self.PREFIX

    @classmethod
    def decode(cls, fields: list[str]) -> AbortForm | None:
        return cls() if not fields else None
