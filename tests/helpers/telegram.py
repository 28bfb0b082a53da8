"""Helpers for the Telegram tests: users, chats, and a running bot against the fake Bot API."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.helpers.fakes.botapi import FakeBotApi
from tests.helpers.fakes.harness import BotHarness
from tests.helpers.fakes.updates import TgChat, TgUser
from tests.helpers.kb import REAL_KNOWLEDGE, real_snapshot
from thekiz_bot.config import Settings
from thekiz_bot.retry import Backoff
from thekiz_bot.storage.database import Database
from thekiz_bot.storage.records import Records
from thekiz_bot.telegram.app import BotTuning, build_application
from thekiz_bot.telegram.ratelimit import FloodLimits
from thekiz_bot.telegram.services import KnowledgeService, KnowledgeSnapshot

ANNA = TgUser(1001, "Anna", "Koordinatorin")
BEN = TgUser(1002, "Ben", None, username="ben_thekiz")
ADMIN = TgUser(4242, "Jana", "Fachstelle")
TEAM = TgChat(-1001234567890, "supergroup", title="ThEKiZ Team Jena")

# No throttling and quick retries: the tests exercise the logic, not the clock.
FAST = BotTuning(flood=FloodLimits(overall_per_second=0, backoff=Backoff(0.01, 0.05)),
                 timeout_seconds=2.0)


def copy_knowledge(target: Path) -> Path:
    """A private copy of the real knowledge base that a test may change."""
    shutil.copytree(REAL_KNOWLEDGE, target)
    return target


@dataclass
class RunningBot:
    harness: BotHarness
    records: Records
    knowledge: KnowledgeService
    settings: Settings

    @property
    def api(self) -> FakeBotApi:
        return self.harness.api


def make_settings(api: FakeBotApi, db_path: Path, knowledge_dir: Path = REAL_KNOWLEDGE,
                  admins: Sequence[int] = (ADMIN.id,)) -> Settings:
    return Settings(
        telegram_token=api.token,
        api_base_url=api.base_url,
        db_path=db_path,
        knowledge_dir=knowledge_dir,
        admin_ids=frozenset(admins),
    )


def start_parts(api: FakeBotApi, db_path: Path, knowledge_dir: Path = REAL_KNOWLEDGE,
                tuning: BotTuning = FAST,
                snapshot: KnowledgeSnapshot | None = None) -> RunningBot:
    """Build (not start) the real application as `python bot.py run` would, against the fake.

    `snapshot`: an already loaded knowledge base of `knowledge_dir` (it is immutable, so tests
    may share one and skip the loading); a /neu_laden still reads the directory. Without it the
    real knowledge base is the session's shared snapshot and any other directory is loaded.
    """
    settings = make_settings(api, db_path, knowledge_dir)
    if snapshot is None and knowledge_dir == REAL_KNOWLEDGE:
        snapshot = real_snapshot()
    knowledge = (KnowledgeService(knowledge_dir, snapshot) if snapshot is not None
                 else KnowledgeService.load(knowledge_dir))
    records = Records(Database(db_path))
    application = build_application(settings, knowledge, records, tuning=tuning)
    return RunningBot(BotHarness(api, application), records, knowledge, settings)
