"""Buttons of /lernen (admins): decisions on asked questions, and undo."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from thekiz_bot.telegram.callbacks.codec import join, number

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
        return join(self.PREFIX, self.step, self.group_key, self.value)

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
        return join(self.PREFIX, self.decision_id)

    @classmethod
    def decode(cls, fields: list[str]) -> UndoDecision | None:
        return cls(number(fields[0])) if len(fields) == 1 else None
