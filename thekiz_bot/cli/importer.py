"""`import`: handbook documents (Markdown or text) into a YAML file of draft FAQ entries."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from thekiz_bot.cli.common import FILE, add_knowledge_option
from thekiz_bot.cli.exit_codes import ExitCode
from thekiz_bot.config import Settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], settings: Settings) -> None:
    text = ("Handbuch-Dokumente (Markdown oder Text) in FAQ-Entwürfe umwandeln; kuratierte "
            "Dateien werden nie überschrieben.")
    p = sub.add_parser("import", help="Handbuch-Dokumente in FAQ-Entwürfe umwandeln",
                       description=text)
    p.add_argument("documents", nargs="+", type=Path, metavar=FILE,
                   help="eine oder mehrere Dateien (.md oder .txt)")
    p.add_argument("--out", type=Path, default=None, metavar=FILE,
                   help="Ziel-YAML (Standard: Ausgabe auf dem Bildschirm)")
    p.add_argument("--overwrite", action="store_true",
                   help="eine vorhandene Entwurfsdatei ersetzen (nie kuratierte Dateien)")
    add_knowledge_option(p, settings, " (deren IDs und Kontakte berücksichtigt werden)")
    p.set_defaults(handler=cmd_import)


def cmd_import(opts: argparse.Namespace, settings: Settings) -> int:
    from thekiz_bot.authoring.draft_file import (
        output_refusal,
        read_document,
        render_yaml,
        scan_existing,
    )
    from thekiz_bot.authoring.importer import import_documents
    from thekiz_bot.storage.files import write_atomic

    out: Path | None = opts.out
    if out is not None:
        refusal = output_refusal(out, opts.overwrite)
        if refusal:
            print(refusal, file=sys.stderr)
            return ExitCode.FAILED
    texts: list[tuple[str, str]] = []
    for path in opts.documents:
        try:
            text, warning = read_document(path)
        except OSError as exc:
            print(f"{path}: kann nicht gelesen werden ({exc.strerror}).", file=sys.stderr)
            return ExitCode.FAILED
        if warning:
            print(f"Hinweis: {warning}", file=sys.stderr)
        if not text.strip():
            print(f"Hinweis: {path.name} ist leer und wird übersprungen.", file=sys.stderr)
            continue
        texts.append((path.name, text))
    existing = scan_existing(opts.knowledge, skip=out)
    drafts = import_documents(texts, existing)
    rendered = render_yaml(drafts)
    if out is None:
        sys.stdout.write(rendered)
    else:
        write_atomic(out, rendered)
    print(
        f"{len(drafts.entries)} Entwürfe, {len(drafts.quotes)} Zitate, "
        f"{len(drafts.contacts)} neue Kontakt-Entwürfe aus {len(texts)} Dokument(en)"
        + (f" → {out}" if out else "") + ".",
        file=sys.stderr,
    )
    print(f"Bereinigt: {drafts.log.summary()}.", file=sys.stderr)
    if out is not None:
        print("Bitte prüfen Sie die Entwürfe; `python bot.py check` zeigt Doppelungen mit "
              "vorhandenen Einträgen.", file=sys.stderr)
    return ExitCode.OK
