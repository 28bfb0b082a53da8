"""Import events from a YAML file written by Fachstelle staff.

The file is read as YAML nodes rather than plain values so that every problem can name its
line; all problems are collected before failing, and nothing is imported unless the whole file
is valid (a half-imported file is harder to fix than a refused one).

    events:
      - id: ak-fruehjahr-2027          # stable key: importing again updates the event
        title: Arbeitskreis ThEKiZ
        kind: Arbeitskreis
        start: 12.03.2027 10:00
        end: 16:00
        place: Erfurt
        region: Thüringen
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from thekiz_bot.events.fields import event_from_fields, parse_fields
from thekiz_bot.events.model import Event, validate
from thekiz_bot.knowledge.loader import Issue
from thekiz_bot.knowledge.regions import RegionFinder
from thekiz_bot.knowledge.yaml_loader import compose

FIELDS = (
    "id", "title", "kind", "start", "end", "place", "online_url", "region", "description",
    "registration_url", "registration_deadline", "status",
)
REQUIRED = ("id", "title", "kind", "start", "place")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")
_NULL_TAG = "tag:yaml.org,2002:null"


@dataclass(frozen=True)
class ImportedEvent:
    event: Event
    line: int


class EventImportError(Exception):
    """The file cannot be imported; `issues` lists every problem with file, line and field."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(issue) for issue in issues))


def load_events_file(path: str | Path, regions: RegionFinder, tz: ZoneInfo) -> list[ImportedEvent]:
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise EventImportError([Issue(str(file), "Datei ist nicht UTF-8-kodiert")]) from exc
    except OSError as exc:
        raise EventImportError(
            [Issue(str(file), f"Datei kann nicht gelesen werden ({exc.strerror})")]
        ) from exc
    return parse_events_yaml(text, str(file), regions, tz)


def parse_events_yaml(
    text: str, filename: str, regions: RegionFinder, tz: ZoneInfo
) -> list[ImportedEvent]:
    issues: list[Issue] = []
    try:
        root = compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "ungültiges YAML"
        issue = Issue(filename, f"YAML-Syntaxfehler: {problem}", line=line)
        raise EventImportError([issue]) from exc
    except yaml.YAMLError as exc:
        raise EventImportError([Issue(filename, f"YAML-Syntaxfehler: {exc}")]) from exc

    items = _event_nodes(root, filename, issues)
    imported: list[ImportedEvent] = []
    seen: dict[str, int] = {}
    for index, node in enumerate(items):
        result = _parse_one(node, index, filename, regions, tz, issues)
        if result is None:
            continue
        external_id = result.event.external_id or ""
        if external_id in seen:
            issues.append(Issue(filename, f"doppelte Kennung (schon in Zeile {seen[external_id]})",
                                entry_id=external_id, field="id", line=result.line))
            continue
        seen[external_id] = result.line
        imported.append(result)
    if issues:
        raise EventImportError(issues)
    if not imported:
        raise EventImportError([Issue(filename, "Die Datei enthält keine Termine.")])
    return imported


def _event_nodes(root: yaml.Node | None, filename: str, issues: list[Issue]) -> list[yaml.Node]:
    if root is None:
        return []
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if key.value == "events":
                if isinstance(value, yaml.SequenceNode):
                    return list(value.value)
                if value.tag == _NULL_TAG:
                    return []
                issues.append(Issue(filename, "'events' muss eine Liste sein",
                                    line=value.start_mark.line + 1))
                return []
            issues.append(Issue(filename, "unbekannter Schlüssel (erlaubt: events)",
                                field=str(key.value), line=key.start_mark.line + 1))
        if not issues:
            issues.append(Issue(filename, "Erwartet wird eine Liste unter dem Schlüssel 'events'",
                                line=root.start_mark.line + 1))
        return []
    if isinstance(root, yaml.SequenceNode):
        return list(root.value)
    issues.append(Issue(filename, "Erwartet wird eine Liste unter dem Schlüssel 'events'",
                        line=root.start_mark.line + 1))
    return []


def _parse_one(
    node: yaml.Node,
    index: int,
    filename: str,
    regions: RegionFinder,
    tz: ZoneInfo,
    issues: list[Issue],
) -> ImportedEvent | None:
    line = node.start_mark.line + 1
    if not isinstance(node, yaml.MappingNode):
        issues.append(Issue(filename, f"Termin Nr. {index + 1} ist kein Schlüssel-Wert-Block",
                            line=line))
        return None
    raw: dict[str, str] = {}
    lines: dict[str, int] = {}
    before = len(issues)
    label = f"Nr. {index + 1}"
    for key_node, value_node in node.value:
        if key_node.value == "id" and isinstance(value_node, yaml.ScalarNode):
            label = str(value_node.value) or label
    for key_node, value_node in node.value:
        key = str(key_node.value)
        key_line = key_node.start_mark.line + 1

        def problem(message: str, field: str = key, at: int = key_line) -> None:
            issues.append(Issue(filename, message, entry_id=label, field=field, line=at))

        if key not in FIELDS:
            problem(f"unbekannter Schlüssel (erlaubt: {', '.join(FIELDS)})")
            continue
        if key in raw:
            problem("ist doppelt angegeben")
            continue
        if value_node.tag == _NULL_TAG:
            continue
        if not isinstance(value_node, yaml.ScalarNode):
            problem("muss ein einzelner Wert sein (keine Liste, kein Block)")
            continue
        value = str(value_node.value).strip()
        if value:
            raw[key] = value
            lines[key] = key_line

    def problem_at(field: str, message: str) -> None:
        issues.append(Issue(filename, message, entry_id=label, field=field,
                            line=lines.get(field, line)))

    for key in REQUIRED:
        if key not in raw:
            problem_at(key, "fehlt oder ist leer")
    if "id" in raw and not _ID.match(raw["id"]):
        problem_at("id", "nur Buchstaben, Ziffern, Punkt, Binde- und Unterstrich, höchstens 80 "
                         "Zeichen")
    values, errors = parse_fields({k: v for k, v in raw.items() if k != "id"}, regions, tz)
    for error in errors:
        problem_at(error.field, error.message)
    if len(issues) > before or "start" not in values:
        return None
    event = event_from_fields(values, external_id=raw["id"])
    for found in validate(event, regions):
        problem_at(found.field, found.message)
    if len(issues) > before:
        return None
    return ImportedEvent(event, line)
