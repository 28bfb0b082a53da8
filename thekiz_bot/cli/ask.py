"""`ask` and `chat`: questions answered on the command line, without Telegram."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from thekiz_bot.cli.common import (
    add_knowledge_option,
    add_region_option,
    load_matcher,
    resolve_region,
)
from thekiz_bot.cli.exit_codes import ExitCode
from thekiz_bot.config import Settings
from thekiz_bot.knowledge.loader import Region

if TYPE_CHECKING:  # the matcher loads scikit-learn: only commands that match import it
    from thekiz_bot.conversation.console import ConsoleConversation
    from thekiz_bot.matching.matcher import Matcher

REGION_HELP = "Landkreis oder kreisfreie Stadt, für regionale Antworten und Kontakte"
# Between two answers of `ask -` in text mode, so that a script can tell them apart.
ANSWER_SEPARATOR = "―" * 20


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], settings: Settings) -> None:
    text = "Eine Frage beantworten, wie der Bot sie in Telegram beantwortet."
    p = sub.add_parser("ask", help="eine Frage beantworten", description=text)
    p.add_argument("question", metavar="FRAGE",
                   help="die Frage, oder - für eine Frage pro Zeile von der Standardeingabe")
    p.add_argument("--json", action="store_true", help="ein JSON-Objekt pro Frage ausgeben")
    add_region_option(p, REGION_HELP)
    add_knowledge_option(p, settings)
    p.set_defaults(handler=cmd_ask)

    text = "Mit dem Bot in der Konsole sprechen (ohne Telegram)."
    p = sub.add_parser("chat", help="mit dem Bot in der Konsole sprechen", description=text)
    add_region_option(p, REGION_HELP)
    add_knowledge_option(p, settings)
    p.set_defaults(handler=cmd_chat)


def json_line(data: dict[str, Any]) -> str:
    """One JSON object on one line, with U+2028/U+2029 escaped, because JavaScript and many
    line-based readers take them for line breaks."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _answer(conversation: ConsoleConversation, question: str, as_json: bool) -> str:
    return json_line(conversation.json(question)) if as_json else conversation.text(question)


def _conversation(args: argparse.Namespace, settings: Settings) -> ConsoleConversation | None:
    """Questions on the console go through the conversation engine, as in Telegram: with the
    calendar of the bot's database when there is one."""
    matcher = load_matcher(args.knowledge, settings)
    if matcher is None:
        return None
    region = resolve_region(matcher.kb, args.region)
    from thekiz_bot.conversation.console import (
        ConsoleConversation,
        calendar_reader,
        warn_on_stderr,
    )

    tz = ZoneInfo(settings.timezone)
    return ConsoleConversation(matcher, calendar_reader(settings.db_path, tz, warn_on_stderr),
                               tz, settings.context_minutes, region=region)


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    conversation = _conversation(args, settings)
    if conversation is None:
        return ExitCode.FAILED
    if args.question != "-":
        print(_answer(conversation, args.question, args.json))
        return ExitCode.OK
    # One question per line, answered in order by one process as one conversation: a line like
    # "und die Telefonnummer?" refers to the answer before it.
    first = True
    for line in sys.stdin:
        question = line.rstrip("\r\n")
        if not args.json and not first:
            print(ANSWER_SEPARATOR)
        print(_answer(conversation, question, args.json), flush=True)
        first = False
    return ExitCode.OK


CHAT_HELP = (
    "Stellen Sie einfach Ihre Frage. Befehle: /kontakt [Thema oder Name], "
    "/region [Landkreis oder Stadt], /hilfe, /ende"
)


def run_chat(matcher: Matcher, read: Callable[[str], str], write: Callable[[str], None],
             region: str | Region | None = None, settings: Settings | None = None) -> int:
    """The console conversation; `read`/`write` are injectable so tests can drive it."""
    from thekiz_bot.conversation.console import (
        ConsoleConversation,
        calendar_reader,
        warn_on_stderr,
    )
    from thekiz_bot.matching import render

    settings = settings or Settings()
    tz = ZoneInfo(settings.timezone)
    conversation = ConsoleConversation(
        matcher, calendar_reader(settings.db_path, tz, warn_on_stderr), tz,
        settings.context_minutes,
        region=matcher.resolve_region(region) if isinstance(region, str) else region,
    )
    write("ThEKiZ-Assistent (Konsole). " + CHAT_HELP)
    while True:
        try:
            line = read("\nSie: ").strip()
        except (EOFError, KeyboardInterrupt):
            write("")
            return ExitCode.OK
        if not line:
            continue
        command, _, rest = line.partition(" ")
        if command in ("/ende", "/exit", "/quit"):
            write("Auf Wiedersehen!")
            return ExitCode.OK
        if command in ("/hilfe", "/help"):
            write(CHAT_HELP)
            continue
        if command == "/region":
            found = matcher.resolve_region(rest) if rest else None
            if found is None:
                names = ", ".join(r.name for r in matcher.kb.regions)
                write(f"Diese Region kenne ich nicht. Möglich sind: {names}")
            else:
                conversation.region = found
                write(f"Region gespeichert: {found.name} ({found.kind})")
            continue
        if command == "/kontakt":
            contacts = matcher.contacts_for_query(rest, region=conversation.region)
            write("\n\n".join(render.contact_text(c) for c in contacts))
            continue
        write(conversation.text(line))


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    matcher = load_matcher(args.knowledge, settings)
    if matcher is None:
        return ExitCode.FAILED
    region = resolve_region(matcher.kb, args.region)
    return run_chat(matcher, input, print, region=region, settings=settings)
