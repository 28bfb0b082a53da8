"""Add alternates to FAQ entries in a YAML file without disturbing anything else in it.

The knowledge base is written and reviewed by people in git: comments, blank lines, key
order and quoting must survive, so that the diff shows only the new lines. Instead of
re-serialising the file, the new items are inserted as text at the positions PyYAML's
composer reports, and the result is checked by parsing it again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from thekiz_bot.storage.files import write_atomic


def yaml_scalar(value: str) -> str:
    """A string as one YAML scalar on one line, quoted only where YAML needs it."""
    dumped = yaml.safe_dump(value, allow_unicode=True, width=1_000_000)
    return dumped.removesuffix("\n...\n").rstrip("\n")


def flow_scalar(value: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar, safe inside [ … ] whatever it holds.
    return json.dumps(value, ensure_ascii=False)


@dataclass
class FileEdit:
    """The outcome for one file: what was added, what could not be placed."""

    path: Path
    added: dict[str, list[str]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)  # entry id -> reason
    text: str | None = None  # the new content, None when nothing changes


@dataclass(frozen=True)
class _Insert:
    index: int
    text: str


def _entries_node(root: Node | None) -> SequenceNode | None:
    if isinstance(root, SequenceNode):
        return root
    if isinstance(root, MappingNode):
        for key, value in root.value:
            if isinstance(key, ScalarNode) and key.value == "entries":
                return value if isinstance(value, SequenceNode) else None
    return None


def _field(mapping: MappingNode, name: str) -> tuple[ScalarNode, Node] | None:
    for key, value in mapping.value:
        if isinstance(key, ScalarNode) and key.value == name:
            return key, value
    return None


class _Lines:
    """Character offsets of line ends, respecting the file's newline style."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.newline = "\r\n" if "\r\n" in text else "\n"

    def end_of_line(self, line: int) -> int:
        """Offset just before the newline that ends `line` (0-based)."""
        pos = 0
        for _ in range(line):
            found = self.text.find("\n", pos)
            if found < 0:
                return len(self.text)
            pos = found + 1
        end = self.text.find("\n", pos)
        if end < 0:
            return len(self.text)
        return end - 1 if end > 0 and self.text[end - 1] == "\r" else end

    def last_line_of(self, node: Node) -> int:
        """The last line holding the node's text (block scalars end on the following line)."""
        line = node.end_mark.line
        if node.end_mark.column == 0 and line > node.start_mark.line:
            line -= 1
            lines = self.text.splitlines()
            while line > node.start_mark.line and line < len(lines) and not lines[line].strip():
                line -= 1
        return line

    def block(self, after_line: int, lines: Sequence[str]) -> _Insert:
        joined = "".join(self.newline + line for line in lines)
        return _Insert(self.end_of_line(after_line), joined)


def _inserts_for(entry: MappingNode, texts: Sequence[str], lines: _Lines) -> list[_Insert] | str:
    """Where and what to insert for one entry, or why it cannot be done."""
    found = _field(entry, "alternates")
    if found is None:
        question = _field(entry, "question") or _field(entry, "id")
        assert question is not None
        key_col = question[0].start_mark.column
        new = [" " * key_col + "alternates:"]
        new += [" " * (key_col + 2) + "- " + yaml_scalar(t) for t in texts]
        return [lines.block(lines.last_line_of(question[1]), new)]
    key, value = found
    if isinstance(value, SequenceNode) and value.flow_style:
        close = value.end_mark.index - 1  # the "]"
        if lines.text[close] != "]":
            return "Liste in ungewohnter Schreibweise"
        prefix = ", " if value.value else ""
        return [_Insert(close, prefix + ", ".join(flow_scalar(t) for t in texts))]
    if isinstance(value, SequenceNode) and value.value:
        dash_col = value.start_mark.column
        first = value.value[0].start_mark.column
        gap = " " * max(1, first - dash_col - 1)
        new = [" " * dash_col + "-" + gap + yaml_scalar(t) for t in texts]
        return [lines.block(lines.last_line_of(value.value[-1]), new)]
    if isinstance(value, ScalarNode) and value.value == "" and value.tag.endswith(":null"):
        # "alternates:" with nothing after it
        key_col = key.start_mark.column
        new = [" " * (key_col + 2) + "- " + yaml_scalar(t) for t in texts]
        return [lines.block(key.start_mark.line, new)]
    return "'alternates' ist keine Liste"


def _expected(data: Any, additions: Mapping[str, Sequence[str]]) -> Any:
    items = data["entries"] if isinstance(data, dict) else data
    for item in items:
        if isinstance(item, dict) and item.get("id") in additions:
            current = item.get("alternates") or []
            item["alternates"] = [*current, *additions[item["id"]]]
    return data


def add_alternates(path: Path, additions: Mapping[str, Sequence[str]]) -> FileEdit:
    """Compute the new file content; nothing is written here (see `write_edit`)."""
    edit = FileEdit(path)
    with path.open(encoding="utf-8", newline="") as handle:  # keep "\r\n" as it is
        raw = handle.read()
    bom = "\ufeff" if raw.startswith("\ufeff") else ""
    text = raw[len(bom):]
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        before = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        edit.skipped = {eid: f"YAML-Fehler in der Datei: {exc}" for eid in additions}
        return edit
    entries = _entries_node(root)
    if entries is None:
        edit.skipped = {eid: "keine Liste 'entries' in der Datei" for eid in additions}
        return edit
    lines = _Lines(text)
    inserts: list[_Insert] = []
    for item in entries.value:
        if not isinstance(item, MappingNode):
            continue
        id_field = _field(item, "id")
        if id_field is None or not isinstance(id_field[1], ScalarNode):
            continue
        entry_id = str(id_field[1].value)
        if not additions.get(entry_id):
            continue
        result = _inserts_for(item, additions[entry_id], lines)
        if isinstance(result, str):
            edit.skipped[entry_id] = result
            continue
        inserts.extend(result)
        edit.added[entry_id] = list(additions[entry_id])
    for entry_id in additions:
        if entry_id not in edit.added and entry_id not in edit.skipped:
            edit.skipped[entry_id] = "Eintrag nicht in dieser Datei gefunden"
    if not inserts:
        return edit
    new_text = text
    for insert in sorted(inserts, key=lambda i: i.index, reverse=True):
        new_text = new_text[: insert.index] + insert.text + new_text[insert.index:]
    if yaml.safe_load(new_text) != _expected(before, edit.added):
        # Never write something that means more (or less) than the alternates we meant to add.
        edit.skipped.update({eid: "Einfügen hätte die Datei verändert; bitte von Hand ergänzen"
                             for eid in edit.added})
        edit.added = {}
        return edit
    edit.text = bom + new_text
    return edit


def write_edit(edit: FileEdit) -> None:
    """Replace the file atomically: a crash leaves either the old or the new version."""
    if edit.text is not None:
        write_atomic(edit.path, edit.text, newline="")
