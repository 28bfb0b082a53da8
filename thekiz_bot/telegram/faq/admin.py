"""Commands for the Fachstelle staff: /neu_laden and /statistik (everyone else: a polite no)."""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.ext import ContextTypes

from thekiz_bot.knowledge.loader import KnowledgeError
from thekiz_bot.telegram.guards import admin_only
from thekiz_bot.telegram.sending import send_html
from thekiz_bot.telegram.services import get_services
from thekiz_bot.telegram.texts import faq as texts

log = logging.getLogger(__name__)


@admin_only
async def on_reload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is None:
        return
    services = get_services(context)
    message = update.effective_message
    try:
        snapshot = await services.knowledge.reload()
    except KnowledgeError as exc:
        await send_html(context.bot, message.chat.id,
                        texts.reload_failed([str(issue) for issue in exc.issues]))
        return
    except Exception as exc:  # a broken index must not take the old knowledge base down
        log.exception("reload failed")
        await send_html(context.bot, message.chat.id, texts.reload_failed([repr(exc)]))
        return
    kb = snapshot.kb
    log.info("knowledge base reloaded: %d entries", len(kb.entries))
    await message.reply_text(
        texts.reload_ok(len(kb.served_entries), len(kb.contacts), len(kb.regions))
    )


@admin_only
async def on_statistics(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is None:
        return
    services = get_services(context)
    stats = await asyncio.to_thread(services.records.statistics.summary,
                                    services.knowledge.current.matcher.vocab)
    entries = {e.id: e for e in services.knowledge.current.kb.entries}
    await send_html(context.bot, update.effective_message.chat.id,
                    texts.statistics_text(stats, entries))
