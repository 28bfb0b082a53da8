"""Handbook text as exported from the PDFs: the patterns, blocks, inline cleaning and sentences.

Markdown escapes, links whose address was lost, HTML entities and sentence boundaries are
handled here; every repair is counted in a `CleanupLog`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# --- patterns -------------------------------------------------------------------------------

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
PHONE_LABELLED = re.compile(
    r"\b(?:Telefon|Tel\.?|Fon|Mobil|Handy|Rufnummer)\s*:?\s*(\+?\d[\d /()\-–]{4,}\d)", re.I
)
PHONE_BARE = re.compile(r"(?<![\w.])((?:\+49|0)\d{2,5}(?:[ /\-–]?\d{2,}){1,4})(?![\w.])")
FAX = re.compile(r"\bFax\b", re.I)
_TITLE = r"(?:(?:Dr|Prof|Dipl)\.(?:[-\s]?[A-Z][a-z]*\.)?\s+)*"
_NAME_WORD = r"[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)?"
PERSON = re.compile(
    rf"^(?P<name>{_TITLE}{_NAME_WORD}(?:\s+(?:von\s+|van\s+|de\s+)?{_NAME_WORD}){{1,2}})"
    r"(?:\s*\((?P<paren>[^()]{1,80})\)|\s*(?:,|–|—|-)\s*(?P<role>.{2,80}))?\s*$"
)
CONTACT_LABEL = re.compile(
    r"^(?:Kontakt(?:e|daten)?|Ansprech(?:partner\*?(?:in(?:nen)?)?|person(?:en)?))\s*:?$", re.I
)
VOICES = re.compile(r"^stimmen aus der praxis$", re.I)
SALUTATION = re.compile(r"^Liebe[rs]?\s")
SIGN_OFF = re.compile(r"^(?:Ihr|Ihre|Euer|Eure)\s+Team\b|^Mit (?:freundlichen|herzlichen) Grüßen")
HANDBOOK = re.compile(r"handbuch", re.I)
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
LIST_ITEM = re.compile(r"^\s*(?:[-*•–]|\d{1,2}[.)])\s+")
# A heading that asks, even when the export lost its question mark.
QUESTION_WORD = re.compile(
    r"^(?:Wer|Was|Wie|Wo|Wann|Warum|Weshalb|Wieso|Welche[rsmn]?|Wozu|Woher|Wohin|Womit|Wofür)"
    r"\s+\w+\s+\w+"
)
_OPEN_QUOTES = "„“\"»‚"
_CLOSE_QUOTES = "“”\"«‘"
_TERMINAL = ".!?:;"
# Words that may legitimately start the line after a page break; never treated as a fragment.
FUNCTION_WORDS = frozenset(
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


def plain_text(block_text: str) -> str:
    """Text without emphasis markers, for classification."""
    return re.sub(r"\*\*|__|(?<!\w)\*|\*(?!\w)", "", block_text).strip()


def is_contact_line(line: str) -> bool:
    plain = plain_text(line)
    return bool(
        EMAIL.search(plain) or PHONE_LABELLED.search(plain) or FAX.match(plain)
        or (PHONE_BARE.fullmatch(plain.strip()))
    )


def looks_like_heading(block: Block) -> bool:
    if block.level:
        return True
    if len(block.lines) != 1:
        return False
    text = plain_text(block.text)
    if not text or len(text) > 90 or len(text.split()) > 12:
        return False
    if text[0] in _OPEN_QUOTES or LIST_ITEM.match(text) or not (text[0].isupper() or
                                                                 text[0].isdigit()):
        return False
    if is_contact_line(text) or PERSON.match(text):
        return False
    if text.endswith("?"):
        return True
    return text[-1] not in _TERMINAL + ",–-" + _CLOSE_QUOTES


def is_quote(text: str) -> tuple[str, str | None] | None:
    """(quote, speaker) for a paragraph shaped „…“ Speaker; None for anything else."""
    plain = plain_text(text)
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

