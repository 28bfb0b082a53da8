"""Inline keyboards for events, subscriptions, announcements and the event form.

Every button's callback data comes from the one codec (telegram/callbacks.py); regions are
referred to by the short key of their id, resolved when pressed.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from thekiz_bot.broadcast.telegram_sender import calendar_button
from thekiz_bot.events import dates as german_dates
from thekiz_bot.events.model import EVENT_KINDS, FIELD_LABELS, Event
from thekiz_bot.knowledge.loader import Region
from thekiz_bot.telegram.callbacks import (
    AbortForm,
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
    short_key,
)
from thekiz_bot.telegram.texts import announcements as announcement_texts
from thekiz_bot.telegram.texts import events as event_texts

EDITABLE_FIELDS = ("title", "kind", "start", "end", "place", "online_url", "region",
                   "description", "registration_url", "registration_deadline")
REGION_COLUMNS = 2
LABEL_LIMIT = 60


def _short(text: str, limit: int = LABEL_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def calendar(event_id: int) -> InlineKeyboardMarkup:
    """The "add to my calendar" button (under event cards and announcements of an event)."""
    return calendar_button(event_id)


def _calendar_button(event_id: int) -> InlineKeyboardButton:
    return calendar_button(event_id).inline_keyboard[0][0]


def event_buttons(event: Event, admin: bool) -> InlineKeyboardMarkup:
    assert event.id is not None
    rows = [[_calendar_button(event.id)]]
    if admin:
        rows.append([
            InlineKeyboardButton(event_texts.EDIT_BUTTON,
                                 callback_data=EditEvent(event.id).encode()),
            InlineKeyboardButton(event_texts.CANCEL_EVENT_BUTTON,
                                 callback_data=CancelEvent(event.id).encode()),
            InlineKeyboardButton(event_texts.ANNOUNCE_EVENT_BUTTON,
                                 callback_data=AnnounceEvent(event.id).encode()),
        ])
    return InlineKeyboardMarkup(rows)


def after_save(event_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(event_texts.ANNOUNCE_EVENT_BUTTON,
                             callback_data=AnnounceEvent(event_id).encode()),
        InlineKeyboardButton(event_texts.EDIT_BUTTON, callback_data=EditEvent(event_id).encode()),
    ]])


def more(offset: int, all_regions: bool) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(
        event_texts.MORE_BUTTON, callback_data=MoreEvents(offset, all_regions).encode())]])


def edit_fields(event_id: int) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(FIELD_LABELS[name], callback_data=EditField(event_id, name).encode())
        for name in EDITABLE_FIELDS
    ]
    rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    return InlineKeyboardMarkup(rows)


def cancel_confirm(event_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(event_texts.CANCEL_CONFIRM_YES,
                             callback_data=ConfirmCancel(event_id, True).encode()),
        InlineKeyboardButton(event_texts.CANCEL_CONFIRM_NO,
                             callback_data=ConfirmCancel(event_id, False).encode()),
    ]])


def announce_choices(events: Sequence[Event]) -> InlineKeyboardMarkup:
    rows = []
    for event in events:
        assert event.id is not None
        label = f"{german_dates.format_date(event.start)[4:]} · {event.title}"
        rows.append([InlineKeyboardButton(_short(label),
                                          callback_data=AnnounceEvent(event.id).encode())])
    return InlineKeyboardMarkup(rows) if rows else InlineKeyboardMarkup([])


def announce_confirm(broadcast_id: int, count: int) -> InlineKeyboardMarkup:
    rows = []
    if count:
        rows.append([InlineKeyboardButton(announcement_texts.ANNOUNCE_SEND.format(count=count),
                                          callback_data=SendAnnouncement(broadcast_id).encode())])
    rows.append([InlineKeyboardButton(announcement_texts.ANNOUNCE_DROP,
                                      callback_data=DropAnnouncement(broadcast_id).encode())])
    return InlineKeyboardMarkup(rows)


# --- subscriptions ---------------------------------------------------------------------------

def abo_scope(own_region: Region | None) -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton(event_texts.ABO_ALL_BUTTON,
                                  callback_data=Subscription("scope").encode())]]
    if own_region is not None:
        rows.append([InlineKeyboardButton(
            event_texts.own_region_button(own_region.name),
            callback_data=Subscription("scope", short_key(own_region.id)).encode())])
    rows.append([InlineKeyboardButton(event_texts.ABO_OTHER_REGION_BUTTON,
                                      callback_data=Subscription("regions").encode())])
    return InlineKeyboardMarkup(rows)


def abo_regions(regions: Sequence[Region]) -> InlineKeyboardMarkup:
    ordered = sorted(regions, key=lambda r: (r.kind != "Landkreis", r.name))
    buttons = [
        InlineKeyboardButton(region.name + (" (Stadt)" if region.kind != "Landkreis" else ""),
                             callback_data=Subscription("scope", short_key(region.id)).encode())
        for region in ordered
    ]
    rows = [buttons[i:i + REGION_COLUMNS] for i in range(0, len(buttons), REGION_COLUMNS)]
    rows.append([InlineKeyboardButton(event_texts.ABO_ALL_BUTTON,
                                      callback_data=Subscription("scope").encode())])
    return InlineKeyboardMarkup(rows)


def abo_kinds(chosen: frozenset[str]) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(("✓ " if kind in chosen else "") + label,
                             callback_data=Subscription("kind", kind).encode())
        for kind, label in EVENT_KINDS.items()
    ]
    rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    rows.append([
        InlineKeyboardButton(("✓ " if not chosen else "") + event_texts.ABO_KINDS_ALL,
                             callback_data=Subscription("kind").encode()),
        InlineKeyboardButton(event_texts.ABO_DONE_BUTTON,
                             callback_data=Subscription("done").encode()),
    ])
    return InlineKeyboardMarkup(rows)


# --- the guided event form -------------------------------------------------------------------

def form_kinds() -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(label, callback_data=FormAnswer("kind", kind).encode())
               for kind, label in EVENT_KINDS.items()]
    return InlineKeyboardMarkup([buttons[i:i + 2] for i in range(0, len(buttons), 2)])


def form_skip(label: str = event_texts.SKIP_BUTTON) -> InlineKeyboardMarkup:
    button = InlineKeyboardButton(label, callback_data=FormAnswer("skip").encode())
    return InlineKeyboardMarkup([[button]])


def form_place() -> InlineKeyboardMarkup:
    button = InlineKeyboardButton(event_texts.ONLINE_BUTTON,
                                  callback_data=FormAnswer("online").encode())
    return InlineKeyboardMarkup([[button]])


def form_regions(regions: Sequence[Region]) -> InlineKeyboardMarkup:
    ordered = sorted(regions, key=lambda r: (r.kind != "Landkreis", r.name))
    buttons = [
        InlineKeyboardButton(region.name + (" (Stadt)" if region.kind != "Landkreis" else ""),
                             callback_data=FormAnswer("region", short_key(region.id)).encode())
        for region in ordered
    ]
    rows = [[InlineKeyboardButton(event_texts.THURINGIA_BUTTON,
                                  callback_data=FormAnswer("region").encode())]]
    rows += [buttons[i:i + REGION_COLUMNS] for i in range(0, len(buttons), REGION_COLUMNS)]
    return InlineKeyboardMarkup(rows)


def form_confirm() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(event_texts.SAVE_BUTTON, callback_data=SaveForm().encode()),
        InlineKeyboardButton(event_texts.ABORT_BUTTON, callback_data=AbortForm().encode()),
    ]])
