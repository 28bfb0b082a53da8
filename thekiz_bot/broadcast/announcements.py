"""Who gets which message about events and announcements, and putting it in the outbox.

Shared by the chat, the command line and the reminder scheduler, so that the recipients an admin
sees in a preview are computed the same way everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from thekiz_bot.broadcast.outbox import Outbox
from thekiz_bot.broadcast.states import BroadcastStatus, Purpose
from thekiz_bot.events import render as event_render
from thekiz_bot.events.model import Event
from thekiz_bot.events.store import EventChange, EventStore
from thekiz_bot.events.subscriptions import Subscriptions
from thekiz_bot.knowledge.regions import RegionFinder

# Telegram allows 4,096 characters; leave room for the heading and the footer.
MAX_ANNOUNCEMENT_CHARS = 3500


class AnnouncementError(ValueError):
    """The announcement cannot be sent as it is; the message says why, in German."""


@dataclass(frozen=True)
class Preview:
    broadcast_id: int
    text: str
    recipients: int


class Announcements:
    def __init__(
        self,
        events: EventStore,
        subscriptions: Subscriptions,
        outbox: Outbox,
        regions: RegionFinder,
        tz: ZoneInfo,
    ) -> None:
        self.events = events
        self.subscriptions = subscriptions
        self.outbox = outbox
        self.regions = regions
        self.tz = tz

    def recipients_for_event(self, event: Event) -> list[int]:
        return self.subscriptions.recipients(event.region_id, event.kind)

    def recipients_for_text(self, region_id: str | None) -> list[int]:
        return self.subscriptions.recipients(region_id, None)

    def preview_text(
        self,
        body_html: str,
        plain_length: int,
        *,
        region_id: str | None = None,
        created_by: int | None = None,
        report_chat_id: int | None = None,
    ) -> Preview:
        """A free-text announcement as a draft; `plain_length` is the text without markup."""
        if not body_html.strip():
            raise AnnouncementError("Die Ankündigung ist leer.")
        if plain_length > MAX_ANNOUNCEMENT_CHARS:
            raise AnnouncementError(
                f"Die Ankündigung ist zu lang ({plain_length} Zeichen, höchstens "
                f"{MAX_ANNOUNCEMENT_CHARS}). Bitte kürzen Sie sie."
            )
        text = event_render.free_announcement_html(body_html)
        broadcast_id = self.outbox.create_draft(
            Purpose.ANNOUNCEMENT, text, region_id=region_id, created_by=created_by,
            report_chat_id=report_chat_id,
        )
        return Preview(broadcast_id, text, len(self.recipients_for_text(region_id)))

    def preview_event(
        self, event_id: int, now: datetime, *, created_by: int | None = None,
        report_chat_id: int | None = None,
    ) -> Preview:
        event = self.events.get(event_id)
        if event is None:
            raise AnnouncementError(f"Einen Termin Nr. {event_id} gibt es nicht.")
        if event.is_cancelled:
            raise AnnouncementError(
                "Dieser Termin ist abgesagt und kann nicht angekündigt werden.")
        if (event.end or event.start) < now:
            raise AnnouncementError("Dieser Termin liegt in der Vergangenheit.")
        text = event_render.event_announcement_html(event, self.regions, self.tz)
        broadcast_id = self.outbox.create_draft(
            Purpose.EVENT, text, event_id=event_id, region_id=event.region_id, created_by=created_by,
            report_chat_id=report_chat_id,
        )
        return Preview(broadcast_id, text, len(self.recipients_for_event(event)))

    def confirm(self, broadcast_id: int) -> int | None:
        """Queue the draft for its recipients as they are now; None if already confirmed."""
        draft = self.outbox.draft(broadcast_id)
        if draft is None or draft.status != BroadcastStatus.DRAFT:
            return None
        if draft.event_id is not None:
            event = self.events.get(draft.event_id)
            if event is None or event.is_cancelled:
                raise AnnouncementError("Der Termin wurde inzwischen abgesagt oder gelöscht.")
            chats = self.recipients_for_event(event)
        else:
            chats = self.recipients_for_text(draft.region_id)
        if not self.outbox.start(broadcast_id, chats):
            return None
        return len(chats)

    def notify_change(
        self, change: EventChange, *, created_by: int | None = None,
        report_chat_id: int | None = None,
    ) -> tuple[int, int] | None:
        """Tell the people who were told about the event; (broadcast id, recipients) or None."""
        after = change.after
        if after.id is None or not change.notifiable:
            return None
        told = set(self.outbox.told_chats(after.id))
        # Only people who still want announcements; someone who unsubscribed is left alone.
        chats = [s.chat_id for s in self.subscriptions.active() if s.chat_id in told]
        if not chats:
            return None
        if after.is_cancelled and not change.before.is_cancelled:
            purpose, text = Purpose.CANCELLATION, event_render.cancellation_html(after, self.tz)
        else:
            purpose, text = Purpose.UPDATE, event_render.update_html(change, self.regions, self.tz)
        broadcast_id = self.outbox.enqueue(
            purpose, text, chats, event_id=after.id, region_id=after.region_id,
            created_by=created_by, report_chat_id=report_chat_id,
        )
        return broadcast_id, len(chats)
