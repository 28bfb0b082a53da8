"""`learn export`: decisions into the YAML files, comments and order kept, marked exported."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from tests.helpers.kb import REAL_KNOWLEDGE
from thekiz_bot.knowledge.loader import KnowledgeError, load_knowledge
from thekiz_bot.learning.export import export_decisions
from thekiz_bot.learning.model import Action, Proposal
from thekiz_bot.learning.overlay import apply_decisions
from thekiz_bot.learning.store import DecisionStore
from thekiz_bot.storage.database import Database


def added_lines(before: Path, after: Path) -> tuple[list[str], list[str]]:
    diff = list(difflib.unified_diff(before.read_text(encoding="utf-8").splitlines(),
                                     after.read_text(encoding="utf-8").splitlines(), lineterm=""))
    plus = [d[1:] for d in diff if d.startswith("+") and not d.startswith("+++")]
    minus = [d[1:] for d in diff if d.startswith("-") and not d.startswith("---")]
    return plus, minus


def test_export_round_trips(kb_copy: Path, db: Database) -> None:
    store = DecisionStore(db)
    store.add(Proposal(Action.PHRASING, "was kostet die prozessbegleitung",
                       "prozessbegleitung-umfang"), admin_id=1)
    store.add(Proposal(Action.OUT_OF_SCOPE, "thekiz website passwort",
                       topic_id="app-und-it-probleme"), admin_id=1)
    store.add(Proposal(Action.OUT_OF_SCOPE, "parkplatz: wer räumt im winter?", topic_id="parken",
                       new_topic=True), admin_id=1)
    ignored = store.add(Proposal(Action.IGNORE, "asdf"), admin_id=1)
    served = apply_decisions(load_knowledge(kb_copy), store.active()).kb

    result = export_decisions(kb_copy, store)

    assert sorted(d.wording for d in result.exported) == [
        "parkplatz: wer räumt im winter?", "thekiz website passwort",
        "was kostet die prozessbegleitung"]
    assert result.conflicts == [] and result.not_placed == []
    reloaded = load_knowledge(kb_copy)
    # Load, compare: the files now say exactly what the bot served.
    assert reloaded.entries == served.entries
    assert reloaded.out_of_scope == served.out_of_scope
    plus, minus = added_lines(REAL_KNOWLEDGE / "faq" / "prozessbegleitung.yaml",
                              kb_copy / "faq" / "prozessbegleitung.yaml")
    assert minus == [] and plus == ["      - was kostet die prozessbegleitung"]
    plus, minus = added_lines(REAL_KNOWLEDGE / "out_of_scope.yaml", kb_copy / "out_of_scope.yaml")
    assert minus == []
    assert plus == ["      - thekiz website passwort", "  - id: parken", "    questions:",
                    "      - 'parkplatz: wer räumt im winter?'"]
    assert all(d.exported_at for d in store.active() if d.id != ignored.id)
    # Exported: nothing left to add, a second export writes nothing.
    assert apply_decisions(reloaded, store.active()).applied == ()
    again = export_decisions(kb_copy, store)
    assert again.exported == [] and all(e.text is None for e in again.edits)


def test_a_contradiction_is_reported_and_not_written(kb_copy: Path, db: Database) -> None:
    store = DecisionStore(db)
    decision = store.add(Proposal(Action.PHRASING, "wie viele ehrenamtliche gibt es",
                                  "ehrenamt"), admin_id=1)
    path = kb_copy / "faq" / "sozialraum.yaml"
    text = path.read_text(encoding="utf-8")
    assert "- id: ehrenamt\n" in text
    path.write_text(text.replace("- id: ehrenamt\n", "- id: ehrenamt-neu\n"), encoding="utf-8")
    before = {p: p.read_bytes() for p in kb_copy.rglob("*.yaml")}
    result = export_decisions(kb_copy, store)
    assert [c.decision.id for c in result.conflicts] == [decision.id]
    assert "ehrenamt" in result.conflicts[0].reason
    assert {p: p.read_bytes() for p in kb_copy.rglob("*.yaml")} == before
    assert store.get(decision.id).exported_at is None  # type: ignore[union-attr]


def test_nothing_is_written_when_the_files_would_not_load(kb_copy: Path, db: Database) -> None:
    store = DecisionStore(db)
    store.add(Proposal(Action.PHRASING, "was kostet die prozessbegleitung",
                       "prozessbegleitung-umfang"), admin_id=1)
    broken = kb_copy / "faq" / "zz-kaputt.yaml"
    before = {p: p.read_bytes() for p in kb_copy.rglob("*.yaml")}
    broken.write_text("entries: [\n", encoding="utf-8")
    with pytest.raises(KnowledgeError):
        export_decisions(kb_copy, store)
    broken.unlink()
    assert {p: p.read_bytes() for p in kb_copy.rglob("*.yaml")} == before
    assert all(d.exported_at is None for d in store.active())
