"""Texts every part of the bot shares: start-up problems, refusals, stale buttons, the apology.

Exactly one text per situation: every admin-only handler refuses with ADMIN_ONLY, every
private-only one with PRIVATE_ONLY (see telegram/guards.py), every outdated button gets
STALE_BUTTON.
"""

from __future__ import annotations

MISSING_TOKEN = (
    "Es fehlt ein Telegram-Token: Legen Sie in Telegram bei @BotFather mit /newbot einen Bot an "
    "und setzen Sie den Token, den Sie dort bekommen, als Umgebungsvariable TELEGRAM_BOT_TOKEN "
    "– ohne Telegram können Sie den Bot mit `python bot.py chat` ausprobieren."
)
TOKEN_REJECTED = (
    "Telegram hat den Token abgelehnt: Bitte prüfen Sie TELEGRAM_BOT_TOKEN (bei @BotFather mit "
    "/token abrufbar)."
)
TELEGRAM_UNREACHABLE = (
    "Telegram ist nicht erreichbar: Bitte prüfen Sie die Internetverbindung und "
    "TELEGRAM_API_BASE_URL."
)
WEBHOOK_SECRET_MISSING = (
    "Für den Webhook-Betrieb fehlt ein Geheimnis: Bitte setzen Sie TELEGRAM_WEBHOOK_SECRET auf "
    "eine zufällige Zeichenfolge aus 1–256 Zeichen (A–Z, a–z, 0–9, _ und -), z. B. mit "
    "`openssl rand -hex 32`."
)
KNOWLEDGE_INVALID = "Die Wissensbasis kann nicht geladen werden:"


def database_unusable(path: str, reason: str) -> str:
    return (f"Die Datenbank {path} kann nicht geöffnet werden ({reason}): "
            "Bitte prüfen Sie THEKIZ_DB.")


ADMIN_ONLY = "Das ist nur für die Landeskoordinations- und Fachstelle verfügbar."
PRIVATE_ONLY = (
    "Das geht nur im privaten Chat mit mir – dort bleibt unter uns, was Sie mir schreiben."
)
STALE_BUTTON = "Dieser Knopf ist nicht mehr aktuell. Bitte versuchen Sie es einfach noch einmal."
SORRY = (
    "Entschuldigung, da ist bei mir etwas schiefgegangen. Bitte versuchen Sie es gleich noch "
    "einmal."
)
NOTHING_TO_CANCEL = "Es läuft gerade nichts, was abgebrochen werden könnte."


def shorten(text: str, limit: int) -> str:
    """One line of at most `limit` characters, with "…" when cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
