"""Admins cancel an event (/termin_absagen or the button under the card), after a question.

Whoever was told about the event hears about the cancellation.
"""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import ContextTypes

from thekiz_bot.events.store import EventChange
from thekiz_bot.telegram import callbacks
from thekiz_bot.telegram.events import keyboards as event_keyboards
from thekiz_bot.telegram.events.feature import get_feature
from thekiz_bot.telegram.guards import admin_only
from thekiz_bot.telegram.texts import events as texts
from thekiz_bot.telegram.updates import event_id_argument, query_chat_id


async def _ask_cancel(context: ContextTypes.DEFAULT_TYPE, chat_id: int, event_id: int) -> None:
    event = await asyncio.to_thread(get_feature(context).events.get, event_id)
    if event is None:
        await context.bot.send_message(chat_id, texts.EVENT_GONE)
    elif event.is_cancelled:
        await context.bot.send_message(chat_id, texts.ALREADY_CANCELLED)
    else:
        await context.bot.send_message(chat_id, texts.cancel_ask(event.title),
                                       reply_markup=event_keyboards.cancel_confirm(event_id))


@admin_only
async def on_cancel_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None:
        return
    event_id = event_id_argument(context.args)
    if event_id is None:
        await message.reply_text(texts.CANCEL_USAGE)
        return
    await _ask_cancel(context, message.chat.id, event_id)


@admin_only
async def on_cancel_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    action = callbacks.parse(query.data) if query else None
    if query is None or not isinstance(action, callbacks.CancelEvent):
        return
    await query.answer()
    await _ask_cancel(context, query_chat_id(query), action.event_id)


@admin_only
async def on_cancel_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    action = callbacks.parse(query.data) if query else None
    if query is None or not isinstance(action, callbacks.ConfirmCancel):
        return
    feature = get_feature(context)
    await query.answer()
    if not action.confirmed:
        await query.edit_message_text(texts.CANCEL_KEPT)
        return
    chat_id, admin_id = query_chat_id(query), query.from_user.id

    def cancel() -> tuple[EventChange | None, int]:
        change = feature.events.cancel(action.event_id, feature.clock())
        if change is None or not change.fields:
            return change, 0
        notified = feature.announcements().notify_change(
            change, created_by=admin_id, report_chat_id=chat_id)
        return change, notified[1] if notified else 0

    change, told = await asyncio.to_thread(cancel)
    if change is None:
        await query.edit_message_text(texts.EVENT_GONE)
        return
    if not change.fields:
        await query.edit_message_text(texts.ALREADY_CANCELLED)
        return
    feature.wake_worker()
    await query.edit_message_text(
        texts.cancelled(change.after.title, told))
