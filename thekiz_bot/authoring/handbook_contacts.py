"""Contact drafts from the handbook: names, roles, e-mail addresses and phone numbers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from thekiz_bot.authoring.handbook_markup import (
    EMAIL,
    FAX,
    PERSON,
    PHONE_BARE,
    PHONE_LABELLED,
    is_contact_line,
    plain_text,
)


@dataclass
class ContactDraft:
    name: str | None = None
    role: str | None = None
    organisation: str | None = None
    phone: str | None = None
    email: str | None = None
    section: str = ""

    @property
    def reachable(self) -> bool:
        return bool(self.phone or self.email)


# --- contacts -------------------------------------------------------------------------------


def phone_digits(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    return "0" + digits[2:] if digits.startswith("49") and phone.strip().startswith("+") else digits


def find_phone(text: str) -> str | None:
    if FAX.search(text) and not PHONE_LABELLED.search(text):
        return None
    labelled = PHONE_LABELLED.search(text)
    if labelled:
        return labelled.group(1).strip(" -–")
    bare = PHONE_BARE.search(text)
    if bare and len(re.sub(r"\D", "", bare.group(1))) >= 7:
        return bare.group(1).strip()
    return None


def _split_affiliation(text: str) -> tuple[str | None, str | None]:
    """(role, organisation) from "(TMASGFF)" or ", Referentin im Ministerium"."""
    text = text.strip()
    words = text.replace("-", " ").split()
    if words and all(w.isupper() and len(w) > 1 for w in words[:1]) and len(words) <= 3:
        return None, text  # an acronym such as TMASGFF names the organisation
    if re.search(r"\b(?:Ministerium|Fachstelle|Landratsamt|Stadtverwaltung|Verein|e\.\s?V\.|"
                 r"gGmbH|GmbH|Stiftung|Jugendamt|Amt)\b", text):
        return None, text
    return text, None


def extract_contacts(lines: Sequence[str], section: str) -> list[ContactDraft]:
    """Contact drafts from consecutive contact lines: a name with a role, phone and e-mail."""
    contacts: list[ContactDraft] = []
    current: ContactDraft | None = None
    for raw in lines:
        line = plain_text(raw)
        person = PERSON.match(line)
        if person and not is_contact_line(line):
            if current is not None and (current.name or current.reachable):
                contacts.append(current)
            role, organisation = _split_affiliation(
                person.group("paren") or person.group("role") or ""
            ) if (person.group("paren") or person.group("role")) else (None, None)
            current = ContactDraft(name=person.group("name"), role=role,
                                   organisation=organisation, section=section)
            continue
        email = EMAIL.search(line)
        phone = find_phone(line)
        if not email and not phone:
            continue
        if current is None:
            current = ContactDraft(section=section)
        if email:
            if current.email and current.email != email.group(0):
                contacts.append(current)
                current = ContactDraft(section=section)
            current.email = email.group(0)
        if phone and not current.phone:
            current.phone = phone
    if current is not None and (current.reachable or (current.name and (current.role or
                                                                        current.organisation))):
        contacts.append(current)
    return contacts

