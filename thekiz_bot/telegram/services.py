"""What the handlers share: settings, the knowledge base in service, the records, extensions.

One `BotServices` object lives in `application.bot_data` and is fetched with `get_services`.
Feature modules (events, announcements) extend it while the application is built: they add
their commands to `commands` (for /hilfe and the command menu), their personal data to
`privacy_providers` (for /meine_daten and /daten_loeschen) and start/stop hooks.
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from telegram.ext import Application, ContextTypes

from thekiz_bot.config import Settings
from thekiz_bot.conversation.context import ContextStore
from thekiz_bot.conversation.engine import ConversationEngine
from thekiz_bot.events.store import EventStore
from thekiz_bot.knowledge.loader import FaqEntry, KnowledgeBase, Region, load_knowledge
from thekiz_bot.matching.cache import load_matcher
from thekiz_bot.matching.matcher import Matcher, Semantic
from thekiz_bot.storage.database import utc_now
from thekiz_bot.storage.records import Records
from thekiz_bot.storage.users import UserRepository
from thekiz_bot.telegram.callbacks import short_key
from thekiz_bot.telegram.commands import CommandInfo
from thekiz_bot.telegram.texts import faq as texts

SERVICES_KEY = "thekiz_services"
Hook = Callable[[Application], Awaitable[None]]  # type: ignore[type-arg]


@dataclass(frozen=True)
class KnowledgeSnapshot:
    """One loaded knowledge base with its matcher; never changed, replaced as a whole."""

    kb: KnowledgeBase
    matcher: Matcher
    loaded_at: datetime
    entries_by_key: Mapping[str, FaqEntry]
    regions_by_key: Mapping[str, Region]

    @classmethod
    def build(cls, kb: KnowledgeBase, matcher: Matcher | None = None) -> KnowledgeSnapshot:
        """`matcher`: one built already for exactly this knowledge base."""
        return cls(
            kb=kb,
            matcher=matcher if matcher is not None else Matcher(kb),
            loaded_at=utc_now(),
            entries_by_key={short_key(e.id): e for e in kb.served_entries},
            regions_by_key={short_key(r.id): r for r in kb.regions},
        )

    def entry(self, key: str) -> FaqEntry | None:
        return self.entries_by_key.get(key)

    def region(self, key: str) -> Region | None:
        return self.regions_by_key.get(key)


def load_snapshot(directory: Path, cache_dir: Path | None = None,
                  semantic: bool = False) -> KnowledgeSnapshot:
    """Load, validate and index a knowledge base; raises KnowledgeError when invalid.

    With `cache_dir` the built matcher comes from the index cache when it is current, so a
    restart or `/neu_laden` of an unchanged knowledge base does not build and calibrate again.
    `semantic`: the matcher uses the semantic signal (THEKIZ_SEMANTIC)."""
    matcher = load_matcher(directory, cache_dir, semantic)
    return KnowledgeSnapshot.build(matcher.kb, matcher)


Rebase = Callable[[KnowledgeBase], object]


class KnowledgeService:
    """The knowledge base in service. A reload swaps it only when the new one is valid.

    `base` is the knowledge base as the YAML files say; what is served may add what the
    Fachstelle taught in the chat (see `serve_through`), built while the old one keeps serving.
    """

    def __init__(self, directory: Path, snapshot: KnowledgeSnapshot,
                 cache_dir: Path | None = None, semantic: bool = False) -> None:
        self.directory = directory
        self._cache_dir = cache_dir
        self._semantic = semantic
        self._current = snapshot
        self._base = snapshot.kb
        self._rebase: Rebase | None = None
        self._reload_lock = asyncio.Lock()

    @property
    def base(self) -> KnowledgeBase:
        return self._base

    def publish(self, kb: KnowledgeBase, matcher: Matcher) -> None:
        """Serve this knowledge base and its matcher from now on (one reference swap)."""
        self._current = KnowledgeSnapshot.build(kb, matcher)

    def build_matcher(self, kb: KnowledgeBase) -> Matcher:
        """A matcher for a changed knowledge base (what /lernen teaches), built like the one
        in service; with the semantic signal, unchanged texts keep their embeddings."""
        reuse = Semantic(reuse=self._current.matcher.semantic) if self._semantic else None
        return Matcher(kb, semantic=reuse)

    def serve_through(self, rebase: Rebase) -> None:
        """Every loaded knowledge base goes through `rebase`, which publishes what to serve."""
        self._rebase = rebase

    @classmethod
    def load(cls, directory: Path, cache_dir: Path | None = None,
             semantic: bool = False) -> KnowledgeService:
        return cls(directory, load_snapshot(directory, cache_dir, semantic), cache_dir, semantic)

    @property
    def current(self) -> KnowledgeSnapshot:
        return self._current

    async def reload(self) -> KnowledgeSnapshot:
        """Load the directory again (in a worker thread); KnowledgeError keeps the old one."""
        async with self._reload_lock:
            if self._rebase is None:
                snapshot = await asyncio.to_thread(load_snapshot, self.directory, self._cache_dir,
                                                   self._semantic)
                self._base, self._current = snapshot.kb, snapshot
                return snapshot
            base = await asyncio.to_thread(load_knowledge, self.directory)
            await asyncio.to_thread(self._rebase, base)
            self._base = base
            return self._current


class PersonalDataProvider(Protocol):
    """Something that stores data about a Telegram user (GDPR: say, show and delete it)."""

    # One HTML bullet for /datenschutz: what is stored and why, e.g. "• <b>Ihre Abos</b> …".
    purpose: str

    def describe(self, user_id: int) -> list[str]:
        """HTML lines (dynamic parts escaped) saying what is stored; empty when nothing."""
        ...

    def delete(self, user_id: int) -> int:
        """Delete everything stored about the user; returns the number of records removed."""
        ...


class RegionPrivacy:
    """The `users` row: the region a user picked with /region."""

    purpose = texts.REGION_PRIVACY

    def __init__(self, users: UserRepository, knowledge: KnowledgeService) -> None:
        self._users = users
        self._knowledge = knowledge

    def describe(self, user_id: int) -> list[str]:
        profile = self._users.get(user_id)
        if profile is None:
            return []
        if profile.region_id is None:
            region = "keine Region gewählt"
        else:
            found = self._knowledge.current.kb.region(profile.region_id)
            region = f"{found.kind} {found.name}" if found else profile.region_id
        since = profile.created_at[:10]
        return [
            f"Ihre Telegram-Nutzerkennung <code>{profile.user_id}</code> mit Ihrer Region: "
            f"{html.escape(region)} (gespeichert seit {html.escape(since)})"
        ]

    def delete(self, user_id: int) -> int:
        return int(self._users.delete(user_id))


class ConversationPrivacy:
    """What the conversation engine remembers about a user: the last answer, in memory only."""

    purpose = texts.CONVERSATION_PRIVACY

    def __init__(self, engine: ConversationEngine) -> None:
        self._engine = engine

    def describe(self, user_id: int) -> list[str]:
        store = self._engine.store
        if not store.has_user(user_id, self._engine.clock()):
            return []
        return [texts.conversation_stored(store.timeout.total_seconds() / 60)]

    def delete(self, user_id: int) -> int:
        return self._engine.store.forget_user(user_id)


def conversation_engine(settings: Settings, knowledge: KnowledgeService,
                        records: Records) -> ConversationEngine:
    """The engine every question goes through: the knowledge base in service, the calendar of
    the bot's database, and a context that lives THEKIZ_CONTEXT_MINUTES."""
    tz = ZoneInfo(settings.timezone)
    events = EventStore(records.db, tz)
    return ConversationEngine(
        lambda: knowledge.current.matcher, events.upcoming,
        ContextStore(timedelta(minutes=settings.context_minutes)), utc_now, tz,
    )


@dataclass
class BotServices:
    settings: Settings
    knowledge: KnowledgeService
    records: Records
    conversation: ConversationEngine
    commands: list[CommandInfo] = field(default_factory=list)
    privacy_providers: list[PersonalDataProvider] = field(default_factory=list)
    startup_hooks: list[Hook] = field(default_factory=list)
    shutdown_hooks: list[Hook] = field(default_factory=list)

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.settings.admin_ids


def get_services(context: ContextTypes.DEFAULT_TYPE) -> BotServices:
    services = context.application.bot_data[SERVICES_KEY]
    assert isinstance(services, BotServices)
    return services
