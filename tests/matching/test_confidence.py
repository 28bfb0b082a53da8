"""Confidence learned from the knowledge base itself, and what the user sees because of it."""

from dataclasses import replace

import pytest

from tests.helpers.kb import write_mini_kb
from thekiz_bot.knowledge.loader import KnowledgeBase, load_knowledge
from thekiz_bot.matching import render
from thekiz_bot.matching.evaluation import (
    LabelledQuestion,
    auc,
    cold_knowledge,
    evaluate,
    format_reliability,
)
from thekiz_bot.matching.matcher import Matcher, MatchStatus, Policy
from thekiz_bot.telegram.faq import keyboards


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return load_knowledge(write_mini_kb(tmp_path_factory.mktemp("kb")))


@pytest.fixture(scope="module")
def matcher(kb: KnowledgeBase) -> Matcher:
    return Matcher(kb)


def test_confidence_is_a_probability_that_ranks_right_above_wrong(matcher: Matcher) -> None:
    sure = matcher.match("Was ist die Prozessbegleitung?")
    typo = matcher.match("prozesbegleitug")
    unrelated = matcher.match("Wann fährt der nächste Bus nach Leipzig?")
    assert 0.0 <= unrelated.confidence < typo.confidence <= sure.confidence <= 1.0
    assert sure.status == MatchStatus.ANSWER and sure.confidence >= matcher.policy.answer
    assert unrelated.status == MatchStatus.FALLBACK and unrelated.answer is None
    assert matcher.calibration is not None and matcher.calibration.samples > 0


def test_a_knowledge_base_of_questions_and_answers_only_still_decides(kb: KnowledgeBase) -> None:
    cold = Matcher(cold_knowledge(kb))
    assert all(not e.alternates and not e.keywords for e in cold.entries)
    own = cold.match("Wer sind die Sozialplaner*innen im Landkreis?")
    assert own.status == MatchStatus.ANSWER and own.entry is not None
    assert own.entry.id == "sozialplanung"
    assert cold.match("Wie backe ich einen Zwiebelkuchen?").status == MatchStatus.FALLBACK


def test_second_fitting_entry_is_offered_under_the_answer(matcher: Matcher) -> None:
    question = "Wer ist die Ansprechpartnerin für Sozialplaner im Ministerium?"
    always = matcher.with_policy(Policy(answer=0.0, see_also=0.0, suggest=0.0)).match(question)
    assert always.status == MatchStatus.ANSWER and always.see_also is not None
    assert always.see_also != always.entry
    assert f"{render.SEE_ALSO} {always.see_also.question}" in render.result_text(always)
    assert render.SEE_ALSO in render.result_html(always)
    assert always.entry is not None
    markup = keyboards.feedback(always.entry, 7, via_suggestion=False, see_also=always.see_also)
    labels = [button.text for row in markup.inline_keyboard for button in row]
    assert labels[0].startswith(render.SEE_ALSO) and "👍 Hilfreich" in labels
    never = matcher.with_policy(Policy(answer=0.0, see_also=1.01, suggest=0.0)).match(question)
    assert never.see_also is None and render.SEE_ALSO not in render.result_text(never)
    assert always.to_json()["see_also"] == always.see_also.id


def test_learned_phrasings_join_index_and_calibration(kb: KnowledgeBase) -> None:
    question = "Wer begleitet uns auf dem Weg zum Zentrum?"
    before = Matcher(kb).match(question)
    taught = Matcher(kb.with_phrasings({"pb-was": [question], "unknown-id": ["x"]},
                                       out_of_scope=["Was kostet ein Kitaplatz in Jena?"]))
    after = taught.match(question)
    assert after.status == MatchStatus.ANSWER and after.entry is not None
    assert after.entry.id == "pb-was"
    assert after.confidence > before.confidence
    declined = taught.match("Was kostet ein Kitaplatz in Jena?")
    assert declined.status == MatchStatus.FALLBACK and declined.out_of_scope_topic == "learned"
    assert kb.entry("pb-was") is not None and question not in kb.entry("pb-was").alternates


def test_auc_counts_ties_half() -> None:
    assert auc([(0.9, True), (0.1, False)]) == 1.0
    assert auc([(0.1, True), (0.9, False)]) == 0.0
    assert auc([(0.5, True), (0.5, False)]) == 0.5


def test_evaluation_reports_wrong_answers_and_reliability(matcher: Matcher) -> None:
    items = [
        LabelledQuestion("Was ist die Prozessbegleitung?", "pb-was", "test"),
        LabelledQuestion("Was ist die Prozessbegleitung?", "sozialplanung", "test"),
        LabelledQuestion("Wie backe ich einen Zwiebelkuchen?", "out_of_scope", "test"),
    ]
    report = evaluate(matcher, items)["test"]
    assert report.answered_correctly == 1 and report.answered_wrongly == 1
    assert report.direct_precision_pct == 50.0 and report.rejection_pct == 100.0
    table = format_reliability(report)
    assert "| confidence | questions | mean predicted | observed right |" in table
    counted = sum(int(line.split("|")[2]) for line in table.splitlines()[3:])
    assert counted == 3


def test_a_knowledge_base_with_one_entry_builds_and_answers(kb: KnowledgeBase) -> None:
    single = replace(kb, entries=kb.entries[:1], out_of_scope=())
    matcher = Matcher(single, background=[])
    result = matcher.match(single.entries[0].question)
    assert result.status == MatchStatus.ANSWER and 0.0 <= result.confidence <= 1.0
