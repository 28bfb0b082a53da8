"""Plug learning into the bot: the feature object, its command and its start/stop hooks.
Its handlers are registered in telegram/app.py."""

from __future__ import annotations

from telegram.ext import Application

from thekiz_bot.telegram.commands import CommandInfo
from thekiz_bot.telegram.learning.feature import LEARNING_KEY, LearningFeature
from thekiz_bot.telegram.learning.handlers import send_digest
from thekiz_bot.telegram.services import BotServices

LEARN_COMMAND = CommandInfo("lernen", "Dem Bot beibringen, was er nicht wusste (Fachstelle)",
                            "oder: rückgängig", admin_only=True)


def install(application: Application,  # type: ignore[type-arg]
            services: BotServices) -> LearningFeature:
    feature = LearningFeature(services, send_digest=send_digest)
    application.bot_data[LEARNING_KEY] = feature
    names = [c.name for c in services.commands]
    position = names.index("statistik") + 1 if "statistik" in names else len(names)
    services.commands.insert(position, LEARN_COMMAND)
    services.startup_hooks.append(feature.start)
    services.shutdown_hooks.append(feature.stop)
    return feature
