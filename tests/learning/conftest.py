"""The real knowledge base for the learning tests: collisions only show on real wordings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers.kb import REAL_KNOWLEDGE, real_snapshot
from thekiz_bot.knowledge.loader import KnowledgeBase
from thekiz_bot.matching.matcher import Matcher
from thekiz_bot.storage.database import Database


@pytest.fixture(scope="session")
def real_base() -> KnowledgeBase:
    return real_snapshot().kb


@pytest.fixture(scope="session")
def real_matcher() -> Matcher:
    """Built once per session (with its calibration it takes seconds) and shared with the bot
    tests; `real_matcher.kb is real_base`."""
    return real_snapshot().matcher


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(REAL_KNOWLEDGE, target)
    return target


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(tmp_path / "learn.sqlite3")
    yield database
    database.close()
