"""/start, /hilfe and unknown commands."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.ext import ContextTypes

from thekiz_bot.knowledge.loader import FaqEntry
from thekiz_bot.telegram import commands
from thekiz_bot.telegram.faq import keyboards
from thekiz_bot.telegram.sending import send_html
from thekiz_bot.telegram.services import KnowledgeSnapshot, get_services
from thekiz_bot.telegram.texts import faq as texts


def example_entries(snapshot: KnowledgeSnapshot) -> list[FaqEntry]:
    """The example questions the knowledge base in service really answers."""
    found: list[FaqEntry] = []
    for question in texts.EXAMPLE_QUESTIONS:
        result = snapshot.matcher.match(question)
        if result.status == "answer" and result.entry is not None and result.entry not in found:
            found.append(result.entry)
    return found


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    examples = await asyncio.to_thread(example_entries, get_services(context).knowledge.current)
    text = texts.WELCOME
    markup = None
    if examples:
        text += f"\n\n{texts.WELCOME_EXAMPLES}"
        markup = keyboards.entry_choices(examples, 0, numbered=False, replace=False)
    await send_html(context.bot, chat.id, text, markup)


async def on_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None:
        return
    services = get_services(context)
    is_admin = services.is_admin(user.id if user else None)
    text = "\n\n".join(
        [
            texts.HELP_INTRO,
            "\n".join([texts.HELP_COMMANDS, *commands.help_lines(services.commands, is_admin)]),
            texts.help_tips(context.bot.username),
        ]
    )
    await send_html(context.bot, chat.id, text)


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(texts.UNKNOWN_COMMAND)
