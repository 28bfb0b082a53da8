"""The real knowledge base for the learning tests: collisions only show on real wordings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers.kb import REAL_KNOWLEDGE
from thekiz_bot.knowledge.loader import KnowledgeBase, load_knowledge
from thekiz_bot.matching.matcher import Matcher
from thekiz_bot.storage.database import Database


@pytest.fixture(scope="session")
def real_base() -> KnowledgeBase:
    return load_knowledge(REAL_KNOWLEDGE)


@pytest.fixture(scope="session")
def real_matcher(real_base: KnowledgeBase) -> Matcher:
    return Matcher(real_base)


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
