"""The command line: one argparse tree, `python bot.py BEFEHL …` or `python -m thekiz_bot …`.

Each subcommand module registers its parsers and handlers; the modules import what a command
needs only when it runs, so that `events list` or `report` never load the matcher.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from thekiz_bot.cli import ask, check, events, importer, learn, report, run
from thekiz_bot.cli.common import UsageError
from thekiz_bot.cli.exit_codes import ExitCode
from thekiz_bot.cli.parser import GermanArgumentParser
from thekiz_bot.config import ConfigError, Settings
from thekiz_bot.storage.database import DatabaseUnusable

NO_TOKEN_HINT = (
    "Kein TELEGRAM_BOT_TOKEN gesetzt – der Bot startet deshalb im Konsolenmodus. "
    "Einen Token erhalten Sie bei @BotFather in Telegram (/newbot)."
)
UNEXPECTED = ("Unerwarteter Fehler: {error}. Die technischen Details zeigt derselbe Aufruf mit "
              "THEKIZ_LOG_LEVEL=DEBUG.")


def build_parser(settings: Settings) -> GermanArgumentParser:
    parser = GermanArgumentParser(
        prog="python bot.py",
        description="ThEKiZ-Assistent: Fragen zum ThEKiZ Handbuch 2.0, Ansprechpersonen, "
                    "Termine. Ohne Befehl startet der Bot (run).",
    )
    sub = parser.add_subparsers(dest="command", metavar="BEFEHL", title="Befehle",
                                help="was getan werden soll (Hilfe: BEFEHL --help)")
    for module in (run, ask, check, events, importer, report, learn):
        module.register(sub, settings)
    return parser


def main(argv: Sequence[str] | None = None, settings: Settings | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if settings is None:
        try:
            settings = Settings.from_env()
        except ConfigError as exc:
            print(f"Konfigurationsfehler: {exc}", file=sys.stderr)
            return ExitCode.USAGE
    parser = build_parser(settings)
    if not argv and settings.telegram_token is None and sys.stdin.isatty():
        # A first try on a fresh machine: no token yet, so talk in the console instead.
        print(NO_TOKEN_HINT, file=sys.stderr)
        argv = ["chat"]
    try:
        args = parser.parse_args(argv or ["run"])
    except SystemExit as exc:  # --help (0) or a usage error (2), already printed
        return int(exc.code or 0)
    try:
        return int(args.handler(args, settings))
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        return ExitCode.USAGE
    except DatabaseUnusable as exc:
        print(exc.sentence, file=sys.stderr)
        return ExitCode.FAILED
    except BrokenPipeError:
        # `python bot.py report | head`: the reader left, which is not an error.
        sys.stderr.close()
        return ExitCode.OK
    except KeyboardInterrupt:
        print("\nAbgebrochen.", file=sys.stderr)
        return ExitCode.FAILED
    except Exception as exc:
        if settings.log_level == "DEBUG":
            raise
        print(UNEXPECTED.format(error=f"{type(exc).__name__}: {exc}"), file=sys.stderr)
        return ExitCode.FAILED
