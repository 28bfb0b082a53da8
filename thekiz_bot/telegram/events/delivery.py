"""The admin's side of a broadcast in the chat: progress while it runs, and the report.

Sending the messages themselves is `thekiz_bot.broadcast.telegram_sender`, shared with the
command line.
"""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

from thekiz_bot.broadcast.outbox import BroadcastStats, Outbox
from thekiz_bot.broadcast.telegram_sender import retry_seconds
from thekiz_bot.retry import Backoff, retry
from thekiz_bot.telegram.texts import announcements as texts

log = logging.getLogger(__name__)
_REPORT_BACKOFF = Backoff(initial=0.5, maximum=4.0)


def _report_retry(exc: Exception, attempt: int) -> float | None:
    """Admin messages are few: wait out 429s and retry 5xx/timeouts a few times."""
    if isinstance(exc, RetryAfter):
        return retry_seconds(exc)
    if isinstance(exc, NetworkError) and not isinstance(exc, BadRequest):
        return _REPORT_BACKOFF.delay(attempt)
    return None


class AdminReporter:
    """Progress while a broadcast runs and the final report, in the admin's chat."""

    def __init__(self, bot: Bot, outbox: Outbox) -> None:
        self._bot = bot
        self._outbox = outbox

    async def progress(self, stats: BroadcastStats) -> None:
        if stats.report_chat_id is None:
            return
        text = texts.progress(stats)
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
                    texts.progress(stats), chat_id=stats.report_chat_id,
                    message_id=stats.progress_message_id, parse_mode=ParseMode.HTML,
                )
            except TelegramError as exc:  # the report below matters more
                log.info("could not update the progress message: %s", exc)
        chat_id = stats.report_chat_id
        await retry(lambda: self._bot.send_message(chat_id, texts.report(stats),
                                                   parse_mode=ParseMode.HTML),
                    _report_retry, attempts=4)
