"""The labelled evaluation set is well-formed, and the matcher does not regress on it."""

from pathlib import Path

import pytest

from thekiz_bot.matching.evaluation import LabelledQuestion, evaluate, load_questions
from thekiz_bot.telegram.services import KnowledgeSnapshot
from thekiz_bot.text.normalise import Vocabulary

EVAL_FILE = Path(__file__).resolve().parents[1] / "eval" / "questions.yaml"


@pytest.fixture(scope="module")
def items() -> list[LabelledQuestion]:
    return load_questions(EVAL_FILE)


def test_eval_set_is_large_enough_and_covers_every_entry(
    items: list[LabelledQuestion], real_knowledge: KnowledgeSnapshot
) -> None:
    kb = real_knowledge.kb
    in_scope = [i for i in items if i.in_scope]
    assert len(in_scope) >= 150
    assert len([i for i in items if not i.in_scope]) >= 30
    assert {i.expected for i in in_scope} <= {e.id for e in kb.served_entries}
    for split in {i.split for i in items}:
        covered = {i.expected for i in in_scope if i.split == split}
        assert covered == {e.id for e in kb.served_entries}, split


def test_held_out_half_keeps_the_right_answer_within_the_first_three(
    items: list[LabelledQuestion], real_knowledge: KnowledgeSnapshot
) -> None:
    # A floor against regressions, not the reported figure (see README, "Measured quality").
    report = evaluate(real_knowledge.matcher, items)["test"]
    assert report.top3_pct >= 95.0
    assert report.top1_pct >= 85.0
    assert report.rejection_pct >= 85.0


def test_out_of_scope_examples_decline_almost_no_real_question(
    items: list[LabelledQuestion], real_knowledge: KnowledgeSnapshot
) -> None:
    # knowledge/out_of_scope.yaml teaches the bot what to decline; an example that reads like a
    # handbook question would silently turn its right answers into "Dazu weiß ich nichts".
    matcher = real_knowledge.matcher
    in_scope = [i for i in items if i.in_scope]
    declined = [i.question for i in in_scope if matcher.match(i.question).out_of_scope_topic]
    assert len(declined) <= len(in_scope) // 100, declined
    out_of_scope = [i for i in items if not i.in_scope]
    by_example = [i for i in out_of_scope if matcher.match(i.question).out_of_scope_topic]
    assert len(by_example) >= len(out_of_scope) // 2


def test_no_evaluation_question_is_an_out_of_scope_example(
    items: list[LabelledQuestion], real_knowledge: KnowledgeSnapshot
) -> None:
    # The rejection figures measure how the examples generalise, not whether they are recalled.
    kb = real_knowledge.kb
    vocab = Vocabulary.build(kb.synonyms, kb.stopwords)
    examples = {vocab.analyse(q) for topic in kb.out_of_scope for q in topic.questions}
    assert not [i.question for i in items if vocab.analyse(i.question) in examples]
