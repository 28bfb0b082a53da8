"""Deciding: checked like `check --strict`, served at once, undone, and kept across restarts."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from thekiz_bot.knowledge.loader import KnowledgeBase
from thekiz_bot.learning.model import Action, Proposal, Refusal
from thekiz_bot.learning.store import DecisionStore
from thekiz_bot.learning.teacher import Teacher
from thekiz_bot.matching.matcher import Matcher
from thekiz_bot.storage.database import Database

UNANSWERED = "was kostet die prozessbegleitung"
OFF_TOPIC = "thekiz website registrieren"


class Served:
    """Stands in for the bot's knowledge service: records what was published."""

    def __init__(self) -> None:
        self.matchers: list[Matcher] = []

    def publish(self, kb: KnowledgeBase, matcher: Matcher) -> None:
        assert matcher.kb is kb
        self.matchers.append(matcher)

    @property
    def current(self) -> Matcher:
        return self.matchers[-1]


@pytest.fixture
def served() -> Served:
    return Served()


@pytest.fixture
def teacher(db: Database, served: Served, real_base: KnowledgeBase,
            real_matcher: Matcher) -> Teacher:
    t = Teacher(DecisionStore(db), served.publish)
    t.rebase(real_base, real_matcher)  # no decisions yet: the session's matcher serves as it is
    return t


def test_a_phrasing_answers_the_question_at_once_and_undo_restores(
        teacher: Teacher, served: Served) -> None:
    before = served.current.match(UNANSWERED)
    assert before.status == "fallback"
    outcome = teacher.decide(Proposal(Action.PHRASING, UNANSWERED, "prozessbegleitung-umfang"),
                             admin_id=5)
    assert outcome.accepted and outcome.decision is not None
    now = served.current.match("Was kostet die Prozessbegleitung?")
    assert now.status == "answer" and now.entry is not None
    assert now.entry.id == "prozessbegleitung-umfang"
    undone = teacher.undo(admin_id=5)
    assert undone.decision is not None and undone.decision.undone_at is not None
    assert served.current.match(UNANSWERED).status == before.status
    assert teacher.undo(admin_id=5).decision is None  # nothing left


def test_out_of_scope_declines_what_used_to_get_suggestions(
        teacher: Teacher, served: Served) -> None:
    assert served.current.match(OFF_TOPIC).status == "suggest"
    outcome = teacher.decide(Proposal(Action.OUT_OF_SCOPE, OFF_TOPIC,
                                      topic_id="app-und-it-probleme"), admin_id=5)
    assert outcome.accepted
    declined = served.current.match(OFF_TOPIC)
    assert declined.status == "fallback"
    assert declined.out_of_scope_topic == "app-und-it-probleme"
    # The entry's own wordings are still answered.
    assert served.current.match("Gibt es eine Website zu ThEKiZ?").status == "answer"


def test_a_new_topic_can_be_created(teacher: Teacher, served: Served) -> None:
    proposal = Proposal(Action.OUT_OF_SCOPE, OFF_TOPIC, topic_id="passwoerter", new_topic=True)
    assert teacher.decide(proposal, admin_id=5).accepted
    assert served.current.match(OFF_TOPIC).out_of_scope_topic == "passwoerter"
    again = teacher.decide(Proposal(Action.OUT_OF_SCOPE, "mein passwort ist weg",
                                    topic_id="passwoerter", new_topic=True), admin_id=5)
    assert again.refusal is Refusal.TOPIC_EXISTS


def test_a_colliding_phrasing_is_refused_with_the_reason(
        teacher: Teacher, served: Served) -> None:
    published = len(served.matchers)
    outcome = teacher.decide(Proposal(Action.PHRASING, "was ist thekiz", "prozessbegleitung-was"),
                             admin_id=5)
    assert outcome.refusal is Refusal.COLLISION
    assert "thekiz-was" in outcome.detail and "prozessbegleitung-was" in outcome.detail
    assert teacher.store.active() == []
    assert len(served.matchers) == published  # nothing changed in service


def test_out_of_scope_for_an_entry_question_is_refused(teacher: Teacher) -> None:
    outcome = teacher.decide(Proposal(Action.OUT_OF_SCOPE, "Gibt es eine Website zu ThEKiZ?",
                                      topic_id="app-und-it-probleme"), admin_id=5)
    assert outcome.refusal in (Refusal.CONFLICT, Refusal.COLLISION)
    assert "thekiz-website" in outcome.detail


@pytest.mark.parametrize("wording, refusal", [
    ("was kostet das, bitte an info@example.org", Refusal.PERSONAL),
    ("prozessbegleitung kosten 0361 123456", Refusal.PERSONAL),
    ("siehe https://example.org/kosten", Refusal.PERSONAL),
    ("   ", Refusal.EMPTY),
    ("kosten " * 40, Refusal.TOO_LONG),
])
def test_personal_or_unusable_wordings_are_not_taught(teacher: Teacher, wording: str,
                                                      refusal: Refusal) -> None:
    outcome = teacher.decide(Proposal(Action.PHRASING, wording, "prozessbegleitung-umfang"), 5)
    assert outcome.refusal is refusal
    assert teacher.store.active() == []


def test_one_wording_one_decision(teacher: Teacher) -> None:
    assert teacher.decide(Proposal(Action.IGNORE, UNANSWERED), 5).accepted
    second = teacher.decide(Proposal(Action.PHRASING, UNANSWERED, "prozessbegleitung-umfang"), 6)
    assert second.refusal is Refusal.CONFLICT


def test_decisions_survive_a_restart(tmp_path: Path, real_base: KnowledgeBase,
                                     real_matcher: Matcher) -> None:
    path = tmp_path / "bot.sqlite3"
    first_db = Database(path)
    first = Teacher(DecisionStore(first_db), Served().publish)
    first.rebase(real_base, real_matcher)
    assert first.decide(Proposal(Action.PHRASING, UNANSWERED, "prozessbegleitung-umfang"), 5)\
        .accepted
    first_db.close()
    served = Served()
    Teacher(DecisionStore(Database(path)), served.publish).rebase(real_base)
    assert served.current.match(UNANSWERED).status == "answer"


def test_unknown_targets_are_refused(teacher: Teacher) -> None:
    assert teacher.decide(Proposal(Action.PHRASING, UNANSWERED, "gibt-es-nicht"), 5).refusal \
        is Refusal.UNKNOWN_ENTRY
    assert teacher.decide(Proposal(Action.OUT_OF_SCOPE, UNANSWERED, topic_id="gibt-es-nicht"),
                          5).refusal is Refusal.UNKNOWN_TOPIC
    assert teacher.decide(Proposal(Action.OUT_OF_SCOPE, UNANSWERED, topic_id="Böse ID!",
                                   new_topic=True), 5).refusal is Refusal.BAD_TOPIC_ID


def test_two_admins_at_once_one_decision(teacher: Teacher) -> None:
    proposals = [Proposal(Action.PHRASING, UNANSWERED, "prozessbegleitung-umfang"),
                 Proposal(Action.IGNORE, UNANSWERED)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(lambda p: teacher.decide(p, admin_id=5), proposals))
    assert sum(o.accepted for o in outcomes) == 1
    assert [o.refusal for o in outcomes if not o.accepted] == [Refusal.CONFLICT]
    assert len(teacher.store.active()) == 1
