"""The Telegram application: every handler registered in one place, and the process entry point.

`handlers()` lists every handler in the order PTB tries them; `build_application` wires them
with the services, rate limiter and update processor; `run` is `python bot.py run`.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from telegram import BotCommandScopeChat, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from thekiz_bot.cli.failures import quiet_tracebacks
from thekiz_bot.config import Settings
from thekiz_bot.knowledge.loader import KnowledgeError
from thekiz_bot.storage.database import Database, DatabaseUnusable
from thekiz_bot.storage.records import Records
from thekiz_bot.telegram import callbacks, commands, errors
from thekiz_bot.telegram.events import announce, cancel, edit, listing, subscriptions
from thekiz_bot.telegram.events import setup as events_setup
from thekiz_bot.telegram.events.conversation import admin_conversation
from thekiz_bot.telegram.faq import admin, feedback, inline, privacy, questions, region, welcome
from thekiz_bot.telegram.faq import contacts as contacts_cmd
from thekiz_bot.telegram.learning import handlers as learning
from thekiz_bot.telegram.learning import setup as learning_setup
from thekiz_bot.telegram.logs import configure_logging
from thekiz_bot.telegram.ordering import ChatOrderedProcessor
from thekiz_bot.telegram.ratelimit import FloodLimits, FloodSafeRateLimiter
from thekiz_bot.telegram.services import (
    SERVICES_KEY,
    BotServices,
    ConversationPrivacy,
    KnowledgeService,
    RegionPrivacy,
    conversation_engine,
)
from thekiz_bot.telegram.texts import common

log = logging.getLogger(__name__)
Callback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, object]]


@dataclass(frozen=True)
class BotTuning:
    """Telegram limits, retries and timeouts; the defaults are for production."""

    flood: FloodLimits = field(default_factory=FloodLimits)
    timeout_seconds: float = 10.0
    # Chats are handled concurrently (one slow chat, e.g. in a 429 wait, never blocks the
    # others), each chat's updates in order; at most this many handlers run at a time.
    max_running: int = 32


def build_application(
    settings: Settings,
    knowledge: KnowledgeService,
    records: Records,
    *,
    tuning: BotTuning | None = None,
) -> Application:  # type: ignore[type-arg]
    if not settings.telegram_token:
        raise ValueError("settings.telegram_token is required")
    tuning = tuning or BotTuning()
    conversation = conversation_engine(settings, knowledge, records)
    services = BotServices(
        settings=settings,
        knowledge=knowledge,
        records=records,
        conversation=conversation,
        commands=list(commands.CORE_COMMANDS),
        privacy_providers=[RegionPrivacy(records.users, knowledge),
                           ConversationPrivacy(conversation)],
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
        .rate_limiter(FloodSafeRateLimiter(tuning.flood))
        .read_timeout(tuning.timeout_seconds)
        .write_timeout(tuning.timeout_seconds)
        .concurrent_updates(ChatOrderedProcessor(tuning.max_running))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    application.bot_data[SERVICES_KEY] = services
    events_setup.install(application, services)
    learning_setup.install(application, services)
    application.add_handlers(handlers())
    application.add_error_handler(errors.on_error)
    return application


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """Every handler of the bot, in the order PTB tries them (the first that matches wins).

    Order matters: the admin conversation comes first so that its steps get the admin's text
    and buttons; commands and buttons next; the catch-alls (unknown command, questions, stale
    buttons) last, so they only get what nothing else wanted.
    """
    message = filters.UpdateType.MESSAGE
    private = filters.ChatType.PRIVATE & message
    groups = filters.ChatType.GROUPS & message

    def command(name: str, callback: Callback,
                aliases: Sequence[str] = ()) -> CommandHandler:  # type: ignore[type-arg]
        return CommandHandler([name, *aliases], callback, filters=message)

    def button(kind: callbacks.ActionType,
               callback: Callback) -> CallbackQueryHandler:  # type: ignore[type-arg]
        return CallbackQueryHandler(callback, pattern=callbacks.pattern(kind))

    return [
        # Admins: creating and editing events, writing announcements (steps that wait for text).
        admin_conversation(),
        # Admins: the two /lernen steps that wait for text (a search, a new topic's name).
        learning.learning_conversation(),
        # Everyone: questions, contacts, region, privacy.
        command("start", welcome.on_start),
        command("hilfe", welcome.on_help, aliases=["help"]),
        command("frage", questions.on_frage),
        command("kontakt", contacts_cmd.on_contact),
        command("region", region.on_region),
        command("datenschutz", privacy.on_privacy),
        command("meine_daten", privacy.on_my_data),
        command("daten_loeschen", privacy.on_delete_request),
        # Everyone: events and subscriptions.
        command("termine", listing.on_events),
        command("abo", subscriptions.on_subscribe),
        command("abbestellen", subscriptions.on_unsubscribe),
        command("abbrechen", events_setup.on_nothing_to_cancel),
        # Admins (guarded in the handler: everyone else gets the one refusal).
        command("neu_laden", admin.on_reload),
        command("statistik", admin.on_statistics),
        command("lernen", learning.on_learn),
        command("termin_absagen", cancel.on_cancel_command),
        # Buttons, one per kind of callback data (telegram/callbacks.py).
        button(callbacks.Vote, feedback.on_vote),
        button(callbacks.ShowEntry, questions.on_show_entry),
        button(callbacks.PickRegion, region.on_pick_region),
        button(callbacks.ConfirmDeletion, privacy.on_confirm_deletion),
        button(callbacks.AddToCalendar, listing.on_calendar),
        button(callbacks.MoreEvents, listing.on_more),
        button(callbacks.Subscription, subscriptions.on_subscription_button),
        button(callbacks.EditEvent, edit.on_edit_menu),
        button(callbacks.CancelEvent, cancel.on_cancel_button),
        button(callbacks.ConfirmCancel, cancel.on_cancel_answer),
        button(callbacks.AnnounceEvent, announce.on_announce_event),
        button(callbacks.SendAnnouncement, announce.on_send),
        button(callbacks.DropAnnouncement, announce.on_drop),
        *learning.button_handlers(),
        InlineQueryHandler(inline.on_inline_query),
        # Catch-alls.
        MessageHandler(private & filters.COMMAND, welcome.on_unknown_command),
        # Answers shared via inline mode come back as text "via @bot": not questions.
        MessageHandler(private & filters.TEXT & ~filters.VIA_BOT, questions.on_private_text),
        MessageHandler(groups & filters.TEXT & ~filters.COMMAND & ~filters.VIA_BOT,
                       questions.on_group_text),
        MessageHandler(private & ~filters.TEXT & ~filters.StatusUpdate.ALL, questions.on_non_text),
        CallbackQueryHandler(questions.on_stale_button),
    ]


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
        print(common.MISSING_TOKEN, file=sys.stderr)
        return 2
    if settings.webhook_url and not settings.webhook_secret:
        # Admin rights come from the user id inside an update: without the secret, anyone who
        # finds the URL could forge an admin's update and announce to every subscriber.
        print(common.WEBHOOK_SECRET_MISSING, file=sys.stderr)
        return 2
    # The database first: it is quick to check, and the index cache lives beside it.
    try:
        db = Database(settings.db_path)
    except DatabaseUnusable as exc:
        print(exc.sentence, file=sys.stderr)
        return 1
    except (sqlite3.Error, OSError) as exc:
        print(common.database_unusable(str(settings.db_path), str(exc)), file=sys.stderr)
        return 1
    try:
        knowledge = KnowledgeService.load(settings.knowledge_dir, settings.index_cache,
                                          settings.semantic)
    except KnowledgeError as exc:
        print(common.KNOWLEDGE_INVALID, file=sys.stderr)
        for issue in exc.issues:
            print(f"  {issue}", file=sys.stderr)
        db.close()
        return 1
    configure_logging(settings.log_level, [settings.telegram_token, settings.webhook_secret])
    quiet_tracebacks(settings.log_level)
    try:
        _serve(build_application(settings, knowledge, Records(db)), settings)
    except InvalidToken:
        print(common.TOKEN_REJECTED, file=sys.stderr)
        return 2
    except NetworkError:
        print(common.TELEGRAM_UNREACHABLE, file=sys.stderr)
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
