"""Callback data of every inline button of the bot: short, versioned, resolved when pressed.

Telegram allows 1–64 bytes of callback data per button and keeps old buttons in the chat for
ever, so buttons carry only short keys of FAQ entries and regions (a hash of their stable id)
and the numbers of events and broadcasts. A key is looked up in the knowledge base in service
when the button is pressed: after a reload a button still works as long as its entry exists.
Each prefix carries a version ("v1", "ev1", …), so a later format never misreads an old
button; `parse` returns None for anything this version does not understand.

Every action is a frozen dataclass with `encode()`; `parse` is the one decoder and `pattern`
the matching predicate for CallbackQueryHandler.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, get_args

CALLBACK_DATA_LIMIT = 64
KEY_LENGTH = 10  # 60 bits: no collisions in practice even for 100,000 entries
NO_REGION = "-"  # in region fields: "ganz Thüringen" / "no region"


def short_key(stable_id: str) -> str:
    digest = hashlib.sha256(stable_id.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:KEY_LENGTH]


# --- answers and the user's own data --------------------------------------------------------

@dataclass(frozen=True)
class Vote:
    """👍 (+1) or 👎 (-1) on an answer; question_id 0 when the answer came without a question."""

    rating: int
    entry_key: str
    question_id: int = 0
    via_suggestion: bool = False

    PREFIX: ClassVar[str] = "v1"

    def encode(self) -> str:
        sign = "+" if self.rating > 0 else "-"
        return _join(self.PREFIX, sign, self.entry_key, self.question_id,
                     int(self.via_suggestion))

    @classmethod
    def decode(cls, fields: list[str]) -> Vote | None:
        if len(fields) == 4 and fields[0] in ("+", "-") and fields[3] in ("0", "1"):
            return cls(1 if fields[0] == "+" else -1, fields[1], _number(fields[2]),
                       fields[3] == "1")
        return None


@dataclass(frozen=True)
class ShowEntry:
    """Show an entry's answer: a "Meinten Sie …?" pick, a next-best offer or an example.

    `replace`: the answer replaces the message with the button (a list of suggestions) instead
    of arriving as a new message (under the welcome text, which should stay).
    """

    entry_key: str
    question_id: int = 0
    replace: bool = True

    PREFIX: ClassVar[str] = "e1"

    def encode(self) -> str:
        return _join(self.PREFIX, self.entry_key, self.question_id, "r" if self.replace else "n")

    @classmethod
    def decode(cls, fields: list[str]) -> ShowEntry | None:
        if len(fields) == 3 and fields[2] in ("r", "n"):
            return cls(fields[0], _number(fields[1]), fields[2] == "r")
        return None


@dataclass(frozen=True)
class PickRegion:
    region_key: str | None  # None: forget the region

    PREFIX: ClassVar[str] = "r1"

    def encode(self) -> str:
        return _join(self.PREFIX, self.region_key or NO_REGION)

    @classmethod
    def decode(cls, fields: list[str]) -> PickRegion | None:
        if len(fields) == 1 and fields[0]:
            return cls(_region(fields[0]))
        return None


@dataclass(frozen=True)
class ConfirmDeletion:
    confirmed: bool

    PREFIX: ClassVar[str] = "d1"

    def encode(self) -> str:
        return _join(self.PREFIX, "y" if self.confirmed else "n")

    @classmethod
    def decode(cls, fields: list[str]) -> ConfirmDeletion | None:
        return cls(fields[0] == "y") if fields in (["y"], ["n"]) else None


# --- events ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class AddToCalendar:
    """The .ics file of an event (under every event card and announcement)."""

    event_id: int

    PREFIX: ClassVar[str] = "ev1:ics"

    def encode(self) -> str:
        return _join(self.PREFIX, self.event_id)

    @classmethod
    def decode(cls, fields: list[str]) -> AddToCalendar | None:
        return cls(_number(fields[0])) if len(fields) == 1 else None


@dataclass(frozen=True)
class MoreEvents:
    """The next page of /termine; `all_regions` for "/termine alle"."""

    offset: int
    all_regions: bool

    PREFIX: ClassVar[str] = "ev1:more"

    def encode(self) -> str:
        return _join(self.PREFIX, self.offset, "a" if self.all_regions else "r")

    @classmethod
    def decode(cls, fields: list[str]) -> MoreEvents | None:
        if len(fields) == 2 and fields[1] in ("a", "r"):
            return cls(_number(fields[0]), fields[1] == "a")
        return None


@dataclass(frozen=True)
class EditEvent:
    """Admins: show the fields of an event to pick one for editing."""

    event_id: int

    PREFIX: ClassVar[str] = "ev1:edit"

    def encode(self) -> str:
        return _join(self.PREFIX, self.event_id)

    @classmethod
    def decode(cls, fields: list[str]) -> EditEvent | None:
        return cls(_number(fields[0])) if len(fields) == 1 else None


@dataclass(frozen=True)
class EditField:
    """Admins: edit one field of an event (starts the edit step of the admin conversation)."""

    event_id: int
    field: str

    PREFIX: ClassVar[str] = "ev1:ef"

    def encode(self) -> str:
        return _join(self.PREFIX, self.event_id, self.field)

    @classmethod
    def decode(cls, fields: list[str]) -> EditField | None:
        if len(fields) == 2 and fields[1] and fields[1].replace("_", "").isalpha():
            return cls(_number(fields[0]), fields[1])
        return None


@dataclass(frozen=True)
class CancelEvent:
    """Admins: ask whether to cancel an event."""

    event_id: int

    PREFIX: ClassVar[str] = "ev1:cancel"

    def encode(self) -> str:
        return _join(self.PREFIX, self.event_id)

    @classmethod
    def decode(cls, fields: list[str]) -> CancelEvent | None:
        return cls(_number(fields[0])) if len(fields) == 1 else None


@dataclass(frozen=True)
class ConfirmCancel:
    """Admins: the answer to "really cancel?"."""

    event_id: int
    confirmed: bool

    PREFIX: ClassVar[str] = "ev1:cx"

    def encode(self) -> str:
        return _join(self.PREFIX, self.event_id, "y" if self.confirmed else "n")

    @classmethod
    def decode(cls, fields: list[str]) -> ConfirmCancel | None:
        if len(fields) == 2 and fields[1] in ("y", "n"):
            return cls(_number(fields[0]), fields[1] == "y")
        return None


# --- announcements (admins) ------------------------------------------------------------------

@dataclass(frozen=True)
class AnnounceEvent:
    """Preview an announcement of an event."""

    event_id: int

    PREFIX: ClassVar[str] = "an1:ev"

    def encode(self) -> str:
        return _join(self.PREFIX, self.event_id)

    @classmethod
    def decode(cls, fields: list[str]) -> AnnounceEvent | None:
        return cls(_number(fields[0])) if len(fields) == 1 else None


@dataclass(frozen=True)
class SendAnnouncement:
    """Send a previewed draft broadcast (works once)."""

    broadcast_id: int

    PREFIX: ClassVar[str] = "an1:send"

    def encode(self) -> str:
        return _join(self.PREFIX, self.broadcast_id)

    @classmethod
    def decode(cls, fields: list[str]) -> SendAnnouncement | None:
        return cls(_number(fields[0])) if len(fields) == 1 else None


@dataclass(frozen=True)
class DropAnnouncement:
    broadcast_id: int

    PREFIX: ClassVar[str] = "an1:drop"

    def encode(self) -> str:
        return _join(self.PREFIX, self.broadcast_id)

    @classmethod
    def decode(cls, fields: list[str]) -> DropAnnouncement | None:
        return cls(_number(fields[0])) if len(fields) == 1 else None


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
            return _join(self.PREFIX, self.step, self.value or NO_REGION)
        return _join(self.PREFIX, self.step)

    @classmethod
    def decode(cls, fields: list[str]) -> Subscription | None:
        if len(fields) == 2 and fields[0] in ("scope", "kind") and fields[1]:
            return cls(fields[0], _region(fields[1]))
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
            return _join(self.PREFIX, self.choice, self.value or NO_REGION)
        return _join(self.PREFIX, self.choice)

    @classmethod
    def decode(cls, fields: list[str]) -> FormAnswer | None:
        if len(fields) == 2 and fields[0] in ("kind", "region") and fields[1]:
            return cls(fields[0], _region(fields[1]))
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


# --- learning from the chat (admins) ----------------------------------------------------------

LEARN_STEPS = ("entry", "search", "scope", "topic", "new_topic", "ignore", "page")


@dataclass(frozen=True)
class Learn:
    """A tap under a digest group: `group_key` names the group (a short key of its wording).

    `entry` (value: entry key) adds the wording to that entry; `search` asks for a search term;
    `scope` lists out-of-scope topics; `topic` (value: topic key) declines it from now on;
    `new_topic` asks for a topic name; `ignore`; `page` (value: position) shows that group."""

    step: str
    group_key: str = "-"
    value: str = "-"

    PREFIX: ClassVar[str] = "ln1"

    def encode(self) -> str:
        return _join(self.PREFIX, self.step, self.group_key, self.value)

    @classmethod
    def decode(cls, fields: list[str]) -> Learn | None:
        if len(fields) == 3 and fields[0] in LEARN_STEPS and all(fields[1:]):
            return cls(fields[0], fields[1], fields[2])
        return None


@dataclass(frozen=True)
class UndoDecision:
    """Undo one stored decision (the button on its confirmation)."""

    decision_id: int

    PREFIX: ClassVar[str] = "ln1:undo"

    def encode(self) -> str:
        return _join(self.PREFIX, self.decision_id)

    @classmethod
    def decode(cls, fields: list[str]) -> UndoDecision | None:
        return cls(_number(fields[0])) if len(fields) == 1 else None


Action = (Vote | ShowEntry | PickRegion | ConfirmDeletion | AddToCalendar | MoreEvents
          | EditEvent | EditField | CancelEvent | ConfirmCancel | AnnounceEvent
          | SendAnnouncement | DropAnnouncement | Subscription | FormAnswer | SaveForm | AbortForm
          | Learn | UndoDecision)
ActionType = type[Action]

# Longest prefix first, so "nw1:save" is not read as a FormAnswer of "nw1".
_KINDS: tuple[ActionType, ...] = tuple(sorted(get_args(Action), key=lambda kind: -len(kind.PREFIX)))


def parse(data: object) -> Action | None:
    """The action a button stands for, or None for unknown or outdated data."""
    if not isinstance(data, str) or not data:
        return None
    for kind in _KINDS:
        if data == kind.PREFIX or data.startswith(kind.PREFIX + ":"):
            rest = data[len(kind.PREFIX) + 1:]
            try:
                action = kind.decode(rest.split(":") if rest else [])
            except ValueError:
                return None
            if action is not None:
                return action
    return None


def pattern(kind: ActionType,
            accept: Callable[[Action], bool] | None = None) -> Callable[[object], bool]:
    """The `pattern` of a CallbackQueryHandler for one kind of action (optionally narrowed)."""

    def matches(data: object) -> bool:
        action = parse(data)
        return isinstance(action, kind) and (accept is None or accept(action))

    return matches


def _join(*parts: object) -> str:
    data = ":".join(str(part) for part in parts)
    if len(data.encode("utf-8")) > CALLBACK_DATA_LIMIT:
        raise ValueError(f"callback data over {CALLBACK_DATA_LIMIT} bytes: {data!r}")
    return data


def _number(text: str) -> int:
    """A non-negative number; ValueError (→ unknown data) for anything else."""
    if not text.isdigit():
        raise ValueError(text)
    return int(text)


def _region(text: str) -> str | None:
    return None if text == NO_REGION else text
