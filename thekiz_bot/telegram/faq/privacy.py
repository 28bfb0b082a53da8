"""/datenschutz, /meine_daten, /daten_loeschen (GDPR: say, show and delete what is stored).

What is stored about a user comes from the personal data providers in BotServices, so feature
modules (e.g. subscriptions) are covered as soon as they register theirs.
"""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import ContextTypes

from thekiz_bot.telegram import callbacks
from thekiz_bot.telegram.faq import keyboards
from thekiz_bot.telegram.guards import private_only
from thekiz_bot.telegram.services import BotServices, get_services
from thekiz_bot.telegram.texts import common
from thekiz_bot.telegram.texts import faq as texts


def stored_lines(services: BotServices, user_id: int) -> list[str]:
    return [line for p in services.privacy_providers for line in p.describe(user_id)]


def delete_everything(services: BotServices, user_id: int) -> None:
    for provider in services.privacy_providers:
        provider.delete(user_id)


async def on_privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is None:
        return
    services = get_services(context)
    purposes = [p.purpose for p in services.privacy_providers]
    await update.effective_message.reply_text(
        texts.privacy_text(purposes, services.settings.question_retention_days))


# Only in the private chat: in groups the data would be shown to everyone.
@private_only
async def on_my_data(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user = update.effective_user
    if user is None or update.effective_message is None:
        return
    user_id = user.id
    lines = await asyncio.to_thread(stored_lines, get_services(context), user_id)
    text = texts.MY_DATA_NONE if not lines else "\n".join(
        [texts.MY_DATA_HEADING, *[f"• {line}" for line in lines]]
    )
    await update.effective_message.reply_text(text)


@private_only
async def on_delete_request(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user = update.effective_user
    if user is None or update.effective_message is None:
        return
    user_id = user.id
    if not await asyncio.to_thread(stored_lines, get_services(context), user_id):
        await update.effective_message.reply_text(texts.DELETED_NOTHING)
        return
    await update.effective_message.reply_text(
        texts.DELETE_CONFIRM, reply_markup=keyboards.confirm_deletion()
    )


async def on_confirm_deletion(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None:
        return
    action = callbacks.parse(query.data)
    if not isinstance(action, callbacks.ConfirmDeletion):
        await query.answer(common.STALE_BUTTON, show_alert=True)
        return
    await query.answer()
    if not action.confirmed:
        await query.edit_message_text(texts.DELETE_CANCELLED)
        return
    await asyncio.to_thread(delete_everything, get_services(context), query.from_user.id)
    await query.edit_message_text(texts.DELETED)
