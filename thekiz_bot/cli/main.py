"""Command line: `python bot.py [run|ask|chat|check|eval|events|announce|import|report]`."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from thekiz_bot.config import ConfigError, Settings
from thekiz_bot.knowledge.loader import KnowledgeBase, KnowledgeError, load_knowledge
from thekiz_bot.matching.matcher import Matcher, MatchResult
from thekiz_bot.storage.database import Database

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
NO_TOKEN_HINT = (
    "Kein TELEGRAM_BOT_TOKEN gesetzt – der Bot startet deshalb im Konsolenmodus. "
    "Einen Token erhalten Sie bei @BotFather in Telegram (/newbot)."
)


def _print_knowledge_error(exc: KnowledgeError, stream: TextIO) -> None:
    print(f"Die Wissensbasis ist ungültig ({len(exc.issues)} Problem(e)):", file=stream)
    for issue in exc.issues:
        print(f"  {issue}", file=stream)


def _load(directory: Path) -> KnowledgeBase | None:
    try:
        return load_knowledge(directory)
    except KnowledgeError as exc:
        _print_knowledge_error(exc, sys.stderr)
        return None


# --- ask ------------------------------------------------------------------------------------

def _answer_lines(matcher: Matcher, question: str, region: str | None, as_json: bool) -> str:
    from thekiz_bot.matching import render

    result = matcher.match(question, region=region)
    if as_json:
        return json.dumps(result.to_json(), ensure_ascii=False)
    return render.result_text(result)


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    kb = _load(args.knowledge)
    if kb is None:
        return EXIT_INVALID
    matcher = Matcher(kb)
    if args.question == "-":
        # One question per line, answered in order by one process (for scripts and evaluations).
        for line in sys.stdin:
            question = line.rstrip("\r\n")
            print(_answer_lines(matcher, question, args.region, args.json), flush=True)
        return EXIT_OK
    print(_answer_lines(matcher, args.question, args.region, args.json))
    return EXIT_OK


# --- chat -----------------------------------------------------------------------------------

CHAT_HELP = (
    "Stellen Sie einfach Ihre Frage. Befehle: /kontakt [Thema oder Name], "
    "/region [Landkreis oder Stadt], /hilfe, /ende"
)


def run_chat(matcher: Matcher, read: Callable[[str], str], write: Callable[[str], None],
             region: str | None = None) -> int:
    """The console conversation; `read`/`write` are injectable so tests can drive it."""
    from thekiz_bot.matching import render

    write("ThEKiZ-Assistent (Konsole). " + CHAT_HELP)
    last: MatchResult | None = None
    while True:
        try:
            line = read("\nSie: ").strip()
        except (EOFError, KeyboardInterrupt):
            write("")
            return EXIT_OK
        if not line:
            continue
        command, _, rest = line.partition(" ")
        if command in ("/ende", "/exit", "/quit"):
            write("Auf Wiedersehen!")
            return EXIT_OK
        if command in ("/hilfe", "/help"):
            write(CHAT_HELP)
            continue
        if command == "/region":
            found = matcher.resolve_region(rest) if rest else None
            if found is None:
                names = ", ".join(r.name for r in matcher.kb.regions)
                write(f"Diese Region kenne ich nicht. Möglich sind: {names}")
            else:
                region = found.name
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
    kb = _load(args.knowledge)
    if kb is None:
        return EXIT_INVALID
    return run_chat(Matcher(kb), input, print, region=args.region)


# --- check ----------------------------------------------------------------------------------

def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    from thekiz_bot.authoring import gaps
    from thekiz_bot.authoring.ambiguity import near_identical_alternates

    kb = _load(args.knowledge)
    if kb is None:
        return EXIT_INVALID
    served = kb.served_entries
    print(
        f"Wissensbasis gültig: {len(served)} Einträge, {len(kb.entries) - len(served)} Entwürfe, "
        f"{len(kb.contacts)} Kontakte, {len(kb.regions)} Regionen."
    )
    warnings = 0
    for c in near_identical_alternates(kb):
        warnings += 1
        print(f"Warnung: fast gleiche Formulierungen ({c.score:.0f} %): "
              f"'{c.entry_a}': {c.text_a!r} ↔ '{c.entry_b}': {c.text_b!r}")
    errors = 0
    findings = list(gaps.draft_duplicates(kb))
    if args.strict:
        db = _open_db_if_exists(settings)
        try:
            findings += gaps.strict_findings(kb, Matcher(kb), eval_path=args.eval, db=db)
        finally:
            if db is not None:
                db.close()
    for finding in findings:
        print(finding)
        errors += finding.severity == "error"
        warnings += finding.severity != "error"
    print(f"{errors} Fehler, {warnings} Warnung(en).")
    return EXIT_INVALID if errors else EXIT_OK


def _open_db_if_exists(settings: Settings) -> Database | None:
    """The bot's database for checks that read it; never created just to be checked."""
    if not settings.db_path.exists():
        return None
    return Database(settings.db_path)


# --- eval -----------------------------------------------------------------------------------

def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from thekiz_bot.matching.evaluation import evaluate, format_reports, load_questions

    kb = _load(args.knowledge)
    if kb is None:
        return EXIT_INVALID
    try:
        items = load_questions(args.file)
    except (OSError, ValueError) as exc:
        print(f"Fragensatz kann nicht gelesen werden: {exc}", file=sys.stderr)
        return EXIT_USAGE
    unknown = sorted({i.expected for i in items if i.in_scope and kb.entry(i.expected) is None})
    if unknown:
        print(f"Unbekannte Eintrags-IDs im Fragensatz: {', '.join(unknown)}", file=sys.stderr)
        return EXIT_INVALID
    print(format_reports(evaluate(Matcher(kb), items), show_misses=not args.quiet))
    return EXIT_OK


# --- run and delegated commands ------------------------------------------------------------

def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from thekiz_bot.telegram.app import run

    return run(dataclasses.replace(settings, knowledge_dir=args.knowledge))


def _delegate(module: str, func: str) -> Callable[[list[str], Settings], int]:
    def call(rest: list[str], settings: Settings) -> int:
        import importlib

        return int(getattr(importlib.import_module(module), func)(rest, settings))

    return call


# Commands with their own argument parsers, owned by their feature modules.
DELEGATED: dict[str, Callable[[list[str], Settings], int]] = {
    "events": _delegate("thekiz_bot.cli.events", "main"),
    "announce": lambda rest, s: _delegate("thekiz_bot.cli.events", "main")(["announce", *rest], s),
    "import": _delegate("thekiz_bot.authoring.importer", "cli_main"),
    "report": _delegate("thekiz_bot.authoring.report", "cli_main"),
}


def build_parser(settings: Settings) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python bot.py",
        description="ThEKiZ-Assistent: Fragen zum ThEKiZ Handbuch 2.0, Ansprechpersonen, Termine.",
    )
    sub = parser.add_subparsers(dest="command", metavar="BEFEHL")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--knowledge", type=Path, default=settings.knowledge_dir, metavar="DIR",
                       help="Verzeichnis der Wissensbasis (Standard: THEKIZ_KNOWLEDGE_DIR "
                            "oder knowledge/)")
        return p

    add("run", "Telegram-Bot starten (braucht TELEGRAM_BOT_TOKEN)")
    p = add("ask", "Eine Frage beantworten")
    p.add_argument("question", metavar="FRAGE", help="die Frage, oder - für eine Frage pro Zeile "
                                                     "von der Standardeingabe")
    p.add_argument("--json", action="store_true", help="ein JSON-Objekt pro Frage ausgeben")
    p.add_argument("--region", help="Landkreis oder kreisfreie Stadt")
    p = add("chat", "Mit dem Bot in der Konsole sprechen (ohne Telegram)")
    p.add_argument("--region", help="Landkreis oder kreisfreie Stadt")
    p = add("check", "Wissensbasis prüfen")
    p.add_argument("--strict", action="store_true",
                   help="auch Lücken und Konflikte melden (Kollisionen, unerreichte Einträge …)")
    p.add_argument("--eval", type=Path, default=None, metavar="FILE",
                   help="Fragensatz für die Prüfung unerreichter Einträge (mit --strict)")
    p = add("eval", "Einen beschrifteten Fragensatz auswerten")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--quiet", action="store_true", help="Fehlgriffe nicht auflisten")
    for name in DELEGATED:
        sub.add_parser(name, help=f"siehe: python bot.py {name} --help", add_help=False)
    return parser


HANDLERS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "run": cmd_run, "ask": cmd_ask, "chat": cmd_chat, "check": cmd_check, "eval": cmd_eval,
}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"Konfigurationsfehler: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if argv and argv[0] in DELEGATED:
        try:
            return DELEGATED[argv[0]](argv[1:], settings)
        except BrokenPipeError:
            sys.stderr.close()
            return EXIT_OK
    parser = build_parser(settings)
    if not argv and settings.telegram_token is None and sys.stdin.isatty():
        # A first try on a fresh machine: no token yet, so talk in the console instead.
        print(NO_TOKEN_HINT, file=sys.stderr)
        argv = ["chat"]
    args = parser.parse_args(argv or ["run"])
    try:
        return HANDLERS[args.command](args, settings)
    except BrokenPipeError:
        # `python bot.py report | head`: the reader left, which is not an error.
        sys.stderr.close()
        return EXIT_OK
