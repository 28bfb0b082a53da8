"""The README's command table says what each command's German `--help` says: the same options
with the same placeholders, none missing, none invented."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from thekiz_bot.cli.main import build_parser
from thekiz_bot.config import Settings

README = Path(__file__).resolve().parents[2] / "README.md"
# Stated once above the table instead of in every row.
EVERYWHERE = {"-h", "--help", "--knowledge"}


def _table_commands() -> list[str]:
    """The backticked `python bot.py …` forms in the first column of the command table."""
    text = README.read_text(encoding="utf-8")
    section = text.split("### Command line", 1)[1].split("\n### ", 1)[0]
    forms = []
    for line in section.splitlines():
        if line.startswith("| `"):
            forms += re.findall(r"`([^`]+)`", line.split(" | ", 1)[0])
    return forms


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    found: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                nested = _subcommands(child)
                found.update({f"{name} {k}": v for k, v in nested.items()} or {name: child})
    return found


def _documented(forms: list[str], names: set[str]) -> dict[str, dict[str, str | None]]:
    """command → {option: placeholder} as the table writes them."""
    documented: dict[str, dict[str, str | None]] = {}
    command = ""
    for form in forms:
        words = form.replace("[", " ").replace("]", " ").split()
        if words[:2] == ["python", "bot.py"]:
            words = words[2:]
        head = " ".join(words[:2]) if " ".join(words[:2]) in names else (words[:1] or ["run"])[0]
        if head in names:
            command = head
            words = words[len(head.split()):]
        options = documented.setdefault(command, {})
        for i, word in enumerate(words):
            if word.startswith("--"):
                following = words[i + 1] if i + 1 < len(words) else ""
                options[word] = following if following.isupper() else None
    return documented


def test_the_command_table_matches_every_commands_help() -> None:
    commands = _subcommands(build_parser(Settings()))
    documented = _documented(_table_commands(), set(commands))
    assert set(documented) == set(commands)
    for name, parser in commands.items():
        options = {
            option: (action.metavar if action.nargs != 0 else None)
            for action in parser._actions for option in action.option_strings
            if option.startswith("--") and option not in EVERYWHERE
        }
        assert documented[name] == options, name
