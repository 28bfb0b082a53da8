"""Telling a follow-up from a question of its own."""

import pytest

from thekiz_bot.conversation import followup as fu
from thekiz_bot.knowledge.loader import Region
from thekiz_bot.knowledge.regions import RegionFinder

GOTHA = Region(id="gotha", name="Gotha", kind="Landkreis", aliases=("gotha",))
FINDER = RegionFinder((GOTHA,))


def detect(text: str) -> fu.FollowUp | None:
    return fu.detect(text, FINDER.find, FINDER.without_region)


@pytest.mark.parametrize(
    ("text", "wants"),
    [
        ("und die Telefonnummer?", fu.PHONE),
        ("die Nummer bitte", fu.PHONE),
        ("Telefon?", fu.PHONE),
        ("und per Mail?", fu.EMAIL),
        ("Hast du auch eine E-Mail-Adresse?", fu.EMAIL),
        ("wie erreiche ich sie?", fu.CONTACT),
        ("Kontakt", fu.CONTACT),
        ("Telefon und E-Mail?", fu.CONTACT),
        ("mehr dazu", fu.MORE),
        ("erzähl mir mehr", fu.MORE),
    ],
)
def test_dependent_follow_ups(text: str, wants: str) -> None:
    found = detect(text)
    assert found is not None and found.dependent and found.wants == wants


@pytest.mark.parametrize("text", ["und in Gotha?", "Gotha", "für Gotha?"])
def test_a_bare_region_is_a_follow_up(text: str) -> None:
    found = detect(text)
    assert found is not None and found.dependent and found.region == GOTHA


def test_a_time_joined_to_the_last_answer_is_a_follow_up() -> None:
    found = detect("und im April?")
    assert found is not None and found.dependent and found.time


@pytest.mark.parametrize(
    "text",
    [
        "Wie erreiche ich die Fachstelle?",
        "Telefonnummer der Fachstelle",
        "Und was macht die Fachstelle?",
        "Wer ist die Ansprechpartnerin im Ministerium?",
    ],
)
def test_questions_with_words_of_their_own_are_not_dependent(text: str) -> None:
    found = detect(text)
    assert found is None or not found.dependent


def test_pointing_back_with_words_of_its_own() -> None:
    found = detect("wie wird man das?")
    assert found is not None and found.anaphoric and not found.dependent
    assert found.rest == "wird"


@pytest.mark.parametrize("text", ["Was ist ein ThEKiZ?", "danke", "", "Können Sie mir helfen?"])
def test_plain_messages_are_no_follow_ups(text: str) -> None:
    found = detect(text)
    assert found is None or not (found.dependent or found.anaphoric)
