"""Inline keyboards for events, subscriptions and announcements, and their callback data.

Callback data is short and versioned like the core buttons (tg/callbacks.py): "ev1:…" for
events, "ab1:…" for subscriptions, "an1:…" for announcements, "nw1:…" inside the guided event
form. Regions are referred to by the short key of their id, resolved when pressed.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from thekiz_bot.broadcast.telegram_sender import calendar_button
from thekiz_bot.events import dates as german_dates
from thekiz_bot.events.model import EVENT_KINDS, FIELD_LABELS, Event
from thekiz_bot.knowledge.loader import Region
from thekiz_bot.telegram.callbacks import short_key
from thekiz_bot.telegram.events import texts as event_texts

# Patterns for CallbackQueryHandler.
CALENDAR = r"^ev1:ics:(\d+)$"
MORE = r"^ev1:more:(\d+):([ar])$"
EDIT = r"^ev1:edit:(\d+)$"
EDIT_FIELD = r"^ev1:ef:(\d+):([a-z_]+)$"
CANCEL = r"^ev1:cancel:(\d+)$"
CANCEL_ANSWER = r"^ev1:cx:(\d+):([yn])$"
ANNOUNCE_EVENT = r"^an1:ev:(\d+)$"
ANNOUNCE_SEND = r"^an1:send:(\d+)$"
ANNOUNCE_DROP = r"^an1:drop:(\d+)$"
ABO = r"^ab1:"
FORM = r"^nw1:"

EDITABLE_FIELDS = ("title", "kind", "start", "end", "place", "online_url", "region",
                   "description", "registration_url", "registration_deadline")
REGION_COLUMNS = 2
LABEL_LIMIT = 60


def _short(text: str, limit: int = LABEL_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def event_buttons(event: Event, admin: bool) -> InlineKeyboardMarkup:
    assert event.id is not None
    rows = [list(calendar_button(event.id).inline_keyboard[0])]
    if admin:
        rows.append([
            InlineKeyboardButton(event_texts.EDIT_BUTTON, callback_data=f"ev1:edit:{event.id}"),
            InlineKeyboardButton(event_texts.CANCEL_EVENT_BUTTON,
                                 callback_data=f"ev1:cancel:{event.id}"),
            InlineKeyboardButton(event_texts.ANNOUNCE_EVENT_BUTTON,
                                 callback_data=f"an1:ev:{event.id}"),
        ])
    return InlineKeyboardMarkup(rows)


def after_save(event_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(event_texts.ANNOUNCE_EVENT_BUTTON, callback_data=f"an1:ev:{event_id}"),
        InlineKeyboardButton(event_texts.EDIT_BUTTON, callback_data=f"ev1:edit:{event_id}"),
    ]])


def more(offset: int, all_regions: bool) -> InlineKeyboardMarkup:
    scope = "a" if all_regions else "r"
    return InlineKeyboardMarkup([[InlineKeyboardButton(
        event_texts.MORE_BUTTON, callback_data=f"ev1:more:{offset}:{scope}")]])


def edit_fields(event_id: int) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(FIELD_LABELS[name],
                             callback_data=f"ev1:ef:{event_id}:{name}")
        for name in EDITABLE_FIELDS
    ]
    rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    return InlineKeyboardMarkup(rows)


def cancel_confirm(event_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(event_texts.CANCEL_CONFIRM_YES, callback_data=f"ev1:cx:{event_id}:y"),
        InlineKeyboardButton(event_texts.CANCEL_CONFIRM_NO, callback_data=f"ev1:cx:{event_id}:n"),
    ]])


def announce_choices(events: Sequence[Event]) -> InlineKeyboardMarkup:
    rows = []
    for event in events:
        assert event.id is not None
        label = f"{german_dates.format_date(event.start)[4:]} · {event.title}"
        rows.append([InlineKeyboardButton(_short(label), callback_data=f"an1:ev:{event.id}")])
    return InlineKeyboardMarkup(rows) if rows else InlineKeyboardMarkup([])


def announce_confirm(broadcast_id: int, count: int) -> InlineKeyboardMarkup:
    rows = []
    if count:
        rows.append([InlineKeyboardButton(event_texts.ANNOUNCE_SEND.format(count=count),
                                          callback_data=f"an1:send:{broadcast_id}")])
    rows.append([InlineKeyboardButton(event_texts.ANNOUNCE_DROP,
                                      callback_data=f"an1:drop:{broadcast_id}")])
    return InlineKeyboardMarkup(rows)


# --- subscriptions ---------------------------------------------------------------------------

def abo_scope(own_region: Region | None) -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton(event_texts.ABO_ALL_BUTTON, callback_data="ab1:scope:-")]]
    if own_region is not None:
        rows.append([InlineKeyboardButton(
            f"Meine Region: {own_region.name}",
            callback_data=f"ab1:scope:{short_key(own_region.id)}")])
    rows.append([InlineKeyboardButton(event_texts.ABO_OTHER_REGION_BUTTON,
                                      callback_data="ab1:regions")])
    return InlineKeyboardMarkup(rows)


def abo_regions(regions: Sequence[Region]) -> InlineKeyboardMarkup:
    ordered = sorted(regions, key=lambda r: (r.kind != "Landkreis", r.name))
    buttons = [
        InlineKeyboardButton(region.name + (" (Stadt)" if region.kind != "Landkreis" else ""),
                             callback_data=f"ab1:scope:{short_key(region.id)}")
        for region in ordered
    ]
    rows = [buttons[i:i + REGION_COLUMNS] for i in range(0, len(buttons), REGION_COLUMNS)]
    rows.append([InlineKeyboardButton(event_texts.ABO_ALL_BUTTON, callback_data="ab1:scope:-")])
    return InlineKeyboardMarkup(rows)


def abo_kinds(chosen: frozenset[str]) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(("✓ " if kind in chosen else "") + label,
                             callback_data=f"ab1:kind:{kind}")
        for kind, label in EVENT_KINDS.items()
    ]
    rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    rows.append([
        InlineKeyboardButton(("✓ " if not chosen else "") + event_texts.ABO_KINDS_ALL,
                             callback_data="ab1:kind:-"),
        InlineKeyboardButton(event_texts.ABO_DONE_BUTTON, callback_data="ab1:done"),
    ])
    return InlineKeyboardMarkup(rows)


# --- the guided event form -------------------------------------------------------------------

def form_kinds() -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(label, callback_data=f"nw1:kind:{kind}")
               for kind, label in EVENT_KINDS.items()]
    return InlineKeyboardMarkup([buttons[i:i + 2] for i in range(0, len(buttons), 2)])


def form_skip(label: str = event_texts.SKIP_BUTTON) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data="nw1:skip")]])


def form_place() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(event_texts.ONLINE_BUTTON,
                                                       callback_data="nw1:online")]])


def form_regions(regions: Sequence[Region]) -> InlineKeyboardMarkup:
    ordered = sorted(regions, key=lambda r: (r.kind != "Landkreis", r.name))
    buttons = [
        InlineKeyboardButton(region.name + (" (Stadt)" if region.kind != "Landkreis" else ""),
                             callback_data=f"nw1:region:{short_key(region.id)}")
        for region in ordered
    ]
    rows = [[InlineKeyboardButton(event_texts.THURINGIA_BUTTON, callback_data="nw1:region:-")]]
    rows += [buttons[i:i + REGION_COLUMNS] for i in range(0, len(buttons), REGION_COLUMNS)]
    return InlineKeyboardMarkup(rows)


def form_confirm() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(event_texts.SAVE_BUTTON, callback_data="nw1:save"),
        InlineKeyboardButton(event_texts.ABORT_BUTTON, callback_data="nw1:abort"),
    ]])
