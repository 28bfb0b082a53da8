"""German text normalisation shared by the index and the queries.

Both sides go through the same functions, so spelling variants only need to collapse to the
same form, not to a correct one: "Bürgermeister", "Buergermeister" and "Burgermeister" all
become "burgermeister".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Longer inputs are cut: no real question is longer, and it bounds the work per message.
MAX_QUERY_CHARS = 2000

_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~>])")
_MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")
_HTML_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{1,6});")
# Gender forms: Koordinator*innen, Sozialplaner:innen, Partner_innen, Kolleg/-innen, Akteur·innen,
# and the singular forms *in / :in. The star may be markdown-escaped in converted PDFs.
_GENDER_SUFFIX = re.compile(r"(?<=\w)(?:\\?\*|:|_|·|/-?|\()(in(?:nen)?)\)?(?![a-zäöüß])", re.I)
# A gender form needs one of these before its "in"/"innen".
_GENDER_MARKS = ("*", ":", "_", "·", "/", "(")
_BINNEN_I = re.compile(r"(?<=[a-zäöüß])I(?:nnen|n)(?![a-zäöüß])")
# The one umlaut policy. For matching, "ä", "ae" and "a" are one letter: people type all three
# ("Bürgermeister", "Buergermeister", "Burgermeister"). For names (ids, file names), umlauts are
# spelled out ("ä" → "ae") so that the name stays readable.
_UMLAUTS = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "à": "a", "á": "a", "é": "e", "è": "e"})
# A vowel with all the e's after it: "aee" must fold like "ae" would after a second pass, or
# normalise would not be idempotent ("AEE" → "ae" → "a").
_DIGRAPHS = re.compile(r"([aou])e+")
_SPELLED_OUT = {"ä": "ae", "ö": "oe", "ü": "ue"}  # casefold already turns ß into ss
_NON_WORD = re.compile(r"[^0-9a-z]+")
_HYPHENATED = re.compile(r"\b([0-9a-z]+(?:-[0-9a-z]+)+)\b")

_BLANKS = re.compile(r"[ \t\r\f\v]+")

_SUFFIXES = ("innen", "erin", "ern", "en", "er", "es", "in", "e", "n", "s")
# The suffixes by their last letter, in the order above: a word is only tried against those.
_SUFFIXES_BY_LAST = {
    last: tuple(s for s in _SUFFIXES if s.endswith(last)) for last in {s[-1] for s in _SUFFIXES}
}
_MIN_STEM = 4


def clean_input(text: str, limit: int = MAX_QUERY_CHARS) -> str:
    """Make arbitrary user input safe to process: NFKC, no control or zero-width characters."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text[: limit * 2])
    # Printable text has no character of the categories below (the common case: this runs
    # several times per question, and the loop costs more than the rest of it).
    if not text.isprintable():
        chars = []
        for ch in text:
            category = unicodedata.category(ch)
            if category == "Cf":
                continue  # zero-width and direction marks sit inside words: drop them
            if category in ("Cc", "Cs", "Co", "Cn"):
                chars.append("\n" if ch == "\n" else " ")
            else:
                chars.append(ch)
        text = "".join(chars)
    return _BLANKS.sub(" ", text).strip()[:limit]


def fold(text: str) -> str:
    """Case-fold and collapse umlauts, ß and their ASCII spellings to one form."""
    text = text.casefold().translate(_UMLAUTS)  # casefold turns ß into ss
    return _DIGRAPHS.sub(r"\1", text)


def slug(text: str, limit: int = 60) -> str:
    """A readable ASCII name for ids and file names: "Fachstelle für Kitas" → "fachstelle-fuer-kitas"."""
    text = text.casefold()
    for umlaut, spelled in _SPELLED_OUT.items():
        text = text.replace(umlaut, spelled)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"\*innen|\*in\b", "innen", text)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:limit].strip("-")


def normalise(text: str) -> str:
    """The canonical form of a text: folded words separated by single spaces."""
    text = clean_input(text)
    if not text:
        return ""
    # Each pattern is run only when the text has a character it cannot match without: most
    # texts have none, and looking for a character costs far less than running a pattern
    # (this runs for every indexed text and several times per question).
    if "[" in text:
        text = _MARKDOWN_LINK.sub(r"\1", text)
    if "<" in text:
        text = _HTML_TAG.sub(" ", text)
    if "&" in text:
        text = _HTML_ENTITY.sub(" ", text)
    if "\\" in text:
        text = _MARKDOWN_ESCAPE.sub(r"\1", text)
    if "I" in text:
        text = _BINNEN_I.sub("", text)
    if any(mark in text for mark in _GENDER_MARKS):
        text = _GENDER_SUFFIX.sub("", text)
    text = fold(text)
    if "-" in text:
        # Keep hyphenated compounds findable both as parts and as one word.
        text = _HYPHENATED.sub(lambda m: m.group(1) + " " + m.group(1).replace("-", ""), text)
    return _NON_WORD.sub(" ", text).strip()


def stem(token: str) -> str:
    """A light German suffix stripper: enough to join singular/plural and inflected forms."""
    for suffix in _SUFFIXES_BY_LAST.get(token[-1:], ()):
        if token.endswith(suffix) and len(token) - len(suffix) >= _MIN_STEM:
            return token[: -len(suffix)]
    return token


@dataclass(frozen=True)
class Vocabulary:
    """Synonym canonicalisation and stop words, built once per knowledge base."""

    pattern: re.Pattern[str] | None
    canonical: dict[str, str]
    stopwords: frozenset[str]

    @classmethod
    def build(cls, synonyms: Iterable[Sequence[str]], stopwords: Iterable[str]) -> Vocabulary:
        canonical: dict[str, str] = {}
        for group in synonyms:
            forms = [normalise(term) for term in group]
            forms = [f for f in forms if f]
            if len(forms) < 2:
                continue
            for form in forms[1:]:
                if form != forms[0]:
                    canonical.setdefault(form, forms[0])
        pattern = None
        if canonical:
            alternation = "|".join(
                re.escape(form) for form in sorted(canonical, key=len, reverse=True)
            )
            pattern = re.compile(rf"(?<![0-9a-z])(?:{alternation})(?![0-9a-z])")
        stops = frozenset(normalise(w) for w in stopwords if normalise(w))
        return cls(pattern, canonical, stops)

    def canonicalise(self, normalised: str) -> str:
        if self.pattern is None or not normalised:
            return normalised
        return self.pattern.sub(lambda m: self.canonical[m.group(0)], normalised)

    def content_tokens(self, normalised: str) -> list[str]:
        """Stemmed tokens without stop words (a text of only stop words keeps them all)."""
        tokens = self.canonicalise(normalised).split()
        content = [t for t in tokens if t not in self.stopwords]
        return [stem(t) for t in (content or tokens)]

    def analyse(self, text: str) -> str:
        """Full pipeline for indexing and querying: normalise, canonicalise, drop stop words, stem."""
        return " ".join(self.content_tokens(normalise(text)))
