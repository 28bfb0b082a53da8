"""/kontakt [Thema, Name oder Region]: contact persons as compact cards."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from thekiz_bot.matching import render
from thekiz_bot.telegram.sending import send_html
from thekiz_bot.telegram.services import get_services
from thekiz_bot.telegram.texts import faq as texts
from thekiz_bot.telegram.updates import command_argument


async def on_contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None:
        return
    services = get_services(context)
    matcher = services.knowledge.current.matcher
    topic = command_argument(message.text)
    stored = await asyncio.to_thread(services.records.users.region_of, user.id) if user else None
    contacts = matcher.contacts_for_query(topic, saved_region=stored)
    named_region = matcher.find_region(topic) if topic else None
    blocks = [texts.contacts_heading(topic)]
    blocks += [render.contact_html(c) for c in contacts] or [texts.NO_CONTACTS]
    if not topic:
        blocks.append(texts.CONTACT_TIP)
    if stored is None and named_region is None:
        blocks.append(texts.REGION_TIP)
    reply_to = message.message_id if chat.type != ChatType.PRIVATE else None
    await send_html(context.bot, chat.id, "\n\n".join(blocks), reply_to=reply_to)
