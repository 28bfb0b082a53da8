"""The Bot API methods the fake answers, each checking its parameters as Telegram does, and
the HTTP handler that decodes requests (JSON, form fields, multipart files, attach://)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import tornado.web

from tests.helpers.fakes.botapi_model import (
    CALLBACK_ANSWER_LIMIT,
    CAPTION_LIMIT,
    CHAT_ACTIONS,
    COMMAND_NAME,
    INLINE_RESULTS_LIMIT,
    MESSAGE_LIMIT,
    TEXT_PARAMS,
    as_int,
    bad_request,
    check_markup,
    parse_text,
)

if TYPE_CHECKING:
    from tests.helpers.fakes.botapi import FakeBotApi

def _reply_to(params: dict[str, Any]) -> int | None:
    reply = params.get("reply_parameters")
    if isinstance(reply, dict):
        return as_int(reply.get("message_id"))
    return as_int(params.get("reply_to_message_id"))


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
    offset = as_int(params.get("offset")) or 0
    limit = as_int(params.get("limit")) or 100
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
    parsed = parse_text(params.get("text"), params.get("parse_mode"), MESSAGE_LIMIT, "message text")
    markup = check_markup(params.get("reply_markup"))
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
        parsed = parse_text(params["caption"], params.get("parse_mode"), CAPTION_LIMIT, "caption")
    markup = check_markup(params.get("reply_markup"))
    reply_to = _check_reply(api, int(chat["id"]), params)
    api.check_rate_limit(chat)
    return api.new_bot_message(chat, parsed, params.get("caption"), markup, reply_to, document).raw


def edit_message_text(api: FakeBotApi, params: dict[str, Any]) -> Any:
    parsed = parse_text(params.get("text"), params.get("parse_mode"), MESSAGE_LIMIT, "message text")
    markup = check_markup(params.get("reply_markup"))
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
    markup = check_markup(params.get("reply_markup"))
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
            parse_text(content.get("message_text"), content.get("parse_mode"), MESSAGE_LIMIT,
                           "message text")
        check_markup(result.get("reply_markup"))
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


METHODS: dict[str, Callable[[FakeBotApi, dict[str, Any]], Any]] = {
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


class MethodHandler(tornado.web.RequestHandler):
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
