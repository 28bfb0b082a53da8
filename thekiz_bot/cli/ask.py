"""`ask` and `chat`: questions answered on the command line, without Telegram."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from thekiz_bot.cli.common import (
    add_knowledge_option,
    add_region_option,
    load_kb,
    resolve_region,
)
from thekiz_bot.cli.exit_codes import ExitCode
from thekiz_bot.config import Settings
from thekiz_bot.knowledge.loader import Region
from thekiz_bot.text.normalise import clean_input

if TYPE_CHECKING:  # the matcher loads scikit-learn: only commands that match import it
    from thekiz_bot.matching.matcher import Matcher, MatchResult

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


def json_line(result: MatchResult, question: str) -> str:
    """One JSON object on one line: the whole question (cleaned of control characters, but not
    cut to the length the matcher reads), and U+2028/U+2029 escaped, because JavaScript and
    many line-based readers take them for line breaks."""
    data = result.to_json()
    data["question"] = clean_input(question, limit=max(len(question), 1))
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _answer(matcher: Matcher, question: str, region: Region | None, as_json: bool) -> str:
    from thekiz_bot.matching import render

    result = matcher.match(question, region=region)
    return json_line(result, question) if as_json else render.result_text(result)


def _matcher_and_region(args: argparse.Namespace) -> tuple[Matcher, Region | None] | None:
    kb = load_kb(args.knowledge)
    if kb is None:
        return None
    region = resolve_region(kb, args.region)
    from thekiz_bot.matching.matcher import Matcher

    return Matcher(kb), region


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    loaded = _matcher_and_region(args)
    if loaded is None:
        return ExitCode.FAILED
    matcher, region = loaded
    if args.question != "-":
        print(_answer(matcher, args.question, region, args.json))
        return ExitCode.OK
    # One question per line, answered in order by one process (for scripts and evaluations).
    first = True
    for line in sys.stdin:
        question = line.rstrip("\r\n")
        if not args.json and not first:
            print(ANSWER_SEPARATOR)
        print(_answer(matcher, question, region, args.json), flush=True)
        first = False
    return ExitCode.OK


CHAT_HELP = (
    "Stellen Sie einfach Ihre Frage. Befehle: /kontakt [Thema oder Name], "
    "/region [Landkreis oder Stadt], /hilfe, /ende"
)


def run_chat(matcher: Matcher, read: Callable[[str], str], write: Callable[[str], None],
             region: str | Region | None = None) -> int:
    """The console conversation; `read`/`write` are injectable so tests can drive it."""
    from thekiz_bot.matching import render

    write("ThEKiZ-Assistent (Konsole). " + CHAT_HELP)
    last: MatchResult | None = None
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
                region = found
                write(f"Region gespeichert: {found.name} ({found.kind})")
            continue
        if command == "/kontakt":
            contacts = matcher.contacts_for_query(rest, region=region)
            write("\n\n".join(render.contact_text(c) for c in contacts))
            continue
        if last is not None and last.status == "suggest" and line.isdigit():
            pick = int(line)
            if 1 <= pick <= len(last.suggestions):
                line = last.suggestions[pick - 1].entry.question
        last = matcher.match(line, region=region)
        text = render.result_text(last)
        if last.status == "suggest":
            text += "\n(Antworten Sie mit der Nummer, um eine Antwort zu sehen.)"
        write(text)


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    loaded = _matcher_and_region(args)
    if loaded is None:
        return ExitCode.FAILED
    matcher, region = loaded
    return run_chat(matcher, input, print, region=region)

