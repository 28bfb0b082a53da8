"""Turn handbook documents (Markdown or plain text exported from the PDFs) into draft FAQ entries.

The output is a YAML file of drafts for the Fachstelle to review: every item carries
`status: draft`, ids never collide with the knowledge base, and a curated file is never
overwritten. The importer only moves text from the handbook into YAML; it does not invent
questions' facts, addresses or numbers. Where the PDF conversion lost something (a link's
address, a sentence broken by a page), the draft says so instead of guessing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from thekiz_bot.authoring.handbook_contacts import ContactDraft, phone_digits
from thekiz_bot.authoring.handbook_markup import (
    BOLD,
    CleanupLog,
    clean_inline,
    ends_sentence,
    split_sentences,
)
from thekiz_bot.authoring.handbook_text import (
    ImportedDocument,
    Quote,
    Section,
    parse_document,
    repeated_blocks,
)
from thekiz_bot.text.normalise import slug as text_slug

# Answers are read on a phone between two appointments: a few sentences, not a page.
ANSWER_TARGET_CHARS = 450
ID_PREFIX = "entwurf-"
QUOTE_PREFIX = "zitat-entwurf-"
CONTACT_PREFIX = "kontakt-entwurf-"
MAX_SLUG = 48



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


def import_documents(texts: Sequence[tuple[str, str]], existing: Existing) -> DraftSet:
    """(name, text) pairs → drafts; the pure core of the `import` command."""
    repeated = repeated_blocks([t for _, t in texts])
    docs = [parse_document(text, name, repeated) for name, text in texts]
    return build_drafts(docs, existing)
