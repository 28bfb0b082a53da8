"""Add alternates to FAQ entries (or examples to out-of-scope topics) in a YAML file without
disturbing anything else in it.

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


def _entries_node(root: Node | None, records_key: str = "entries") -> SequenceNode | None:
    if isinstance(root, SequenceNode):
        return root
    if isinstance(root, MappingNode):
        for key, value in root.value:
            if isinstance(key, ScalarNode) and key.value == records_key:
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


def _inserts_for(entry: MappingNode, texts: Sequence[str], lines: _Lines,
                 list_field: str = "alternates") -> list[_Insert] | str:
    """Where and what to insert for one entry, or why it cannot be done."""
    found = _field(entry, list_field)
    if found is None:
        question = _field(entry, "question") or _field(entry, "id")
        assert question is not None
        key_col = question[0].start_mark.column
        new = [" " * key_col + f"{list_field}:"]
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
    return f"'{list_field}' ist keine Liste"


def _expected(data: Any, additions: Mapping[str, Sequence[str]], records_key: str,
              list_field: str, new_records: Mapping[str, Sequence[str]]) -> Any:
    items = data[records_key] if isinstance(data, dict) else data
    for item in items:
        if isinstance(item, dict) and item.get("id") in additions:
            current = item.get(list_field) or []
            item[list_field] = [*current, *additions[item["id"]]]
    items.extend({"id": rid, list_field: list(texts)} for rid, texts in new_records.items())
    return data


def _new_records(entries: SequenceNode, records: Mapping[str, Sequence[str]], lines: _Lines,
                 list_field: str) -> _Insert | str:
    """New `- id: …` records after the last one, indented like it."""
    if entries.flow_style or not entries.value:
        return "Liste in ungewohnter Schreibweise"
    last = entries.value[-1]
    dash_col = max(0, last.start_mark.column - 2)
    pad = " " * (dash_col + 2)
    new: list[str] = []
    for record_id, texts in records.items():
        new += [" " * dash_col + "- id: " + yaml_scalar(record_id), pad + f"{list_field}:"]
        new += [pad + "  - " + yaml_scalar(t) for t in texts]
    return lines.block(lines.last_line_of(last), new)


def add_alternates(path: Path, additions: Mapping[str, Sequence[str]]) -> FileEdit:
    """Compute the new file content; nothing is written here (see `write_edit`)."""
    return add_list_items(path, additions)


def add_list_items(path: Path, additions: Mapping[str, Sequence[str]],
                   records_key: str = "entries", list_field: str = "alternates",
                   new_records: Mapping[str, Sequence[str]] | None = None) -> FileEdit:
    """Append texts to the `list_field` of records (by id) under `records_key`, and add
    `new_records` (id → texts) at the end; nothing is written here (see `write_edit`)."""
    new_records = dict(new_records or {})
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
    entries = _entries_node(root, records_key)
    if entries is None:
        edit.skipped = {eid: f"keine Liste '{records_key}' in der Datei"
                        for eid in (*additions, *new_records)}
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
        result = _inserts_for(item, additions[entry_id], lines, list_field)
        if isinstance(result, str):
            edit.skipped[entry_id] = result
            continue
        inserts.extend(result)
        edit.added[entry_id] = list(additions[entry_id])
    for entry_id in additions:
        if entry_id not in edit.added and entry_id not in edit.skipped:
            edit.skipped[entry_id] = "Eintrag nicht in dieser Datei gefunden"
    added_records: dict[str, list[str]] = {}
    if new_records:
        placed = _new_records(entries, new_records, lines, list_field)
        if isinstance(placed, str):
            edit.skipped.update({rid: placed for rid in new_records})
        else:
            inserts.append(placed)
            added_records = {rid: list(texts) for rid, texts in new_records.items()}
    if not inserts:
        return edit
    new_text = text
    for insert in sorted(inserts, key=lambda i: i.index, reverse=True):
        new_text = new_text[: insert.index] + insert.text + new_text[insert.index:]
    expected = _expected(before, edit.added, records_key, list_field, added_records)
    if yaml.safe_load(new_text) != expected:
        # Never write something that means more (or less) than the alternates we meant to add.
        edit.skipped.update({eid: "Einfügen hätte die Datei verändert; bitte von Hand ergänzen"
                             for eid in (*edit.added, *added_records)})
        edit.added = {}
        return edit
    edit.added.update(added_records)
    edit.text = bom + new_text
    return edit


def write_edit(edit: FileEdit) -> None:
    """Replace the file atomically: a crash leaves either the old or the new version."""
    if edit.text is not None:
        write_atomic(edit.path, edit.text, newline="")
