"""`report`: what the question log teaches the Fachstelle, optionally written into the YAML."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from thekiz_bot.cli.common import DATE, NUMBER, add_db_option, add_knowledge_option
from thekiz_bot.cli.exit_codes import ExitCode
from thekiz_bot.config import Settings

if TYPE_CHECKING:
    from thekiz_bot.authoring.yaml_edit import FileEdit


def parse_since(raw: str, timezone: str) -> datetime:
    """"2025-03-01" or "01.03.2025": midnight local time, as the Fachstelle means it."""
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            day = datetime.strptime(raw.strip(), fmt)
        except ValueError:
            continue
        try:
            zone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            zone = ZoneInfo("UTC")
        return day.replace(tzinfo=zone).astimezone(UTC)
    raise argparse.ArgumentTypeError(
        f"„{raw}“ ist kein Datum; bitte als 2025-03-01 oder 01.03.2025 angeben"
    )


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], settings: Settings) -> None:
    text = ("Bericht aus den gestellten Fragen und Bewertungen für die Fachstelle: häufigste "
            "unbeantwortete Fragen, Einträge mit 👎, unsichere Antworten, bestätigte neue "
            "Formulierungen.")
    p = sub.add_parser("report", help="Bericht aus dem Fragenprotokoll", description=text)
    p.add_argument("--since", metavar=DATE, type=lambda raw: parse_since(raw, settings.timezone),
                   help="nur Fragen ab diesem Tag (2025-03-01 oder 01.03.2025)")
    p.add_argument("--csv", action="store_true",
                   help="als CSV (Semikolon, für Tabellenkalkulationen) ausgeben")
    p.add_argument("--apply-suggestions", action="store_true",
                   help="bestätigte Formulierungen als Alternativfragen in die YAML-Dateien "
                        "schreiben (danach mit git diff prüfen)")
    p.add_argument("--limit", type=int, default=10, metavar=NUMBER,
                   help="Zeilen je Abschnitt (Standard: 10)")
    p.add_argument("--min-confirmations", type=int, default=1, metavar=NUMBER,
                   help="so viele 👍 braucht ein Vorschlag (Standard: 1)")
    add_knowledge_option(p, settings)
    add_db_option(p, settings)
    p.set_defaults(handler=cmd_report)


def _print_edits(edits: Sequence[FileEdit], root: Path, out: TextIO) -> int:
    added = 0
    for edit in edits:
        name = edit.path.relative_to(root) if edit.path.is_relative_to(root) else edit.path
        for entry_id, texts in edit.added.items():
            for text in texts:
                added += 1
                print(f"  + {name} › {entry_id}: {text}", file=out)
        for entry_id, reason in edit.skipped.items():
            print(f"  ! {name} › {entry_id}: nicht eingefügt – {reason}", file=out)
    return added


def cmd_report(opts: argparse.Namespace, settings: Settings) -> int:
    from thekiz_bot.authoring.report import build_report
    from thekiz_bot.authoring.report_output import output_width, render_text, write_csv
    from thekiz_bot.authoring.suggestions import apply_suggestions
    from thekiz_bot.knowledge.loader import KnowledgeError, load_knowledge
    from thekiz_bot.storage.database import Database, check_path

    if opts.limit < 1 or opts.min_confirmations < 1:
        print("--limit und --min-confirmations müssen mindestens 1 sein.", file=sys.stderr)
        return ExitCode.USAGE
    check_path(opts.db)
    if not opts.db.exists():
        print(f"Keine Datenbank unter {opts.db} gefunden (THEKIZ_DB oder --db). Es wurden noch "
              "keine Fragen aufgezeichnet, oder der Pfad stimmt nicht.", file=sys.stderr)
        return ExitCode.FAILED
    try:
        kb = load_knowledge(opts.knowledge)
    except KnowledgeError as exc:
        print(f"Die Wissensbasis ist ungültig ({len(exc.issues)} Problem(e)); bitte zuerst "
              "`python bot.py check` ausführen.", file=sys.stderr)
        return ExitCode.FAILED
    db = Database(opts.db)
    try:
        report = build_report(db, kb, opts.since, opts.limit,
                              min_confirmations=opts.min_confirmations)
    finally:
        db.close()
    if opts.csv:
        write_csv(report, sys.stdout)
    else:
        print(render_text(report, output_width(sys.stdout)))
    if not opts.apply_suggestions:
        return ExitCode.OK
    if not report.suggestions:
        print("\nKeine Vorschläge zum Übernehmen.", file=sys.stderr)
        return ExitCode.OK
    try:
        edits = apply_suggestions(kb, report.suggestions)
    except KnowledgeError as exc:
        print(f"\nNichts geändert: mit den neuen Formulierungen lädt die Wissensbasis nicht mehr "
              f"({exc.issues[0]}).", file=sys.stderr)
        return ExitCode.FAILED
    except OSError as exc:
        print(f"\nNichts geändert: {exc}", file=sys.stderr)
        return ExitCode.FAILED
    # With --csv the table goes to stdout (often a file): the change log must not end up in it.
    out = sys.stderr if opts.csv else sys.stdout
    print("\nÜbernommene Alternativfragen:", file=out)
    added = _print_edits(edits, opts.knowledge, out)
    print(f"{added} Alternativfrage(n) eingefügt. Bitte prüfen Sie die Änderung mit "
          f"`git diff {opts.knowledge}` und committen Sie sie.", file=out)
    return ExitCode.OK
