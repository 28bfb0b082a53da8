"""A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests.

The real python-telegram-bot `Application` talks to it over HTTP exactly as it would to
api.telegram.org (point `base_url` at `FakeBotApi.base_url`). It answers with real Bot API JSON,
validates requests the way Telegram does (HTML parse mode, 4,096 characters, 1–64-byte callback
data, inline result limits, unknown chats, unanswered callback queries) and records every call.

Test controls:
- `push_update(...)` queues an update for `getUpdates` (see tests/helpers/fakes/updates.py for builders);
- `inject_error(method, status, ...)` makes the next call(s) fail with 400/403/429/500;
  `inject_timeout(method, seconds)` answers late and drops the request (a lost response);
- `block(chat_id)` makes every send to that chat fail with 403 like a user who blocked the bot;
- `enable_rate_limits(RateLimits(...))` answers 429 with `retry_after` when the bot sends faster
  than Telegram allows (overall, per chat, per group);
- `calls(method)`, `messages_to(chat_id)`, `rejected()` for assertions.

It runs on the test's own event loop (tornado on asyncio), so handlers and tests share state
without locks. Use it as `async with FakeBotApi() as api: ...`.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Any

import tornado.httpserver
import tornado.netutil
import tornado.web

from tests.helpers.fakes.botapi_methods import METHODS, MethodHandler
from tests.helpers.fakes.botapi_model import (
    DEFAULT_DESCRIPTIONS,
    DEFAULT_TOKEN,
    SEND_METHODS,
    ApiCall,
    ApiError,
    FakeMessage,
    FloodControl,
    InjectedFailure,
    ParsedText,
    RateLimits,
    as_int,
    bad_request,
)

__all__ = ["DEFAULT_TOKEN", "SEND_METHODS", "ApiCall", "ApiError", "FakeBotApi", "FakeMessage",
           "RateLimits"]


class FakeBotApi:
    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        bot_id: int | None = None,
        username: str = "thekiz_test_bot",
        first_name: str = "ThEKiZ Testbot",
        strict_chats: bool = True,
    ) -> None:
        self.token = token
        self.bot_user = {
            "id": bot_id or int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": first_name,
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        # Telegram refuses to message a chat the bot never saw; set False to allow any chat id.
        self.strict_chats = strict_chats
        self.chats: dict[int, dict[str, Any]] = {}
        self.blocked: set[int] = set()
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.flood: FloodControl | None = None
        self._calls: list[ApiCall] = []
        self._failures: list[InjectedFailure] = []
        self._updates: deque[dict[str, Any]] = deque()
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = defaultdict(lambda: itertools.count(1))
        self._messages: dict[tuple[int, int], FakeMessage] = {}
        self._chat_messages: dict[int, list[FakeMessage]] = defaultdict(list)
        self._open_callback_queries: set[str] = set()
        self._open_inline_queries: set[str] = set()
        self._query_ids = itertools.count(1000)
        self.latency = 0.0
        self._latency_of: dict[str, float] = {}
        self._new_update = asyncio.Condition()
        self._activity = asyncio.Condition()
        self._server: tornado.httpserver.HTTPServer | None = None
        self._closing = False
        self.port = 0

    # --- lifecycle ----------------------------------------------------------------------

    async def start(self) -> FakeBotApi:
        app = tornado.web.Application(
            [(r"/bot([^/]+)/([A-Za-z]+)", MethodHandler, {"api": self})],
            log_function=lambda handler: None,  # tests assert on calls(), not on access logs
        )
        sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
        self.port = sockets[0].getsockname()[1]
        self._server = tornado.httpserver.HTTPServer(app)
        self._server.add_sockets(sockets)
        return self

    async def stop(self) -> None:
        self._closing = True
        async with self._new_update:
            self._new_update.notify_all()
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None

    async def __aenter__(self) -> FakeBotApi:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """For python-telegram-bot's `base_url` / TELEGRAM_API_BASE_URL (token is appended)."""
        return f"http://127.0.0.1:{self.port}/bot"

    # --- test controls ------------------------------------------------------------------

    def add_chat(self, chat: dict[str, Any]) -> None:
        """Make a chat known (as if its user had started the bot)."""
        self.chats[int(chat["id"])] = dict(chat)

    def push_update(self, update: dict[str, Any]) -> int:
        """Queue an update (without update_id) for getUpdates; returns its update_id."""
        update = dict(update)
        update["update_id"] = next(self._update_ids)
        self._register(update)
        self._updates.append(update)
        asyncio.get_running_loop().create_task(self._notify(self._new_update))
        return int(update["update_id"])

    def new_query_id(self) -> str:
        return str(next(self._query_ids))

    def store_user_message(self, message: dict[str, Any]) -> None:
        """Remember a message a user sent, so the bot can reply to it."""
        chat_id = int(message["chat"]["id"])
        fake = FakeMessage(chat_id, int(message["message_id"]), from_bot=False,
                           text=message.get("text", ""), raw=message)
        self._messages[(chat_id, fake.message_id)] = fake
        self._chat_messages[chat_id].append(fake)

    def next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids[chat_id])

    def inject_error(
        self,
        method: str,
        status: int,
        description: str | None = None,
        *,
        retry_after: int | None = None,
        chat_id: int | None = None,
        times: int | None = 1,
    ) -> InjectedFailure:
        """Fail the next `times` calls of `method` ("*" = any; None = for ever)."""
        if status == 429 and retry_after is None:
            retry_after = 1
        text = description or DEFAULT_DESCRIPTIONS.get(status, f"Error {status}")
        failure = InjectedFailure(method, status, text.format(retry_after=retry_after),
                                  retry_after, chat_id, times)
        self._failures.append(failure)
        return failure

    def inject_timeout(self, method: str, seconds: float, times: int | None = 1) -> InjectedFailure:
        """Answer `seconds` late with 500 and do nothing: the client sees a read timeout."""
        failure = InjectedFailure(method, 500, "Internal Server Error", remaining=times,
                                  delay=seconds)
        self._failures.append(failure)
        return failure

    def clear_failures(self) -> None:
        self._failures.clear()

    def block(self, chat_id: int) -> None:
        self.blocked.add(chat_id)

    def enable_rate_limits(self, limits: RateLimits | None = None) -> None:
        self.flood = FloodControl(limits or RateLimits())

    def set_latency(self, seconds: float, method: str | None = None) -> None:
        """Answer every call (or every call of `method`) `seconds` late, like a real network
        round trip (Telegram from Europe: about 50–100 ms)."""
        if method is None:
            self.latency = seconds
        else:
            self._latency_of[method] = seconds

    # --- assertions ---------------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[ApiCall]:
        return [c for c in self._calls if method is None or c.method == method]

    def call_count(self) -> int:
        return len(self._calls)

    def calls_since(self, index: int, method: str | None = None) -> list[ApiCall]:
        return [c for c in self._calls[index:] if method is None or c.method == method]

    def rejected(self) -> list[ApiCall]:
        """Calls Telegram would have refused (400), i.e. bugs in what the bot sends."""
        return [c for c in self._calls if c.status == 400 and not c.params.get("_injected")]

    def messages_to(self, chat_id: int) -> list[FakeMessage]:
        """Messages the bot sent to a chat, in order, in their current (edited) state."""
        return [m for m in self._chat_messages[chat_id] if m.from_bot]

    def message(self, chat_id: int, message_id: int) -> FakeMessage:
        return self._messages[(chat_id, message_id)]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0,
                       recheck: float = 0.02) -> None:
        """Wait until predicate() holds, re-checking after every API call and every `recheck`
        seconds: what a predicate reads (the outbox in the database, say) often changes just
        after the last call, and the next call may be a long poll seconds later."""
        async def check() -> None:
            async with self._activity:
                while not predicate():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._activity.wait(), recheck)

        await asyncio.wait_for(check(), timeout)

    # --- request handling ---------------------------------------------------------------

    async def handle(self, token: str, method: str, params: dict[str, Any]) -> tuple[int, dict]:
        delay = self._latency_of.get(method, self.latency)
        if delay > 0:
            await asyncio.sleep(delay)
        if token != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        try:
            failure = self._take_failure(method, params.get("chat_id"))
            if failure is not None:
                if failure.delay:
                    await asyncio.sleep(failure.delay)
                params = {**params, "_injected": True}
                raise ApiError(
                    failure.status,
                    failure.description,
                    {"retry_after": failure.retry_after} if failure.retry_after else None,
                )
            handler = METHODS.get(method)
            if handler is None:
                raise ApiError(404, "Not Found")
            result = await handler(self, params) if method == "getUpdates" else handler(self, params)
            status, body = 200, {"ok": True, "result": result}
        except ApiError as error:
            body = {"ok": False, "error_code": error.status, "description": error.description}
            if error.parameters:
                body["parameters"] = error.parameters
            status = error.status
        if method != "getUpdates" or status != 200 or body.get("result"):
            self._calls.append(ApiCall(method, params, status, body, time.monotonic()))
        await self._notify(self._activity)
        return status, body

    def _take_failure(self, method: str, chat_id: Any) -> InjectedFailure | None:
        for failure in self._failures:
            if failure.matches(method, as_int(chat_id)):
                if failure.remaining is not None:
                    failure.remaining -= 1
                return failure
        return None

    async def _notify(self, condition: asyncio.Condition) -> None:
        async with condition:
            condition.notify_all()

    def _register(self, update: dict[str, Any]) -> None:
        """Learn chats from an incoming update and remember user messages and queries."""
        message = update.get("message") or update.get("edited_message")
        if message:
            self.add_chat(message["chat"])
            self.store_user_message(message)
        if "callback_query" in update:
            self._open_callback_queries.add(update["callback_query"]["id"])
        if "inline_query" in update:
            self._open_inline_queries.add(update["inline_query"]["id"])

    # --- helpers for methods ------------------------------------------------------------

    def chat(self, chat_id: Any) -> dict[str, Any]:
        cid = as_int(chat_id)
        if cid is None:
            raise bad_request("chat_id is empty")
        if cid in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if cid not in self.chats:
            if self.strict_chats:
                raise bad_request("chat not found")
            kind = "private" if cid > 0 else "group"
            self.chats[cid] = {"id": cid, "type": kind, "first_name": "Unbekannt"}
        return self.chats[cid]

    def check_rate_limit(self, chat: dict[str, Any]) -> None:
        """429 with retry_after when a message exceeds Telegram's limits; else count it."""
        if self.flood is not None:
            self.flood.check(chat)

    def new_bot_message(
        self,
        chat: dict[str, Any],
        parsed: ParsedText | None,
        source: str | None,
        markup: dict[str, Any] | None,
        reply_to: int | None = None,
        document: dict[str, Any] | None = None,
    ) -> FakeMessage:
        chat_id = int(chat["id"])
        message_id = self.next_message_id(chat_id)
        raw: dict[str, Any] = {
            "message_id": message_id,
            "from": self.bot_user,
            "chat": chat,
            "date": int(time.time()),
        }
        if reply_to is not None and (chat_id, reply_to) in self._messages:
            raw["reply_to_message"] = self._messages[(chat_id, reply_to)].raw
        text_key, entity_key = ("caption", "caption_entities") if document else ("text", "entities")
        if parsed is not None:
            raw[text_key] = parsed.text
            if parsed.entities:
                raw[entity_key] = parsed.entities
        if document is not None:
            raw["document"] = {k: v for k, v in document.items() if k != "content"}
        if markup:
            raw["reply_markup"] = markup
        message = FakeMessage(
            chat_id, message_id, True, parsed.text if parsed else "", source,
            parsed.entities if parsed else [], markup, document, reply_to, raw=raw,
        )
        self._messages[(chat_id, message_id)] = message
        self._chat_messages[chat_id].append(message)
        return message

    def bot_message(self, params: dict[str, Any]) -> FakeMessage:
        chat_id = as_int(params.get("chat_id"))
        message_id = as_int(params.get("message_id"))
        self.chat(chat_id)
        message = self._messages.get((chat_id or 0, message_id or 0))
        if message is None:
            raise bad_request("message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return message
