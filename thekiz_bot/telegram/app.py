"""The Telegram application: every handler registered in one place, and the process entry point.

`build_application` wires the handlers (readable top to bottom: commands, buttons, inline mode,
feature modules, then the catch-all question handlers); `run` is `python bot.py run`.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlparse

from telegram import BotCommandScopeChat, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from thekiz_bot.config import Settings
from thekiz_bot.knowledge.loader import KnowledgeError
from thekiz_bot.storage.database import Database
from thekiz_bot.storage.records import Records
from thekiz_bot.telegram import callbacks, commands, errors, messages
from thekiz_bot.telegram.events.setup import register as register_events
from thekiz_bot.telegram.faq import admin, feedback, inline, privacy, questions, region, welcome
from thekiz_bot.telegram.faq import contacts as contacts_cmd
from thekiz_bot.telegram.logs import configure_logging
from thekiz_bot.telegram.ratelimit import RetryingRateLimiter
from thekiz_bot.telegram.services import SERVICES_KEY, BotServices, KnowledgeService, RegionPrivacy

log = logging.getLogger(__name__)

Registrar = Callable[[Application, BotServices], None]  # type: ignore[type-arg]

# Feature modules plug in here, one line each (e.g. `events_tg.register`). A registrar adds its
# handlers (they run before the catch-all question handler, so its conversations get the text
# messages they wait for), its commands to services.commands, its personal data to
# services.privacy_providers and its start/stop hooks.
FEATURE_REGISTRARS: tuple[Registrar, ...] = (register_events,)


@dataclass(frozen=True)
class BotTuning:
    """Telegram limits, retries and timeouts; the defaults are for production."""

    overall_per_second: float = 30
    group_per_minute: float = 20
    retry_after_attempts: int = 3
    network_retries: int = 3
    backoff_seconds: float = 1.0
    timeout_seconds: float = 10.0
    # Updates are handled concurrently so one slow chat (e.g. a 429 wait) never blocks others.
    concurrent_updates: int = 32


def build_application(
    settings: Settings,
    knowledge: KnowledgeService,
    records: Records,
    *,
    features: Sequence[Registrar] = FEATURE_REGISTRARS,
    tuning: BotTuning | None = None,
) -> Application:  # type: ignore[type-arg]
    if not settings.telegram_token:
        raise ValueError("settings.telegram_token is required")
    tuning = tuning or BotTuning()
    services = BotServices(
        settings=settings,
        knowledge=knowledge,
        records=records,
        commands=list(commands.CORE_COMMANDS),
        privacy_providers=[RegionPrivacy(records.users, knowledge)],
    )
    application = (
        ApplicationBuilder()
        .token(settings.telegram_token)
        .base_url(settings.api_base_url)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                allow_sending_without_reply=True,
            )
        )
        .rate_limiter(
            RetryingRateLimiter(
                overall_max_rate=tuning.overall_per_second,
                group_max_rate=tuning.group_per_minute,
                max_retries=tuning.retry_after_attempts,
                network_retries=tuning.network_retries,
                backoff_seconds=tuning.backoff_seconds,
            )
        )
        .read_timeout(tuning.timeout_seconds)
        .write_timeout(tuning.timeout_seconds)
        .concurrent_updates(tuning.concurrent_updates)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    application.bot_data[SERVICES_KEY] = services

    new_message = filters.UpdateType.MESSAGE
    private = filters.ChatType.PRIVATE & new_message
    groups = filters.ChatType.GROUPS & new_message

    def command(name: str, callback: Callable, aliases: Sequence[str] = ()) -> CommandHandler:  # type: ignore[type-arg]
        return CommandHandler([name, *aliases], callback, filters=new_message)

    application.add_handlers(
        [
            command("start", welcome.on_start),
            command("hilfe", welcome.on_help, aliases=["help"]),
            command("frage", questions.on_frage),
            command("kontakt", contacts_cmd.on_contact),
            command("region", region.on_region),
            command("datenschutz", privacy.on_privacy),
            command("meine_daten", privacy.on_my_data),
            command("daten_loeschen", privacy.on_delete_request),
            command("neu_laden", admin.on_reload),
            command("statistik", admin.on_statistics),
            CallbackQueryHandler(feedback.on_vote, pattern=callbacks.pattern(callbacks.Vote)),
            CallbackQueryHandler(questions.on_show_entry,
                                 pattern=callbacks.pattern(callbacks.ShowEntry)),
            CallbackQueryHandler(region.on_pick_region,
                                 pattern=callbacks.pattern(callbacks.PickRegion)),
            CallbackQueryHandler(privacy.on_confirm_deletion,
                                 pattern=callbacks.pattern(callbacks.ConfirmDeletion)),
            InlineQueryHandler(inline.on_inline_query),
        ]
    )
    for register in features:
        register(application, services)
    application.add_handlers(
        [
            MessageHandler(private & filters.COMMAND, welcome.on_unknown_command),
            # Answers shared via inline mode come back as text "via @bot": not questions.
            MessageHandler(private & filters.TEXT & ~filters.VIA_BOT, questions.on_private_text),
            MessageHandler(groups & filters.TEXT & ~filters.COMMAND & ~filters.VIA_BOT,
                           questions.on_group_text),
            MessageHandler(private & ~filters.TEXT & ~filters.StatusUpdate.ALL,
                           questions.on_non_text),
            CallbackQueryHandler(questions.on_stale_button),
        ]
    )
    application.add_error_handler(errors.on_error)
    return application


async def _post_init(application: Application) -> None:  # type: ignore[type-arg]
    services: BotServices = application.bot_data[SERVICES_KEY]
    bot = application.bot
    try:
        await bot.set_my_commands(commands.menu(services.commands, include_admin=False))
    except TelegramError as exc:
        log.warning("could not register the command menu: %s", exc)
    # Admins see their commands in the menu too; a chat that never started the bot fails.
    for admin_id in sorted(services.settings.admin_ids):
        try:
            await bot.set_my_commands(
                commands.menu(services.commands, include_admin=True),
                scope=BotCommandScopeChat(admin_id),
            )
        except TelegramError as exc:
            log.info("admin menu for %s not set: %s", admin_id, exc)
    for hook in services.startup_hooks:
        await hook(application)
    log.info("bot @%s is ready", bot.username)


async def _post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
    services: BotServices = application.bot_data[SERVICES_KEY]
    for hook in services.shutdown_hooks:
        await hook(application)


def run(settings: Settings) -> int:
    """Run the bot until SIGINT/SIGTERM; exit codes: 0 clean stop, 1 failure, 2 configuration."""
    if not settings.telegram_token:
        print(messages.MISSING_TOKEN, file=sys.stderr)
        return 2
    try:
        knowledge = KnowledgeService.load(settings.knowledge_dir)
    except KnowledgeError as exc:
        print(messages.KNOWLEDGE_INVALID, file=sys.stderr)
        for issue in exc.issues:
            print(f"  {issue}", file=sys.stderr)
        return 1
    try:
        db = Database(settings.db_path)
    except (sqlite3.Error, OSError) as exc:
        print(messages.database_unusable(str(settings.db_path), str(exc)), file=sys.stderr)
        return 1
    configure_logging(settings.log_level, [settings.telegram_token, settings.webhook_secret])
    if settings.webhook_url and not settings.webhook_secret:
        log.warning("TELEGRAM_WEBHOOK_SECRET is not set: anyone who finds the webhook URL "
                    "can send the bot fake updates")
    try:
        _serve(build_application(settings, knowledge, Records(db)), settings)
    except InvalidToken:
        print(messages.TOKEN_REJECTED, file=sys.stderr)
        return 2
    except NetworkError:
        print(messages.TELEGRAM_UNREACHABLE, file=sys.stderr)
        return 1
    finally:
        db.close()
    return 0


def _serve(application: Application, settings: Settings) -> None:  # type: ignore[type-arg]
    """Polling, or a webhook behind a reverse proxy; both stop cleanly on SIGINT and SIGTERM."""
    if settings.webhook_url:
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=urlparse(settings.webhook_url).path.lstrip("/"),
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
