"""Shared fixtures. Keep this small: module-specific helpers live next to their tests."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import settings

from tests.helpers.fakes.botapi import FakeBotApi
from tests.helpers.kb import real_snapshot
from tests.helpers.telegram import RunningBot, start_parts
from thekiz_bot.telegram.services import KnowledgeSnapshot

# CI runs the same examples every time, so a red run is reproducible and never luck; locally
# hypothesis keeps exploring (and remembers failures in .hypothesis/).
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeBotApi]:
    """A fake Telegram Bot API on 127.0.0.1 (see tests/helpers/fakes/botapi.py)."""
    async with FakeBotApi() as api:
        yield api


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "thekiz.sqlite3"


@pytest.fixture(scope="session")
def real_knowledge() -> KnowledgeSnapshot:
    """The real knowledge base with its matcher, built once per session: snapshots are immutable."""
    return real_snapshot()


@pytest.fixture
async def tg_bot(
    fake_api: FakeBotApi, db_path: Path, real_knowledge: KnowledgeSnapshot
) -> AsyncIterator[RunningBot]:
    """The real bot application (real knowledge base), polling the fake Bot API."""
    bot = start_parts(fake_api, db_path, snapshot=real_knowledge)
    async with bot.harness:
        yield bot
    bot.records.db.close()
