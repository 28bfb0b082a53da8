"""/region: pick the Landkreis or kreisfreie Stadt (remembered for regional contacts)."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import ContextTypes

from thekiz_bot.telegram import callbacks
from thekiz_bot.telegram.faq import keyboards
from thekiz_bot.telegram.sending import send_html
from thekiz_bot.telegram.services import get_services
from thekiz_bot.telegram.texts import common
from thekiz_bot.telegram.texts import faq as texts
from thekiz_bot.telegram.updates import command_argument


async def on_region(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    services = get_services(context)
    snapshot = services.knowledge.current
    if not snapshot.kb.regions:
        await message.reply_text(texts.REGIONS_MISSING)
        return
    current_id = await asyncio.to_thread(services.records.users.region_of, user.id)
    wanted = command_argument(message.text)
    if wanted:
        region = snapshot.matcher.resolve_region(wanted)
        if region is not None:
            await asyncio.to_thread(services.records.users.set_region, user.id, region.id)
            await message.reply_text(texts.region_saved(region))
            return
        text = texts.region_unknown(wanted)
    else:
        current = snapshot.kb.region(current_id) if current_id else None
        text = texts.region_prompt(current)
    markup = keyboards.regions(snapshot.kb.regions, current_id)
    await send_html(context.bot, message.chat.id, text, markup)


async def on_pick_region(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None:
        return
    pick = callbacks.parse(query.data)
    services = get_services(context)
    if not isinstance(pick, callbacks.PickRegion):
        await query.answer(common.STALE_BUTTON, show_alert=True)
        return
    user_id = query.from_user.id
    if pick.region_key is None:
        await asyncio.to_thread(services.records.users.clear_region, user_id)
        await query.answer()
        await query.edit_message_text(texts.REGION_CLEARED)
        return
    region = services.knowledge.current.region(pick.region_key)
    if region is None:
        await query.answer(common.STALE_BUTTON, show_alert=True)
        return
    await asyncio.to_thread(services.records.users.set_region, user_id, region.id)
    await query.answer()
    await query.edit_message_text(texts.region_saved(region))
