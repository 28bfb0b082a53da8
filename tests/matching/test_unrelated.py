"""Questions nobody in the ThEKiZ network answers get an honest no without the Fachstelle as a
contact; questions near the handbook's field keep the Fachstelle."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.helpers.cli import bot
from tests.helpers.kb import REAL_KNOWLEDGE, write_mini_kb, write_yaml
from thekiz_bot.knowledge.loader import KnowledgeError, load_knowledge
from thekiz_bot.matching import render
from thekiz_bot.matching.matcher import Matcher


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_knowledge(REAL_KNOWLEDGE))


@pytest.mark.parametrize("question", [
    "Wie wird das Wetter morgen in Erfurt?", "Wann wird das Kindergeld ausgezahlt?",
    "Wie viel Elterngeld bekommt man?",
])
def test_plainly_unrelated_questions_get_no_fachstelle(matcher: Matcher, question: str) -> None:
    result = matcher.match(question)
    assert result.status == "fallback" and result.unrelated
    assert result.contacts == ()
    for text in (render.result_text(result), render.result_html(result)):
        assert "Fachstelle" not in text and "wenden Sie sich" not in text
        assert text.startswith("Dabei kann ich Ihnen leider nicht helfen")


@pytest.mark.parametrize("question", [
    "Wie läuft eine Inobhutnahme beim Jugendamt ab?", "Wo finde ich einen freien Kitaplatz?",
])
def test_near_domain_questions_keep_the_fachstelle(matcher: Matcher, question: str) -> None:
    result = matcher.match(question)
    assert result.status == "fallback" and not result.unrelated
    text = render.result_text(result)
    assert "Am besten wenden Sie sich direkt an:" in text and "Fachstelle" in text


def test_the_command_line_says_the_same(tmp_path: Path) -> None:
    proc = bot("ask", "Wie wird das Wetter morgen in Erfurt?",
               env={"THEKIZ_DB": str(tmp_path / "db.sqlite3")})
    assert proc.returncode == 0
    assert "Fachstelle" not in proc.stdout and "nicht helfen" in proc.stdout


def test_the_flag_must_be_true_or_false(tmp_path: Path) -> None:
    kb = write_mini_kb(tmp_path / "kb")
    data = yaml.safe_load((kb / "out_of_scope.yaml").read_text(encoding="utf-8")) if (
        kb / "out_of_scope.yaml").is_file() else {"topics": [{"id": "wetter",
                                                                "questions": ["wetter morgen"]}]}
    data["topics"][0]["unrelated"] = "ja"
    write_yaml(kb / "out_of_scope.yaml", data)
    with pytest.raises(KnowledgeError, match="muss true oder false sein"):
        load_knowledge(kb)
