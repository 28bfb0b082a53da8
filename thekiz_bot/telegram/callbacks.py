"""Callback data of the bot's inline buttons: short, versioned, and resolved when pressed.

Telegram allows 1–64 bytes of callback data per button and keeps old buttons in the chat for
ever, so buttons carry only short keys of FAQ entries and regions (a hash of their stable id).
The key is looked up in the knowledge base in service when the button is pressed: after a
reload, a button still works as long as its entry exists, and gets a polite message otherwise.
The prefix carries a version, so a later format never misreads an old button.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

CALLBACK_DATA_LIMIT = 64
KEY_LENGTH = 10  # 60 bits: no collisions in practice even for 100,000 entries


def short_key(stable_id: str) -> str:
    digest = hashlib.sha256(stable_id.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:KEY_LENGTH]


@dataclass(frozen=True)
class Vote:
    """👍 (+1) or 👎 (-1) on an answer; question_id 0 when the answer came without a question."""

    rating: int
    entry_key: str
    question_id: int = 0
    via_suggestion: bool = False

    PREFIX = "v1"

    def encode(self) -> str:
        sign = "+" if self.rating > 0 else "-"
        return _checked(f"{self.PREFIX}:{sign}:{self.entry_key}:{self.question_id}:"
                        f"{int(self.via_suggestion)}")


@dataclass(frozen=True)
class ShowEntry:
    """Show an entry's answer: a "Meinten Sie …?" pick, a next-best offer or an example.

    `replace`: the answer replaces the message with the button (a list of suggestions) instead
    of arriving as a new message (under the welcome text, which should stay).
    """

    entry_key: str
    question_id: int = 0
    replace: bool = True

    PREFIX = "e1"

    def encode(self) -> str:
        mode = "r" if self.replace else "n"
        return _checked(f"{self.PREFIX}:{self.entry_key}:{self.question_id}:{mode}")


@dataclass(frozen=True)
class PickRegion:
    region_key: str | None  # None: forget the region

    PREFIX = "r1"

    def encode(self) -> str:
        return _checked(f"{self.PREFIX}:{self.region_key or '-'}")


@dataclass(frozen=True)
class ConfirmDeletion:
    confirmed: bool

    PREFIX = "d1"

    def encode(self) -> str:
        return _checked(f"{self.PREFIX}:{'y' if self.confirmed else 'n'}")


Action = Vote | ShowEntry | PickRegion | ConfirmDeletion


def pattern(kind: type[Vote] | type[ShowEntry] | type[PickRegion] | type[ConfirmDeletion]) -> str:
    """Regex for CallbackQueryHandler(pattern=…)."""
    return f"^{kind.PREFIX}:"


def parse(data: str | None) -> Action | None:
    """The action a button stands for, or None for unknown or outdated data."""
    if not data:
        return None
    prefix, _, rest = data.partition(":")
    fields = rest.split(":")
    try:
        if prefix == Vote.PREFIX and len(fields) == 4 and fields[0] in "+-" and fields[0]:
            return Vote(1 if fields[0] == "+" else -1, fields[1], int(fields[2]), fields[3] == "1")
        if prefix == ShowEntry.PREFIX and len(fields) == 3 and fields[2] in ("r", "n"):
            return ShowEntry(fields[0], int(fields[1]), fields[2] == "r")
        if prefix == PickRegion.PREFIX and len(fields) == 1 and fields[0]:
            return PickRegion(None if fields[0] == "-" else fields[0])
        if prefix == ConfirmDeletion.PREFIX and fields in (["y"], ["n"]):
            return ConfirmDeletion(fields[0] == "y")
    except ValueError:
        return None
    return None


def _checked(data: str) -> str:
    if len(data.encode("utf-8")) > CALLBACK_DATA_LIMIT:
        raise ValueError(f"callback data over {CALLBACK_DATA_LIMIT} bytes: {data!r}")
    return data
