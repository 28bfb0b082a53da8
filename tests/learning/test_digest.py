"""The digest picks what `report` calls unanswered or unsure, plus 👎, and drops decided groups."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from thekiz_bot.authoring.report import build_report
from thekiz_bot.knowledge.loader import KnowledgeBase
from thekiz_bot.learning.digest import select_groups
from thekiz_bot.learning.model import Action, Proposal
from thekiz_bot.learning.store import DecisionStore
from thekiz_bot.storage.database import Database
from thekiz_bot.storage.feedback import FeedbackLog
from thekiz_bot.storage.questions import QuestionLog

DAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def fill(db: Database) -> None:
    log = QuestionLog(db)
    for text in ("Was kostet die Prozessbegleitung?", "was kostet die prozessbegleitung",
                 "Was kostet die Prozesbegleitung"):
        log.record(text, "fallback", None, 0.38, at=DAY)
    log.record("thekiz website passwort", "suggest", None, 0.44, at=DAY)
    log.record("thekiz website passwort", "suggest", None, 0.44, at=DAY)
    unsure = log.record("wie oft trifft sich der arbeitskreis", "answer", "arbeitskreise", 0.56,
                        at=DAY)
    sure = log.record("Was ist ein ThEKiZ?", "answer", "thekiz-was", 0.95, at=DAY)
    FeedbackLog(db).record("thekiz-was", -1, sure, via_suggestion=False)
    FeedbackLog(db).record("arbeitskreise", 1, unsure, via_suggestion=False)
    log.record("alt und vergessen", "fallback", None, 0.1, at=DAY - timedelta(days=30))
    log.record("Hallo", "smalltalk", None, 1.0, at=DAY)


def test_groups_and_counts_are_those_of_report(db: Database, real_base: KnowledgeBase) -> None:
    fill(db)
    groups = select_groups(db, real_base, [], since=DAY - timedelta(days=1))
    by_text = {g.text: g for g in groups}
    report = build_report(db, real_base, DAY - timedelta(days=1))
    for unanswered in report.unanswered:
        group = next(g for g in groups if g.text == unanswered.text)
        assert group.count == unanswered.count
        assert group.suggested == unanswered.suggested
    costs = next(g for g in groups if "Prozes" in g.text or "prozes" in g.text)
    assert costs.count == 3 and costs.declined == 3
    assert by_text["thekiz website passwort"].suggested == 2
    assert by_text["wie oft trifft sich der arbeitskreis"].low_score == 1
    disliked = by_text["Was ist ein ThEKiZ?"]
    assert disliked.disliked == 1 and disliked.answered_with == "thekiz-was"
    assert "Hallo" not in by_text and "alt und vergessen" not in by_text
    assert groups[0] is costs  # most frequent first


def test_decided_groups_are_not_shown_again(db: Database, real_base: KnowledgeBase) -> None:
    fill(db)
    store = DecisionStore(db)
    store.add(Proposal(Action.IGNORE, "was kostet die prozessbegleitung"), admin_id=1)
    undone = store.add(Proposal(Action.IGNORE, "thekiz website passwort"), admin_id=1)
    store.undo(undone.id, admin_id=1)
    texts = [g.text for g in select_groups(db, real_base, store.active())]
    assert not any("kostet" in t for t in texts)
    assert "thekiz website passwort" in texts  # undone: back in the digest


def test_personal_wordings_are_shown_but_not_teachable(db: Database,
                                                       real_base: KnowledgeBase) -> None:
    QuestionLog(db).record("bitte rufen sie mich an 0361 1234567", "fallback", None, 0.0, at=DAY)
    QuestionLog(db).record("was kostet ein eltern kind zentrum", "fallback", None, 0.2, at=DAY)
    groups = {g.text: g for g in select_groups(db, real_base, [])}
    assert not groups["bitte rufen sie mich an 0361 1234567"].teachable
    assert groups["was kostet ein eltern kind zentrum"].teachable
