"""Grouping logged wordings: the fast candidate filter gives exactly the groups that comparing
every wording with every group gives."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers.grouping import reference_groups, typo
from tests.helpers.kb import REAL_KNOWLEDGE
from thekiz_bot.knowledge.loader import load_knowledge
from thekiz_bot.text.grouping import AskedWording, group_questions
from thekiz_bot.text.normalise import Vocabulary

BASE = [
    "Wie viel Geld bekommt ein ThEKiZ im Jahr?", "Gibt es eine Vorlage für den Jahresbericht?",
    "Wer bezahlt die Koordinatorin?", "Wo ist der nächste Fachtag?",
    "Wer ist zuständig für Kitas?", "Wer ist zuständig für Kinder?",
    "Wie werde ich Konsultationseinrichtung?", "Was kostet die Fortbildung für Erzieher?",
    "Wann ist die Frist für den Antrag?", "Kann ich die Förderung verlängern?",
]


def _log(seed: int, size: int) -> list[AskedWording]:
    rng = random.Random(seed)
    return [AskedWording(typo(rng, rng.choice(BASE)), rng.randint(1, 4),
                         f"2026-03-{rng.randint(1, 28):02d}T10:00:00+00:00", rng.randint(0, 1))
            for _ in range(size)]


def test_fast_grouping_equals_all_pairs_on_a_typo_ridden_log() -> None:
    kb = load_knowledge(REAL_KNOWLEDGE)
    analyse = Vocabulary.build(kb.synonyms, kb.stopwords).analyse
    # More wordings than one filter chunk, so that groups found in earlier chunks count too.
    wordings = _log(7, 2500)
    fast = group_questions(wordings, analyse)
    assert fast == reference_groups(wordings, analyse)
    assert 10 <= len(fast) < 2500  # typos were grouped, distinct questions were not


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.integers(0, 10_000), st.integers(1, 120))
def test_fast_grouping_equals_all_pairs(seed: int, size: int) -> None:
    analyse = Vocabulary.build([], []).analyse
    wordings = _log(seed, size)
    assert group_questions(wordings, analyse) == reference_groups(wordings, analyse)
