"""The handbook importer: drafts from real and small documents, cleaned, never overwriting."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers.kb import HANDBOOK, require_handbook, write_mini_kb, write_yaml
from thekiz_bot.authoring.draft_file import render_yaml, scan_existing
from thekiz_bot.authoring.handbook_markup import CleanupLog, split_sentences
from thekiz_bot.authoring.handbook_text import parse_document
from thekiz_bot.authoring.importer import ANSWER_TARGET_CHARS, Existing, import_documents, shorten
from thekiz_bot.cli.main import main as bot_main
from thekiz_bot.knowledge.loader import load_knowledge

DOCUMENTS = ("ansprechpersonen.md", "kita-als-ort-fuer-alle.md")


@pytest.fixture
def handbook_documents() -> Path:
    return require_handbook(*DOCUMENTS)


needs_handbook = pytest.mark.usefixtures("handbook_documents")


def run_import(*args: str) -> int:
    return bot_main(["import", *args])


def drafts_from(texts: list[tuple[str, str]], existing: Existing | None = None) -> dict[str, Any]:
    rendered = render_yaml(import_documents(texts, existing or Existing()))
    data = yaml.safe_load(rendered)
    assert isinstance(data, dict)
    return data


def all_text(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, width=10_000)


# --- the real handbook documents ----------------------------------------------------------


@pytest.fixture(scope="module")
def handbook_drafts() -> dict[str, Any]:
    require_handbook(*DOCUMENTS)
    texts = [(name, (HANDBOOK / name).read_text(encoding="utf-8")) for name in DOCUMENTS]
    return drafts_from(texts)


@needs_handbook
def test_every_item_from_the_handbook_is_a_draft(handbook_drafts: dict[str, Any]) -> None:
    items = handbook_drafts["entries"] + handbook_drafts["quotes"] + handbook_drafts["contacts"]
    assert len(handbook_drafts["entries"]) >= 8
    assert all(item["status"] == "draft" for item in items)
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids))


@needs_handbook
def test_handbook_sections_become_questions_with_source(handbook_drafts: dict[str, Any]) -> None:
    by_alternate = {e["alternates"][0]: e for e in handbook_drafts["entries"] if e["alternates"]}
    for heading in ("TMASGFF", "Prozessbegleitung ThEKiZ", "Konsultationseinrichtungen",
                    "Mehrwert von ThEKiZ für den Sozialraum"):
        entry = by_alternate[heading]
        assert heading in entry["question"]
        assert entry["source"].startswith("ThEKiZ Handbuch 2.0 – ")
        assert entry["source"].endswith(heading)
    tmasgff = by_alternate["TMASGFF"]
    assert "Wer sind wichtige Ansprechpersonen im ThEKiZ-Programm?" in tmasgff["source"]
    assert "durch das TMASGFF umgesetzt" in tmasgff["answer"]


@needs_handbook
def test_handbook_answers_are_short_and_end_at_sentence_boundaries(
    handbook_drafts: dict[str, Any],
) -> None:
    for entry in handbook_drafts["entries"]:
        answer = entry["answer"]
        assert len(answer) <= ANSWER_TARGET_CHARS + 200, entry["id"]
        assert answer.rstrip()[-1] in ".!?“)" or answer.rstrip().split()[-1].startswith("http")


@needs_handbook
def test_page_break_fragment_is_joined_and_dropped() -> None:
    text = (HANDBOOK / "ansprechpersonen.md").read_text(encoding="utf-8")
    assert "überregionalen\n\n\n\nlen Netzwerk" in text  # the artefact this test is about
    doc = parse_document(text, "ansprechpersonen.md")
    body = " ".join(p for s in doc.sections for p in s.paragraphs)
    assert "im überregionalen Netzwerk ThEKiZ und Schnittstelle zur Fachstelle" in body
    assert " len Netzwerk" not in body
    assert doc.log.fragments == 1


@needs_handbook
def test_broken_sentence_skips_the_caption_printed_inside_it() -> None:
    text = (HANDBOOK / "kita-als-ort-fuer-alle.md").read_text(encoding="utf-8")
    doc = parse_document(text, "kita-als-ort-fuer-alle.md")
    body = " ".join(p for s in doc.sections for p in s.paragraphs)
    assert re.search(r"bedarfsgerecht\*\* für Elternsprechstunden, Erziehungs-", body)
    assert "Hebammenberatung in der Kita" not in body
    assert doc.log.captions == 2


@needs_handbook
def test_conversion_artefacts_are_gone(handbook_drafts: dict[str, Any]) -> None:
    dumped = all_text(handbook_drafts)
    assert "\\*" not in dumped and "**" not in dumped
    assert "(#)" not in dumped and "[hier]" not in dumped
    assert "Weitere Informationen finden Sie" not in dumped  # its link address is lost
    assert "Partner*innen" in dumped or "Akteur*innen" in dumped  # gender stars stay
    assert "Liebe Kolleginnen" not in dumped and "Jeannette Mardicke" not in dumped
    assert "Ihr Team der Landeskoordinations" not in dumped


@needs_handbook
def test_voices_from_practice_are_kept_apart_as_quotes(handbook_drafts: dict[str, Any]) -> None:
    quotes = handbook_drafts["quotes"]
    speakers = [q.get("speaker") for q in quotes]
    for speaker in ("Sozialplaner", "ThEKiZ-Koordinatorin", "Bürgermeister", "Leitung"):
        assert speaker in speakers
    assert all(q["kind"] == "zitat" for q in quotes)
    answers = " ".join(e["answer"] for e in handbook_drafts["entries"])
    for quote in quotes:
        assert quote["text"][:40] not in answers
    assert "Spatzennest" in all_text({"q": quotes})


@needs_handbook
def test_contact_from_the_handbook_with_exact_phone_and_email(
    handbook_drafts: dict[str, Any],
) -> None:
    source = (HANDBOOK / "ansprechpersonen.md").read_text(encoding="utf-8")
    contacts = handbook_drafts["contacts"]
    assert len(contacts) == 1
    contact = contacts[0]
    assert contact["name"] == "Dr. Stefanie Hammer"
    assert contact["organisation"] == "TMASGFF"
    # Nothing invented: every number and address is written exactly so in the handbook.
    assert contact["phone"] in source and contact["email"] in source


@needs_handbook
def test_handbook_drafts_load_next_to_the_curated_knowledge_base(tmp_path: Path) -> None:
    root = write_mini_kb(tmp_path / "kb")
    out = root / "faq" / "entwuerfe.yaml"
    args = [str(HANDBOOK / name) for name in DOCUMENTS]
    assert run_import(*args, "--knowledge", str(root), "--out", str(out)) == 0
    kb = load_knowledge(root)
    drafts = [e for e in kb.entries if e.is_draft]
    assert len(drafts) >= 8
    assert len(kb.served_entries) == 3  # the curated ones; drafts are never served


# --- small documents written for the tests ------------------------------------------------

SMALL_MD = """\
# Testhandbuch 1.0

Liebe Kolleginnen und Kollegen,

hier steht ein Vorwort, das jedes Dokument wiederholt.

Ihr Team der Teststelle
im Januar 2024

## Elternarbeit im Quartier

### Wie gewinnen wir Eltern für die Mitarbeit?

Eltern werden über persönliche Ansprache gewonnen. **Feste Sprechzeiten helfen dabei.** Die \
Partner\\*innen im Quartier unterstützen die Einladung und sorgen für Kontakte zu den Familien \
im ganzen

zen Stadtteil. Weitere Informationen finden Sie [hier](#).

„Bei uns kommen die Eltern jetzt gern, weil sie gefragt werden und mitreden dürfen.“ Kita-Leitung

### Räume

Die Räume der Kita werden am Nachmittag für Beratungsangebote genutzt, z.B. für die \
Erziehungsberatung. Das spart Mietkosten.

Kontakt

Max Mustermann (Stadtverwaltung Musterstadt)

Telefon 03641 123 456

E-Mail: max.mustermann@example.org
"""


def small_drafts(existing: Existing | None = None) -> dict[str, Any]:
    return drafts_from([("test.md", SMALL_MD)], existing)


def test_small_document_headings_become_questions() -> None:
    data = small_drafts()
    questions = [e["question"] for e in data["entries"]]
    assert "Wie gewinnen wir Eltern für die Mitarbeit?" in questions
    assert "Worum geht es bei „Räume“?" in questions
    eltern = next(e for e in data["entries"] if e["question"].startswith("Wie gewinnen"))
    assert eltern["source"] == ("Testhandbuch 1.0 – Elternarbeit im Quartier – "
                                "Wie gewinnen wir Eltern für die Mitarbeit?")
    assert eltern["keywords"] == ["Feste Sprechzeiten helfen dabei"]


def test_small_document_is_cleaned() -> None:
    data = small_drafts()
    eltern = next(e for e in data["entries"] if e["question"].startswith("Wie gewinnen"))
    assert "im ganzen Stadtteil." in eltern["answer"]
    assert "ganzen zen" not in eltern["answer"]
    assert "Partner*innen" in eltern["answer"] and "\\*" not in eltern["answer"]
    assert "Weitere Informationen" not in eltern["answer"] and "#" not in eltern["answer"]
    assert "Vorwort" not in all_text(data)


def test_small_document_quote_and_contact() -> None:
    data = small_drafts()
    assert [(q["speaker"], q["text"]) for q in data["quotes"]] == [
        ("Kita-Leitung", "Bei uns kommen die Eltern jetzt gern, weil sie gefragt werden und "
                         "mitreden dürfen.")
    ]
    contact = data["contacts"][0]
    assert contact == {
        "id": "kontakt-entwurf-max-mustermann", "status": "draft", "name": "Max Mustermann",
        "organisation": "Stadtverwaltung Musterstadt", "phone": "03641 123 456",
        "email": "max.mustermann@example.org",
    }
    raeume = next(e for e in data["entries"] if "Räume" in e["question"])
    assert "contacts" not in raeume  # a draft contact is not in contacts.yaml yet


def test_known_contact_is_linked_instead_of_drafted(tmp_path: Path) -> None:
    write_yaml(tmp_path / "contacts.yaml", {"contacts": [
        {"id": "stadt", "name": "Max Mustermann", "email": "MAX.Mustermann@example.org"}]})
    data = small_drafts(scan_existing(tmp_path))
    assert data["contacts"] == []
    raeume = next(e for e in data["entries"] if "Räume" in e["question"])
    assert raeume["contacts"] == ["stadt"]


def test_ids_never_collide_with_the_knowledge_base(tmp_path: Path) -> None:
    write_yaml(tmp_path / "faq" / "a.yaml", {"entries": [
        {"id": "entwurf-raeume", "question": "Q", "answer": "A"}]})
    data = small_drafts(scan_existing(tmp_path))
    ids = {e["id"] for e in data["entries"]}
    assert "entwurf-raeume" not in ids and "entwurf-raeume-2" in ids


def test_plain_text_export_without_markdown() -> None:
    text = ("Prozessbegleitung\n\nDie Prozessbegleitung begleitet Einrichtungen auf dem Weg zum "
            "Eltern-Kind-Zentrum. Sie moderiert Veränderungsprozesse.\n\n"
            "Wer bezahlt die Prozessbegleitung\n\nDer Landkreis entscheidet über den Umfang.\n")
    data = drafts_from([("plain.txt", text)])
    questions = [e["question"] for e in data["entries"]]
    assert questions == ["Worum geht es bei „Prozessbegleitung“?",
                         "Wer bezahlt die Prozessbegleitung?"]


def test_long_section_is_split_and_shortened_at_sentences() -> None:
    sentence = "Dies ist ein Satz über die Arbeit im ThEKiZ mit vielen Familien im Sozialraum. "
    paragraphs = "\n\n".join((f"Absatz {i}. " + sentence * 4).strip() for i in range(6))
    data = drafts_from([("lang.md", f"## Langer Abschnitt\n\n{paragraphs}\n")])
    entries = data["entries"]
    assert len(entries) > 1
    assert all("(Teil " in e["question"] for e in entries)
    for entry in entries:
        assert len(entry["answer"]) <= ANSWER_TARGET_CHARS
        assert entry["answer"].endswith(".")


def test_shorten_keeps_back_references_with_their_sentence() -> None:
    paragraphs = ["Die Fachstelle berät Einrichtungen. Sie begleitet sie auf dem Weg. "
                  + "Ein sehr langer Satz ohne Bezug, der nur Platz braucht. " * 8
                  + "**Der wichtigste Satz steht fett.**"]
    short = shorten(paragraphs, CleanupLog(), target=120)
    assert short.text == ("Die Fachstelle berät Einrichtungen. Sie begleitet sie auf dem Weg. "
                          "Der wichtigste Satz steht fett.")


def test_sentences_do_not_end_at_abbreviations() -> None:
    text = "Angebote wie z.B. Beratung gibt es u.a. hier. Siehe Fachliche Empfehlungen, S. 19. Gut!"
    assert split_sentences(text) == [
        "Angebote wie z.B. Beratung gibt es u.a. hier.",
        "Siehe Fachliche Empfehlungen, S. 19.",
        "Gut!",
    ]


# --- the command and its safety rules -------------------------------------------------------


def test_cli_writes_drafts_and_refuses_curated_file(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    root = write_mini_kb(tmp_path / "kb")
    doc = tmp_path / "test.md"
    doc.write_text(SMALL_MD, encoding="utf-8")
    curated = root / "faq" / "test.yaml"
    before = curated.read_bytes()
    assert run_import(str(doc), "--knowledge", str(root), "--out", str(curated)) == 1
    assert "nie überschrieben" in capsys.readouterr().err
    assert curated.read_bytes() == before
    contacts = root / "contacts.yaml"
    assert run_import(str(doc), "--knowledge", str(root), "--out", str(contacts)) == 1
    assert contacts.read_text(encoding="utf-8").startswith("default_contact")

    out = root / "faq" / "entwuerfe.yaml"
    assert run_import(str(doc), "--knowledge", str(root), "--out", str(out)) == 0
    first = out.read_text(encoding="utf-8")
    assert "status: draft" in first and first.startswith("# ENTWÜRFE")
    # A second run must not silently replace drafts someone may have edited …
    out.write_text(first.replace("Feste Sprechzeiten", "Feste Zeiten"), encoding="utf-8")
    assert run_import(str(doc), "--knowledge", str(root), "--out", str(out)) == 1
    assert "Feste Zeiten" in out.read_text(encoding="utf-8")
    # … unless asked to, and ids stay stable because the file being replaced is not counted.
    assert run_import(str(doc), "--knowledge", str(root), "--out", str(out), "--overwrite") == 0
    assert out.read_text(encoding="utf-8") == first
    assert load_knowledge(root).entry("entwurf-raeume") is not None


def test_cli_prints_to_stdout_and_handles_bad_input(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "leer.md"
    empty.write_text("  \n", encoding="utf-8")
    latin = tmp_path / "alt.txt"
    latin.write_bytes("Übersicht\n\nFür Familien gibt es Beratung im Süden.\n".encode("cp1252"))
    missing = tmp_path / "fehlt.md"
    assert run_import(str(missing)) == 1
    assert "kann nicht gelesen werden" in capsys.readouterr().err
    assert run_import(str(empty), str(latin), "--knowledge", str(tmp_path)) == 0
    captured = capsys.readouterr()
    assert "leer.md ist leer" in captured.err and "Windows-1252" in captured.err
    data = yaml.safe_load(captured.out)
    assert data["entries"][0]["answer"] == "Für Familien gibt es Beratung im Süden."


def test_yaml_output_survives_awkward_text() -> None:
    text = ("## Zeichen: # und [Klammern] & *Sterne*\n\n"
            "Antwort mit: Doppelpunkt, 'Apostroph', \"Anführung\" und 0361 als Zahl. "
            "Noch ein Satz mit Emoji 🎉 und <b>HTML</b>.\n")
    data = drafts_from([("x.md", text)])
    entry = data["entries"][0]
    assert entry["alternates"] == ["Zeichen: # und [Klammern] & Sterne"]
    assert "'Apostroph', \"Anführung\" und 0361" in entry["answer"]
    assert "🎉" in entry["answer"]
