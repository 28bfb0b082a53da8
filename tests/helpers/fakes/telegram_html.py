"""Parse Telegram's HTML parse mode the way the Bot API does, for the fake server.

Follows https://core.telegram.org/bots/api#html-style: only the listed tags, properly nested,
`<a>` needs `href`, only `&lt; &gt; &amp; &quot;` and numeric entities. One deliberate difference:
a bare `&` that does not start an entity is rejected here (Telegram tolerates it, but its docs
require escaping, and a bare `&` usually means dynamic text was not escaped).
Returns the plain text and the message entities with UTF-16 offsets, as Telegram reports them.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY = re.compile(r"&(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]+);")
_ATTRIBUTE = re.compile(r"""\s*([a-zA-Z-]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?""")


class HtmlParseError(ValueError):
    """Telegram's "can't parse entities" error; the message mirrors its wording."""


@dataclass
class ParsedText:
    text: str
    entities: list[dict[str, object]] = field(default_factory=list)

    @property
    def length(self) -> int:
        """Length in UTF-16 code units, the unit of Telegram's limits and entity offsets."""
        return _utf16(self.text)


@dataclass
class _Open:
    name: str
    offset: int
    attributes: dict[str, str]
    byte_offset: int


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_html(source: str) -> ParsedText:
    """Plain text and entities of `source`, or HtmlParseError like Telegram's BadRequest."""
    out: list[str] = []
    length = 0  # UTF-16 length of out
    stack: list[_Open] = []
    entities: list[dict[str, object]] = []
    position = 0
    while position < len(source):
        char = source[position]
        byte_offset = len(source[:position].encode("utf-8"))
        if char == "&":
            match = _ENTITY.match(source, position)
            if match is None:
                raise HtmlParseError(
                    f"Can't parse entities: unescaped '&' at byte offset {byte_offset}"
                )
            decoded = _decode_entity(match.group(1), byte_offset)
            out.append(decoded)
            length += _utf16(decoded)
            position = match.end()
            continue
        if char == "<":
            end = source.find(">", position)
            if end == -1:
                raise HtmlParseError(
                    f"Can't parse entities: unclosed start tag at byte offset {byte_offset}"
                )
            tag = source[position + 1:end]
            if tag.startswith("/"):
                name = tag[1:].strip().lower()
                if not stack:
                    raise HtmlParseError(
                        f'Can\'t parse entities: unexpected end tag at byte offset {byte_offset}'
                    )
                opened = stack.pop()
                if opened.name != name:
                    raise HtmlParseError(
                        "Can't parse entities: unmatched end tag at byte offset "
                        f'{byte_offset}, expected "</{opened.name}>", found "</{name}>"'
                    )
                if length > opened.offset:
                    entities.append(_entity(opened, length))
            else:
                stack.append(_open_tag(tag, length, byte_offset, stack))
            position = end + 1
            continue
        if char == ">":
            # Telegram accepts a bare '>' but the docs ask for &gt;; accept like Telegram does.
            pass
        out.append(char)
        length += _utf16(char)
        position += 1
    if stack:
        raise HtmlParseError(
            f"Can't parse entities: can't find end tag corresponding to start tag "
            f'"{stack[-1].name}"'
        )
    entities.sort(key=lambda e: (int(e["offset"]), -int(e["length"])))  # type: ignore[call-overload]
    return ParsedText("".join(out), entities)


def _decode_entity(body: str, byte_offset: int) -> str:
    if body.startswith("#"):
        number = int(body[2:], 16) if body[1:2] in ("x", "X") else int(body[1:])
        if number == 0 or number > 0x10FFFF:
            raise HtmlParseError(f"Can't parse entities: invalid entity at byte offset {byte_offset}")
        return chr(number)
    if body not in _NAMED_ENTITIES:
        raise HtmlParseError(
            f"Can't parse entities: unsupported entity \"&{body};\" at byte offset {byte_offset}"
        )
    return _NAMED_ENTITIES[body]


def _open_tag(tag: str, offset: int, byte_offset: int, stack: list[_Open]) -> _Open:
    match = re.match(r"([a-zA-Z][a-zA-Z0-9-]*)", tag)
    if match is None:
        raise HtmlParseError(f"Can't parse entities: unexpected start tag at byte offset {byte_offset}")
    name = match.group(1).lower()
    if name not in ENTITY_TYPES:
        raise HtmlParseError(
            f'Can\'t parse entities: unsupported start tag "{name}" at byte offset {byte_offset}'
        )
    attributes: dict[str, str] = {}
    rest = tag[match.end():].rstrip().rstrip("/")
    while rest.strip():
        attr = _ATTRIBUTE.match(rest)
        if attr is None or attr.end() == 0:
            raise HtmlParseError(
                f"Can't parse entities: expected equal sign in declaration of an attribute of "
                f"the tag at byte offset {byte_offset}"
            )
        value = attr.group(2) or ""
        if value[:1] in ("'", '"'):
            value = value[1:-1]
        attributes[attr.group(1).lower()] = html.unescape(value)
        rest = rest[attr.end():]
    if name == "a":
        if not attributes.get("href"):
            raise HtmlParseError(
                f"Can't parse entities: tag \"a\" must have attribute \"href\" at byte offset "
                f"{byte_offset}"
            )
        if any(o.name == "a" for o in stack):
            raise HtmlParseError("Can't parse entities: nested links are not allowed")
    if name == "span" and attributes.get("class") != "tg-spoiler":
        raise HtmlParseError(
            f'Can\'t parse entities: tag "span" must have class "tg-spoiler" at byte offset '
            f"{byte_offset}"
        )
    return _Open(name, offset, attributes, byte_offset)


def _entity(opened: _Open, end: int) -> dict[str, object]:
    kind = ENTITY_TYPES[opened.name]
    entity: dict[str, object] = {"type": kind, "offset": opened.offset, "length": end - opened.offset}
    if kind == "text_link":
        entity["url"] = opened.attributes["href"]
    if kind == "blockquote" and "expandable" in opened.attributes:
        entity["type"] = "expandable_blockquote"
    if kind == "pre" and opened.attributes.get("language"):
        entity["language"] = opened.attributes["language"]
    return entity
