"""`run`: the Telegram bot (polling, or a webhook when TELEGRAM_WEBHOOK_URL is set)."""

from __future__ import annotations

import argparse
import dataclasses

from thekiz_bot.cli.common import add_knowledge_option
from thekiz_bot.config import Settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], settings: Settings) -> None:
    text = ("Den Telegram-Bot starten (braucht TELEGRAM_BOT_TOKEN; mit TELEGRAM_WEBHOOK_URL "
            "als Webhook, sonst mit Polling). Beenden mit Strg+C.")
    p = sub.add_parser("run", help="den Telegram-Bot starten", description=text)
    add_knowledge_option(p, settings)
    p.set_defaults(handler=cmd_run)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from thekiz_bot.telegram.app import run

    return run(dataclasses.replace(settings, knowledge_dir=args.knowledge))
