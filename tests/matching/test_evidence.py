"""How much of a question the knowledge base covers: a question about something it never mentions
is declined honestly, even when it names a place or a topic the knowledge base knows."""

import numpy as np
import pytest

from tests.helpers.kb import KnowledgeSnapshot
from thekiz_bot.matching.evidence import AsNew, WordCounts, evidence_features, unseen_idf
from thekiz_bot.matching.matcher import Matcher, MatchStatus
from thekiz_bot.matching.negatives import foreign_words, with_foreign_subject, with_word


@pytest.fixture(scope="module")
def matcher(real_knowledge: KnowledgeSnapshot) -> Matcher:
    return real_knowledge.matcher


def test_a_question_about_something_never_mentioned_is_not_answered(matcher: Matcher) -> None:
    # "Prozessbegleitung" is known, what a law says about it is not: no suggestions either.
    law = matcher.match("Was regelt das Kinderförderungsgesetz zur Prozessbegleitung?")
    assert law.status == MatchStatus.FALLBACK, law.confidence


def test_questions_in_the_knowledge_bases_words_are_answered(matcher: Matcher) -> None:
    for question, expected in [("Was macht die Fachstelle?", "fachstelle-was"),
                               ("Was ist eine Konsultationseinrichtung?", "konsultation-was")]:
        result = matcher.match(question)
        assert result.status == MatchStatus.ANSWER, (question, result.confidence)
        assert result.entry is not None and result.entry.id == expected


def test_words_no_entry_knows_and_words_the_best_entry_leaves_open(matcher: Matcher) -> None:
    index = matcher.index
    assert index is not None
    best = [e.id for e in matcher.entries].index("fachstelle-was")
    rare = unseen_idf(index)
    covered = evidence_features(index, ["fachstell"], best, None, rare)
    assert covered.tolist() == [0.0, 0.0, 0.0]
    # A word nobody knows: unknown, and the rarest word the entry leaves open.
    unknown = evidence_features(index, ["fachstell", "zwiebelkuch"], best, None, rare)
    assert unknown[0] > 0.4 and unknown[1] == 1.0
    # A word the knowledge base knows, but not this entry: left open, not unknown.
    other = next(t for t in index.entry_vocabulary if t not in index.entry_tokens[best])
    left_open = evidence_features(index, ["fachstell", other], best, None, rare)
    assert left_open[0] == 0.0 and left_open[1] > 0.0


def test_a_word_only_an_out_of_scope_topic_holds_is_counted_for_it(matcher: Matcher) -> None:
    index = matcher.index
    assert index is not None
    topics = [t.id for t in matcher.topics]
    kindergeld = index.n_entries + topics.index("kindergeld")
    best = [e.id for e in matcher.entries].index("fachstelle-was")
    features = evidence_features(index, ["fachstell", "kindergeld"], best, kindergeld,
                                 unseen_idf(index))
    assert features[2] > 0.4
    assert evidence_features(index, ["fachstell"], best, kindergeld, unseen_idf(index))[2] == 0.0


def test_a_left_out_phrasing_counts_its_own_words_as_unknown(matcher: Matcher) -> None:
    index = matcher.index
    assert index is not None
    counts = WordCounts.of(index)
    # A text of an entry holding a word no other text of the entries holds.
    text = next(i for i in range(int(index.starts[index.n_entries]))
                if counts.only_in(set(index.texts[i].split())))
    hidden = counts.only_in(set(index.texts[text].split()))
    owner = index.owner(text)
    tokens = sorted(hidden)
    as_indexed = evidence_features(index, tokens, owner, None, unseen_idf(index))
    as_new = evidence_features(index, tokens, owner, None, unseen_idf(index),
                               AsNew(hidden, {owner: index.tokens_without(owner, text)}))
    assert as_indexed[0] == 0.0 and as_new[0] == 1.0


def test_near_misses_replace_the_decisive_word_by_one_nobody_knows(matcher: Matcher) -> None:
    index = matcher.index
    assert index is not None
    foreign = foreign_words(index, matcher.vocab, ["Wo kann ich am Sonntag Gartenstühle kaufen?"])
    assert "gartenstuhle" in foreign and "kann" not in foreign
    made = with_foreign_subject("Was macht die Konsultationseinrichtung?", index, matcher.vocab,
                                ["gartenstuhle"], np.random.default_rng(0))
    assert made == "was macht die gartenstuhle"
    assert with_word("Was macht die Fachstelle?", ["gartenstuhle"],
                     np.random.default_rng(0)).split().count("gartenstuhle") == 1
