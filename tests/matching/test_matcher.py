"""The matcher as a coordinator experiences it: right answer, honest no, fitting contacts."""

import json
import pickle
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.kb import write_mini_kb, write_yaml
from thekiz_bot.knowledge.loader import load_knowledge
from thekiz_bot.matching.matcher import STATUSES, Matcher, MatchResult, MatchStatus


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return Matcher(load_knowledge(write_mini_kb(tmp_path_factory.mktemp("kb"))))


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("Was macht eigentlich eine Prozessbegleitung?", "pb-was"),
        ("prozesbegleitug", "pb-was"),                      # typos
        ("PB erklärung", "pb-was"),                          # abbreviation via synonyms
        ("Wer sind die Sozialplaner:innen im Kreis?", "sozialplanung"),
        ("ansprechpartnerin ministerium", "ministerium-kontakt"),
    ],
)
def test_answers_the_right_entry(matcher: Matcher, question: str, entry_id: str) -> None:
    result = matcher.match(question)
    assert result.status == "answer"
    assert result.entry is not None and result.entry.id == entry_id
    assert result.answer == result.entry.answer


def test_unrelated_question_gets_an_honest_no_with_the_general_contact(matcher: Matcher) -> None:
    result = matcher.match("Wie wird das Wetter morgen am Wochenende?")
    assert result.status == "fallback"
    assert result.entry is None and result.answer is None
    assert [c.id for c in result.contacts] == ["fachstelle"]


def test_greeting_is_small_talk_but_a_greeting_with_a_question_is_answered(
    matcher: Matcher,
) -> None:
    hello = matcher.match("Hallo!")
    assert hello.status == "smalltalk" and hello.answer == "Hallo! Fragen Sie."
    question = matcher.match("Hallo, was ist die Prozessbegleitung?")
    assert question.status == "answer" and question.entry is not None
    assert question.entry.id == "pb-was"


def test_contact_seeking_question_puts_the_contact_in_front(matcher: Matcher) -> None:
    result = matcher.match("Telefonnummer vom Ministerium?")
    assert result.status == "answer" and result.contact_first
    assert result.contacts[0].phone == "0361-000 000"


def test_region_without_own_contact_says_where_to_look(matcher: Matcher) -> None:
    result = matcher.match("Wer ist Sozialplaner in Jena?")
    assert result.region is not None and result.region.name == "Jena"
    assert result.region_note is not None and "kreisfreie Stadt Jena" in result.region_note
    assert "sozialplanung" in [c.id for c in result.contacts]


def test_longest_region_name_wins(matcher: Matcher) -> None:
    assert matcher.find_region("Sozialplanung im Weimarer Land").id == "weimarer-land"
    assert matcher.find_region("Sozialplanung in Weimar").id == "weimar"
    assert matcher.resolve_region("Landkreis Weimarer Lnad").id == "weimarer-land"
    assert matcher.resolve_region("Atlantis") is None


def test_explicit_region_applies_to_regional_answers(matcher: Matcher) -> None:
    result = matcher.match("sozialplanung im landkreis", region="weimarer land")
    assert result.region is not None and result.region.id == "weimarer-land"
    assert result.region_note is not None


def test_region_named_in_the_question_wins_over_the_saved_one(matcher: Matcher) -> None:
    named = matcher.match("Wer ist Sozialplaner in Jena?", saved_region="weimarer-land")
    assert named.region is not None and named.region.id == "jena"
    unnamed = matcher.match("Wer ist Sozialplaner im Kreis?", saved_region="weimarer-land")
    assert unnamed.region is not None and unnamed.region.id == "weimarer-land"
    contacts = matcher.contacts_for_query("Sozialplanung Jena", saved_region="weimarer-land")
    assert contacts == matcher.contacts_for_query("Sozialplanung Jena")


def test_statuses_are_one_enum_that_compares_like_the_stored_text(matcher: Matcher) -> None:
    result = matcher.match("Was macht eigentlich eine Prozessbegleitung?")
    assert result.status is MatchStatus.ANSWER and result.status == "answer"
    assert set(STATUSES) == {s.value for s in MatchStatus}
    assert result.to_json()["status"] == "answer"


def test_a_pickled_matcher_answers_like_the_original(matcher: Matcher) -> None:
    copy = pickle.loads(pickle.dumps(matcher))
    for question in ("prozesbegleitug", "Wer ist Sozialplaner in Jena?", "Wetter morgen?"):
        assert copy.match(question) == matcher.match(question)


def test_contacts_for_query_by_name_topic_and_default(matcher: Matcher) -> None:
    assert [c.id for c in matcher.contacts_for_query("Beispiel")][0] == "ministerium"
    assert "ministerium" in [c.id for c in matcher.contacts_for_query("ministerium anrufen")]
    assert [c.id for c in matcher.contacts_for_query("xyzzy")] == ["fachstelle"]


def test_json_contract(matcher: Matcher) -> None:
    data = matcher.match("was macht die prozessbegleitung").to_json()
    assert set(data) >= {"question", "status", "answer", "entry_id", "score", "suggestions",
                         "contacts", "source"}
    assert data["entry_id"] == "pb-was" and data["source"].startswith("Testhandbuch")
    assert all(set(s) == {"entry_id", "question", "score"} for s in data["suggestions"])
    assert "pb-was" not in [s["entry_id"] for s in data["suggestions"]]
    assert set(data["contacts"][0]) == {"id", "name", "role", "organisation", "phone", "email",
                                        "url"}


def test_suggest_outcome_lists_top_three(tmp_path: Path) -> None:
    # Two entries about the same word: a bare keyword cannot decide between them.
    write_yaml(tmp_path / "faq.yaml", [
        {"id": "a", "question": "Wie beantrage ich die Förderung für Kitas?", "answer": "A."},
        {"id": "b", "question": "Wie rechne ich die Förderung für Kitas ab?", "answer": "B."},
        {"id": "c", "question": "Was ist ein Elterncafé?", "answer": "C."},
    ])
    result = Matcher(load_knowledge(tmp_path)).match("förderung kitas")
    assert result.status == "suggest"
    assert {c.entry.id for c in result.suggestions[:2]} == {"a", "b"}
    assert result.answer is None and result.entry is None


# Counts and salaries are not in the (test) handbook, but such questions share its words.
FIGURES_TOPIC = {"topics": [{"id": "zahlen", "questions": [
    "wie viele sozialplaner gibt es in thüringen", "was verdient eine prozessbegleiterin",
    "gehalt in der sozialplanung", "wie viele landkreise gibt es",
]}]}


@pytest.mark.parametrize("question", ["wie viele sozialplaner im landkreis",
                                      "was verdient ein prozessbegleiter"])
def test_question_like_an_out_of_scope_example_is_declined(tmp_path: Path, question: str) -> None:
    root = write_mini_kb(tmp_path)
    before = Matcher(load_knowledge(root)).match(question)
    assert before.status == "answer" and before.out_of_scope_topic is None
    write_yaml(root / "out_of_scope.yaml", FIGURES_TOPIC)
    matcher = Matcher(load_knowledge(root))
    after = matcher.match(question)
    assert after.status == "fallback" and after.answer is None
    assert after.out_of_scope_topic == "zahlen"
    assert [c.id for c in after.contacts] == ["fachstelle"]
    assert after.to_json()["out_of_scope_topic"] == "zahlen"
    # The entries' own questions are still answered, and typos still reach them.
    for text, entry_id in [("Wer sind die Sozialplaner:innen im Landkreis?", "sozialplanung"),
                           ("prozesbegleitug", "pb-was"), ("sozialplaner:innen finden",
                                                          "sozialplanung")]:
        result = matcher.match(text)
        assert result.status == "answer" and result.out_of_scope_topic is None
        assert result.entry is not None and result.entry.id == entry_id


def test_out_of_scope_examples_never_appear_as_suggestions(tmp_path: Path) -> None:
    root = write_mini_kb(tmp_path)
    write_yaml(root / "out_of_scope.yaml", FIGURES_TOPIC)
    matcher = Matcher(load_knowledge(root))
    ids = {c.entry.id for c in matcher.rank("wie viele landkreise gibt es", k=10)}
    assert ids <= {"pb-was", "ministerium-kontakt", "sozialplanung"}


def test_drafts_are_never_answered(tmp_path: Path) -> None:
    write_yaml(tmp_path / "faq.yaml", [
        {"id": "a", "question": "Was ist ein Elterncafé?", "answer": "A.", "status": "draft"},
    ])
    result = Matcher(load_knowledge(tmp_path)).match("Was ist ein Elterncafé?")
    assert result.status == "fallback" and result.suggestions == ()


BAD_INPUTS = [
    "", "   \n\t ", "a" * 100_000, "🙂🙂🙂", "\u202eتثبيت\u202c", "\u200b\u200b", "\x00\x07\x1b[31m",
    "<b>fett</b><script>alert(1)</script>", "**Prozess**_begleitung_ [x](http://y)", "&amp;&lt;",
    "?" * 500, "\U0001F600" * 5000,
]


@pytest.mark.parametrize("text", BAD_INPUTS)
def test_bad_input_gives_a_valid_result(matcher: Matcher, text: str) -> None:
    assert_valid(matcher.match(text))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=500))
def test_any_text_gives_a_valid_result(matcher: Matcher, text: str) -> None:
    assert_valid(matcher.match(text))


def assert_valid(result: MatchResult) -> None:
    assert result.status in STATUSES
    assert 0.0 <= result.score <= 1.0
    assert len(result.suggestions) <= 3
    data = json.loads(json.dumps(result.to_json(), ensure_ascii=False))
    assert (data["answer"] is None) == (result.status in ("suggest", "fallback"))
    assert (data["entry_id"] is None) == (result.status != "answer")


def test_entry_whose_question_is_only_emoji_still_loads_and_matches(tmp_path: Path) -> None:
    write_yaml(tmp_path / "faq.yaml", [
        {"id": "emoji", "question": "🙂🙂", "answer": "Ein Smiley-Eintrag für Tests."},
        {"id": "kaffee", "question": "Gibt es Kaffee im Büro?", "answer": "Ja."},
    ])
    matcher = Matcher(load_knowledge(tmp_path))
    assert matcher.match("gibt es kaffee im buero").entry.id == "kaffee"
    assert_valid(matcher.match("🙂🙂"))
