"""Send HTML that may be longer than one Telegram message; buttons go under the last part."""

from __future__ import annotations

import logging

from telegram import (
    Bot,
    InlineKeyboardMarkup,
    MaybeInaccessibleMessage,
    Message,
    ReplyParameters,
)
from telegram.constants import ChatAction
from telegram.error import BadRequest, Forbidden, TelegramError

from thekiz_bot.telegram.split import split_html
from thekiz_bot.telegram.texts import common

log = logging.getLogger(__name__)


def parts_of(html_text: str) -> list[str]:
    """The message parts; never empty (Telegram refuses empty messages)."""
    return split_html(html_text) or [common.SORRY]


async def send_html(
    bot: Bot,
    chat_id: int,
    html_text: str,
    markup: InlineKeyboardMarkup | None = None,
    reply_to: int | None = None,
) -> list[Message]:
    """Send as many messages as needed; the first replies to `reply_to` (in groups)."""
    return await _send_parts(bot, chat_id, parts_of(html_text), markup, reply_to)


async def _send_parts(
    bot: Bot,
    chat_id: int,
    parts: list[str],
    markup: InlineKeyboardMarkup | None,
    reply_to: int | None = None,
) -> list[Message]:
    sent: list[Message] = []
    for index, part in enumerate(parts):
        reply = None
        if index == 0 and reply_to is not None:
            reply = ReplyParameters(reply_to, allow_sending_without_reply=True)
        sent.append(
            await bot.send_message(
                chat_id,
                part,
                reply_markup=markup if index == len(parts) - 1 else None,
                reply_parameters=reply,
            )
        )
    return sent


async def replace_with_html(
    bot: Bot,
    message: MaybeInaccessibleMessage,
    html_text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Edit the message into the first part and send the rest; a new message if not editable."""
    parts = parts_of(html_text)
    first_markup = markup if len(parts) == 1 else None
    try:
        if not isinstance(message, Message):
            raise BadRequest("message is inaccessible")
        await bot.edit_message_text(
            parts[0], chat_id=message.chat_id, message_id=message.message_id,
            reply_markup=first_markup,
        )
    except BadRequest as exc:
        if "not modified" in exc.message:
            return
        # Too old to edit (48 h) or deleted: the answer still reaches the user.
        log.info("edit failed (%s); sending a new message instead", exc.message)
        await send_html(bot, message.chat.id, html_text, markup)
        return
    if len(parts) > 1:
        await _send_parts(bot, message.chat.id, parts[1:], markup)


async def show_typing(bot: Bot, chat_id: int) -> None:
    """Best effort: a failed chat action must not stop the answer."""
    try:
        await bot.send_chat_action(chat_id, ChatAction.TYPING)
    except Forbidden:
        raise
    except TelegramError as exc:
        log.debug("chat action failed: %s", exc)


async def remove_buttons(message: MaybeInaccessibleMessage | None) -> None:
    if not isinstance(message, Message) or message.reply_markup is None:
        return
    try:
        await message.edit_reply_markup(None)
    except BadRequest as exc:
        log.debug("could not remove buttons: %s", exc.message)
