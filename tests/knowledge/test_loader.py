"""Loading and validating the YAML knowledge base, as the Fachstelle staff will edit it."""

import re
from pathlib import Path

import pytest

from tests.helpers.kb import MINI_ENTRIES, REAL_KNOWLEDGE, require_handbook, write_mini_kb, write_yaml
from thekiz_bot.knowledge.loader import KnowledgeError, load_knowledge


def issues_of(root: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(root)
    return [str(i) for i in info.value.issues]


def test_minimal_entry_loads_without_any_other_file(tmp_path: Path) -> None:
    write_yaml(tmp_path / "faq.yaml", [{"id": "a", "question": "Was?", "answer": "Das."}])
    kb = load_knowledge(tmp_path)
    assert [e.id for e in kb.entries] == ["a"]
    assert kb.contacts == {} and kb.default_contact is None


def test_mini_knowledge_base_loads(tmp_path: Path) -> None:
    kb = load_knowledge(write_mini_kb(tmp_path))
    assert len(kb.entries) == 3
    assert kb.default_contact is not None and kb.default_contact.id == "fachstelle"
    assert kb.regional_contact is not None and kb.regional_contact.id == "sozialplanung"


def test_missing_and_empty_fields_are_named(tmp_path: Path) -> None:
    write_yaml(tmp_path / "faq" / "a.yaml", {"entries": [
        {"id": "ohne-antwort", "question": "Was?"},
        {"id": "leer", "question": "   ", "answer": "x"},
    ]})
    problems = issues_of(tmp_path)
    assert any("faq/a.yaml" in p and "'ohne-antwort'" in p and "'answer'" in p for p in problems)
    assert any("'leer'" in p and "'question'" in p for p in problems)


def test_duplicate_ids_across_files_are_reported(tmp_path: Path) -> None:
    entry = {"id": "doppelt", "question": "Was?", "answer": "Das."}
    write_yaml(tmp_path / "faq" / "a.yaml", {"entries": [entry]})
    write_yaml(tmp_path / "faq" / "b.yaml", {"entries": [entry]})
    problems = issues_of(tmp_path)
    assert any("doppelte ID" in p and "faq/a.yaml" in p and "faq/b.yaml" in p for p in problems)


def test_unknown_contact_and_unknown_key_are_reported(tmp_path: Path) -> None:
    write_mini_kb(tmp_path, entries=[
        {**MINI_ENTRIES[0], "contacts": ["gibt-es-nicht"]},
        {**MINI_ENTRIES[1], "anwser": "Tippfehler im Schlüssel"},
    ])
    problems = issues_of(tmp_path)
    assert any("'gibt-es-nicht' existiert nicht" in p and "'pb-was'" in p for p in problems)
    assert any("unbekannter Schlüssel" in p and "'anwser'" in p for p in problems)


def test_yaml_syntax_error_has_file_and_line(tmp_path: Path) -> None:
    faq = tmp_path / "faq" / "kaputt.yaml"
    faq.parent.mkdir()
    faq.write_text("entries:\n  - id: a\n    question: [nicht geschlossen\n    answer: x\n",
                   encoding="utf-8")
    problems = issues_of(tmp_path)
    assert len(problems) == 1
    assert re.search(r"faq/kaputt\.yaml:\d+: YAML-Syntaxfehler", problems[0])


def test_wrong_types_are_reported_not_crashing(tmp_path: Path) -> None:
    write_yaml(tmp_path / "faq.yaml", {"entries": [
        {"id": "a", "question": "Was?", "answer": {"verschachtelt": True}},
        "nur ein Text",
        {"id": "b", "question": "Wie?", "answer": "So.", "alternates": [None, ""]},
    ]})
    problems = issues_of(tmp_path)
    assert any("'a'" in p and "muss ein Text sein" in p for p in problems)
    assert any("Nr. 2" in p for p in problems)
    assert any("'b'" in p and "'alternates'" in p for p in problems)


def test_all_problems_are_collected_at_once(tmp_path: Path) -> None:
    write_yaml(tmp_path / "faq.yaml", {"entries": [
        {"id": "a", "question": "Was?"},
        {"id": "b", "answer": "x"},
    ]})
    write_yaml(tmp_path / "contacts.yaml", {"default_contact": "fehlt", "contacts": []})
    assert len(issues_of(tmp_path)) == 3


def test_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    problems = issues_of(tmp_path / "nicht-da")
    assert "nicht gefunden" in problems[0]


def test_drafts_load_but_are_not_served(tmp_path: Path) -> None:
    write_yaml(tmp_path / "faq.yaml", [
        {"id": "a", "question": "Was?", "answer": "Das."},
        {"id": "b", "question": "Wie?", "answer": "So.", "status": "draft"},
    ])
    kb = load_knowledge(tmp_path)
    assert [e.id for e in kb.served_entries] == ["a"]


# --- the real knowledge base -------------------------------------------------------------------

def test_real_knowledge_base_is_valid_and_complete() -> None:
    kb = load_knowledge(REAL_KNOWLEDGE)
    assert 40 <= len(kb.served_entries) <= 120
    for entry in kb.served_entries:
        assert len(entry.alternates) >= 5, entry.id
        assert entry.source, entry.id
    assert kb.default_contact is not None
    assert len([r for r in kb.regions if r.kind == "Landkreis"]) == 17
    assert len([r for r in kb.regions if r.kind == "kreisfreie Stadt"]) == 5


def test_every_phone_number_and_email_comes_from_the_handbook() -> None:
    source = " ".join(p.read_text(encoding="utf-8") for p in require_handbook().glob("*.md"))
    source_digits = re.sub(r"\D", "", source)
    source_mails = {m.lower() for m in re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", source)}
    source_urls = set(re.findall(r"https?://[^\s)>\]]+", source))
    for path in REAL_KNOWLEDGE.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        for mail in re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", text):
            assert mail.lower() in source_mails, f"{path.name}: {mail}"
        for phone in re.findall(r"(?<![\w.])(?:\+49|0)\d[\d /-]{5,}\d", text):
            assert re.sub(r"\D", "", phone).lstrip("0") in source_digits, f"{path.name}: {phone}"
        for url in re.findall(r"https?://[^\s)>\]\"']+", text):
            assert url.rstrip(".,;") in source_urls, f"{path.name}: {url}"


def test_out_of_scope_examples_load_and_their_errors_are_named(tmp_path: Path) -> None:
    root = write_mini_kb(tmp_path)
    write_yaml(root / "out_of_scope.yaml", {"topics": [
        {"id": "wetter", "questions": ["wie wird das wetter", "regnet es morgen"]},
    ]})
    kb = load_knowledge(root)
    assert [(t.id, t.questions) for t in kb.out_of_scope] == [
        ("wetter", ("wie wird das wetter", "regnet es morgen"))]
    write_yaml(root / "out_of_scope.yaml", {"topics": [
        {"id": "wetter", "questions": ["wie wird das wetter"]},
        {"id": "wetter", "questions": ["regnet es"]},
        {"id": "sport", "questions": []},
        {"id": "kochen", "fragen": ["was koche ich heute"], "questions": ["rezept"]},
    ]})
    problems = issues_of(root)
    assert any("out_of_scope.yaml" in p and "wetter" in p and "doppelte" in p for p in problems)
    assert any("sport" in p and "questions" in p and "fehlt oder ist leer" in p for p in problems)
    assert any("kochen" in p and "fragen" in p and "unbekannter Schlüssel" in p for p in problems)
