"""Updates of one chat are handled one after the other, in the order they arrived; different
chats concurrently.

Without this, PTB's concurrent updates let a chat's second message overtake its first one
(its handler yields at every Bot API call and at the matcher thread), so "Hallo" and the
question right after it were answered in shuffled order, and two quick taps on the admin form
raced on the draft: PTB's ConversationHandler relies on one chat's updates coming one by one,
which this processor guarantees (its key is the chat, so one conversation never runs twice).

Inline queries have no chat and answer at once; button presses of a chat wait only for that
chat's earlier updates, never for other chats.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# PTB's own semaphore is taken before `do_process_update` runs; if it ever made an update wait,
# a later update of the same chat could get in first. So it never blocks, and the bound on
# handlers running at the same time is this processor's own (taken in chat order).
_NEVER_BLOCKS = sys.maxsize


def sequence_key(update: object) -> int | None:
    """The chat whose order an update belongs to; None when order does not matter."""
    if not isinstance(update, Update):
        return None
    if update.inline_query is not None or update.chosen_inline_result is not None:
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    # A button under a message sent via inline mode: no chat, but one person pressing it.
    return update.effective_user.id if update.effective_user is not None else None


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Per-chat sequential, globally at most `max_running` handlers at a time."""

    def __init__(self, max_running: int) -> None:
        super().__init__(_NEVER_BLOCKS)
        if max_running < 1:
            raise ValueError("max_running must be at least 1")
        self.max_running = max_running
        self._running = asyncio.BoundedSemaphore(max_running)
        # The last update of each chat that is waiting or running; later ones wait for it.
        self._last: dict[int, asyncio.Future[None]] = {}

    @property
    def busy_chats(self) -> int:
        """Chats with an update waiting or running (for tests and logs)."""
        return len(self._last)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = sequence_key(update)
        if key is None:
            async with self._running:
                await coroutine
            return
        # Nothing awaits between reading and replacing the chat's last update: updates take
        # their place in the order PTB hands them over, which is the order they arrived.
        previous = self._last.get(key)
        mine: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._last[key] = mine
        started = False
        try:
            if previous is not None:
                await asyncio.shield(previous)
            async with self._running:
                started = True
                await coroutine
        finally:
            if not started and asyncio.iscoroutine(coroutine):
                coroutine.close()  # cancelled while waiting its turn (shutdown)
            mine.set_result(None)
            if self._last.get(key) is mine:
                del self._last[key]

    async def initialize(self) -> None:
        """Nothing to set up: the state is created with the processor."""

    async def shutdown(self) -> None:
        """Nothing to free: updates still running finish on their own."""
