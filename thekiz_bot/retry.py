"""Retrying with exponential backoff: the one schedule and the one async retry loop.

`Backoff` is the schedule (1 s, 2 s, 4 s … up to a maximum). It is used both where a retry
waits in memory (`retry`, e.g. a message to an admin) and where it is written down to be done
later (the broadcast outbox, which must survive a restart and so cannot sleep in a loop).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Backoff:
    initial: float = 1.0
    maximum: float = 60.0
    factor: float = 2.0

    def delay(self, attempt: int) -> float:
        """The wait after failed attempt number `attempt` (1-based)."""
        return min(self.maximum, self.initial * self.factor ** max(0, attempt - 1))


# Given the error and the number of the attempt that failed: seconds to wait before the next
# attempt, or None when retrying cannot help (the error is raised).
RetryDecision = Callable[[Exception, int], "float | None"]


async def retry(
    call: Callable[[], Awaitable[T]],
    decide: RetryDecision,
    *,
    attempts: int = 4,
    max_total_wait: float | None = None,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> T:
    """Await `call()` until it succeeds, waiting as `decide` says between attempts.

    Gives up (re-raising the last error) after `attempts` calls, when `decide` returns None,
    or when the next wait would take the waiting in total beyond `max_total_wait` seconds.
    """
    waited = 0.0
    attempt = 1
    while True:
        try:
            return await call()
        except Exception as exc:
            delay = decide(exc, attempt) if attempt < attempts else None
            if delay is None or (max_total_wait is not None and waited + delay > max_total_wait):
                raise
            waited += delay
            attempt += 1
            await sleep(max(0.0, delay))
