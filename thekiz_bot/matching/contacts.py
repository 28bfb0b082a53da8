"""Which contact persons fit an answer, a region, or a /kontakt search."""

from __future__ import annotations

from rapidfuzz import fuzz

from thekiz_bot.knowledge.loader import Contact, FaqEntry, KnowledgeBase, Region
from thekiz_bot.knowledge.regions import region_label
from thekiz_bot.text.normalise import Vocabulary

# Token prefixes that mark a question as asking for a way to reach someone.
_CONTACT_PREFIXES = (
    "telefon", "tel", "nummer", "anruf", "anrufen", "ruf", "erreich", "kontakt", "mail",
    "email", "adress", "ansprech", "durchwahl", "hotline", "wen ", "schreib",
)
_REGIONAL_TAGS = frozenset({"regional", "sozialplanung", "kommune"})


def is_contact_seeking(normalised: str) -> bool:
    """True for "Telefonnummer …", "wen kann ich anrufen", "Ansprechpartnerin für …"."""
    padded = f" {normalised} "
    return any(f" {prefix}" in padded for prefix in _CONTACT_PREFIXES)


def regional_contacts(kb: KnowledgeBase, region: Region) -> list[Contact]:
    """Contacts known for a region; empty when the knowledge base has none for it."""
    found = [kb.contacts[cid] for cid in region.contacts if cid in kb.contacts]
    found += [c for c in kb.contacts.values() if region.id in c.regions and c not in found]
    return found


def _is_regional(kb: KnowledgeBase, entry: FaqEntry) -> bool:
    if kb.regional_contact_id is not None and kb.regional_contact_id in entry.contacts:
        return True
    return bool(_REGIONAL_TAGS.intersection(entry.tags))


def contacts_for_entry(
    kb: KnowledgeBase, entry: FaqEntry, region: Region | None, contact_seeking: bool
) -> tuple[list[Contact], str | None]:
    """The entry's contacts plus regional ones; and a note when a region has none on file."""
    contacts = [kb.contacts[cid] for cid in entry.contacts if cid in kb.contacts]
    if contact_seeking and not contacts and kb.default_contact is not None:
        contacts.append(kb.default_contact)
    note = None
    if region is not None and (contact_seeking or _is_regional(kb, entry)):
        local = regional_contacts(kb, region)
        if local:
            contacts.extend(c for c in local if c not in contacts)
        else:
            note = (
                f"Für {region_label(region)} ist hier keine eigene Ansprechperson hinterlegt."
            )
            fallback = kb.regional_contact
            if fallback is not None and fallback not in contacts:
                contacts.append(fallback)
    return contacts, note


def search_contacts(kb: KnowledgeBase, text: str, vocab: Vocabulary) -> list[Contact]:
    """Contacts whose name, role, organisation or keywords fit the text, best first."""
    query = vocab.analyse(text)
    if not query:
        return []
    scored: list[tuple[float, str, Contact]] = []
    for contact in kb.contacts.values():
        fields = [contact.name, contact.role or "", contact.organisation or "",
                  *contact.keywords]
        best = 0.0
        for value in fields:
            analysed = vocab.analyse(value)
            if not analysed:
                continue
            # partial_ratio finds "hammer" inside "dr stefanie hammer"; both must be long enough
            # that a single short word does not match everything.
            score = fuzz.token_set_ratio(query, analysed)
            if min(len(query), len(analysed)) >= 4:
                score = max(score, fuzz.partial_ratio(query, analysed) if len(query) >= 5 else 0)
            best = max(best, score)
        if best >= 85:
            scored.append((best, contact.id, contact))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [contact for _, _, contact in scored]


