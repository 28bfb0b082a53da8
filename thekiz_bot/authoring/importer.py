"""Turn handbook documents (Markdown or plain text exported from the PDFs) into draft FAQ entries.

The output is a YAML file of drafts for the Fachstelle to review: every item carries
`status: draft`, ids never collide with the knowledge base, and a curated file is never
overwritten. The importer only moves text from the handbook into YAML; it does not invent
questions' facts, addresses or numbers. Where the PDF conversion lost something (a link's
address, a sentence broken by a page), the draft says so instead of guessing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from thekiz_bot.authoring.handbook_text import (
    BOLD,
    CleanupLog,
    ContactDraft,
    ImportedDocument,
    Quote,
    Section,
    clean_inline,
    ends_sentence,
    parse_document,
    phone_digits,
    repeated_blocks,
    split_sentences,
)
from thekiz_bot.authoring.yaml_edit import yaml_scalar
from thekiz_bot.config import Settings
from thekiz_bot.knowledge.loader import CONTACTS_FILE, FAQ_DIR
from thekiz_bot.text.normalise import slug as text_slug

# Answers are read on a phone between two appointments: a few sentences, not a page.
ANSWER_TARGET_CHARS = 450
ID_PREFIX = "entwurf-"
QUOTE_PREFIX = "zitat-entwurf-"
CONTACT_PREFIX = "kontakt-entwurf-"
MAX_SLUG = 48

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


@dataclass(frozen=True)
class Existing:
    """What the knowledge base already holds: ids to avoid, contacts to link to."""

    entry_ids: frozenset[str] = frozenset()
    contact_ids: frozenset[str] = frozenset()
    # (id, lower-cased e-mail or None, phone digits or None)
    contacts: tuple[tuple[str, str | None, str | None], ...] = ()

    def matching_contact(self, draft: ContactDraft) -> str | None:
        email = draft.email.lower() if draft.email else None
        digits = phone_digits(draft.phone) if draft.phone else None
        for cid, c_email, c_digits in self.contacts:
            if (email and email == c_email) or (digits and digits == c_digits):
                return cid
        return None


# --- answers --------------------------------------------------------------------------------

# A sentence opening with one of these leans on the sentence before it ("Sie vertritt …").
_LEANING_OPENERS = frozenset(
    "sie er ihr ihre ihnen dies diese dieser dieses diesen dort dabei dazu damit daher hier "
    "hierbei hierfür zudem außerdem darüber ebenso deshalb dadurch auch".split()
)
# Lower-case pronouns soon after the start refer back too ("Es ist empfehlenswert, sie …").
_LEANING_INSIDE = frozenset("sie ihnen diese dort hier".split())


@dataclass(frozen=True)
class ShortAnswer:
    text: str
    used: int
    total: int


def _leans_back(sentence: str) -> bool:
    words = [w.strip("„“\",.;:()") for w in sentence.split()[:6]]
    if not words:
        return False
    return words[0].lower() in _LEANING_OPENERS or any(w in _LEANING_INSIDE for w in words[1:])


def shorten(paragraphs: Sequence[str], log: CleanupLog,
            target: int = ANSWER_TARGET_CHARS) -> ShortAnswer:
    """The gist at sentence boundaries: the first sentence, then the sentences the authors set
    in bold or that hold a number, then the rest in order, up to `target` characters.

    A sentence that refers back ("Sie …", "Dort …") is only taken together with the one before.
    """
    sentences: list[tuple[str, bool]] = []
    for paragraph in paragraphs:
        for sentence in split_sentences(paragraph):
            # Bold marks the authors' key statements; numbers are the facts people ask for.
            key = "**" in sentence or "__" in sentence or any(c.isdigit() for c in sentence)
            cleaned = clean_inline(sentence, log)
            if not cleaned:
                continue
            if not ends_sentence(cleaned):
                log.dangling += 1  # a sentence the conversion cut off: better left out
                continue
            sentences.append((cleaned, key))
    if not sentences:
        return ShortAnswer("", 0, 0)
    chosen = {0}
    length = len(sentences[0][0])
    order = [i for i, (_, key) in enumerate(sentences) if key and i]
    order += [i for i, (_, key) in enumerate(sentences) if not key and i]
    for i in order:
        extra = len(sentences[i][0]) + 1
        if length + extra > target:
            continue
        if _leans_back(sentences[i][0]) and i - 1 not in chosen:
            continue
        chosen.add(i)
        length += extra
    text = " ".join(sentences[i][0] for i in sorted(chosen))
    if len(text) > target * 2:
        # A single enormous sentence: cut at a word boundary and say so.
        text = text[: target * 2].rsplit(" ", 1)[0] + " …"
    return ShortAnswer(text, len(chosen), len(sentences))


def split_parts(paragraphs: Sequence[str], target: int = ANSWER_TARGET_CHARS) -> list[list[str]]:
    """Long sections become several drafts, one per group of paragraphs: a section that runs
    over a page usually covers several questions (the curators split entries the same way)."""
    if sum(len(p) for p in paragraphs) <= 2 * target or len(paragraphs) < 2:
        return [list(paragraphs)]
    parts: list[list[str]] = [[]]
    size = 0
    for paragraph in paragraphs:
        if parts[-1] and size + len(paragraph) > target:
            parts.append([])
            size = 0
        parts[-1].append(paragraph)
        size += len(paragraph)
    return parts


def bold_phrases(paragraphs: Sequence[str], limit: int = 60) -> list[str]:
    """Short phrases the authors set in bold: good keywords for a draft."""
    found: list[str] = []
    for paragraph in paragraphs:
        for match in BOLD.finditer(paragraph):
            phrase = clean_inline(match.group(1) or match.group(2), CleanupLog()).strip(" .,:;")
            if 2 < len(phrase) <= limit and phrase not in found:
                found.append(phrase)
    return found


# --- drafts ---------------------------------------------------------------------------------


def slug(text: str) -> str:
    return text_slug(text, MAX_SLUG) or "eintrag"


class IdPool:
    """Hands out ids that collide neither with the knowledge base nor with each other."""

    def __init__(self, taken: Iterable[str]) -> None:
        self._taken = set(taken)

    def take(self, base: str) -> str:
        candidate, n = base, 2
        while candidate in self._taken:
            candidate = f"{base}-{n}"
            n += 1
        self._taken.add(candidate)
        return candidate


@dataclass
class DraftItem:
    data: dict[str, Any]
    comments: list[str] = field(default_factory=list)


@dataclass
class DraftSet:
    entries: list[DraftItem] = field(default_factory=list)
    quotes: list[DraftItem] = field(default_factory=list)
    contacts: list[DraftItem] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    log: CleanupLog = field(default_factory=CleanupLog)


def source_label(doc: ImportedDocument, section: Section) -> str:
    parts = [doc.handbook]
    if doc.title and doc.title != section.heading and doc.title not in section.path:
        parts.append(doc.title)
    parts.extend(section.path)
    parts.append(section.heading)
    return " – ".join(dict.fromkeys(parts))


def _entry_draft(doc: ImportedDocument, section: Section, paragraphs: Sequence[str],
                 short: ShortAnswer, part: tuple[int, int], ids: IdPool) -> DraftItem:
    number, parts = part
    question = section.question
    base = ID_PREFIX + slug(section.heading)
    if parts > 1:
        question += f" (Teil {number} von {parts})"
        base += f"-teil-{number}"
    data: dict[str, Any] = {
        "id": ids.take(base),
        "status": "draft",
        "question": question,
        # The bare heading is how people type a topic into a chat: a first alternate.
        "alternates": [] if section.is_question else [section.heading],
    }
    keywords = bold_phrases(paragraphs)
    if keywords:
        data["keywords"] = keywords
    data["answer"] = short.text
    data["source"] = source_label(doc, section)
    comments = [f"Aus: {doc.name}"]
    if short.used < short.total:
        comments.append(f"Antwort gekürzt: {short.used} von {short.total} Sätzen; "
                        "der vollständige Text steht in der Quelle.")
    return DraftItem(data, comments)


@dataclass
class _Builder:
    """Turns parsed documents into draft items, handing out ids as it goes."""

    existing: Existing
    drafts: DraftSet = field(default_factory=DraftSet)
    entry_ids: IdPool = field(init=False)
    contact_ids: IdPool = field(init=False)
    # e-mail/phone of contact drafts already written, so a contact repeated across documents
    # becomes one draft
    seen: dict[tuple[str | None, str | None], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.entry_ids = IdPool(self.existing.entry_ids)
        self.contact_ids = IdPool(self.existing.contact_ids)

    def add(self, doc: ImportedDocument) -> None:
        self.drafts.sources.append(doc.name)
        refs = {id(c): self._contact(doc, c) for c in doc.contacts}
        for section in doc.sections:
            self._section(doc, section, refs)
        for quote in doc.quotes:
            self._quote(doc, quote)
        self.drafts.log.add(doc.log)  # last: shortening the answers logs repairs too

    def _contact(self, doc: ImportedDocument, contact: ContactDraft) -> str:
        known = self.existing.matching_contact(contact)
        if known is not None:
            return known
        key = (contact.email.lower() if contact.email else None,
               phone_digits(contact.phone) if contact.phone else None)
        if any(key) and key in self.seen:
            return self.seen[key]
        cid = self.contact_ids.take(CONTACT_PREFIX + slug(contact.name or contact.section))
        self.seen[key] = cid
        data: dict[str, Any] = {"id": cid, "status": "draft",
                                "name": contact.name or contact.section}
        for name in ("role", "organisation", "phone", "email"):
            if getattr(contact, name):
                data[name] = getattr(contact, name)
        comments = [f"Gefunden in: {doc.name}, Abschnitt „{contact.section}“"]
        if not contact.name:
            comments.append("Kein Name im Dokument: 'name' ist vorerst der Abschnittstitel.")
        self.drafts.contacts.append(DraftItem(data, comments))
        return cid

    def _section(self, doc: ImportedDocument, section: Section, refs: dict[int, str]) -> None:
        parts = [(paragraphs, shorten(paragraphs, doc.log))
                 for paragraphs in split_parts(section.paragraphs)]
        parts = [(paragraphs, short) for paragraphs, short in parts if short.text]
        for number, (paragraphs, short) in enumerate(parts, start=1):
            item = _entry_draft(doc, section, paragraphs, short, (number, len(parts)),
                                self.entry_ids)
            if number == 1:
                self._link_contacts(item, section, refs)
                item.comments.extend(section.notes)
            self.drafts.entries.append(item)

    def _link_contacts(self, item: DraftItem, section: Section, refs: dict[int, str]) -> None:
        """Curated contacts are referenced; draft contacts only named in a comment, because a
        reference to a contact that is not in contacts.yaml would stop the knowledge base
        from loading."""
        known = [refs[id(c)] for c in section.contacts
                 if self.existing.matching_contact(c) is not None]
        drafted = [refs[id(c)] for c in section.contacts
                   if self.existing.matching_contact(c) is None]
        if known:
            item.data["contacts"] = list(dict.fromkeys(known))
        if drafted:
            item.comments.append("Kontakt-Entwurf (erst nach Übernahme in contacts.yaml "
                                 "eintragen): " + ", ".join(dict.fromkeys(drafted)))

    def _quote(self, doc: ImportedDocument, quote: Quote) -> None:
        section = next((s for s in doc.sections if s.heading == quote.section), None)
        data: dict[str, Any] = {
            "id": self.entry_ids.take(QUOTE_PREFIX + slug(quote.section)),
            "status": "draft",
            "kind": "zitat",
            "text": quote.text,
        }
        if quote.speaker:
            data["speaker"] = quote.speaker
        data["source"] = source_label(doc, section) if section is not None else doc.handbook
        self.drafts.quotes.append(DraftItem(data))


def build_drafts(docs: Sequence[ImportedDocument], existing: Existing) -> DraftSet:
    builder = _Builder(existing)
    for doc in docs:
        builder.add(doc)
    return builder.drafts


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


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the bot's user must read it
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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


def import_documents(texts: Sequence[tuple[str, str]], existing: Existing) -> DraftSet:
    """(name, text) pairs → drafts; the pure core of the `import` command."""
    repeated = repeated_blocks([t for _, t in texts])
    docs = [parse_document(text, name, repeated) for name, text in texts]
    return build_drafts(docs, existing)


# --- command line ---------------------------------------------------------------------------


def build_parser(settings: Settings) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python bot.py import",
        description="Handbuch-Dokumente (Markdown oder Text) in FAQ-Entwürfe umwandeln.",
    )
    parser.add_argument("documents", nargs="+", type=Path, metavar="DOKUMENT",
                        help="eine oder mehrere Dateien (.md oder .txt)")
    parser.add_argument("--out", type=Path, default=None, metavar="DATEI",
                        help="Ziel-YAML (Standard: Ausgabe auf dem Bildschirm)")
    parser.add_argument("--knowledge", type=Path, default=settings.knowledge_dir, metavar="DIR",
                        help="Wissensbasis, deren IDs und Kontakte berücksichtigt werden")
    parser.add_argument("--overwrite", action="store_true",
                        help="eine vorhandene Entwurfsdatei ersetzen (nie kuratierte Dateien)")
    return parser


def cli_main(args: list[str], settings: Settings) -> int:
    parser = build_parser(settings)
    try:
        opts = parser.parse_args(args)
    except SystemExit as exc:
        return int(exc.code or 0)
    out: Path | None = opts.out
    if out is not None:
        refusal = output_refusal(out, opts.overwrite)
        if refusal:
            print(refusal, file=sys.stderr)
            return EXIT_REFUSED
    texts: list[tuple[str, str]] = []
    for path in opts.documents:
        try:
            text, warning = read_document(path)
        except OSError as exc:
            print(f"{path}: kann nicht gelesen werden ({exc.strerror}).", file=sys.stderr)
            return EXIT_REFUSED
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
    return EXIT_OK
