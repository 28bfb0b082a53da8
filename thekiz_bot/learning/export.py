"""`python bot.py learn export`: the Fachstelle's decisions into the YAML files, for git review.

Phrasings go into their entries' `alternates`, out-of-scope examples into `out_of_scope.yaml`
(new topics at its end), keeping comments and order. Either every file is written and the
knowledge base still loads, or nothing changes. Exported decisions are marked: from then on the
YAML files own the wording, so removing it again in review is final.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from thekiz_bot.authoring.yaml_edit import FileEdit, add_list_items, write_edit
from thekiz_bot.knowledge.loader import OUT_OF_SCOPE_FILE, KnowledgeError, load_knowledge
from thekiz_bot.learning.model import Action, Decision
from thekiz_bot.learning.overlay import Conflict, apply_decisions
from thekiz_bot.learning.store import DecisionStore

OUT_OF_SCOPE_HEADER = (
    "# Fragen, die das Handbuch NICHT beantwortet (Negativbeispiele); siehe README.\n"
)


@dataclass
class ExportResult:
    edits: list[FileEdit] = field(default_factory=list)
    exported: list[Decision] = field(default_factory=list)  # written now, or in the files already
    conflicts: list[Conflict] = field(default_factory=list)
    not_placed: list[tuple[Decision, str]] = field(default_factory=list)


def export_decisions(directory: Path, store: DecisionStore) -> ExportResult:
    """Raises KnowledgeError (nothing written) when the files would no longer load."""
    base = load_knowledge(directory)
    active = [d for d in store.active() if d.teaches and d.exported_at is None]
    overlay = apply_decisions(base, active)
    result = ExportResult(conflicts=list(overlay.conflicts))
    conflicted = {c.decision.id for c in overlay.conflicts}
    applied = {d.id for d in overlay.applied}
    # In the files already with the same meaning (someone copied it by hand): nothing to write.
    result.exported += [d for d in active if d.id not in applied and d.id not in conflicted]

    alternates: dict[Path, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    examples: dict[str, list[str]] = defaultdict(list)
    new_topics: dict[str, list[str]] = defaultdict(list)
    known_topics = {t.id for t in base.out_of_scope}
    oos_path = directory / OUT_OF_SCOPE_FILE
    places: list[tuple[Decision, Path, str]] = []  # decision, file, record id
    for decision in overlay.applied:
        if decision.action is Action.PHRASING:
            entry = base.entry(decision.entry_id or "")
            assert entry is not None  # apply_decisions reports missing entries as conflicts
            alternates[directory / entry.file][entry.id].append(decision.wording)
            places.append((decision, directory / entry.file, entry.id))
            continue
        topic = decision.topic_id or ""
        (examples if topic in known_topics else new_topics)[topic].append(decision.wording)
        places.append((decision, oos_path, topic))

    edits = [add_list_items(path, additions) for path, additions in sorted(alternates.items())]
    if examples or new_topics:
        if oos_path.is_file() and base.out_of_scope:
            edits.append(add_list_items(oos_path, examples, "topics", "questions", new_topics))
        else:
            edits.append(_fresh_topics_file(oos_path, {**examples, **new_topics}))
    _write_all(directory, edits)
    result.edits = edits
    by_path = {e.path: e for e in edits}
    for decision, path, record in places:
        edit = by_path[path]
        if decision.wording in edit.added.get(record, []):
            result.exported.append(decision)
        else:
            result.not_placed.append((decision, edit.skipped.get(record, "nicht eingefügt")))
    store.mark_exported([d.id for d in result.exported])
    return result


def _fresh_topics_file(path: Path, topics: dict[str, list[str]]) -> FileEdit:
    """out_of_scope.yaml does not exist yet (or lists no topic): write it from scratch."""
    data = {"topics": [{"id": tid, "questions": texts} for tid, texts in topics.items()]}
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    previous = path.read_text(encoding="utf-8") if path.is_file() else ""
    comments = "".join(line for line in previous.splitlines(keepends=True)
                       if line.lstrip().startswith("#"))
    edit = FileEdit(path, added={tid: list(texts) for tid, texts in topics.items()})
    edit.text = (comments or OUT_OF_SCOPE_HEADER) + body
    return edit


def _write_all(directory: Path, edits: list[FileEdit]) -> None:
    originals = {e.path: (e.path.read_bytes() if e.path.exists() else None)
                 for e in edits if e.text is not None}
    try:
        for edit in edits:
            write_edit(edit)
        load_knowledge(directory)
    except (KnowledgeError, OSError):
        for path, content in originals.items():
            if content is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(content)
        raise
