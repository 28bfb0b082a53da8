"""Validation of the YAML records people edit by hand: every problem is collected with its file,
entry id and field, so that one run reports all of them instead of stopping at the first."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from thekiz_bot.knowledge.yaml_loader import safe_load


@dataclass(frozen=True)
class Issue:
    """One validation problem, located as precisely as the data allows."""

    file: str
    message: str
    entry_id: str | None = None
    field: str | None = None
    line: int | None = None
    severity: str = "error"

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        parts = [where]
        if self.entry_id:
            parts.append(f"Eintrag '{self.entry_id}'")
        if self.field:
            parts.append(f"Feld '{self.field}'")
        label = "Fehler" if self.severity == "error" else "Warnung"
        return f"{label}: {', '.join(parts)}: {self.message}"


class KnowledgeError(Exception):
    """The knowledge base cannot be loaded; `issues` lists every problem found."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


# --- schema -------------------------------------------------------------------------------

ENTRY_FIELDS = {
    "id": str, "question": str, "answer": str, "alternates": list, "keywords": list,
    "contacts": list, "source": str, "tags": list, "status": str,
}
ENTRY_REQUIRED = ("id", "question", "answer")
CONTACT_FIELDS = {
    "id": str, "name": str, "role": str, "organisation": str, "phone": str, "email": str,
    "url": str, "note": str, "keywords": list, "regions": list,
}
CONTACT_REQUIRED = ("id", "name")
REGION_FIELDS = {"id": str, "name": str, "kind": str, "aliases": list, "contacts": list}
REGION_REQUIRED = ("id", "name", "kind")
SMALLTALK_FIELDS = {"intent": str, "patterns": list, "reply": str}
SMALLTALK_REQUIRED = ("intent", "patterns", "reply")
OUT_OF_SCOPE_FIELDS = {"id": str, "questions": list, "unrelated": bool}
OUT_OF_SCOPE_REQUIRED = ("id", "questions")


class Collector:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.issues: list[Issue] = []

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def error(self, path: Path, message: str, **where: Any) -> None:
        self.issues.append(Issue(self.rel(path), message, **where))

    def read_yaml(self, path: Path) -> Any:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            self.error(path, "Datei ist nicht UTF-8-kodiert")
            return None
        except OSError as exc:
            self.error(path, f"Datei kann nicht gelesen werden ({exc.strerror})")
            return None
        try:
            return safe_load(text)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else None
            problem = exc.problem or exc.context or "ungültiges YAML"
            self.error(path, f"YAML-Syntaxfehler: {problem}", line=line)
        except yaml.YAMLError as exc:
            self.error(path, f"YAML-Syntaxfehler: {exc}")
        return None

    def records(self, path: Path, data: Any, key: str) -> list[Any]:
        """The list under `key` (a bare list is accepted too)."""
        if data is None:
            return []
        if isinstance(data, list):
            return data
        if isinstance(data, Mapping) and key in data:
            value = data[key]
            if value is None:
                return []
            if isinstance(value, list):
                return value
            self.error(path, f"'{key}' muss eine Liste sein")
            return []
        self.error(path, f"Erwartet wird eine Liste unter dem Schlüssel '{key}'")
        return []

    def check_record(
        self,
        path: Path,
        raw: Any,
        index: int,
        fields: Mapping[str, type],
        required: Iterable[str],
    ) -> dict[str, Any] | None:
        """Type-check one mapping; returns cleaned values or None when unusable."""
        if not isinstance(raw, Mapping):
            self.error(path, f"Eintrag Nr. {index + 1} ist kein Schlüssel-Wert-Block")
            return None
        rid = raw.get("id")
        label = str(rid) if isinstance(rid, (str, int)) else f"Nr. {index + 1}"
        clean: dict[str, Any] = {}
        ok = True
        for key, value in raw.items():
            if key not in fields:
                known = ", ".join(fields)
                self.error(path, f"unbekannter Schlüssel (erlaubt: {known})", entry_id=label,
                           field=str(key))
                ok = False
                continue
            expected = fields[key]
            if value is None:
                continue
            if expected is bool:
                if not isinstance(value, bool):
                    self.error(path, "muss true oder false sein", entry_id=label, field=key)
                    ok = False
                    continue
            elif expected is str:
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    value = str(value)
                if not isinstance(value, str):
                    self.error(path, "muss ein Text sein", entry_id=label, field=key)
                    ok = False
                    continue
                value = value.strip()
                if not value:
                    continue
            else:
                if isinstance(value, str):
                    value = [value]
                if not isinstance(value, list):
                    self.error(path, "muss eine Liste sein", entry_id=label, field=key)
                    ok = False
                    continue
                items = []
                for item in value:
                    if isinstance(item, (int, float)) and not isinstance(item, bool):
                        item = str(item)
                    if not isinstance(item, str) or not item.strip():
                        self.error(path, "enthält einen leeren oder ungültigen Listeneintrag",
                                   entry_id=label, field=key)
                        ok = False
                        continue
                    items.append(item.strip())
                value = tuple(items)
            clean[key] = value
        for key in required:
            if not clean.get(key):
                self.error(path, "fehlt oder ist leer", entry_id=label, field=key)
                ok = False
        return clean if ok else None


    def unique_records(
        self,
        path: Path,
        data: Any,
        key: str,
        fields: Mapping[str, type],
        required: Iterable[str],
        duplicate: str,
    ) -> Iterator[dict[str, Any]]:
        """The valid records under `key`; a repeated id is reported with `duplicate` and skipped."""
        seen: set[str] = set()
        for i, raw in enumerate(self.records(path, data, key)):
            rec = self.check_record(path, raw, i, fields, required)
            if rec is None:
                continue
            if rec["id"] in seen:
                self.error(path, duplicate, entry_id=rec["id"], field="id")
                continue
            seen.add(rec["id"])
            yield rec
