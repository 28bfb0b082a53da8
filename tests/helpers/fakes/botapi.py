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
import json
import math
import re
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import tornado.httpserver
import tornado.netutil
import tornado.web

from tests.helpers.fakes.telegram_html import HtmlParseError, ParsedText, parse_html

DEFAULT_TOKEN = "123456789:AAFakeTokenForTests_abcdefghijklmnopq"
MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_ANSWER_LIMIT = 200
INLINE_RESULTS_LIMIT = 50
CHAT_ACTIONS = {
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note",
    "upload_video_note",
}
SEND_METHODS = {"sendMessage", "sendDocument", "sendPhoto", "copyMessage", "forwardMessage"}
# Parameters that are plain strings on the wire; everything else is JSON-encoded by the client.
TEXT_PARAMS = {
    "text", "caption", "query", "parse_mode", "callback_query_id", "inline_query_id",
    "next_offset", "url", "action", "secret_token", "language_code", "description",
    "short_description", "name", "title", "inline_message_id", "emoji", "ip_address",
}
COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")


class ApiError(Exception):
    """An error answer of the Bot API: HTTP status, description, optional parameters."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


def bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


@dataclass
class ApiCall:
    method: str
    params: dict[str, Any]
    status: int
    response: dict[str, Any]
    at: float

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def description(self) -> str:
        return str(self.response.get("description", ""))


@dataclass
class FakeMessage:
    """A message in the fake's chats, with the HTML the bot sent and what Telegram would show."""

    chat_id: int
    message_id: int
    from_bot: bool
    text: str = ""
    html: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    document: dict[str, Any] | None = None
    reply_to_message_id: int | None = None
    edit_count: int = 0
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def buttons(self) -> list[dict[str, Any]]:
        if not self.reply_markup:
            return []
        return [b for row in self.reply_markup.get("inline_keyboard", []) for b in row]

    def button(self, text_part: str) -> dict[str, Any]:
        """The first button whose label contains `text_part`."""
        for button in self.buttons:
            if text_part in button["text"]:
                return button
        labels = [b["text"] for b in self.buttons]
        raise AssertionError(f"no button containing {text_part!r}; buttons: {labels}")


@dataclass
class InjectedFailure:
    method: str
    status: int
    description: str
    retry_after: int | None = None
    chat_id: int | None = None
    remaining: int | None = 1  # None: for ever
    delay: float = 0.0

    def matches(self, method: str, chat_id: Any) -> bool:
        if self.remaining is not None and self.remaining <= 0:
            return False
        if self.method not in (method, "*"):
            return False
        return self.chat_id is None or self.chat_id == chat_id


@dataclass(frozen=True)
class RateLimits:
    """Telegram's published limits for bots (https://core.telegram.org/bots/faq).

    A private chat gets about one message per second, with a short burst allowance: a bucket
    of 1 + `chat_burst` messages, refilled at `per_chat_per_second`. A group gets 20 per
    minute, all chats together 30 per second. Beyond, Telegram answers 429 with `retry_after`.
    """

    overall_per_second: int = 30
    per_chat_per_second: float = 1.0
    per_group_per_minute: int = 20
    chat_burst: int = 3


_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: injected error",
    403: "Forbidden: bot was blocked by the user",
    409: "Conflict: terminated by other getUpdates request",
    429: "Too Many Requests: retry after {retry_after}",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


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
        self.rate_limits: RateLimits | None = None
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
        self._sent_at: dict[Any, deque[float]] = defaultdict(deque)
        self._chat_tokens: dict[int, tuple[float, float]] = {}  # chat → (tokens, at)
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
            [(r"/bot([^/]+)/([A-Za-z]+)", _MethodHandler, {"api": self})],
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
        text = description or _DEFAULT_DESCRIPTIONS.get(status, f"Error {status}")
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
        self.rate_limits = limits or RateLimits()

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
            handler = _METHODS.get(method)
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
            if failure.matches(method, _as_int(chat_id)):
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
        cid = _as_int(chat_id)
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
        limits = self.rate_limits
        if limits is None:
            return
        now = time.monotonic()
        windows: list[tuple[Any, int, float]] = [("*", limits.overall_per_second, 1.0)]
        if chat["type"] != "private":
            windows.append((chat["id"], limits.per_group_per_minute, 60.0))
        for key, allowed, window in windows:
            sent = self._sent_at[key]
            while sent and now - sent[0] >= window:
                sent.popleft()
            if len(sent) >= allowed:
                self._too_many(window - (now - sent[0]))
        if chat["type"] == "private":
            chat_id = int(chat["id"])
            capacity = 1.0 + limits.chat_burst
            tokens, at = self._chat_tokens.get(chat_id, (capacity, now))
            tokens = min(capacity, tokens + (now - at) * limits.per_chat_per_second)
            if tokens < 1:
                self._chat_tokens[chat_id] = (tokens, now)
                self._too_many((1 - tokens) / limits.per_chat_per_second)
            self._chat_tokens[chat_id] = (tokens - 1, now)
        for key, _, _ in windows:
            self._sent_at[key].append(now)

    @staticmethod
    def _too_many(wait: float) -> None:
        # Telegram states whole seconds, rounded up.
        seconds = max(1, math.ceil(wait))
        raise ApiError(429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds})

    def parse_text(self, text: Any, parse_mode: Any, limit: int, what: str) -> ParsedText:
        if not isinstance(text, str) or not text.strip():
            raise bad_request(f"{what} is empty")
        if parse_mode is None or parse_mode == "":
            parsed = ParsedText(text)
        elif str(parse_mode).lower() == "html":
            try:
                parsed = parse_html(text)
            except HtmlParseError as exc:
                raise bad_request(str(exc)) from exc
        else:
            raise bad_request(f"unsupported parse_mode {parse_mode!r} in the fake (use HTML)")
        if not parsed.text.strip():
            raise bad_request(f"{what} is empty")
        if parsed.length > limit:
            raise bad_request("message is too long" if what != "caption" else "caption is too long")
        return parsed

    def check_markup(self, markup: Any) -> dict[str, Any] | None:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" not in markup:
            return markup  # reply keyboards and ForceReply: accepted as they are
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or sum(len(r) for r in rows) > 100:
            raise bad_request("too many buttons")
        for row in rows:
            if len(row) > 8:
                raise bad_request("too many buttons in a row")
            for button in row:
                if not str(button.get("text", "")).strip():
                    raise bad_request("BUTTON_TEXT_INVALID")
                data = button.get("callback_data")
                actions = [k for k in ("callback_data", "url", "switch_inline_query",
                                       "switch_inline_query_current_chat",
                                       "switch_inline_query_chosen_chat", "copy_text",
                                       "web_app", "login_url", "pay", "callback_game")
                           if k in button]
                if len(actions) != 1:
                    raise bad_request("can't parse inline keyboard button: exactly one of the "
                                      "optional fields must be used")
                if data is not None and not 1 <= len(str(data).encode("utf-8")) <= 64:
                    raise bad_request("BUTTON_DATA_INVALID")
                url = button.get("url")
                if url is not None and not re.match(r"^(https?|tg)://\S+$", str(url)):
                    raise bad_request("wrong HTTP URL specified")
        return markup

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
        chat_id = _as_int(params.get("chat_id"))
        message_id = _as_int(params.get("message_id"))
        self.chat(chat_id)
        message = self._messages.get((chat_id or 0, message_id or 0))
        if message is None:
            raise bad_request("message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return message


# --- Bot API methods --------------------------------------------------------------------------

def _as_int(value: Any) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _reply_to(params: dict[str, Any]) -> int | None:
    reply = params.get("reply_parameters")
    if isinstance(reply, dict):
        return _as_int(reply.get("message_id"))
    return _as_int(params.get("reply_to_message_id"))


def _check_reply(api: FakeBotApi, chat_id: int, params: dict[str, Any]) -> int | None:
    reply_to = _reply_to(params)
    if reply_to is None or (chat_id, reply_to) in api._messages:
        return reply_to
    reply = params.get("reply_parameters") or {}
    if reply.get("allow_sending_without_reply") or params.get("allow_sending_without_reply"):
        return None
    raise bad_request("message to be replied not found")


def get_me(api: FakeBotApi, params: dict[str, Any]) -> Any:
    return api.bot_user


async def get_updates(api: FakeBotApi, params: dict[str, Any]) -> Any:
    offset = _as_int(params.get("offset")) or 0
    limit = _as_int(params.get("limit")) or 100
    timeout = float(params.get("timeout") or 0)
    # Confirming updates: everything below offset is gone for good, like on Telegram.
    while api._updates and int(api._updates[0]["update_id"]) < offset:
        api._updates.popleft()
    if not api._updates and timeout > 0 and not api._closing:
        async with api._new_update:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    api._new_update.wait_for(lambda: bool(api._updates) or api._closing), timeout
                )
    return [u for u in list(api._updates)[:limit] if int(u["update_id"]) >= offset]


def delete_webhook(api: FakeBotApi, params: dict[str, Any]) -> Any:
    return True


def set_webhook(api: FakeBotApi, params: dict[str, Any]) -> Any:
    if not str(params.get("url", "")).startswith("https://"):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    return True


def get_webhook_info(api: FakeBotApi, params: dict[str, Any]) -> Any:
    return {"url": "", "has_custom_certificate": False, "pending_update_count": len(api._updates)}


def send_message(api: FakeBotApi, params: dict[str, Any]) -> Any:
    chat = api.chat(params.get("chat_id"))
    parsed = api.parse_text(params.get("text"), params.get("parse_mode"), MESSAGE_LIMIT, "message text")
    markup = api.check_markup(params.get("reply_markup"))
    reply_to = _check_reply(api, int(chat["id"]), params)
    api.check_rate_limit(chat)
    return api.new_bot_message(chat, parsed, params.get("text"), markup, reply_to).raw


def send_document(api: FakeBotApi, params: dict[str, Any]) -> Any:
    chat = api.chat(params.get("chat_id"))
    document = params.get("document")
    if not isinstance(document, dict):
        raise bad_request("there is no document in the request")
    parsed = None
    if params.get("caption"):
        parsed = api.parse_text(params["caption"], params.get("parse_mode"), CAPTION_LIMIT, "caption")
    markup = api.check_markup(params.get("reply_markup"))
    reply_to = _check_reply(api, int(chat["id"]), params)
    api.check_rate_limit(chat)
    return api.new_bot_message(chat, parsed, params.get("caption"), markup, reply_to, document).raw


def edit_message_text(api: FakeBotApi, params: dict[str, Any]) -> Any:
    parsed = api.parse_text(params.get("text"), params.get("parse_mode"), MESSAGE_LIMIT, "message text")
    markup = api.check_markup(params.get("reply_markup"))
    if params.get("inline_message_id"):
        return True
    message = api.bot_message(params)
    if message.text == parsed.text and message.entities == parsed.entities and (
        message.reply_markup == markup
    ):
        raise bad_request(
            "message is not modified: specified new message content and reply markup are "
            "exactly the same as a current content and reply markup of the message"
        )
    message.text, message.html, message.entities = parsed.text, params.get("text"), parsed.entities
    message.reply_markup = markup
    message.edit_count += 1
    message.raw.update({"text": parsed.text, "edit_date": int(time.time())})
    message.raw.pop("entities", None)
    if parsed.entities:
        message.raw["entities"] = parsed.entities
    message.raw.pop("reply_markup", None)
    if markup:
        message.raw["reply_markup"] = markup
    return message.raw


def edit_message_reply_markup(api: FakeBotApi, params: dict[str, Any]) -> Any:
    markup = api.check_markup(params.get("reply_markup"))
    if params.get("inline_message_id"):
        return True
    message = api.bot_message(params)
    if message.reply_markup == markup or (not message.reply_markup and not markup):
        raise bad_request(
            "message is not modified: specified new message content and reply markup are "
            "exactly the same as a current content and reply markup of the message"
        )
    message.reply_markup = markup
    message.edit_count += 1
    message.raw.pop("reply_markup", None)
    if markup:
        message.raw["reply_markup"] = markup
    return message.raw


def delete_message(api: FakeBotApi, params: dict[str, Any]) -> Any:
    message = api.bot_message(params)
    api._messages.pop((message.chat_id, message.message_id), None)
    api._chat_messages[message.chat_id].remove(message)
    return True


def answer_callback_query(api: FakeBotApi, params: dict[str, Any]) -> Any:
    query_id = str(params.get("callback_query_id", ""))
    if query_id not in api._open_callback_queries:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    text = params.get("text")
    if text is not None and len(str(text)) > CALLBACK_ANSWER_LIMIT:
        raise bad_request("MESSAGE_TOO_LONG")
    api._open_callback_queries.discard(query_id)
    return True


def answer_inline_query(api: FakeBotApi, params: dict[str, Any]) -> Any:
    query_id = str(params.get("inline_query_id", ""))
    if query_id not in api._open_inline_queries:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    results = params.get("results")
    if not isinstance(results, list):
        raise bad_request("can't parse inline query results JSON object")
    if len(results) > INLINE_RESULTS_LIMIT:
        raise bad_request("RESULTS_TOO_MUCH")
    seen: set[str] = set()
    for result in results:
        result_id = str(result.get("id", ""))
        if not 1 <= len(result_id.encode("utf-8")) <= 64:
            raise bad_request("RESULT_ID_INVALID")
        if result_id in seen:
            raise bad_request("RESULT_ID_DUPLICATE")
        seen.add(result_id)
        if result.get("type") == "article":
            if not str(result.get("title", "")).strip():
                raise bad_request("RESULT_TITLE_EMPTY")
            content = result.get("input_message_content")
            if not isinstance(content, dict):
                raise bad_request("input_message_content is required for an article")
            api.parse_text(content.get("message_text"), content.get("parse_mode"), MESSAGE_LIMIT,
                           "message text")
        api.check_markup(result.get("reply_markup"))
    button = params.get("button")
    if button is not None:
        start = str(button.get("start_parameter", ""))
        if "start_parameter" in button and not re.match(r"^[A-Za-z0-9_-]{1,64}$", start):
            raise bad_request("START_PARAM_INVALID")
    api._open_inline_queries.discard(query_id)
    return True


def set_my_commands(api: FakeBotApi, params: dict[str, Any]) -> Any:
    commands = params.get("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("commands must be a list of at most 100 commands")
    for command in commands:
        if not COMMAND_NAME.match(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    api.commands[_scope_key(params)] = commands
    return True


def get_my_commands(api: FakeBotApi, params: dict[str, Any]) -> Any:
    return api.commands.get(_scope_key(params), [])


def delete_my_commands(api: FakeBotApi, params: dict[str, Any]) -> Any:
    api.commands.pop(_scope_key(params), None)
    return True


def _scope_key(params: dict[str, Any]) -> str:
    scope = params.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True) + "|" + str(params.get("language_code") or "")


def send_chat_action(api: FakeBotApi, params: dict[str, Any]) -> Any:
    api.chat(params.get("chat_id"))
    if params.get("action") not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


def get_chat(api: FakeBotApi, params: dict[str, Any]) -> Any:
    chat = api.chat(params.get("chat_id"))
    return {"accent_color_id": 0, "max_reaction_count": 11, **chat}


def set_chat_menu_button(api: FakeBotApi, params: dict[str, Any]) -> Any:
    return True


def close_or_log_out(api: FakeBotApi, params: dict[str, Any]) -> Any:
    return True


_METHODS: dict[str, Callable[[FakeBotApi, dict[str, Any]], Any]] = {
    "getMe": get_me,
    "getUpdates": get_updates,
    "deleteWebhook": delete_webhook,
    "setWebhook": set_webhook,
    "getWebhookInfo": get_webhook_info,
    "sendMessage": send_message,
    "sendDocument": send_document,
    "editMessageText": edit_message_text,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "answerCallbackQuery": answer_callback_query,
    "answerInlineQuery": answer_inline_query,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "sendChatAction": send_chat_action,
    "getChat": get_chat,
    "setChatMenuButton": set_chat_menu_button,
    "close": close_or_log_out,
    "logOut": close_or_log_out,
}


class _MethodHandler(tornado.web.RequestHandler):
    def initialize(self, api: FakeBotApi) -> None:
        self.api = api

    async def get(self, token: str, method: str) -> None:
        await self.post(token, method)

    async def post(self, token: str, method: str) -> None:
        status, body = await self.api.handle(token, method, self._params())
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body, ensure_ascii=False))

    def _params(self) -> dict[str, Any]:
        params: dict[str, Any] = {}
        content_type = self.request.headers.get("Content-Type", "")
        if content_type.startswith("application/json") and self.request.body:
            params.update(json.loads(self.request.body))
            return params
        arguments = {**self.request.query_arguments, **self.request.body_arguments}
        for name, values in arguments.items():
            raw = values[-1].decode("utf-8")
            params[name] = raw if name in TEXT_PARAMS else _decode_json(raw)
        for name, files in self.request.files.items():
            upload = files[0]
            params[name] = {
                "file_id": f"fake-file-{len(self.api.calls())}",
                "file_unique_id": f"u{len(self.api.calls())}",
                "file_name": upload["filename"],
                "mime_type": upload["content_type"],
                "file_size": len(upload["body"]),
                "content": upload["body"],
            }
        # A file given by attach://name refers to a multipart part of that name.
        for name, value in list(params.items()):
            if isinstance(value, str) and value.startswith("attach://"):
                params[name] = params.get(value.removeprefix("attach://"), value)
        return params


def _decode_json(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw
