"""Small knowledge bases written into a temporary directory for tests."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from thekiz_bot.telegram.services import KnowledgeSnapshot, load_snapshot

PROJECT_ROOT = Path(__file__).resolve().parents[2]
REAL_KNOWLEDGE = PROJECT_ROOT / "knowledge"
HANDBOOK = PROJECT_ROOT.parent / "shared" / "handbook"


@functools.cache
def real_snapshot() -> KnowledgeSnapshot:
    """The real knowledge base, loaded, validated and indexed once per test session.

    Building the index takes about a second and a snapshot is immutable, so tests share it (use
    the `real_knowledge` fixture); tests of loading itself, or of a changed copy, load their own.
    """
    return load_snapshot(REAL_KNOWLEDGE)


def require_handbook(*names: str) -> Path:
    """The handbook excerpts beside the checkout (`../shared/handbook`), holding `names` (or at
    least one document). Without them a test is skipped on a developer's machine but fails when
    `CI` is set: CI always has shared/ beside the clone, so a missing folder there is a broken
    set-up, and a skip would hide that the knowledge base was never checked against its source."""
    wanted = [HANDBOOK / name for name in names] or sorted(HANDBOOK.glob("*.md"))[:1]
    missing = [str(path) for path in wanted if not path.is_file()] if wanted else [f"{HANDBOOK}/*.md"]
    if missing:
        message = f"handbook excerpts missing: {', '.join(missing)}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return HANDBOOK

MINI_ENTRIES: list[dict[str, Any]] = [
    {
        "id": "pb-was",
        "question": "Was ist die Prozessbegleitung?",
        "alternates": ["prozessbegleitung erklärung", "was macht ein prozessbegleiter",
                       "wozu prozessbegleitung", "was bedeutet prozessbegleitung",
                       "aufgabe der prozessbegleitung"],
        "answer": "Die Prozessbegleitung begleitet den Weg zum Eltern-Kind-Zentrum von außen.",
        "contacts": ["fachstelle"],
        "source": "Testhandbuch, Abschnitt Prozessbegleitung",
        "tags": ["prozessbegleitung"],
    },
    {
        "id": "ministerium-kontakt",
        "question": "Wer ist die Ansprechpartnerin im Ministerium?",
        "alternates": ["kontakt ministerium", "wen im ministerium anrufen",
                       "telefonnummer ministerium", "ansprechperson land",
                       "mail an das ministerium"],
        "answer": "Im Ministerium hilft Frau Beispiel weiter.",
        "contacts": ["ministerium"],
        "source": "Testhandbuch, Abschnitt Ministerium",
    },
    {
        "id": "sozialplanung",
        "question": "Wer sind die Sozialplaner*innen im Landkreis?",
        "alternates": ["sozialplanung landkreis", "sozialplaner:innen finden",
                       "wer plant im kreis", "kommunale ansprechpersonen",
                       "sozialplanende liste"],
        "answer": "Die Sozialplanenden arbeiten in den Landkreisen und kreisfreien Städten.",
        "contacts": ["sozialplanung"],
        "source": "Testhandbuch, Abschnitt Kommune",
        "tags": ["regional"],
    },
]

MINI_CONTACTS: dict[str, Any] = {
    "default_contact": "fachstelle",
    "regional_contact": "sozialplanung",
    "contacts": [
        {"id": "fachstelle", "name": "Fachstelle Test", "url": "https://example.invalid/"},
        {"id": "ministerium", "name": "Frau Beispiel", "organisation": "Testministerium",
         "phone": "0361-000 000", "email": "beispiel@example.invalid"},
        {"id": "sozialplanung", "name": "Sozialplanende",
         "note": "Die Liste steht im Testhandbuch."},
    ],
}

MINI_REGIONS: dict[str, Any] = {
    "regions": [
        {"id": "jena", "name": "Jena", "kind": "kreisfreie Stadt"},
        {"id": "weimar", "name": "Weimar", "kind": "kreisfreie Stadt"},
        {"id": "weimarer-land", "name": "Weimarer Land", "kind": "Landkreis",
         "aliases": ["LK Weimarer Land"]},
    ]
}

MINI_SMALLTALK: dict[str, Any] = {
    "smalltalk": [
        {"intent": "greeting", "patterns": ["hallo", "guten tag"], "reply": "Hallo! Fragen Sie."},
        {"intent": "thanks", "patterns": ["danke"], "reply": "Gern geschehen."},
    ]
}


def write_yaml(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def write_mini_kb(root: Path, entries: list[dict[str, Any]] | None = None) -> Path:
    write_yaml(root / "faq" / "test.yaml", {"entries": entries or MINI_ENTRIES})
    write_yaml(root / "contacts.yaml", MINI_CONTACTS)
    write_yaml(root / "regions.yaml", MINI_REGIONS)
    write_yaml(root / "smalltalk.yaml", MINI_SMALLTALK)
    write_yaml(root / "synonyms.yaml", {"synonyms": [["prozessbegleitung", "pb"]]})
    write_yaml(root / "stopwords.yaml", {"stopwords": ["die", "der", "im", "ist", "ein"]})
    return root
