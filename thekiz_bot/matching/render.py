"""Turn match results into what a person reads: Telegram HTML or plain console text.

One function per kind of content, each in two flavours that share their wording, so the chat,
inline results and the console never drift apart.
"""

from __future__ import annotations

import html
import re

from thekiz_bot.knowledge.loader import Contact, FaqEntry
from thekiz_bot.matching.result import MatchResult, MatchStatus

SUGGEST_INTRO = "Ich bin mir nicht ganz sicher, was Sie meinen. Meinten Sie …?"
FALLBACK_INTRO = (
    "Dazu habe ich im ThEKiZ Handbuch 2.0 leider keine passende Antwort gefunden."
)
FALLBACK_CONTACT = "Am besten wenden Sie sich direkt an:"
# For questions nobody in the ThEKiZ network answers (weather, Kindergeld): no contact offered.
UNRELATED_INTRO = (
    "Dabei kann ich Ihnen leider nicht helfen: Ich beantworte Fragen zum ThEKiZ Handbuch 2.0 "
    "und nenne Ansprechpersonen im ThEKiZ-Netzwerk."
)
CONTACTS_HEADING = "Ansprechpartner*innen"
SEE_ALSO = "Siehe auch:"


def tel_number(phone: str) -> str:
    """A dialable international form: "0361-573 811 251" → "+49361573811251"."""
    digits = re.sub(r"[^\d+]", "", phone)
    if digits.startswith("+"):
        return digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    if digits.startswith("0"):
        return "+49" + digits[1:]
    return digits


def _contact_lines(contact: Contact) -> list[tuple[str, str]]:
    """(label, value) pairs of a contact card, in display order."""
    lines: list[tuple[str, str]] = []
    # Roles are sentences in the knowledge base: role and organisation get a line each.
    for part in (contact.organisation, contact.role):
        if part:
            lines.append(("", part))
    if contact.phone:
        lines.append(("☎️", f"{contact.phone} ({tel_number(contact.phone)})"))
    if contact.email:
        lines.append(("✉️", contact.email))
    if contact.url:
        lines.append(("🔗", contact.url))
    if contact.note:
        lines.append(("ℹ️", contact.note))
    return lines


def contact_html(contact: Contact) -> str:
    parts = [f"👤 <b>{html.escape(contact.name)}</b>"]
    for label, value in _contact_lines(contact):
        escaped = html.escape(value)
        if label == "✉️":
            escaped = f'<a href="mailto:{html.escape(value, quote=True)}">{escaped}</a>'
        parts.append(f"{label} {escaped}".strip())
    return "\n".join(parts)


def contact_text(contact: Contact) -> str:
    parts = [f"👤 {contact.name}"]
    parts += [f"{label} {value}".strip() for label, value in _contact_lines(contact)]
    return "\n".join(parts)


def source_line(source: str) -> str:
    return f"Quelle: {source}"


def entry_html(entry: FaqEntry, contacts: tuple[Contact, ...] | list[Contact] = (),
               contact_first: bool = False, note: str | None = None) -> str:
    answer = html.escape(entry.answer.strip())
    blocks = [f"<b>{html.escape(entry.question)}</b>\n{answer}"]
    contact_blocks = [contact_html(c) for c in contacts]
    if note:
        contact_blocks.insert(0, html.escape(note))
    if contact_blocks:
        block = "\n\n".join(contact_blocks)
        blocks.insert(0, block) if contact_first else blocks.append(block)
    if entry.source:
        blocks.append(f"<i>{html.escape(source_line(entry.source))}</i>")
    return "\n\n".join(blocks)


def entry_text(entry: FaqEntry, contacts: tuple[Contact, ...] | list[Contact] = (),
               contact_first: bool = False, note: str | None = None) -> str:
    blocks = [entry.answer.strip()]
    contact_blocks = [contact_text(c) for c in contacts]
    if note:
        contact_blocks.insert(0, note)
    if contact_blocks:
        block = "\n\n".join(contact_blocks)
        blocks.insert(0, block) if contact_first else blocks.append(block)
    if entry.source:
        blocks.append(source_line(entry.source))
    return "\n\n".join(blocks)


def result_html(result: MatchResult) -> str:
    if result.status == MatchStatus.ANSWER and result.entry is not None:
        text = entry_html(result.entry, result.contacts, result.contact_first, result.region_note)
        if result.see_also is not None:
            text += f"\n\n{html.escape(SEE_ALSO)} {html.escape(result.see_also.question)}"
        return text
    if result.status == MatchStatus.SMALLTALK:
        return html.escape(result.reply or "")
    if result.status == MatchStatus.SUGGEST:
        items = [f"{i}. {html.escape(c.entry.question)}"
                 for i, c in enumerate(result.suggestions, 1)]
        return "\n".join([html.escape(SUGGEST_INTRO), *items])
    blocks = [html.escape(UNRELATED_INTRO if result.unrelated else FALLBACK_INTRO)]
    if result.contacts:
        blocks.append(html.escape(FALLBACK_CONTACT))
        blocks += [contact_html(c) for c in result.contacts]
    return "\n\n".join(blocks)


def result_text(result: MatchResult) -> str:
    if result.status == MatchStatus.ANSWER and result.entry is not None:
        text = entry_text(result.entry, result.contacts, result.contact_first, result.region_note)
        if result.see_also is not None:
            text += f"\n\n{SEE_ALSO} {result.see_also.question}"
        return text
    if result.status == MatchStatus.SMALLTALK:
        return result.reply or ""
    if result.status == MatchStatus.SUGGEST:
        items = [f"  {i}. {c.entry.question}" for i, c in enumerate(result.suggestions, 1)]
        return "\n".join([SUGGEST_INTRO, *items])
    blocks = [UNRELATED_INTRO if result.unrelated else FALLBACK_INTRO]
    if result.contacts:
        blocks.append(FALLBACK_CONTACT)
        blocks += [contact_text(c) for c in result.contacts]
    return "\n\n".join(blocks)
