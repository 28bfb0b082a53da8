"""/lernen, its buttons and the scheduled digest: one question group per message, one tap each.

Everything here is for the Fachstelle only (admin guard) and only in the private chat (private
guard): buttons are checked like commands, since any client can send any button data.
"""

from __future__ import annotations

import asyncio
import warnings
from datetime import datetime

from telegram import InlineKeyboardMarkup, MaybeInaccessibleMessage, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from thekiz_bot.learning.candidates import best_entries, nearest_topics, search_entries
from thekiz_bot.learning.digest import DigestGroup
from thekiz_bot.learning.model import Action, Decision, Proposal
from thekiz_bot.telegram import callbacks
from thekiz_bot.telegram.callbacks import Learn, UndoDecision, short_key
from thekiz_bot.telegram.guards import admin_only, private_only
from thekiz_bot.telegram.learning import keyboards
from thekiz_bot.telegram.learning.feature import LearningFeature, get_learning
from thekiz_bot.telegram.sending import replace_with_html, send_html
from thekiz_bot.telegram.services import SERVICES_KEY, BotServices, KnowledgeSnapshot, get_services
from thekiz_bot.telegram.texts import common
from thekiz_bot.telegram.texts import faq as faq_texts
from thekiz_bot.telegram.texts import learning as texts
from thekiz_bot.telegram.updates import command_argument
from thekiz_bot.text.normalise import slug

UNDO_WORDS = frozenset({"rückgängig", "rueckgaengig", "ruckgangig", "undo", "zurück"})
SEARCH, NEW_TOPIC = "learn_search", "learn_new_topic"
GROUP_KEY = "learn_group"


# --- pages ----------------------------------------------------------------------------------

async def _card(snapshot: KnowledgeSnapshot, groups: list[DigestGroup],
                position: int) -> tuple[str, InlineKeyboardMarkup | None]:
    if not groups:
        return texts.EMPTY, None
    position = min(max(position, 0), len(groups) - 1)
    group = groups[position]
    entries = await asyncio.to_thread(best_entries, snapshot.matcher, group.text)
    return (texts.group_card(group, position, len(groups)),
            keyboards.group_keyboard(group, entries, position, len(groups)))


async def send_digest(application: Application,  # type: ignore[type-arg]
                      admin_id: int, groups: list[DigestGroup], since: datetime | None) -> None:
    """The scheduled digest for one admin: what it covers, then the first group."""
    services = application.bot_data[SERVICES_KEY]
    assert isinstance(services, BotServices)
    snapshot = services.knowledge.current
    intro = texts.digest_intro(len(groups), sum(g.count for g in groups), since)
    await send_html(application.bot, admin_id, intro)
    html_text, markup = await _card(snapshot, groups, 0)
    await send_html(application.bot, admin_id, html_text, markup)


@admin_only
@private_only
async def on_learn(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    argument = command_argument(message.text).casefold()
    if argument in UNDO_WORDS:
        await _undo(context, message, user.id, None)
        return
    if argument:
        await message.reply_text(texts.UNKNOWN_ARGUMENT)
        return
    feature = get_learning(context)
    conflicts = feature.teacher.overlay.conflicts
    if conflicts:
        await send_html(context.bot, message.chat.id, texts.conflicts_note(conflicts))
    groups = await feature.open_groups()
    if groups:
        await send_html(context.bot, message.chat.id,
                        texts.digest_intro(len(groups), sum(g.count for g in groups),
                                           feature.window_start()))
    html_text, markup = await _card(get_services(context).knowledge.current, groups, 0)
    await send_html(context.bot, message.chat.id, html_text, markup)


# --- buttons --------------------------------------------------------------------------------

def _position(value: str) -> int:
    return int(value) if value.isdigit() else 0


@admin_only
@private_only
async def on_learn_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    action = callbacks.parse(query.data) if query is not None else None
    if query is None or query.message is None or not isinstance(action, Learn):
        if query is not None:
            await query.answer(common.STALE_BUTTON, show_alert=True)
        return
    feature = get_learning(context)
    snapshot = get_services(context).knowledge.current
    if action.step == "page":
        await query.answer()
        html_text, markup = await _card(snapshot, await feature.open_groups(),
                                        _position(action.value))
        await replace_with_html(context.bot, query.message, html_text, markup)
        return
    found = await feature.find_group(action.group_key)
    if found is None:
        await query.answer(texts.GROUP_GONE, show_alert=True)
        return
    position, group, groups = found
    if action.step == "scope":
        await query.answer()
        topics = await asyncio.to_thread(nearest_topics, snapshot.kb, group.text)
        await replace_with_html(
            context.bot, query.message,
            texts.group_card(group, position, len(groups), texts.TOPIC_PROMPT),
            keyboards.topic_choices(group, topics, position))
        return
    proposal = _proposal(action, group, snapshot)
    if proposal is None:
        await query.answer(faq_texts.ENTRY_GONE, show_alert=True)
        return
    await query.answer(texts.CHECKING)
    html_text, markup = await _decide(feature, snapshot, proposal, query.from_user.id, position,
                                      groups)
    await replace_with_html(context.bot, query.message, html_text, markup)


def _proposal(action: Learn, group: DigestGroup, snapshot: KnowledgeSnapshot) -> Proposal | None:
    if action.step == "ignore":
        return Proposal(Action.IGNORE, group.text)
    if action.step == "entry":
        entry = snapshot.entry(action.value)
        return Proposal(Action.PHRASING, group.text, entry.id) if entry is not None else None
    if action.step == "topic":
        topic = next((t for t in snapshot.kb.out_of_scope if short_key(t.id) == action.value),
                     None)
        return Proposal(Action.OUT_OF_SCOPE, group.text, topic_id=topic.id) if topic else None
    return None


def _title(decision: Decision, snapshot: KnowledgeSnapshot) -> str:
    if decision.action is Action.PHRASING:
        entry = snapshot.kb.entry(decision.entry_id or "")
        return entry.question if entry is not None else decision.entry_id or ""
    return decision.topic_id or ""


async def _decide(feature: LearningFeature, snapshot: KnowledgeSnapshot, proposal: Proposal,
                  admin_id: int, position: int,
                  groups: list[DigestGroup]) -> tuple[str, InlineKeyboardMarkup | None]:
    """Check and store a decision (in a worker thread: it builds the new index)."""
    outcome = await asyncio.to_thread(feature.teacher.decide, proposal, admin_id)
    if outcome.decision is not None:
        more = len(groups) > 1
        next_position = min(position, len(groups) - 2) if more else 0
        return (texts.confirmed(outcome.decision, _title(outcome.decision, snapshot)),
                keyboards.after_decision(outcome.decision.id, next_position, more))
    assert outcome.refusal is not None
    card, markup = await _card(snapshot, groups, position)
    return f"{texts.refused(outcome.refusal, outcome.detail)}\n\n{card}", markup


@admin_only
@private_only
async def on_undo_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    action = callbacks.parse(query.data) if query is not None else None
    if query is None or query.message is None or not isinstance(action, UndoDecision):
        return
    await query.answer()
    await _undo(context, query.message, query.from_user.id, action.decision_id)


async def _undo(context: ContextTypes.DEFAULT_TYPE, message: MaybeInaccessibleMessage,
                admin_id: int, decision_id: int | None) -> None:
    feature = get_learning(context)
    undone = await asyncio.to_thread(feature.teacher.undo, admin_id, decision_id)
    if undone.reason == "exported":
        text = texts.UNDO_EXPORTED
    elif undone.reason == "done":
        text = texts.UNDO_DONE
    elif undone.decision is None:
        text = texts.UNDO_NOTHING
    else:
        text = texts.undone(undone.decision)
    markup = keyboards.overview_button() if undone.decision is not None else None
    if decision_id is None:
        await send_html(context.bot, message.chat.id, text, markup)
    else:
        await replace_with_html(context.bot, message, text, markup)


# --- the two steps that wait for the admin's text: a search, a new topic's name -------------

async def _start_step(update: Update, context: ContextTypes.DEFAULT_TYPE, prompt: str,
                      state: str) -> str | int:
    query = update.callback_query
    action = callbacks.parse(query.data) if query is not None else None
    if query is None or query.message is None or not isinstance(action, Learn) \
            or context.user_data is None:
        return ConversationHandler.END
    if await get_learning(context).find_group(action.group_key) is None:
        await query.answer(texts.GROUP_GONE, show_alert=True)
        return ConversationHandler.END
    await query.answer()
    context.user_data[GROUP_KEY] = action.group_key
    await send_html(context.bot, query.message.chat.id, prompt)
    return state


@admin_only
@private_only
async def on_search_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    return await _start_step(update, context, texts.SEARCH_PROMPT, SEARCH)


@admin_only
@private_only
async def on_new_topic_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    return await _start_step(update, context, texts.NEW_TOPIC_PROMPT, NEW_TOPIC)


async def _waiting_group(update: Update, context: ContextTypes.DEFAULT_TYPE,
                         ) -> tuple[int, DigestGroup, list[DigestGroup]] | None:
    key = context.user_data.get(GROUP_KEY) if context.user_data is not None else None
    found = await get_learning(context).find_group(key) if isinstance(key, str) else None
    if found is None and update.effective_message is not None:
        await update.effective_message.reply_text(texts.GROUP_GONE)
    return found


@admin_only
@private_only
async def on_search_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    message = update.effective_message
    found = await _waiting_group(update, context)
    if message is None or found is None:
        return ConversationHandler.END
    position, group, _ = found
    query = message.text or ""
    matcher = get_services(context).knowledge.current.matcher
    results = await asyncio.to_thread(search_entries, matcher, query)
    if not results:
        await message.reply_text(texts.SEARCH_NONE)
        return SEARCH
    await send_html(context.bot, message.chat.id, texts.search_results(query),
                    keyboards.entry_choices(group, results, position))
    return ConversationHandler.END


@admin_only
@private_only
async def on_new_topic_name(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    message, user = update.effective_message, update.effective_user
    topic_id = slug(message.text or "", limit=48) if message is not None else ""
    if message is None or user is None:
        return ConversationHandler.END
    if not topic_id:
        await message.reply_text(texts.NEW_TOPIC_INVALID)
        return NEW_TOPIC
    found = await _waiting_group(update, context)
    if found is None:
        return ConversationHandler.END
    position, group, groups = found
    snapshot = get_services(context).knowledge.current
    exists = any(t.id == topic_id for t in snapshot.kb.out_of_scope)
    proposal = Proposal(Action.OUT_OF_SCOPE, group.text, topic_id=topic_id, new_topic=not exists)
    html_text, markup = await _decide(get_learning(context), snapshot, proposal, user.id,
                                      position, groups)
    await send_html(context.bot, message.chat.id, html_text, markup)
    return ConversationHandler.END


async def on_cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    if update.effective_message is not None:
        await update.effective_message.reply_text(texts.CANCELLED)
    return ConversationHandler.END


def _waits_for_text(action: callbacks.Action) -> bool:
    return isinstance(action, Learn) and action.step in ("search", "new_topic")


def learning_conversation() -> ConversationHandler:  # type: ignore[type-arg]
    message = filters.UpdateType.MESSAGE
    text = filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE & message
    with warnings.catch_warnings():
        # The buttons belong to the admin's conversation, not to one message.
        warnings.filterwarnings("ignore", category=PTBUserWarning)
        return ConversationHandler(
            entry_points=[
                CallbackQueryHandler(on_search_start, pattern=callbacks.pattern(
                    Learn, lambda a: isinstance(a, Learn) and a.step == "search")),
                CallbackQueryHandler(on_new_topic_start, pattern=callbacks.pattern(
                    Learn, lambda a: isinstance(a, Learn) and a.step == "new_topic")),
            ],
            states={
                SEARCH: [MessageHandler(text, on_search_text)],
                NEW_TOPIC: [MessageHandler(text, on_new_topic_name)],
            },
            fallbacks=[CommandHandler("abbrechen", on_cancel, filters=message)],
            allow_reentry=True,
            name="thekiz_learning",
        )


def button_handlers() -> list[CallbackQueryHandler]:  # type: ignore[type-arg]
    return [
        CallbackQueryHandler(on_learn_button, pattern=callbacks.pattern(
            Learn, lambda a: not _waits_for_text(a))),
        CallbackQueryHandler(on_undo_button, pattern=callbacks.pattern(UndoDecision)),
    ]
