"""Plug events, subscriptions and announcements into the bot: the feature object, its commands,
its personal data and its start/stop hooks. Its handlers are registered in telegram/app.py."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, ContextTypes

from thekiz_bot.telegram.commands import CommandInfo
from thekiz_bot.telegram.events.feature import EVENTS_KEY, EventFeature
from thekiz_bot.telegram.events.subscriptions import SubscriptionPrivacy
from thekiz_bot.telegram.services import BotServices
from thekiz_bot.telegram.texts import common

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


def install(application: Application,  # type: ignore[type-arg]
            services: BotServices) -> EventFeature:
    feature = EventFeature(services)
    application.bot_data[EVENTS_KEY] = feature
    # Shown in /hilfe right after the region command, where people look for "what's on".
    names = [c.name for c in services.commands]
    position = names.index("region") + 1 if "region" in names else len(names)
    services.commands[position:position] = list(EVENT_COMMANDS)
    services.privacy_providers.append(SubscriptionPrivacy(feature))
    services.startup_hooks.append(feature.start)
    services.shutdown_hooks.append(feature.stop)
    return feature


async def on_nothing_to_cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/abbrechen outside the admin conversation."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(common.NOTHING_TO_CANCEL)
