"""Drive a real python-telegram-bot Application through the fake Bot API, update by update.

The application polls the fake with getUpdates like in production. To know when an update is
fully handled (all handler groups and the error handler ran), the harness adds one observer
handler in a last group that only records the update id; it changes nothing else.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import Application, TypeHandler

from tests.helpers.fakes.botapi import ApiCall, FakeBotApi, FakeMessage
from tests.helpers.fakes.updates import (
    TgChat,
    TgUser,
    callback_update,
    inline_update,
    message_update,
)

OBSERVER_GROUP = 1_000_000


@dataclass
class Exchange:
    """What the bot did in answer to one update."""

    update_id: int
    calls: list[ApiCall]
    sent: list[FakeMessage] = field(default_factory=list)

    def of(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method]

    @property
    def texts(self) -> list[str]:
        return [m.text for m in self.sent]

    @property
    def text(self) -> str:
        """All new messages' visible text, joined (what the user reads)."""
        return "\n\n".join(self.texts)

    @property
    def last(self) -> FakeMessage:
        assert self.sent, f"the bot sent nothing; calls: {[c.method for c in self.calls]}"
        return self.sent[-1]

    @property
    def callback_answer(self) -> dict[str, Any] | None:
        answers = [c for c in self.of("answerCallbackQuery") if c.ok]
        return answers[-1].params if answers else None

    @property
    def inline_answer(self) -> dict[str, Any] | None:
        answers = [c for c in self.of("answerInlineQuery") if c.ok]
        return answers[-1].params if answers else None

    @property
    def edits(self) -> list[ApiCall]:
        return [c for c in self.calls if c.method.startswith("editMessage") and c.ok]


class BotHarness:
    def __init__(self, api: FakeBotApi, application: Application, timeout: float = 15.0) -> None:
        self.api = api
        self.application = application
        self.timeout = timeout
        self._done: dict[int, asyncio.Event] = {}
        application.add_handler(TypeHandler(Update, self._observe), group=OBSERVER_GROUP)

    async def _observe(self, update: Update, context: object) -> None:
        self._event(update.update_id).set()

    def _event(self, update_id: int) -> asyncio.Event:
        return self._done.setdefault(update_id, asyncio.Event())

    async def start(self) -> BotHarness:
        """The start-up sequence of Application.run_polling, hooks included."""
        app = self.application
        await app.initialize()
        if app.post_init:
            await app.post_init(app)
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=5)
        await app.start()
        return self

    async def stop(self) -> None:
        """The shutdown sequence of Application.run_polling, hooks included."""
        app = self.application
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
            if app.post_stop:
                await app.post_stop(app)
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)

    async def __aenter__(self) -> BotHarness:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def push(self, update: dict[str, Any], chat_id: int | None = None) -> Exchange:
        """Send one update and wait until the application has handled it."""
        first_call = self.api.call_count()
        before = {m.message_id for m in self.api.messages_to(chat_id)} if chat_id else set()
        update_id = self.api.push_update(update)
        await asyncio.wait_for(self._event(update_id).wait(), self.timeout)
        sent = []
        if chat_id is not None:
            sent = [m for m in self.api.messages_to(chat_id) if m.message_id not in before]
        # Polling calls are the harness's doing, not a reaction of the bot to this update.
        calls = [c for c in self.api.calls_since(first_call) if c.method != "getUpdates"]
        return Exchange(update_id, calls, sent)

    def push_all(self, updates: list[dict[str, Any]]) -> list[int]:
        """Queue updates at once, without waiting (a burst, as Telegram delivers one)."""
        return [self.api.push_update(update) for update in updates]

    async def wait_handled(self, update_ids: list[int], timeout: float | None = None) -> None:
        """Wait until the application has fully handled every one of these updates."""
        await asyncio.wait_for(
            asyncio.gather(*(self._event(u).wait() for u in update_ids)),
            timeout or self.timeout)

    async def send(
        self,
        user: TgUser,
        text: str,
        chat: TgChat | None = None,
        reply_to: FakeMessage | None = None,
    ) -> Exchange:
        chat = chat or user.private_chat
        return await self.push(message_update(self.api, user, text, chat, reply_to), chat.id)

    async def press(self, user: TgUser, message: FakeMessage, label: str) -> Exchange:
        """Press the button whose label contains `label` under `message`."""
        data = message.button(label)["callback_data"]
        return await self.press_data(user, message, data)

    async def press_data(self, user: TgUser, message: FakeMessage, data: str) -> Exchange:
        return await self.push(callback_update(self.api, user, message, data), message.chat_id)

    async def inline(self, user: TgUser, query: str) -> Exchange:
        return await self.push(inline_update(self.api, user, query))
