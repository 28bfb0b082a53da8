"""The knowledge base as data: FAQ entries, contacts, regions, vocabulary, small talk and
out-of-scope topics. Pure dataclasses; reading and validating the YAML lives in `loader`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

ENTRY_STATUSES = ("curated", "draft")
REGION_KINDS = ("Landkreis", "kreisfreie Stadt")
# The topic that out-of-scope questions learned outside the YAML files are filed under.
LEARNED_TOPIC = "learned"


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
    # Plainly nobody's business at the Fachstelle either (weather, Kindergeld): the bot says
    # no without sending the person to the Fachstelle as if it could help.
    unrelated: bool = False


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

    def with_phrasings(
        self,
        alternates: Mapping[str, Sequence[str]],
        out_of_scope: Sequence[str] = (),
        topic_id: str = LEARNED_TOPIC,
    ) -> KnowledgeBase:
        """This knowledge base with more phrasings: alternates per entry id (unknown ids are
        ignored) and questions known to be out of scope, as one more topic. A matcher built from
        it indexes and calibrates on them like on the YAML's own."""
        entries = tuple(
            replace(e, alternates=(*e.alternates,
                                   *(a for a in alternates[e.id] if a not in e.alternates)))
            if alternates.get(e.id) else e
            for e in self.entries
        )
        topics = self.out_of_scope
        if out_of_scope:
            topics = (*topics, OutOfScopeTopic(topic_id, tuple(out_of_scope)))
        return replace(self, entries=entries, out_of_scope=topics)

    def region(self, region_id: str) -> Region | None:
        for region in self.regions:
            if region.id == region_id:
                return region
        return None
