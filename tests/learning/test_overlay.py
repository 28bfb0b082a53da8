"""Stored decisions join the YAML knowledge; contradictions are reported, never silent."""

from __future__ import annotations

from dataclasses import replace

from thekiz_bot.knowledge.loader import KnowledgeBase
from thekiz_bot.learning.model import Action, Decision
from thekiz_bot.learning.overlay import apply_decisions


def decision(ident: int, action: Action, wording: str, entry: str | None = None,
             topic: str | None = None, new_topic: bool = False, **extra: object) -> Decision:
    return Decision(ident, action, wording, entry, topic, new_topic, admin_id=7,
                    decided_at="2026-03-02T09:00:00+00:00", **extra)  # type: ignore[arg-type]


def test_phrasings_and_examples_are_added(real_base: KnowledgeBase) -> None:
    overlay = apply_decisions(real_base, [
        decision(1, Action.PHRASING, "was kostet die prozessbegleitung",
                 "prozessbegleitung-umfang"),
        decision(2, Action.OUT_OF_SCOPE, "thekiz website passwort", topic="app-und-it-probleme"),
        decision(3, Action.OUT_OF_SCOPE, "parkplatz am zentrum", topic="parken", new_topic=True),
        decision(4, Action.IGNORE, "asdf"),
    ])
    assert [d.id for d in overlay.applied] == [1, 2, 3]
    assert overlay.conflicts == ()
    entry = overlay.kb.entry("prozessbegleitung-umfang")
    assert entry is not None and entry.alternates[-1] == "was kostet die prozessbegleitung"
    topics = {t.id: t.questions for t in overlay.kb.out_of_scope}
    assert topics["app-und-it-probleme"][-1] == "thekiz website passwort"
    assert topics["parken"] == ("parkplatz am zentrum",)
    assert real_base.entry("prozessbegleitung-umfang") != entry  # the base is not changed


def test_undone_and_exported_decisions_are_left_out(real_base: KnowledgeBase) -> None:
    overlay = apply_decisions(real_base, [
        decision(1, Action.PHRASING, "eins zwei", "thekiz-was", undone_at="2026-03-03"),
        decision(2, Action.PHRASING, "drei vier", "thekiz-was", exported_at="2026-03-03"),
    ])
    assert overlay.applied == () and overlay.kb is real_base


def test_yaml_changes_that_contradict_a_decision_are_reported(real_base: KnowledgeBase) -> None:
    thekiz = real_base.entry("thekiz-was")
    assert thekiz is not None
    # Someone added the wording to another entry by hand, deleted an entry and a topic.
    changed = replace(real_base, entries=tuple(
        replace(e, alternates=(*e.alternates, "was kostet die prozessbegleitung"))
        if e.id == "thekiz-was" else e
        for e in real_base.entries if e.id != "ehrenamt"
    ), out_of_scope=tuple(t for t in real_base.out_of_scope if t.id != "wetter"))
    overlay = apply_decisions(changed, [
        decision(1, Action.PHRASING, "Was kostet die Prozessbegleitung?",
                 "prozessbegleitung-umfang"),
        decision(2, Action.PHRASING, "wie viele ehrenamtliche", "ehrenamt"),
        decision(3, Action.OUT_OF_SCOPE, "regnet es morgen", topic="wetter"),
    ])
    assert overlay.applied == ()
    reasons = {c.decision.id: c.reason for c in overlay.conflicts}
    assert "thekiz-was" in reasons[1]
    assert "gibt es in den YAML-Dateien nicht mehr" in reasons[2]
    assert "gibt es in den YAML-Dateien nicht mehr" in reasons[3]


def test_a_wording_already_in_the_files_is_not_added_twice(real_base: KnowledgeBase) -> None:
    entry = real_base.entry("thekiz-was")
    assert entry is not None
    overlay = apply_decisions(real_base, [decision(1, Action.PHRASING, entry.alternates[0],
                                                   "thekiz-was")])
    assert overlay.conflicts == () and overlay.applied == ()
    assert overlay.kb.entry("thekiz-was") == entry
