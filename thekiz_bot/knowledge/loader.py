"""Load the YAML knowledge base (FAQ entries, contacts, regions, vocabulary) into the model.

The files are edited by non-programmers, so every problem is reported with the file, the entry
id and the field, and all problems are collected before failing instead of stopping at the first.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from thekiz_bot.knowledge.model import (
    ENTRY_STATUSES,
    REGION_KINDS,
    Contact,
    FaqEntry,
    KnowledgeBase,
    OutOfScopeTopic,
    Region,
    SmalltalkIntent,
)
from thekiz_bot.knowledge.validation import (
    CONTACT_FIELDS,
    CONTACT_REQUIRED,
    ENTRY_FIELDS,
    ENTRY_REQUIRED,
    OUT_OF_SCOPE_FIELDS,
    OUT_OF_SCOPE_REQUIRED,
    REGION_FIELDS,
    REGION_REQUIRED,
    SMALLTALK_FIELDS,
    SMALLTALK_REQUIRED,
    Collector,
    Issue,
    KnowledgeError,
)

__all__ = [
    "Contact", "FaqEntry", "Issue", "KnowledgeBase", "KnowledgeError", "OutOfScopeTopic",
    "Region", "SmalltalkIntent", "load_knowledge",
]

FAQ_DIR = "faq"
CONTACTS_FILE = "contacts.yaml"
REGIONS_FILE = "regions.yaml"
SYNONYMS_FILE = "synonyms.yaml"
STOPWORDS_FILE = "stopwords.yaml"
SMALLTALK_FILE = "smalltalk.yaml"
OUT_OF_SCOPE_FILE = "out_of_scope.yaml"


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
    col = Collector(root)
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
