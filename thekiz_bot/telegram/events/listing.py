"""/termine with the calendar button, and cancelling an event (admins)."""

from __future__ import annotations

import logging
import re

from telegram import CallbackQuery, InputFile, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from thekiz_bot.events.ics import event_ics, ics_filename
from thekiz_bot.events.model import Event
from thekiz_bot.events.render import event_card_html
from thekiz_bot.telegram.events import keyboards as event_keyboards
from thekiz_bot.telegram.events import texts as event_texts
from thekiz_bot.telegram.events.feature import EventFeature, get_feature

log = logging.getLogger(__name__)

PAGE_SIZE = 8


def query_chat_id(query: CallbackQuery) -> int:
    """The chat a button was pressed in (the user's own chat if the message is gone)."""
    return query.message.chat.id if query.message is not None else query.from_user.id


def _listing(feature: EventFeature, user_id: int | None,
             all_regions: bool) -> tuple[list[Event], str | None, int]:
    """Events to show (own region and Thuringia-wide first), the user's region, others' count."""
    region_id = feature.services.records.users.region_of(user_id) if user_id else None
    upcoming = feature.events.upcoming(feature.clock())
    mine = [e for e in upcoming if e.region_id is None or e.region_id == region_id]
    others = [e for e in upcoming if not (e.region_id is None or e.region_id == region_id)]
    return (mine + others if all_regions else mine), region_id, len(others)


async def _send_page(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, chat_type: str, user_id: int | None,
    all_regions: bool, offset: int,
) -> None:
    feature = get_feature(context)
    events, region_id, elsewhere = _listing(feature, user_id, all_regions)
    regions = feature.regions()
    admin = feature.is_admin(user_id) and chat_type == ChatType.PRIVATE
    bot = context.bot
    if offset == 0:
        region_name = regions.name(region_id) if region_id else None
        heading = event_texts.events_heading(region_name, all_regions)
        if not events:
            empty = event_texts.NO_EVENTS if all_regions or not elsewhere \
                else event_texts.NO_EVENTS_HERE
            lines = [heading, "", empty]
            if elsewhere and not all_regions:
                lines.append(event_texts.more_elsewhere(elsewhere))
            lines.append(event_texts.EVENTS_SUBSCRIBE_HINT)
            await bot.send_message(chat_id, "\n".join(lines))
            return
        await bot.send_message(chat_id, heading)
    page = events[offset:offset + PAGE_SIZE]
    for event in page:
        await bot.send_message(
            chat_id,
            event_card_html(event, regions, feature.tz, show_id=admin),
            reply_markup=event_keyboards.event_buttons(event, admin),
        )
    rest = len(events) - offset - len(page)
    if rest > 0:
        await bot.send_message(chat_id, f"Noch {rest} weitere(r) Termin(e).",
                               reply_markup=event_keyboards.more(offset + len(page), all_regions))
        return
    footer = []
    if not all_regions and elsewhere:
        footer.append(event_texts.more_elsewhere(elsewhere))
    if region_id is None and not all_regions:
        footer.append(event_texts.REGION_HINT)
    if footer:
        await bot.send_message(chat_id, "\n\n".join(footer))


async def on_events(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None:
        return
    args = context.args or []
    all_regions = bool(args) and args[0].casefold() in ("alle", "all", "alles")
    await _send_page(context, message.chat.id, message.chat.type, user.id if user else None,
                     all_regions, 0)


async def on_more(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None or not context.matches:
        return
    await query.answer()
    offset, scope = int(context.matches[0].group(1)), context.matches[0].group(2)
    chat_type = query.message.chat.type if query.message else ChatType.PRIVATE
    await _send_page(context, query_chat_id(query), chat_type,
                     query.from_user.id, scope == "a", offset)


async def on_calendar(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None or not context.matches:
        return
    feature = get_feature(context)
    event = feature.events.get(int(context.matches[0].group(1)))
    if event is None:
        await query.answer(event_texts.EVENT_GONE, show_alert=True)
        return
    if event.is_cancelled:
        await query.answer(event_texts.EVENT_CANCELLED_ALERT, show_alert=True)
        return
    await query.answer()
    data = event_ics(event, feature.regions(), feature.tz, feature.clock())
    await context.bot.send_document(
        query_chat_id(query),
        document=InputFile(data, filename=ics_filename(event), attach=True),
        caption=event_texts.CALENDAR_CAPTION,
    )


# --- admin checks, shared by the event and announcement handlers ----------------------------

async def admin_callback(
    update: Update, context: ContextTypes.DEFAULT_TYPE,
) -> tuple[CallbackQuery, EventFeature, re.Match[str]] | None:
    """Button, feature and the pattern's match when an admin pressed a matched button, else None.

    Anyone else gets the refusal as an alert: any client can send any button data, so having
    been shown the admin keyboard proves nothing.
    """
    query = update.callback_query
    if query is None or not context.matches:
        return None
    feature = get_feature(context)
    if not feature.is_admin(query.from_user.id):
        await query.answer(event_texts.ADMIN_ONLY, show_alert=True)
        return None
    return query, feature, context.matches[0]


async def refuse_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    user = update.effective_user
    if get_feature(context).is_admin(user.id if user else None):
        return False
    if update.effective_message is not None:
        await update.effective_message.reply_text(event_texts.ADMIN_ONLY)
    return True


def event_id_argument(args: list[str] | None) -> int | None:
    if not args:
        return None
    raw = args[0].lstrip("#").removeprefix("Nr.").strip()
    return int(raw) if raw.isdigit() else None


# --- cancelling (admins) ---------------------------------------------------------------------

async def _ask_cancel(context: ContextTypes.DEFAULT_TYPE, chat_id: int, event_id: int) -> None:
    event = get_feature(context).events.get(event_id)
    if event is None:
        await context.bot.send_message(chat_id, event_texts.EVENT_GONE)
    elif event.is_cancelled:
        await context.bot.send_message(chat_id, event_texts.ALREADY_CANCELLED)
    else:
        await context.bot.send_message(chat_id, event_texts.cancel_ask(event.title),
                                       reply_markup=event_keyboards.cancel_confirm(event_id))


async def on_cancel_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None or await refuse_message(update, context):
        return
    event_id = event_id_argument(context.args)
    if event_id is None:
        await message.reply_text(event_texts.CANCEL_USAGE)
        return
    await _ask_cancel(context, message.chat.id, event_id)


async def on_cancel_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    pressed = await admin_callback(update, context)
    if pressed is None:
        return
    query, _, match = pressed
    await query.answer()
    await _ask_cancel(context, query_chat_id(query), int(match.group(1)))


async def on_cancel_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    pressed = await admin_callback(update, context)
    if pressed is None:
        return
    query, feature, match = pressed
    await query.answer()
    event_id, answer = int(match.group(1)), match.group(2)
    if answer == "n":
        await query.edit_message_text(event_texts.CANCEL_KEPT)
        return
    change = feature.events.cancel(event_id, feature.clock())
    if change is None:
        await query.edit_message_text(event_texts.EVENT_GONE)
        return
    if not change.fields:
        await query.edit_message_text(event_texts.ALREADY_CANCELLED)
        return
    chat_id = query_chat_id(query)
    notified = feature.announcements().notify_change(
        change, created_by=query.from_user.id, report_chat_id=chat_id)
    feature.wake_worker()
    await query.edit_message_text(
        event_texts.cancelled(change.after.title, notified[1] if notified else 0))
