"""The one retry-with-backoff helper."""

from __future__ import annotations

import pytest

from thekiz_bot.retry import Backoff, retry


class Flaky:
    def __init__(self, failures: list[Exception]) -> None:
        self.failures = failures
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return "ok"


def _decide(exc: Exception, attempt: int) -> float | None:
    return Backoff(initial=1.0, maximum=3.0).delay(attempt) if isinstance(exc, TimeoutError) \
        else None


async def test_transient_errors_are_retried_with_growing_waits() -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    call = Flaky([TimeoutError(), TimeoutError(), TimeoutError()])
    assert await retry(call, _decide, attempts=5, sleep=sleep) == "ok"
    assert (call.calls, waits) == (4, [1.0, 2.0, 3.0])


async def test_a_final_error_is_raised_at_once() -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    call = Flaky([ValueError("bad request")])
    with pytest.raises(ValueError):
        await retry(call, _decide, attempts=5, sleep=sleep)
    assert (call.calls, waits) == (1, [])


async def test_giving_up_after_the_attempts_or_the_total_wait() -> None:
    async def sleep(seconds: float) -> None:
        return None

    call = Flaky([TimeoutError()] * 10)
    with pytest.raises(TimeoutError):
        await retry(call, _decide, attempts=3, sleep=sleep)
    assert call.calls == 3
    call = Flaky([TimeoutError()] * 10)
    with pytest.raises(TimeoutError):
        await retry(call, _decide, attempts=10, max_total_wait=3.5, sleep=sleep)
    assert call.calls == 3  # waited 1 + 2; a third wait of 3 s would pass 3.5 s
