"""The fake Bot API refuses what Telegram refuses: otherwise the end-to-end tests prove nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from tests.helpers.fakes.botapi import FakeBotApi, RateLimits
from tests.helpers.fakes.updates import callback_update, inline_update, message_update
from tests.helpers.telegram import ANNA


@pytest.fixture
async def bot(fake_api: FakeBotApi) -> AsyncIterator[Bot]:
    fake_api.add_chat(ANNA.private_chat.to_json())
    async with Bot(fake_api.token, base_url=fake_api.base_url) as client:
        yield client


async def test_sent_html_becomes_text_and_entities_with_utf16_offsets(
    bot: Bot, fake_api: FakeBotApi
) -> None:
    sent = await bot.send_message(ANNA.id, '🎉 <b>fett</b> &amp; <a href="https://thekiz.de/">Link</a>',
                                  parse_mode="HTML")
    assert sent.text == "🎉 fett & Link"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 3, 4), ("text_link", 10, 4)]
    assert fake_api.messages_to(ANNA.id)[0].text == "🎉 fett & Link"


@pytest.mark.parametrize("text, error", [
    ("<b>offen", "can't find end tag"),
    ("<b><i>x</b></i>", "unmatched end tag"),
    ("Zeile<br>Zeile", 'unsupported start tag "br"'),
    ("A & B", "unescaped '&'"),
    ("&nbsp;", "unsupported entity"),
    ('<a title="x">Link</a>', 'must have attribute "href"'),
    ("   ", "message text is empty"),
    ("<b> </b>", "message text is empty"),
    ("x" * 4097, "message is too long"),
    ("🎉" * 2049, "message is too long"),
])
async def test_html_and_length_are_validated_like_telegram(bot: Bot, text: str, error: str) -> None:
    with pytest.raises(BadRequest, match="(?i)" + error):
        await bot.send_message(ANNA.id, text, parse_mode="HTML")


async def test_limits_are_inclusive(bot: Bot) -> None:
    await bot.send_message(ANNA.id, "x" * 4096, parse_mode="HTML")
    await bot.send_message(ANNA.id, "&amp;" * 4096, parse_mode="HTML")


async def test_buttons_callback_data_and_chats_are_checked(bot: Bot, fake_api: FakeBotApi) -> None:
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="a" * 65)]])
    with pytest.raises(BadRequest, match="(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(ANNA.id, "Hallo", reply_markup=too_long)
    fits = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="a" * 64)]])
    await bot.send_message(ANNA.id, "Hallo", reply_markup=fits)
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.send_message(777, "Hallo")
    fake_api.block(ANNA.id)
    with pytest.raises(Forbidden, match="(?i)blocked"):
        await bot.send_message(ANNA.id, "Hallo")


async def test_injected_errors_reach_the_client_as_telegram_errors(
    bot: Bot, fake_api: FakeBotApi
) -> None:
    fake_api.inject_error("sendMessage", 429, retry_after=3)
    with pytest.raises(RetryAfter) as excinfo:
        await bot.send_message(ANNA.id, "Hallo")
    assert excinfo.value._retry_after.total_seconds() == 3
    fake_api.inject_error("sendMessage", 500)
    with pytest.raises(NetworkError):
        await bot.send_message(ANNA.id, "Hallo")
    fake_api.inject_error("*", 403, chat_id=ANNA.id, times=2)
    for _ in range(2):
        with pytest.raises(Forbidden):
            await bot.send_chat_action(ANNA.id, "typing")
    await bot.send_message(ANNA.id, "wieder da")
    assert [c.status for c in fake_api.calls("sendMessage")] == [429, 500, 200]
    assert fake_api.rejected() == []  # injected errors are not the bot's fault


async def test_queries_must_exist_and_be_answered_once(bot: Bot, fake_api: FakeBotApi) -> None:
    sent = await bot.send_message(ANNA.id, "Frage?", reply_markup=InlineKeyboardMarkup(
        [[InlineKeyboardButton("Ja", callback_data="ja")]]))
    fake_message = fake_api.message(ANNA.id, sent.message_id)
    update = callback_update(fake_api, ANNA, fake_message, "ja")
    fake_api.push_update(update)
    query_id = update["callback_query"]["id"]
    await bot.answer_callback_query(query_id, "Danke")
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await bot.answer_callback_query(query_id, "noch mal")

    inline = inline_update(fake_api, ANNA, "lsz")
    fake_api.push_update(inline)
    results = [InlineQueryResultArticle(str(n), f"T{n}", InputTextMessageContent("x"))
               for n in range(51)]
    with pytest.raises(BadRequest, match="(?i)RESULTS_TOO_MUCH"):
        await bot.answer_inline_query(inline["inline_query"]["id"], results)
    with pytest.raises(BadRequest, match="(?i)RESULT_ID_DUPLICATE"):
        await bot.answer_inline_query(inline["inline_query"]["id"], [results[0], results[0]])
    await bot.answer_inline_query(inline["inline_query"]["id"], results[:50])


async def test_get_updates_long_polls_and_confirms_with_offset(
    bot: Bot, fake_api: FakeBotApi
) -> None:
    first = fake_api.push_update(message_update(fake_api, ANNA, "eins"))
    fake_api.push_update(message_update(fake_api, ANNA, "zwei"))
    updates = await bot.get_updates(timeout=1)
    assert [u.message.text for u in updates] == ["eins", "zwei"]  # type: ignore[union-attr]
    assert await bot.get_updates(offset=first + 2, timeout=0) == ()
    assert await bot.get_updates(timeout=0) == ()  # confirmed updates are gone


async def test_rate_limits_answer_429_when_switched_on(bot: Bot, fake_api: FakeBotApi) -> None:
    fake_api.enable_rate_limits(RateLimits(per_chat_per_second=1, chat_burst=2))
    for _ in range(3):
        await bot.send_message(ANNA.id, "schnell")
    with pytest.raises(RetryAfter):
        await bot.send_message(ANNA.id, "zu schnell")
