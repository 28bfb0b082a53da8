"""👍 / 👎 under an answer: record the vote (no user id); after 👎 offer other answers."""

from __future__ import annotations

import asyncio

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from thekiz_bot.knowledge.loader import FaqEntry
from thekiz_bot.matching import render
from thekiz_bot.telegram import callbacks
from thekiz_bot.telegram.faq import keyboards
from thekiz_bot.telegram.sending import remove_buttons, send_html
from thekiz_bot.telegram.services import BotServices, KnowledgeSnapshot, get_services
from thekiz_bot.telegram.texts import faq as texts

NEXT_BEST_COUNT = 3


async def on_vote(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None:
        return
    vote = callbacks.parse(query.data)
    services = get_services(context)
    snapshot = services.knowledge.current
    entry = snapshot.entry(vote.entry_key) if isinstance(vote, callbacks.Vote) else None
    if entry is None or not isinstance(vote, callbacks.Vote):
        await query.answer(texts.ENTRY_GONE, show_alert=True)
        await remove_buttons(query.message)
        return
    await asyncio.to_thread(services.records.feedback.record,
                            entry.id, vote.rating, vote.question_id or None, vote.via_suggestion)
    # Without the buttons the same answer cannot be rated twice by accident.
    await remove_buttons(query.message)
    if vote.rating > 0:
        await query.answer(texts.THANKS_HELPFUL)
        return
    await query.answer(texts.THANKS_NOT_HELPFUL)
    if query.message is None:
        return
    others = await asyncio.to_thread(_others_for, services, snapshot, vote, entry)
    html_text, markup = not_helpful_reply(snapshot, others, vote.question_id)
    await send_html(context.bot, query.message.chat.id, html_text, markup)


def _others_for(services: BotServices, snapshot: KnowledgeSnapshot, vote: callbacks.Vote,
                entry: FaqEntry) -> list[FaqEntry]:
    """Other answers to the logged question (or the entry's own question, if not logged)."""
    logged = services.records.questions.get(vote.question_id) if vote.question_id else None
    return next_best(snapshot, logged.text if logged else entry.question, entry)


def next_best(snapshot: KnowledgeSnapshot, question: str, rejected: FaqEntry) -> list[FaqEntry]:
    """The best entries for the question except the one the user rejected."""
    ranked = snapshot.matcher.rank(question, k=NEXT_BEST_COUNT + 1)
    threshold = snapshot.matcher.thresholds.suggest
    return [c.entry for c in ranked if c.entry.id != rejected.id and c.score >= threshold][
        :NEXT_BEST_COUNT
    ]


def not_helpful_reply(
    snapshot: KnowledgeSnapshot, others: list[FaqEntry], question_id: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    blocks = [texts.NOT_HELPFUL_INTRO]
    default = snapshot.kb.default_contact
    if default is not None:
        blocks += [texts.ASK_FACHSTELLE, render.contact_html(default)]
    if not others:
        return "\n\n".join(blocks), None
    blocks.append(texts.NEXT_BEST_OFFER)
    return "\n\n".join(blocks), keyboards.entry_choices(others, question_id)
