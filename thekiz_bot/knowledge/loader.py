"""Load and validate the YAML knowledge base (FAQ entries, contacts, regions, vocabulary).

The files are edited by non-programmers, so every problem is reported with the file, the entry
id and the field, and all problems are collected before failing instead of stopping at the first.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

FAQ_DIR = "faq"
CONTACTS_FILE = "contacts.yaml"
REGIONS_FILE = "regions.yaml"
SYNONYMS_FILE = "synonyms.yaml"
STOPWORDS_FILE = "stopwords.yaml"
SMALLTALK_FILE = "smalltalk.yaml"
OUT_OF_SCOPE_FILE = "out_of_scope.yaml"

ENTRY_STATUSES = ("curated", "draft")
REGION_KINDS = ("Landkreis", "kreisfreie Stadt")


@dataclass(frozen=True)
class Contact:
    id: str
    name: str
    role: str | None = None
    organisation: str | None = None
    phone: str | None = None
    email: str | None = None
    url: str | None = None
    # Where to look when an address is not known: shown instead of an invented one.
    note: str | None = None
    keywords: tuple[str, ...] = ()
    # Region ids this contact is responsible for; empty means all of Thuringia.
    regions: tuple[str, ...] = ()

    def to_json(self) -> dict[str, str | None]:
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role,
            "organisation": self.organisation,
            "phone": self.phone,
            "email": self.email,
            "url": self.url,
        }


@dataclass(frozen=True)
class FaqEntry:
    id: str
    question: str
    answer: str
    alternates: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    contacts: tuple[str, ...] = ()
    source: str | None = None
    tags: tuple[str, ...] = ()
    status: str = "curated"
    file: str = ""

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"


@dataclass(frozen=True)
class Region:
    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    contacts: tuple[str, ...] = ()


@dataclass(frozen=True)
class SmalltalkIntent:
    intent: str
    patterns: tuple[str, ...]
    reply: str


@dataclass(frozen=True)
class OutOfScopeTopic:
    """Questions the handbook does not answer although they sound close to it (negative examples):
    a question nearer to these than to any entry is declined instead of half-answered."""

    id: str
    questions: tuple[str, ...]


@dataclass(frozen=True)
class KnowledgeBase:
    entries: tuple[FaqEntry, ...]
    contacts: Mapping[str, Contact] = field(default_factory=dict)
    regions: tuple[Region, ...] = ()
    synonyms: tuple[tuple[str, ...], ...] = ()
    stopwords: frozenset[str] = frozenset()
    smalltalk: tuple[SmalltalkIntent, ...] = ()
    out_of_scope: tuple[OutOfScopeTopic, ...] = ()
    default_contact_id: str | None = None
    # Shown for a region without its own contact: where the list of social planners is.
    regional_contact_id: str | None = None
    directory: Path | None = None

    @property
    def served_entries(self) -> tuple[FaqEntry, ...]:
        """Entries the matcher may answer with: drafts wait for a human review."""
        return tuple(e for e in self.entries if not e.is_draft)

    def entry(self, entry_id: str) -> FaqEntry | None:
        for entry in self.entries:
            if entry.id == entry_id:
                return entry
        return None

    @property
    def default_contact(self) -> Contact | None:
        if self.default_contact_id is None:
            return None
        return self.contacts.get(self.default_contact_id)

    @property
    def regional_contact(self) -> Contact | None:
        if self.regional_contact_id is None:
            return None
        return self.contacts.get(self.regional_contact_id)

    def region(self, region_id: str) -> Region | None:
        for region in self.regions:
            if region.id == region_id:
                return region
        return None


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
OUT_OF_SCOPE_FIELDS = {"id": str, "questions": list}
OUT_OF_SCOPE_REQUIRED = ("id", "questions")


class _Collector:
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
            return yaml.safe_load(text)
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
            if expected is str:
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


def _faq_files(root: Path) -> list[Path]:
    faq_dir = root / FAQ_DIR
    files: list[Path] = []
    if faq_dir.is_dir():
        files.extend(sorted(p for p in faq_dir.rglob("*") if p.suffix in (".yaml", ".yml")))
    # A minimal knowledge base may be a single faq.yaml next to nothing else.
    for name in ("faq.yaml", "faq.yml"):
        if (root / name).is_file():
            files.append(root / name)
    return files


def load_knowledge(directory: str | Path) -> KnowledgeBase:
    """Load and validate a knowledge base directory; raises KnowledgeError listing all problems."""
    root = Path(directory)
    col = _Collector(root)
    if not root.is_dir():
        raise KnowledgeError([Issue(str(root), "Verzeichnis der Wissensbasis nicht gefunden")])

    contacts: dict[str, Contact] = {}
    default_contact_id: str | None = None
    regional_contact_id: str | None = None
    contacts_path = root / CONTACTS_FILE
    if contacts_path.is_file():
        data = col.read_yaml(contacts_path)
        if isinstance(data, Mapping):
            allowed = ("contacts", "default_contact", "regional_contact")
            for key in sorted(map(str, set(data) - set(allowed))):
                col.error(contacts_path, f"unbekannter Schlüssel (erlaubt: {', '.join(allowed)})",
                          field=key)
            default_contact_id = data.get("default_contact") or None
            regional_contact_id = data.get("regional_contact") or None
        for values in col.unique_records(contacts_path, data, "contacts", CONTACT_FIELDS,
                                         CONTACT_REQUIRED, "doppelte Kontakt-ID"):
            contacts[values["id"]] = Contact(**values)
        for key, cid in (("default_contact", default_contact_id),
                         ("regional_contact", regional_contact_id)):
            if cid is not None and cid not in contacts:
                col.error(contacts_path, f"Kontakt '{cid}' existiert nicht", field=key)

    regions: list[Region] = []
    regions_path = root / REGIONS_FILE
    if regions_path.is_file():
        data = col.read_yaml(regions_path)
        for values in col.unique_records(regions_path, data, "regions", REGION_FIELDS,
                                         REGION_REQUIRED, "doppelte Regions-ID"):
            if values["kind"] not in REGION_KINDS:
                col.error(regions_path, f"muss einer von {', '.join(REGION_KINDS)} sein",
                          entry_id=values["id"], field="kind")
                continue
            for cid in values.get("contacts", ()):
                if cid not in contacts:
                    col.error(regions_path, f"Kontakt '{cid}' existiert nicht",
                              entry_id=values["id"], field="contacts")
            regions.append(Region(**values))
    region_ids = {r.id for r in regions}
    for contact in contacts.values():
        for rid in contact.regions:
            if rid not in region_ids:
                col.error(contacts_path, f"Region '{rid}' existiert nicht", entry_id=contact.id,
                          field="regions")

    entries: list[FaqEntry] = []
    seen_ids: dict[str, str] = {}
    faq_files = _faq_files(root)
    if not faq_files:
        col.error(root, f"keine FAQ-Dateien gefunden (erwartet: {FAQ_DIR}/*.yaml oder faq.yaml)")
    for path in faq_files:
        data = col.read_yaml(path)
        for i, raw in enumerate(col.records(path, data, "entries")):
            rec = col.check_record(path, raw, i, ENTRY_FIELDS, ENTRY_REQUIRED)
            if rec is None:
                continue
            eid = rec["id"]
            if eid in seen_ids:
                col.error(path, f"doppelte ID (schon in {seen_ids[eid]})", entry_id=eid, field="id")
                continue
            status = rec.get("status", "curated")
            if status not in ENTRY_STATUSES:
                col.error(path, f"muss einer von {', '.join(ENTRY_STATUSES)} sein", entry_id=eid,
                          field="status")
                continue
            for cid in rec.get("contacts", ()):
                if cid not in contacts:
                    col.error(path, f"Kontakt '{cid}' existiert nicht", entry_id=eid,
                              field="contacts")
            seen_ids[eid] = col.rel(path)
            entries.append(FaqEntry(**rec, file=col.rel(path)))

    synonyms: list[tuple[str, ...]] = []
    syn_path = root / SYNONYMS_FILE
    if syn_path.is_file():
        data = col.read_yaml(syn_path)
        for i, group in enumerate(col.records(syn_path, data, "synonyms")):
            if (
                not isinstance(group, list)
                or len(group) < 2
                or not all(isinstance(t, str) and t.strip() for t in group)
            ):
                col.error(syn_path, f"Gruppe Nr. {i + 1} muss eine Liste von mindestens zwei "
                                    "Begriffen sein", field="synonyms")
                continue
            synonyms.append(tuple(t.strip() for t in group))

    stopwords: set[str] = set()
    stop_path = root / STOPWORDS_FILE
    if stop_path.is_file():
        data = col.read_yaml(stop_path)
        for word in col.records(stop_path, data, "stopwords"):
            if isinstance(word, str) and word.strip():
                stopwords.add(word.strip())
            else:
                col.error(stop_path, f"ungültiges Stoppwort: {word!r}", field="stopwords")

    smalltalk: list[SmalltalkIntent] = []
    st_path = root / SMALLTALK_FILE
    if st_path.is_file():
        data = col.read_yaml(st_path)
        for i, raw in enumerate(col.records(st_path, data, "smalltalk")):
            rec = col.check_record(st_path, raw, i, SMALLTALK_FIELDS, SMALLTALK_REQUIRED)
            if rec is not None:
                smalltalk.append(SmalltalkIntent(**rec))

    out_of_scope: list[OutOfScopeTopic] = []
    oos_path = root / OUT_OF_SCOPE_FILE
    if oos_path.is_file():
        data = col.read_yaml(oos_path)
        for values in col.unique_records(oos_path, data, "topics", OUT_OF_SCOPE_FIELDS,
                                         OUT_OF_SCOPE_REQUIRED, "doppelte Themen-ID"):
            out_of_scope.append(OutOfScopeTopic(**values))

    if col.issues:
        raise KnowledgeError(col.issues)
    return KnowledgeBase(
        entries=tuple(entries),
        contacts=contacts,
        regions=tuple(regions),
        synonyms=tuple(synonyms),
        stopwords=frozenset(stopwords),
        smalltalk=tuple(smalltalk),
        out_of_scope=tuple(out_of_scope),
        default_contact_id=default_contact_id,
        regional_contact_id=regional_contact_id,
        directory=root,
    )
