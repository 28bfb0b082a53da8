"""Command line for events and announcements (for the Fachstelle and for scheduled jobs).

    python bot.py events import FILE [--dry-run]
    python bot.py events list [--all] [--json]
    python bot.py announce "TEXT" | --file FILE | --event ID  [--region NAME] [--yes] [--dry-run]
                           [--queue-only]
    python bot.py announce --pending | --status

Only one process sends at a time: while the bot runs, `announce` queues and the bot sends.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from thekiz_bot.broadcast.announcements import AnnouncementError, Announcements, Preview
from thekiz_bot.broadcast.outbox import BroadcastStats, Outbox
from thekiz_bot.broadcast.worker import BroadcastWorker, DeliveryLimits, Lease
from thekiz_bot.cli.common import FILE, NUMBER, REGION, add_knowledge_option
from thekiz_bot.cli.events_preview import date_warnings, plan, plan_lines
from thekiz_bot.cli.exit_codes import ExitCode
from thekiz_bot.config import Settings
from thekiz_bot.events.importer import EventImportError, load_events_file
from thekiz_bot.events.model import Event
from thekiz_bot.events.render import event_card_text
from thekiz_bot.events.store import EventStore
from thekiz_bot.events.subscriptions import Subscriptions
from thekiz_bot.knowledge.loader import KnowledgeError, load_knowledge
from thekiz_bot.knowledge.regions import RegionFinder, UnknownRegion
from thekiz_bot.storage.database import Database

EXIT_OK, EXIT_INVALID, EXIT_USAGE = ExitCode.OK, ExitCode.FAILED, ExitCode.USAGE


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], settings: Settings) -> None:
    text = "Termine aus einer YAML-Datei importieren oder anzeigen."
    events = sub.add_parser("events", help="Termine importieren und anzeigen", description=text)
    actions = events.add_subparsers(dest="action", metavar="AKTION", required=True,
                                    help="import oder list (Hilfe: AKTION --help)")

    def add(parent: argparse._SubParsersAction[argparse.ArgumentParser], name: str, short: str,
            text: str) -> argparse.ArgumentParser:
        p = parent.add_parser(name, help=short, description=text)
        add_knowledge_option(p, settings, " (für die Namen der Regionen)")
        return p

    p = add(actions, "import", "Termine aus einer YAML-Datei importieren",
            "Termine aus einer YAML-Datei importieren (anlegen oder aktualisieren); Personen, "
            "die von einem geänderten Termin wussten, bekommen eine Mitteilung.")
    p.add_argument("file", type=Path, metavar=FILE, help="die Termindatei (YAML)")
    p.add_argument("--dry-run", action="store_true", help="nur prüfen, nichts speichern")
    p.set_defaults(handler=lambda ns, s: cmd_import(ns, s, ZoneInfo(s.timezone)))
    p = add(actions, "list", "kommende Termine anzeigen", "Kommende Termine anzeigen.")
    p.add_argument("--all", action="store_true", help="auch vergangene und abgesagte")
    p.add_argument("--json", action="store_true", help="als JSON ausgeben")
    p.set_defaults(handler=lambda ns, s: cmd_list(ns, s, ZoneInfo(s.timezone)))

    p = add(sub, "announce", "Ankündigung an die Abonnent*innen senden",
            "Eine Ankündigung (freier Text, Datei oder Termin) an die Abonnent*innen senden, "
            "vorgemerkte Nachrichten versenden oder den Stand der Versände zeigen. Läuft der "
            "Bot, versendet er; sonst sendet dieser Befehl selbst.")
    p.add_argument("text", nargs="?", metavar="TEXT", help="der Text (oder --file / --event)")
    p.add_argument("--file", type=Path, metavar=FILE, help="Text aus einer Datei (UTF-8)")
    p.add_argument("--event", type=int, metavar=NUMBER, help="den Termin mit dieser Nummer "
                                                              "ankündigen")
    p.add_argument("--region", metavar=REGION,
                   help="nur an Abos dieser Region und ganz Thüringens (bei freiem Text)")
    p.add_argument("--yes", action="store_true", help="ohne Rückfrage senden (für cron)")
    p.add_argument("--dry-run", action="store_true", help="nur Vorschau und Empfängerzahl")
    p.add_argument("--queue-only", action="store_true",
                   help="nur vormerken; der laufende Bot versendet")
    p.add_argument("--pending", action="store_true",
                   help="alles versenden, was noch in der Warteschlange steht")
    p.add_argument("--status", action="store_true", help="die letzten Versände anzeigen")
    p.set_defaults(handler=lambda ns, s: cmd_announce(ns, s, ZoneInfo(s.timezone)))


def _regions(directory: Path, required: bool) -> RegionFinder | None:
    try:
        return RegionFinder(load_knowledge(directory).regions)
    except KnowledgeError as exc:
        if not required:
            return RegionFinder()
        print(f"Die Wissensbasis ist ungültig ({len(exc.issues)} Problem(e)); ohne sie kenne "
              "ich die Regionen nicht:", file=sys.stderr)
        for issue in exc.issues:
            print(f"  {issue}", file=sys.stderr)
        return None


def _now() -> datetime:
    return datetime.now(UTC)


# --- events import / list ------------------------------------------------------------------

def cmd_import(ns: argparse.Namespace, settings: Settings, tz: ZoneInfo) -> int:
    regions = _regions(ns.knowledge, required=True)
    if regions is None:
        return EXIT_INVALID
    try:
        imported = load_events_file(ns.file, regions, tz)
    except EventImportError as exc:
        print(f"Die Datei kann nicht importiert werden ({len(exc.issues)} Problem(e)); es wurde "
              "nichts gespeichert:", file=sys.stderr)
        for issue in exc.issues:
            print(f"  {issue}", file=sys.stderr)
        return EXIT_INVALID
    for warning in date_warnings([item.event for item in imported], _now(), tz):
        print(warning, file=sys.stderr)
    if ns.dry_run:
        existing: list[Event] = []
        if settings.db_path.exists():  # a dry run creates no database
            db = Database(settings.db_path)
            try:
                existing = EventStore(db, tz).all()
            finally:
                db.close()
        planned = plan([item.event for item in imported], existing)
        counts = {s: sum(p.status == s for p in planned) for s in ("neu", "geändert", "unverändert")}
        print(f"{len(imported)} Termin(e) sind gültig: {counts['neu']} neu, {counts['geändert']} "
              f"geändert, {counts['unverändert']} unverändert (--dry-run: nichts gespeichert).")
        print("\n".join(plan_lines(planned)))
        for item in imported:
            print()
            print(event_card_text(item.event, regions, tz))
        return EXIT_OK
    db = Database(settings.db_path)
    try:
        store = EventStore(db, tz)
        summary = store.import_events([item.event for item in imported], _now())
        print(f"Import aus {ns.file}: {len(summary.created)} neu, {len(summary.changed)} "
              f"geändert, {len(summary.unchanged)} unverändert.")
        announcements = Announcements(store, Subscriptions(db), Outbox(db), regions, tz)
        told = 0
        for change in summary.changed:
            print(f"  geändert: [{change.after.id}] {change.after.title} "
                  f"({', '.join(change.fields)})")
            queued = announcements.notify_change(change)
            told += queued[1] if queued else 0
        if told:
            print(f"{told} Änderungsmitteilung(en) an Personen, die von den Terminen wussten, "
                  "sind vorgemerkt. Der laufende Bot versendet sie (sonst: "
                  "python bot.py announce --pending).")
    finally:
        db.close()
    return EXIT_OK


def cmd_list(ns: argparse.Namespace, settings: Settings, tz: ZoneInfo) -> int:
    regions = _regions(ns.knowledge, required=False) or RegionFinder()
    db = Database(settings.db_path)
    try:
        store = EventStore(db, tz)
        events = store.all() if ns.all else store.upcoming(_now())
    finally:
        db.close()
    if ns.json:
        print(json.dumps([{
            "id": e.id, "external_id": e.external_id, "title": e.title, "kind": e.kind,
            "start": e.start.isoformat(), "end": e.end.isoformat() if e.end else None,
            "place": e.place, "online_url": e.online_url, "region_id": e.region_id,
            "region": regions.name(e.region_id), "status": e.status,
            "registration_url": e.registration_url,
            "registration_deadline": (e.registration_deadline.isoformat()
                                      if e.registration_deadline else None),
        } for e in events], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not events:
        print("Keine kommenden Termine." if not ns.all else "Keine Termine gespeichert.")
        return EXIT_OK
    for event in events:
        print(event_card_text(event, regions, tz))
    return EXIT_OK


# --- announce --------------------------------------------------------------------------------

def plain(html_text: str) -> str:
    """Telegram HTML as a terminal shows it."""
    text = re.sub(r"<a href=\"([^\"]*)\">([^<]*)</a>", r"\2", html_text)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


class ConsoleReporter:
    async def progress(self, stats: BroadcastStats) -> None:
        print(f"  … {stats.done} von {stats.total} (zugestellt {stats.delivered}, blockiert "
              f"{stats.blocked}, fehlgeschlagen {stats.failed})", file=sys.stderr, flush=True)

    async def finished(self, stats: BroadcastStats) -> None:
        return None


def report_lines(stats: BroadcastStats) -> list[str]:
    seconds = stats.elapsed_seconds or 0.0
    return [
        f"Versand Nr. {stats.broadcast_id} ({stats.purpose}): {stats.status}",
        f"  Empfänger*innen:            {stats.total}",
        f"  zugestellt:                 {stats.delivered}",
        f"  haben den Bot blockiert:    {stats.blocked}",
        f"  fehlgeschlagen:             {stats.failed}",
        f"  inzwischen abbestellt:      {stats.skipped}",
        f"  noch offen:                 {stats.pending + stats.sending}",
        f"  Dauer:                      {seconds:.1f} s",
    ]


async def send_pending(settings: Settings, outbox: Outbox,
                       limits: DeliveryLimits | None = None) -> int:
    """Send everything queued, in this process; returns an exit code."""
    from telegram.error import InvalidToken, NetworkError

    from thekiz_bot.broadcast.telegram_sender import TelegramSender, broadcast_bot

    assert settings.telegram_token
    bot = broadcast_bot(settings.telegram_token, settings.api_base_url,
                        connections=settings.broadcast_concurrency)
    limits = limits or DeliveryLimits(concurrency=settings.broadcast_concurrency)
    try:
        async with bot:
            worker = BroadcastWorker(outbox, TelegramSender(bot), limits, ConsoleReporter())
            await worker.run(until_idle=True)
    except InvalidToken:
        print("Telegram hat den Token abgelehnt (TELEGRAM_BOT_TOKEN prüfen). Die Nachrichten "
              "bleiben vorgemerkt.", file=sys.stderr)
        return EXIT_USAGE
    except NetworkError as exc:
        print(f"Telegram ist nicht erreichbar ({exc.message}). Die Nachrichten bleiben "
              "vorgemerkt.", file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK


def _confirmed(ns: argparse.Namespace, count: int) -> bool:
    if ns.yes:
        return True
    if not sys.stdin.isatty():
        print("Ohne Rückfrage wird nur mit --yes gesendet (z. B. in cron-Jobs).", file=sys.stderr)
        return False
    answer = input(f"Jetzt an {count} Empfänger*innen senden? [j/N] ").strip().casefold()
    return answer in ("j", "ja", "y", "yes")


def _preview(ns: argparse.Namespace, announcements: Announcements, regions: RegionFinder) -> Preview:
    if ns.event is not None:
        return announcements.preview_event(ns.event, _now())
    if ns.file is not None:
        try:
            body = ns.file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise AnnouncementError(
                f"Die Datei {ns.file} kann nicht gelesen werden: {exc}") from exc
    elif ns.text is not None:
        body = ns.text
    else:
        raise AnnouncementError("Bitte einen Text angeben, --file DATEI oder --event NR.")
    region_id = None
    if ns.region:
        try:
            region_id = regions.resolve_scope(ns.region)
        except UnknownRegion as exc:
            raise AnnouncementError(str(exc)) from exc
    # Plain text from the command line: escaped, so that "<" and "&" arrive as typed.
    return announcements.preview_text(html.escape(body.strip()), len(body.strip()),
                                      region_id=region_id)


def cmd_announce(ns: argparse.Namespace, settings: Settings, tz: ZoneInfo) -> int:
    db = Database(settings.db_path)
    try:
        outbox = Outbox(db)
        if ns.status:
            recent = outbox.recent()
            if not recent:
                print("Noch keine Versände.")
            for stats in recent:
                print("\n".join(report_lines(stats)))
            return EXIT_OK
        if ns.pending:
            return _send_now(settings, outbox, ids=outbox.sending_broadcasts())
        regions = _regions(ns.knowledge, required=ns.region is not None)
        if regions is None:
            return EXIT_INVALID
        announcements = Announcements(EventStore(db, tz), Subscriptions(db), outbox, regions, tz)
        try:
            preview = _preview(ns, announcements, regions)
        except AnnouncementError as exc:
            print(str(exc), file=sys.stderr)
            return EXIT_USAGE
        print("Vorschau:\n")
        print(plain(preview.text))
        print(f"\nEmpfänger*innen: {preview.recipients}")
        if ns.dry_run or not preview.recipients:
            outbox.discard_draft(preview.broadcast_id)
            print("Nichts gesendet." + ("" if ns.dry_run else " Es gibt keine passenden Abos."))
            return EXIT_OK
        if not _confirmed(ns, preview.recipients):
            outbox.discard_draft(preview.broadcast_id)
            print("Abgebrochen – nichts gesendet.")
            return EXIT_USAGE if not ns.yes else EXIT_OK
        count = announcements.confirm(preview.broadcast_id)
        print(f"Vorgemerkt: Versand Nr. {preview.broadcast_id} an {count} Empfänger*innen.")
        return _send_now(settings, outbox, ids=[preview.broadcast_id], queue_only=ns.queue_only)
    finally:
        db.close()


def _send_now(settings: Settings, outbox: Outbox, ids: list[int],
              queue_only: bool = False) -> int:
    if queue_only:
        print("Der laufende Bot versendet die Nachricht.")
        return EXIT_OK
    if Lease(outbox.db, DeliveryLimits().lease_ttl).held_by_other():
        print("Der laufende Bot versendet die Nachricht (er hält die Warteschlange); den Stand "
              "zeigt: python bot.py announce --status")
        return EXIT_OK
    if not settings.telegram_token:
        print("Kein TELEGRAM_BOT_TOKEN gesetzt: Die Nachricht bleibt vorgemerkt und wird beim "
              "nächsten Start des Bots versendet.", file=sys.stderr)
        return EXIT_OK
    code = asyncio.run(send_pending(settings, outbox))
    failed = 0
    for broadcast_id in ids:
        stats = outbox.stats(broadcast_id)
        if stats is not None:
            print("\n".join(report_lines(stats)))
            failed += stats.failed
    if code == EXIT_OK and failed:
        return EXIT_INVALID
    return code
