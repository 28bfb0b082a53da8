"""`check` and `eval`: is the knowledge base sound, and how well does the matcher answer?"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from thekiz_bot.cli.common import FILE, UsageError, add_knowledge_option, load_kb
from thekiz_bot.cli.exit_codes import ExitCode
from thekiz_bot.config import Settings
from thekiz_bot.knowledge.yaml_loader import safe_load
from thekiz_bot.storage.database import Database, check_path

if TYPE_CHECKING:
    from thekiz_bot.matching.evaluation import LabelledQuestion


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], settings: Settings) -> None:
    text = ("Die Wissensbasis prüfen: Gültigkeit, fast gleiche Formulierungen verschiedener "
            "Einträge, doppelte Entwürfe; mit --strict auch Lücken und Konflikte.")
    p = sub.add_parser("check", help="die Wissensbasis prüfen", description=text)
    p.add_argument("--strict", action="store_true",
                   help="auch Lücken und Konflikte melden (Kollisionen, unerreichte Einträge, "
                        "lange Antworten, ungenutzte Kontakte, veraltete Termine)")
    p.add_argument("--eval", type=Path, default=None, metavar=FILE,
                   help="Fragensatz für die Prüfung unerreichter Einträge (mit --strict)")
    add_knowledge_option(p, settings)
    p.set_defaults(handler=cmd_check)

    text = "Einen beschrifteten Fragensatz auswerten (Trefferquoten je Teil des Fragensatzes)."
    p = sub.add_parser("eval", help="einen beschrifteten Fragensatz auswerten", description=text)
    p.add_argument("file", type=Path, metavar=FILE, help="der Fragensatz (YAML)")
    p.add_argument("--quiet", action="store_true", help="Fehlgriffe nicht auflisten")
    add_knowledge_option(p, settings)
    p.set_defaults(handler=cmd_eval)


def _open_db_if_exists(settings: Settings) -> Database | None:
    """The bot's database for checks that read it; never created just to be checked."""
    check_path(settings.db_path)
    if not settings.db_path.exists():
        return None
    return Database(settings.db_path)


def read_question_set(path: Path) -> list[LabelledQuestion]:
    """A labelled question set, or UsageError saying why `path` is none."""
    import yaml

    from thekiz_bot.matching.evaluation import load_questions

    example = ("Listen „questions:“ (question, expected), „dialogues:“ oder „date_questions:“, "
               "wie tests/eval/questions.yaml")
    if not path.is_file():
        raise UsageError(f"Der Fragensatz {path} existiert nicht; bitte geben Sie eine "
                         f"YAML-Datei an ({example}).")
    try:
        data = safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise UsageError(f"Der Fragensatz {path} kann nicht gelesen werden ({type(exc).__name__})"
                         f"; erwartet wird {example}.") from exc
    sections = ("questions", "dialogues", "date_questions")
    # A bare list of questions is a question set too.
    listed = isinstance(data, list) and data and all(isinstance(i, dict) for i in data)
    if not listed and (not isinstance(data, dict) or not any(
            isinstance(data.get(k), list) and data[k] for k in sections)):
        raise UsageError(f"{path} ist kein Fragensatz: erwartet wird {example}.")
    try:
        return load_questions(path)
    except ValueError as exc:
        raise UsageError(f"Der Fragensatz ist fehlerhaft: {exc}") from exc


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    from thekiz_bot.authoring import gaps
    from thekiz_bot.authoring.ambiguity import near_identical_alternates
    from thekiz_bot.authoring.kb_health import missing_optional_files, oversized

    if args.eval is not None:
        if not args.strict:
            raise UsageError("--eval wirkt nur zusammen mit --strict.")
        read_question_set(args.eval)
    kb = load_kb(args.knowledge)
    if kb is None:
        return ExitCode.FAILED
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
    findings = [*missing_optional_files(args.knowledge), *oversized(kb, args.knowledge),
                *gaps.draft_duplicates(kb)]
    if args.strict:
        from thekiz_bot.matching.matcher import Matcher

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
    return ExitCode.FAILED if errors else ExitCode.OK


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from thekiz_bot.matching.evaluation import (
        cold_knowledge,
        evaluate,
        format_reliability,
        format_reports,
        group_report,
    )
    from thekiz_bot.matching.matcher import Matcher, Semantic

    items = read_question_set(args.file)
    kb = load_kb(args.knowledge)
    if kb is None:
        return ExitCode.FAILED
    unknown = sorted({i.expected for i in items if i.in_scope and kb.entry(i.expected) is None})
    if unknown:
        print(f"Unbekannte Eintrags-IDs im Fragensatz: {', '.join(unknown)}", file=sys.stderr)
        return ExitCode.FAILED
    from thekiz_bot.conversation.evaluation import report_file

    semantic = Semantic() if settings.semantic else None
    matcher = Matcher(kb, semantic=semantic)
    if items:
        # Warm: the shipped knowledge base; cold: the same with only questions and answers,
        # as a new knowledge base starts.
        for label, variant in (("warm", matcher), ("kalt (nur Frage und Antwort)",
                                                   Matcher(cold_knowledge(kb), semantic=semantic))):
            # With the semantic signal, the questions are embedded in one batch first.
            reports = evaluate(variant.with_questions([i.question for i in items]), items)
            held_out = group_report(reports, tuning=False) or reports["all"]
            print(f"## Wissensbasis {label}\n")
            print(format_reports(reports, show_misses=not args.quiet and variant is matcher))
            print("\n" + format_reliability(held_out) + "\n")
    try:
        conversation = report_file(matcher, args.file, show_misses=not args.quiet)
    except (OSError, ValueError) as exc:
        print(f"Fragensatz kann nicht gelesen werden: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    if conversation:
        # Dialogues and date questions (issue 14), when the file has them.
        print(("\n" if items else "") + conversation)
    return ExitCode.OK
