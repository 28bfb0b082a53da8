"""What the bot says about events, subscriptions and the event form (German, "Sie", HTML).

Constants are valid HTML; functions escape every dynamic value.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from thekiz_bot.events.model import EVENT_KINDS, FIELD_LABELS, EventInputError
from thekiz_bot.events.shortcut import SHORTCUT_EXAMPLE

CALENDAR_BUTTON = "📅 In meinen Kalender"
CALENDAR_CAPTION = "Öffnen Sie die Datei, um den Termin in Ihren Kalender zu übernehmen."
EVENT_GONE = "Diesen Termin gibt es nicht mehr."
EVENT_CANCELLED_ALERT = "Dieser Termin wurde abgesagt."

NO_EVENTS = "Derzeit sind keine Termine geplant."
NO_EVENTS_HERE = "Für Ihre Region und ganz Thüringen sind derzeit keine Termine geplant."
EVENTS_SUBSCRIBE_HINT = "Mit /abo erfahren Sie von neuen Terminen als Erste*r."
MORE_BUTTON = "Weitere Termine anzeigen"
REGION_HINT = (
    "Tipp: Wählen Sie mit /region Ihren Landkreis oder Ihre kreisfreie Stadt, dann zeige ich "
    "Ihnen auch die Termine dort."
)

# --- subscriptions ---------------------------------------------------------------------------
ABO_ASK_SCOPE = "Worüber möchten Sie informiert werden?"
ABO_ALL_BUTTON = "Ganz Thüringen (alle Termine)"
ABO_OTHER_REGION_BUTTON = "Andere Region wählen"
ABO_PICK_REGION = (
    "Wählen Sie Ihren Landkreis oder Ihre kreisfreie Stadt. Sie erhalten dann die Termine dort "
    "und alle thüringenweiten Termine."
)
ABO_KINDS_ALL = "Alle Arten"
ABO_DONE_BUTTON = "✅ Fertig"
ABO_KINDS_HINT = (
    "Möchten Sie nur bestimmte Arten von Terminen? Tippen Sie an, was Sie interessiert – oder "
    "einfach auf „Fertig“."
)
UNSUBSCRIBED = (
    "Sie erhalten keine Ankündigungen mehr. Mit /abo können Sie sie jederzeit wieder bestellen."
)
NOT_SUBSCRIBED = "Sie hatten keine Ankündigungen abonniert – es ist nichts zu tun."
SUBSCRIPTION_PRIVACY = (
    "• <b>Ihr Abo</b> (nur wenn Sie /abo nutzen): Ihre Telegram-Nutzerkennung mit der gewählten "
    "Region und den Arten von Terminen, damit der Bot Ihnen passende Ankündigungen schickt, und "
    "für jede Ankündigung, ob sie Ihnen zugestellt wurde – damit niemand eine Nachricht "
    "doppelt oder gar nicht bekommt und Sie bei Änderungen eines Termins Bescheid erhalten. "
    "/abbestellen löscht das Abo."
)

# --- creating and editing events -------------------------------------------------------------
NEW_ASK_TITLE = (
    "Neuer Termin. Wie heißt die Veranstaltung?\n\n"
    "<i>Tipp für Eilige: alles in einer Zeile, z. B.</i>\n"
    f"<code>/termin_neu {html.escape(SHORTCUT_EXAMPLE)}</code>\n\n"
    "Abbrechen mit /abbrechen."
)
NEW_ASK_KIND = "Welche Art von Veranstaltung ist es?"
NEW_ASK_START = "Wann beginnt sie? Bitte Datum und Uhrzeit, z. B. <code>12.03.2027 10:00</code>"
NEW_ASK_END = (
    "Wann endet sie? Eine Uhrzeit (<code>16:00</code>) oder Datum und Uhrzeit – oder "
    "„Ohne Ende“."
)
NEW_ASK_PLACE = "Wo findet sie statt? Schreiben Sie den Ort – oder tippen Sie auf „Online“."
NEW_ASK_ONLINE_URL = "Wie lautet der Link zur Online-Veranstaltung? (beginnt mit https://)"
NEW_ASK_REGION = "Für welche Region ist der Termin?"
NEW_ASK_DESCRIPTION = "Eine kurze Beschreibung? (oder „Überspringen“)"
NEW_ASK_REG_URL = "Gibt es einen Link zur Anmeldung? (oder „Überspringen“)"
NEW_ASK_DEADLINE = (
    "Bis wann kann man sich anmelden? z. B. <code>01.03.2027</code> (oder „Überspringen“)"
)
NEW_CONFIRM = "So wird der Termin gespeichert:"
SKIP_BUTTON = "Überspringen"
NO_END_BUTTON = "Ohne Ende"
ONLINE_BUTTON = "💻 Online"
THURINGIA_BUTTON = "Ganz Thüringen"
SAVE_BUTTON = "✅ Speichern"
ABORT_BUTTON = "✖️ Abbrechen"
ABORTED = "Abgebrochen – es wurde nichts gespeichert."
ASK_AGAIN = "Bitte noch einmal:"
EDIT_BUTTON = "✏️ Bearbeiten"
CANCEL_EVENT_BUTTON = "❌ Absagen"
ANNOUNCE_EVENT_BUTTON = "📣 Ankündigen"
EDIT_PICK_FIELD = "Was möchten Sie ändern?"
EDIT_USAGE = (
    "Bitte die Nummer des Termins angeben, z. B. <code>/termin_bearbeiten 3</code> – oder direkt "
    "<code>/termin_bearbeiten 3 Beginn: 13.03.2027 10:00</code>. Die Nummern zeigt /termine."
)
CANCEL_USAGE = (
    "Bitte die Nummer des Termins angeben, z. B. <code>/termin_absagen 3</code>. Die Nummern "
    "zeigt /termine."
)
EDIT_UNCHANGED = "Das war schon so gespeichert – nichts geändert."
CANCEL_CONFIRM_YES = "Ja, absagen"
CANCEL_CONFIRM_NO = "Nein"
CANCEL_KEPT = "Der Termin bleibt bestehen."
ALREADY_CANCELLED = "Dieser Termin ist bereits abgesagt."
CONFIRM_WITH_BUTTONS = (
    "Bitte tippen Sie auf „Speichern“ oder „Abbrechen“ – oder /abbrechen."
)


def event_saved(event_id: int) -> str:
    return (f"✅ Der Termin ist gespeichert (Nr. {event_id}). Ankündigen können Sie ihn mit "
            f"dem Knopf unten oder mit /ankuendigen.")


def input_problems(error: EventInputError) -> str:
    lines = [f"• {html.escape(str(problem))}" for problem in error.problems]
    return "Das kann ich so nicht speichern:\n" + "\n".join(lines)


def subscribed(region_name: str, kinds: Iterable[str], new: bool) -> str:
    chosen = [EVENT_KINDS[k] for k in EVENT_KINDS if k in set(kinds)]
    kind_text = ", ".join(chosen) if chosen else "alle Arten"
    where = ("ganz Thüringen" if region_name == "ganz Thüringen"
             else f"{region_name} und thüringenweite Termine")
    opening = "✅ Abonniert!" if new else "✅ Ihr Abo ist aktualisiert."
    return (f"{opening} Sie erhalten Ankündigungen für <b>{html.escape(where)}</b> "
            f"({html.escape(kind_text)}). Abbestellen jederzeit mit /abbestellen.")


def current_subscription(region_name: str, kinds: Iterable[str]) -> str:
    chosen = [EVENT_KINDS[k] for k in EVENT_KINDS if k in set(kinds)]
    kind_text = ", ".join(chosen) if chosen else "alle Arten"
    return (f"Sie haben bereits abonniert: <b>{html.escape(region_name)}</b> "
            f"({html.escape(kind_text)}). Möchten Sie etwas ändern?")


def subscription_line(region_name: str, kinds: Iterable[str], active: bool) -> str:
    chosen = [EVENT_KINDS[k] for k in EVENT_KINDS if k in set(kinds)]
    kind_text = ", ".join(chosen) if chosen else "alle Arten"
    state = "" if active else " – pausiert, weil Telegram Nachrichten an Sie abgelehnt hat"
    return (f"Ihr Abo für Ankündigungen: {html.escape(region_name)} "
            f"({html.escape(kind_text)}){state}")


def events_heading(region_name: str | None, all_regions: bool) -> str:
    if all_regions:
        return "📅 <b>Alle kommenden Termine</b>"
    if region_name is None:
        return "📅 <b>Kommende Termine für ganz Thüringen</b>"
    return f"📅 <b>Kommende Termine für {html.escape(region_name)} und ganz Thüringen</b>"


def more_elsewhere(count: int) -> str:
    noun = "weiterer Termin" if count == 1 else "weitere Termine"
    return f"In anderen Regionen gibt es {count} {noun}: /termine alle"


def edit_ask_value(field: str, current: str) -> str:
    label = FIELD_LABELS.get(field, field)
    extra = ""
    if field == "kind":
        extra = "\nMöglich: " + ", ".join(EVENT_KINDS.values())
    if field in ("end", "description", "registration_url", "registration_deadline",
                 "online_url"):
        extra += "\nSenden Sie „-“, um das Feld zu leeren."
    return (f"Neuer Wert für <b>{html.escape(label)}</b>? Bisher: {html.escape(current)}{extra}\n"
            "Abbrechen mit /abbrechen.")


def edit_saved(event_id: int, fields: Iterable[str], told: int) -> str:
    labels = ", ".join(FIELD_LABELS.get(f, f) for f in fields)
    text = f"✅ Termin Nr. {event_id} geändert ({html.escape(labels)})."
    if told:
        text += f" {told} Person(en), die davon wussten, werden benachrichtigt."
    return text


def cancel_ask(title: str) -> str:
    return (f"Soll „{html.escape(title)}“ wirklich abgesagt werden? Wer davon erfahren hat, "
            "wird benachrichtigt.")


def cancelled(title: str, told: int) -> str:
    text = f"❌ „{html.escape(title)}“ ist abgesagt."
    if told:
        text += f" {told} Person(en), die davon wussten, werden benachrichtigt."
    return text


def more_remaining(count: int) -> str:
    return f"Noch {count} weitere(r) Termin(e)."


def own_region_button(region_name: str) -> str:
    return f"Meine Region: {region_name}"


def delivery_records(count: int) -> str:
    return f"Zustellvermerke für {count} Ankündigung(en) an Sie"
