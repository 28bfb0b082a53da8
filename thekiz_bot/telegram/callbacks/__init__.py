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

from collections.abc import Callable
from typing import get_args

from thekiz_bot.telegram.callbacks.answers import ConfirmDeletion, PickRegion, ShowEntry, Vote
from thekiz_bot.telegram.callbacks.codec import CALLBACK_DATA_LIMIT, KEY_LENGTH, NO_REGION, short_key
from thekiz_bot.telegram.callbacks.events import (
    FORM_CHOICES,
    SUBSCRIPTION_STEPS,
    AbortForm,
    AddToCalendar,
    AnnounceEvent,
    CancelEvent,
    ConfirmCancel,
    DropAnnouncement,
    EditEvent,
    EditField,
    FormAnswer,
    MoreEvents,
    SaveForm,
    SendAnnouncement,
    Subscription,
)
from thekiz_bot.telegram.callbacks.learning import LEARN_STEPS, Learn, UndoDecision

__all__ = [
    "CALLBACK_DATA_LIMIT", "KEY_LENGTH", "NO_REGION", "Action", "ActionType", "parse",
    "pattern", "short_key", "Vote", "ShowEntry", "PickRegion", "ConfirmDeletion",
    "SUBSCRIPTION_STEPS", "FORM_CHOICES", "AddToCalendar", "MoreEvents", "EditEvent",
    "EditField", "CancelEvent", "ConfirmCancel", "AnnounceEvent", "SendAnnouncement",
    "DropAnnouncement", "Subscription", "FormAnswer", "SaveForm", "AbortForm", "LEARN_STEPS",
    "Learn", "UndoDecision",
]

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
