"""Telegram's flood limits for the bot's replies: paced per chat, 429 waited out, nothing lost.

Telegram allows a bot about one message per second in a private chat (short bursts pass),
20 per minute in a group and 30 per second overall, and answers 429 with `retry_after` beyond.
This limiter paces every message-sending request per chat and overall (token buckets), so the
limits are rarely hit. When Telegram still says 429, only that chat waits `retry_after` and
then the request is sent again, for up to `max_wait` seconds in total (as long as a person would
wait for an answer); the chat's later messages wait behind it, so the order holds. Timeouts,
connection errors and 5xx answers are retried with backoff (`thekiz_bot.retry`). A retried
send can arrive twice if the first attempt reached Telegram but its answer was lost; for a chat
answer that is the better failure. Only what still fails reaches the error handler's apology.

Broadcasts use their own Bot with their own pacing (broadcast/), not this limiter.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter

from thekiz_bot.broadcast.telegram_sender import retry_seconds
from thekiz_bot.retry import Backoff, retry

log = logging.getLogger(__name__)

Result = bool | dict[str, Any] | list[dict[str, Any]]
# Chat actions ("typing …") are not messages; everything else with a chat_id is paced.
_NOT_PACED = frozenset({"sendChatAction"})
_MANY = 1_000  # attempts: the limit is the waiting time, not the count
_IDLE_GATES = 1_000  # forget the pacing state of idle chats beyond this many


@dataclass(frozen=True)
class FloodLimits:
    """The pace the bot keeps; the defaults stay just inside Telegram's published limits."""

    overall_per_second: float = 30.0
    private_per_second: float = 1.0
    private_burst: int = 3
    group_per_minute: float = 20.0
    group_burst: int = 3
    # How long a reply may wait for Telegram's retry_after before the user gets the apology.
    max_wait: float = 60.0
    network_attempts: int = 4
    backoff: Backoff = field(default_factory=lambda: Backoff(initial=1.0, maximum=8.0))

    @property
    def paced(self) -> bool:
        return self.overall_per_second > 0


class TokenBucket:
    """`burst` requests at once, then `rate` per second; in any window of T seconds at most
    burst + rate·T requests pass."""

    def __init__(self, rate: float, burst: float, clock: Callable[[], float] = time.monotonic):
        self._rate = rate
        self._burst = max(1.0, burst)
        self._tokens = self._burst
        self._clock = clock
        self._updated = clock()
        self._lock = asyncio.Lock()

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self._burst, self._tokens + (now - self._updated) * self._rate)
        self._updated = now

    @property
    def idle(self) -> bool:
        self._refill()
        return self._tokens >= self._burst and not self._lock.locked()

    async def take(self) -> None:
        async with self._lock:  # FIFO: whoever came first sends first
            self._refill()
            if self._tokens < 1:
                await asyncio.sleep((1 - self._tokens) / self._rate)
                self._refill()
            self._tokens -= 1


@dataclass
class _Chat:
    bucket: TokenBucket
    # Held from pacing until the answer: one request of a chat at a time, in order.
    turn: asyncio.Lock = field(default_factory=asyncio.Lock)


class FloodSafeRateLimiter(BaseRateLimiter[int]):
    def __init__(self, limits: FloodLimits | None = None) -> None:
        self.limits = limits or FloodLimits()
        overall = self.limits.overall_per_second
        burst = max(1.0, overall / 6)
        # burst + rate·1 s stays within the per-second limit in every second.
        self._overall = TokenBucket(overall - burst, burst) if overall > burst else None
        self._chats: dict[int, _Chat] = {}

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        self._chats.clear()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        chat_id = _chat_id(data) if endpoint not in _NOT_PACED else None
        chat = self._chat(chat_id) if chat_id is not None and self.limits.paced else None

        async def send() -> Result:
            if chat is not None:
                await chat.bucket.take()
            if self._overall is not None and chat_id is not None:
                await self._overall.take()
            return await callback(*args, **kwargs)

        decide = self._decision(endpoint, chat_id)
        if chat is None:
            return await retry(send, decide, attempts=_MANY, max_total_wait=self.limits.max_wait)
        async with chat.turn:
            return await retry(send, decide, attempts=_MANY, max_total_wait=self.limits.max_wait)

    def _decision(self, endpoint: str,
                  chat_id: int | None) -> Callable[[Exception, int], float | None]:
        network_failures = 0

        def decide(exc: Exception, attempt: int) -> float | None:
            nonlocal network_failures
            if isinstance(exc, RetryAfter):
                wait = retry_seconds(exc)
                log.info("%s to %s: flood control, retry in %.0f s", endpoint, chat_id, wait)
                return wait
            # BadRequest is a NetworkError subclass in python-telegram-bot, but final.
            if isinstance(exc, NetworkError) and not isinstance(exc, BadRequest):
                network_failures += 1
                if network_failures >= self.limits.network_attempts:
                    return None
                wait = self.limits.backoff.delay(network_failures)
                log.warning("%s failed (%s); retry %d in %.1f s", endpoint, exc.message,
                            network_failures, wait)
                return wait
            return None

        return decide

    def _chat(self, chat_id: int) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            if len(self._chats) >= _IDLE_GATES:
                self._forget_idle()
            chat = _Chat(self._bucket_for(chat_id))
            self._chats[chat_id] = chat
        return chat

    def _bucket_for(self, chat_id: int) -> TokenBucket:
        limits = self.limits
        if chat_id > 0:  # users' private chats have positive ids, groups and channels negative
            return TokenBucket(limits.private_per_second, limits.private_burst)
        # burst + rate·60 s stays within the per-minute limit in every minute.
        rate = max(limits.group_per_minute - limits.group_burst, 1) / 60
        return TokenBucket(rate, limits.group_burst)

    def _forget_idle(self) -> None:
        for chat_id in [c for c, chat in self._chats.items()
                        if chat.bucket.idle and not chat.turn.locked()]:
            del self._chats[chat_id]


def _chat_id(data: dict[str, Any]) -> int | None:
    try:
        return int(data["chat_id"])
    except (KeyError, TypeError, ValueError):
        return None  # no chat (callback and inline answers) or a channel's @name
