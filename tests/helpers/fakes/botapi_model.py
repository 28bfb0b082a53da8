"""What the fake Bot API is made of: its limits and errors, recorded calls, the messages in its
chats, and how it checks texts and keyboards the way Telegram does."""

from __future__ import annotations

import math
import re
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

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


DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: injected error",
    403: "Forbidden: bot was blocked by the user",
    409: "Conflict: terminated by other getUpdates request",
    429: "Too Many Requests: retry after {retry_after}",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


def as_int(value: Any) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def parse_text(text: Any, parse_mode: Any, limit: int, what: str) -> ParsedText:
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


def check_markup(markup: Any) -> dict[str, Any] | None:
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


class FloodControl:
    """Telegram's flood control as the fake applies it to every message it accepts."""

    def __init__(self, limits: RateLimits) -> None:
        self.limits = limits
        self._sent_at: dict[Any, deque[float]] = defaultdict(deque)
        self._chat_tokens: dict[int, tuple[float, float]] = {}  # chat → (tokens, at)

    def check(self, chat: dict[str, Any]) -> None:
        """429 with retry_after when a message exceeds the limits; else count it."""
        limits = self.limits
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
