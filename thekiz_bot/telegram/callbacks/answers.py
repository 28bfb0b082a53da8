"""Buttons under answers and about the user's own data (votes, suggestions, region, deletion)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from thekiz_bot.telegram.callbacks.codec import NO_REGION, join, number, region

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
        return join(self.PREFIX, sign, self.entry_key, self.question_id,
                     int(self.via_suggestion))

    @classmethod
    def decode(cls, fields: list[str]) -> Vote | None:
        if len(fields) == 4 and fields[0] in ("+", "-") and fields[3] in ("0", "1"):
            return cls(1 if fields[0] == "+" else -1, fields[1], number(fields[2]),
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
        return join(self.PREFIX, self.entry_key, self.question_id, "r" if self.replace else "n")

    @classmethod
    def decode(cls, fields: list[str]) -> ShowEntry | None:
        if len(fields) == 3 and fields[2] in ("r", "n"):
            return cls(fields[0], number(fields[1]), fields[2] == "r")
        return None


@dataclass(frozen=True)
class PickRegion:
    region_key: str | None  # None: forget the region

    PREFIX: ClassVar[str] = "r1"

    def encode(self) -> str:
        return join(self.PREFIX, self.region_key or NO_REGION)

    @classmethod
    def decode(cls, fields: list[str]) -> PickRegion | None:
        if len(fields) == 1 and fields[0]:
            return cls(region(fields[0]))
        return None


@dataclass(frozen=True)
class ConfirmDeletion:
    confirmed: bool

    PREFIX: ClassVar[str] = "d1"

    def encode(self) -> str:
        return join(self.PREFIX, "y" if self.confirmed else "n")

    @classmethod
    def decode(cls, fields: list[str]) -> ConfirmDeletion | None:
        return cls(fields[0] == "y") if fields in (["y"], ["n"]) else None
