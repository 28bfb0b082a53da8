"""The error handler: log with the update id, tell the user politely, keep running."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import ContextTypes

from thekiz_bot.telegram.texts import common

log = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, Forbidden):
        # The user blocked the bot or removed it from the group: nobody left to tell.
        log.info("update %s: no longer allowed to write to this chat (%s)", update_id, error)
        return
    if isinstance(error, BadRequest) and "not modified" in error.message:
        return
    if isinstance(error, RetryAfter):
        log.warning("update %s: Telegram still rate-limits after retries (%s)", update_id, error)
    else:
        log.error("update %s failed", update_id, exc_info=error)
    if isinstance(update, Update):
        await _tell_user(update, context)


async def _tell_user(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(common.SORRY, show_alert=True)
        elif update.effective_chat is not None and update.inline_query is None:
            await context.bot.send_message(update.effective_chat.id, common.SORRY)
    except TelegramError as exc:
        # The apology failed too (blocked, still rate-limited, query expired): log and go on.
        log.warning("update %s: could not apologise: %s", update.update_id, exc)
