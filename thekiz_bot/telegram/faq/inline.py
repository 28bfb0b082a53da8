"""Inline mode: "@botname Prozessbegleitung" in any chat offers answers to share."""

from __future__ import annotations

import asyncio

from telegram import (
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Update,
)
from telegram.ext import ContextTypes

from thekiz_bot.knowledge.loader import FaqEntry
from thekiz_bot.matching import render
from thekiz_bot.matching.contacts import contacts_for_entry
from thekiz_bot.matching.result import MatchResult, MatchStatus
from thekiz_bot.telegram.callbacks import short_key
from thekiz_bot.telegram.services import KnowledgeSnapshot, get_services
from thekiz_bot.telegram.split import TELEGRAM_TEXT_LIMIT, split_html, visible_length
from thekiz_bot.telegram.texts import common
from thekiz_bot.telegram.texts import faq as texts

MAX_RESULTS = 5
# Answers change only with a reload; a minute of caching on Telegram's side is harmless.
CACHE_SECONDS = 60
NO_RESULT_ID = "none"


def shareable_html(snapshot: KnowledgeSnapshot, entry: FaqEntry) -> str:
    """The entry as one message: cut at a paragraph with a pointer to the bot when too long."""
    contacts, _ = contacts_for_entry(snapshot.kb, entry, None, False)
    full = render.entry_html(entry, contacts)
    budget = TELEGRAM_TEXT_LIMIT - visible_length(texts.INLINE_MORE)
    parts = split_html(full, budget)
    if len(parts) <= 1:
        return full
    return parts[0] + texts.INLINE_MORE


def results_for(snapshot: KnowledgeSnapshot, query: str) -> list[InlineQueryResultArticle]:
    matcher = snapshot.matcher
    result = matcher.match(query)
    # What the chat would offer: the answer and its runners-up, or the suggestions.
    offered = result.status in (MatchStatus.ANSWER, MatchStatus.SUGGEST)
    entries = [c.entry for c in result.ranked] if offered else []
    articles = [
        InlineQueryResultArticle(
            id=short_key(entry.id),
            title=common.shorten(entry.question, 100),
            description=common.shorten(entry.answer, 120),
            input_message_content=InputTextMessageContent(shareable_html(snapshot, entry)),
        )
        for entry in entries[:MAX_RESULTS]
    ]
    if articles:
        return articles
    # Nothing to share but the honest no with the Fachstelle's contact (also after small talk).
    default = snapshot.kb.default_contact
    nothing = MatchResult(question=query, status=MatchStatus.FALLBACK,
                          contacts=(default,) if default is not None else ())
    return [
        InlineQueryResultArticle(
            id=NO_RESULT_ID,
            title=texts.INLINE_NOTHING_TITLE,
            description=texts.INLINE_NOTHING_DESCRIPTION,
            input_message_content=InputTextMessageContent(
                split_html(render.result_html(nothing))[0]
            ),
        )
    ]


async def on_inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    inline_query = update.inline_query
    if inline_query is None:
        return
    button = InlineQueryResultsButton(text=texts.INLINE_START_BUTTON, start_parameter="inline")
    query = " ".join(inline_query.query.split())
    if not query:
        await inline_query.answer([], button=button, cache_time=CACHE_SECONDS)
        return
    snapshot = get_services(context).knowledge.current
    results = await asyncio.to_thread(results_for, snapshot, query)
    await inline_query.answer(results, button=button, cache_time=CACHE_SECONDS)
