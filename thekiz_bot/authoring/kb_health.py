"""`check` warnings about the knowledge base as a whole: optional files that are missing (and
what silently stops working without them) and sizes no chat can carry."""

from __future__ import annotations

from pathlib import Path

from thekiz_bot.authoring.gaps import Finding
from thekiz_bot.knowledge.loader import (
    CONTACTS_FILE,
    OUT_OF_SCOPE_FILE,
    REGIONS_FILE,
    SMALLTALK_FILE,
    STOPWORDS_FILE,
    SYNONYMS_FILE,
)
from thekiz_bot.knowledge.model import KnowledgeBase

# What stops working without each optional file.
OPTIONAL_FILES = {
    REGIONS_FILE: "Regionen: /region, regionale Antworten und Kontakte, --region und die "
                  "Regionen von Terminen und Ankündigungen",
    SMALLTALK_FILE: "Small Talk: Begrüßungen, Dank und „Wer bist du?“ bekommen keine Antwort",
    OUT_OF_SCOPE_FILE: "das ehrliche Nein: Fragen außerhalb des Handbuchs (Wetter, Kindergeld …) "
                       "werden nicht mehr erkannt und abgelehnt",
    CONTACTS_FILE: "Ansprechpersonen: /kontakt und die Kontakte unter den Antworten",
    SYNONYMS_FILE: "Synonyme: verschiedene Wörter für dasselbe (z. B. Abkürzungen) werden nicht "
                   "mehr gleich verstanden",
    STOPWORDS_FILE: "Stoppwörter: Füllwörter zählen beim Vergleichen der Fragen mit",
}
# Telegram carries at most 4,096 characters per message; longer answers arrive in parts.
TELEGRAM_LIMIT = 4096
# An answer of this many messages is no answer any more: the file is probably broken.
MAX_MESSAGES_PER_ANSWER = 4
# A knowledge file of this size was not written by hand.
MAX_FILE_BYTES = 5 * 1024 * 1024


def missing_optional_files(directory: Path) -> list[Finding]:
    return [
        Finding("warning", "missing_file",
                f"{directory / name} fehlt – ohne sie funktioniert nicht: {what}. Bitte stellen "
                "Sie die Datei wieder her (z. B. mit git checkout).")
        for name, what in OPTIONAL_FILES.items() if not (directory / name).is_file()
    ]


def oversized(kb: KnowledgeBase, directory: Path) -> list[Finding]:
    findings = []
    for path in sorted(directory.rglob("*")):
        if path.suffix in (".yaml", ".yml") and path.is_file():
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                findings.append(Finding(
                    "warning", "size",
                    f"{path} ist {size / 1024 / 1024:.0f} MB groß – so groß schreibt niemand "
                    "von Hand; bitte prüfen Sie, ob die Datei versehentlich erzeugt oder "
                    "verdoppelt wurde."))
    for entry in kb.entries:
        chars = len(entry.answer or "")
        if chars > TELEGRAM_LIMIT * MAX_MESSAGES_PER_ANSWER:
            findings.append(Finding(
                "error", "size",
                f"Die Antwort von '{entry.id}' hat {chars:,} Zeichen – das wären "
                f"{chars // TELEGRAM_LIMIT + 1} Telegram-Nachrichten; bitte kürzen Sie sie "
                "auf wenige Sätze und verweisen Sie auf das Handbuch.".replace(",", "."),
                (entry.id,)))
        elif chars > TELEGRAM_LIMIT:
            findings.append(Finding(
                "warning", "size",
                f"Die Antwort von '{entry.id}' hat {chars:,} Zeichen und kommt in Telegram in "
                "mehreren Nachrichten an; bitte kürzen Sie sie.".replace(",", "."),
                (entry.id,)))
    return findings
