"""argparse speaking German: "Aufruf:", "Fehler:", section titles and argparse's own messages.

argparse takes its texts from gettext without a German catalogue; this parser class sets the
titles itself and translates the error messages argparse raises, so that every subcommand
(created through `add_subparsers`, which inherits the class) speaks German too.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from typing import Any, NoReturn

from thekiz_bot.cli.exit_codes import ExitCode

# argparse's messages (Python 3.11-3.13) and their German form; groups keep the details.
_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), german) for pattern, german in (
        (r"^the following arguments are required: (.*)$", r"Es fehlt: \1"),
        (r"^unrecognized arguments: (.*)$", r"Unbekannte Angaben: \1"),
        (r"^argument (.*?): invalid choice: (.*?) \(choose from (.*)\)$",
         r"\1: \2 gibt es nicht (möglich: \3)"),
        (r"^argument (.*?): expected one argument$", r"\1 braucht einen Wert"),
        (r"^argument (.*?): expected at most one argument$", r"\1 nimmt höchstens einen Wert"),
        (r"^argument (.*?): expected at least one argument$", r"\1 braucht mindestens einen Wert"),
        (r"^argument (.*?): expected (\d+) arguments?$", r"\1 braucht \2 Werte"),
        (r"^argument (.*?): invalid int value: (.*)$", r"\1: \2 ist keine ganze Zahl"),
        (r"^argument (.*?): invalid float value: (.*)$", r"\1: \2 ist keine Zahl"),
        (r"^argument (.*?): invalid .* value: (.*)$", r"\1: \2 ist ungültig"),
        (r"^argument (.*?): not allowed with argument (.*)$",
         r"\1 geht nicht zusammen mit \2"),
        (r"^argument (.*?): ignored explicit argument (.*)$", r"\1 nimmt keinen Wert (\2)"),
        (r"^one of the arguments (.*) is required$", r"Eine dieser Angaben fehlt: \1"),
        (r"^ambiguous option: (.*?) could match (.*)$", r"\1 ist mehrdeutig (\2)"),
        (r"^argument (.*?): (.*)$", r"\1: \2"),
    )
)


def translate(message: str) -> str:
    for pattern, german in _MESSAGES:
        if pattern.match(message):
            return pattern.sub(german, message)
    return message


class GermanHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                  groups: Iterable[argparse._MutuallyExclusiveGroup],
                  prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "Aufruf: " if prefix is None else prefix)


class GermanArgumentParser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        add_help = bool(kwargs.pop("add_help", True))
        kwargs["add_help"] = False
        kwargs.setdefault("formatter_class", GermanHelpFormatter)
        super().__init__(*args, **kwargs)
        self._positionals.title = "Argumente"
        self._optionals.title = "Optionen"
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help="diese Hilfe anzeigen und beenden")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(ExitCode.USAGE, f"{self.prog}: Fehler: {translate(message)}\n")
