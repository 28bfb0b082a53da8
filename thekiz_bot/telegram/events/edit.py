"""Admins edit an event: pick a field by button (or name it in the command), send the new value.

Whoever was told about the event (announcement, reminder) hears about the change.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from thekiz_bot.events import dates as german_dates
from thekiz_bot.events.fields import key as field_key
from thekiz_bot.events.model import Event, EventInputError, validate
from thekiz_bot.events.render import event_card_html
from thekiz_bot.events.store import EventChange
from thekiz_bot.telegram import callbacks
from thekiz_bot.telegram.events import keyboards as event_keyboards
from thekiz_bot.telegram.events.feature import EventFeature, get_feature
from thekiz_bot.telegram.events.states import DRAFT_KEY, EDIT_KEY, EDIT_VALUE, END
from thekiz_bot.telegram.events.steps import EDIT_KEYS, StepError, button_updates, parse_step
from thekiz_bot.telegram.guards import admin_only, private_only
from thekiz_bot.telegram.texts import events as texts
from thekiz_bot.telegram.updates import event_id_argument, query_chat_id


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
        await reply(texts.input_problems(EventInputError(problems)))
        return False
    def save() -> tuple[EventChange | None, int]:
        change = feature.events.update(edited, feature.clock())
        if change is None or not change.fields:
            return change, 0
        notified = feature.announcements().notify_change(change, created_by=admin_id,
                                                         report_chat_id=chat_id)
        return change, notified[1] if notified else 0

    change, told = await asyncio.to_thread(save)
    if change is None:
        await reply(texts.EVENT_GONE)
        return True
    if not change.fields:
        await reply(texts.EDIT_UNCHANGED)
        return True
    feature.wake_worker()
    await reply(texts.edit_saved(event.id or 0, change.fields, told))
    return True


@admin_only
@private_only
async def on_edit_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return END
    feature = get_feature(context)
    event_id = event_id_argument(context.args)
    if event_id is None:
        await message.reply_text(texts.EDIT_USAGE)
        return END
    event = await asyncio.to_thread(feature.events.get, event_id)
    if event is None:
        await message.reply_text(texts.EVENT_GONE)
        return END
    rest = " ".join((context.args or [])[1:]).strip()
    if not rest:
        await message.reply_text(
            f"{event_card_html(event, feature.regions(), feature.tz, show_id=True)}\n\n"
            f"{texts.EDIT_PICK_FIELD}",
            reply_markup=event_keyboards.edit_fields(event_id))
        return END
    key, _, value = rest.partition(":")
    field = EDIT_KEYS.get(field_key(key))
    if field is None or not value.strip():
        await message.reply_text(texts.EDIT_USAGE)
        return END
    field = "region" if field == "region_id" else field
    try:
        updates = parse_step(field, value, {"start": event.start}, feature.regions(), feature.tz)
    except StepError as exc:
        await message.reply_text(str(exc))
        return END
    await _apply_edit(context, message.chat.id, user.id, event, updates, message.reply_text)
    return END


@admin_only
async def on_edit_menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    action = callbacks.parse(query.data) if query else None
    if query is None or not isinstance(action, callbacks.EditEvent):
        return
    feature = get_feature(context)
    await query.answer()
    event = await asyncio.to_thread(feature.events.get, action.event_id)
    chat_id = query_chat_id(query)
    if event is None or event.id is None:
        await context.bot.send_message(chat_id, texts.EVENT_GONE)
        return
    await context.bot.send_message(
        chat_id,
        f"{event_card_html(event, feature.regions(), feature.tz, show_id=True)}\n\n"
        f"{texts.EDIT_PICK_FIELD}",
        reply_markup=event_keyboards.edit_fields(event.id))


@admin_only
async def on_edit_field(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    query = update.callback_query
    action = callbacks.parse(query.data) if query else None
    if query is None or context.user_data is None or not isinstance(action, callbacks.EditField):
        return END
    feature = get_feature(context)
    event = await asyncio.to_thread(feature.events.get, action.event_id)
    field = action.field
    if event is None or field not in event_keyboards.EDITABLE_FIELDS:
        await query.answer(texts.EVENT_GONE, show_alert=True)
        return END
    await query.answer()
    context.user_data.pop(DRAFT_KEY, None)
    context.user_data[EDIT_KEY] = {"event_id": action.event_id, "field": field}
    markup = None
    if field == "kind":
        markup = event_keyboards.form_kinds()
    elif field == "region":
        markup = event_keyboards.form_regions(feature.services.knowledge.current.kb.regions)
    await context.bot.send_message(
        query_chat_id(query), texts.edit_ask_value(field, _current_value(event, field, feature)),
        reply_markup=markup)
    return EDIT_VALUE


async def _finish_edit(context: ContextTypes.DEFAULT_TYPE, chat_id: int, admin_id: int,
                       updates_for: Any, reply: Any) -> int:
    assert context.user_data is not None
    pending = context.user_data.get(EDIT_KEY)
    if not pending:
        return END
    feature = get_feature(context)
    event = await asyncio.to_thread(feature.events.get, pending["event_id"])
    if event is None:
        await reply(texts.EVENT_GONE)
        return END
    try:
        updates = updates_for(pending["field"], event)
    except StepError as exc:
        await reply(f"{exc} {texts.ASK_AGAIN}")
        return EDIT_VALUE
    if updates is None:
        return EDIT_VALUE
    if not await _apply_edit(context, chat_id, admin_id, event, updates, reply):
        return EDIT_VALUE
    context.user_data.pop(EDIT_KEY, None)
    return END


async def on_edit_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or context.user_data is None:
        return END
    feature = get_feature(context)

    def updates_for(field: str, event: Event) -> dict[str, Any]:
        return parse_step(field, message.text or "", {"start": event.start}, feature.regions(),
                          feature.tz)

    return await _finish_edit(context, message.chat.id, user.id, updates_for, message.reply_text)


async def on_edit_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    query = update.callback_query
    if query is None or context.user_data is None:
        return END
    answer = callbacks.parse(query.data)
    snapshot = get_feature(context).services.knowledge.current
    chat_id = query_chat_id(query)

    def updates_for(field: str, event: Event) -> dict[str, Any] | None:
        if not isinstance(answer, callbacks.FormAnswer):
            return None
        return button_updates(answer, field, snapshot)

    await query.answer()
    return await _finish_edit(context, chat_id, query.from_user.id, updates_for,
                              lambda text: context.bot.send_message(chat_id, text))
