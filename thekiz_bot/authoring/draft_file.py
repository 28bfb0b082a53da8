"""The importer's files: the draft YAML it writes, the knowledge base it reads ids and contacts
from, the output file it refuses to overwrite, and the documents it reads."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from thekiz_bot.authoring.handbook_contacts import phone_digits
from thekiz_bot.authoring.importer import DraftItem, DraftSet, Existing
from thekiz_bot.authoring.yaml_edit import yaml_scalar
from thekiz_bot.knowledge.loader import CONTACTS_FILE, FAQ_DIR

# --- YAML output ----------------------------------------------------------------------------


# Texts people read in full (answers, quotes) are folded into lines of this width.
LINE_WIDTH = 96
_FOLDED_KEYS = frozenset({"answer", "text"})


def _folded(value: str, indent: str) -> str | None:
    """`>-` block with wrapped lines; None when folding would change the text."""
    lines = textwrap.wrap(value, width=LINE_WIDTH - len(indent), break_long_words=False,
                          break_on_hyphens=False)
    block = ">-\n" + "\n".join(indent + line for line in lines)
    try:
        same = yaml.safe_load("k: " + block) == {"k": value}
    except yaml.YAMLError:
        same = False
    return block if same else None


def _item_lines(item: DraftItem) -> list[str]:
    """One list item in the layout of the curated files (two-space indents, block lists)."""
    lines: list[str] = []
    for comment in item.comments:
        wrapped = textwrap.wrap(comment, width=LINE_WIDTH - 4) or [""]
        lines.extend(f"  # {part}" for part in wrapped)
    first = True
    for key, value in item.data.items():
        prefix = "  - " if first else "    "
        first = False
        if isinstance(value, list):
            if not value:
                lines.append(f"{prefix}{key}: []")
                continue
            lines.append(f"{prefix}{key}:")
            lines.extend(f"      - {yaml_scalar(str(v))}" for v in value)
            continue
        text = " ".join(str(value).split())
        block = _folded(text, "      ") if key in _FOLDED_KEYS and len(text) > 60 else None
        lines.append(f"{prefix}{key}: {block or yaml_scalar(text)}")
    return lines


_QUOTES_NOTE = (
    "Zitate („Stimmen aus der Praxis“ und andere „…“ mit Sprecher): getrennt gehalten, der Bot "
    "beantwortet damit keine Fragen. Wer eines in einer Antwort verwendet, nennt die Person."
)
_CONTACTS_NOTE = (
    "Kontakt-Entwürfe: nach Prüfung in contacts.yaml übernehmen (dort ohne `status`). Kontakte, "
    "die contacts.yaml schon kennt, fehlen hier; die Entwürfe verweisen direkt auf sie."
)


def _list_lines(key: str, items: Sequence[DraftItem], note: str | None) -> list[str]:
    lines = [f"# {part}" for part in textwrap.wrap(note, width=LINE_WIDTH - 2)] if note else []
    if not items:
        return [*lines, f"{key}: []", ""]
    lines.append(f"{key}:")
    for item in items:
        lines.extend(_item_lines(item))
        lines.append("")
    return lines


def render_yaml(drafts: DraftSet, today: date | None = None) -> str:
    today = today or date.today()
    lines = [
        "# ENTWÜRFE – vom Importer erzeugt, noch nicht geprüft.",
        f"# Quelle(n): {', '.join(drafts.sources)} (importiert am {today.isoformat()})",
        "# Jeder Eintrag hat `status: draft`: Der Bot verwendet ihn erst, wenn ein Mensch ihn",
        "# geprüft, umformuliert, mit Alternativfragen ergänzt und `status: draft` entfernt hat.",
        "# `python bot.py check` zeigt, welche kuratierten Einträge ein Entwurf doppelt.",
        "",
    ]
    lines += _list_lines("entries", drafts.entries, None)
    lines += _list_lines("quotes", drafts.quotes, _QUOTES_NOTE)
    lines += _list_lines("contacts", drafts.contacts, _CONTACTS_NOTE)
    return "\n".join(lines).rstrip("\n") + "\n"


# --- knowledge base and output file ---------------------------------------------------------


def _safe_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None


def _items(data: Any, key: str) -> list[dict[str, Any]]:
    if isinstance(data, dict):
        data = data.get(key)
    return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else []


def scan_existing(knowledge_dir: Path, skip: Path | None = None) -> Existing:
    """Ids and contacts already in the knowledge base (tolerant: it may be mid-edit)."""
    entry_ids: set[str] = set()
    contact_ids: set[str] = set()
    contacts: list[tuple[str, str | None, str | None]] = []
    faq_dir = knowledge_dir / FAQ_DIR
    files = sorted(faq_dir.rglob("*.y*ml")) if faq_dir.is_dir() else []
    files += [knowledge_dir / n for n in ("faq.yaml", "faq.yml") if (knowledge_dir / n).is_file()]
    for path in files:
        if skip is not None and path.resolve() == skip.resolve():
            continue
        data = _safe_yaml(path)
        for key in ("entries", "quotes"):
            entry_ids.update(str(d["id"]) for d in _items(data, key) if "id" in d)
        for d in _items(data, "contacts"):
            if "id" in d:
                contact_ids.add(str(d["id"]))
    data = _safe_yaml(knowledge_dir / CONTACTS_FILE)
    for d in _items(data, "contacts"):
        if "id" not in d:
            continue
        contact_ids.add(str(d["id"]))
        email = str(d["email"]).lower() if d.get("email") else None
        digits = phone_digits(str(d["phone"])) if d.get("phone") else None
        contacts.append((str(d["id"]), email, digits))
    return Existing(frozenset(entry_ids), frozenset(contact_ids), tuple(contacts))


def output_refusal(out: Path, overwrite: bool) -> str | None:
    """Why `out` must not be written, or None. Curated files are never replaced."""
    if not out.exists():
        return None
    if out.is_dir():
        return f"{out} ist ein Verzeichnis; bitte geben Sie eine Datei an."
    data = _safe_yaml(out)
    lists = [data.get(k) for k in ("entries", "quotes", "contacts")] if isinstance(data,
                                                                                  dict) else []
    if not isinstance(data, dict) or set(data) - {"entries", "quotes", "contacts"}:
        return f"{out} existiert und ist keine Entwurfsdatei des Importers: nichts geschrieben."
    records = [item for value in lists if isinstance(value, list) for item in value]
    if any(not isinstance(r, dict) or r.get("status") != "draft" for r in records):
        return (f"{out} enthält geprüfte (kuratierte) Einträge und wird nie überschrieben. "
                "Bitte wählen Sie eine neue Datei, z. B. knowledge/faq/entwuerfe.yaml.")
    if not overwrite:
        return (f"{out} existiert bereits (nur Entwürfe). Mit --overwrite wird die Datei ersetzt; "
                "Änderungen, die Sie dort gemacht haben, gingen dann verloren.")
    return None


def read_document(path: Path) -> tuple[str, str | None]:
    """The text and, if it was not UTF-8, a warning (exports from Windows tools often aren't)."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), (
            f"{path.name} ist nicht UTF-8-kodiert; als Windows-1252 gelesen – "
            "bitte Umlaute in den Entwürfen prüfen."
        )
