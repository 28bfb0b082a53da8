"""/termine: the coming events, own region and Thuringia-wide first, with the calendar button."""

from __future__ import annotations

import asyncio
import logging

from telegram import InputFile, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from thekiz_bot.events.ics import event_ics, ics_filename
from thekiz_bot.events.model import Event
from thekiz_bot.events.render import event_card_html
from thekiz_bot.telegram import callbacks
from thekiz_bot.telegram.events import keyboards as event_keyboards
from thekiz_bot.telegram.events.feature import EventFeature, get_feature
from thekiz_bot.telegram.texts import events as texts
from thekiz_bot.telegram.updates import query_chat_id

log = logging.getLogger(__name__)

PAGE_SIZE = 8


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
    events, region_id, elsewhere = await asyncio.to_thread(_listing, feature, user_id, all_regions)
    regions = feature.regions()
    admin = feature.is_admin(user_id) and chat_type == ChatType.PRIVATE
    bot = context.bot
    if offset == 0:
        region_name = regions.name(region_id) if region_id else None
        heading = texts.events_heading(region_name, all_regions)
        if not events:
            empty = texts.NO_EVENTS if all_regions or not elsewhere \
                else texts.NO_EVENTS_HERE
            lines = [heading, "", empty]
            if elsewhere and not all_regions:
                lines.append(texts.more_elsewhere(elsewhere))
            lines.append(texts.EVENTS_SUBSCRIBE_HINT)
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
        await bot.send_message(chat_id, texts.more_remaining(rest),
                               reply_markup=event_keyboards.more(offset + len(page), all_regions))
        return
    footer = []
    if not all_regions and elsewhere:
        footer.append(texts.more_elsewhere(elsewhere))
    if region_id is None and not all_regions:
        footer.append(texts.REGION_HINT)
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
    action = callbacks.parse(query.data) if query else None
    if query is None or not isinstance(action, callbacks.MoreEvents):
        return
    await query.answer()
    chat_type = query.message.chat.type if query.message else ChatType.PRIVATE
    await _send_page(context, query_chat_id(query), chat_type,
                     query.from_user.id, action.all_regions, action.offset)


async def on_calendar(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    action = callbacks.parse(query.data) if query else None
    if query is None or not isinstance(action, callbacks.AddToCalendar):
        return
    feature = get_feature(context)
    event = await asyncio.to_thread(feature.events.get, action.event_id)
    if event is None:
        await query.answer(texts.EVENT_GONE, show_alert=True)
        return
    if event.is_cancelled:
        await query.answer(texts.EVENT_CANCELLED_ALERT, show_alert=True)
        return
    await query.answer()
    data = event_ics(event, feature.regions(), feature.tz, feature.clock())
    await context.bot.send_document(
        query_chat_id(query),
        document=InputFile(data, filename=ics_filename(event), attach=True),
        caption=texts.CALENDAR_CAPTION,
    )
