"""Split Telegram HTML into messages of at most 4,096 characters.

Telegram counts the limit after entity parsing (tags are free, `&amp;` is one character) and in
UTF-16 code units (an emoji counts twice). We cut at the best boundary that fits — a paragraph,
else a line, else a word — and close the tags that are open at the cut, reopening them in the
next part, so every part is valid HTML on its own.
"""

from __future__ import annotations

import re
from typing import NamedTuple

TELEGRAM_TEXT_LIMIT = 4096

_TOKEN = re.compile(r"<[^>]*>|&(?:#\d+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);|[^<&]|[<&]", re.DOTALL)
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z][a-zA-Z0-9-]*)")
_TAGS = re.compile(r"<[^>]*>")


class _Atom(NamedTuple):  # a NamedTuple: one per character, so cheap to create
    raw: str
    width: int  # visible width in UTF-16 code units; 0 for tags
    visible: str  # the character it stands for ("" for tags)
    opens: str | None = None  # tag name when this atom opens a tag
    closes: str | None = None  # tag name when this atom closes a tag


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def visible_length(html_text: str) -> int:
    """Length of the text Telegram shows for this HTML, in UTF-16 code units."""
    return sum(atom.width for atom in _atoms(html_text))


def split_html(html_text: str, limit: int = TELEGRAM_TEXT_LIMIT) -> list[str]:
    """Parts of at most `limit` visible characters; whitespace-only input gives no parts."""
    if limit < 16:
        raise ValueError("limit too small to hold reopened tags and text")
    if utf16_len(html_text) <= limit:
        # Markup only shortens the visible text, so the whole message fits (the usual case).
        return [html_text.strip()] if _TAGS.sub("", html_text).strip() else []
    atoms = _atoms(html_text)
    parts: list[str] = []
    open_tags: list[_Atom] = []
    start = 0
    while start < len(atoms):
        start = _skip_leading_space(atoms, start)
        if start >= len(atoms):
            break
        end = _best_cut(atoms, start, limit)
        body = atoms[start:end]
        prefix = "".join(tag.raw for tag in open_tags)
        for atom in body:
            if atom.opens:
                open_tags.append(atom)
            elif atom.closes and open_tags and _name(open_tags[-1]) == atom.closes:
                open_tags.pop()
        suffix = "".join(f"</{_name(tag)}>" for tag in reversed(open_tags))
        text = (prefix + "".join(a.raw for a in body)).rstrip() + suffix
        if "".join(a.visible for a in body).strip():
            parts.append(text)
        start = end
    return parts


def _atoms(html_text: str) -> list[_Atom]:
    atoms: list[_Atom] = []
    for match in _TOKEN.finditer(html_text):
        raw = match.group(0)
        if raw.startswith("<") and raw.endswith(">") and len(raw) > 1:
            name_match = _TAG_NAME.match(raw)
            name = name_match.group(1).lower() if name_match else ""
            if raw.startswith("</"):
                atoms.append(_Atom(raw, 0, "", closes=name))
            else:
                atoms.append(_Atom(raw, 0, "", opens=name))
        elif raw.startswith("&") and len(raw) > 1:
            atoms.append(_Atom(raw, 1, "x"))
        else:
            atoms.append(_Atom(raw, utf16_len(raw), raw))
    return atoms


def _name(atom: _Atom) -> str:
    return atom.opens or atom.closes or ""


def _skip_leading_space(atoms: list[_Atom], start: int) -> int:
    """Drop the whitespace a cut leaves at the start of the next part (tags are kept)."""
    index = start
    while index < len(atoms) and atoms[index].width and not atoms[index].visible.strip():
        index += 1
    return index


def _best_cut(atoms: list[_Atom], start: int, limit: int) -> int:
    """End index (exclusive) of the next part: the latest good boundary within the limit."""
    width = 0
    end = start
    while end < len(atoms) and width + atoms[end].width <= limit:
        width += atoms[end].width
        end += 1
    if end >= len(atoms):
        return len(atoms)
    # A paragraph (or line) break is taken when it keeps the next block whole, or when the part
    # is already at least half full; otherwise a huge block would leave a tiny part before it.
    for separator in ("\n\n", "\n"):
        cut = _last_break(atoms, start, end, separator)
        if cut is None:
            continue
        used = sum(a.width for a in atoms[start:cut])
        if used >= limit // 2 or _block_width(atoms, cut, separator) <= limit:
            return cut
    cut = _last_break(atoms, start, end, " ")
    return cut if cut is not None else max(end, start + 1)


def _visible(atoms: list[_Atom], start: int, end: int) -> str:
    return "".join(a.visible for a in atoms[start:end])


def _last_break(atoms: list[_Atom], start: int, end: int, separator: str) -> int | None:
    """Index just after the last `separator` between start and end, if it leaves real text."""
    needed = len(separator)
    first_text = start
    while first_text < end and not atoms[first_text].visible.strip():
        first_text += 1
    for index in range(end, first_text + needed, -1):
        if _visible(atoms, index - needed, index) == separator:
            return index
    return None


def _block_width(atoms: list[_Atom], start: int, separator: str) -> int:
    """Visible width from start up to the next `separator` (or the end)."""
    width = 0
    for index in range(start, len(atoms)):
        if _visible(atoms, index, index + len(separator)) == separator and width:
            break
        width += atoms[index].width
    return width
