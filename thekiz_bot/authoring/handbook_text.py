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

# --- patterns -------------------------------------------------------------------------------

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
_PHONE_LABELLED = re.compile(
    r"\b(?:Telefon|Tel\.?|Fon|Mobil|Handy|Rufnummer)\s*:?\s*(\+?\d[\d /()\-–]{4,}\d)", re.I
)
_PHONE_BARE = re.compile(r"(?<![\w.])((?:\+49|0)\d{2,5}(?:[ /\-–]?\d{2,}){1,4})(?![\w.])")
_FAX = re.compile(r"\bFax\b", re.I)
_TITLE = r"(?:(?:Dr|Prof|Dipl)\.(?:[-\s]?[A-Z][a-z]*\.)?\s+)*"
_NAME_WORD = r"[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)?"
_PERSON = re.compile(
    rf"^(?P<name>{_TITLE}{_NAME_WORD}(?:\s+(?:von\s+|van\s+|de\s+)?{_NAME_WORD}){{1,2}})"
    r"(?:\s*\((?P<paren>[^()]{1,80})\)|\s*(?:,|–|—|-)\s*(?P<role>.{2,80}))?\s*$"
)
_CONTACT_LABEL = re.compile(
    r"^(?:Kontakt(?:e|daten)?|Ansprech(?:partner\*?(?:in(?:nen)?)?|person(?:en)?))\s*:?$", re.I
)
_VOICES = re.compile(r"^stimmen aus der praxis$", re.I)
_SALUTATION = re.compile(r"^Liebe[rs]?\s")
_SIGN_OFF = re.compile(r"^(?:Ihr|Ihre|Euer|Eure)\s+Team\b|^Mit (?:freundlichen|herzlichen) Grüßen")
_HANDBOOK = re.compile(r"handbuch", re.I)
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*•–]|\d{1,2}[.)])\s+")
# A heading that asks, even when the export lost its question mark.
_QUESTION_WORD = re.compile(
    r"^(?:Wer|Was|Wie|Wo|Wann|Warum|Weshalb|Wieso|Welche[rsmn]?|Wozu|Woher|Wohin|Womit|Wofür)"
    r"\s+\w+\s+\w+"
)
_OPEN_QUOTES = "„“\"»‚"
_CLOSE_QUOTES = "“”\"«‘"
_TERMINAL = ".!?:;"
# Words that may legitimately start the line after a page break; never treated as a fragment.
_FUNCTION_WORDS = frozenset(
    "der die das den dem des ein eine einer eines einem einen und oder aber in im an am auf aus "
    "bei mit nach von vom vor zu zum zur für über unter um durch gegen ohne als wie wenn dass es "
    "er sie wir ihr ich man sich so auch nur noch schon nicht sind ist war hat haben wird werden "
    "kann können bzw etc sowie".split()
)
_ABBREVIATIONS = frozenset(
    "z.b u.a d.h o.ä ggf bzw etc usw vgl evtl inkl ca nr dr prof dipl s bspw u.ä sog ggü ff "
    "abs min max tel mio mrd jh".split()
)
_SENTENCE_END = re.compile(r"([.!?])((?:\*\*|\*|[“”\"«)])*)(\s+)(?=[*„\"»(]*[A-ZÄÖÜ0-9])")


# --- data -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A paragraph of the source: lines between blank lines."""

    lines: tuple[str, ...]
    level: int = 0  # Markdown heading level; 0 for everything else

    @property
    def text(self) -> str:
        return " ".join(line.strip() for line in self.lines).strip()


@dataclass
class CleanupLog:
    """What was repaired, so the Fachstelle can see the importer did not silently change text."""

    forewords: int = 0
    repeated_blocks: int = 0
    page_breaks: int = 0
    fragments: int = 0
    captions: int = 0
    escapes: int = 0
    lost_links: int = 0
    dangling: int = 0

    def add(self, other: CleanupLog) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def summary(self) -> str:
        parts = [
            (self.forewords, "Vorwort entfernt"),
            (self.repeated_blocks, "wiederholte Absätze entfernt"),
            (self.page_breaks, "Seitenumbrüche zusammengefügt"),
            (self.fragments, "Wortbruchstücke entfernt"),
            (self.captions, "Bildunterschriften im Satz entfernt"),
            (self.escapes, "Markdown-Escapes bereinigt"),
            (self.lost_links, "Links ohne Adresse bereinigt"),
            (self.dangling, "abgebrochene Satzreste weggelassen"),
        ]
        return ", ".join(f"{label}: {count}" for count, label in parts if count) or "nichts"


@dataclass(frozen=True)
class Quote:
    text: str
    speaker: str | None
    section: str


@dataclass
class ContactDraft:
    name: str | None = None
    role: str | None = None
    organisation: str | None = None
    phone: str | None = None
    email: str | None = None
    section: str = ""

    @property
    def reachable(self) -> bool:
        return bool(self.phone or self.email)


@dataclass
class Section:
    heading: str
    path: tuple[str, ...]  # enclosing headings, outermost first, for `source`
    paragraphs: list[str] = field(default_factory=list)
    contacts: list[ContactDraft] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def is_question(self) -> bool:
        return self.heading.endswith("?") or bool(_QUESTION_WORD.match(self.heading))

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


# --- inline text cleaning -------------------------------------------------------------------

_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~>])")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)[^)]*\)")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_ITALIC = re.compile(r"(?<![\w*])\*(?![\s*])(.+?)(?<![\s*])\*(?![\w*])")
_DEICTIC_LINK = re.compile(r"^(?:hier|dort|link|diesem link|hier klicken|mehr|weiterlesen)$", re.I)
_HTML_ENTITY = {"&nbsp;": " ", "&amp;": "&", "&shy;": "", "&ndash;": "–", "&quot;": '"'}


def _is_lost_address(url: str) -> bool:
    return not url or url.startswith("#") or url in ("about:blank", "javascript:void(0)")


def clean_inline(text: str, log: CleanupLog) -> str:
    """Plain text from one converted paragraph: escapes, emphasis and broken links removed."""
    for entity, replacement in _HTML_ENTITY.items():
        text = text.replace(entity, replacement)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf" or ch == "\u00ad")
    text = text.replace("\u00ad", "").replace("\u00a0", " ")
    log.escapes += len(_ESCAPE.findall(text))
    # Escapes are resolved to placeholders first so that an escaped star never becomes emphasis.
    text = _ESCAPE.sub(lambda m: "\0" + str(ord(m.group(1))) + "\0", text)
    text = _IMAGE.sub("", text)
    text = _drop_lost_links(text, log)
    text = _AUTOLINK.sub(r"\1", text)
    text = BOLD.sub(lambda m: m.group(1) or m.group(2), text)
    text = _ITALIC.sub(r"\1", text)
    text = re.sub(r"(?<!\w)\*\*|\*\*(?!\w)", "", text)  # stray bold markers left by splitting
    text = re.sub(r"\0(\d+)\0", lambda m: chr(int(m.group(1))), text)
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    return text.strip()


def _drop_lost_links(text: str, log: CleanupLog) -> str:
    """A link whose address was lost keeps its words; "[hier](#)" takes its sentence with it."""

    def keep_text(match: re.Match[str]) -> str:
        label, url = match.group(1).strip(), match.group(2).strip()
        if _is_lost_address(url):
            log.lost_links += 1
            return label
        return f"{label} ({url})" if label and label != url else url

    out: list[str] = []
    for sentence in split_sentences(text):
        links = list(_LINK.finditer(sentence))
        if any(_is_lost_address(m.group(2)) and _DEICTIC_LINK.match(m.group(1).strip())
               for m in links):
            # "Weitere Informationen finden Sie hier." without the link would send readers nowhere.
            log.lost_links += 1
            continue
        out.append(_LINK.sub(keep_text, sentence))
    return " ".join(out)


# --- sentences ------------------------------------------------------------------------------


def split_sentences(text: str) -> list[str]:
    """German sentences; abbreviations such as "z.B.", "u.a." or "S. 19" do not end one."""
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        words = text[start : match.start(1)].split()
        token = words[-1].strip("*„“\"(").lower() if words else ""
        previous = words[-2].lower() if len(words) > 1 else ""
        # "am 1. Januar" goes on, "Empfehlungen, S. 19." ends.
        ordinal = token.isdigit() and len(token) <= 2 and previous not in ("s.", "seite", "nr.")
        if match.group(1) == "." and (
            token in _ABBREVIATIONS
            or re.fullmatch(r"(?:\w\.)+\w?", token)
            or ordinal
            or len(token) == 1
        ):
            continue
        end = match.start(3)
        sentences.append(text[start:end].strip())
        start = match.end(3)
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return [s for s in sentences if s]


def ends_sentence(text: str) -> bool:
    stripped = text.rstrip(" *_>")
    if re.search(r"https?://\S+$", stripped):
        return True  # "… finden Sie hier: https://…" is complete without a full stop
    return bool(stripped) and (stripped[-1] in _TERMINAL or stripped[-1] in _CLOSE_QUOTES + ")")


# --- blocks ---------------------------------------------------------------------------------


def split_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            blocks.append(Block(tuple(current)))
            current.clear()

    for raw in text.split("\n"):
        line = raw.rstrip()
        if not line.strip():
            flush()
            continue
        heading = _MD_HEADING.match(line.strip())
        if heading:
            flush()
            blocks.append(Block((heading.group(2),), level=len(heading.group(1))))
            continue
        current.append(line)
    flush()
    return blocks


def _plain(block_text: str) -> str:
    """Text without emphasis markers, for classification."""
    return re.sub(r"\*\*|__|(?<!\w)\*|\*(?!\w)", "", block_text).strip()


def is_contact_line(line: str) -> bool:
    plain = _plain(line)
    return bool(
        EMAIL.search(plain) or _PHONE_LABELLED.search(plain) or _FAX.match(plain)
        or (_PHONE_BARE.fullmatch(plain.strip()))
    )


def looks_like_heading(block: Block) -> bool:
    if block.level:
        return True
    if len(block.lines) != 1:
        return False
    text = _plain(block.text)
    if not text or len(text) > 90 or len(text.split()) > 12:
        return False
    if text[0] in _OPEN_QUOTES or _LIST_ITEM.match(text) or not (text[0].isupper() or
                                                                 text[0].isdigit()):
        return False
    if is_contact_line(text) or _PERSON.match(text):
        return False
    if text.endswith("?"):
        return True
    return text[-1] not in _TERMINAL + ",–-" + _CLOSE_QUOTES


def _is_quote(text: str) -> tuple[str, str | None] | None:
    """(quote, speaker) for a paragraph shaped „…“ Speaker; None for anything else."""
    plain = _plain(text)
    if plain.startswith(">"):
        return plain.lstrip("> ").strip(), None
    if not plain or plain[0] not in _OPEN_QUOTES:
        return None
    close = max(plain.rfind(q) for q in _CLOSE_QUOTES)
    if close <= 0:
        return None
    inner = plain[1:close].strip()
    speaker = plain[close + 1 :].strip(" .–—-,")
    if len(speaker) > 80 or len(speaker.split()) > 8:
        return None  # a paragraph that merely opens with a quoted term
    if len(inner) < 20:
        return None
    return inner, speaker or None


# --- boilerplate and page breaks -------------------------------------------------------------


def strip_foreword(blocks: list[Block], log: CleanupLog) -> tuple[str | None, list[Block]]:
    """Remove the handbook title and the foreword every handbook document repeats."""
    handbook = None
    for i, block in enumerate(blocks[:3]):
        if _HANDBOOK.search(block.text) and len(block.text) <= 60:
            handbook = _plain(block.text)
            blocks = blocks[:i] + blocks[i + 1 :]
            break
    start = next((i for i, b in enumerate(blocks[:10]) if _SALUTATION.match(b.text)), None)
    if start is None:
        return handbook, blocks
    end = next(
        (j for j in range(start + 1, min(len(blocks), start + 40))
         if _SIGN_OFF.match(blocks[j].text)),
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
            and _is_quote(block.text) is None
            and not all(is_contact_line(line) for line in block.lines))


def _continues(block: Block) -> bool:
    """Whether a paragraph reads like the rest of a sentence cut by a page break."""
    text = _plain(block.text)
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
        and piece not in _FUNCTION_WORDS
        and last_word.endswith(piece)
        and rest
    ):
        # The PDF printed the end of the hyphenated word twice: keep the whole word only.
        log.fragments += 1
        return f"{head} {rest}"
    return f"{head} {tail}"


# --- contacts -------------------------------------------------------------------------------


def phone_digits(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    return "0" + digits[2:] if digits.startswith("49") and phone.strip().startswith("+") else digits


def _find_phone(text: str) -> str | None:
    if _FAX.search(text) and not _PHONE_LABELLED.search(text):
        return None
    labelled = _PHONE_LABELLED.search(text)
    if labelled:
        return labelled.group(1).strip(" -–")
    bare = _PHONE_BARE.search(text)
    if bare and len(re.sub(r"\D", "", bare.group(1))) >= 7:
        return bare.group(1).strip()
    return None


def _split_affiliation(text: str) -> tuple[str | None, str | None]:
    """(role, organisation) from "(TMASGFF)" or ", Referentin im Ministerium"."""
    text = text.strip()
    words = text.replace("-", " ").split()
    if words and all(w.isupper() and len(w) > 1 for w in words[:1]) and len(words) <= 3:
        return None, text  # an acronym such as TMASGFF names the organisation
    if re.search(r"\b(?:Ministerium|Fachstelle|Landratsamt|Stadtverwaltung|Verein|e\.\s?V\.|"
                 r"gGmbH|GmbH|Stiftung|Jugendamt|Amt)\b", text):
        return None, text
    return text, None


def extract_contacts(lines: Sequence[str], section: str) -> list[ContactDraft]:
    """Contact drafts from consecutive contact lines: a name with a role, phone and e-mail."""
    contacts: list[ContactDraft] = []
    current: ContactDraft | None = None
    for raw in lines:
        line = _plain(raw)
        person = _PERSON.match(line)
        if person and not is_contact_line(line):
            if current is not None and (current.name or current.reachable):
                contacts.append(current)
            role, organisation = _split_affiliation(
                person.group("paren") or person.group("role") or ""
            ) if (person.group("paren") or person.group("role")) else (None, None)
            current = ContactDraft(name=person.group("name"), role=role,
                                   organisation=organisation, section=section)
            continue
        email = EMAIL.search(line)
        phone = _find_phone(line)
        if not email and not phone:
            continue
        if current is None:
            current = ContactDraft(section=section)
        if email:
            if current.email and current.email != email.group(0):
                contacts.append(current)
                current = ContactDraft(section=section)
            current.email = email.group(0)
        if phone and not current.phone:
            current.phone = phone
    if current is not None and (current.reachable or (current.name and (current.role or
                                                                        current.organisation))):
        contacts.append(current)
    return contacts


# --- document parsing -----------------------------------------------------------------------


def _is_person_line(block: Block, plain: str, following: Block | None, in_contact: bool) -> bool:
    """A name line of a contact: with a role next to it, or followed by a phone or e-mail."""
    if len(block.lines) != 1:
        return False
    person = _PERSON.match(plain)
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
        plain = _plain(block.text)
        if (after_colon and not block.level and len(block.lines) == 1 and len(plain) <= 80
                and not ends_sentence(plain) and not is_contact_line(plain)):
            self._lost_link(block)
        elif all(is_contact_line(line) for line in block.lines) or _is_person_line(
            block, plain, following, bool(self._contact_lines)
        ):
            self._contact_lines.extend(block.lines)
        elif _CONTACT_LABEL.match(plain) or _VOICES.match(plain):
            self._flush_contacts()  # labels inside a section ("Kontakt"), not sections
        elif (quote := _is_quote(block.text)) is not None:
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
            if EMAIL.search(line) or _find_phone(_plain(line)):
                # An address in running text: a contact draft, and the sentence stays.
                self.contacts.extend(extract_contacts([line], self.section_name))
        if self.current is None:
            self.current = Section(heading=self.section_name, path=())
            self.sections.append(self.current)
        self.current.paragraphs.append(body)
        self._after_colon = _plain(body).endswith(":")

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
    if len(block.lines) > 1 and all(_LIST_ITEM.match(line) for line in block.lines):
        items = [clean_inline(_LIST_ITEM.sub("", line), log) for line in block.lines]
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
