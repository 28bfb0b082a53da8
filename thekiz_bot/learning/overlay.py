"""The knowledge base as the bot serves it: the YAML files plus the decisions not exported yet.

Exported decisions are left to the YAML files (a reviewer may have removed them again in git).
A decision that the files contradict is not applied but reported, so that a YAML change and a
stored decision for the same wording never disagree silently.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from thekiz_bot.knowledge.loader import FaqEntry, KnowledgeBase, OutOfScopeTopic
from thekiz_bot.learning.model import Action, Decision
from thekiz_bot.text.normalise import normalise


@dataclass(frozen=True)
class Conflict:
    decision: Decision
    reason: str  # German, for the Fachstelle


@dataclass(frozen=True)
class Overlay:
    kb: KnowledgeBase
    applied: tuple[Decision, ...]
    conflicts: tuple[Conflict, ...]


def wording_owners(kb: KnowledgeBase) -> dict[str, str]:
    """Normalised wording → who owns it: an entry id, or "out_of_scope:<topic>"."""
    owners: dict[str, str] = {}
    for entry in kb.entries:
        for text in (entry.question, *entry.alternates):
            owners.setdefault(normalise(text), entry.id)
    for topic in kb.out_of_scope:
        for text in topic.questions:
            owners.setdefault(normalise(text), topic_owner(topic.id))
    return owners


def topic_owner(topic_id: str) -> str:
    return f"out_of_scope:{topic_id}"


def owner_of(decision: Decision) -> str | None:
    if decision.action is Action.PHRASING:
        return decision.entry_id
    if decision.action is Action.OUT_OF_SCOPE and decision.topic_id:
        return topic_owner(decision.topic_id)
    return None


def describe_owner(owner: str) -> str:
    if owner.startswith("out_of_scope:"):
        return f"dem Thema „{owner.removeprefix('out_of_scope:')}“ (nicht im Handbuch)"
    return f"dem Eintrag „{owner}“"


def apply_decisions(base: KnowledgeBase, decisions: Iterable[Decision]) -> Overlay:
    """Add the phrasings and out-of-scope examples of active, unexported decisions."""
    owners = wording_owners(base)
    alternates: dict[str, list[str]] = {}
    examples: dict[str, list[str]] = {}
    new_topics: list[str] = []
    topic_ids = {t.id for t in base.out_of_scope}
    applied: list[Decision] = []
    conflicts: list[Conflict] = []
    for decision in decisions:
        if not decision.active or not decision.teaches or decision.exported_at is not None:
            continue
        owner = owner_of(decision)
        if owner is None:
            continue
        key = normalise(decision.wording)
        reason = _conflict(base, decision, owners.get(key), owner, topic_ids)
        if reason is not None:
            conflicts.append(Conflict(decision, reason))
            continue
        if owners.get(key) == owner:
            continue  # the YAML files have it already (exported by hand, or an export raced)
        owners[key] = owner
        if decision.action is Action.PHRASING:
            assert decision.entry_id is not None
            alternates.setdefault(decision.entry_id, []).append(decision.wording)
        else:
            assert decision.topic_id is not None
            if decision.topic_id not in topic_ids:
                topic_ids.add(decision.topic_id)
                new_topics.append(decision.topic_id)
            examples.setdefault(decision.topic_id, []).append(decision.wording)
        applied.append(decision)
    kb = base
    if applied:
        entries = tuple(_with_alternates(e, alternates.get(e.id, ())) for e in base.entries)
        topics = tuple(
            replace(t, questions=(*t.questions, *examples.get(t.id, ()))) for t in base.out_of_scope
        ) + tuple(OutOfScopeTopic(tid, tuple(examples[tid])) for tid in new_topics)
        kb = replace(base, entries=entries, out_of_scope=topics)
    return Overlay(kb, tuple(applied), tuple(conflicts))


def _with_alternates(entry: FaqEntry, extra: Iterable[str]) -> FaqEntry:
    extra = tuple(extra)
    return replace(entry, alternates=(*entry.alternates, *extra)) if extra else entry


def _conflict(base: KnowledgeBase, decision: Decision, current: str | None, owner: str,
              topic_ids: set[str]) -> str | None:
    if decision.action is Action.PHRASING:
        entry = base.entry(decision.entry_id or "")
        if entry is None:
            return f"den Eintrag „{decision.entry_id}“ gibt es in den YAML-Dateien nicht mehr"
        if entry.is_draft:
            return f"der Eintrag „{entry.id}“ ist jetzt ein Entwurf"
    elif decision.topic_id not in topic_ids and not decision.new_topic:
        return f"das Thema „{decision.topic_id}“ gibt es in den YAML-Dateien nicht mehr"
    if current is not None and current != owner:
        return f"die Formulierung steht schon bei {describe_owner(current)}"
    return None
