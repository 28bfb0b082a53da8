"""Send a conversation reply: an answer with its buttons, a follow-up, or events from the calendar.

The wording comes from matching/render and conversation/render (shared with the console); this
module only decides which messages and buttons a reply becomes.
"""

from __future__ import annotations

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.constants import ChatType

from thekiz_bot.conversation import render as conversation_render
from thekiz_bot.conversation.context import ContextKey
from thekiz_bot.conversation.engine import DATES, MATCH, Reply
from thekiz_bot.knowledge.regions import RegionFinder
from thekiz_bot.matching import render
from thekiz_bot.matching.result import MatchResult, MatchStatus
from thekiz_bot.telegram.events import keyboards as event_keyboards
from thekiz_bot.telegram.faq import keyboards
from thekiz_bot.telegram.sending import send_html
from thekiz_bot.telegram.services import BotServices
from thekiz_bot.telegram.texts import faq as texts


def present(result: MatchResult, question_id: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """The reply to a match: HTML and the buttons under it."""
    text = render.result_html(result)
    if result.status == MatchStatus.ANSWER and result.entry is not None:
        return text, keyboards.feedback(result.entry, question_id, via_suggestion=False,
                                        see_also=result.see_also)
    if result.status == MatchStatus.SUGGEST and result.suggestions:
        entries = [c.entry for c in result.suggestions]
        return text, keyboards.entry_choices(entries, question_id)
    if result.status == MatchStatus.FALLBACK:
        return f"{text}\n\n{texts.FALLBACK_LOGGED}", None
    return text, None


def context_key(message: Message, chat_type: str) -> ContextKey:
    """Private chats have one conversation; in groups each thread of replies to the bot has its
    own, so that two people asking at once do not answer each other's follow-ups."""
    if chat_type == ChatType.PRIVATE:
        return ContextKey(message.chat_id)
    replied = message.reply_to_message
    return ContextKey(message.chat_id, replied.message_id if replied is not None else None)


async def send_reply(bot: Bot, services: BotServices, chat_id: int, reply: Reply,
                     question_id: int, reply_to: int | None) -> list[Message]:
    """Every message the reply becomes; an event's card carries its calendar button."""
    if reply.kind == MATCH and reply.result is not None:
        html_text, markup = present(reply.result, question_id)
        return await send_html(bot, chat_id, html_text, markup, reply_to)
    if reply.kind != DATES:
        markup = keyboards.entry_choices(reply.related, question_id) if reply.related else None
        return await send_html(bot, chat_id, conversation_render.followup_html(reply), markup,
                               reply_to)
    regions = RegionFinder(services.knowledge.current.kb.regions)
    answer = conversation_render.date_answer(reply, regions, services.conversation.tz,
                                             markup=True)
    sent = await send_html(bot, chat_id, answer.intro, None, reply_to)
    for event, card in answer.cards:
        assert event.id is not None
        sent += await send_html(bot, chat_id, card, event_keyboards.calendar(event.id))
    if answer.closing:
        sent += await send_html(bot, chat_id, answer.closing)
    return sent


def remember(services: BotServices, key: ContextKey, reply: Reply, sent: list[Message],
             chat_type: str) -> None:
    """In a private chat under the chat; in a group under each message of the answer, so that a
    reply to any of them continues the thread."""
    if chat_type == ChatType.PRIVATE:
        services.conversation.remember(key, reply)
        return
    for message in sent:
        services.conversation.remember(ContextKey(key.chat_id, message.message_id), reply)
