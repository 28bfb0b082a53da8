"""Build incoming updates as Telegram sends them (Bot API JSON), for the fake server."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

from tests.helpers.fakes.botapi import FakeBotApi, FakeMessage

# A username mention as Telegram's clients mark it: not inside a word or an e-mail address.
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{5,32}\b")
_COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{5,32})?")


@dataclass(frozen=True)
class TgUser:
    id: int
    first_name: str = "Erika"
    last_name: str | None = "Muster"
    username: str | None = None
    language_code: str = "de"

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id, "is_bot": False, "first_name": self.first_name,
            "language_code": self.language_code,
        }
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        return data

    @property
    def private_chat(self) -> TgChat:
        return TgChat(self.id, "private", first_name=self.first_name)


@dataclass(frozen=True)
class TgChat:
    id: int
    type: str = "private"
    title: str | None = None
    first_name: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.title:
            data["title"] = self.title
        if self.first_name and self.type == "private":
            data["first_name"] = self.first_name
        return data


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _offset(text: str, index: int) -> int:
    return _utf16(text[:index])


def text_entities(text: str) -> list[dict[str, Any]]:
    """The bot_command and mention entities the Telegram client would attach."""
    entities: list[dict[str, Any]] = []
    command = _COMMAND.match(text)
    if command:
        entities.append({"type": "bot_command", "offset": 0,
                         "length": _utf16(command.group(0))})
    for match in _MENTION.finditer(text):
        if command and match.start() < command.end():
            continue  # "/frage@bot" is one bot_command entity, not a command and a mention
        entities.append({"type": "mention", "offset": _offset(text, match.start()),
                         "length": _utf16(match.group(0))})
    return entities


def message_update(
    api: FakeBotApi,
    user: TgUser,
    text: str,
    chat: TgChat | None = None,
    reply_to: FakeMessage | None = None,
) -> dict[str, Any]:
    """A text message from `user` in `chat` (their private chat by default)."""
    chat = chat or user.private_chat
    message: dict[str, Any] = {
        "message_id": api.next_message_id(chat.id),
        "from": user.to_json(),
        "chat": chat.to_json(),
        "date": int(time.time()),
        "text": text,
    }
    entities = text_entities(text)
    if entities:
        message["entities"] = entities
    if reply_to is not None:
        message["reply_to_message"] = reply_to.raw
    return {"message": message}


def callback_update(
    api: FakeBotApi, user: TgUser, message: FakeMessage, data: str
) -> dict[str, Any]:
    """The user pressed an inline button with `data` under `message`."""
    return {
        "callback_query": {
            "id": api.new_query_id(),
            "from": user.to_json(),
            "message": message.raw,
            "chat_instance": f"ci{message.chat_id}",
            "data": data,
        }
    }


def inline_update(api: FakeBotApi, user: TgUser, query: str, offset: str = "") -> dict[str, Any]:
    return {
        "inline_query": {
            "id": api.new_query_id(),
            "from": user.to_json(),
            "query": query,
            "offset": offset,
            "chat_type": "sender",
        }
    }
