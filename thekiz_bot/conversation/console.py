"""The conversation on the command line: `chat` and `ask` talk through the same engine as Telegram.

The calendar is read from the bot's database when there is one (never created just to be read);
without it, date questions get the honest "no event" answer with the handbook entry.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from thekiz_bot.conversation.context import ContextKey, ContextStore
from thekiz_bot.conversation.engine import FOLLOWUP, MATCH, ConversationEngine, Reply
from thekiz_bot.conversation.render import reply_json, reply_text
from thekiz_bot.events.model import Event
from thekiz_bot.knowledge.loader import FaqEntry, Region
from thekiz_bot.knowledge.regions import RegionFinder
from thekiz_bot.matching.matcher import Matcher

CONSOLE = ContextKey(0)
CALENDAR_UNREADABLE = "Hinweis: Der Terminkalender in {path} ist nicht lesbar ({reason}); " \
    "Terminfragen werden ohne Termine beantwortet."


def calendar_reader(db_path: Path, tz: ZoneInfo,
                    warn: Callable[[str], None]) -> Callable[[datetime], Sequence[Event]]:
    """Upcoming events from the bot's database, or none when it does not exist or is broken."""
    if not db_path.exists():
        return lambda _now: ()
    from thekiz_bot.events.store import EventStore
    from thekiz_bot.storage.database import Database

    try:
        store = EventStore(Database(db_path), tz)
    except sqlite3.DatabaseError as exc:
        warn(CALENDAR_UNREADABLE.format(path=db_path, reason=exc))
        return lambda _now: ()

    def upcoming(now: datetime) -> Sequence[Event]:
        try:
            return store.upcoming(now)
        except sqlite3.DatabaseError as exc:
            warn(CALENDAR_UNREADABLE.format(path=db_path, reason=exc))
            return ()

    return upcoming


@dataclass
class ConsoleConversation:
    """One person talking on the console: context, region, and numbered choices to pick from."""

    matcher: Matcher
    events: Callable[[datetime], Sequence[Event]]
    tz: ZoneInfo
    context_minutes: float = 10.0
    region: Region | None = None
    clock: Callable[[], datetime] = field(default=lambda: datetime.now().astimezone())
    _choices: tuple[FaqEntry, ...] = ()

    def __post_init__(self) -> None:
        self.engine = ConversationEngine(
            lambda: self.matcher, self.events,
            ContextStore(timedelta(minutes=self.context_minutes)), self.clock, self.tz,
        )
        self.regions = RegionFinder(self.matcher.kb.regions)

    def reply(self, line: str) -> Reply:
        if line.strip().isdigit() and self._choices:
            pick = int(line.strip())
            if 1 <= pick <= len(self._choices):
                line = self._choices[pick - 1].question
        reply = self.engine.answer(line, CONSOLE, None, self.region)
        self._choices = _choices(reply)
        return reply

    def text(self, line: str) -> str:
        return reply_text(self.reply(line), self.regions, self.tz)

    def json(self, line: str) -> dict[str, Any]:
        return reply_json(line, self.reply(line), self.regions, self.tz)


def _choices(reply: Reply) -> tuple[FaqEntry, ...]:
    if reply.kind == FOLLOWUP:
        return reply.related
    if reply.kind == MATCH and reply.result is not None and reply.result.status == "suggest":
        return tuple(c.entry for c in reply.result.suggestions)
    return ()


def warn_on_stderr(text: str) -> None:
    print(text, file=sys.stderr)
