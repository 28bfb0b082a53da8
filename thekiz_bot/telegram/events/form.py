"""Admins create events: the guided form with buttons, or everything in one line.

Nothing is stored before "Speichern"; the draft lives in `context.user_data` (states.py).
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from thekiz_bot.events.model import EventInputError, validate
from thekiz_bot.events.render import event_card_html
from thekiz_bot.events.shortcut import parse_shortcut
from thekiz_bot.telegram import callbacks
from thekiz_bot.telegram.events import keyboards as event_keyboards
from thekiz_bot.telegram.events.feature import EventFeature, get_feature
from thekiz_bot.telegram.events.states import CONFIRM, DRAFT_KEY, EDIT_KEY, END, FORM
from thekiz_bot.telegram.events.steps import (
    DRAFT_FIELDS,
    StepError,
    button_updates,
    draft_event,
    next_step,
    parse_step,
    step_problems,
)
from thekiz_bot.telegram.guards import admin_only, private_only
from thekiz_bot.telegram.texts import common
from thekiz_bot.telegram.texts import events as texts
from thekiz_bot.telegram.updates import query_chat_id


def _prompt(field: str, feature: EventFeature) -> tuple[str, InlineKeyboardMarkup | None]:
    kb = feature.services.knowledge.current.kb
    return {
        "title": (texts.NEW_ASK_TITLE, None),
        "kind": (texts.NEW_ASK_KIND, event_keyboards.form_kinds()),
        "start": (texts.NEW_ASK_START, None),
        "end": (texts.NEW_ASK_END, event_keyboards.form_skip(texts.NO_END_BUTTON)),
        "place": (texts.NEW_ASK_PLACE, event_keyboards.form_place()),
        "online_url": (texts.NEW_ASK_ONLINE_URL, event_keyboards.form_skip()),
        "region": (texts.NEW_ASK_REGION, event_keyboards.form_regions(kb.regions)),
        "description": (texts.NEW_ASK_DESCRIPTION, event_keyboards.form_skip()),
        "registration_url": (texts.NEW_ASK_REG_URL, event_keyboards.form_skip()),
        "registration_deadline": (texts.NEW_ASK_DEADLINE, event_keyboards.form_skip()),
    }[field]


async def _ask(context: ContextTypes.DEFAULT_TYPE, chat_id: int, field: str) -> None:
    text, markup = _prompt(field, get_feature(context))
    await context.bot.send_message(chat_id, text, reply_markup=markup)


async def _show_confirm(context: ContextTypes.DEFAULT_TYPE, chat_id: int,
                        values: dict[str, Any]) -> int:
    feature = get_feature(context)
    event = draft_event(values, feature.clock())
    card = event_card_html(event, feature.regions(), feature.tz)
    await context.bot.send_message(chat_id, f"{texts.NEW_CONFIRM}\n\n{card}",
                                   reply_markup=event_keyboards.form_confirm())
    return CONFIRM


@admin_only
@private_only
async def on_new(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    message = update.effective_message
    if message is None or context.user_data is None:
        return END
    feature = get_feature(context)
    context.user_data.pop(EDIT_KEY, None)
    shortcut = re.sub(r"^/\S+\s*", "", message.text or "", count=1).strip()
    if shortcut:
        try:
            event = parse_shortcut(shortcut, feature.regions(), feature.tz)
        except EventInputError as exc:
            await message.reply_text(texts.input_problems(exc))
            return END
        values = {name: getattr(event, name) for name in DRAFT_FIELDS}
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
    problems = step_problems(draft_event(candidate, feature.clock()), step, feature.regions())
    if problems:
        await reply(f"{problems[0]} {texts.ASK_AGAIN}")
        return FORM
    draft["values"] = candidate
    following = next_step(candidate, step)
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
        await message.reply_text(f"{exc} {texts.ASK_AGAIN}")
        return FORM
    return await _advance(context, message.chat.id, updates, message.reply_text)


async def on_form_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    query = update.callback_query
    if query is None or context.user_data is None:
        return END
    draft = context.user_data.get(DRAFT_KEY)
    step = draft.get("step") if draft else None
    answer = callbacks.parse(query.data)
    updates = None
    if step and isinstance(answer, callbacks.FormAnswer):
        updates = button_updates(answer, step, get_feature(context).services.knowledge.current)
    if updates is None:
        await query.answer(common.STALE_BUTTON)
        return FORM if step else END
    await query.answer()
    chat_id = query_chat_id(query)
    return await _advance(context, chat_id, updates,
                          lambda text: context.bot.send_message(chat_id, text))


@admin_only
async def on_form_save(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    query = update.callback_query
    if query is None or context.user_data is None:
        return END
    feature = get_feature(context)
    draft = context.user_data.pop(DRAFT_KEY, None)
    if not draft:
        await query.answer(common.STALE_BUTTON)
        return END
    await query.answer()
    event = draft_event(draft["values"], feature.clock())
    problems = validate(event, feature.regions())
    if problems:
        await query.edit_message_text(texts.input_problems(EventInputError(problems)))
        return END
    saved = await asyncio.to_thread(feature.events.add, event, feature.clock())
    assert saved.id is not None
    await query.edit_message_text(
        f"{event_card_html(saved, feature.regions(), feature.tz, show_id=True)}\n\n"
        f"{texts.event_saved(saved.id)}",
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
        await query.edit_message_text(texts.ABORTED)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(texts.ABORTED)
    return END


async def on_confirm_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    if update.effective_message is not None:
        await update.effective_message.reply_text(texts.CONFIRM_WITH_BUTTONS)
    return CONFIRM
