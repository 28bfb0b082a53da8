"""The fake Bot API with the faults a big broadcast meets (for outbox tests and the benchmark).

Adds to FakeBotApi, without changing it:
- `fail_probability`: answer that share of sendMessage calls with 500 (seeded, reproducible);
- `start_storm(seconds, retry_after)`: every send is answered 429 for a while (a flood wave);
- `hold_after_delivery(chat_id)`: deliver the message, then hold the answer back until
  `release()` — the bot is "in flight" with a message Telegram already has (crash tests);
- `deliveries(text_part)`: how often each chat received a message containing `text_part`;
- `latency`: seconds every Bot API call takes, the parent's `set_latency` (one option, so the
  injected 500s and 429s take as long as real answers).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from typing import Any

from tests.helpers.fakes.botapi import SEND_METHODS, ApiCall, FakeBotApi


class BroadcastFakeBotApi(FakeBotApi):
    def __init__(self, *args: Any, fail_probability: float = 0.0, seed: int = 4,
                 latency: float = 0.0, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fail_probability = fail_probability
        self.set_latency(latency)
        self._random = random.Random(seed)
        self._storm_until = 0.0
        self._storm_retry_after = 1
        self._hold_chat: int | None = None
        self._held = asyncio.Event()
        self._release = asyncio.Event()
        self.injected_500 = 0
        self.storm_429 = 0

    def start_storm(self, seconds: float, retry_after: int = 1) -> None:
        self._storm_until = time.monotonic() + seconds
        self._storm_retry_after = retry_after

    def hold_after_delivery(self, chat_id: int) -> None:
        self._hold_chat = chat_id
        self._held.clear()
        self._release.clear()

    async def wait_held(self, timeout: float = 10.0) -> None:
        await asyncio.wait_for(self._held.wait(), timeout)

    def release(self) -> None:
        self._hold_chat = None
        self._release.set()

    def deliveries(self, text_part: str) -> Counter[int]:
        counts: Counter[int] = Counter()
        for chat_id, messages in self._chat_messages.items():
            for message in messages:
                if message.from_bot and text_part in message.text:
                    counts[chat_id] += 1
        return counts

    async def _fault(self, method: str, params: dict[str, Any], status: int,
                     body: dict) -> tuple[int, dict]:
        # A refused call takes the network's time too (the parent sleeps only for real calls).
        if self.latency:
            await asyncio.sleep(self.latency)
        self._calls.append(ApiCall(method, {**params, "_injected": True}, status, body,
                                   time.monotonic()))
        return status, body

    async def handle(self, token: str, method: str, params: dict[str, Any]) -> tuple[int, dict]:
        if token == self.token and method in SEND_METHODS:
            if time.monotonic() < self._storm_until:
                self.storm_429 += 1
                wait = self._storm_retry_after
                return await self._fault(method, params, 429, {
                    "ok": False, "error_code": 429,
                    "description": f"Too Many Requests: retry after {wait}",
                    "parameters": {"retry_after": wait}})
            if method == "sendMessage" and self.fail_probability and \
                    self._random.random() < self.fail_probability:
                self.injected_500 += 1
                return await self._fault(method, params, 500, {
                    "ok": False, "error_code": 500, "description": "Internal Server Error"})
        status, body = await super().handle(token, method, params)
        chat = params.get("chat_id")
        if self._hold_chat is not None and status == 200 and method == "sendMessage" \
                and str(chat) == str(self._hold_chat):
            self._held.set()
            await self._release.wait()
        return status, body
