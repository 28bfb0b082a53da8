"""The bot's commands, described once: the source of both /hilfe and Telegram's command menu."""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass

from telegram import BotCommand


@dataclass(frozen=True)
class CommandInfo:
    name: str  # without slash; Telegram allows a-z, 0-9 and _ (1–32 characters)
    description: str  # the short German line in Telegram's command menu
    usage: str = ""  # arguments shown in /hilfe, e.g. "Thema, Name oder Region"
    admin_only: bool = False


CORE_COMMANDS: tuple[CommandInfo, ...] = (
    CommandInfo("start", "Begrüßung und Beispielfragen"),
    CommandInfo("hilfe", "Befehle und Tipps"),
    CommandInfo("frage", "Eine Frage stellen (auch in Gruppen)", "Ihre Frage"),
    CommandInfo("kontakt", "Ansprechpersonen finden", "Thema, Name oder Region"),
    CommandInfo("region", "Ihren Landkreis oder Ihre kreisfreie Stadt wählen", "Name"),
    CommandInfo("datenschutz", "Was der Bot speichert und warum"),
    CommandInfo("meine_daten", "Ihre gespeicherten Daten anzeigen"),
    CommandInfo("daten_loeschen", "Ihre gespeicherten Daten löschen"),
    CommandInfo("neu_laden", "Wissensbasis neu laden (Fachstelle)", admin_only=True),
    CommandInfo("statistik", "Fragen und Bewertungen auswerten (Fachstelle)", admin_only=True),
)


def menu(commands: Iterable[CommandInfo], include_admin: bool) -> list[BotCommand]:
    """Commands for setMyCommands: public ones for everyone, admin ones only for admins."""
    return [
        BotCommand(c.name, c.description)
        for c in commands
        if include_admin or not c.admin_only
    ]


def help_lines(commands: Iterable[CommandInfo], include_admin: bool) -> list[str]:
    """One HTML line per command for /hilfe, e.g. "/kontakt <i>Thema</i> – Ansprechpersonen…"."""
    lines = []
    for command in commands:
        if command.admin_only and not include_admin:
            continue
        usage = f" <i>{html.escape(command.usage)}</i>" if command.usage else ""
        lines.append(f"/{command.name}{usage} – {html.escape(command.description)}")
    return lines
