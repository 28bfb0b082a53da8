"""What the subcommands share: the common options (same names and metavariables everywhere),
loading the knowledge base with one German report of its problems, and region names."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from thekiz_bot.config import Settings
from thekiz_bot.knowledge.loader import KnowledgeBase, KnowledgeError, Region, load_knowledge
from thekiz_bot.knowledge.regions import RegionFinder

if TYPE_CHECKING:  # the matcher loads scikit-learn: only commands that match import it
    from thekiz_bot.matching.matcher import Matcher

# Metavariables, one name per kind of value.
DIR, FILE, REGION, NUMBER, DATE = "VERZEICHNIS", "DATEI", "REGION", "N", "DATUM"


class UsageError(Exception):
    """A value on the command line cannot be used; the message is the German sentence."""


def add_knowledge_option(parser: argparse.ArgumentParser, settings: Settings,
                         purpose: str = "") -> None:
    parser.add_argument("--knowledge", type=Path, default=settings.knowledge_dir, metavar=DIR,
                        help=f"Verzeichnis der Wissensbasis{purpose} (Standard: "
                             "THEKIZ_KNOWLEDGE_DIR oder knowledge/)")


def add_db_option(parser: argparse.ArgumentParser, settings: Settings) -> None:
    parser.add_argument("--db", type=Path, default=settings.db_path, metavar=FILE,
                        help="SQLite-Datenbank des Bots (Standard: THEKIZ_DB oder "
                             "data/thekiz.sqlite3)")


def add_region_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument("--region", metavar=REGION, help=help_text)


def print_knowledge_error(exc: KnowledgeError, directory: Path) -> None:
    print(f"Die Wissensbasis in {directory} ist ungültig ({len(exc.issues)} Problem(e)); "
          "bitte beheben (THEKIZ_KNOWLEDGE_DIR oder --knowledge prüfen):", file=sys.stderr)
    for issue in exc.issues:
        print(f"  {issue}", file=sys.stderr)


def load_kb(directory: Path) -> KnowledgeBase | None:
    """The knowledge base, or None after telling what is wrong with it."""
    try:
        return load_knowledge(directory)
    except KnowledgeError as exc:
        print_knowledge_error(exc, directory)
        return None


def load_matcher(directory: Path, settings: Settings) -> Matcher | None:
    """The matcher (from the index cache when it is current), or None after telling what is
    wrong with the knowledge base."""
    from thekiz_bot.matching.cache import load_matcher as cached_matcher

    try:
        return cached_matcher(directory, settings.index_cache, settings.semantic)
    except KnowledgeError as exc:
        print_knowledge_error(exc, directory)
        return None


def resolve_region(kb: KnowledgeBase, name: str | None) -> Region | None:
    """The region a --region names; raises UsageError for a name the knowledge base lacks."""
    if name is None:
        return None
    found = RegionFinder(kb.regions).resolve(name)
    if found is None:
        known = ", ".join(r.name for r in kb.regions) or "(keine Regionen in der Wissensbasis)"
        raise UsageError(f"Die Region „{name}“ (--region) kenne ich nicht. Möglich sind: {known}.")
    return found
