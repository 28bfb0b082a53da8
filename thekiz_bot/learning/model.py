"""What the Fachstelle decided about a question group, and the outcome of deciding."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Action(StrEnum):
    PHRASING = "phrasing"  # the wording becomes a phrasing (alternate) of an entry
    OUT_OF_SCOPE = "out_of_scope"  # the wording becomes an example of an out-of-scope topic
    IGNORE = "ignore"  # not shown in the digest again; changes nothing in the bot


@dataclass(frozen=True)
class Decision:
    id: int
    action: Action
    wording: str
    entry_id: str | None  # for PHRASING
    topic_id: str | None  # for OUT_OF_SCOPE
    new_topic: bool  # OUT_OF_SCOPE into a topic the Fachstelle created with this decision
    admin_id: int
    decided_at: str
    exported_at: str | None = None  # written into the YAML files: from then on they own it
    undone_at: str | None = None
    undone_by: int | None = None

    @property
    def active(self) -> bool:
        return self.undone_at is None

    @property
    def target(self) -> str | None:
        return self.entry_id if self.action is Action.PHRASING else self.topic_id

    @property
    def teaches(self) -> bool:
        """Whether the decision changes what the bot answers (ignoring does not)."""
        return self.action is not Action.IGNORE


@dataclass(frozen=True)
class Proposal:
    """A decision not taken yet: what the admin tapped."""

    action: Action
    wording: str
    entry_id: str | None = None
    topic_id: str | None = None
    new_topic: bool = False


class Refusal(StrEnum):
    """Why a proposal was not stored (each has one German sentence in the message catalogue)."""

    COLLISION = "collision"  # it would make the bot answer another entry's phrasing wrongly
    PERSONAL = "personal"  # e-mail, phone number or link in the wording
    TOO_LONG = "too_long"
    UNKNOWN_ENTRY = "unknown_entry"
    UNKNOWN_TOPIC = "unknown_topic"
    TOPIC_EXISTS = "topic_exists"
    BAD_TOPIC_ID = "bad_topic_id"
    ALREADY_KNOWN = "already_known"  # the entry or topic has this wording already
    CONFLICT = "conflict"  # another active decision or the YAML files say otherwise
    EMPTY = "empty"


@dataclass(frozen=True)
class Outcome:
    """The result of a proposal: stored (decision) or refused (refusal with details)."""

    decision: Decision | None = None
    refusal: Refusal | None = None
    detail: str = ""  # e.g. the colliding entry and wording, already German

    @property
    def accepted(self) -> bool:
        return self.decision is not None
