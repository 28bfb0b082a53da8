"""Questions in chats: match, log (without user id), answer with contacts, source and buttons."""

from __future__ import annotations

import asyncio
import logging
import sqlite3

from telegram import Bot, Message, MessageEntity, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from thekiz_bot.conversation.context import ContextKey
from thekiz_bot.conversation.engine import Reply
from thekiz_bot.matching import render
from thekiz_bot.matching.contacts import contacts_for_entry
from thekiz_bot.telegram import callbacks
from thekiz_bot.telegram.faq import keyboards, replies
from thekiz_bot.telegram.sending import replace_with_html, send_html, show_typing
from thekiz_bot.telegram.services import BotServices, get_services
from thekiz_bot.telegram.texts import common
from thekiz_bot.telegram.texts import faq as texts
from thekiz_bot.telegram.updates import command_argument

log = logging.getLogger(__name__)

CHANNEL_CHAT = "chat"
CHANNEL_GROUP = "group"


def addressed_question(message: Message, bot: Bot) -> str | None:
    """The question of a group message meant for the bot (mention or reply), else None."""
    text = message.text or ""
    mentioned = False
    handle = f"@{bot.username}".lower()
    for entity, value in message.parse_entities(
        [MessageEntity.MENTION, MessageEntity.TEXT_MENTION]
    ).items():
        if (entity.type == MessageEntity.MENTION and value.lower() == handle) or (
            entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot.id
        ):
            mentioned = True
            text = text.replace(value, " ")
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
        mentioned = True
    return " ".join(text.split()) if mentioned else None


async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str,
                 channel: str) -> None:
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    text = question.strip()
    if not text:
        await message.reply_text(texts.EMPTY_QUESTION)
        return
    services = get_services(context)
    await show_typing(context.bot, chat.id)
    user_id = _user_id(update)
    key = replies.context_key(message, chat.type)
    reply = await asyncio.to_thread(_respond, services, text, key, user_id)
    try:
        question_id = await asyncio.to_thread(
            services.records.questions.record, text, reply.status, reply.entry_id, reply.score,
            channel)
    except sqlite3.OperationalError as exc:
        # Locked beyond the busy timeout (e.g. a long CLI import): the answer matters more
        # than its line in the question log.
        log.warning("question not logged: %s", exc)
        question_id = 0
    reply_to = message.message_id if chat.type != ChatType.PRIVATE else None
    sent = await replies.send_reply(context.bot, services, chat.id, reply, question_id, reply_to)
    replies.remember(services, key, reply, sent, chat.type)


def _respond(services: BotServices, text: str, key: ContextKey, user_id: int | None) -> Reply:
    """The one engine every question goes through (follow-ups, the calendar, the matcher)."""
    stored = services.records.users.region_of(user_id) if user_id is not None else None
    region = services.knowledge.current.kb.region(stored) if stored else None
    return services.conversation.respond(text, key, user_id, region)


def _user_id(update: Update) -> int | None:
    return update.effective_user.id if update.effective_user else None


async def on_private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None:
        await answer(update, context, message.text or "", CHANNEL_CHAT)


async def on_group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In groups only messages addressed to the bot are questions; all others are ignored."""
    message = update.effective_message
    if message is None:
        return
    question = addressed_question(message, context.bot)
    if question is not None:
        await answer(update, context, question, CHANNEL_GROUP)


async def on_frage(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    question = command_argument(message.text)
    if not question:
        await message.reply_text(texts.FRAGE_USAGE)
        return
    channel = CHANNEL_CHAT if chat.type == ChatType.PRIVATE else CHANNEL_GROUP
    await answer(update, context, question, channel)


async def on_non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(texts.NON_TEXT)


async def on_show_entry(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A "Meinten Sie …?", next-best or example button: show that entry's answer."""
    query = update.callback_query
    if query is None:
        return
    action = callbacks.parse(query.data)
    services = get_services(context)
    snapshot = services.knowledge.current
    entry = snapshot.entry(action.entry_key) if isinstance(action, callbacks.ShowEntry) else None
    if entry is None or query.message is None or not isinstance(action, callbacks.ShowEntry):
        await query.answer(texts.ENTRY_GONE, show_alert=True)
        return
    await query.answer()
    region_id = await asyncio.to_thread(services.records.users.region_of, query.from_user.id)
    region = snapshot.kb.region(region_id) if region_id else None
    contacts, note = contacts_for_entry(snapshot.kb, entry, region, False)
    html_text = render.entry_html(entry, contacts, note=note)
    markup = keyboards.feedback(entry, action.question_id, via_suggestion=action.question_id > 0)
    chat = query.message.chat
    if action.replace:
        await replace_with_html(context.bot, query.message, html_text, markup)
        thread = query.message.message_id
    else:
        thread = (await send_html(context.bot, chat.id, html_text, markup))[-1].message_id
    key = ContextKey(chat.id) if chat.type == ChatType.PRIVATE else ContextKey(chat.id, thread)
    services.conversation.remember_entry(key, entry.id, query.from_user.id)


async def on_stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any button whose data this version does not understand (older formats, other bots)."""
    if update.callback_query is not None:
        await update.callback_query.answer(common.STALE_BUTTON, show_alert=True)
