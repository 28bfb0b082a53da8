"""The scorer's rapidfuzz re-scoring: an entry is as similar as its most similar text, and a text
left out (leave-one-out calibration) is not there."""

from __future__ import annotations

import numpy as np
import pytest
from rapidfuzz import fuzz

from tests.helpers.kb import write_mini_kb
from thekiz_bot.knowledge.loader import load_knowledge
from thekiz_bot.matching.matcher import Matcher
from thekiz_bot.matching.scoring import Scorer, Weights


@pytest.fixture(scope="module")
def scorer(tmp_path_factory: pytest.TempPathFactory) -> Scorer:
    matcher = Matcher(load_knowledge(write_mini_kb(tmp_path_factory.mktemp("kb"))))
    assert matcher.index is not None
    regional = np.zeros(matcher.index.n_entries, dtype=np.float32)
    return Scorer(matcher.index, matcher.vocab, Weights(), regional)


def _one_text(question: str, text: str) -> float:
    coverage = min(len(question), len(text)) / max(len(question), len(text), 1)
    return max(fuzz.ratio(question, text),
               fuzz.token_set_ratio(question, text) * (0.5 + 0.5 * coverage)) / 100


@pytest.mark.parametrize("question", ["prozessbegleitung", "wer hilft kita", "x", ""])
def test_an_entry_is_as_similar_as_its_most_similar_text(scorer: Scorer, question: str) -> None:
    index = scorer.index
    positions = list(range(len(index.starts)))  # every entry and out-of-scope topic
    expected = [max((_one_text(question, t) for t in index.variants(p)), default=0.0)
                for p in positions]
    assert scorer.fuzzy(question, positions) == expected


def test_a_left_out_text_is_not_found(scorer: Scorer) -> None:
    index = scorer.index
    pos = next(p for p in range(index.n_entries) if len(index.variants(p)) > 1)
    variant = int(index.starts[pos])
    text = index.texts[variant]
    others = index.variants(pos)[1:]
    assert scorer.fuzzy(text, [pos]) == [1.0]
    assert scorer.fuzzy(text, [pos], exclude=variant) == [max(_one_text(text, t) for t in others)]
    assert scorer.fuzzy(text, [pos, pos + 1], exclude=variant)[1] == scorer.fuzzy(text, [pos + 1])[0]
