"""What people read about events: cards, announcements, reminders, changes, cancellations.

Telegram HTML, with every dynamic part escaped. The texts are stored in the outbox as they are
rendered here, so that a resumed broadcast sends exactly what the admin saw in the preview.
"""

from __future__ import annotations

import html
from datetime import datetime
from zoneinfo import ZoneInfo

from thekiz_bot.events import dates as german_dates
from thekiz_bot.events.model import FIELD_LABELS, Event
from thekiz_bot.events.store import EventChange
from thekiz_bot.knowledge.regions import RegionFinder

UNSUBSCRIBE_FOOTER = "<i>Keine Ankündigungen mehr? /abbestellen</i>"
ANNOUNCEMENT_HEADING = "📣 <b>Ankündigung der Landeskoordinations- und Fachstelle ThEKiZ</b>"
EVENT_HEADING = "📣 <b>Neuer Termin im ThEKiZ-Netzwerk</b>"


def _link(url: str, label: str) -> str:
    return f'<a href="{html.escape(url, quote=True)}">{html.escape(label)}</a>'


def event_lines(event: Event, regions: RegionFinder, tz: ZoneInfo) -> list[str]:
    lines = [f"<b>{html.escape(event.title)}</b>"]
    lines.append(f"🗓 {html.escape(german_dates.format_span(event.start, event.end, tz))}")
    if event.is_online:
        place = "Online"
        if event.online_url:
            place += ": " + _link(event.online_url, event.online_url)
        lines.append(f"💻 {place}")
    else:
        lines.append(f"📍 {html.escape(event.place)}")
    region = html.escape(regions.name(event.region_id))
    lines.append(f"🗺 {region} · {html.escape(event.kind_label)}")
    if event.description:
        lines.append("")
        lines.append(html.escape(event.description))
    if event.registration_url or event.registration_deadline:
        parts = ["✍️ Anmeldung"]
        if event.registration_url:
            parts.append(": " + _link(event.registration_url, event.registration_url))
        if event.registration_deadline:
            deadline = german_dates.format_datetime(event.registration_deadline, tz)
            parts.append(f" (bis {html.escape(deadline)})")
        lines.append("".join(parts))
    return lines


def event_card_html(
    event: Event, regions: RegionFinder, tz: ZoneInfo, show_id: bool = False
) -> str:
    lines = event_lines(event, regions, tz)
    if event.is_cancelled:
        lines[0] = f"❌ <s>{html.escape(event.title)}</s> <b>(abgesagt)</b>"
    if show_id and event.id is not None:
        lines.append(f"<i>Nr. {event.id}</i>")
    return "\n".join(lines)


def event_card_text(event: Event, regions: RegionFinder, tz: ZoneInfo) -> str:
    """Plain text for the console (no markup)."""
    status = " (ABGESAGT)" if event.is_cancelled else ""
    place = "online" + (f" {event.online_url}" if event.online_url else "") if event.is_online \
        else event.place
    parts = [
        f"[{event.id}] {event.title}{status}",
        f"    {german_dates.format_span(event.start, event.end, tz)}",
        f"    {place} · {regions.name(event.region_id)} · {event.kind_label}",
    ]
    if event.external_id:
        parts.append(f"    Kennung: {event.external_id}")
    return "\n".join(parts)


def with_footer(body: str) -> str:
    return f"{body}\n\n{UNSUBSCRIBE_FOOTER}"


def event_announcement_html(event: Event, regions: RegionFinder, tz: ZoneInfo) -> str:
    return with_footer(f"{EVENT_HEADING}\n\n" + "\n".join(event_lines(event, regions, tz)))


def free_announcement_html(body_html: str) -> str:
    return with_footer(f"{ANNOUNCEMENT_HEADING}\n\n{body_html.strip()}")


def reminder_html(event: Event, regions: RegionFinder, tz: ZoneInfo, now: datetime) -> str:
    when = german_dates.relative_day(event.start, now, tz)
    heading = f"⏰ <b>Erinnerung: {html.escape(when)} findet statt</b>"
    return with_footer(f"{heading}\n\n" + "\n".join(event_lines(event, regions, tz)))


def _value(event: Event, name: str, regions: RegionFinder, tz: ZoneInfo) -> str:
    value = getattr(event, name)
    if name == "region_id":
        return regions.name(value)
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        return german_dates.format_datetime(value, tz)
    return str(value)


def update_html(change: EventChange, regions: RegionFinder, tz: ZoneInfo) -> str:
    lines = ["✏️ <b>Ein Termin hat sich geändert</b>", ""]
    for name in change.notifiable:
        if name == "status":
            continue
        label = FIELD_LABELS.get(name, name)
        before = _value(change.before, name, regions, tz)
        after = _value(change.after, name, regions, tz)
        lines.append(f"• {html.escape(label)}: <s>{html.escape(before)}</s> → "
                     f"<b>{html.escape(after)}</b>")
    lines.append("")
    lines.extend(event_lines(change.after, regions, tz))
    return with_footer("\n".join(lines))


def cancellation_html(event: Event, tz: ZoneInfo) -> str:
    when = german_dates.format_span(event.start, event.end, tz)
    return with_footer(
        "❌ <b>Termin abgesagt</b>\n\n"
        f"„{html.escape(event.title)}“ am {html.escape(when)} findet nicht statt. "
        "Bitte entschuldigen Sie die Umstände."
    )
