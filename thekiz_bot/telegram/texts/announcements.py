"""What the bot says about announcements and broadcasts: preview, progress, the final report.

Constants are valid HTML; functions escape every dynamic value.
"""

from __future__ import annotations

from thekiz_bot.broadcast.outbox import BroadcastStats

ANNOUNCE_ASK = (
    "Was möchten Sie ankündigen? Senden Sie mir den Text – oder wählen Sie einen Termin. "
    "Abbrechen mit /abbrechen."
)
ANNOUNCE_SEND = "✅ Senden an {count}"
ANNOUNCE_DROP = "✖️ Verwerfen"
ANNOUNCE_DROPPED = "Verworfen – es wurde nichts gesendet."
ANNOUNCE_ALREADY = "Diese Ankündigung wurde bereits gesendet."
ANNOUNCE_NOBODY = (
    "Derzeit würde niemand diese Nachricht erhalten: Es gibt keine passenden Abonnent*innen."
)
PREVIEW_ABOVE = "👆 <b>Vorschau</b> – so sieht die Nachricht aus."


def preview_question(count: int) -> str:
    people = "eine Person" if count == 1 else f"{count} Personen"
    return f"{PREVIEW_ABOVE}\nEmpfänger: <b>{people}</b>. Jetzt senden?"


def sending_started(count: int) -> str:
    return f"📤 Der Versand an {count} Empfänger*innen hat begonnen."


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    total = int(round(seconds))
    if total < 60:
        return f"{total} s"
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return f"{minutes} min {secs} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


def progress(stats: BroadcastStats) -> str:
    percent = int(100 * stats.done / stats.total) if stats.total else 100
    heading = "✅ Versand abgeschlossen" if stats.status == "done" else "📤 Versand läuft"
    return (
        f"{heading}: {stats.done} von {stats.total} ({percent} %)\n"
        f"📬 zugestellt {stats.delivered} · 🚫 blockiert {stats.blocked} · "
        f"⚠️ fehlgeschlagen {stats.failed}"
    )


_PURPOSE_LABELS = {
    "announcement": "Ankündigung",
    "event": "Terminankündigung",
    "reminder": "Erinnerung",
    "update": "Änderungsmitteilung",
    "cancellation": "Absage",
}


def report(stats: BroadcastStats) -> str:
    label = _PURPOSE_LABELS.get(stats.purpose, "Versand")
    lines = [
        f"✅ <b>{label} versendet</b> (Nr. {stats.broadcast_id})",
        f"Empfänger*innen: {stats.total}",
        f"📬 zugestellt: {stats.delivered}",
        f"🚫 haben den Bot blockiert: {stats.blocked}",
        f"⚠️ fehlgeschlagen: {stats.failed}",
    ]
    if stats.skipped:
        lines.append(f"↩️ inzwischen abbestellt: {stats.skipped}")
    lines.append(f"⏱ Dauer: {_duration(stats.elapsed_seconds)}")
    return "\n".join(lines)
