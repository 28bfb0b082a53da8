"""Read handbook documents as exported from the PDFs: structure, clean text, quotes, contacts.

The exports are Markdown or plain text with the artefacts of a PDF conversion: sentences
broken across pages (with the end of a hyphenated word printed twice and figure captions in
between), markdown escapes such as `Partner\\*innen`, links whose address was lost, and the
same foreword at the top of every document. This module turns such a text into sections,
quotes and contact drafts, and logs every repair it made.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from thekiz_bot.authoring.handbook_contacts import ContactDraft, extract_contacts, find_phone
from thekiz_bot.authoring.handbook_markup import (
    CONTACT_LABEL,
    EMAIL,
    FUNCTION_WORDS,
    HANDBOOK,
    LIST_ITEM,
    PERSON,
    QUESTION_WORD,
    SALUTATION,
    SIGN_OFF,
    VOICES,
    Block,
    CleanupLog,
    clean_inline,
    ends_sentence,
    is_contact_line,
    is_quote,
    looks_like_heading,
    plain_text,
    split_blocks,
)

# --- data -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quote:
    text: str
    speaker: str | None
    section: str


@dataclass
class Section:
    heading: str
    path: tuple[str, ...]  # enclosing headings, outermost first, for `source`
    paragraphs: list[str] = field(default_factory=list)
    contacts: list[ContactDraft] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def is_question(self) -> bool:
        return self.heading.endswith("?") or bool(QUESTION_WORD.match(self.heading))

    @property
    def question(self) -> str:
        """The heading as a question: "Wie …" gains its "?", a topic becomes "Worum geht es …"."""
        if self.heading.endswith("?"):
            return self.heading
        if self.is_question:
            return self.heading.rstrip(" .:") + "?"
        return f"Worum geht es bei „{self.heading}“?"


@dataclass
class ImportedDocument:
    name: str
    handbook: str
    title: str | None
    sections: list[Section]
    quotes: list[Quote]
    contacts: list[ContactDraft]
    log: CleanupLog


# --- boilerplate and page breaks -------------------------------------------------------------


def strip_foreword(blocks: list[Block], log: CleanupLog) -> tuple[str | None, list[Block]]:
    """Remove the handbook title and the foreword every handbook document repeats."""
    handbook = None
    for i, block in enumerate(blocks[:3]):
        if HANDBOOK.search(block.text) and len(block.text) <= 60:
            handbook = plain_text(block.text)
            blocks = blocks[:i] + blocks[i + 1 :]
            break
    start = next((i for i, b in enumerate(blocks[:10]) if SALUTATION.match(b.text)), None)
    if start is None:
        return handbook, blocks
    end = next(
        (j for j in range(start + 1, min(len(blocks), start + 40))
         if SIGN_OFF.match(blocks[j].text)),
        None,
    )
    if end is None:
        return handbook, blocks
    log.forewords += 1
    return handbook, blocks[:start] + blocks[end + 1 :]


def strip_repeated(blocks: list[Block], repeated: set[str], log: CleanupLog) -> list[Block]:
    kept = []
    for block in blocks:
        if block.text in repeated and not block.level:
            log.repeated_blocks += 1
            continue
        kept.append(block)
    return kept


def _is_body(block: Block) -> bool:
    return (not block.level and not looks_like_heading(block)
            and is_quote(block.text) is None
            and not all(is_contact_line(line) for line in block.lines))


def _continues(block: Block) -> bool:
    """Whether a paragraph reads like the rest of a sentence cut by a page break."""
    text = plain_text(block.text)
    if not text or not ends_sentence(text):
        return False
    first = text.split()[0]
    return text[0].islower() or first.endswith((",", "-"))


def repair_page_breaks(blocks: list[Block], log: CleanupLog, lookahead: int = 3) -> list[Block]:
    """Join sentences broken across a page, dropping the stray word piece and captions between.

    "… im überregionalen" / "len Netzwerk …" becomes "… im überregionalen Netzwerk …"; a figure
    caption printed inside the broken sentence is dropped only when the continuation is found.
    """
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if not _is_body(block) or len(block.text) < 60 or ends_sentence(block.text):
            out.append(block)
            i += 1
            continue
        found = None
        for j in range(i + 1, min(len(blocks), i + 1 + lookahead)):
            candidate = blocks[j]
            if candidate.level:
                break
            if _continues(candidate):
                found = j
                break
            if len(candidate.text) >= 160:
                break  # a full paragraph, not a caption: the sentence really ends here
        if found is None:
            out.append(block)
            i += 1
            continue
        log.page_breaks += 1
        log.captions += found - i - 1
        out.append(Block((_join_broken(block.text, blocks[found].text, log),)))
        i = found + 1
    return out


def _join_broken(head: str, tail: str, log: CleanupLog) -> str:
    if head.endswith("-") and tail[:1].islower():
        return head[:-1] + tail
    last_word = re.sub(r"\W", "", head.split()[-1]).lower()
    first, _, rest = tail.partition(" ")
    piece = re.sub(r"\W", "", first).lower()
    if (
        piece
        and first[:1].islower()
        and piece not in FUNCTION_WORDS
        and last_word.endswith(piece)
        and rest
    ):
        # The PDF printed the end of the hyphenated word twice: keep the whole word only.
        log.fragments += 1
        return f"{head} {rest}"
    return f"{head} {tail}"


# --- document parsing -----------------------------------------------------------------------


def _is_person_line(block: Block, plain: str, following: Block | None, in_contact: bool) -> bool:
    """A name line of a contact: with a role next to it, or followed by a phone or e-mail."""
    if len(block.lines) != 1:
        return False
    person = PERSON.match(plain)
    if person is None:
        return False
    has_role = bool(person.group("paren") or person.group("role"))
    return has_role or in_contact or (following is not None and is_contact_line(following.text))


class _Reader:
    """Walks the blocks of one document, keeping track of the section they belong to."""

    def __init__(self, name: str, log: CleanupLog) -> None:
        self.name = name
        self.log = log
        self.sections: list[Section] = []
        self.quotes: list[Quote] = []
        self.contacts: list[ContactDraft] = []
        self.title: str | None = None
        self.current: Section | None = None
        self._levels: list[tuple[int, str]] = []  # open Markdown headings
        self._after_colon = False  # the last paragraph ended with ":" (a link followed)
        self._contact_lines: list[str] = []

    @property
    def section_name(self) -> str:
        if self.current is not None:
            return self.current.heading
        return self.title or Path(self.name).stem

    def read(self, blocks: Sequence[Block]) -> None:
        for index, block in enumerate(blocks):
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            after_colon, self._after_colon = self._after_colon, False
            self._read_block(block, following, after_colon)
        self._flush_contacts()

    def _read_block(self, block: Block, following: Block | None, after_colon: bool) -> None:
        plain = plain_text(block.text)
        if (after_colon and not block.level and len(block.lines) == 1 and len(plain) <= 80
                and not ends_sentence(plain) and not is_contact_line(plain)):
            self._lost_link(block)
        elif all(is_contact_line(line) for line in block.lines) or _is_person_line(
            block, plain, following, bool(self._contact_lines)
        ):
            self._contact_lines.extend(block.lines)
        elif CONTACT_LABEL.match(plain) or VOICES.match(plain):
            self._flush_contacts()  # labels inside a section ("Kontakt"), not sections
        elif (quote := is_quote(block.text)) is not None:
            self._flush_contacts()
            text, speaker = quote
            self.quotes.append(Quote(clean_inline(text, self.log),
                                     clean_inline(speaker, self.log) if speaker else None,
                                     self.section_name))
        elif looks_like_heading(block):
            self._flush_contacts()
            self._heading(block, following)
        else:
            self._flush_contacts()
            self._body(block)

    def _lost_link(self, block: Block) -> None:
        # A button or link in the PDF: its words survived, its address did not.
        assert self.current is not None and self.current.paragraphs
        label = clean_inline(block.text, self.log)
        self.log.lost_links += 1
        self.current.paragraphs[-1] += f" „{label}“"
        self.current.notes.append(f"Linktext ohne Adresse übernommen: „{label}“ – die Adresse "
                                  "steht nicht im Dokument; bitte keine erfinden.")

    def _heading(self, block: Block, following: Block | None) -> None:
        heading = clean_inline(block.text, self.log)
        if block.level:
            while self._levels and self._levels[-1][0] >= block.level:
                self._levels.pop()
            path = tuple(h for _, h in self._levels)
            self._levels.append((block.level, heading))
        else:
            path = (self.title,) if self.title and self.title != heading else ()
        if self.title is None:
            self.title = heading
            if following is None or looks_like_heading(following):
                # The document's own title: context for every section, not an entry of its own.
                self.current = None
                return
        self.current = Section(heading=heading, path=path)
        self.sections.append(self.current)

    def _body(self, block: Block) -> None:
        body = _body_text(block, self.log)
        if not body:
            return
        for line in block.lines:
            if EMAIL.search(line) or find_phone(plain_text(line)):
                # An address in running text: a contact draft, and the sentence stays.
                self.contacts.extend(extract_contacts([line], self.section_name))
        if self.current is None:
            self.current = Section(heading=self.section_name, path=())
            self.sections.append(self.current)
        self.current.paragraphs.append(body)
        self._after_colon = plain_text(body).endswith(":")

    def _flush_contacts(self) -> None:
        if not self._contact_lines:
            return
        found = extract_contacts(self._contact_lines, self.section_name)
        self._contact_lines.clear()
        self.contacts.extend(found)
        if self.current is not None:
            self.current.contacts.extend(found)


def parse_document(text: str, name: str, repeated: set[str] | None = None) -> ImportedDocument:
    """Sections, quotes and contact drafts of one handbook document."""
    log = CleanupLog()
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    blocks = split_blocks(text.lstrip("\ufeff"))
    handbook, blocks = strip_foreword(blocks, log)
    if repeated:
        blocks = strip_repeated(blocks, repeated, log)
    blocks = repair_page_breaks(blocks, log)
    reader = _Reader(name, log)
    reader.read(blocks)
    return ImportedDocument(
        name=name,
        handbook=handbook or "Handbuch",
        title=reader.title,
        sections=[s for s in reader.sections if s.paragraphs],
        quotes=reader.quotes,
        contacts=reader.contacts,
        log=log,
    )


def _body_text(block: Block, log: CleanupLog) -> str:
    if len(block.lines) > 1 and all(LIST_ITEM.match(line) for line in block.lines):
        items = [clean_inline(LIST_ITEM.sub("", line), log) for line in block.lines]
        return "; ".join(i.rstrip(".;") for i in items if i) + "."
    return block.text


def repeated_blocks(texts: Sequence[str]) -> set[str]:
    """Paragraphs found in more than one document: the boilerplate every PDF export repeats."""
    if len(texts) < 2:
        return set()
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update({b.text for b in split_blocks(text) if len(b.text) >= 40})
    return {t for t, n in counts.items() if n > 1}
