"""The one admin guard and the one private-chat guard of every handler that needs them.

Wrap a handler callback: `admin_only(private_only(on_new))`. A refused update gets the one
refusal text (a reply to a message, an alert for a button) and nothing else. Any client can
send any button data, so having been shown an admin keyboard proves nothing: buttons are
checked like commands. The wrapper returns ConversationHandler.END when it refuses, so a
refused conversation step also leaves the conversation (other handlers ignore the value).

Plain functions rather than PTB filters: a filter would silently drop the update (it would
then reach the "unknown command" handler), while a refusal has to be said.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes, ConversationHandler

from thekiz_bot.telegram.services import get_services
from thekiz_bot.telegram.texts import common

T = TypeVar("T")
Callback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, T]]


def is_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    user = update.effective_user
    return get_services(context).is_admin(user.id if user else None)


def is_private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == ChatType.PRIVATE


async def refuse(update: Update, text: str) -> None:
    """Say no: an alert for a button, a reply for a message."""
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text)


def admin_only(callback: Callback[T]) -> Callback[T | int]:
    """Only the Fachstelle (TELEGRAM_ADMIN_IDS) gets through; others get ADMIN_ONLY."""

    @functools.wraps(callback)
    async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> T | int:
        if not is_admin(update, context):
            await refuse(update, common.ADMIN_ONLY)
            return ConversationHandler.END
        return await callback(update, context)

    return guarded


def private_only(callback: Callback[T]) -> Callback[T | int]:
    """Only in the private chat with the bot (personal data, admin forms); else PRIVATE_ONLY."""

    @functools.wraps(callback)
    async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> T | int:
        if not is_private(update):
            await refuse(update, common.PRIVATE_ONLY)
            return ConversationHandler.END
        return await callback(update, context)

    return guarded
