"""Telegram side of the outbox: send one message, and show the admin progress and the report.

Broadcasts use their own `Bot` (own HTTP connection pool, no rate limiter of the application),
so a long broadcast never queues up the answers to questions.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import HTTPXRequest

from thekiz_bot.broadcast.outbox import BroadcastStats, Job, Outbox
from thekiz_bot.broadcast.worker import SendResult
from thekiz_bot.telegram.events import texts as event_texts

log = logging.getLogger(__name__)
T = TypeVar("T")

# Telegram's wording when the chat cannot be reached any more; no retry helps.
_GONE = ("chat not found", "user is deactivated", "bot was kicked", "peer_id_invalid",
         "have no rights to send", "need administrator rights", "chat_write_forbidden")


def calendar_button(event_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(event_texts.CALENDAR_BUTTON, callback_data=f"ev1:ics:{event_id}")]]
    )


def retry_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PTB 22 warns about the int/timedelta transition
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def classify(exc: TelegramError) -> SendResult:
    """What an error of sendMessage means for the outbox."""
    if isinstance(exc, RetryAfter):
        return SendResult("retry_after", retry_after=retry_seconds(exc), detail=str(exc))
    if isinstance(exc, Forbidden):
        return SendResult("blocked", detail=exc.message)
    if isinstance(exc, BadRequest):
        text = exc.message.lower()
        if any(marker in text for marker in _GONE):
            return SendResult("blocked", detail=exc.message)
        return SendResult("failed", detail=exc.message)
    if isinstance(exc, NetworkError):  # includes TimedOut and 5xx answers
        return SendResult("transient", detail=exc.message)
    return SendResult("transient", detail=str(exc))


def broadcast_bot(token: str, base_url: str) -> Bot:
    request = HTTPXRequest(connection_pool_size=8, read_timeout=15.0, write_timeout=15.0,
                           connect_timeout=10.0, pool_timeout=5.0)
    return Bot(token, base_url=base_url, request=request)


class TelegramSender:
    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def send(self, job: Job) -> SendResult:
        markup = None
        if job.event_id is not None and job.purpose != "cancellation":
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
        return SendResult("delivered", message_id=message.message_id)


async def _retrying(call: Callable[[], Awaitable[T]], attempts: int = 4) -> T:
    """Admin messages are few: wait out 429s and retry 5xx/timeouts a few times."""
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except RetryAfter as exc:
            if attempt == attempts:
                raise
            await asyncio.sleep(retry_seconds(exc))
        except (TimedOut, NetworkError) as exc:
            if attempt == attempts or isinstance(exc, BadRequest):
                raise
            await asyncio.sleep(0.5 * 2 ** (attempt - 1))
    raise AssertionError("unreachable")


class AdminReporter:
    """Progress while a broadcast runs and the final report, in the admin's chat."""

    def __init__(self, bot: Bot, outbox: Outbox) -> None:
        self._bot = bot
        self._outbox = outbox

    async def progress(self, stats: BroadcastStats) -> None:
        if stats.report_chat_id is None:
            return
        text = event_texts.progress(stats)
        if stats.progress_message_id is None:
            message = await self._bot.send_message(stats.report_chat_id, text,
                                                   parse_mode=ParseMode.HTML)
            self._outbox.set_progress_message(stats.broadcast_id, message.message_id)
            return
        try:
            await self._bot.edit_message_text(text, chat_id=stats.report_chat_id,
                                              message_id=stats.progress_message_id,
                                              parse_mode=ParseMode.HTML)
        except BadRequest as exc:
            if "not modified" not in exc.message:
                raise

    async def finished(self, stats: BroadcastStats) -> None:
        if stats.report_chat_id is None:
            return
        if stats.progress_message_id is not None:
            try:
                await self._bot.edit_message_text(
                    event_texts.progress(stats), chat_id=stats.report_chat_id,
                    message_id=stats.progress_message_id, parse_mode=ParseMode.HTML,
                )
            except TelegramError as exc:  # the report below matters more
                log.info("could not update the progress message: %s", exc)
        chat_id = stats.report_chat_id
        await _retrying(lambda: self._bot.send_message(chat_id, event_texts.report(stats),
                                                       parse_mode=ParseMode.HTML))
