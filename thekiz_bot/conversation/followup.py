"""Tell a follow-up ("und die Telefonnummer?", "wie erreiche ich sie?", "und in Gotha?", "mehr
dazu") from a question of its own.

A message is *dependent* when, once the words that point back (und, sie, dazu …), the words
that ask for a way to reach someone, a region and a time are taken out, nothing of its own is
left to ask about: it can only be answered against the last answer. A message with words of its
own ("Wie erreiche ich die Fachstelle?") is a full question and is matched on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from thekiz_bot.knowledge.loader import Region
from thekiz_bot.text.normalise import normalise

PHONE = "phone"
EMAIL = "email"
CONTACT = "contact"   # any way to reach someone
MORE = "more"         # related entries

# Folded word beginnings (see text.normalise.fold) per thing asked for.
_PHONE_PREFIXES = ("telefon", "tel", "nummer", "durchwahl", "anruf", "anrufen", "ruf", "handy",
                   "mobil", "festnetz")
_PHONE_INFIXES = ("nummer",)
_EMAIL_PREFIXES = ("mail", "email", "emailadress", "mailadress", "schreib")
_CONTACT_PREFIXES = ("kontakt", "erreich", "ansprech", "adress", "wend", "meld")
_MORE_WORDS = frozenset({"mehr", "genauer", "details", "detail", "naher", "ausfuhrlich",
                         "ausfuhrlicher", "weiteres", "weitere", "sonst", "naheres"})
# Words that point back to the last answer: anywhere in the message ...
_ANAPHORS = frozenset({
    "dazu", "daruber", "davon", "dafur", "dabei", "dort", "hierzu", "hierfur", "damit", "da",
    "dahin", "darum", "daran", "dorthin", "ihr", "ihn", "ihm", "ihnen", "er", "denen",
    "deren", "dessen", "diese", "dieser", "dieses", "diesem", "diesen", "jene",
})
# ... as its last word ("wie wird man das?", "wie erreiche ich sie?"), where "das" or "sie"
# cannot be an article or the polite "Sie" of a question of its own ...
_TRAILING_ANAPHORS = frozenset({"das", "die", "der", "den", "dem", "es", "sie"})
# ... or only joining it to the last answer ("und in Gotha?", "auch im April?").
_JOINERS = frozenset({"und", "auch", "sonst"})
# Words that carry no topic in a follow-up.
_FILLERS = frozenset({
    "oder", "noch", "denn", "bitte", "mal", "nochmal", "wie", "was", "wo", "wer", "wen", "wem",
    "ist", "sind", "lautet", "lauten", "gibt", "gib", "ich", "kann", "konnte", "konnen",
    "konnten", "man", "mir", "mich", "uns", "wir", "habe", "haben", "hat", "hatte", "hatten",
    "hast", "habt", "du", "ein", "eine", "einen", "einer", "der", "die", "das", "den", "dem",
    "des", "welche",
    "welcher", "welches", "in", "im", "fur", "bei", "beim", "von", "vom", "zu", "zum", "zur",
    "mit", "an", "am", "auf", "ok", "okay", "danke", "super", "aha", "gut", "prima", "sagen",
    "sag", "geben", "schicken", "brauche", "brauchen", "gern", "gerne", "dann", "so", "jetzt",
    "eigentlich", "genau", "ja", "hier", "bzw", "e", "nr", "frau", "herr", "person", "erfahre",
    "erfahren", "finde", "finden", "bekomme", "bekommen", "infos", "informationen", "erzahl",
    "erzahlen", "erklar", "erklaren", "bekommt", "gesagt", "wissen", "thema",
    "zeig", "zeigen", "nennen", "nenn", "bzgl", "bezuglich", "aus", "unter", "per", "welchen",
    "wann", "gilt", "sieht", "steht", "stehen", "zustandig", "zustandige", "vor", "ort",
})
# Time words: in a follow-up to a date answer they change the period ("und im April?").
_TIME_WORDS = frozenset({
    "januar", "februar", "marz", "april", "mai", "juni", "juli", "august", "september",
    "oktober", "november", "dezember", "woche", "monat", "nachste", "nachsten", "nachster",
    "nachstes", "kommende", "kommenden", "bald", "demnachst",
})


@dataclass(frozen=True)
class FollowUp:
    """What a message that points back asks for."""

    wants: str | None          # PHONE, EMAIL, CONTACT, MORE, or None
    region: Region | None
    time: bool                 # names a month or "nächste Woche"
    # Points back with a word such as "dazu", "dort" or a final "das": its own words are about
    # the last answer's subject ("wie wird man das?").
    anaphoric: bool
    dependent: bool            # nothing of its own to ask: needs the last answer
    rest: str                  # the message's own words (normalised), for a full question


def _starts(token: str, prefixes: Iterable[str]) -> bool:
    return any(token.startswith(p) for p in prefixes)


def detect(
    text: str, find_region: Callable[[str], Region | None],
    without_region: Callable[[str], str], stopwords: frozenset[str] = frozenset(),
) -> FollowUp | None:
    """The follow-up a message is, or None when nothing in it points back."""
    normalised = normalise(text)
    if not normalised:
        return None
    region = find_region(text)
    tokens = (without_region(text) if region is not None else normalised).split()
    phone = email = contact = more = time = anaphor = joined = False
    rest: list[str] = []
    for position, token in enumerate(tokens):
        if _starts(token, _PHONE_PREFIXES) or any(i in token for i in _PHONE_INFIXES):
            phone = True
        elif _starts(token, _EMAIL_PREFIXES):
            email = True
        elif _starts(token, _CONTACT_PREFIXES):
            contact = True
        elif token in _MORE_WORDS:
            more = True
        elif token in _TIME_WORDS:
            time = True
        elif token in _ANAPHORS or (
            position == len(tokens) - 1 and position > 0 and token in _TRAILING_ANAPHORS
        ):
            anaphor = True
        elif token in _JOINERS:
            joined = True
        elif token not in _FILLERS and token not in stopwords:
            rest.append(token)
    wants = None
    if phone and email:
        wants = CONTACT
    elif phone:
        wants = PHONE
    elif email:
        wants = EMAIL
    elif contact:
        wants = CONTACT
    elif more:
        wants = MORE
    if wants is None and region is None and not time and not anaphor and not joined:
        return None
    dependent = not rest and (
        wants is not None or region is not None or (time and (anaphor or joined))
    )
    return FollowUp(wants, region, time, anaphor, dependent, " ".join(rest))
