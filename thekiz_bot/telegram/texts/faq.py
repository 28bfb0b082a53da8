"""What the bot says about questions, answers, contacts, regions, privacy and the admin tools."""

from __future__ import annotations

import html
from collections.abc import Sequence

from thekiz_bot.knowledge.loader import FaqEntry, Region
from thekiz_bot.storage.stats import Statistics
from thekiz_bot.telegram.texts.common import shorten

WELCOME = (
    "Willkommen beim ThEKiZ-Assistenten! 👋\n\n"
    "Ich beantworte Ihre Fragen rund um die Thüringer Eltern-Kind-Zentren aus dem "
    "<b>ThEKiZ Handbuch 2.0</b> und nenne Ihnen passende Ansprechpersonen.\n\n"
    "Schreiben Sie mir Ihre Frage einfach als Nachricht. Mit /region wählen Sie Ihren "
    "Landkreis für regionale Kontakte, /hilfe zeigt alle Befehle."
)
WELCOME_EXAMPLES = "Oder tippen Sie auf eine Beispielfrage:"
# Shown as buttons on /start when the knowledge base answers them (checked at start time).
EXAMPLE_QUESTIONS = (
    "Was ist ein ThEKiZ?",
    "Was ist Prozessbegleitung?",
    "Was macht die Fachstelle?",
    "Wer ist die Ansprechpartnerin im Ministerium?",
)
HELP_INTRO = (
    "<b>So nutzen Sie den ThEKiZ-Assistenten</b>\n\n"
    "Schreiben Sie Ihre Frage einfach als Nachricht – kurz oder ausführlich, Tippfehler und "
    "fehlende Umlaute sind kein Problem."
)
HELP_COMMANDS = "<b>Befehle</b>"


def help_tips(bot_username: str) -> str:
    name = html.escape(bot_username)
    return (
        "<b>Tipps</b>\n"
        f"• In Gruppen antworte ich nur, wenn Sie mich erwähnen (@{name}), auf eine meiner "
        "Nachrichten antworten oder /frage benutzen.\n"
        f"• In jedem Chat können Sie <code>@{name} Stichwort</code> tippen und eine Antwort mit "
        "Kolleg*innen teilen.\n"
        "• Mit 👍/👎 unter einer Antwort helfen Sie der Fachstelle, den Bot zu verbessern."
    )


EMPTY_QUESTION = (
    "Bitte schreiben Sie Ihre Frage als Text, zum Beispiel: Was ist Prozessbegleitung?"
)
NON_TEXT = "Ich kann nur Textnachrichten lesen. Bitte schreiben Sie Ihre Frage als Text."
FRAGE_USAGE = (
    "Bitte schreiben Sie Ihre Frage direkt hinter /frage, zum Beispiel: "
    "/frage Was ist Prozessbegleitung?"
)
UNKNOWN_COMMAND = "Diesen Befehl kenne ich nicht. Mit /hilfe sehen Sie alle Befehle."
FALLBACK_LOGGED = (
    "<i>Ich habe Ihre Frage ohne Angaben zu Ihrer Person für die Fachstelle notiert, damit der "
    "Bot dazulernt.</i>"
)
ENTRY_GONE = (
    "Diese Antwort gibt es inzwischen nicht mehr. Bitte stellen Sie Ihre Frage einfach noch "
    "einmal."
)

VOTE_HELPFUL_BUTTON = "👍 Hilfreich"
VOTE_NOT_HELPFUL_BUTTON = "👎 Nicht hilfreich"
THANKS_HELPFUL = "Danke für Ihre Rückmeldung! 👍"
THANKS_NOT_HELPFUL = "Danke für Ihre Rückmeldung!"
NOT_HELPFUL_INTRO = "Schade, dass die Antwort nicht gepasst hat."
ASK_FACHSTELLE = "Die Landeskoordinations- und Fachstelle hilft Ihnen gern persönlich weiter:"
NEXT_BEST_OFFER = "Vielleicht passt auch eine dieser Antworten:"

CONTACT_TIP = (
    "<i>Tipp: Schreiben Sie ein Thema, einen Namen oder eine Region dahinter, z. B. "
    "/kontakt Prozessbegleitung.</i>"
)
REGION_TIP = "<i>Mit /region wählen Sie Ihre Region für regionale Ansprechpersonen.</i>"
NO_CONTACTS = "Dazu habe ich leider keine Ansprechperson gefunden."


def contacts_heading(topic: str | None) -> str:
    if not topic:
        return "<b>Ansprechpersonen</b>"
    return f"<b>Ansprechpersonen zu „{html.escape(topic)}“</b>"


def region_name(region: Region) -> str:
    """"Landkreis Gotha" / "kreisfreie Stadt Jena" (escaped)."""
    return html.escape(f"{region.kind} {region.name}")


REGIONS_MISSING = "In der Wissensbasis sind keine Regionen hinterlegt."
FORGET_REGION_BUTTON = "Keine Region speichern"
REGION_CLEARED = "Erledigt: Ihre Region ist nicht mehr gespeichert."


def region_prompt(current: Region | None) -> str:
    text = (
        "In welchem Landkreis oder in welcher kreisfreien Stadt arbeiten Sie? Dann nenne ich "
        "Ihnen passende regionale Ansprechpersonen."
    )
    if current is not None:
        text += f"\n\nDerzeit gespeichert: <b>{region_name(current)}</b>"
    return text


def region_saved(region: Region) -> str:
    return (
        f"Gespeichert: <b>{region_name(region)}</b>. Sie können das jederzeit mit /region ändern "
        "oder mit /daten_loeschen löschen."
    )


def region_unknown(text: str) -> str:
    return f"Die Region „{html.escape(text)}“ kenne ich nicht. Bitte wählen Sie aus der Liste:"


QUESTIONS_PRIVACY = (
    "• <b>Ihre Fragen</b> speichert der Bot ohne Ihren Namen und ohne Ihre Telegram-Kennung, "
    "zusammen mit der gefundenen Antwort. So sieht die Landeskoordinations- und Fachstelle, "
    "welche Fragen noch keine gute Antwort haben. Weil kein Bezug zu Ihnen gespeichert wird, "
    "lassen sich diese Einträge Ihnen nicht zuordnen – bitte schreiben Sie deshalb keine "
    "persönlichen Daten in Ihre Fragen.\n"
    "• <b>Ihre Bewertungen</b> (👍/👎) werden ebenfalls ohne Bezug zu Ihrer Person gespeichert."
)


def questions_retention(days: int) -> str:
    return (f"• <b>Nach {days} Tagen</b> löscht der Bot den Text jeder Frage automatisch; "
            "übrig bleibt höchstens eine Formulierung, die die Fachstelle ausdrücklich in die "
            "Wissensbasis übernommen hat (ohne Bezug zu einer Person).")
REGION_PRIVACY = (
    "• <b>Ihre Region</b> speichert der Bot nur, wenn Sie sie mit /region wählen – zusammen mit "
    "Ihrer Telegram-Nutzerkennung, damit er Ihnen regionale Ansprechpersonen nennen kann."
)
CONVERSATION_PRIVACY = (
    "• <b>Ihre letzte beantwortete Frage</b> merkt sich der Bot für einige Minuten nur im "
    "Arbeitsspeicher (nie in der Datenbank), damit er Rückfragen wie „und die Telefonnummer?“ "
    "versteht. Danach, bei einem Neustart oder mit /daten_loeschen ist sie vergessen."
)


def conversation_stored(minutes: float) -> str:
    return (f"Ihre letzte beantwortete Frage, für Rückfragen (nur im Arbeitsspeicher, höchstens "
            f"{minutes:g} Minuten)")


PRIVACY_FOOTER = (
    "Mit /meine_daten sehen Sie, was über Sie gespeichert ist; mit /daten_loeschen löschen Sie "
    "es vollständig. Ihre Nachrichten selbst verarbeitet Telegram nach seinen eigenen "
    "Datenschutzbestimmungen."
)


def privacy_text(purposes: Sequence[str], retention_days: int) -> str:
    return "\n".join(
        ["<b>Datenschutz – was speichert der Bot?</b>", "", QUESTIONS_PRIVACY,
         questions_retention(retention_days), *purposes, "", PRIVACY_FOOTER]
    )


MY_DATA_NONE = "Über Sie ist nichts gespeichert."
MY_DATA_HEADING = "<b>Über Sie ist gespeichert:</b>"
DELETE_CONFIRM = (
    "Möchten Sie alle über Sie gespeicherten Daten löschen? Das lässt sich nicht rückgängig "
    "machen."
)
DELETE_YES = "Ja, alles löschen"
DELETE_NO = "Abbrechen"
DELETED = "Erledigt: Alle über Sie gespeicherten Daten sind gelöscht."
DELETED_NOTHING = "Über Sie ist nichts gespeichert – es gibt nichts zu löschen."
DELETE_CANCELLED = "Abgebrochen – es wurde nichts gelöscht."

MAX_LISTED_ISSUES = 20


def reload_ok(entries: int, contacts: int, regions: int) -> str:
    return (
        f"Die Wissensbasis ist neu geladen: {entries} Einträge, {contacts} Kontakte, "
        f"{regions} Regionen."
    )


def reload_failed(issues: Sequence[str]) -> str:
    shown = [f"• {html.escape(issue)}" for issue in issues[:MAX_LISTED_ISSUES]]
    if len(issues) > MAX_LISTED_ISSUES:
        shown.append(f"… und {len(issues) - MAX_LISTED_ISSUES} weitere")
    return "\n".join(
        [
            "<b>Die neue Wissensbasis hat Fehler und wurde nicht übernommen</b> – die bisherige "
            "Version bleibt in Betrieb.",
            "",
            *shown,
        ]
    )


def statistics_text(stats: Statistics, entries: dict[str, FaqEntry]) -> str:
    by_status = stats.by_status
    lines = [
        "<b>Statistik</b>",
        f"Fragen insgesamt: {stats.total}",
        f"✅ beantwortet: {by_status.get('answer', 0)}",
        f"🤔 mit Vorschlägen („Meinten Sie …?“): {by_status.get('suggest', 0)}",
        f"❌ unbeantwortet: {by_status.get('fallback', 0)}",
        f"💬 Smalltalk: {by_status.get('smalltalk', 0)}",
        "",
        "<b>Häufigste unbeantwortete Fragen</b>",
    ]
    if stats.top_unanswered:
        lines += [
            f"{i}. „{html.escape(shorten(text, 120))}“ ({count}×)"
            for i, (text, count) in enumerate(stats.top_unanswered, 1)
        ]
    else:
        lines.append("keine")
    lines += ["", "<b>Bewertungen je Eintrag</b>"]
    if stats.feedback:
        for item in stats.feedback:
            entry = entries.get(item.entry_id)
            title = f"{entry.question} ({item.entry_id})" if entry else item.entry_id
            lines.append(
                f"{html.escape(shorten(title, 100))}: 👍 {item.helpful} · 👎 {item.not_helpful}"
            )
    else:
        lines.append("noch keine")
    return "\n".join(lines)


INLINE_START_BUTTON = "Frage im Chat mit dem Bot stellen"
INLINE_NOTHING_TITLE = "Keine passende Antwort gefunden"
INLINE_NOTHING_DESCRIPTION = "Die Fachstelle als Kontakt teilen"
INLINE_MORE = "\n\n<i>… die vollständige Antwort finden Sie im Chat mit dem Bot.</i>"
