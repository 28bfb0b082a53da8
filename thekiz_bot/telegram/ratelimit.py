"""Telegram's rate limits plus retries: RetryAfter waits as told, network errors back off.

Built on python-telegram-bot's AIORateLimiter (overall and per-group throttling, RetryAfter);
this adds retries with exponential backoff for timeouts, connection errors and 5xx answers,
which Telegram recommends for transient failures. A retried send can arrive twice if the first
attempt reached Telegram but its answer was lost; for a chat answer that is the better failure.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)


class RetryingRateLimiter(AIORateLimiter):
    def __init__(
        self,
        overall_max_rate: float = 30,
        group_max_rate: float = 20,
        max_retries: int = 3,
        network_retries: int = 3,
        backoff_seconds: float = 1.0,
    ) -> None:
        super().__init__(
            overall_max_rate=overall_max_rate,
            overall_time_period=1,
            group_max_rate=group_max_rate,
            group_time_period=60,
            max_retries=max_retries,
        )
        self._network_retries = network_retries
        self._backoff = backoff_seconds

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        attempt = 0
        while True:
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except NetworkError as exc:
                # BadRequest is a NetworkError subclass in python-telegram-bot, but final.
                if isinstance(exc, BadRequest) or attempt >= self._network_retries:
                    raise
                delay = self._backoff * 2**attempt
                attempt += 1
                log.warning("%s failed (%s); retry %d in %.1f s", endpoint, exc.message,
                            attempt, delay)
                await asyncio.sleep(delay)
