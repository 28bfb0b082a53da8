"""Sending outbox messages through the Bot API (python-telegram-bot's `Bot`, no handlers).

Used by the running bot and by `python bot.py announce` alike, so that a broadcast looks the
same and its errors mean the same whoever sends it. Broadcasts use their own `Bot` (own HTTP
connection pool, no rate limiter of the application), so a long broadcast never queues up the
answers to questions.
"""

from __future__ import annotations

import warnings
from datetime import timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.request import HTTPXRequest

from thekiz_bot.broadcast.outbox import Job
from thekiz_bot.broadcast.states import Purpose, SendOutcome
from thekiz_bot.broadcast.worker import SendResult
from thekiz_bot.telegram.callbacks import AddToCalendar
from thekiz_bot.telegram.texts.events import CALENDAR_BUTTON

# Telegram's wording when the chat cannot be reached any more; no retry helps.
_GONE = ("chat not found", "user is deactivated", "bot was kicked", "peer_id_invalid",
         "have no rights to send", "need administrator rights", "chat_write_forbidden")


def calendar_button(event_id: int) -> InlineKeyboardMarkup:
    """The button under every message about an event; the bot answers it with an .ics file."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(CALENDAR_BUTTON, callback_data=AddToCalendar(event_id).encode())]]
    )


def retry_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PTB 22 warns about the int/timedelta transition
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def classify(exc: TelegramError) -> SendResult:
    """What an error of sendMessage means for the outbox."""
    if isinstance(exc, RetryAfter):
        return SendResult(SendOutcome.RETRY_AFTER, retry_after=retry_seconds(exc),
                          detail=str(exc))
    if isinstance(exc, Forbidden):
        return SendResult(SendOutcome.BLOCKED, detail=exc.message)
    if isinstance(exc, BadRequest):
        text = exc.message.lower()
        if any(marker in text for marker in _GONE):
            return SendResult(SendOutcome.BLOCKED, detail=exc.message)
        return SendResult(SendOutcome.FAILED, detail=exc.message)
    if isinstance(exc, NetworkError):  # includes TimedOut and 5xx answers
        return SendResult(SendOutcome.TRANSIENT, detail=exc.message)
    return SendResult(SendOutcome.TRANSIENT, detail=str(exc))


def broadcast_bot(token: str, base_url: str, connections: int = 8) -> Bot:
    # One connection per message in flight, and a few for the admin's progress messages.
    request = HTTPXRequest(connection_pool_size=connections + 4, read_timeout=15.0,
                           write_timeout=15.0, connect_timeout=10.0, pool_timeout=5.0)
    return Bot(token, base_url=base_url, request=request)


class TelegramSender:
    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def send(self, job: Job) -> SendResult:
        markup = None
        if job.event_id is not None and job.purpose != Purpose.CANCELLATION:
            markup = calendar_button(job.event_id)
        try:
            message = await self._bot.send_message(
                job.chat_id,
                job.text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        except TelegramError as exc:
            return classify(exc)
        return SendResult(SendOutcome.DELIVERED, message_id=message.message_id)
