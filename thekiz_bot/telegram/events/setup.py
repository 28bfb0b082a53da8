"""Plug events, subscriptions and announcements into the application (one `register` call)."""

from __future__ import annotations

import warnings

from telegram import Update
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

from thekiz_bot.telegram.commands import CommandInfo
from thekiz_bot.telegram.events import admin as event_admin
from thekiz_bot.telegram.events import announce as announce_handlers
from thekiz_bot.telegram.events import keyboards as event_keyboards
from thekiz_bot.telegram.events import listing as events_handlers
from thekiz_bot.telegram.events import subscriptions as subscription_handlers
from thekiz_bot.telegram.events.feature import EVENTS_KEY, EventFeature
from thekiz_bot.telegram.services import BotServices

EVENT_COMMANDS = (
    CommandInfo("termine", "Kommende Termine im Netzwerk", "alle"),
    CommandInfo("abo", "Ankündigungen zu Terminen abonnieren"),
    CommandInfo("abbestellen", "Ankündigungen abbestellen"),
    CommandInfo("termin_neu", "Termin anlegen (Fachstelle)", "oder alles in einer Zeile",
                admin_only=True),
    CommandInfo("termin_bearbeiten", "Termin ändern (Fachstelle)", "Nummer", admin_only=True),
    CommandInfo("termin_absagen", "Termin absagen (Fachstelle)", "Nummer", admin_only=True),
    CommandInfo("ankuendigen", "Ankündigung an Abonnent*innen senden (Fachstelle)", "Text",
                admin_only=True),
)
NOTHING_TO_CANCEL = "Es läuft gerade nichts, was abgebrochen werden könnte."


async def _nothing_to_cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(NOTHING_TO_CANCEL)


def admin_conversation() -> ConversationHandler:  # type: ignore[type-arg]
    """Creating and editing events and writing an announcement: the steps that expect text."""
    message = filters.UpdateType.MESSAGE
    text = filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE & message
    with warnings.catch_warnings():
        # Buttons belong to the admin's conversation, not to one message: per_message=False.
        warnings.filterwarnings("ignore", category=PTBUserWarning)
        return ConversationHandler(
            entry_points=[
                CommandHandler("termin_neu", event_admin.on_new, filters=message),
                CommandHandler("termin_bearbeiten", event_admin.on_edit_command, filters=message),
                CallbackQueryHandler(event_admin.on_edit_field, pattern=event_keyboards.EDIT_FIELD),
                CommandHandler("ankuendigen", announce_handlers.on_announce, filters=message),
            ],
            states={
                event_admin.FORM: [
                    MessageHandler(text, event_admin.on_form_text),
                    CallbackQueryHandler(event_admin.on_form_button,
                                         pattern=r"^nw1:(kind|region|online|skip)"),
                ],
                event_admin.CONFIRM: [
                    CallbackQueryHandler(event_admin.on_form_save, pattern=r"^nw1:save$"),
                    CallbackQueryHandler(event_admin.on_form_abort, pattern=r"^nw1:abort$"),
                    MessageHandler(text, event_admin.on_confirm_text),
                ],
                event_admin.EDIT_VALUE: [
                    MessageHandler(text, event_admin.on_edit_text),
                    CallbackQueryHandler(event_admin.on_edit_button,
                                         pattern=r"^nw1:(kind|region)"),
                ],
                announce_handlers.ANNOUNCE_TEXT: [
                    MessageHandler(text, announce_handlers.on_announce_text),
                    CallbackQueryHandler(announce_handlers.on_announce_event,
                                         pattern=event_keyboards.ANNOUNCE_EVENT),
                ],
            },
            fallbacks=[CommandHandler("abbrechen", event_admin.on_form_abort)],
            allow_reentry=True,
            name="thekiz_event_admin",
        )


def register(application: Application, services: BotServices) -> None:  # type: ignore[type-arg]
    feature = EventFeature(services)
    application.bot_data[EVENTS_KEY] = feature
    # Shown in /hilfe right after the region command, where people look for "what's on".
    names = [c.name for c in services.commands]
    position = names.index("region") + 1 if "region" in names else len(names)
    services.commands[position:position] = list(EVENT_COMMANDS)
    services.privacy_providers.append(subscription_handlers.SubscriptionPrivacy(feature))
    services.startup_hooks.append(feature.start)
    services.shutdown_hooks.append(feature.stop)

    message = filters.UpdateType.MESSAGE
    application.add_handlers([
        admin_conversation(),
        CommandHandler("termine", events_handlers.on_events, filters=message),
        CommandHandler("abo", subscription_handlers.on_subscribe, filters=message),
        CommandHandler("abbestellen", subscription_handlers.on_unsubscribe, filters=message),
        CommandHandler("termin_absagen", events_handlers.on_cancel_command, filters=message),
        CommandHandler("abbrechen", _nothing_to_cancel, filters=message),
        CallbackQueryHandler(events_handlers.on_calendar, pattern=event_keyboards.CALENDAR),
        CallbackQueryHandler(events_handlers.on_more, pattern=event_keyboards.MORE),
        CallbackQueryHandler(event_admin.on_edit_menu, pattern=event_keyboards.EDIT),
        CallbackQueryHandler(events_handlers.on_cancel_button, pattern=event_keyboards.CANCEL),
        CallbackQueryHandler(events_handlers.on_cancel_answer,
                             pattern=event_keyboards.CANCEL_ANSWER),
        CallbackQueryHandler(announce_handlers.on_announce_event,
                             pattern=event_keyboards.ANNOUNCE_EVENT),
        CallbackQueryHandler(announce_handlers.on_send, pattern=event_keyboards.ANNOUNCE_SEND),
        CallbackQueryHandler(announce_handlers.on_drop, pattern=event_keyboards.ANNOUNCE_DROP),
        CallbackQueryHandler(subscription_handlers.on_subscription_button,
                             pattern=event_keyboards.ABO),
    ])
