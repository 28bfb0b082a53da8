"""`python bot.py learn [list|export]`: what the Fachstelle taught the bot in the chat."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from thekiz_bot.cli.common import add_db_option, add_knowledge_option
from thekiz_bot.cli.exit_codes import ExitCode
from thekiz_bot.config import Settings
from thekiz_bot.learning.model import Action, Decision

if TYPE_CHECKING:
    from thekiz_bot.learning.export import ExportResult

ACTION_LABELS = {Action.PHRASING: "Formulierung", Action.OUT_OF_SCOPE: "nicht im Handbuch",
                 Action.IGNORE: "ignoriert"}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], settings: Settings) -> None:
    text = "Was die Fachstelle dem Bot im Chat beigebracht hat (/lernen)."
    p = sub.add_parser("learn", help="im Chat Gelerntes auflisten oder exportieren",
                       description=text)
    actions = p.add_subparsers(dest="action", metavar="AKTION", required=True,
                               help="list oder export (Hilfe: AKTION --help)")
    for name, help_text in (("list", "Entscheidungen auflisten"),
                            ("export", "übernommene Entscheidungen in die YAML-Dateien schreiben "
                                       "(danach mit git diff prüfen)")):
        q = actions.add_parser(name, help=help_text, description=help_text)
        add_knowledge_option(q, settings)
        add_db_option(q, settings)
        q.set_defaults(handler=cmd_learn)


def _line(decision: Decision) -> str:
    target = f" → {decision.target}" if decision.target else ""
    state = (" (exportiert)" if decision.exported_at else
             " (rückgängig)" if decision.undone_at else "")
    return (f"  #{decision.id} {decision.decided_at[:16].replace('T', ' ')} "
            f"{ACTION_LABELS[decision.action]}{target}: {decision.wording}{state}")


def _print_export(result: ExportResult, root: Path) -> None:
    for edit in result.edits:
        name = edit.path.relative_to(root) if edit.path.is_relative_to(root) else edit.path
        for record, texts in edit.added.items():
            for text in texts:
                print(f"  + {name} › {record}: {text}")
    for conflict in result.conflicts:
        print(f"  ! #{conflict.decision.id} „{conflict.decision.wording}“ nicht übernommen: "
              f"{conflict.reason}")
    for decision, reason in result.not_placed:
        print(f"  ! #{decision.id} „{decision.wording}“ nicht eingefügt: {reason}")


def cmd_learn(opts: argparse.Namespace, settings: Settings) -> int:
    from thekiz_bot.knowledge.loader import KnowledgeError
    from thekiz_bot.learning.export import export_decisions
    from thekiz_bot.learning.store import DecisionStore
    from thekiz_bot.storage.database import Database

    if not opts.db.is_file():
        print(f"Keine Datenbank unter {opts.db} gefunden (THEKIZ_DB oder --db).", file=sys.stderr)
        return ExitCode.FAILED
    db = Database(opts.db)
    try:
        store = DecisionStore(db)
        if opts.action == "list":
            decisions = store.all()
            print(f"{len(decisions)} Entscheidung(en):" if decisions else "Noch keine "
                  "Entscheidungen (im Chat: /lernen).")
            for decision in decisions:
                print(_line(decision))
            return ExitCode.OK
        try:
            result = export_decisions(opts.knowledge, store)
        except KnowledgeError as exc:
            print(f"Nichts geändert: die Wissensbasis lädt nicht ({exc.issues[0]}); bitte "
                  "`python bot.py check` ausführen.", file=sys.stderr)
            return ExitCode.FAILED
        except OSError as exc:
            print(f"Nichts geändert: {exc}", file=sys.stderr)
            return ExitCode.FAILED
    finally:
        db.close()
    _print_export(result, opts.knowledge)
    written = sum(len(t) for e in result.edits for t in e.added.values())
    print(f"{written} Formulierung(en) eingefügt, {len(result.exported)} Entscheidung(en) als "
          f"exportiert markiert. Bitte prüfen Sie die Änderung mit `git diff {opts.knowledge}` "
          "und committen Sie sie.")
    return ExitCode.FAILED if result.conflicts or result.not_placed else ExitCode.OK
