"""Conversation replies as people read them (Telegram HTML or console text) and as JSON.

Like matching/render: one wording for both flavours, so chat and console never drift apart.
Every phone number and address shown comes from a Contact of the knowledge base, every date
from an Event of the calendar.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from thekiz_bot.conversation import followup as fu
from thekiz_bot.conversation.date_questions import (
    MONTH,
    NEXT,
    NEXT_WEEK,
    SOON,
    THIS_WEEK,
    DateQuery,
)
from thekiz_bot.conversation.engine import DATES, FOLLOWUP, MATCH, NO_CONTEXT, Reply
from thekiz_bot.events import dates as german_dates
from thekiz_bot.events.model import Event
from thekiz_bot.events.render import event_card_html, event_card_text
from thekiz_bot.knowledge.regions import RegionFinder, region_label
from thekiz_bot.matching import render as match_render
from thekiz_bot.text.normalise import clean_input

NO_CONTEXT_TEXT = (
    "Worauf bezieht sich Ihre Frage? Ich habe gerade keine vorige Antwort im Blick. Bitte "
    "stellen Sie die Frage vollständig, zum Beispiel: Wie erreiche ich die Fachstelle? "
    "Ansprechpersonen finden Sie auch mit /kontakt."
)
NO_ENTRY_TEXT = (
    "Dazu kann ich nichts Sicheres sagen: Meine vorige Antwort stammte nicht aus einem Eintrag "
    "des Handbuchs. Bitte stellen Sie die Frage vollständig."
)
PHONE_MISSING = "Eine Telefonnummer ist dafür im ThEKiZ Handbuch 2.0 nicht hinterlegt."
EMAIL_MISSING = "Eine E-Mail-Adresse ist dafür im ThEKiZ Handbuch 2.0 nicht hinterlegt."
NO_RELATED = "Weitere Einträge zu diesem Thema habe ich im Handbuch nicht gefunden."
RELATED_INTRO = "Dazu passt auch:"
NO_EVENTS_TEXT = "Im Kalender steht derzeit kein passender Termin"
SUBSCRIBE_OFFER = "Mit /abo erfahren Sie von neuen Terminen, sobald sie feststehen."
HANDBOOK_INTRO = "Aus dem Handbuch:"
PICK_HINT = "(Antworten Sie mit der Nummer, um eine Antwort zu sehen.)"
REGISTRATION_LABEL = "Anmeldung"

# (plural, "nächste" phrase) per event kind.
_KIND_PHRASES: dict[str | None, tuple[str, str]] = {
    None: ("Termine", "Der nächste Termin"),
    "arbeitskreis": ("Arbeitskreise", "Der nächste Arbeitskreis"),
    "fortbildung": ("Fortbildungen", "Die nächste Fortbildung"),
    "fachtag": ("Fachtage", "Der nächste Fachtag"),
    "informationsveranstaltung": ("Informationsveranstaltungen",
                                  "Die nächste Informationsveranstaltung"),
    "vernetzungstreffen": ("Vernetzungstreffen", "Das nächste Vernetzungstreffen"),
    "sonstiges": ("Termine", "Der nächste Termin"),
}
_MONTH_NAMES = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
                "September", "Oktober", "November", "Dezember")


def describe(query: DateQuery) -> str:
    """"Arbeitskreise in Jena im März 2027", "Der nächste Fachtag"."""
    plural, next_phrase = _KIND_PHRASES.get(query.kind, _KIND_PHRASES[None])
    parts = [next_phrase if query.period == NEXT else plural]
    if query.region is not None:
        parts.append(f"in der Region {query.region.name}")
    if query.period == MONTH and query.month is not None:
        parts.append(f"im {_MONTH_NAMES[query.month[1] - 1]} {query.month[0]}")
    elif query.period == NEXT_WEEK:
        parts.append("in der nächsten Woche")
    elif query.period == THIS_WEEK:
        parts.append("in dieser Woche")
    elif query.period == SOON:
        parts.append("in den nächsten Wochen")
    return " ".join(parts)


@dataclass(frozen=True)
class DateAnswer:
    """A date answer in parts, so that Telegram can put each event's calendar button under it."""

    intro: str
    cards: tuple[tuple[Event, str], ...]
    closing: str | None


def _wants_label(wants: str | None) -> str:
    return {fu.PHONE: "Telefon", fu.EMAIL: "E-Mail"}.get(wants or "", "Ansprechpersonen")


def _followup_blocks(reply: Reply, markup: bool) -> list[str]:
    esc = html.escape if markup else (lambda s: s)
    if reply.entry is None:
        return [esc(NO_ENTRY_TEXT)]
    title = f"<b>{esc(reply.entry.question)}</b>" if markup else reply.entry.question
    if reply.wants == fu.MORE:
        if not reply.related:
            return [esc(NO_RELATED)]
        items = [f"{i}. {esc(e.question)}" for i, e in enumerate(reply.related, 1)]
        return [f"{title}\n{esc(RELATED_INTRO)}\n" + "\n".join(items)]
    heading = f"{_wants_label(reply.wants)} zu: {title}"
    if reply.region is not None:
        heading = f"{esc('Für ' + region_label(reply.region))} – {heading}"
    blocks = [heading]
    if reply.missing:
        blocks.append(esc(PHONE_MISSING if reply.wants == fu.PHONE else EMAIL_MISSING))
    if reply.region_note:
        blocks.append(esc(reply.region_note))
    card = match_render.contact_html if markup else match_render.contact_text
    blocks += [card(c) for c in reply.contacts]
    return blocks


def date_answer(reply: Reply, regions: RegionFinder, tz: ZoneInfo, markup: bool) -> DateAnswer:
    assert reply.date_query is not None
    esc = html.escape if markup else (lambda s: s)
    what = describe(reply.date_query)
    handbook = None
    if reply.result is not None and reply.result.entry is not None:
        entry = reply.result.entry
        body = match_render.entry_html(entry) if markup else match_render.entry_text(entry)
        handbook = f"{esc(HANDBOOK_INTRO)}\n{body}"
    if not reply.events:
        intro = "\n\n".join(
            block for block in (f"📅 {esc(f'{NO_EVENTS_TEXT} ({what}).')}",
                                esc(SUBSCRIBE_OFFER), handbook) if block
        )
        return DateAnswer(intro, (), None)
    intro = f"📅 <b>{esc(what)}</b>" if markup else f"📅 {what}"
    if markup:
        cards = tuple((e, event_card_html(e, regions, tz)) for e in reply.events)
    else:
        cards = tuple((e, _console_card(e, regions, tz)) for e in reply.events)
    closing_blocks = []
    if reply.more_events:
        closing_blocks.append(esc(f"{reply.more_events} weitere passende Termine zeigt /termine."))
    if handbook:
        closing_blocks.append(handbook)
    return DateAnswer(intro, cards, "\n\n".join(closing_blocks) or None)


def _console_card(event: Event, regions: RegionFinder, tz: ZoneInfo) -> str:
    """The console card of /termine, plus the registration link the chat card shows too."""
    card = event_card_text(event, regions, tz)
    if event.registration_url:
        card += f"\n    {REGISTRATION_LABEL}: {event.registration_url}"
    return card


def reply_text(reply: Reply, regions: RegionFinder, tz: ZoneInfo) -> str:
    """The whole reply as plain text (console chat, `ask`)."""
    if reply.kind == MATCH and reply.result is not None:
        text = match_render.result_text(reply.result)
        if reply.result.status == "suggest":
            text += "\n" + PICK_HINT
        return text
    if reply.kind == NO_CONTEXT:
        return NO_CONTEXT_TEXT
    if reply.kind == FOLLOWUP:
        text = "\n\n".join(_followup_blocks(reply, markup=False))
        return text + ("\n" + PICK_HINT if reply.related else "")
    answer = date_answer(reply, regions, tz, markup=False)
    parts = [answer.intro, *(card for _, card in answer.cards)]
    if answer.closing:
        parts.append(answer.closing)
    return "\n\n".join(parts)


def followup_html(reply: Reply) -> str:
    if reply.kind == NO_CONTEXT:
        return html.escape(NO_CONTEXT_TEXT)
    return "\n\n".join(_followup_blocks(reply, markup=True))


def _event_json(event: Event, regions: RegionFinder, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "id": event.id,
        "title": event.title,
        "kind": event.kind,
        "start": event.start.astimezone(tz).isoformat(),
        "end": event.end.astimezone(tz).isoformat() if event.end else None,
        "when": german_dates.format_span(event.start, event.end, tz),
        "place": event.place,
        "online_url": event.online_url,
        "region": event.region_id,
        "region_name": regions.name(event.region_id),
        "registration_url": event.registration_url,
        "registration_deadline": (event.registration_deadline.astimezone(tz).isoformat()
                                  if event.registration_deadline else None),
    }


def reply_json(question: str, reply: Reply, regions: RegionFinder, tz: ZoneInfo) -> dict[str, Any]:
    """`ask --json`: the matcher's fields as before, plus what the conversation added."""
    if reply.result is not None:
        data = reply.result.to_json()
    else:
        data = {"question": question, "answer": None, "entry_id": None, "score": 0.0,
                "suggestions": [], "contacts": [], "source": None, "region": None,
                "out_of_scope_topic": None}
    data["question"] = clean_input(question, limit=max(len(question), 1))
    data["status"] = reply.status
    data["kind"] = reply.kind
    if reply.kind == FOLLOWUP:
        data["entry_id"] = reply.entry_id
        data["source"] = reply.entry.source if reply.entry is not None else None
        data["contacts"] = [c.to_json() for c in reply.contacts]
        data["followup"] = {"wants": reply.wants, "missing": reply.missing,
                            "related": [e.id for e in reply.related]}
    if reply.kind == DATES:
        data["date_query"] = reply.date_query.to_json() if reply.date_query else None
        data["events"] = [_event_json(e, regions, tz) for e in reply.events]
        data["more_events"] = reply.more_events
    else:
        data["events"] = []
    data["text"] = reply_text(reply, regions, tz)
    return data
