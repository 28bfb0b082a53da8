"""What the bot says to the Fachstelle while it learns from the chat (/lernen, the digest)."""

from __future__ import annotations

import html
from datetime import datetime
from zoneinfo import ZoneInfo

from thekiz_bot.learning.digest import DigestGroup
from thekiz_bot.learning.model import Action, Decision, Refusal
from thekiz_bot.learning.overlay import Conflict
from thekiz_bot.telegram.texts.common import shorten

BERLIN = ZoneInfo("Europe/Berlin")

EMPTY = ("Im Moment gibt es nichts zu lernen: Alle Fragen seit dem letzten Überblick hat der Bot "
         "gut beantwortet, oder Sie haben schon über sie entschieden. 👍")
SEARCH_BUTTON = "🔎 Anderen Eintrag suchen"
SCOPE_BUTTON = "🚫 Nicht im Handbuch"
IGNORE_BUTTON = "Ignorieren"
NEXT_BUTTON = "Nächste Frage ›"
OVERVIEW_BUTTON = "Zum Überblick ›"
BACK_BUTTON = "‹ Zurück"
UNDO_BUTTON = "↩️ Rückgängig"
NEW_TOPIC_BUTTON = "➕ Neues Thema anlegen"
CHECKING = "Einen Moment, ich prüfe das …"
GROUP_GONE = ("Diese Frage ist nicht mehr offen (schon entschieden oder inzwischen anders "
              "gestellt). Mit /lernen sehen Sie den aktuellen Stand.")
SEARCH_PROMPT = ("Schreiben Sie ein Stichwort zum passenden Eintrag, z. B. „Prozessbegleitung "
                 "Kosten“. Mit /abbrechen brechen Sie ab.")
SEARCH_NONE = "Dazu habe ich keinen Eintrag gefunden. Versuchen Sie ein anderes Stichwort."
TOPIC_PROMPT = "Zu welchem Thema, das das Handbuch nicht behandelt, gehört diese Frage?"
NEW_TOPIC_PROMPT = ("Wie soll das neue Thema heißen? Zum Beispiel „Parkplätze“. Mit /abbrechen "
                    "brechen Sie ab.")
NEW_TOPIC_INVALID = "Bitte schreiben Sie einen Namen mit Buchstaben oder Ziffern."
CANCELLED = "Abgebrochen. Mit /lernen geht es weiter."
UNDO_NOTHING = "Es gibt keine Entscheidung von Ihnen, die sich noch rückgängig machen ließe."
UNDO_EXPORTED = ("Diese Entscheidung steht schon in den YAML-Dateien (exportiert). Bitte ändern "
                 "Sie sie dort; danach /neu_laden.")
UNDO_DONE = "Diese Entscheidung ist schon rückgängig gemacht."
UNKNOWN_ARGUMENT = "Bitte /lernen allein oder /lernen rückgängig schreiben."
NOT_TEACHABLE = ("⚠️ Der Text enthält eine E-Mail-Adresse, Telefonnummer oder einen Link (oder ist "
                 "sehr lang) – er wird deshalb nicht als Formulierung übernommen.")

REFUSALS = {
    Refusal.COLLISION: "Das übernehme ich nicht, es würde andere Antworten verschlechtern:",
    Refusal.PERSONAL: ("Das übernehme ich nicht: Der Text enthält eine E-Mail-Adresse, "
                       "Telefonnummer oder einen Link."),
    Refusal.TOO_LONG: "Das übernehme ich nicht: Der Text ist zu lang für eine Formulierung.",
    Refusal.UNKNOWN_ENTRY: "Diesen Eintrag gibt es nicht (mehr). Bitte wählen Sie einen anderen.",
    Refusal.UNKNOWN_TOPIC: "Dieses Thema gibt es nicht (mehr). Bitte wählen Sie ein anderes.",
    Refusal.TOPIC_EXISTS: "Ein Thema mit diesem Namen gibt es schon; bitte wählen Sie es aus der "
                          "Liste.",
    Refusal.BAD_TOPIC_ID: "Aus diesem Namen lässt sich kein Thema machen; bitte nur Buchstaben "
                          "und Ziffern.",
    Refusal.ALREADY_KNOWN: "Das kennt der Bot schon – es steht bei",
    Refusal.CONFLICT: "Das übernehme ich nicht:",
    Refusal.EMPTY: "Dieser Text ist leer.",
}


def _day(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone(BERLIN).strftime("%d.%m.%Y")
    except ValueError:
        return ""


def entry_button(question: str) -> str:
    return f"→ zu „{shorten(question, 40)}“"


def topic_button(topic_id: str) -> str:
    return f"🚫 {topic_id}"


def _what_the_bot_did(group: DigestGroup) -> str:
    parts = []
    if group.declined:
        parts.append(f"{group.declined}× keine Antwort")
    if group.suggested:
        parts.append(f"{group.suggested}× nur „Meinten Sie …?“")
    answered = f" (mit „{html.escape(group.answered_with)}“)" if group.answered_with else ""
    if group.low_score:
        parts.append(f"{group.low_score}× unsicher beantwortet{answered}")
    if group.disliked:
        parts.append(f"{group.disliked}× 👎 für die Antwort{answered if not group.low_score else ''}")
    return " · ".join(parts)


def group_card(group: DigestGroup, position: int, total: int,
               question: str = "Wohin gehört die Frage?") -> str:
    lines = [
        f"<b>Frage {position + 1} von {total}</b> · {group.count}× gestellt",
        f"„{html.escape(shorten(group.text, 300))}“",
        f"Der Bot: {_what_the_bot_did(group)}",
    ]
    details = []
    if group.wordings > 1:
        details.append(f"{group.wordings} ähnliche Formulierungen")
    if group.last_asked and _day(group.last_asked):
        details.append(f"zuletzt am {_day(group.last_asked)}")
    if details:
        lines.append(f"<i>{' · '.join(details)}</i>")
    lines.append("")
    lines.append(NOT_TEACHABLE if not group.teachable else question)
    return "\n".join(lines)


def digest_intro(groups: int, questions: int, since: datetime | None) -> str:
    period = f" seit dem {since.astimezone(BERLIN):%d.%m.%Y}" if since else ""
    return (f"<b>Was der Bot{period} nicht gut beantworten konnte</b>\n"
            f"{groups} Fragengruppe(n) mit zusammen {questions} Frage(n). Je Frage genügt ein "
            "Tipp: zu einem Eintrag, „Nicht im Handbuch“ oder „Ignorieren“. Alles lässt sich "
            "rückgängig machen.")


def conflicts_note(conflicts: tuple[Conflict, ...]) -> str:
    lines = [f"⚠️ {len(conflicts)} frühere Entscheidung(en) wirken nicht, weil die YAML-Dateien "
             "inzwischen etwas anderes sagen:"]
    lines += [f"• „{html.escape(shorten(c.decision.wording, 80))}“: {html.escape(c.reason)}"
              for c in conflicts[:5]]
    return "\n".join(lines)


def search_results(query: str) -> str:
    return f"Einträge zu „{html.escape(shorten(query, 80))}“ – welcher passt?"


def refused(refusal: Refusal, detail: str) -> str:
    text = REFUSALS[refusal]
    return f"{text} {html.escape(detail)}".strip() if detail else text


def confirmed(decision: Decision, title: str) -> str:
    """`title`: the entry's question or the topic id."""
    wording = html.escape(shorten(decision.wording, 200))
    if decision.action is Action.PHRASING:
        return (f"✅ Gelernt: Auf „{wording}“ antwortet der Bot ab sofort mit dem Eintrag "
                f"„{html.escape(shorten(title, 120))}“.")
    if decision.action is Action.OUT_OF_SCOPE:
        new = "neues " if decision.new_topic else ""
        return (f"✅ Gelernt: Fragen wie „{wording}“ beantwortet der Bot ab sofort ehrlich mit "
                f"„steht nicht im Handbuch“ ({new}Thema „{html.escape(title)}“).")
    return f"Ignoriert: „{wording}“ erscheint nicht mehr im Überblick."


def undone(decision: Decision) -> str:
    wording = html.escape(shorten(decision.wording, 200))
    if decision.action is Action.IGNORE:
        return f"↩️ Rückgängig: „{wording}“ erscheint wieder im Überblick."
    return (f"↩️ Rückgängig: Für „{wording}“ ist der Bot wieder auf dem Stand von vorher; die "
            "Frage erscheint wieder im Überblick.")
