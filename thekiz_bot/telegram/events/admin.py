"""Admins create events (guided form with buttons, or the one-line form) and edit them.

The draft lives in `context.user_data` only while the admin fills it in; nothing is stored
before "Speichern". Every answer is checked at once, so a typo is fixed in the step it was made.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes, ConversationHandler

from thekiz_bot.events import dates as german_dates
from thekiz_bot.events.fields import FieldContext, FieldError, parse_field
from thekiz_bot.events.fields import key as field_key
from thekiz_bot.events.model import (
    EVENT_KINDS,
    FIELD_LABELS,
    Event,
    EventInputError,
    validate,
)
from thekiz_bot.events.render import event_card_html
from thekiz_bot.events.shortcut import parse_shortcut
from thekiz_bot.knowledge.regions import RegionFinder
from thekiz_bot.telegram.events import keyboards as event_keyboards
from thekiz_bot.telegram.events import texts as event_texts
from thekiz_bot.telegram.events.feature import EventFeature, get_feature
from thekiz_bot.telegram.events.listing import (
    admin_callback,
    event_id_argument,
    query_chat_id,
    refuse_message,
)

FORM, CONFIRM, EDIT_VALUE = 1, 2, 3
END = ConversationHandler.END
DRAFT_KEY = "event_form"
EDIT_KEY = "event_edit"
FORM_STEPS = ("title", "kind", "start", "end", "place", "online_url", "region", "description",
              "registration_url", "registration_deadline")
# Which validation problems belong to the step the admin just answered.
_STEP_PROBLEMS = {"place": ("place", "online_url"), "start": ("start", "end")}
_EDIT_KEYS = {field_key(label): name for name, label in FIELD_LABELS.items()}
_EDIT_KEYS.update({"art": "kind", "anmeldung": "registration_url", "link": "online_url",
                   "frist": "registration_deadline", "datum": "start", "ende": "end",
                   "titel": "title", "ort": "place", "beschreibung": "description"})


class StepError(ValueError):
    """The answer to one step is unusable; the message (German) says why."""


def parse_step(field: str, text: str, values: dict[str, Any], regions: RegionFinder,
               tz: ZoneInfo) -> dict[str, Any]:
    """The draft values an answer sets; raises StepError with a German message."""
    try:
        return parse_field(field, text, FieldContext(regions, tz, values.get("start")))
    except FieldError as exc:
        raise StepError(exc.message) from exc


def draft_event(values: dict[str, Any], now: datetime) -> Event:
    return Event(
        title=values.get("title", ""),
        kind=values.get("kind", "sonstiges"),
        start=values.get("start") or now,
        end=values.get("end"),
        place=values.get("place", ""),
        online_url=values.get("online_url"),
        region_id=values.get("region_id"),
        description=values.get("description", ""),
        registration_url=values.get("registration_url"),
        registration_deadline=values.get("registration_deadline"),
    )


def _step_problems(event: Event, field: str, regions: RegionFinder) -> list[str]:
    fields = _STEP_PROBLEMS.get(field, (field,))
    return [p.message for p in validate(event, regions) if p.field in fields]


def _next_step(values: dict[str, Any], after: str) -> str | None:
    index = FORM_STEPS.index(after) + 1
    for field in FORM_STEPS[index:]:
        if field == "online_url" and (values.get("place") != "online" or values.get("online_url")):
            continue
        return field
    return None


def _prompt(field: str, feature: EventFeature) -> tuple[str, InlineKeyboardMarkup | None]:
    kb = feature.services.knowledge.current.kb
    return {
        "title": (event_texts.NEW_ASK_TITLE, None),
        "kind": (event_texts.NEW_ASK_KIND, event_keyboards.form_kinds()),
        "start": (event_texts.NEW_ASK_START, None),
        "end": (event_texts.NEW_ASK_END, event_keyboards.form_skip(event_texts.NO_END_BUTTON)),
        "place": (event_texts.NEW_ASK_PLACE, event_keyboards.form_place()),
        "online_url": (event_texts.NEW_ASK_ONLINE_URL, event_keyboards.form_skip()),
        "region": (event_texts.NEW_ASK_REGION, event_keyboards.form_regions(kb.regions)),
        "description": (event_texts.NEW_ASK_DESCRIPTION, event_keyboards.form_skip()),
        "registration_url": (event_texts.NEW_ASK_REG_URL, event_keyboards.form_skip()),
        "registration_deadline": (event_texts.NEW_ASK_DEADLINE, event_keyboards.form_skip()),
    }[field]


async def _ask(context: ContextTypes.DEFAULT_TYPE, chat_id: int, field: str) -> None:
    text, markup = _prompt(field, get_feature(context))
    await context.bot.send_message(chat_id, text, reply_markup=markup)


async def _show_confirm(context: ContextTypes.DEFAULT_TYPE, chat_id: int,
                        values: dict[str, Any]) -> int:
    feature = get_feature(context)
    event = draft_event(values, feature.clock())
    card = event_card_html(event, feature.regions(), feature.tz)
    await context.bot.send_message(chat_id, f"{event_texts.NEW_CONFIRM}\n\n{card}",
                                   reply_markup=event_keyboards.form_confirm())
    return CONFIRM


async def _private_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    message = update.effective_message
    if message is None or await refuse_message(update, context):
        return False
    if message.chat.type != ChatType.PRIVATE:
        await message.reply_text(event_texts.PRIVATE_ONLY)
        return False
    return True


# --- creating --------------------------------------------------------------------------------

async def on_new(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    if not await _private_admin(update, context):
        return END
    message = update.effective_message
    assert message is not None and context.user_data is not None
    feature = get_feature(context)
    context.user_data.pop(EDIT_KEY, None)
    shortcut = re.sub(r"^/\S+\s*", "", message.text or "", count=1).strip()
    if shortcut:
        try:
            event = parse_shortcut(shortcut, feature.regions(), feature.tz)
        except EventInputError as exc:
            await message.reply_text(event_texts.input_problems(exc))
            return END
        values = {name: getattr(event, name) for name in (
            "title", "kind", "start", "end", "place", "online_url", "region_id", "description",
            "registration_url", "registration_deadline")}
        context.user_data[DRAFT_KEY] = {"values": values, "step": None}
        return await _show_confirm(context, message.chat.id, values)
    context.user_data[DRAFT_KEY] = {"values": {}, "step": "title"}
    await _ask(context, message.chat.id, "title")
    return FORM


async def _advance(context: ContextTypes.DEFAULT_TYPE, chat_id: int, updates: dict[str, Any],
                   reply: Any) -> int:
    """Store an answer after checking it; ask the next question or show the confirmation."""
    assert context.user_data is not None
    feature = get_feature(context)
    draft = context.user_data.get(DRAFT_KEY)
    if not draft or draft.get("step") is None:
        return END
    step = draft["step"]
    candidate = {**draft["values"], **updates}
    problems = _step_problems(draft_event(candidate, feature.clock()), step, feature.regions())
    if problems:
        await reply(f"{problems[0]} {event_texts.ASK_AGAIN}")
        return FORM
    draft["values"] = candidate
    following = _next_step(candidate, step)
    draft["step"] = following
    if following is None:
        return await _show_confirm(context, chat_id, candidate)
    await _ask(context, chat_id, following)
    return FORM


async def on_form_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    message = update.effective_message
    if message is None or context.user_data is None:
        return END
    draft = context.user_data.get(DRAFT_KEY)
    if not draft or draft.get("step") is None:
        return END
    feature = get_feature(context)
    try:
        updates = parse_step(draft["step"], message.text or "", draft["values"], feature.regions(),
                             feature.tz)
    except StepError as exc:
        await message.reply_text(f"{exc} {event_texts.ASK_AGAIN}")
        return FORM
    return await _advance(context, message.chat.id, updates, message.reply_text)


def _button_updates(data: str, step: str, feature: EventFeature) -> dict[str, Any] | None:
    """What a form button means in the current step; None if it does not belong there."""
    parts = data.split(":")
    if parts[1] == "kind" and step == "kind" and len(parts) == 3 and parts[2] in EVENT_KINDS:
        return {"kind": parts[2]}
    if parts[1] == "region" and step == "region" and len(parts) == 3:
        if parts[2] == "-":
            return {"region_id": None}
        region = feature.services.knowledge.current.region(parts[2])
        return {"region_id": region.id} if region else None
    if parts[1] == "online" and step == "place":
        return {"place": "online", "online_url": None}
    if parts[1] == "skip" and step in ("end", "online_url", "description", "registration_url",
                                      "registration_deadline"):
        return {}
    return None


async def on_form_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    query = update.callback_query
    if query is None or context.user_data is None:
        return END
    draft = context.user_data.get(DRAFT_KEY)
    step = draft.get("step") if draft else None
    feature = get_feature(context)
    updates = _button_updates(query.data or "", step or "", feature) if step else None
    if updates is None:
        await query.answer(event_texts.STALE_BUTTON)
        return FORM if step else END
    await query.answer()
    chat_id = query_chat_id(query)
    return await _advance(context, chat_id, updates,
                          lambda text: context.bot.send_message(chat_id, text))


async def on_form_save(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    if context.user_data is None:
        return END
    pressed = await admin_callback(update, context)
    if pressed is None:
        return END
    query, feature, _ = pressed
    draft = context.user_data.pop(DRAFT_KEY, None)
    if not draft:
        await query.answer(event_texts.STALE_BUTTON)
        return END
    await query.answer()
    event = draft_event(draft["values"], feature.clock())
    problems = validate(event, feature.regions())
    if problems:
        await query.edit_message_text(event_texts.input_problems(EventInputError(problems)))
        return END
    saved = feature.events.add(event, feature.clock())
    assert saved.id is not None
    await query.edit_message_text(
        f"{event_card_html(saved, feature.regions(), feature.tz, show_id=True)}\n\n"
        f"{event_texts.event_saved(saved.id)}",
        reply_markup=event_keyboards.after_save(saved.id),
    )
    return END


async def on_form_abort(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    if context.user_data is not None:
        context.user_data.pop(DRAFT_KEY, None)
        context.user_data.pop(EDIT_KEY, None)
    query = update.callback_query
    if query is not None:
        await query.answer()
        await query.edit_message_text(event_texts.ABORTED)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(event_texts.ABORTED)
    return END


async def on_confirm_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            "Bitte tippen Sie auf „Speichern“ oder „Abbrechen“ – oder /abbrechen.")
    return CONFIRM


# --- editing ---------------------------------------------------------------------------------

def _current_value(event: Event, field: str, feature: EventFeature) -> str:
    if field == "region":
        return feature.regions().name(event.region_id)
    if field == "kind":
        return event.kind_label
    value = getattr(event, field)
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        return german_dates.input_form(value, feature.tz)
    return str(value)


async def _apply_edit(context: ContextTypes.DEFAULT_TYPE, chat_id: int, admin_id: int,
                      event: Event, updates: dict[str, Any], reply: Any) -> bool:
    """Save an edit and tell those who were told; False (and a message) when invalid."""
    feature = get_feature(context)
    if "start" in updates and event.end is not None and "end" not in updates:
        # Moving the start keeps the duration, so the end does not fall before the start.
        updates["end"] = event.end + (updates["start"] - event.start)
    edited = replace(event, **updates)
    problems = validate(edited, feature.regions())
    if problems:
        await reply(event_texts.input_problems(EventInputError(problems)))
        return False
    change = feature.events.update(edited, feature.clock())
    if change is None:
        await reply(event_texts.EVENT_GONE)
        return True
    if not change.fields:
        await reply(event_texts.EDIT_UNCHANGED)
        return True
    notified = feature.announcements().notify_change(change, created_by=admin_id,
                                                     report_chat_id=chat_id)
    feature.wake_worker()
    await reply(event_texts.edit_saved(event.id or 0, change.fields,
                                       notified[1] if notified else 0))
    return True


async def on_edit_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    if not await _private_admin(update, context):
        return END
    message = update.effective_message
    assert message is not None and update.effective_user is not None
    feature = get_feature(context)
    event_id = event_id_argument(context.args)
    if event_id is None:
        await message.reply_text(event_texts.EDIT_USAGE)
        return END
    event = feature.events.get(event_id)
    if event is None:
        await message.reply_text(event_texts.EVENT_GONE)
        return END
    rest = " ".join((context.args or [])[1:]).strip()
    if not rest:
        await message.reply_text(
            f"{event_card_html(event, feature.regions(), feature.tz, show_id=True)}\n\n"
            f"{event_texts.EDIT_PICK_FIELD}",
            reply_markup=event_keyboards.edit_fields(event_id))
        return END
    key, _, value = rest.partition(":")
    field = _EDIT_KEYS.get(field_key(key))
    if field is None or not value.strip():
        await message.reply_text(event_texts.EDIT_USAGE)
        return END
    field = "region" if field == "region_id" else field
    try:
        updates = parse_step(field, value, {"start": event.start}, feature.regions(), feature.tz)
    except StepError as exc:
        await message.reply_text(str(exc))
        return END
    await _apply_edit(context, message.chat.id, update.effective_user.id, event, updates,
                      message.reply_text)
    return END


async def on_edit_menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    pressed = await admin_callback(update, context)
    if pressed is None:
        return
    query, feature, match = pressed
    await query.answer()
    event = feature.events.get(int(match.group(1)))
    chat_id = query_chat_id(query)
    if event is None or event.id is None:
        await context.bot.send_message(chat_id, event_texts.EVENT_GONE)
        return
    await context.bot.send_message(
        chat_id,
        f"{event_card_html(event, feature.regions(), feature.tz, show_id=True)}\n\n"
        f"{event_texts.EDIT_PICK_FIELD}",
        reply_markup=event_keyboards.edit_fields(event.id))


async def on_edit_field(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    if context.user_data is None:
        return END
    pressed = await admin_callback(update, context)
    if pressed is None:
        return END
    query, feature, match = pressed
    event_id, field = int(match.group(1)), match.group(2)
    event = feature.events.get(event_id)
    if event is None or field not in event_keyboards.EDITABLE_FIELDS:
        await query.answer(event_texts.EVENT_GONE, show_alert=True)
        return END
    await query.answer()
    context.user_data.pop(DRAFT_KEY, None)
    context.user_data[EDIT_KEY] = {"event_id": event_id, "field": field}
    markup = None
    if field == "kind":
        markup = event_keyboards.form_kinds()
    elif field == "region":
        markup = event_keyboards.form_regions(feature.services.knowledge.current.kb.regions)
    chat_id = query_chat_id(query)
    await context.bot.send_message(
        chat_id, event_texts.edit_ask_value(field, _current_value(event, field, feature)),
        reply_markup=markup)
    return EDIT_VALUE


async def _finish_edit(update: Update, context: ContextTypes.DEFAULT_TYPE, chat_id: int,
                       admin_id: int, updates_for: Any, reply: Any) -> int:
    assert context.user_data is not None
    pending = context.user_data.get(EDIT_KEY)
    if not pending:
        return END
    feature = get_feature(context)
    event = feature.events.get(pending["event_id"])
    if event is None:
        await reply(event_texts.EVENT_GONE)
        return END
    try:
        updates = updates_for(pending["field"], event)
    except StepError as exc:
        await reply(f"{exc} {event_texts.ASK_AGAIN}")
        return EDIT_VALUE
    if updates is None:
        return EDIT_VALUE
    if not await _apply_edit(context, chat_id, admin_id, event, updates, reply):
        return EDIT_VALUE
    context.user_data.pop(EDIT_KEY, None)
    return END


async def on_edit_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return END
    feature = get_feature(context)

    def updates_for(field: str, event: Event) -> dict[str, Any]:
        return parse_step(field, message.text or "", {"start": event.start}, feature.regions(),
                          feature.tz)

    return await _finish_edit(update, context, message.chat.id, user.id, updates_for,
                              message.reply_text)


async def on_edit_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    query = update.callback_query
    if query is None:
        return END
    feature = get_feature(context)
    chat_id = query_chat_id(query)

    def updates_for(field: str, event: Event) -> dict[str, Any] | None:
        return _button_updates(query.data or "", field, feature)

    await query.answer()
    return await _finish_edit(update, context, chat_id, query.from_user.id, updates_for,
                              lambda text: context.bot.send_message(chat_id, text))
